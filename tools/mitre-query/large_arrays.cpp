// large_arrays: the CLI's array new for large blocks, from mappings of their own instead of the heap.
//
// A cold load allocates a few large arrays that it fills only in part:
// simdjson's structural index (4 bytes per input byte) and string buffer
// (1.67 per byte) for each file, of which a load touches a fifth and almost
// nothing. From the heap (bulk_heap: advised as huge pages), glibc writes a
// chunk header at each block's end, which faults in a whole huge page there,
// and the index's first page shares a huge page with whatever lies before it:
// 2 MiB of fresh memory per block end, paid on every cold load (3 of the 24
// huge pages of the default four-file load; docs/benchmarks.md, session 18).
// A mapping of its own has no header: only the pages written are faulted, on
// huge pages from its first byte (map_anonymous aligns and advises it).
//
// Only array new (simdjson's buffers are arrays; the
// containers allocate through scalar operator new), only for blocks of
// `large` and over; the rest, and every block when the table of mappings is
// full, goes to malloc as before. Replaced in the executable only: a library
// must not replace the global allocation functions. Not under a sanitizer,
// whose allocator must see every block.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include <sys/mman.h>

#include "support/huge_pages.hpp"
#include "support/sanitizers.hpp"

namespace mq {
// Whether this build replaces array new (false under a sanitizer); for the tests.
bool large_arrays_replaced() noexcept;
}  // namespace mq

#define MITREKG_LARGE_ARRAYS (!MITREKG_SANITIZER_ALLOCATOR)

bool mq::large_arrays_replaced() noexcept { return MITREKG_LARGE_ARRAYS != 0; }

#if MITREKG_LARGE_ARRAYS
namespace {

constexpr std::size_t large = std::size_t{4} << 20;
constexpr std::size_t slots = 64;

// The live mappings: start address (0: free slot) and length. A slot is
// claimed by compare-exchange on its start, so allocation and deletion are
// lock-free; delete[] of a heap block scans the table once (64 loads).
struct mapping {
  std::atomic<std::uintptr_t> start{0};
  std::size_t length = 0;
};
mapping table[slots];

void* map_large(std::size_t n) noexcept {
  const std::size_t length = mitrekg::round_up(n, mitrekg::mapping_granule);
  void* p = nullptr;
  try {
    p = mitrekg::map_anonymous(length);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
  for (mapping& m : table) {
    std::uintptr_t expected = 0;
    // Claimed with a placeholder first, so that the length is set before the start is visible.
    if (m.start.compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
      m.length = length;
      m.start.store(reinterpret_cast<std::uintptr_t>(p), std::memory_order_release);
      return p;
    }
  }
  ::munmap(p, length);   // table full: the heap serves it
  return nullptr;
}

void* allocate(std::size_t n) noexcept {
  if (n >= large)
    if (void* p = map_large(n)) return p;
  return std::malloc(n ? n : 1);
}

void release(void* p) noexcept {
  if (!p) return;
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  for (mapping& m : table)
    if (m.start.load(std::memory_order_acquire) == at) {
      ::munmap(p, m.length);
      m.start.store(0, std::memory_order_release);
      return;
    }
  std::free(p);
}

}  // namespace

void* operator new[](std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
#endif
