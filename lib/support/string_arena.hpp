// string_arena: copies of strings in large blocks that never move, freed all at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace mitrekg {

// Owns copies of strings for a whole load: a reader copies every string it
// keeps out of the (mapped) file into one arena, so no view outlives the file's
// mapping. Blocks are mapped anonymous memory asked for as transparent huge
// pages (one page fault per 2 MB where THP is on); a block's untouched part
// costs no memory. A reader may also lend it memory it has finished with
// (lend()), which the strings written next take first, and spare memory
// (spare()), taken next, before a block of its own. Not thread-safe: one
// arena per reading thread. Views returned by copy() stay valid until the
// arena is destroyed.
class string_arena {
public:
  // `block_hint`: bytes of the first block (rounded up to at least 64 KiB),
  // for instance a guess at the total from the input's size.
  explicit string_arena(std::size_t block_hint = 0);
  ~string_arena();
  string_arena(const string_arena&) = delete;
  string_arena& operator=(const string_arena&) = delete;

  // A copy of `s` owned by the arena. Throws std::bad_alloc when no block can be mapped.
  std::string_view copy(std::string_view s) {
    if (s.size() > static_cast<std::size_t>(end_ - next_)) grow(s.size());
    char* at = next_;
    if (!s.empty()) __builtin_memcpy(at, s.data(), s.size());
    next_ += s.size();
    return {at, s.size()};
  }
  // Room for a string of at most `n` bytes written in place (a decoder
  // writing straight into the arena): write from the pointer returned, then
  // keep() the bytes written. Nothing else may use the arena in between.
  char* reserve(std::size_t n) {
    if (n > static_cast<std::size_t>(end_ - next_)) grow(n);
    return next_;
  }
  std::string_view keep(std::size_t written) noexcept {
    char* at = next_;
    next_ += written;
    return {at, written};
  }
  // Takes [p, p + n) as the memory strings are written to next: memory the
  // caller will not read again and whose pages are already in the process
  // (the consumed part of a parser's index), so the strings copied next need
  // no fresh pages. `owner` keeps that memory alive until the arena is
  // destroyed; one owner per arena (false, nothing taken, for a second). A
  // range starting where the lent one ends extends it; the mapped block's
  // rest is set aside and used again when lent memory runs out.
  bool lend(char* p, std::size_t n, std::shared_ptr<const void> owner) noexcept;
  // Takes [p, p + n) as spare memory: when the next string does not fit
  // where strings go now (lent memory, or a mapped block), it goes to the
  // spare if it fits there, else to the mapped block; what is left of the
  // spare waits for the next string that does not fit. For memory already in
  // the process that nothing else uses (the rest of the huge page a parser's
  // index ends in). Same owner rule as lend() (false, nothing taken, for
  // another owner); a second spare range replaces what is left of the first.
  bool spare(char* p, std::size_t n, std::shared_ptr<const void> owner) noexcept;
  // Bytes of the strings copied so far (blocks' wasted tails not counted).
  std::size_t used() const noexcept { return used_before_ + static_cast<std::size_t>(next_ - block_start_); }
  // Bytes of the blocks mapped so far (none while lent memory and the spare hold every string).
  std::size_t mapped() const noexcept {
    std::size_t n = 0;
    for (const block& b : blocks_) n += b.length;
    return n;
  }

private:
  void grow(std::size_t need);
  // Where the strings go now: the mapped block, lent memory or the spare.
  enum class segment : unsigned char { block, lent, spare };
  void leave() noexcept;                                 // keeps the current segment's rest (lent: dropped)
  void enter(char* from, char* to, segment s) noexcept;
  struct block {
    void* base;
    std::size_t length;
  };
  std::vector<block> blocks_;
  std::size_t block_size_;
  std::size_t used_before_ = 0;
  char* block_start_ = nullptr;
  char* next_ = nullptr;
  char* end_ = nullptr;
  segment on_ = segment::block;
  // While strings go elsewhere: the mapped block's unused rest, resumed when the lent memory and the spare are full.
  char* parked_next_ = nullptr;
  char* parked_end_ = nullptr;
  // The spare's unused rest, while strings go elsewhere.
  char* spare_next_ = nullptr;
  char* spare_end_ = nullptr;
  std::shared_ptr<const void> owner_;   // of the lent memory
};

}  // namespace mitrekg
