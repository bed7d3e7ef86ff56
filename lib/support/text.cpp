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

namespace {

// The code point of the UTF-8 sequence at s[i] and its length; length 0 when
// s[i] does not start a valid (shortest-form, non-surrogate) sequence.
std::pair<char32_t, std::size_t> decode_utf8(std::string_view s, std::size_t i) noexcept {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return {c, 1};
  std::size_t len = 0;
  char32_t cp = 0, least = 0;
  if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F, least = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F, least = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07, least = 0x10000;
  else return {0, 0};
  if (s.size() - i < len) return {0, 0};
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

// Code points above ASCII that a terminal obeys instead of showing: C1 controls
// (U+009B is CSI) and the bidirectional controls (reordering what is shown).
bool hidden_control(char32_t cp) noexcept {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace


void append_visible(std::string& out, std::string_view s, bool keep_layout) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(s[i++]);
      continue;
    }
    if (c < 0x80) {   // C0 or DEL
      if (keep_layout && (c == '\n' || c == '\t')) out.push_back(s[i]);
      else fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
      ++i;
      continue;
    }
    auto [cp, len] = decode_utf8(s, i);
    if (len == 0) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
      ++i;
    } else {
      if (hidden_control(cp)) fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<std::uint32_t>(cp));
      else out.append(s.substr(i, len));
      i += len;
    }
  }
}

void append_json_string(std::string& out, std::string_view s, bool replace_invalid) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (u < 0x20 || u == 0x7F) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(u));
        } else if (u < 0x80) {
          out.push_back(c);
        } else {
          auto [cp, len] = decode_utf8(s, i);
          if (len == 0) {
            if (replace_invalid) out += "\\ufffd";
            else out.push_back(c);
            ++i;
          } else {
            if (hidden_control(cp)) fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<std::uint32_t>(cp));
            else out.append(s.substr(i, len));
            i += len;
          }
          continue;
        }
    }
    ++i;
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
