// record_region: memory for a reader's records, given back to the system a huge page at a time as they are consumed.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace mitrekg {

// Bump-allocated chunks of anonymous memory (huge pages where offered) for
// records that are written once and then consumed front to back (a reader's
// records, moved into a graph). Each chunk counts the live bytes of each of
// its release units (a 2 MiB huge page; a chunk under 2 MiB is one unit):
// when a unit's last byte is deallocated and the bump pointer has left it,
// the unit is given back with MADV_DONTNEED. So a consumer that frees records
// while it fills its own structures needs no fresh memory for the records'
// share: the pages come back to the process from the kernel, just freed,
// instead of both living at once. Deallocated bytes are not reused otherwise.
// Not thread-safe: one thread allocates and deallocates at a time (a region
// may be filled on one thread and drained on another, in turn). Every chunk is
// unmapped when the region is destroyed: it must outlive what it holds.
class record_region {
public:
  // `chunk_hint`: bytes of the first chunk (at least 64 KiB), for instance a
  // guess at the records' total from the input's size; later chunks double.
  explicit record_region(std::size_t chunk_hint = 0);
  ~record_region();
  record_region(const record_region&) = delete;
  record_region& operator=(const record_region&) = delete;

  // `bytes` aligned to `align` (a power of two, at most 4 KiB). Throws std::bad_alloc.
  void* allocate(std::size_t bytes, std::size_t align);
  // Gives back [p, p + bytes), allocated here; whole units freed go back to the system.
  void deallocate(void* p, std::size_t bytes) noexcept;
  // Bytes given back to the system so far (whole units).
  std::size_t released() const noexcept { return released_; }
  // Takes [p, p + n) as the next chunk to allocate from (before a new one is
  // mapped): memory owned elsewhere that nothing else uses, already in the
  // process (the rest of the huge page a parser's index ends in). `owner`
  // keeps it alive as long as the region; the region never gives it back nor
  // unmaps it. Ends the current chunk's allocations, as a full chunk's.
  void adopt(char* p, std::size_t n, std::shared_ptr<const void> owner);
  // Bytes of the chunks mapped so far (adopted ones not counted).
  std::size_t mapped() const noexcept;

private:
  struct chunk {
    char* base;
    std::size_t length;
    std::size_t unit;                  // release unit: huge_page, or the whole chunk when smaller
    char* handed_out;                  // end of what the bump pointer has given out
    std::vector<std::size_t> live;     // live bytes per unit
    bool adopted = false;              // owned elsewhere: never given back, never unmapped
  };
  static constexpr std::size_t released_unit = ~std::size_t{0};   // a unit's live count once given back
  void add_chunk(std::size_t need);
  void push_chunk(chunk c);   // ends the allocations of the chunk before it
  // Adds [at, at + bytes) of c to the live count of each unit it overlaps, or
  // (`freed`) takes it off and gives back the units left dead.
  void count(chunk& c, const char* at, std::size_t bytes, bool freed) noexcept;
  void release_if_dead(chunk& c, std::size_t unit_index) noexcept;
  std::vector<chunk> chunks_;
  std::size_t chunk_size_;
  std::size_t released_ = 0;
  std::vector<std::shared_ptr<const void>> owners_;   // of the adopted chunks
};

// A standard allocator over a record_region (records in Boost.Container
// deques). Holds a plain pointer: the region must outlive the container. A
// null region (the default) allocates with operator new, and so do arrays of
// pointers (a deque's map of blocks, reallocated as it grows and kept to the
// end: in the region it would hold a unit back). Containers moved or swapped
// take the allocator with them.
template <class T>
struct region_allocator {
  using value_type = T;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  record_region* region = nullptr;

  region_allocator() noexcept = default;
  explicit region_allocator(record_region* r) noexcept : region(r) {}
  template <class U>
  region_allocator(const region_allocator<U>& o) noexcept : region(o.region) {}

  T* allocate(std::size_t n) {
    if (!region || std::is_pointer_v<T>) return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{alignof(T)}));
    return static_cast<T*>(region->allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (!region || std::is_pointer_v<T>) ::operator delete(p, std::align_val_t{alignof(T)});
    else region->deallocate(p, n * sizeof(T));
  }
  template <class U>
  bool operator==(const region_allocator<U>& o) const noexcept { return region == o.region; }
};

}  // namespace mitrekg
