// Helpers shared by the condition parser and binder (not for other stages).
#pragma once

#include "rules/condition.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mitrekg::rules::detail {

// Text offset → file position for one condition, with the newlines found once
// (a 1 MB condition with many diagnostics stays linear).
class position_map {
 public:
  position_map(const condition_origin& origin, std::string_view text);
  located locate(std::uint32_t offset) const;  // borrows origin's file name
  const condition_origin& origin() const noexcept { return origin_; }

 private:
  const condition_origin& origin_;
  std::vector<std::uint32_t> newlines_;
};

mitrekg::diagnostic make_diagnostic(const position_map& map, std::uint32_t offset, std::string code,
                                    std::string item, std::string message,
                                    severity level = severity::error);

// Falco's string unescaping of a quoted token's body (without the quotes):
// \b \f \n \r \t \\ \/ and the quote itself; "\ " gives a backslash, as Falco
// does. Returns false with `error` set to Falco's message otherwise.
bool unescape(std::string_view body, char quote, std::string& out, std::string& error);

}  // namespace mitrekg::rules::detail
