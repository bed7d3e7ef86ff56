// Small text helpers shared by the readers and queries: case folding, positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace mitrekg {

// Bytes [from, from + 8) of `s` as a big-endian integer, zero-padded past its
// end: integers that order as the text does over those bytes (sort keys).
inline std::uint64_t big_endian_prefix(std::string_view s, std::size_t from = 0) noexcept {
  unsigned char bytes[8] = {};
  if (from < s.size()) std::memcpy(bytes, s.data() + from, s.size() - from < 8 ? s.size() - from : 8);
  std::uint64_t prefix = 0;
  for (unsigned char b : bytes) prefix = (prefix << 8) | b;
  return prefix;
}

// ASCII lower-case copy.
std::string to_lower(std::string_view s);
// ASCII upper-case copy.
std::string to_upper(std::string_view s);
// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b) noexcept;
// ASCII case-insensitive substring search; npos when absent.
std::size_t ifind(std::string_view haystack, std::string_view needle) noexcept;
// "line L, column C" for a byte offset into `buffer` (1-based; offsets past the end clamp).
std::string line_column(std::string_view buffer, std::size_t offset);
// Appends `s` as a JSON string literal (RFC 8259): quotes, backslash, C0
// controls, DEL and the code points a terminal obeys (C1, bidirectional
// controls) escaped as \uXXXX. A byte that does not start valid UTF-8 becomes
// U+FFFD when replace_invalid (JSON output must be UTF-8), else it is kept.
void append_json_string(std::string& out, std::string_view s, bool replace_invalid = true);
// Appends `s` with what could drive a terminal made visible: C0 controls and DEL
// as \xNN (except LF and TAB when keep_layout), C1 controls (U+0080–U+009F) and the
// bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) as
// \uNNNN, and bytes that are not UTF-8 as \xNN. Everything else is copied.
void append_visible(std::string& out, std::string_view s, bool keep_layout);
// `s` with C0 control characters and DEL written as \xHH (tab kept), for text
// that goes to a terminal.
std::string escape_control(std::string_view s);

}  // namespace mitrekg
