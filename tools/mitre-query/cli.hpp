// mitre-query: what every command sees (the parsed options, the loaded graph,
// stdout) and the command table entry. Commands live one file per command group.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "mitrekg/graph.hpp"
#include "output.hpp"

namespace mq {

// Exit codes, as ripgrep: found, nothing found, error.
inline constexpr int exit_found = 0;
inline constexpr int exit_nothing = 1;
inline constexpr int exit_error = 2;

// A usage or input error: reported as one line on stderr, exit 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class format { table, json, csv };

class context {
public:
  // Global options.
  format fmt = format::table;
  std::vector<std::string> attack_files;
  std::string d3fend_file;
  std::string data_dir;
  mitrekg::domain_set domains = 0;          // 0: not given (all)
  mitrekg::lookup_options lookup;           // include_revoked/deprecated and domains
  bool d3fend_domain = false;               // --domain d3fend (matrix only)
  bool verbose = false;
  bool no_cache = false;                    // --no-cache: parse the sources, write no snapshot
  std::size_t load_warnings = 0;            // set by graph(): ATT&CK and D3FEND load warnings
  std::string db_file;                      // --db FILE: answer from this snapshot
  // false (set by a command before graph()): D3FEND is not needed, so a
  // snapshot's D3FEND part is not loaded (lint-tags); D3FEND may still be there.
  bool needs_d3fend = true;
  // batch: the graph the batch command loaded, shared by every line (borrowed).
  const mitrekg::knowledge_graph* shared_graph = nullptr;
  std::optional<std::size_t> width;         // --width, else the terminal's when stdout is one

  // The command's positional arguments and its own flags (by long name; a
  // switch holds one empty string per use).
  std::vector<std::string> args;
  std::map<std::string, std::vector<std::string>, std::less<>> flags;

  output out;

  // The last value of a command flag, if given.
  std::optional<std::string> flag(std::string_view name) const;
  std::vector<std::string> flag_values(std::string_view name) const;
  bool has(std::string_view name) const { return flags.count(name) != 0; }

  // The knowledge graph, loaded on first use from --db, else from --attack /
  // --data / MITREKG_DATA / the built-in folder through the snapshot cache
  // (unless --no-cache). Throws mitrekg::error or usage_error.
  const mitrekg::knowledge_graph& graph();
  // The sources graph() would read (no cache, no --db): for build-db.
  mitrekg::load_options load_options();
  // The D3FEND release loaded with the graph. Throws usage_error (exit 2, one
  // line saying to pass --d3fend FILE or --data DIR) when there is none.
  const mitrekg::d3fend_ontology& d3fend();
  // The ATT&CK release ("18.1") of the file that holds `n` (by domain), else of the first file.
  std::string attack_release(mitrekg::node n);

private:
  std::optional<mitrekg::knowledge_graph> graph_;
};

// A line on stderr, prefixed "mitre-query: ". Control characters and bytes that
// are not UTF-8 (from a bundle or an argument) are shown as escapes (\x1b, \u009b),
// so the message is one line and cannot drive the terminal. Never throws for a
// stderr that cannot be written (write_stderr).
template <typename... Args>
void note(fmt::format_string<Args...> f, Args&&... args) {
  std::string line = "mitre-query: ";
  append_visible(line, fmt::format(f, std::forward<Args>(args)...), false);
  line.push_back('\n');
  write_stderr(line);
}

// One entry of the command table (main.cpp). To add a command: write
// `int run_x(context&)` in its own file, declare it in commands.hpp, add a row.
struct command {
  std::string_view name;
  std::string_view synopsis;           // positional arguments for --help: "T", "ID|NAME"
  std::string_view summary;            // one line for --help
  std::size_t min_args = 0;
  std::size_t max_args = 0;            // npos: any number (joined by the command)
  std::vector<std::string_view> flags; // command flags it accepts (long names)
  int (*run)(context&) = nullptr;      // returns the exit code
  std::vector<std::string_view> aliases = {};
};

// ---- Shared helpers for commands (commands.cpp)

// What the user typed, resolved to objects. A revoked id or name is followed to
// its replacement (unless --include-revoked) with a note on stderr. Empty when
// nothing matches; then a note saying why was printed.
std::vector<mitrekg::node> find_objects(context& ctx, std::string_view text);

// Exactly one object of one of `types` for a command's argument. Prints why and
// returns nullopt when nothing matches (exit 1); throws usage_error when the
// text names objects of other types only, or several objects.
std::optional<mitrekg::node> find_one(context& ctx, std::string_view text,
                                      std::initializer_list<mitrekg::object_type> types);

// The --platform value matched case-insensitively against the loaded platforms
// (their spelling); empty when not given. Throws usage_error for an unknown one.
std::string platform_flag(context& ctx);

// Every value of a repeatable command flag, comma-separated values split
// (`--source a,b --source c` → a, b, c); empty pieces dropped.
std::vector<std::string> comma_values(const context& ctx, std::string_view flag);

// Common record pieces.
value id_name(const mitrekg::knowledge_graph& g, mitrekg::node n);            // {"id", "name"}
value id_name_or_null(const mitrekg::knowledge_graph& g, std::optional<mitrekg::node> n);
value strings(const std::vector<std::string_view>& v);
value domain_names(mitrekg::domain_set d);
// A technique row: id, name, tactics (shortnames), platforms, is_subtechnique, domains.
value technique_row(const mitrekg::knowledge_graph& g, mitrekg::node t);
extern const std::vector<column> technique_columns;

// Writes a list in the chosen format; returns exit_found, or exit_nothing when empty.
int print_list(context& ctx, const std::vector<column>& columns, const array& rows);
// The same for a list of text cells (`rows.columns` == columns.size()).
int print_list(context& ctx, const std::vector<column>& columns, const text_rows& rows);

}  // namespace mq
