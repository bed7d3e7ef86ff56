// string_arena: blocks of anonymous memory (huge pages where offered) holding string copies.
#include "support/string_arena.hpp"

#include <algorithm>
#include <cstdint>

#include <sys/mman.h>

#include "support/huge_pages.hpp"

namespace mitrekg {

string_arena::string_arena(std::size_t block_hint)
    : block_size_(std::max(mapping_granule, round_up(block_hint, mapping_granule))) {}

string_arena::~string_arena() {
  for (const block& b : blocks_) ::munmap(b.base, b.length);
}

void string_arena::leave() noexcept {
  used_before_ += static_cast<std::size_t>(next_ - block_start_);
  if (on_ == segment::block) {
    parked_next_ = next_;
    parked_end_ = end_;
  } else if (on_ == segment::spare) {
    spare_next_ = next_;
    spare_end_ = end_;
  }
}

void string_arena::enter(char* from, char* to, segment s) noexcept {
  block_start_ = next_ = from;
  end_ = to;
  on_ = s;
}

bool string_arena::lend(char* p, std::size_t n, std::shared_ptr<const void> owner) noexcept {
  if (owner_ && owner_ != owner) return false;
  if (!owner_) owner_ = std::move(owner);
  if (on_ == segment::lent && p == end_) {
    end_ += n;
    return true;
  }
  leave();
  enter(p, p + n, segment::lent);
  return true;
}

bool string_arena::spare(char* p, std::size_t n, std::shared_ptr<const void> owner) noexcept {
  if (owner_ && owner_ != owner) return false;
  if (!owner_) owner_ = std::move(owner);
  if (on_ == segment::spare) {
    leave();
    enter(parked_next_, parked_end_, segment::block);
  }
  spare_next_ = p;
  spare_end_ = p + n;
  return true;
}

void string_arena::grow(std::size_t need) {
  // The current segment is full: the spare, if the string fits there, else
  // the mapped block set aside, else a new block.
  if (on_ != segment::spare && need <= static_cast<std::size_t>(spare_end_ - spare_next_)) {
    leave();
    enter(spare_next_, spare_end_, segment::spare);
    return;
  }
  if (on_ != segment::block) {
    leave();
    enter(parked_next_, parked_end_, segment::block);
    if (need <= static_cast<std::size_t>(end_ - next_)) return;
  }
  // A string larger than the block size gets a block of its own size; the
  // next blocks double (a guess that was too small costs few blocks).
  const std::size_t length = std::max(block_size_, round_up(need, mapping_granule));
  blocks_.reserve(blocks_.size() + 1);
  void* base = map_anonymous(length);
  blocks_.push_back({base, length});
  used_before_ += static_cast<std::size_t>(next_ - block_start_);
  enter(static_cast<char*>(base), static_cast<char*>(base) + length, segment::block);
  if (blocks_.size() > 1) block_size_ = std::min(block_size_ * 2, std::size_t{1} << 30);
}

}  // namespace mitrekg
