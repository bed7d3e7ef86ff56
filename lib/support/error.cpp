// The mitrekg::error type and the names of error codes and ATT&CK enums.
#include "mitrekg/error.hpp"

#include <fmt/format.h>

namespace mitrekg {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::no_data: return "no data";
    case errc::not_found: return "not found";
    case errc::io_error: return "cannot read";
    case errc::not_json: return "not JSON";
    case errc::not_a_bundle: return "not a bundle";
    case errc::wrong_type: return "wrong type";
    case errc::bad_value: return "bad value";
    case errc::too_large: return "too large";
    case errc::bad_snapshot: return "bad snapshot";
    case errc::write_error: return "cannot write";
  }
  return "error";
}

namespace {
std::string one_line(const std::string& file, const std::string& position, const std::string& message) {
  if (file.empty()) return message;
  if (position.empty()) return fmt::format("{}: {}", file, message);
  return fmt::format("{}: {}: {}", file, position, message);
}
}  // namespace

error::error(errc code, std::string file, std::string position, const std::string& message)
    : std::runtime_error(one_line(file, position, message)),
      code_(code), file_(std::move(file)), position_(std::move(position)), message_(message) {}

}  // namespace mitrekg
