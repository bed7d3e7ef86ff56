// Reading JSON strings with simdjson On-Demand as views into the file buffer (shared by the readers).
#pragma once

#include <deque>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace mitrekg {

constexpr bool is_json_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// A string value: a view into the file buffer when it has no escapes (almost
// always), else simdjson's unescaped copy stored in `arena` (whose elements
// never move). Throws simdjson_error(INCORRECT_TYPE) when `v` is not a string.
inline std::string_view json_string(simdjson::ondemand::value v, std::deque<std::string>& arena) {
  std::string_view tok = v.raw_json_token();
  while (!tok.empty() && is_json_space(tok.back())) tok.remove_suffix(1);
  if (tok.size() < 2 || tok.front() != '"') throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
  std::string_view inner = tok.substr(1, tok.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner;
  std::string_view decoded = v.get_string();
  return arena.emplace_back(decoded);
}

}  // namespace mitrekg
