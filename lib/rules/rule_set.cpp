// The public rule_set: reading the files, then compiling; priorities, codes and accessors.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "rules/condition.hpp"
#include "rules/loader.hpp"
#include "rules/rule_set_access.hpp"
#include "support/text.hpp"

namespace mitrekg {

namespace {

constexpr std::array<std::string_view, 8> priority_names = {"EMERGENCY", "ALERT",  "CRITICAL",      "ERROR",
                                                            "WARNING",   "NOTICE", "INFORMATIONAL", "DEBUG"};

struct code_row {
  std::string_view code;
  std::string_view falco;
  severity level;
  std::string_view summary;
  std::string_view help;
};

// Every code rule loading produces. The condition compiler's codes are here too:
// they reach users through rule_set::diagnostics().
constexpr code_row code_table[] = {
    {"file-read", "LOAD_ERR_FILE_READ", severity::error, "the rules file cannot be read", "check the path and permissions"},
    {"file-too-large", "LOAD_ERR_FILE_READ", severity::error, "the rules file is larger than the load limit",
     "split it, or raise rule_load_options::max_file_bytes"},
    {"not-yaml", "LOAD_ERR_YAML_PARSE", severity::error, "the file is not YAML", "fix the YAML syntax at the position given"},
    {"wrong-shape", "LOAD_ERR_YAML_VALIDATE", severity::error, "an item or value has the wrong YAML shape",
     "the top level is a sequence of mappings; see docs/rules.md for each key's shape"},
    {"missing-key", "LOAD_ERR_YAML_VALIDATE", severity::error, "a required key is missing or empty",
     "a new rule needs condition, output, desc and priority; a macro condition; a list items"},
    {"duplicate-key", "LOAD_ERR_YAML_VALIDATE", severity::error, "a key appears twice in one item", "keep one of them"},
    {"bad-value", "LOAD_ERR_YAML_VALIDATE", severity::error, "a value cannot be read as its key's type",
     "priorities: EMERGENCY…DEBUG; booleans: true/false; versions: N or x.y.z"},
    {"bad-override", "LOAD_ERR_YAML_VALIDATE", severity::error, "an override mapping does not match the item's keys",
     "name each given key under override with append or replace, and give every key named there"},
    {"undefined-append", "LOAD_ERR_VALIDATE", severity::error, "append to a list, macro or rule that is not defined",
     "define it first (in this file or an earlier one), or drop append"},
    {"undefined-override", "LOAD_ERR_VALIDATE", severity::error, "override of a list, macro or rule that is not defined",
     "define it first (in this file or an earlier one)"},
    {"undefined-enable", "LOAD_ERR_VALIDATE", severity::error, "enabled-only item for a rule that is not defined",
     "check the rule name"},
    {"bad-append", "LOAD_ERR_VALIDATE", severity::error, "an appended rule adds neither condition nor exceptions",
     "give condition or exceptions"},
    {"bad-exception", "LOAD_ERR_VALIDATE", severity::error, "an exception is malformed",
     "exceptions need name and fields; fields, comps and each values row have equal lengths"},
    {"engine-version", "LOAD_ERR_VALIDATE", severity::error, "the rules need a newer engine",
     "load them with a newer engine, or use older rules"},
    {"plugin-version", "LOAD_ERR_VALIDATE", severity::error, "a required plugin version is not built in",
     "docs/rules.md lists the built-in plugin versions"},
    {"condition-syntax", "", severity::error, "the condition does not parse", "fix the condition at the column given"},
    {"condition-too-deep", "", severity::error, "the condition nests deeper than 1000 levels", "flatten it"},
    {"condition-too-large", "", severity::error,
     "the condition has over 250,000 nodes, or a list over 1,500,000 items, with macros and lists inlined",
     "a macro or list that names another several times grows exponentially: name it once"},
    {"undefined-macro", "", severity::error, "a condition names a macro that is not defined",
     "define the macro before the item that uses it, or fix the name"},
    {"macro-loop", "", severity::error, "a macro reaches itself", "break the loop"},
    {"list-loop", "", severity::error, "a list reaches itself", "break the loop"},
    {"unknown-field", "", severity::error, "a field the rule's source does not have",
     "check the field name and the rule's source, or set skip-if-unknown-filter: true"},
    {"skipped-unknown-field", "", severity::warning,
     "a rule with skip-if-unknown-filter: true uses an unknown field and is skipped", "expected with older engines"},
    {"field-argument", "", severity::error, "a field argument is missing, unexpected or malformed",
     "proc.aname[N], json.value[/pointer], …"},
    {"invalid-operator", "", severity::error, "an operator not valid for the field's type",
     "use an operator of the field's type"},
    {"invalid-value", "", severity::error, "a value not valid for the field's type (number, IP, event type, regex)",
     "check the value"},
    {"unknown-transformer", "", severity::error, "an unknown transformer name(...)", "tolower, toupper, b64, basename, len, val"},
    {"bad-output", "LOAD_ERR_COMPILE_OUTPUT", severity::error, "the output names an unknown field",
     "check the %field names against the rule's source"},
    {"unknown-source", "LOAD_UNKNOWN_SOURCE", severity::warning, "a rule of a source that is not loaded is skipped",
     "load the source, or ignore"},
    {"skipped-unknown-filter", "LOAD_UNKNOWN_FILTER", severity::warning,
     "a rule with skip-if-unknown-filter uses an unknown field and is skipped", "expected on older engines"},
    {"no-event-type", "LOAD_NO_EVTTYPE", severity::warning, "a syscall rule matches every event type",
     "add an evt.type condition, or set warn_evttypes: false"},
    {"unused-list", "LOAD_UNUSED_LIST", severity::warning, "a list no condition uses", "remove it, or ignore"},
    {"unused-macro", "LOAD_UNUSED_MACRO", severity::warning, "a macro no rule uses", "remove it, or ignore"},
    {"unknown-item", "LOAD_UNKNOWN_ITEM", severity::warning, "an item that is no rule, macro or list",
     "check the item's first key"},
    {"unknown-key", "LOAD_UNKNOWN_KEY", severity::warning, "a key the item kind does not have", "check its spelling"},
};

void too_large(rules::collection& c, std::size_t size, const rule_load_options& options) {
  c.add("file-too-large", severity::error, {c.files.back().name, 0, 0}, "rules content", "",
        fmt::format("Rules file is {} bytes; the limit is {} bytes", size, options.max_file_bytes));
}

}  // namespace

std::string_view to_string(rule_priority p) noexcept { return priority_names[static_cast<std::size_t>(p)]; }

std::optional<rule_priority> parse_rule_priority(std::string_view s) noexcept {
  for (std::size_t i = 0; i < priority_names.size(); ++i)
    if (iequals(s, priority_names[i])) return static_cast<rule_priority>(i);
  if (iequals(s, "INFO")) return rule_priority::informational;
  return std::nullopt;
}

std::string_view falco_code(std::string_view code) noexcept {
  for (const auto& r : code_table)
    if (r.code == code) return r.falco.empty() ? rules::falco_code(code) : r.falco;   // empty: the condition compiler's
  return {};
}

const std::vector<diagnostic_rule>& rule_diagnostic_rules() {
  static const std::vector<diagnostic_rule> rules = [] {
    std::vector<diagnostic_rule> out;
    for (const auto& r : code_table)
      out.push_back({std::string(r.code), std::string(r.summary), std::string(r.help), r.level});
    return out;
  }();
  return rules;
}

rule_set rule_set::load(std::span<const std::filesystem::path> files, const rule_load_options& options) {
  rules::collection c;
  for (const auto& path : files) {
    rules::loaded_file f;
    f.name = path.string();
    // Only regular files are opened: a FIFO without a writer would block the open.
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    std::string why;
    std::ifstream in;
    if (std::filesystem::is_directory(st)) why = "is a directory";
    else if (std::filesystem::exists(st) && !std::filesystem::is_regular_file(st)) why = "not a regular file";
    else {
      in.open(path, std::ios::binary);
      if (!in) why = std::strerror(errno);
    }
    if (!why.empty()) {
      c.files.push_back(std::move(f));
      c.add("file-read", severity::error, {c.files.back().name, 0, 0}, "rules content", "",
            fmt::format("Could not read rules file: {}", why));
      continue;
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > options.max_file_bytes) {
      c.files.push_back(std::move(f));
      too_large(c, size, options);
      continue;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    f.text = std::move(buf).str();
    c.files.push_back(std::move(f));
    if (c.files.back().text.size() > options.max_file_bytes) too_large(c, c.files.back().text.size(), options);
    else rules::read_rules_text(c, options);
  }
  return rule_set(rules::compile(std::move(c), options));
}

rule_set rule_set::load(std::span<const rule_text> texts, const rule_load_options& options) {
  rules::collection c;
  for (const auto& t : texts) {
    if (t.content.size() > options.max_file_bytes) {
      c.files.push_back({t.name, {}});
      too_large(c, t.content.size(), options);
      continue;
    }
    c.files.push_back({t.name, t.content});
    rules::read_rules_text(c, options);
  }
  return rule_set(rules::compile(std::move(c), options));
}

const std::vector<rule_list_info>& rule_set::lists() const noexcept { return impl_->lists; }
const std::vector<rule_macro_info>& rule_set::macros() const noexcept { return impl_->macros; }
const std::vector<rule_info>& rule_set::rules() const noexcept { return impl_->rules; }
const std::vector<plugin_requirement>& rule_set::plugin_requirements() const noexcept { return impl_->plugins; }
const std::vector<diagnostic>& rule_set::diagnostics() const noexcept { return impl_->diags; }

std::string_view rule_set::item_kind(std::size_t i) const noexcept {
  return i < impl_->kinds.size() ? std::string_view(impl_->kinds[i]) : std::string_view();
}

template <typename T>
static const T* find_named(const std::vector<T>& v, const std::unordered_map<std::string, std::size_t>& index,
                           std::string_view name) {
  auto it = index.find(std::string(name));
  return it == index.end() ? nullptr : &v[it->second];
}

const rule_info* rule_set::find_rule(std::string_view name) const {
  return find_named(impl_->rules, impl_->rule_index, name);
}
const rule_macro_info* rule_set::find_macro(std::string_view name) const {
  return find_named(impl_->macros, impl_->macro_index, name);
}
const rule_list_info* rule_set::find_list(std::string_view name) const {
  return find_named(impl_->lists, impl_->list_index, name);
}

bool rule_set::ok() const noexcept {
  return std::none_of(impl_->diags.begin(), impl_->diags.end(),
                      [](const diagnostic& d) { return d.level == severity::error; });
}

rule_counts rule_set::counts() const noexcept {
  rule_counts n;
  n.files = impl_->files;
  n.lists = impl_->lists.size();
  n.macros = impl_->macros.size();
  n.rules = impl_->rules.size();
  n.enabled = static_cast<std::size_t>(std::count_if(impl_->rules.begin(), impl_->rules.end(),
                                                     [](const rule_info& r) { return r.enabled && r.compiled; }));
  const diagnostic_counts d = count(impl_->diags);
  n.errors = d.errors;
  n.warnings = d.warnings;
  return n;
}

}  // namespace mitrekg
