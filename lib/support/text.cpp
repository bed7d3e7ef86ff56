// Case folding, byte-offset to line/column conversion, JSON and terminal escaping.
#include "support/text.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <simdjson.h>

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

void append_json_string(std::string& out, std::string_view s) {
  // Output must be UTF-8 even when the input is not: a string with invalid
  // UTF-8 (rare: a crafted file) has each byte >= 0x80 written as U+FFFD.
  const bool valid = simdjson::validate_utf8(s.data(), s.size());
  out.push_back('"');
  for (char c : s) {
    if (!valid && static_cast<unsigned char>(c) >= 0x80) {
      out += "\\ufffd";
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          out.push_back(c);
    }
  }
  out.push_back('"');
}

std::string escape_control(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f)
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned>(u));
    else
      out.push_back(c);
  }
  return out;
}

}  // namespace mitrekg
