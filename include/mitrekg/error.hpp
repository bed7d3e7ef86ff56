// The one error type thrown when loading cannot finish.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mitrekg {

// What went wrong, coarse enough for callers to branch on.
enum class errc : std::uint8_t {
  no_data,           // no input was given or found
  not_found,         // a file or folder does not exist
  io_error,          // the file exists but cannot be read (a directory, permissions)
  not_json,          // empty, truncated or malformed JSON
  not_a_bundle,      // valid JSON but not a STIX bundle / JSON-LD graph
  wrong_type,        // a property has the wrong JSON type
  bad_value,         // a property has a value outside its domain
  too_large,         // input beyond a documented limit
  bad_snapshot,      // a SQLite snapshot that is corrupted, truncated, of another schema or stale
  write_error,       // a snapshot or cache file cannot be written
};

std::string_view to_string(errc code) noexcept;

// Thrown by every loader. what() is one line: "FILE: POSITION: MESSAGE"
// (POSITION is "line L, column C" or empty when the whole file is at fault).
class error : public std::runtime_error {
public:
  error(errc code, std::string file, std::string position, const std::string& message);

  errc code() const noexcept { return code_; }
  const std::string& file() const noexcept { return file_; }
  const std::string& position() const noexcept { return position_; }
  const std::string& message() const noexcept { return message_; }

private:
  errc code_;
  std::string file_;
  std::string position_;
  std::string message_;
};

}  // namespace mitrekg
