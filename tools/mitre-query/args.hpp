// mitre-query: the command line and batch input as plain data, parsed without loading
// anything (so tests/fuzz/cli_fuzz.cpp can drive them). The tables are in main.cpp.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli.hpp"

namespace mq {

// One row of the flag table (main.cpp).
struct flag {
  std::string_view name;        // long name, without "--"
  char short_name = 0;
  std::string_view metavar;     // empty: a switch
  std::string_view help;
  bool global = true;           // false: a command flag, stored in context::flags
  void (*apply)(context&, const std::string&) = nullptr;   // global flags only; throws usage_error
  std::string_view choices = {};   // the values it takes, blank-separated, when a fixed few (completion, man page)
  bool hidden = false;             // left out of --help, the completion and the man page (--help-format)
};

// The two tables (main.cpp): they drive parsing, --help, the bash completion
// and the man page (help_formats.cpp, `mitre-query --help-format=bash|man|commands`).
extern const std::vector<flag> flags;
extern const std::vector<command> commands;

// "-v, --verbose", "    --format FMT": a flag as --help shows it.
std::string flag_usage(const flag& f);
// "techniques [--tactic ID|NAME] [--platform P] [--no-subtechniques]": a command with its flags and arguments.
std::string command_usage(const command& c);
// --help-format=FMT: writes the bash completion script ("bash"), the man page
// in man(7) markup ("man") or the command names, one a line ("commands"), all
// generated from the two tables. Throws usage_error for another FMT.
void write_help_format(output& out, std::string_view fmt);

// Limits (docs/cli.md, "Limits"); beyond them: one usage error line, exit 2.
inline constexpr std::size_t max_arguments = 10000;        // positional arguments of one command
inline constexpr std::size_t max_search_words = 64;        // words of one search
inline constexpr std::size_t max_search_word_bytes = 256;  // bytes of one search word
inline constexpr std::size_t max_batch_line_bytes = 1 << 20;   // bytes of one batch line (without '\n')
inline constexpr std::size_t max_width = 65535;            // --width (a terminal reports 16 bits)

// A command line, parsed: what to do, before any data is loaded.
struct invocation {
  enum class action { run, help, version, help_format };
  action what = action::run;
  const command* cmd = nullptr;   // help: the command asked about, nullptr for the general help
  std::vector<std::pair<const flag*, std::string>> given;   // flags in order, with their values
  std::vector<std::string> args;  // positional arguments after the command name
  std::string help_format;        // action::help_format: its value
};

// Parses `words` (argv without the program name). Throws usage_error for an
// unknown command or flag, a missing or empty value, an empty argument, or more
// than max_arguments arguments. Borrows nothing: the result points into the tables.
invocation parse_command_line(const std::vector<std::string>& words);

// Applies a parsed command line (action::run) to a fresh context: global flags,
// the command's own flags, the arity. Loads nothing. Throws usage_error.
void configure(context& ctx, const invocation& inv);

// batch: splits a line into words (blanks separate, "double quotes" group, `""`
// is an empty word). Throws usage_error("unclosed quote").
std::vector<std::string> split_words(std::string_view line);

// batch: standard input cut into lines of at most max_batch_line_bytes, in
// constant memory whatever the input. `read` fills up to n bytes and returns how
// many (0 at the end); it may throw (the error ends the batch).
class line_reader {
public:
  using read_fn = std::function<std::size_t(char* buf, std::size_t n)>;
  explicit line_reader(read_fn read) : read_(std::move(read)) {}

  enum class problem { none, too_long, nul };
  struct line {
    std::size_t number = 0;   // 1-based, counting every line
    std::string text;         // without '\n'; cut at the limit when too_long
    problem issue = problem::none;
  };
  // The next line; false at the end of the input.
  bool next(line& out);

private:
  bool fill();
  read_fn read_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
  bool eof_ = false;
};

}  // namespace mq
