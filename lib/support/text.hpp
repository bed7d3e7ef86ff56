// Small text helpers shared by the readers and queries: case folding, positions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mitrekg {

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
// Appends `s` as a JSON string literal (RFC 8259: quotes, backslash and control
// characters escaped; when `s` is not valid UTF-8, its bytes >= 0x80 become U+FFFD).
void append_json_string(std::string& out, std::string_view s);
// `s` with C0 control characters and DEL written as \xHH (tab kept), for text
// that goes to a terminal.
std::string escape_control(std::string_view s);

}  // namespace mitrekg
