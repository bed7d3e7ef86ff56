// bulk_heap: grows glibc's main heap ahead of a cold load and advises it as transparent huge pages.
#include "support/bulk_heap.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
#endif

#include "support/huge_pages.hpp"
#include "support/sanitizers.hpp"

// Sanitizers bring their own allocators: mallopt would tune a heap nobody uses.
#if !MITREKG_SANITIZER_ALLOCATOR && defined(__GLIBC__)
#define MITREKG_BULK_HEAP 1
#else
#define MITREKG_BULK_HEAP 0
#endif

namespace mitrekg {

bool bulk_heap::supported() noexcept { return MITREKG_BULK_HEAP != 0; }

#if MITREKG_BULK_HEAP
namespace {
constexpr int default_threshold = 128 * 1024;                       // glibc's M_MMAP_THRESHOLD and M_TRIM_THRESHOLD

// A block of `size` bytes cut from the start of the heap's top chunk, or null.
// glibc serves a request from any free chunk that fits first, so it is asked
// larger than all free memory outside the top (`mi`, taken just before), then
// shrunk in place (realloc never moves a shrunk heap block); what it gives
// back joins the top again.
void* from_top(std::size_t size, const struct mallinfo2& mi) noexcept {
  void* block = std::malloc(std::max(size, mi.fordblks - mi.keepcost + 64));
  return block ? std::realloc(block, size) : nullptr;
}
}  // namespace

bulk_heap::bulk_heap(std::size_t input_bytes) noexcept {
  if (input_bytes < (std::size_t{4} << 20)) return;
  // The parser's buffers take about 5.7 × the largest file, the graph about 1.3 × the input.
  const std::size_t ahead = std::min<std::size_t>(input_bytes, std::size_t{1} << 32) * 8 + (std::size_t{64} << 20);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);   // freed blocks stay in the (advised) heap
  mallopt(M_MMAP_THRESHOLD, INT_MAX);   // the parser's buffers (several × the file) too
  // The load's second thread (mobile, ICS, D3FEND) allocates from this heap
  // too, instead of a fresh arena of its own faulted 4 KB at a time (about
  // 13% of a default load's CPU). glibc fixes its arena limit when the first
  // thread arena is asked for, so this holds for the rest of the process: the
  // CLI's later threads (detect's workers, which do not allocate per event)
  // share the main arena as well.
  mallopt(M_ARENA_MAX, 1);
  // The top of the heap on a huge page boundary: the heap starts anywhere
  // (its base is randomized), and its part below the first 2 MiB boundary
  // cannot be a huge page, so what the load allocated there was faulted 4 KiB
  // at a time (up to 512 faults, 11.5 us each cold on the VM measured, against
  // about 3.3 ms for a whole huge page). A block from the top chunk's start
  // (the break less the top's size) to just below the boundary, never
  // written, puts the span below, and so the load, above it; only its header
  // is written, next to memory in use already (from_top, as the guard below).
  {
    const struct mallinfo2 mi = mallinfo2();
    const auto top = reinterpret_cast<std::uintptr_t>(sbrk(0)) - mi.keepcost;
    // The next chunk's header just below the boundary, so that its block
    // (the span's, advised from its first byte) starts on it.
    constexpr std::size_t header = 2 * sizeof(std::size_t);
    const std::size_t gap = huge_page_ceil(top + header) - header - top;
    // A request of n bytes takes a chunk of n plus glibc's size field, rounded up to 16.
    const std::size_t request = gap - sizeof(std::size_t);
    if (mi.keepcost > 0 && gap >= 64 && gap % 16 == 0) filler_ = from_top(request, mi);
  }
  // Blocks of the whole span make glibc extend the heap to hold them (what is
  // free at the top already included); each is advised, then all are freed.
  // One malloc takes at most INT_MAX bytes here (the mmap threshold), so a
  // span over 2 GB (inputs over ~250 MB: 10× the Enterprise bundle) is taken
  // as several adjacent blocks. Freed together they would merge into a top
  // chunk over the trim threshold (at most INT_MAX), which glibc trims at
  // once; so a small guard right after them keeps them, coalesced into one
  // free chunk that large requests are cut from, apart from the top. The
  // guard must come from the top (from_top).
  constexpr std::size_t block_max = static_cast<std::size_t>(INT_MAX) - huge_page;
  constexpr std::size_t max_blocks = 8;   // 16 GB: `ahead` is at most 32 GB + 64 MB
  char* blocks[max_blocks] = {};
  std::size_t n = 0;
  for (std::size_t taken = 0; taken < ahead && n < max_blocks; ++n) {
    const std::size_t size = std::min(block_max, ahead - taken);
    // Volatile: the compiler may not drop a malloc/free pair whose block it sees unused.
    char* volatile probe = static_cast<char*>(std::malloc(size));
    if (!probe) break;
    blocks[n] = probe;
    taken += size;
    advise_huge_pages(probe, size);
  }
  if (n > 1) guard_ = from_top(64, mallinfo2());
  for (std::size_t i = 0; i < n; ++i) std::free(blocks[i]);
  active_ = true;
}

bulk_heap::~bulk_heap() {
  if (!active_) return;
  std::free(guard_);
  std::free(filler_);
  mallopt(M_MMAP_THRESHOLD, default_threshold);
  mallopt(M_TRIM_THRESHOLD, default_threshold);
}

#else
bulk_heap::bulk_heap(std::size_t) noexcept {}
bulk_heap::~bulk_heap() = default;
#endif

}  // namespace mitrekg
