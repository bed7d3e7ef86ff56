// API test of mitrekg/rules.hpp: loading Falco rule files, the real rule files' counts, Falco's load-diagnostics sample, the broken test files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mitrekg/rules.hpp"

namespace fs = std::filesystem;
using namespace mitrekg;

namespace {

const fs::path falco_dir = fs::path(MITREKG_TEST_DATA) / "falco";

rule_set load_text(std::string text, rule_load_options options = {}) {
  std::vector<rule_text> t{{"test.yaml", std::move(text)}};
  return rule_set::load(t, options);
}

rule_set load_files(std::vector<std::string> names, rule_load_options options = {}) {
  std::vector<fs::path> paths;
  for (const auto& n : names) paths.push_back(falco_dir / n);
  return rule_set::load(paths, options);
}

std::vector<const diagnostic*> with_code(const rule_set& s, std::string_view code) {
  std::vector<const diagnostic*> out;
  for (const auto& d : s.diagnostics())
    if (d.code == code) out.push_back(&d);
  return out;
}

std::string describe(const rule_set& s) {
  std::string out;
  for (const auto& d : s.diagnostics()) out += render_text(d) + "\n";
  return out;
}

}  // namespace

TEST_CASE("priorities: eight levels, case-insensitive, INFO alias") {
  CHECK(parse_rule_priority("emergency") == rule_priority::emergency);
  CHECK(parse_rule_priority("Alert") == rule_priority::alert);
  CHECK(parse_rule_priority("CRITICAL") == rule_priority::critical);
  CHECK(parse_rule_priority("error") == rule_priority::error);
  CHECK(parse_rule_priority("Warning") == rule_priority::warning);
  CHECK(parse_rule_priority("notice") == rule_priority::notice);
  CHECK(parse_rule_priority("info") == rule_priority::informational);
  CHECK(parse_rule_priority("INFORMATIONAL") == rule_priority::informational);
  CHECK(parse_rule_priority("debug") == rule_priority::debug);
  CHECK_FALSE(parse_rule_priority("loud"));
  CHECK(to_string(rule_priority::informational) == "INFORMATIONAL");
  CHECK(rule_priority::critical < rule_priority::warning);
}

TEST_CASE("a small file: items, positions, counts, event types") {
  const rule_set s = load_text(R"Y(
- list: shells
  items: [sh, bash]
- macro: spawned
  condition: evt.type = execve and proc.name in (shells)
- rule: Shell started
  desc: a shell
  condition: spawned and proc.pname != init
  output: "shell %proc.name (parent %proc.pname)"
  priority: warning
  tags: [shell, T1059]
)Y");
  INFO(describe(s));
  CHECK(s.ok());
  const rule_counts n = s.counts();
  CHECK(n.files == 1);
  CHECK(n.lists == 1);
  CHECK(n.macros == 1);
  CHECK(n.rules == 1);
  CHECK(n.enabled == 1);
  CHECK(n.errors == 0);
  CHECK(n.warnings == 0);
  const rule_info* r = s.find_rule("Shell started");
  REQUIRE(r);
  CHECK(r->source == "syscall");
  CHECK(r->priority == rule_priority::warning);
  CHECK(r->compiled);
  CHECK(r->tags == std::vector<std::string>{"shell", "T1059"});
  CHECK(r->position.line == 6);
  CHECK(r->position.column == 3);
  CHECK_FALSE(r->all_event_types);
  CHECK(r->event_types == std::vector<std::string>{"execve"});
  REQUIRE(s.find_list("shells"));
  CHECK(s.find_list("shells")->used);
  CHECK(s.find_macro("spawned")->used);
  CHECK_FALSE(s.find_rule("nope"));
}

TEST_CASE("every problem of a load is reported at once, with positions") {
  const rule_set s = load_text(R"Y(- rule: a
  desc: x
  condition: evt.type = open and undefined_one
  output: o
  priority: LOUD
- rule: b
  condition: evt.type = open
- list: l
  items: [x]
  colour: red
- macro: m
  condition: proc.name = x
  append: true
)Y");
  INFO(describe(s));
  CHECK(with_code(s, "bad-value").size() == 1);              // priority LOUD
  CHECK(with_code(s, "missing-key").size() == 3);            // b: output, desc, priority
  CHECK(with_code(s, "unknown-key").size() == 1);            // colour
  CHECK(with_code(s, "undefined-append").size() == 1);       // macro m
  CHECK(with_code(s, "unused-list").size() == 1);
  const auto bad = with_code(s, "bad-value");
  REQUIRE(bad.size() == 1);
  CHECK(bad[0]->line == 5);
  CHECK(bad[0]->column == 13);
  CHECK(bad[0]->item == "a");
  CHECK(falco_code("bad-value") == "LOAD_ERR_YAML_VALIDATE");
  CHECK(falco_code("unused-list") == "LOAD_UNUSED_LIST");
  for (const auto& d : s.diagnostics()) {
    CHECK(d.file == "test.yaml");
    CHECK(d.line > 0);
    CHECK_FALSE(falco_code(d.code).empty());
  }
}

TEST_CASE("syntax errors point at the offending token's column") {
  const rule_set s = load_text("- rule: r\n  desc: d\n  condition: evt.type = open and and proc.name = x\n"
                               "  output: o\n  priority: INFO\n");
  INFO(describe(s));
  CHECK_FALSE(s.ok());
  REQUIRE_FALSE(s.diagnostics().empty());
  const diagnostic& d = s.diagnostics().front();
  CHECK(d.line == 3);
  CHECK(d.column == 38);   // after the second `and` (read as a macro name), Falco's parser stops at proc.name
  CHECK(d.message == "unexpected token after 'and', expecting 'or', 'and'");
  CHECK(d.item == "r");
}

TEST_CASE("scalars stay strings: comps [=, in], desc: != ..., yes/no in lists") {
  const rule_set s = load_text(R"Y(
- list: answers
  items: [yes, no, on, off]
- rule: r
  desc: != after evt.type
  condition: evt.type = open and proc.name in (answers)
  output: o
  priority: INFO
  exceptions:
    - name: e
      fields: [proc.name, proc.cmdline]
      comps: [=, in]
      values:
        - [cat, [cat /dev/null, "cat /dev/zero"]]
)Y");
  INFO(describe(s));
  CHECK(s.ok());
  CHECK(s.find_list("answers")->items == std::vector<std::string>{"yes", "no", "on", "off"});
  const rule_info* r = s.find_rule("r");
  REQUIRE(r);
  CHECK(r->desc == "!= after evt.type");
  CHECK(r->condition ==
        "(evt.type = open and proc.name in (answers)) and not "
        "((proc.name = cat and proc.cmdline in (\"cat /dev/null\", \"cat /dev/zero\")))");
}

TEST_CASE("append, override and redefinition, across files in order") {
  std::vector<rule_text> files = {
      {"base.yaml", R"Y(
- list: bins
  items: [cat]
- macro: opened
  condition: evt.type = open
- rule: r
  desc: d
  condition: opened
  output: o
  priority: INFO
- rule: gone
  desc: d
  condition: evt.type = close
  output: o
  priority: INFO
)Y"},
      {"extra.yaml", R"Y(
- list: bins
  items: [ls]
  append: true
- list: bins
  items: [head]
  override:
    items: append
- macro: opened
  condition: or evt.type = openat
  append: true
- rule: r
  condition: and proc.name in (bins)
  append: true
- rule: r
  priority: critical
  tags: [extra]
  override:
    priority: replace
    tags: append
- rule: gone
  enabled: false
)Y"}};
  const rule_set s = rule_set::load(files);
  INFO(describe(s));
  CHECK(s.ok());
  CHECK(s.find_list("bins")->items == std::vector<std::string>{"cat", "ls", "head"});
  CHECK(s.find_macro("opened")->condition == "evt.type = open or evt.type = openat");
  const rule_info* r = s.find_rule("r");
  REQUIRE(r);
  CHECK(r->condition == "opened and proc.name in (bins)");
  CHECK(r->priority == rule_priority::critical);
  CHECK(r->tags == std::vector<std::string>{"extra"});
  CHECK(r->event_types == std::vector<std::string>{"open", "openat"});
  CHECK(r->position.file == "base.yaml");
  CHECK_FALSE(s.find_rule("gone")->enabled);
  CHECK(s.counts().rules == 2);
  CHECK(s.counts().enabled == 1);
}

TEST_CASE("exceptions: length checks and messages") {
  const rule_set s = load_text(R"Y(
- rule: r
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
  exceptions:
    - name: two_comps
      fields: [proc.name]
      comps: [=, =]
    - name: short_row
      fields: [proc.name, proc.pname]
      values:
        - [cat]
    - fields: [proc.name]
    - name: bad_field
      fields: [proc.nothing]
)Y");
  INFO(describe(s));
  std::set<std::string> messages;
  for (std::size_t i = 0; i < s.diagnostics().size(); ++i)
    if (s.item_kind(i) == "exception") messages.insert(s.diagnostics()[i].message);
  CHECK(messages == std::set<std::string>{"Fields and comps lists must have equal length",
                                          "Fields and values lists must have equal length",
                                          "Item has no mapping for key 'name'",
                                          "'proc.nothing' is not a supported filter field"});
}

TEST_CASE("unknown sources are skipped with a warning; engine and plugin versions") {
  const rule_set s = load_text(R"Y(
- required_engine_version: 0.50.0
- required_plugin_versions:
    - name: json
      version: 0.7.0
- rule: r
  desc: d
  condition: ct.name = StartInstances
  output: o
  priority: INFO
  source: aws_cloudtrail
)Y",
                               {{"syscall"}, "0.57.0"});
  INFO(describe(s));
  CHECK(s.ok());
  REQUIRE(with_code(s, "unknown-source").size() == 1);
  CHECK(with_code(s, "unknown-source")[0]->message == "Unknown source aws_cloudtrail, skipping");
  CHECK_FALSE(s.find_rule("r")->compiled);
  REQUIRE(s.plugin_requirements().size() == 1);
  CHECK(s.plugin_requirements()[0].satisfied);
  const rule_set too_new = load_text("- required_engine_version: 0.99.0\n");
  REQUIRE(with_code(too_new, "engine-version").size() == 1);
  CHECK(with_code(too_new, "engine-version")[0]->message ==
        "Rules require engine version 0.99.0, but engine version is 0.57.0");
}

// ---------------------------------------------------------------- the real rule files

struct expected_counts {
  std::vector<std::string> files;
  std::size_t lists, macros, rules, enabled;
};

TEST_CASE("every current and pinned rule file loads without errors, with its counts") {
  // Counts of the whole load (later files included). Plugin files load on their
  // own, and the GKE add-on after the k8saudit file it extends.
  const std::vector<expected_counts> cases = {
      {{"rules/falco_rules.yaml"}, 49, 87, 25, 25},
      {{"rules/falco-incubating_rules.yaml"}, 54, 82, 31, 31},
      {{"rules/falco-sandbox_rules.yaml"}, 60, 183, 37, 25},
      // The three together: incubating and sandbox repeat some of stable's lists and macros.
      {{"rules/falco_rules.yaml", "rules/falco-incubating_rules.yaml", "rules/falco-sandbox_rules.yaml"},
       118, 315, 93, 81},
      {{"rules/plugins/cloudtrail/aws_cloudtrail_rules.yaml"}, 1, 0, 22, 20},
      {{"rules/plugins/gcpaudit/gcp_auditlog_rules.yaml"}, 0, 11, 39, 39},
      {{"rules/plugins/github/github.yaml"}, 0, 0, 15, 15},
      {{"rules/plugins/k8saudit/k8s_audit_rules.yaml"}, 18, 45, 48, 48},
      // The GKE add-on only overrides (4 lists, 1 rule's exceptions).
      {{"rules/plugins/k8saudit/k8s_audit_rules.yaml", "rules/plugins/k8saudit-gke/k8s_audit_rules_gke.yaml"},
       18, 45, 48, 48},
      {{"rules/plugins/okta/okta_rules.yaml"}, 1, 1, 21, 12},
      {{"rules/pinned/falco-rules-1.0.1/falco_rules.yaml"}, 117, 297, 80, 56},
      {{"rules/pinned/k8saudit-0.6.0/k8s_audit_rules.yaml"}, 16, 42, 43, 43},
  };
  REQUIRE(cases.size() == 12);
  for (const auto& c : cases) {
    const rule_set s = load_files(c.files);
    INFO(c.files.back());
    INFO(describe(s));
    CHECK(s.counts().errors == 0);
    CHECK(s.counts().warnings == 0);
    CHECK(s.counts().files == c.files.size());
    CHECK(s.counts().lists == c.lists);
    CHECK(s.counts().macros == c.macros);
    CHECK(s.counts().rules == c.rules);
    CHECK(s.counts().enabled == c.enabled);
  }
}

// ---------------------------------------------------------------- Falco's verdicts

namespace {

std::vector<std::map<std::string, std::string>> read_tsv(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> header;
  std::string line;
  auto split = [](const std::string& l) {
    std::vector<std::string> out;
    std::stringstream ss(l);
    std::string cell;
    while (std::getline(ss, cell, '\t')) out.push_back(cell);
    if (!l.empty() && l.back() == '\t') out.emplace_back();
    return out;
  };
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cells = split(line);
    if (header.empty()) {
      header = cells;
      continue;
    }
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size(); ++i) row[header[i]] = i < cells.size() ? cells[i] : "";
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ','))
    if (!part.empty()) out.push_back(part);
  return out;
}

}  // namespace

TEST_CASE("Falco's load-diagnostics sample matches") {
  const auto rows = read_tsv(falco_dir / "expected-load-diagnostics-sample.tsv");
  REQUIRE(rows.size() == 10);
  for (const auto& row : rows) {
    INFO(row.at("case_name"));
    // Falco's plugin tests run with no plugin loaded: only the syscall source.
    rule_load_options options;
    if (row.at("suite") == "falco_tests_plugins.yaml") options.sources = {"syscall"};
    const rule_set s = load_files(split_commas(row.at("rules_files")), options);
    INFO(describe(s));
    CHECK((s.ok() ? "0" : "1") == row.at("exit_status"));
    bool found = false;
    for (std::size_t i = 0; i < s.diagnostics().size(); ++i) {
      const diagnostic& d = s.diagnostics()[i];
      if (to_string(d.level) == row.at("severity") && s.item_kind(i) == row.at("item_type") &&
          d.item == row.at("item_name") && falco_code(d.code) == row.at("code") && d.message == row.at("message")) {
        found = true;
        CHECK_FALSE(d.file.empty());
        CHECK(d.line > 0);
        CHECK(d.column > 0);
      }
    }
    CHECK(found);
    for (const auto& ok_file : split_commas(row.at("validate_ok_files"))) {
      const rule_set base = load_files({ok_file}, options);
      INFO(describe(base));
      CHECK(base.ok());
    }
  }
}

TEST_CASE("every broken test rule file gets an error with a position") {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(falco_dir / "test_rules"))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() == 117);
  // Broken on purpose (their names say so, as Falco's old suite named them);
  // invalid_base_* are the valid bases that invalid_append_* break.
  auto broken = [](const fs::path& p) {
    const std::string name = p.filename().string(), dir = p.parent_path().filename().string();
    return (name.rfind("invalid_", 0) == 0 && name.rfind("invalid_base_", 0) != 0) || name.find("_failure") != std::string::npos ||
           (dir == "exceptions" && (name.rfind("item_", 0) == 0 || name.rfind("append_item_", 0) == 0)) ||
           name == "engine_version_mismatch.yaml" || name == "skip_unknown_error.yaml" ||
           name == "skip_unknown_unspec.yaml" || name == "rule_exception_new_no_field_append.yaml" ||
           name == "cloudtrail_incompat_plugin_version.yaml";
  };
  // Overlays: test files that extend another file, loaded after it as Falco's suite did.
  const std::string pinned_falco = "rules/pinned/falco-rules-1.0.1/falco_rules.yaml";
  const std::string pinned_k8s = "rules/pinned/k8saudit-0.6.0/k8s_audit_rules.yaml";
  const std::map<std::string, std::vector<std::string>> bases = {
      {"test_rules/append_single_rule.yaml", {"test_rules/single_rule.yaml"}},
      {"test_rules/double_rule.yaml", {"test_rules/single_rule.yaml"}},
      {"test_rules/rules_dir/001-double_rule.yaml", {"test_rules/rules_dir/000-single_rule.yaml"}},
      {"test_rules/k8s_audit/allow_namespace_foo.yaml", {pinned_falco, pinned_k8s}},
      {"test_rules/k8s_audit/allow_user_some-user.yaml", {pinned_falco, pinned_k8s}},
      {"test_rules/k8s_audit/trust_nginx_container.yaml", {pinned_falco, pinned_k8s}},
  };
  std::size_t broken_count = 0, clean_count = 0;
  for (const auto& p : files) {
    const std::string rel = fs::relative(p, falco_dir).generic_string();
    INFO(rel);
    std::vector<fs::path> one{p};
    const rule_set alone = rule_set::load(one);
    INFO(describe(alone));
    for (const auto& d : alone.diagnostics()) {
      CHECK(d.file == p.string());
      CHECK(d.line > 0);
      CHECK(d.column > 0);
    }
    if (broken(p)) {
      ++broken_count;
      CHECK(alone.counts().errors > 0);
      continue;
    }
    // The others load cleanly: on their own, after their base, or (Falco's
    // plugin tests) with only the syscall source, their cloudtrail rules skipped.
    std::vector<std::string> names;
    if (auto b = bases.find(rel); b != bases.end()) names = b->second;
    names.push_back(rel);
    rule_load_options options;
    if (rel.rfind("test_rules/plugins/", 0) == 0) options.sources = {"syscall"};
    const rule_set s = load_files(names, options);
    INFO(describe(s));
    CHECK(s.counts().errors == 0);
    clean_count += s.ok();
  }
  CHECK(broken_count == 42);
  CHECK(clean_count == 75);
}

TEST_CASE("the event-type warning: Falco's catalogue of condition shapes") {
  const rule_set s = load_files({"test_rules/falco_rules_warnings.yaml"});
  INFO(describe(s));
  CHECK(s.ok());
  REQUIRE(s.counts().rules == 31);
  std::set<std::string> warned;
  for (const auto* d : with_code(s, "no-event-type")) warned.insert(d->item);
  CHECK(warned == std::set<std::string>{"no_evttype", "evttype_not_equals", "leading_not", "not_equals_at_end",
                                        "not_at_end", "not_equals_and_not", "leading_in_not_equals_at_evttype",
                                        "not_with_evttypes", "not_with_evttypes_addl"});
  CHECK(s.find_rule("repeated_evttypes_with_mix")->event_types == std::vector<std::string>{"open"});
  CHECK(s.find_rule("leading_multitrailing_evttypes_using_in")->event_types ==
        std::vector<std::string>{"connect", "execve", "open"});
  // warn_evttypes: false silences it.
  const rule_set quiet = load_text("- rule: r\n  desc: d\n  condition: proc.name = x\n  output: o\n  priority: INFO\n"
                                   "  warn_evttypes: false\n");
  CHECK(quiet.ok());
  CHECK(quiet.counts().warnings == 0);
  CHECK(quiet.find_rule("r")->all_event_types);
}

TEST_CASE("positions through folded scalars and appends in another file") {
  std::vector<rule_text> files = {
      {"a.yaml", "- rule: r\n  desc: d\n  condition: >\n    evt.type = open\n    and proc.nobody = x\n"
                 "  output: \"%proc.name %fd.nothing\"\n  priority: INFO\n"},
      {"b.yaml", "- rule: r\n  condition: and proc.name ==== x\n  append: true\n"}};
  const rule_set s = rule_set::load(files);
  INFO(describe(s));
  REQUIRE(s.diagnostics().size() == 1);   // the append's syntax error stops the rule before binding
  CHECK(s.diagnostics()[0].file == "b.yaml");
  CHECK(s.diagnostics()[0].line == 2);
  CHECK(s.diagnostics()[0].column == 30);   // the second "==" after "proc.name =="
  const rule_set alone = rule_set::load(std::span<const rule_text>(files.data(), 1));
  INFO(describe(alone));
  const auto field = with_code(alone, "unknown-field");
  REQUIRE(field.size() == 1);
  CHECK(field[0]->line == 5);
  CHECK(field[0]->column == 9);   // proc.nobody, on the folded scalar's second line
  CHECK(field[0]->message == "filter_check called with nonexistent field proc.nobody");
}
