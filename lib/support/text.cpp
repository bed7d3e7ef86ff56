// Case folding and byte-offset to line/column conversion.
#include "support/text.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mitrekg {

namespace {
constexpr char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::size_t ifind(std::string_view haystack, std::string_view needle) noexcept {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char x, char y) { return lower(x) == lower(y); });
  return it == haystack.end() && !needle.empty() ? std::string_view::npos
                                                 : static_cast<std::size_t>(it - haystack.begin());
}

std::string line_column(std::string_view buffer, std::size_t offset) {
  offset = std::min(offset, buffer.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (buffer[i] == '\n') { ++line; column = 1; } else { ++column; }
  }
  return fmt::format("line {}, column {}", line, column);
}

}  // namespace mitrekg
