// Falco-format rule files: load several files in order into a compiled rule set, inspect it, and read every diagnostic of the load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mitrekg/diagnostic.hpp"

namespace mitrekg {

// Falco's eight priorities, most severe first (so `p <= rule_priority::warning`
// means "warning or worse").
enum class rule_priority : std::uint8_t { emergency, alert, critical, error, warning, notice, informational, debug };

// "EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFORMATIONAL", "DEBUG".
std::string_view to_string(rule_priority p) noexcept;
// Case-insensitive; "INFO" is an alias of INFORMATIONAL. nullopt for anything else.
std::optional<rule_priority> parse_rule_priority(std::string_view s) noexcept;

// Where an item was defined: the file as the caller named it, 1-based line and column.
struct rule_position {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;
};

// One rules file to load from memory (tests, fuzzing, standard input).
struct rule_text {
  std::string name;      // reported as the diagnostics' file
  std::string content;   // YAML text
};

struct rule_load_options {
  // Event sources whose rules are compiled. Empty: every source the engine
  // knows (syscall, k8s_audit, aws_cloudtrail, gcp_auditlog, okta, github,
  // json). Rules of any other source (or of a known one left out here) are
  // skipped with warning unknown-source.
  std::vector<std::string> sources;
  // The engine version that `required_engine_version` is compared with.
  std::string engine_version = "0.57.0";
  // A larger file is not parsed (error file-too-large): yaml-cpp needs about
  // 1 s and 35 MB of memory per MB of rules (Falco's largest file is 0.2 MB).
  std::size_t max_file_bytes = std::size_t{16} << 20;
};

// A list after the load: its items as the conditions see them (names of
// earlier lists replaced by their items).
struct rule_list_info {
  std::string name;
  std::vector<std::string> items;
  rule_position position;       // the first definition
  bool used = false;            // named by a condition, an exception or a later list
};

struct rule_macro_info {
  std::string name;
  std::string condition;        // the text, appends included
  rule_position position;
  bool used = false;            // referenced by a compiled rule or a used macro
};

struct rule_info {
  std::string name;
  std::string source;           // "syscall" unless the file says otherwise
  rule_priority priority = rule_priority::debug;
  bool enabled = true;          // as the files left it
  bool compiled = false;        // false: skipped (unknown source, unknown filter) or an error
  std::string desc;
  std::string output;
  std::string condition;        // the text as compiled: appends and exceptions included
  std::vector<std::string> tags;
  // Syscall rules: the event types the condition can match, sorted; empty
  // with all_event_types set when it can match every event. Other sources: empty.
  std::vector<std::string> event_types;
  bool all_event_types = false;
  rule_position position;
};

// A `required_plugin_versions` entry as read.
struct plugin_requirement {
  std::string name;
  std::string version;
  std::vector<std::pair<std::string, std::string>> alternatives;   // name, version
  rule_position position;
  bool satisfied = false;       // by the engine's built-in sources (see docs/rules.md)
};

struct rule_counts {
  std::size_t files = 0;
  std::size_t lists = 0;
  std::size_t macros = 0;
  std::size_t rules = 0;
  std::size_t enabled = 0;       // rules enabled and compiled
  std::size_t errors = 0;
  std::size_t warnings = 0;
};

// The result of loading rule files: the merged items, the compiled conditions
// (for the runtime, through a private header) and every diagnostic. Immutable
// after load; copies share the same state; safe to read from several threads.
class rule_set {
public:
  // Loads `files` in order (later files extend and override earlier ones).
  // Never throws for bad content: unreadable files, bad YAML, bad items and
  // conditions all become diagnostics; throws only std::bad_alloc.
  static rule_set load(std::span<const std::filesystem::path> files, const rule_load_options& options = {});
  static rule_set load(std::span<const rule_text> texts, const rule_load_options& options = {});

  // In definition order (a redefinition keeps the first position).
  const std::vector<rule_list_info>& lists() const noexcept;
  const std::vector<rule_macro_info>& macros() const noexcept;
  const std::vector<rule_info>& rules() const noexcept;
  const std::vector<plugin_requirement>& plugin_requirements() const noexcept;
  // By name; nullptr when absent. The pointer lives as long as this set (or a copy).
  const rule_info* find_rule(std::string_view name) const;
  const rule_macro_info* find_macro(std::string_view name) const;
  const rule_list_info* find_list(std::string_view name) const;

  // Every diagnostic of the load, in file order, then item order. Codes are
  // listed in docs/rules.md and by diagnostic_rules().
  const std::vector<diagnostic>& diagnostics() const noexcept;
  // For diagnostics()[i]: the kind of item it is about ("rule", "macro",
  // "list", "exception", "required_engine_version", "required_plugin_versions",
  // "rules content", "rules content item") — Falco's item type.
  std::string_view item_kind(std::size_t i) const noexcept;
  bool ok() const noexcept;   // no error
  rule_counts counts() const noexcept;

  // Internals for the runtime (lib/rules/rule_set_access.hpp).
  struct impl;
  const impl& internals() const noexcept { return *impl_; }

private:
  explicit rule_set(std::shared_ptr<const impl> p) : impl_(std::move(p)) {}
  std::shared_ptr<const impl> impl_;
};

// The Falco load-result code a diagnostic code corresponds to
// ("unknown-macro" → "LOAD_ERR_COMPILE_CONDITION", "unused-list" →
// "LOAD_UNUSED_LIST"); empty for a code this library does not produce.
std::string_view falco_code(std::string_view code) noexcept;

// Every code rule loading can produce, with a summary (for SARIF and --help).
const std::vector<diagnostic_rule>& rule_diagnostic_rules();

}  // namespace mitrekg
