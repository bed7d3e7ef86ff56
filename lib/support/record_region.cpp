// record_region: bump-allocated chunks whose huge pages go back to the system once every record in them is freed.
#include "support/record_region.hpp"

#include <algorithm>
#include <cstdint>

#include <sys/mman.h>

#include "support/huge_pages.hpp"

namespace mitrekg {

record_region::record_region(std::size_t chunk_hint) : chunk_size_(mapping_size(chunk_hint)) {}

record_region::~record_region() {
  for (const chunk& c : chunks_)
    if (!c.adopted) ::munmap(c.base, c.length);
}

void record_region::push_chunk(chunk c) {
  chunks_.push_back(std::move(c));
  // The chunk left behind hands out nothing more: the unit it stopped in may
  // be dead already (the units past it were never touched).
  if (chunks_.size() > 1) {
    chunk& old = chunks_[chunks_.size() - 2];
    const bool used = old.handed_out > old.base;   // an adopted chunk may be left unused
    const std::size_t last = used ? static_cast<std::size_t>(old.handed_out - old.base - 1) / old.unit : 0;
    old.handed_out = old.base + old.length;
    if (used) release_if_dead(old, last);
  }
}

void record_region::add_chunk(std::size_t need) {
  std::size_t length = std::max(chunk_size_, need);
  length = length < huge_page ? round_up(length, mapping_granule) : round_up(length, huge_page);
  chunks_.reserve(chunks_.size() + 1);
  auto* base = static_cast<char*>(map_anonymous(length));
  const std::size_t unit = std::min(length, huge_page);
  try {
    push_chunk({base, length, unit, base, std::vector<std::size_t>(length / unit, 0)});
  } catch (...) {
    ::munmap(base, length);
    throw;
  }
  chunk_size_ = std::min(chunk_size_ * 2, std::size_t{1} << 30);
}

void record_region::adopt(char* p, std::size_t n, std::shared_ptr<const void> owner) {
  if (n == 0) return;
  owners_.reserve(owners_.size() + 1);
  chunks_.reserve(chunks_.size() + 1);
  // One unit, the whole chunk: counted, never given back.
  push_chunk({p, n, n, p, std::vector<std::size_t>(1, 0), true});
  owners_.push_back(std::move(owner));
}

std::size_t record_region::mapped() const noexcept {
  std::size_t n = 0;
  for (const chunk& c : chunks_)
    if (!c.adopted) n += c.length;
  return n;
}

void* record_region::allocate(std::size_t bytes, std::size_t align) {
  if (bytes == 0) bytes = 1;
  auto fits = [&](const chunk& c) {
    const auto at = round_up(reinterpret_cast<std::uintptr_t>(c.handed_out), align);
    return at + bytes <= reinterpret_cast<std::uintptr_t>(c.base + c.length);
  };
  if (chunks_.empty() || !fits(chunks_.back())) add_chunk(bytes + align);
  chunk& c = chunks_.back();
  char* at = reinterpret_cast<char*>(round_up(reinterpret_cast<std::uintptr_t>(c.handed_out), align));
  const std::size_t first = static_cast<std::size_t>(c.handed_out - c.base) / c.unit;
  c.handed_out = at + bytes;
  count(c, at, bytes, false);
  // Units the bump pointer has just left whose bytes were all freed already.
  const std::size_t now = static_cast<std::size_t>(at - c.base) / c.unit;
  for (std::size_t u = first; u < now; ++u) release_if_dead(c, u);
  return at;
}

void record_region::deallocate(void* p, std::size_t bytes) noexcept {
  if (bytes == 0) bytes = 1;
  auto* at = static_cast<char*>(p);
  // The oldest chunk first: records are freed in about the order they were made.
  for (chunk& c : chunks_) {
    if (at < c.base || at >= c.base + c.length) continue;
    count(c, at, bytes, true);
    return;
  }
}

void record_region::count(chunk& c, const char* at, std::size_t bytes, bool freed) noexcept {
  std::size_t offset = static_cast<std::size_t>(at - c.base);
  for (std::size_t left = bytes; left > 0;) {
    const std::size_t u = offset / c.unit;
    const std::size_t here = std::min(left, (u + 1) * c.unit - offset);
    if (freed) {
      c.live[u] -= here;
      release_if_dead(c, u);
    } else {
      c.live[u] += here;
    }
    offset += here;
    left -= here;
  }
}

void record_region::release_if_dead(chunk& c, std::size_t u) noexcept {
  if (c.adopted) return;
  char* start = c.base + u * c.unit;
  if (c.live[u] != 0 || c.handed_out < start + c.unit) return;   // in use, or more may be handed out there
  c.live[u] = released_unit;   // never counted down again: nothing is handed out there any more
  if (::madvise(start, c.unit, MADV_DONTNEED) == 0) released_ += c.unit;
}

}  // namespace mitrekg
