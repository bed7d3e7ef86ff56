// mitrekg/countermeasures.hpp: ATT&CK techniques joined to D3FEND's inference, the
// coverage states, and the version skew between ATT&CK 18.1 and D3FEND 0.17.0.
//
// Expected figures come from python3's json/csv modules over the shared files
// (enterprise-attack-18.1.json, d3fend-0.17.0.json and D3FEND's reference sample),
// never from this library's own output; each is explained where it is checked.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "mitrekg/countermeasures.hpp"
#include "mitrekg/graph.hpp"

namespace fs = std::filesystem;
using namespace mitrekg;

namespace {

const fs::path data = MITREKG_TEST_DATA;
const fs::path enterprise_file = data / "attack" / "enterprise-attack-18.1.json";
const fs::path d3fend_file = data / "d3fend" / "d3fend-0.17.0.json";
const fs::path sample_tsv = data / "d3fend" / "d3fend-0.17.0-reference-mappings-sample.tsv";
// A small ATT&CK bundle shared with the CLI tests: T1999 (an invented id D3FEND
// cannot list) replaces T1142, which D3FEND 0.17.0 lists; T1667 is newer than
// D3FEND; T1026 is deprecated. No real ATT&CK release has a via-revoked case
// (python over enterprise 17.1 and 18.1: every replacement of a revoked id D3FEND
// lists is listed itself), hence the fixture.
const fs::path skew_fixture = fs::path(MITREKG_TEST_FIXTURES) / ".." / "cli" / "fixtures" / "skew-attack-2.0.json";

knowledge_graph load(std::vector<fs::path> attack, fs::path d3fend = {}) {
  load_options o;
  o.attack_files = std::move(attack);
  o.d3fend_file = std::move(d3fend);
  return knowledge_graph::load(o);
}

// Loaded once per executable.
const knowledge_graph& with_d3fend() {
  static const knowledge_graph g = load({enterprise_file}, d3fend_file);
  return g;
}

const knowledge_graph& without_d3fend() {
  static const knowledge_graph g = load({enterprise_file});
  return g;
}

using row = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string, std::string>;

// The reference sample's rows for one technique (header skipped).
std::set<row> sample_rows(std::string_view attack_id) {
  std::ifstream in(sample_tsv);
  REQUIRE(in);
  std::set<row> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, '\t');) f.push_back(x);
    REQUIRE(f.size() == 7);
    if (f[0] == attack_id) out.emplace(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
  }
  return out;
}

std::set<row> rows_of(const d3fend_ontology& d, const technique_countermeasures& cm) {
  std::set<row> out;
  for (const auto& m : cm.rows)
    out.emplace(std::string(m.attack_id), std::string(d[m.countermeasure].name),
                m.tactic ? std::string(to_string(*m.tactic)) : std::string(), std::string(d[m.off_artifact].name),
                std::string(m.off_relation), std::string(d[m.def_artifact].name), std::string(m.def_relation));
  return out;
}

std::vector<std::string> ids_of(const knowledge_graph& g, const std::vector<node>& nodes) {
  std::vector<std::string> out;
  for (node n : nodes) out.emplace_back(g[n].id);
  return out;
}

const skew_entry* find_entry(const std::vector<skew_entry>& v, std::string_view id) {
  for (const auto& e : v)
    if (e.d3fend_attack_id == id) return &e;
  return nullptr;
}

}  // namespace

TEST_CASE("coverage names") {
  CHECK(to_string(d3fend_coverage::listed) == "listed");
  CHECK(to_string(d3fend_coverage::via_revoked) == "via-revoked");
  CHECK(to_string(d3fend_coverage::not_listed) == "not-listed");
  CHECK(to_string(d3fend_coverage::no_d3fend) == "no-d3fend");
}

TEST_CASE("listed: T1562.001 answers D3FEND's reference rows") {
  const auto& g = with_d3fend();
  REQUIRE(g.d3fend());
  const auto& d = *g.d3fend();
  auto cm = countermeasures_of(g, "T1562.001");
  CHECK(cm.attack_id == "T1562.001");
  CHECK(cm.coverage == d3fend_coverage::listed);
  REQUIRE(cm.technique != no_node);
  CHECK(g[cm.technique].id == "T1562.001");
  CHECK(cm.d3fend_ids == std::vector<std::string_view>{"T1562.001"});
  // The sample holds 10 explanation rows for T1562.001, one per countermeasure (python: csv over the TSV).
  const auto expected = sample_rows("T1562.001");
  CHECK(expected.size() == 10);
  CHECK(rows_of(d, cm) == expected);
  const auto distinct = distinct_countermeasures(cm.rows);
  CHECK(distinct.size() == 10);
  auto pt = d.find("D3-PT");
  REQUIRE(pt);
  CHECK(std::find(distinct.begin(), distinct.end(), *pt) != distinct.end());
  // distinct_countermeasures keeps first-seen order, without repeats.
  CHECK(std::set<d3fend_node>(distinct.begin(), distinct.end()).size() == distinct.size());
}

TEST_CASE("ids are matched case-insensitively and reported upper-cased") {
  auto cm = countermeasures_of(with_d3fend(), "t1562.001");
  CHECK(cm.attack_id == "T1562.001");
  CHECK(cm.coverage == d3fend_coverage::listed);
  CHECK(cm.rows.size() == 10);
}

TEST_CASE("listed but with no countermeasure: T1046") {
  // In the reference technique sample, with no row in the mappings sample.
  auto cm = countermeasures_of(with_d3fend(), "T1046");
  CHECK(cm.coverage == d3fend_coverage::listed);
  CHECK(cm.rows.empty());
  CHECK(sample_rows("T1046").empty());
}

TEST_CASE("listed under an id ATT&CK 18.1 revoked: T1142") {
  // python: T1142 (Keychain) is revoked by T1555.001 in 18.1; D3FEND still lists T1142.
  const auto& g = with_d3fend();
  auto cm = countermeasures_of(g, "T1142");
  CHECK(cm.coverage == d3fend_coverage::listed);
  REQUIRE(cm.technique != no_node);
  CHECK(g[cm.technique].revoked);
  CHECK(distinct_countermeasures(cm.rows).size() == 7);
}

TEST_CASE("not listed: newer than the D3FEND release, or unknown") {
  const auto& g = with_d3fend();
  // python: T1667 (Email Bombing) is live in 18.1, created 2025-01-31; D3FEND 0.17.0
  // has no class with attack-id T1667 (the newest technique it lists was created 2024-03-29).
  auto cm = countermeasures_of(g, "T1667");
  CHECK(cm.coverage == d3fend_coverage::not_listed);
  REQUIRE(cm.technique != no_node);
  CHECK(g[cm.technique].name == "Email Bombing");
  CHECK(cm.rows.empty());
  CHECK(cm.d3fend_ids.empty());

  auto unknown = countermeasures_of(g, "T9999");
  CHECK(unknown.coverage == d3fend_coverage::not_listed);
  CHECK(unknown.technique == no_node);
  CHECK(unknown.rows.empty());
}

TEST_CASE("via revoked: D3FEND lists only the id ATT&CK revoked in favour of the technique") {
  const auto g = load({skew_fixture}, d3fend_file);
  REQUIRE(g.d3fend());
  const auto& d = *g.d3fend();
  auto cm = countermeasures_of(g, "T1999");
  CHECK(cm.coverage == d3fend_coverage::via_revoked);
  REQUIRE(cm.technique != no_node);
  CHECK(g[cm.technique].name == "Keychain Successor");
  CHECK(cm.d3fend_ids == std::vector<std::string_view>{"T1142"});
  // The rows are T1142's own, as D3FEND answers them.
  auto direct = d.mappings("T1142");
  REQUIRE(cm.rows.size() == direct.size());
  CHECK(cm.rows.size() == 7);
  for (std::size_t i = 0; i < direct.size(); ++i) {
    CHECK(cm.rows[i].attack_id == "T1142");
    CHECK(cm.rows[i].countermeasure == direct[i].countermeasure);
    CHECK(cm.rows[i].off_artifact == direct[i].off_artifact);
    CHECK(cm.rows[i].def_artifact == direct[i].def_artifact);
  }
  // The revoked id itself is still listed.
  CHECK(countermeasures_of(g, "T1142").coverage == d3fend_coverage::listed);
  // T1667 has nothing revoked into it.
  CHECK(countermeasures_of(g, "T1667").coverage == d3fend_coverage::not_listed);
}

TEST_CASE("no D3FEND loaded") {
  const auto& g = without_d3fend();
  CHECK(g.d3fend() == nullptr);
  auto cm = countermeasures_of(g, "T1562.001");
  CHECK(cm.coverage == d3fend_coverage::no_d3fend);
  CHECK(cm.technique != no_node);
  CHECK(cm.rows.empty());
  CHECK(cm.d3fend_ids.empty());
  const auto skew = d3fend_skew(g);
  CHECK(skew.not_in_d3fend.empty());
  CHECK(skew.revoked.empty());
  CHECK(skew.deprecated.empty());
  CHECK(skew.not_in_attack.empty());
}

TEST_CASE("version skew of enterprise 18.1 and D3FEND 0.17.0") {
  const auto& g = with_d3fend();
  const auto skew = d3fend_skew(g);
  // python over both files: 691 live enterprise techniques, 55 of them not listed by
  // D3FEND; of its 780 ids, 132 are revoked and 12 deprecated (not revoked) in 18.1,
  // and every one is in the bundle.
  CHECK(skew.not_in_d3fend.size() == 55);
  CHECK(skew.revoked.size() == 132);
  CHECK(skew.deprecated.size() == 12);
  CHECK(skew.not_in_attack.empty());

  auto unlisted = ids_of(g, skew.not_in_d3fend);
  CHECK(std::is_sorted(unlisted.begin(), unlisted.end()));
  CHECK(unlisted.front() == "T1027.014");
  CHECK(std::find(unlisted.begin(), unlisted.end(), "T1667") != unlisted.end());
  for (node t : skew.not_in_d3fend) CHECK(g[t].live());

  // Revoked: the replacement is the live end of the revoked-by chain.
  const auto* keychain = find_entry(skew.revoked, "T1142");
  REQUIRE(keychain);
  REQUIRE(keychain->replaced_by != no_node);
  CHECK(g[keychain->replaced_by].id == "T1555.001");
  // python: T1073 revoked-by T1574.002, itself revoked-by T1574.001.
  const auto* chained = find_entry(skew.revoked, "T1073");
  REQUIRE(chained);
  REQUIRE(chained->replaced_by != no_node);
  CHECK(g[chained->replaced_by].id == "T1574.001");
  for (const auto& e : skew.revoked) {
    REQUIRE(e.attack != no_node);
    CHECK(g[e.attack].revoked);
  }

  // python: T1026 T1034 T1043 T1051 T1053.004 T1061 T1062 T1064 T1108 T1149 T1153 T1175.
  std::vector<std::string> deprecated;
  for (const auto& e : skew.deprecated) deprecated.emplace_back(e.d3fend_attack_id);
  CHECK(deprecated == std::vector<std::string>{"T1026", "T1034", "T1043", "T1051", "T1053.004", "T1061", "T1062",
                                               "T1064", "T1108", "T1149", "T1153", "T1175"});
}

TEST_CASE("version skew limited to other domains") {
  // Only the enterprise bundle is loaded: asked about mobile, no live technique is
  // visible and none of D3FEND's 780 ids is in the domain.
  lookup_options mobile;
  mobile.domains = bit(domain::mobile);
  const auto skew = d3fend_skew(with_d3fend(), mobile);
  CHECK(skew.not_in_d3fend.empty());
  CHECK(skew.revoked.empty());
  CHECK(skew.not_in_attack.size() == 780);
}

TEST_CASE("version skew in the fixture: each kind once") {
  const auto g = load({skew_fixture}, d3fend_file);
  const auto skew = d3fend_skew(g);
  CHECK(ids_of(g, skew.not_in_d3fend) == std::vector<std::string>{"T1667", "T1999"});
  REQUIRE(skew.revoked.size() == 1);
  CHECK(skew.revoked[0].d3fend_attack_id == "T1142");
  REQUIRE(skew.revoked[0].replaced_by != no_node);
  CHECK(g[skew.revoked[0].replaced_by].id == "T1999");
  REQUIRE(skew.deprecated.size() == 1);
  CHECK(skew.deprecated[0].d3fend_attack_id == "T1026");
  // The other 776 of D3FEND's 780 ids (T1562, T1562.001, T1142, T1026 are in the bundle).
  CHECK(skew.not_in_attack.size() == 776);
}
