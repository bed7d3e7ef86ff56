// The header mitre-tagger generated from Falco's falco_rules.yaml at build time: constexpr entries checked at compile time and run time.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "falco_rule_tags.hpp"

namespace {

constexpr bool has(std::span<const std::string_view> v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Usable in constant expressions: a consumer can static_assert on its rules.
// (By index, not through find_rule's pointer: GCC's -fsanitize=undefined makes
// a pointer compared with nullptr non-constant.)
constexpr std::size_t index_of(std::string_view name) {
  for (std::size_t i = 0; i < falco_tags::rules.size(); ++i)
    if (falco_tags::rules[i].rule == name) return i;
  return falco_tags::rules.size();
}
static_assert(falco_tags::rules.size() == 25);
static_assert(index_of("Terminal shell in container") < falco_tags::rules.size());
static_assert(falco_tags::rules[index_of("Terminal shell in container")].techniques.size() == 1);
static_assert(falco_tags::rules[index_of("Terminal shell in container")].techniques[0] == "T1059");
static_assert(index_of("no such rule") == falco_tags::rules.size());

}  // namespace

TEST_CASE("entries of the generated table") {
  const auto* shell = falco_tags::find_rule("Terminal shell in container");
  REQUIRE(shell);
  CHECK(shell->tactics.size() == 1);
  CHECK(shell->tactics[0] == "TA0002");
  CHECK(std::vector<std::string_view>(shell->tags.begin(), shell->tags.end()) ==
        std::vector<std::string_view>{"mitre_execution", "T1059"});
  CHECK(has(shell->countermeasures, "D3-EAL"));   // Executable Allowlisting counters T1059

  const auto* logs = falco_tags::find_rule("Clear Log Activities");
  REQUIRE(logs);
  CHECK(logs->techniques[0] == "T1070");
  CHECK(logs->tactics[0] == "TA0005");
  CHECK(has(logs->countermeasures, "D3-FIM"));

  const auto* escape = falco_tags::find_rule("Detect release_agent File Container Escapes");
  REQUIRE(escape);
  CHECK(escape->techniques[0] == "T1611");
  CHECK(escape->tags[0] == "mitre_privilege_escalation");
  CHECK(escape->countermeasures.empty());   // D3FEND 0.17.0 lists no countermeasure for T1611

  CHECK(falco_tags::rules.front().rule == "Directory traversal monitored file read");
  CHECK(falco_tags::rules.back().rule == "Fileless execution via memfd_create");
  CHECK(falco_tags::rules.back().countermeasures.size() == 2);
}
