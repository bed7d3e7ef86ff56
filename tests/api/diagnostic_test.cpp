// mitrekg/diagnostic.hpp: the finding type and its text, JSON and SARIF renderings.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "mitrekg/diagnostic.hpp"

using mitrekg::diagnostic;
using mitrekg::severity;

namespace {
diagnostic sample() {
  return diagnostic{"tactic-name-mismatch", severity::error, "rules/seed.yaml", 12, 9, "Launch Suspicious",
                    "TA0008 is Lateral Movement, not \"defense evasion\"",
                    mitrekg::text_edit{12, 9, 12, 39, "MITRE_TA0005_defense_evasion"}};
}
}  // namespace

TEST_CASE("severity names round-trip, case-insensitively") {
  for (auto s : {severity::error, severity::warning, severity::note})
    CHECK(mitrekg::parse_severity(mitrekg::to_string(s)) == s);
  CHECK(mitrekg::parse_severity("WARNING") == severity::warning);
  CHECK_FALSE(mitrekg::parse_severity("fatal"));
  CHECK(severity::error < severity::warning);
}

TEST_CASE("text: FILE:LINE:COLUMN: SEVERITY: CODE: MESSAGE, positions left out when unknown") {
  CHECK(mitrekg::render_text(sample()) ==
        "rules/seed.yaml:12:9: error: tactic-name-mismatch: TA0008 is Lateral Movement, not \"defense evasion\"");
  diagnostic d{"not-yaml", severity::warning, "x.yaml", 3, 0, "", "tab", {}};
  CHECK(mitrekg::render_text(d) == "x.yaml:3: warning: not-yaml: tab");
  d.line = 0;
  CHECK(mitrekg::render_text(d) == "x.yaml: warning: not-yaml: tab");
  d.file.clear();
  CHECK(mitrekg::render_text(d) == "warning: not-yaml: tab");
}

TEST_CASE("text escapes control characters from the input (no terminal injection)") {
  diagnostic d{"unknown-rule", severity::error, "a\x1b]0;x\a.yaml", 1, 1, "", "rule \x1b[31mred", {}};
  CHECK(mitrekg::render_text(d) == "a\\x1b]0;x\\x07.yaml:1:1: error: unknown-rule: rule \\x1b[31mred");
}

TEST_CASE("JSON: one object with every field, and the fix when there is one") {
  CHECK(mitrekg::render_json(sample()) ==
        R"({"code":"tactic-name-mismatch","severity":"error","file":"rules/seed.yaml","line":12,"column":9,)"
        R"("item":"Launch Suspicious","message":"TA0008 is Lateral Movement, not \"defense evasion\"",)"
        R"("fix":{"line":12,"column":9,"end_line":12,"end_column":39,"replacement":"MITRE_TA0005_defense_evasion"}})");
  diagnostic d{"x", severity::note, "f", 0, 0, "", "a\nb\x01\xff", {}};
  // Control characters escaped; invalid UTF-8 replaced so the output stays valid JSON.
  CHECK(mitrekg::render_json(d) ==
        R"({"code":"x","severity":"note","file":"f","line":0,"column":0,"item":"","message":"a\nb\u0001\ufffd"})");
  CHECK(mitrekg::render_json_array({}) == "[]\n");
  std::vector<diagnostic> two{sample(), d};
  auto arr = mitrekg::render_json_array(two);
  CHECK(arr.starts_with("[\n  {\"code\":\"tactic-name-mismatch\""));
  CHECK(arr.ends_with("\"message\":\"a\\nb\\u0001\\ufffd\"}\n]\n"));
}

TEST_CASE("SARIF 2.1.0: tool rules, results with locations, levels and fixes") {
  mitrekg::sarif_tool tool{"mitre-query", "0.1.0", "", {{"tactic-name-mismatch", "tactic id and name disagree",
                                                          "use the name of the id", severity::error}}};
  std::vector<diagnostic> ds{sample(), {"unknown-technique", severity::warning, "/abs/my rules.yaml", 4, 0, "", "T9999", {}}};
  auto s = mitrekg::render_sarif(ds, tool);
  CHECK(s.find("\"version\": \"2.1.0\"") != std::string::npos);
  CHECK(s.find(R"("name":"mitre-query","version":"0.1.0")") != std::string::npos);
  // The listed rule first, then the code the table lacked, added in order of use.
  auto first = s.find(R"({"id":"tactic-name-mismatch","shortDescription":{"text":"tactic id and name disagree"},)"
                      R"("help":{"text":"use the name of the id"},"defaultConfiguration":{"level":"error"}})");
  auto second = s.find(R"({"id":"unknown-technique")");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
  CHECK(s.find(R"("ruleId":"tactic-name-mismatch","ruleIndex":0,"level":"error")") != std::string::npos);
  CHECK(s.find(R"("ruleId":"unknown-technique","ruleIndex":1,"level":"warning")") != std::string::npos);
  CHECK(s.find(R"("artifactLocation":{"uri":"rules/seed.yaml"},"region":{"startLine":12,"startColumn":9}})") !=
        std::string::npos);
  CHECK(s.find(R"("logicalLocations":[{"name":"Launch Suspicious"}])") != std::string::npos);
  // Absolute paths are file URIs, percent-encoded; no column: startLine only.
  CHECK(s.find(R"("uri":"file:///abs/my%20rules.yaml"},"region":{"startLine":4}})") != std::string::npos);
  CHECK(s.find(R"("deletedRegion":{"startLine":12,"startColumn":9,"endLine":12,"endColumn":39},)"
               R"("insertedContent":{"text":"MITRE_TA0005_defense_evasion"})") != std::string::npos);
  auto empty = mitrekg::render_sarif({}, tool);
  CHECK(empty.find("\"results\": []") != std::string::npos);
}

TEST_CASE("count by severity") {
  std::vector<diagnostic> ds{sample(), sample(), {"w", severity::warning, "", 0, 0, "", "", {}}};
  auto c = mitrekg::count(ds);
  CHECK(c.errors == 2);
  CHECK(c.warnings == 1);
  CHECK(c.notes == 0);
}
