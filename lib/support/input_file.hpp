// Reading a whole input file (a bundle, a JSON-LD graph) safely: regular files only, never blocking.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mitrekg {

// A regular file mapped read-only (MAP_POPULATE) and followed by at least
// `padding` readable zero bytes, so simdjson can parse it in place
// (padded_string_view) without copying it. Move-only; unmapped when destroyed.
// A page of a mapping whose file is truncated underneath raises SIGBUS when
// read. While a mapped_input lives, a SIGBUS on its pages is caught (one
// process-wide handler, installed on first use; other SIGBUS go to the handler
// that was there before): the page is replaced by zeros and damaged() turns
// true, so the caller reports the file as changed instead of crashing (and
// must not trust what it read). Nothing may keep views into the mapping past
// its life: the STIX and D3FEND readers copy every string they keep into a
// string_arena and drop the mapping when their load ends.
// Throws mitrekg::error io_error: `file` shrank while being read.
[[noreturn]] void throw_file_changed(const std::string& file);

class mapped_input {
public:
  mapped_input() = default;
  mapped_input(mapped_input&& o) noexcept
      : base_(std::exchange(o.base_, nullptr)), size_(std::exchange(o.size_, 0)), length_(std::exchange(o.length_, 0)),
        guard_(std::exchange(o.guard_, -1)) {}
  mapped_input& operator=(mapped_input&&) = delete;
  ~mapped_input();

  const char* data() const noexcept { return static_cast<const char*>(base_); }
  std::size_t size() const noexcept { return size_; }       // the file's bytes
  std::size_t capacity() const noexcept { return length_; }  // readable bytes from data(), padding included
  // A page could not be read (the file shrank underneath) and reads as zeros.
  bool damaged() const noexcept;

private:
  friend mapped_input map_input_file(const std::filesystem::path&, std::string_view, std::size_t, std::size_t);
  void* base_ = nullptr;
  std::size_t size_ = 0;
  std::size_t length_ = 0;
  int guard_ = -1;             // slot in the SIGBUS handler's table, or -1 when none was free
};

// Runs `read()` (a pass over `map`'s bytes) and returns what it returns. A
// file truncated while read (its lost pages read as zeros) is reported as
// that change whatever `read` made of it: mitrekg::error io_error naming
// `file`, also when `read` threw. Otherwise what `read` throws goes through.
template <class Read>
decltype(auto) read_mapped(const mapped_input& map, const std::string& file, Read&& read) {
  const auto pass = [&]() -> decltype(auto) {
    try {
      return read();
    } catch (...) {
      if (map.damaged()) throw_file_changed(file);
      throw;
    }
  };
  if constexpr (std::is_void_v<decltype(read())>) {
    pass();
    if (map.damaged()) throw_file_changed(file);
  } else {
    auto result = pass();
    if (map.damaged()) throw_file_changed(file);
    return result;
  }
}

// Maps the regular file at `path`. `expected` names what the file should be
// ("a STIX bundle file"), for messages. Checks with stat before opening and
// refuses anything that is not a regular file (a directory, a FIFO, a device
// such as /dev/zero, a socket); opens with O_NONBLOCK so a file swapped for a
// FIFO in between cannot block either, and checks the opened descriptor
// again. Throws mitrekg::error: not_found (no such file), io_error (not a
// regular file, cannot open or map), too_large (> max_bytes).
mapped_input map_input_file(const std::filesystem::path& path, std::string_view expected, std::size_t max_bytes,
                            std::size_t padding);

}  // namespace mitrekg
