// Reading a whole input file (a bundle, a JSON-LD graph) safely: regular files only, never blocking.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string_view>

namespace mitrekg {

// Reads the regular file at `path` whole. `expected` names what the file
// should be ("a STIX bundle file"), for messages. Checks with stat before
// opening and refuses anything that is not a regular file (a directory, a FIFO,
// a device such as /dev/zero, a socket); opens with O_NONBLOCK so a file
// swapped for a FIFO in between cannot block either, and checks the opened
// descriptor again. `allocate(size)` is called once with the file's size and
// returns a buffer of at least `size` bytes to read into; the number of bytes
// read is returned (equal to that size).
// Throws mitrekg::error: not_found (no such file), io_error (not a regular
// file, cannot open or read, changed size while read), too_large (> max_bytes).
std::size_t read_input_file(const std::filesystem::path& path, std::string_view expected, std::size_t max_bytes,
                            const std::function<char*(std::size_t)>& allocate);

}  // namespace mitrekg
