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

bool string_arena::lend(char* p, std::size_t n, std::shared_ptr<const void> owner) noexcept {
  if (owner_ && owner_ != owner) return false;
  if (!owner_) owner_ = std::move(owner);
  if (lent_ && p == end_) {
    end_ += n;
    return true;
  }
  if (!lent_) {
    parked_next_ = next_;
    parked_end_ = end_;
  }
  used_before_ += static_cast<std::size_t>(next_ - block_start_);
  block_start_ = next_ = p;
  end_ = p + n;
  lent_ = true;
  return true;
}

void string_arena::grow(std::size_t need) {
  if (lent_) {
    // Lent memory is full: back to the mapped block set aside, if the string fits there.
    used_before_ += static_cast<std::size_t>(next_ - block_start_);
    block_start_ = next_ = parked_next_;
    end_ = parked_end_;
    lent_ = false;
    if (need <= static_cast<std::size_t>(end_ - next_)) return;
  }
  // A string larger than the block size gets a block of its own size; the
  // next blocks double (a guess that was too small costs few blocks).
  const std::size_t length = std::max(block_size_, round_up(need, mapping_granule));
  blocks_.reserve(blocks_.size() + 1);
  void* base = map_anonymous(length);
  blocks_.push_back({base, length});
  used_before_ += static_cast<std::size_t>(next_ - block_start_);
  block_start_ = next_ = static_cast<char*>(base);
  end_ = block_start_ + length;
  if (blocks_.size() > 1) block_size_ = std::min(block_size_ * 2, std::size_t{1} << 30);
}

}  // namespace mitrekg
