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

}  // namespace mitrekg
