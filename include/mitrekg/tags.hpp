// MITRE tags on detection rules: parse and format them in the Falco, Sysdig and Sigma dialects, resolve them against a knowledge graph, lint rule files and fix them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mitrekg/diagnostic.hpp"
#include "mitrekg/graph.hpp"

namespace mitrekg {

// How a rule set writes its MITRE tags (docs/tags.md has the grammar of each).
//   falco:  mitre_defense_evasion, T1562, T1562.001
//   sysdig: MITRE_TA0005_defense_evasion, MITRE_T1562.001_impair_defenses_disable_or_modify_tools
//   sigma:  attack.defense-evasion, attack.t1562.001, attack.g0016, attack.s0154
enum class tag_dialect : std::uint8_t { falco, sysdig, sigma };
std::string_view to_string(tag_dialect d) noexcept;                       // "falco", "sysdig", "sigma"
std::optional<tag_dialect> parse_tag_dialect(std::string_view s) noexcept; // those names, case-insensitive

enum class tag_kind : std::uint8_t { tactic, technique, group, software };
std::string_view to_string(tag_kind k) noexcept;   // "tactic", "technique", "group", "software"

// What a tag says, independent of its spelling. Plain values.
struct tag_value {
  tag_kind kind = tag_kind::tactic;
  std::string id;          // upper case: "TA0005", "T1562.001", "G0016", "S0154"; empty: a tactic named only
  std::string shortname;   // tactics: "defense-evasion" (lower case, hyphens); empty: named by id only
  std::string name;        // techniques, groups, software (sysdig): the name part in snake_case; may be empty
  friend bool operator==(const tag_value&, const tag_value&) = default;
};

// A tag as read. `value` is what it means; `canonical` says whether the text
// is exactly format_tag(value, dialect); `problem` says why not ("a space",
// "upper case where lower case belongs", "'_' where '.' belongs", "not the
// falco form", …), empty when canonical.
struct parsed_tag {
  tag_value value;
  bool canonical = true;
  std::string problem;
};

// Reads one tag written in dialect `d`, also accepting the other dialects'
// forms and common misspellings (as non-canonical). nullopt: not an ATT&CK tag
// at all ("container", "cve.2021-44228", "detection.threat-hunting", "MITRE").
// Throws nothing but std::bad_alloc.
std::optional<parsed_tag> parse_tag(std::string_view text, tag_dialect d);

// The tag for `v` in dialect `d`. For every canonical tag t of d:
// format_tag(parse_tag(t, d)->value, d) == t, byte for byte.
std::string format_tag(const tag_value& v, tag_dialect d);

// A name as the sysdig dialect writes it: lower case, every run of other
// characters than [a-z0-9] one '_', none at the ends ("Scheduled Task/Job" →
// "scheduled_task_job").
std::string snake_name(std::string_view name);

// What a tag names in a knowledge graph.
enum class tag_status : std::uint8_t { live, revoked, deprecated, unknown };
struct tag_resolution {
  tag_status status = tag_status::unknown;
  node object = no_node;        // the object tagged (revoked or deprecated ones too); no_node when unknown
  node replacement = no_node;   // revoked: the live object that replaced it, if any
};
// Resolves by id (ids are looked up by the tag's kind), a tactic without an id
// by its shortname. `options.domains` limits the domains; revoked and
// deprecated objects are always found (and said so). Thread-safe on a const graph.
tag_resolution resolve_tag(const knowledge_graph& g, const tag_value& v, const lookup_options& options = {});

// The canonical value of a graph object (tactic, technique, group, software):
// its id, shortname, and the sysdig name (a sub-technique's joins its
// parent's name and its own: "impair_defenses_disable_or_modify_tools").
tag_value tag_of(const knowledge_graph& g, node object);

// What a rule author pastes for a technique: its tag, then the tags of its
// tactics (a sub-technique's own, else its parent's) in matrix order.
std::vector<std::string> technique_tags(const knowledge_graph& g, node technique, tag_dialect d);

// ---- linting rule files ----------------------------------------------------

struct lint_options {
  std::optional<tag_dialect> dialect;   // empty: detected per file
  lookup_options lookup = {false, false, bit(domain::enterprise)};
};

// One rule of a linted file, with its tags resolved (revoked techniques
// replaced, unknown tags left out): what the build-time generator writes.
struct tagged_rule {
  std::string name;                      // rule name, Sigma title or policy name
  std::size_t line = 0;                  // 1-based line of the rule
  std::vector<std::string> techniques;   // ATT&CK ids in tag order, distinct
  std::vector<std::string> tactics;      // ids of the tactics tagged, distinct
  std::vector<std::string> tags;         // the canonical tags, in the file's dialect
};

struct lint_result {
  tag_dialect dialect = tag_dialect::falco;   // as detected or forced
  std::size_t tags = 0;                       // ATT&CK tags seen
  std::vector<tagged_rule> rules;
  std::vector<diagnostic> diagnostics;        // in file order; each fix replaces the whole tag
};

// Lints the YAML text of one file (`file` names it in the diagnostics): a
// Falco/Sysdig rule list, a Sigma rule, a KubeArmor policy (spec.tags) or a
// flat `tags:` list; several YAML documents allowed. Broken YAML gives one
// `invalid-yaml` diagnostic with its position. Thread-safe on a const graph.
lint_result lint_tags(const knowledge_graph& g, std::string_view file, std::string_view text,
                      const lint_options& options = {});

// A rule file's YAML parsed (the rules and their tag scalars, or the YAML
// error), nothing checked yet: the graph-free half of linting, so that files
// can be parsed while a graph loads. Copies what it keeps of `text`; lint()
// still needs the same text for positions and fixes. Movable, not copyable.
class parsed_rule_file {
public:
  parsed_rule_file(parsed_rule_file&&) noexcept;
  parsed_rule_file& operator=(parsed_rule_file&&) noexcept;
  ~parsed_rule_file();
  struct impl;

private:
  explicit parsed_rule_file(std::unique_ptr<impl> p);
  friend parsed_rule_file parse_rule_file(std::string_view text);
  friend class tag_linter;
  std::unique_ptr<impl> impl_;
};

// Parses one rule file's text (yaml-cpp). Broken YAML is kept, to become the
// `invalid-yaml` finding. Throws nothing but std::bad_alloc; thread-safe.
parsed_rule_file parse_rule_file(std::string_view text);

// Lints many files against one graph, building the per-graph tables (the
// tactics by shortname) once. Borrows `g`, which must outlive it. lint() is
// const and thread-safe: one linter may serve several threads.
class tag_linter {
public:
  explicit tag_linter(const knowledge_graph& g, const lint_options& options = {});
  lint_result lint(std::string_view file, std::string_view text) const;   // as lint_tags
  // The same on a file parsed beforehand: `parsed` must come from
  // parse_rule_file(text) of this very `text`.
  lint_result lint(std::string_view file, std::string_view text, const parsed_rule_file& parsed) const;

private:
  const knowledge_graph* g_;
  lint_options options_;
  std::vector<node> tactics_;   // tactics of the lookup domains, revoked and deprecated included
};

// Every finding code lint_tags uses, with its summary, help and level (SARIF's rule table).
const std::vector<diagnostic_rule>& tag_rules();

// `text` with the fixes of `ds` applied (identical edits once; an edit that
// overlaps one already taken, in file order, is skipped: a deleted tag is not
// also renamed). Every byte outside the edits is kept. Throws nothing but std::bad_alloc.
std::string apply_fixes(std::string_view text, std::span<const diagnostic> ds);

// A unified diff (3 lines of context) from `before` to `after` under the
// labels a/`file` and b/`file`; empty when equal.
std::string unified_diff(std::string_view file, std::string_view before, std::string_view after);

}  // namespace mitrekg
