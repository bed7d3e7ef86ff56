// bulk_heap: for the process that owns the heap, glibc's heap advised as huge pages while a large graph is built.
#pragma once

#include <cstddef>

namespace mitrekg {

// Scoped allocator tuning for a process about to load `input_bytes` of source
// files (the CLI around a cold load). A cold load fills a few hundred MB of
// fresh heap, and in a virtual machine the page faults of that memory, one per
// 4 KB, cost as much as parsing. While a bulk_heap lives, the main heap is
// made to hold a free span of about 8 × input_bytes + 64 MB (address space
// only: untouched pages cost nothing), starting on a huge page boundary (the
// heap's top up to it is held by a block never written), that span is advised
// as transparent huge pages (one fault per 2 MB), and blocks of any size are
// carved from the heap instead of being mapped one by one. Threads started
// afterwards allocate from the main arena too (M_ARENA_MAX 1: glibc fixes that
// limit for the rest of the process, the destructor does not undo it). The
// destructor puts the thresholds back to glibc's defaults: what is left of the
// span serves later blocks until the next free at the top of the heap trims
// it. Does nothing for inputs under 4 MB, without glibc, or under a
// sanitizer's allocator (ASan, TSan, MSan); where the kernel has THP off the
// advice is ignored.
// Process-wide: not for a library (it changes mallopt settings). Not copyable;
// one at a time, created and destroyed on the same thread.
class bulk_heap {
public:
  explicit bulk_heap(std::size_t input_bytes) noexcept;
  ~bulk_heap();
  bulk_heap(const bulk_heap&) = delete;
  bulk_heap& operator=(const bulk_heap&) = delete;
  bool active() const noexcept { return active_; }
  // False in builds where a bulk_heap never does anything (no glibc, or a sanitizer's allocator).
  static bool supported() noexcept;

private:
  bool active_ = false;
  void* guard_ = nullptr;   // keeps a span of several blocks from being trimmed (see the constructor)
  void* filler_ = nullptr;  // the heap up to a huge page boundary, never written (see the constructor)
};

}  // namespace mitrekg
