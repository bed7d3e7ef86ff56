// yaml-cpp helpers shared by the rules loader and the tag linter: a stream over borrowed text, and the event budget.
#pragma once

#include <cstddef>
#include <optional>
#include <streambuf>
#include <string_view>

#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>

namespace mitrekg::yaml {

// An istream buffer over the caller's bytes, without copying them; `text` must outlive the stream.
struct view_buffer : std::streambuf {
  explicit view_buffer(std::string_view text) {
    char* p = const_cast<char*>(text.data());   // read only: the get area is never written
    setg(p, p, p + text.size());
  }
};

// yaml-cpp 0.7 loops on some invalid inputs, emitting parser events without end
// (rules_fuzz found an 85-byte one). A text cannot hold more than a few events
// per byte, so past 4 per byte (+64) the parse counts as runaway.
inline constexpr std::string_view runaway_message = "the parser does not advance (yaml-cpp loops on this input)";

// Thrown by event_budget::tick past the budget; a ParserException, so code that
// reports yaml-cpp's errors with their mark reports this one the same way.
struct runaway_error : YAML::ParserException {
  explicit runaway_error(const YAML::Mark& mark) : YAML::ParserException(mark, std::string(runaway_message)) {}
};

// Counts the events of one parse of `text_bytes` bytes. Not thread-safe (one parse).
class event_budget {
public:
  explicit event_budget(std::size_t text_bytes) : left_(4 * text_bytes + 64) {}
  // One event at `mark`; throws runaway_error past the budget.
  void tick(const YAML::Mark& mark) {
    last_ = mark;
    if (left_-- == 0) throw runaway_error(mark);
  }
  void tick() { tick(last_); }   // an event without a mark of its own (the ends), at the last mark
  const YAML::Mark& last() const noexcept { return last_; }

private:
  std::size_t left_;
  YAML::Mark last_;
};

// Parses `text` (borrowed) only to count its events: the mark where the budget
// ran out, or nothing when it stays in budget. Syntax errors are not reported
// here (the caller's own parse reports them with their message). Throws nothing
// but std::bad_alloc.
std::optional<YAML::Mark> runaway_parse(std::string_view text);

}  // namespace mitrekg::yaml
