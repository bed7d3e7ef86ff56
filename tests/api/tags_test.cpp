// Tests of mitrekg/tags.hpp on real ATT&CK 18.1 data and the real rule corpora: dialects, resolution, findings, fixes, diffs.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "mitrekg/query.hpp"
#include "mitrekg/tags.hpp"

namespace fs = std::filesystem;
using namespace mitrekg;

namespace {

const fs::path data = MITREKG_TEST_DATA;

const knowledge_graph& graph() {
  static const knowledge_graph g = knowledge_graph::load({{data / "attack" / "enterprise-attack-18.1.json"}, {}});
  return g;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, std::size_t> codes(const std::vector<diagnostic>& ds) {
  std::map<std::string, std::size_t> m;
  for (const auto& d : ds) ++m[d.code];
  return m;
}

// Every finding of every *.yaml / *.yml under `dir`, by code.
std::map<std::string, std::size_t> corpus(const fs::path& dir, std::size_t& files, const fs::path& skip = {}) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml") &&
        (skip.empty() || e.path().string().rfind(skip.string(), 0) != 0))
      paths.push_back(e.path());
  files = paths.size();
  std::map<std::string, std::size_t> m;
  for (const auto& p : paths)
    for (const auto& [code, n] : codes(lint_tags(graph(), p.string(), slurp(p)).diagnostics)) m[code] += n;
  return m;
}

const diagnostic* find(const std::vector<diagnostic>& ds, std::string_view code, std::size_t line) {
  for (const auto& d : ds)
    if (d.code == code && d.line == line) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("dialect names") {
  CHECK(to_string(tag_dialect::falco) == "falco");
  CHECK(parse_tag_dialect("SIGMA") == tag_dialect::sigma);
  CHECK(parse_tag_dialect("sysdig") == tag_dialect::sysdig);
  CHECK_FALSE(parse_tag_dialect("splunk"));
}

TEST_CASE("canonical tags round-trip byte for byte in every dialect") {
  const std::vector<std::pair<tag_dialect, std::vector<std::string>>> canonical = {
      {tag_dialect::falco, {"mitre_defense_evasion", "mitre_command_and_control", "T1562", "T1562.001", "TA0011"}},
      {tag_dialect::sysdig,
       {"MITRE_TA0005_defense_evasion", "MITRE_T1562.001_impair_defenses_disable_or_modify_tools",
        "MITRE_T1204.003_malicious_image", "MITRE_T1070_indicator_removal"}},
      {tag_dialect::sigma, {"attack.defense-evasion", "attack.t1562.001", "attack.t1059", "attack.g0016", "attack.s0154",
                            "attack.stealth"}},
  };
  for (const auto& [d, tags] : canonical)
    for (const auto& t : tags) {
      CAPTURE(t);
      auto p = parse_tag(t, d);
      REQUIRE(p);
      CHECK(p->canonical);
      CHECK(format_tag(p->value, d) == t);
    }
}

TEST_CASE("typed values and what is not canonical") {
  auto p = parse_tag("MITRE_T1562.001_impair_defenses_disable_or_modify_tools", tag_dialect::sysdig);
  REQUIRE(p);
  CHECK(p->value == tag_value{tag_kind::technique, "T1562.001", "", "impair_defenses_disable_or_modify_tools"});
  p = parse_tag("mitre_defense_evasion", tag_dialect::falco);
  REQUIRE(p);
  CHECK(p->value == tag_value{tag_kind::tactic, "", "defense-evasion", ""});
  p = parse_tag("attack.g0016", tag_dialect::sigma);
  REQUIRE(p);
  CHECK(p->value.kind == tag_kind::group);
  CHECK(p->value.id == "G0016");
  CHECK(parse_tag("attack.s0154", tag_dialect::sigma)->value.kind == tag_kind::software);

  struct bad { std::string text; tag_dialect d; std::string problem; std::string formatted; };
  const std::vector<bad> cases = {
      {"MITRE_TA0008_defense evasion", tag_dialect::sysdig, "a space", "MITRE_TA0008_defense_evasion"},
      {"MITRE_TA0003_Persistence", tag_dialect::sysdig, "wrong case", "MITRE_TA0003_persistence"},
      {"MITRE_T1053_scheduled_task/job", tag_dialect::sysdig, "wrong separator", "MITRE_T1053_scheduled_task_job"},
      {"MITRE_T1003_007_os_credential_dumping_proc_filesystem", tag_dialect::sysdig,
       "'_' where '.' belongs before the sub-technique number", "MITRE_T1003.007_os_credential_dumping_proc_filesystem"},
      {"MITRE_TA005_defense_evasion", tag_dialect::sysdig, "the id TA005 does not have 4 digits", "MITRE_TA0005_defense_evasion"},
      {"MITRE_TA00040_impact", tag_dialect::sysdig, "the id TA00040 does not have 4 digits", "MITRE_TA0040_impact"},
      {"MITRE_TA0003", tag_dialect::sysdig, "no name after the id", "MITRE_TA0003"},
      {"attack.defense_evasion", tag_dialect::sigma, "wrong separator", "attack.defense-evasion"},
      {"attack.T1562.001", tag_dialect::sigma, "wrong case", "attack.t1562.001"},
      {"T1562-impair-defenses", tag_dialect::falco, "not the falco form", "T1562"},
      {"TA0005-defense-evasion", tag_dialect::falco, "not the falco form", "mitre_defense_evasion"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto q = parse_tag(c.text, c.d);
    REQUIRE(q);
    CHECK_FALSE(q->canonical);
    CHECK(q->problem == c.problem);
    CHECK(format_tag(q->value, c.d) == c.formatted);
  }
  // Not ATT&CK tags: left alone.
  for (const char* t : {"container", "MITRE", "FGT1562", "cve.2021-44228", "detection.threat-hunting", "car.2013-05-004",
                        "Tomcat", "T1000x", "maturity_stable"}) {
    CAPTURE(t);
    CHECK_FALSE(parse_tag(t, tag_dialect::falco));
    CHECK_FALSE(parse_tag(t, tag_dialect::sigma));
  }
}

TEST_CASE("resolution: live, revoked with its replacement, deprecated, unknown") {
  const auto& g = graph();
  auto live = resolve_tag(g, {tag_kind::technique, "T1562.001", "", ""});
  CHECK(live.status == tag_status::live);
  CHECK(g[live.object].name == "Disable or Modify Tools");
  auto revoked = resolve_tag(g, {tag_kind::technique, "T1053.001", "", ""});
  CHECK(revoked.status == tag_status::revoked);
  REQUIRE(revoked.replacement != no_node);
  CHECK(g[revoked.replacement].id == "T1053.002");
  CHECK(resolve_tag(g, {tag_kind::technique, "T1053.004", "", ""}).status == tag_status::deprecated);
  CHECK(resolve_tag(g, {tag_kind::technique, "T1685", "", ""}).status == tag_status::unknown);
  CHECK(resolve_tag(g, {tag_kind::tactic, "", "stealth", ""}).status == tag_status::unknown);
  auto tactic = resolve_tag(g, {tag_kind::tactic, "", "defense-evasion", ""});
  REQUIRE(tactic.status == tag_status::live);
  CHECK(g[tactic.object].id == "TA0005");
  CHECK(g[resolve_tag(g, {tag_kind::group, "G0016", "", ""}).object].name == "APT29");
  CHECK(resolve_tag(g, {tag_kind::software, "S9999", "", ""}).status == tag_status::unknown);
}

TEST_CASE("tag: a technique's tags with its tactics, a sub-technique's included") {
  const auto& g = graph();
  auto t = g.find(object_type::technique, "T1562.001");
  REQUIRE(t);
  CHECK(technique_tags(g, *t, tag_dialect::sysdig) ==
        std::vector<std::string>{"MITRE_T1562.001_impair_defenses_disable_or_modify_tools", "MITRE_TA0005_defense_evasion"});
  auto t2 = g.find(object_type::technique, "T1610");
  REQUIRE(t2);
  CHECK(technique_tags(g, *t2, tag_dialect::falco) == std::vector<std::string>{"T1610", "mitre_execution", "mitre_defense_evasion"});
  CHECK(technique_tags(g, *t2, tag_dialect::sigma) ==
        std::vector<std::string>{"attack.t1610", "attack.execution", "attack.defense-evasion"});
}

TEST_CASE("the seed file: every defect the article's tags have, at the tag's own position") {
  const fs::path seed = data / "seed" / "blog-example-rules.yaml";
  const std::string text = slurp(seed);
  auto r = lint_tags(graph(), "seed.yaml", text);
  CHECK(r.dialect == tag_dialect::sysdig);
  CHECK(r.tags == 7);
  REQUIRE(r.diagnostics.size() == 4);
  CHECK(codes(r.diagnostics) == std::map<std::string, std::size_t>{
                                    {"tactic-name-mismatch", 1}, {"malformed-tag", 1}, {"surplus-tactic", 1}, {"stale-name", 1}});
  const diagnostic* mismatch = find(r.diagnostics, "tactic-name-mismatch", 33);
  REQUIRE(mismatch);
  CHECK(mismatch->column == 7);
  CHECK(mismatch->level == severity::error);
  CHECK(mismatch->item == "Launch Disallowed Container");
  CHECK(mismatch->message == "TA0008 is Lateral Movement, not 'defense-evasion' (TA0005 Defense Evasion)");
  REQUIRE(mismatch->fix);
  CHECK(mismatch->fix->replacement == "MITRE_TA0005_defense_evasion");
  CHECK(find(r.diagnostics, "malformed-tag", 33)->message == "malformed tag 'MITRE_TA0008_defense evasion': a space");
  const diagnostic* stale = find(r.diagnostics, "stale-name", 59);
  REQUIRE(stale);
  CHECK(stale->item == "Azure Access Level for Blob Container Set to Public");
  CHECK(stale->fix->replacement == "MITRE_T1070_indicator_removal");
  CHECK(stale->fix->line == 59);
  CHECK(stale->fix->column == 7);
  CHECK(stale->fix->end_column == 7 + std::string("MITRE_T1070_indicator_removal_on_host").size());
  // The rules the generator sees.
  REQUIRE(r.rules.size() == 2);
  CHECK(r.rules[0].techniques == std::vector<std::string>{"T1204", "T1204.003"});
  CHECK(r.rules[1].tactics == std::vector<std::string>{"TA0005"});

  // --fix: only the offending tags change; the result lints clean; fixing again changes nothing.
  std::string fixed = apply_fixes(text, r.diagnostics);
  std::string expected = text;
  expected.erase(expected.find("    - MITRE_TA0008_defense evasion\n"), std::string("    - MITRE_TA0008_defense evasion\n").size());
  expected.replace(expected.find("MITRE_T1070_indicator_removal_on_host"), std::string("MITRE_T1070_indicator_removal_on_host").size(),
                   "MITRE_T1070_indicator_removal");
  CHECK(fixed == expected);
  auto again = lint_tags(graph(), "seed.yaml", fixed);
  CHECK(again.diagnostics.empty());
  CHECK(apply_fixes(fixed, again.diagnostics) == fixed);
  CHECK(unified_diff("seed.yaml", text, fixed) ==
        "--- a/seed.yaml\n+++ b/seed.yaml\n"
        "@@ -30,7 +30,6 @@\n   priority: WARNING\n   tags:\n     - container\n-    - MITRE_TA0008_defense evasion\n"
        "     - MITRE_TA0002_execution\n     - MITRE_T1204_user_execution\n     - MITRE_T1204.003_malicious_image\n"
        "@@ -56,7 +55,7 @@\n   priority: WARNING\n   tags:\n     - MITRE_TA0005_defense_evasion\n"
        "-    - MITRE_T1070_indicator_removal_on_host\n+    - MITRE_T1070_indicator_removal\n"
        "     - MITRE_T1562.001_impair_defenses_disable_or_modify_tools\n     - Cloud\n   source: azure_platformlogs\n");
  CHECK(unified_diff("seed.yaml", text, text).empty());
}

TEST_CASE("--fix keeps every other byte: CRLF, comments, quoting, flow lists, indentation") {
  const std::string text =
      "# rules\r\n"
      "- rule: A  # first\r\n"
      "  tags: [\"mitre_Execution\", T1059, 'T1059', container]   # flow\r\n"
      "- rule: B\r\n"
      "  tags:\r\n"
      "      -   'TA0002-execution'   # spaced\r\n"
      "      - T1053.001\r\n"
      "      - mitre_lateral_movement\r\n"
      "      - T1053.004\r\n";
  auto r = lint_tags(graph(), "x.yaml", text);
  CHECK(r.dialect == tag_dialect::falco);
  CHECK(codes(r.diagnostics) == std::map<std::string, std::size_t>{{"malformed-tag", 2}, {"duplicate-tag", 1},
                                                                    {"revoked-id", 1}, {"deprecated-id", 1},
                                                                    {"surplus-tactic", 1}});
  std::string fixed = apply_fixes(text, r.diagnostics);
  CHECK(fixed ==
        "# rules\r\n"
        "- rule: A  # first\r\n"
        "  tags: [\"mitre_execution\", T1059, container]   # flow\r\n"
        "- rule: B\r\n"
        "  tags:\r\n"
        "      -   'mitre_execution'   # spaced\r\n"
        "      - T1053.002\r\n"
        "      - T1053.004\r\n");
  auto again = lint_tags(graph(), "x.yaml", fixed);
  CHECK(codes(again.diagnostics) == std::map<std::string, std::size_t>{{"deprecated-id", 1}});
  CHECK(apply_fixes(fixed, again.diagnostics) == fixed);
}

TEST_CASE("missing tactic, unknown ids, broken YAML") {
  auto r = lint_tags(graph(), "m.yaml",
                     "- rule: R\n  tags: [T1611, mitre_execution, T9999, attack.g0016]\n"
                     "- rule: S\n  tags: [mitre_data_destruction]\n");
  CHECK(codes(r.diagnostics) == std::map<std::string, std::size_t>{
                                    {"missing-tactic", 1}, {"surplus-tactic", 1}, {"unknown-technique", 1},
                                    {"malformed-tag", 1}, {"unknown-tactic", 1}});
  CHECK(find(r.diagnostics, "missing-tactic", 2)->message ==
        "no tactic of T1611 Escape to Host is tagged (add mitre_privilege_escalation)");
  CHECK(find(r.diagnostics, "missing-tactic", 2)->column == 10);
  CHECK(find(r.diagnostics, "unknown-technique", 2)->column == 34);
  auto broken = lint_tags(graph(), "b.yaml", "- rule: [unclosed\n");
  REQUIRE(broken.diagnostics.size() == 1);
  CHECK(broken.diagnostics[0].code == "invalid-yaml");
  CHECK(broken.diagnostics[0].line == 2);
}

TEST_CASE("Sigma groups and software: known, unknown; revoked techniques in Sigma form") {
  auto r = lint_tags(graph(), "s.yml",
                     "title: T\nlogsource: {product: linux}\ndetection: {sel: {a: b}, condition: sel}\n"
                     "tags:\n  - attack.g0016\n  - attack.g9999\n  - attack.s0154\n  - attack.s9999\n"
                     "  - attack.execution\n  - attack.t1053.001\n  - cve.2021-44228\n");
  CHECK(r.dialect == tag_dialect::sigma);
  CHECK(r.tags == 6);
  CHECK(codes(r.diagnostics) ==
        std::map<std::string, std::size_t>{{"unknown-group", 1}, {"unknown-software", 1}, {"revoked-id", 1}});
  CHECK(find(r.diagnostics, "unknown-group", 6)->message == "unknown group G9999");
  CHECK(find(r.diagnostics, "unknown-software", 8)->message == "unknown software S9999");
  const diagnostic* revoked = find(r.diagnostics, "revoked-id", 10);
  REQUIRE(revoked);
  CHECK(revoked->message == "T1053.001 is revoked; replaced by T1053.002 At");
  CHECK(revoked->fix->replacement == "attack.t1053.002");
}

TEST_CASE("Sigma head (ATT&CK v19 tags) against 18.1: unknown tactics and techniques, not crashes") {
  const fs::path file = data / "sigma" / "head" / "rules" / "linux" / "auditd" / "lnx_auditd_disable_aslr_protection.yml";
  REQUIRE(fs::exists(file));
  auto r = lint_tags(graph(), file.string(), slurp(file));
  CHECK(r.dialect == tag_dialect::sigma);
  CHECK(codes(r.diagnostics) == std::map<std::string, std::size_t>{{"unknown-tactic", 2}, {"unknown-technique", 1}});
  const diagnostic* stealth = find(r.diagnostics, "unknown-tactic", 21);
  REQUIRE(stealth);
  CHECK(stealth->column == 7);
  CHECK(stealth->message == "unknown tactic 'stealth'");
  CHECK(find(r.diagnostics, "unknown-technique", 23)->message == "unknown technique T1685");
}

TEST_CASE("real corpora: findings by code (docs/tags.md)") {
  std::size_t files = 0;
  CHECK(corpus(data / "falco" / "rules", files) ==
        std::map<std::string, std::size_t>{{"malformed-tag", 28}, {"missing-tactic", 46}, {"surplus-tactic", 46}, {"unknown-tactic", 1}});
  CHECK(files == 11);
  // Sigma r2026-04-01: written for ATT&CK 18.1, no unknown id; 12 old underscore tactic tags.
  CHECK(corpus(data / "sigma", files, data / "sigma" / "head") ==
        std::map<std::string, std::size_t>{{"malformed-tag", 12}, {"missing-tactic", 1}, {"surplus-tactic", 40}});
  CHECK(files == 575);
  // Sigma HEAD, tagged for ATT&CK v19: its new tactics and techniques are unknown to 18.1.
  CHECK(corpus(data / "sigma" / "head", files) ==
        std::map<std::string, std::size_t>{{"malformed-tag", 12}, {"missing-tactic", 42}, {"surplus-tactic", 36},
                                           {"unknown-tactic", 201}, {"unknown-technique", 44}});
  CHECK(files == 582);
  CHECK(corpus(data / "sysdig-style", files) ==
        std::map<std::string, std::size_t>{{"duplicate-tag", 38}, {"malformed-tag", 54}, {"missing-tactic", 41},
                                           {"stale-name", 20}, {"surplus-tactic", 6}, {"unknown-tactic", 4},
                                           {"unknown-technique", 1}});
  CHECK(files == 43);
}

TEST_CASE("a file parsed beforehand (no graph needed) lints as lint_tags does") {
  const fs::path seed = data / "seed" / "blog-example-rules.yaml";
  const std::string text = slurp(seed);
  parsed_rule_file parsed = parse_rule_file(text);   // before any graph is used
  const tag_linter linter(graph());
  auto a = linter.lint("seed.yaml", text, parsed);
  auto b = lint_tags(graph(), "seed.yaml", text);
  REQUIRE(a.diagnostics.size() == 4);
  REQUIRE(a.diagnostics.size() == b.diagnostics.size());
  for (std::size_t i = 0; i < a.diagnostics.size(); ++i) {
    CHECK(a.diagnostics[i].code == b.diagnostics[i].code);
    CHECK(a.diagnostics[i].line == b.diagnostics[i].line);
    CHECK(a.diagnostics[i].column == b.diagnostics[i].column);
    CHECK(a.diagnostics[i].message == b.diagnostics[i].message);
    CHECK(a.diagnostics[i].fix.has_value() == b.diagnostics[i].fix.has_value());
  }
  CHECK(a.tags == 7);
  REQUIRE(a.rules.size() == b.rules.size());
  CHECK(a.rules[0].tags == b.rules[0].tags);
  // Moved, it still answers; broken YAML parses into the invalid-yaml finding with yaml-cpp's position.
  parsed_rule_file moved = std::move(parsed);
  CHECK(linter.lint("seed.yaml", text, moved).diagnostics.size() == 4);
  const std::string broken = "- rule: x\n  tags: [T1059\n";
  auto bad = linter.lint("bad.yaml", broken, parse_rule_file(broken));
  REQUIRE(bad.diagnostics.size() == 1);
  CHECK(bad.diagnostics[0].code == "invalid-yaml");
  CHECK(bad.diagnostics[0].line == 3);
  CHECK(bad.diagnostics[0].message == "end of sequence flow not found");
}
