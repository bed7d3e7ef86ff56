// huge_pages: the 2 MiB transparent huge page, boundaries of it, the hint that asks for it, and anonymous mappings sized for it.
#pragma once

#include <cstddef>
#include <cstdint>

#include <new>

#include <sys/mman.h>

namespace mitrekg {

// x86-64's transparent huge page: the unit the readers' large buffers are
// aligned to and advised in, and the unit released memory is given back in
// (a huge page split by a partial release is faulted again 4 KiB at a time).
inline constexpr std::size_t huge_page = std::size_t{2} << 20;

// `n` (an address or a size) rounded down, or up, to a multiple of huge_page.
constexpr std::uintptr_t huge_page_floor(std::uintptr_t n) noexcept { return n & ~std::uintptr_t{huge_page - 1}; }
constexpr std::uintptr_t huge_page_ceil(std::uintptr_t n) noexcept { return huge_page_floor(n + (huge_page - 1)); }
inline std::uintptr_t huge_page_ceil(const void* p) noexcept {
  return huge_page_ceil(reinterpret_cast<std::uintptr_t>(p));
}

// Advises the whole huge pages inside [p, p + bytes) as MADV_HUGEPAGE, so that
// filling them takes one page fault per 2 MiB instead of one per 4 KiB. A
// hint: ignored where THP is off, and a failure changes nothing but speed.
inline void advise_huge_pages(const void* p, std::size_t bytes) noexcept {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t first = huge_page_ceil(at), last = huge_page_floor(at + bytes);
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

// The size the arenas' smaller mappings are a multiple of.
inline constexpr std::size_t mapping_granule = std::size_t{64} << 10;

// `n` rounded up to a multiple of `to` (any positive size).
constexpr std::size_t round_up(std::size_t n, std::size_t to) noexcept { return (n + to - 1) / to * to; }

// Bytes of a mapping asked for about `hint` bytes: from a quarter of a huge
// page up, whole huge pages (filled 4 KiB page by page, it would cost a fault
// each: 730 more for ATT&CK's enterprise records, +21% CPU); below, a
// multiple of mapping_granule (at least one).
constexpr std::size_t mapping_size(std::size_t hint) noexcept {
  if (hint >= huge_page / 4) return round_up(hint, huge_page);
  return hint < mapping_granule ? mapping_granule : round_up(hint, mapping_granule);
}

// Maps `length` bytes of anonymous read-write memory (a multiple of mapping_granule);
// from 2 MiB up aligned to huge_page and advised as huge pages. Throws
// std::bad_alloc when nothing can be mapped. Unmap with munmap(p, length).
inline void* map_anonymous(std::size_t length) {
  if (length < huge_page) {
    void* p = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  // Over-map by one huge page and trim both ends to a 2 MiB-aligned span.
  void* raw = ::mmap(nullptr, length + huge_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const auto aligned = huge_page_ceil(start);
  if (aligned > start) ::munmap(raw, aligned - start);
  const std::size_t tail = start + length + huge_page - (aligned + length);
  if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + length), tail);
  ::madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);   // a hint; ignored where THP is off
  return reinterpret_cast<void*>(aligned);
}

}  // namespace mitrekg
