// mitrekg/graph.hpp: loading bundles into the knowledge graph, lookups, edges, filters,
// the load report; bad input files give one-line mitrekg::errors.
//
// Expected figures come from python3's json module over the shared bundles (see each
// comment), never from this library's own output.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "mitrekg/error.hpp"
#include "mitrekg/graph.hpp"

namespace fs = std::filesystem;
using mitrekg::errc;
using mitrekg::knowledge_graph;
using mitrekg::lookup_options;
using mitrekg::node;
using mitrekg::object_type;
using mitrekg::relation;

namespace {

const fs::path data = MITREKG_TEST_DATA;
const fs::path fixtures = MITREKG_TEST_FIXTURES;
const fs::path enterprise_file = data / "attack" / "enterprise-attack-18.1.json";
const fs::path mobile_file = data / "attack" / "mobile-attack-18.1.json";
const fs::path ics_file = data / "attack" / "ics-attack-18.1.json";

knowledge_graph load(std::vector<fs::path> files) {
  mitrekg::load_options o;
  o.attack_files = std::move(files);
  return knowledge_graph::load(o);
}

// Loaded once per executable.
const knowledge_graph& enterprise() {
  static const knowledge_graph g = load({enterprise_file});
  return g;
}
const knowledge_graph& three_domains() {
  static const knowledge_graph g = load({enterprise_file, mobile_file, ics_file});
  return g;
}

std::optional<mitrekg::error> load_error(std::vector<fs::path> files) {
  try {
    load(std::move(files));
  } catch (const mitrekg::error& e) {
    return e;
  }
  return std::nullopt;
}

std::vector<std::string> ids(const knowledge_graph& g, const std::vector<node>& nodes) {
  std::vector<std::string> out;
  for (node n : nodes) out.emplace_back(g[n].id);
  return out;
}

bool one_line(std::string_view s) { return s.find('\n') == std::string_view::npos; }

lookup_options with_deprecated() {
  lookup_options o;
  o.include_deprecated = true;
  return o;
}
lookup_options with_revoked() {
  lookup_options o;
  o.include_revoked = true;
  return o;
}
lookup_options everything() {
  lookup_options o;
  o.include_revoked = true;
  o.include_deprecated = true;
  return o;
}
lookup_options only(mitrekg::domain d) {
  lookup_options o;
  o.domains = mitrekg::bit(d);
  return o;
}

}  // namespace

// --- loading the real enterprise bundle -------------------------------------------

TEST_CASE("enterprise 18.1 loads cleanly: files, size, report") {
  const auto& g = enterprise();
  // 24,771 objects, 20,048 of them relationships (data/README.md; python len(objects) and
  // count of type == "relationship"): 4,723 vertices.
  CHECK(g.size() == 24771 - 20048);
  REQUIRE(g.files().size() == 1);
  const auto& f = g.files()[0];
  CHECK(f.path == enterprise_file.string());
  CHECK(f.domain == "enterprise");
  CHECK(f.spec_version == "2.0");
  CHECK(f.release == "18.1");
  CHECK(f.objects == 24771);
  CHECK(f.bytes == fs::file_size(enterprise_file));
  // python: no property outside what the reader reads or ignores, no dangling ref
  // (x_mitre_data_source_ref is "" on 7 data components: that is no ref).
  const auto& r = g.report();
  CHECK(r.total() == 0);
  CHECK(r.merged_objects == 0);
  CHECK(r.samples.empty());
}

TEST_CASE("find takes the type: T1113 is a technique and a deprecated mitigation") {
  const auto& g = enterprise();
  // python: attack-pattern T1113 "Screen Capture" (live); course-of-action T1113
  // "Screen Capture Mitigation" (x_mitre_deprecated).
  auto t = g.find(object_type::technique, "T1113");
  REQUIRE(t);
  CHECK(g[*t].name == "Screen Capture");
  CHECK(g[*t].type == object_type::technique);
  CHECK(g[*t].stix_type == "attack-pattern");
  CHECK(g[*t].live());
  CHECK_FALSE(g.find(object_type::mitigation, "T1113"));
  auto m = g.find(object_type::mitigation, "T1113", with_deprecated());
  REQUIRE(m);
  CHECK(g[*m].name == "Screen Capture Mitigation");
  CHECK(g[*m].deprecated);
  CHECK(g[*m].stix_type == "course-of-action");
  CHECK_FALSE(g.find(object_type::group, "T1113", everything()));

  auto live_only = g.find_id("T1113");
  REQUIRE(live_only.size() == 1);
  CHECK(live_only[0] == *t);
  auto both = g.find_id("t1113", with_deprecated());
  REQUIRE(both.size() == 2);
  CHECK(both[0] == *t);   // live first
  CHECK(both[1] == *m);
  CHECK(g.find_id("T9999").empty());
}

TEST_CASE("ids are case-insensitive; the record of T1562.001 matches the bundle") {
  const auto& g = enterprise();
  auto n = g.find(object_type::technique, "t1562.001");
  REQUIRE(n);
  CHECK(g.find(object_type::technique, "T1562.001") == n);
  const auto& t = g[*n];
  // python: the attack-pattern with external_id T1562.001.
  CHECK(t.id == "T1562.001");
  CHECK(t.name == "Disable or Modify Tools");
  CHECK(t.stix_id == "attack-pattern--ac08589e-ee59-4935-8667-d845e38fe579");
  CHECK(t.url == "https://attack.mitre.org/techniques/T1562/001");
  CHECK(t.version == "1.7");
  CHECK(t.modified == "2025-10-24T17:49:13.019Z");
  CHECK(t.is_subtechnique);
  CHECK(t.live());
  CHECK(t.domains == mitrekg::bit(mitrekg::domain::enterprise));
  CHECK(t.description.find("Adversaries may") == 0);
  CHECK(t.platforms == std::vector<std::string_view>{"Containers", "IaaS", "Linux", "macOS", "Network Devices", "Windows"});
  REQUIRE(t.kill_chain_phases.size() == 1);
  CHECK(t.kill_chain_phases[0].kill_chain_name == "mitre-attack");
  CHECK(t.kill_chain_phases[0].phase_name == "defense-evasion");
  CHECK(g.find_stix("attack-pattern--ac08589e-ee59-4935-8667-d845e38fe579") == n);
  CHECK_FALSE(g.find_stix("attack-pattern--00000000-0000-0000-0000-000000000000"));
}

TEST_CASE("names and aliases are found case-insensitively, live first") {
  const auto& g = enterprise();
  auto t = g.find_name("disable or modify tools");
  REQUIRE(t.size() == 1);
  CHECK(g[t[0]].id == "T1562.001");
  // python: G0016 APT29 lists "Cozy Bear" among its aliases; no other object does.
  auto cozy = g.find_name("COZY BEAR");
  REQUIRE(cozy.size() == 1);
  CHECK(g[cozy[0]].id == "G0016");
  CHECK(g.find_name("apt29") == cozy);
  // python: "NOBELIUM" is an alias of G0016 (live) and of G0118 UNC2452 (revoked).
  CHECK(ids(g, g.find_name("nobelium")) == std::vector<std::string>{"G0016"});
  CHECK(ids(g, g.find_name("Nobelium", with_revoked())) == std::vector<std::string>{"G0016", "G0118"});
  CHECK(g.find_name("no such name at all").empty());
  CHECK(g.find_name("").empty());
}

TEST_CASE("edges: a sub-technique's parent link and the revoked-by link into it") {
  const auto& g = enterprise();
  node sub = *g.find(object_type::technique, "T1562.001");
  node parent = *g.find(object_type::technique, "T1562");
  auto out = g.out_edges(sub, relation::subtechnique_of);
  REQUIRE(out.size() == 1);
  CHECK(out[0].source == sub);
  CHECK(out[0].target == parent);
  CHECK(out[0].type == relation::subtechnique_of);
  // python: the subtechnique-of relationship from T1562.001 to T1562.
  CHECK(out[0].stix_id == "relationship--6d8b1f40-48a0-484b-8eea-48195a8bfff2");
  CHECK_FALSE(out[0].revoked);
  // Property links have no relationship id.
  auto tac = g.out_edges(sub, relation::in_tactic);
  REQUIRE(tac.size() == 1);
  CHECK(tac[0].stix_id.empty());
  CHECK(g[tac[0].target].id == "TA0005");

  // python: T1089 (revoked attack-pattern) is the only source of revoked-by into T1562.001.
  auto in = g.in_edges(sub, relation::revoked_by);
  REQUIRE(in.size() == 1);
  CHECK(g[in[0].source].id == "T1089");
  CHECK(g[in[0].source].revoked);
  CHECK(g.sources(sub, relation::revoked_by).empty());   // the revoked source is filtered
  CHECK(ids(g, g.sources(sub, relation::revoked_by, with_revoked())) == std::vector<std::string>{"T1089"});

  // python: 12 subtechnique-of relationships target T1562, all from live sub-techniques.
  auto subs = g.sources(parent, relation::subtechnique_of);
  CHECK(subs.size() == 12);
  CHECK(std::find(subs.begin(), subs.end(), sub) != subs.end());
  CHECK(g.targets(parent, relation::subtechnique_of).empty());
  CHECK(g.out_edges(sub, relation::targets).empty());
}

TEST_CASE("all() counts by kind with the live / revoked / deprecated filters") {
  const auto& g = enterprise();
  // python: 835 attack-patterns: 132 revoked, 12 deprecated, 691 live (216 + 475).
  CHECK(g.all(object_type::technique).size() == 691);
  CHECK(g.all(object_type::technique, with_revoked()).size() == 691 + 132);
  CHECK(g.all(object_type::technique, with_deprecated()).size() == 691 + 12);
  CHECK(g.all(object_type::technique, everything()).size() == 835);
  // python: 268 course-of-action, 44 live; 14 tactics; 1,739 analytics.
  CHECK(g.all(object_type::mitigation).size() == 44);
  CHECK(g.all(object_type::mitigation, everything()).size() == 268);
  CHECK(g.all(object_type::tactic).size() == 14);
  CHECK(g.all(object_type::analytic).size() == 1739);
  CHECK(g.all(object_type::unknown, everything()).empty());
  // Domain filter: nothing of the enterprise bundle's techniques is mobile.
  CHECK(g.all(object_type::technique, only(mitrekg::domain::mobile)).empty());
  // all() is in load order and each node's type matches.
  auto groups = g.all(object_type::group);
  CHECK(std::is_sorted(groups.begin(), groups.end()));
  for (node n : groups) CHECK(g[n].type == object_type::group);
}

TEST_CASE("visible() applies the filter") {
  const auto& g = enterprise();
  node live = *g.find(object_type::technique, "T1113");
  node deprecated = *g.find(object_type::mitigation, "T1113", with_deprecated());
  node revoked = g.find_id("T1089", with_revoked())[0];
  REQUIRE(g[revoked].revoked);
  CHECK(g.visible(live, {}));
  CHECK_FALSE(g.visible(deprecated, {}));
  CHECK(g.visible(deprecated, with_deprecated()));
  CHECK_FALSE(g.visible(revoked, {}));
  CHECK_FALSE(g.visible(revoked, with_deprecated()));
  CHECK(g.visible(revoked, with_revoked()));
  CHECK_FALSE(g.visible(live, only(mitrekg::domain::ics)));
  CHECK(g.visible(live, only(mitrekg::domain::enterprise)));
}

TEST_CASE("type_of is the object's type; out_degree counts one relation's out-edges, unfiltered") {
  const auto& g = enterprise();
  CHECK(g.type_of(*g.find(object_type::technique, "T1113")) == object_type::technique);
  CHECK(g.type_of(*g.find(object_type::mitigation, "T1113", with_deprecated())) == object_type::mitigation);
  CHECK(g.type_of(g.find_id("T1089", with_revoked())[0]) == object_type::technique);
  CHECK(g.is_subtechnique(*g.find(object_type::technique, "T1562.001")));
  CHECK_FALSE(g.is_subtechnique(*g.find(object_type::technique, "T1562")));
  std::size_t analytics = 0, observed = 0;
  for (std::uint32_t i = 0; i < g.size(); ++i) {
    const node n{i};
    REQUIRE(g.type_of(n) == g[n].type);
    REQUIRE(g.is_subtechnique(n) == g[n].is_subtechnique);
    for (relation r : {relation::observes, relation::uses, relation::subtechnique_of, relation::revoked_by})
      REQUIRE(g.out_degree(n, r) == g.out_edges(n, r).size());
    if (g.type_of(n) == object_type::analytic) {
      ++analytics;
      observed += g.out_degree(n, relation::observes);
    }
  }
  // python: 18.1 has 1,739 x-mitre-analytic objects listing 4,126 x_mitre_log_source_references.
  CHECK(analytics == 1739);
  CHECK(observed == 4126);
}

TEST_CASE("relationship_count counts relationship objects by their source's domains") {
  const auto& g = enterprise();
  // python: 20,048 relationships, none revoked or deprecated, none dangling.
  CHECK(g.relationship_count() == 20048);
  CHECK(g.relationship_count(everything()) == 20048);
  // python: sources whose x_mitre_domains include mobile-attack: 802; ics-attack: 1,204.
  CHECK(g.relationship_count(only(mitrekg::domain::mobile)) == 802);
  CHECK(g.relationship_count(only(mitrekg::domain::ics)) == 1204);
}

// --- several bundles ----------------------------------------------------------------

TEST_CASE("enterprise + mobile + ics: shared objects are merged, their domains joined") {
  const auto& g = three_domains();
  REQUIRE(g.files().size() == 3);
  CHECK(g.files()[0].domain == "enterprise");
  CHECK(g.files()[1].domain == "mobile");
  CHECK(g.files()[2].domain == "ics");
  CHECK(g.files()[1].objects == 2535);   // data/README.md
  CHECK(g.files()[2].objects == 1825);
  // python: STIX ids of non-relationship objects already seen in an earlier bundle,
  // loading enterprise, mobile, ics in that order: 119; 5,780 distinct objects.
  CHECK(g.report().merged_objects == 119);
  CHECK(g.size() == 5780);
  CHECK(g.report().total() == 0);

  // python: G0056 PROMETHIUM has x_mitre_domains ["enterprise-attack"] in the enterprise
  // bundle and ["mobile-attack"] in the mobile bundle.
  auto p = g.find_id("G0056");
  REQUIRE(p.size() == 1);
  CHECK(g[p[0]].name == "PROMETHIUM");
  CHECK(g[p[0]].domains == (mitrekg::bit(mitrekg::domain::enterprise) | mitrekg::bit(mitrekg::domain::mobile)));
  CHECK(g.find(object_type::group, "G0056", only(mitrekg::domain::mobile)) == p[0]);
  CHECK(g.find(object_type::group, "G0056", only(mitrekg::domain::enterprise)) == p[0]);
  CHECK_FALSE(g.find(object_type::group, "G0056", only(mitrekg::domain::ics)));
  // python: G0057 APT34 (revoked) is ["enterprise-attack"] in one, ["ics-attack"] in the other.
  auto apt34 = g.find_id("G0057", with_revoked());
  REQUIRE(apt34.size() == 1);
  CHECK(g[apt34[0]].domains == (mitrekg::bit(mitrekg::domain::enterprise) | mitrekg::bit(mitrekg::domain::ics)));

  // python: malware S0605 EKANS is in both the enterprise and the ics bundle: one node.
  auto ekans = g.find_id("S0605");
  REQUIRE(ekans.size() == 1);
  CHECK(g[ekans[0]].name == "EKANS");
  CHECK(g[ekans[0]].domains == (mitrekg::bit(mitrekg::domain::enterprise) | mitrekg::bit(mitrekg::domain::ics)));
  // python: DC0032 Process Creation is shared by all three bundles.
  auto dc = g.find_id("DC0032");
  REQUIRE(dc.size() == 1);
  CHECK(g[dc[0]].domains == mitrekg::all_domains);
}

TEST_CASE("enterprise + mobile + ics: counts per domain") {
  const auto& g = three_domains();
  // python: live attack-patterns: enterprise 691, mobile 124, ics 83 (no attack-pattern is shared).
  CHECK(g.all(object_type::technique, only(mitrekg::domain::enterprise)).size() == 691);
  CHECK(g.all(object_type::technique, only(mitrekg::domain::mobile)).size() == 124);
  CHECK(g.all(object_type::technique, only(mitrekg::domain::ics)).size() == 83);
  CHECK(g.all(object_type::technique).size() == 691 + 124 + 83);
  // python: live tactics 14 + 12 + 12, none shared.
  CHECK(g.all(object_type::tactic).size() == 38);
  // python: relationships 20,048 + 1,811 + 1,373 minus 24 shared by enterprise and ics
  // and 3 shared by enterprise and mobile (one node per STIX id).
  CHECK(g.relationship_count() == 20048 + 1811 + 1373 - 24 - 3);
}

TEST_CASE("the same bundle twice: every object merged once, relationships not doubled") {
  auto g = load({mobile_file, mobile_file});
  // python: the mobile bundle has 2,535 objects, 1,811 of them relationships.
  CHECK(g.size() == 2535 - 1811);
  CHECK(g.report().merged_objects == 2535 - 1811);
  CHECK(g.relationship_count() == 1811);
  CHECK(g.files().size() == 2);
}

TEST_CASE("merging: the newest modified wins, in either load order; domains are joined") {
  // Fixtures: intrusion-set--m is "Old Name" (2020, enterprise) in merge-old-1.0.json and
  // "New Name" (2024, mobile) in merge-new-1.5.json; both state relationship--m.
  for (bool old_first : {true, false}) {
    CAPTURE(old_first);
    auto g = old_first ? load({fixtures / "merge-old-1.0.json", fixtures / "merge-new-1.5.json"})
                       : load({fixtures / "merge-new-1.5.json", fixtures / "merge-old-1.0.json"});
    CHECK(g.report().merged_objects == 1);
    CHECK(g.report().total() == 0);
    auto n = g.find_id("G9100");
    REQUIRE(n.size() == 1);
    CHECK(g[n[0]].name == "New Name");
    CHECK(g[n[0]].modified == "2024-01-01T00:00:00.000Z");
    CHECK(g[n[0]].domains == (mitrekg::bit(mitrekg::domain::enterprise) | mitrekg::bit(mitrekg::domain::mobile)));
    CHECK(g.find_name("new alias") == n);
    CHECK(g.find_name("old name").empty());
    CHECK(g.find_name("old alias").empty());
    node t = *g.find(object_type::technique, "T9100");
    CHECK(g.targets(n[0], relation::uses) == std::vector<node>{t});   // once, not twice
    CHECK(g.relationship_count() == 1);
    // Release: the collection's x_mitre_version, else the file name's.
    REQUIRE(g.files().size() == 2);
    const auto& newer = old_first ? g.files()[1] : g.files()[0];
    const auto& older = old_first ? g.files()[0] : g.files()[1];
    CHECK(newer.release == "2.0");
    CHECK(older.release == "1.0");
  }
}

TEST_CASE("a moved-from graph's contents live on in the moved-to one") {
  auto a = load({fixtures / "stix21-bundle.json"});
  auto n = a.find(object_type::technique, "T1059");
  REQUIRE(n);
  std::string_view name = a[*n].name;
  knowledge_graph b = std::move(a);
  CHECK(b[*n].name == "Command and Scripting Interpreter");
  CHECK(b[*n].name.data() == name.data());   // views stay valid: nothing was copied
  knowledge_graph c = load({fixtures / "cycle.json"});
  c = std::move(b);
  CHECK(c.find(object_type::technique, "T1059") == n);
}

// --- fixtures: warnings that do not stop loading ------------------------------------

TEST_CASE("a STIX 2.1 bundle loads") {
  auto g = load({fixtures / "stix21-bundle.json"});
  REQUIRE(g.files().size() == 1);
  CHECK(g.files()[0].spec_version.empty());
  CHECK(g.files()[0].domain == "enterprise");
  CHECK(g.files()[0].objects == 5);
  CHECK(g.files()[0].release.empty());   // no collection, no release in the file name
  CHECK(g.report().total() == 0);
  CHECK(g.size() == 4);
  node grp = *g.find(object_type::group, "G9021");
  node tech = *g.find(object_type::technique, "T1059");
  CHECK(g.targets(grp, relation::uses) == std::vector<node>{tech});
  CHECK(g.find_name("small bear") == std::vector<node>{grp});
  auto uses = g.out_edges(grp, relation::uses);
  REQUIRE(uses.size() == 1);
  CHECK(uses[0].stix_id == "relationship--21");
  CHECK(g.relationship_count() == 1);
}

TEST_CASE("wrong types, unknown types and properties, dangling refs are counted, not fatal") {
  auto g = load({fixtures / "warnings.json"});
  const auto& r = g.report();
  CHECK(r.malformed_objects == 1);      // malware with "name": 5
  CHECK(r.unknown_types == 1);          // x-acme-widget
  CHECK(r.unknown_properties == 1);     // x_acme_color
  CHECK(r.dangling_references == 1);    // uses -> attack-pattern--missing
  CHECK(r.subtechnique_cycles == 0);
  CHECK(r.total() == 4);
  REQUIRE(r.samples.size() == 4);
  for (const auto& s : r.samples) {
    CAPTURE(s);
    CHECK(one_line(s));
    CHECK(s.find("warnings.json") != std::string::npos);
  }
  // The bad malware is gone; everything else is there.
  CHECK(g.find_id("S9001", everything()).empty());
  CHECK_FALSE(g.find_stix("malware--wrong-name"));
  auto widget = g.find_stix("x-acme-widget--w");
  REQUIRE(widget);
  CHECK(g[*widget].type == object_type::unknown);
  CHECK(g[*widget].stix_type == "x-acme-widget");
  node grp = *g.find(object_type::group, "G9001");
  node parent = *g.find(object_type::technique, "T9001");
  node child = *g.find(object_type::technique, "T9001.001");
  CHECK(g.targets(grp, relation::uses) == std::vector<node>{parent});
  CHECK(g.targets(child, relation::subtechnique_of) == std::vector<node>{parent});
  CHECK(g.find_name("noisy panda") == std::vector<node>{grp});
  CHECK(g.size() == 6);   // matrix, tactic, two techniques, widget, group
  CHECK(g.relationship_count() == 2);
}

TEST_CASE("a subtechnique-of cycle is broken, counted, and loading ends") {
  auto g = load({fixtures / "cycle.json"});
  // a -> b -> c, then c -> a closes the cycle and a -> a is a self-loop: both dropped.
  CHECK(g.report().subtechnique_cycles == 2);
  node a = *g.find(object_type::technique, "T9100");
  node b = *g.find(object_type::technique, "T9101");
  node c = *g.find(object_type::technique, "T9102");
  CHECK(g.targets(a, relation::subtechnique_of) == std::vector<node>{b});
  CHECK(g.targets(b, relation::subtechnique_of) == std::vector<node>{c});
  CHECK(g.targets(c, relation::subtechnique_of).empty());
  // T9200 is stated as a sub-technique of T9200.001: the dotted id must not add the
  // reverse link, which would make another cycle.
  node p = *g.find(object_type::technique, "T9200");
  node q = *g.find(object_type::technique, "T9200.001");
  CHECK(g.targets(p, relation::subtechnique_of) == std::vector<node>{q});
  CHECK(g.targets(q, relation::subtechnique_of).empty());
  CHECK(g.relationship_count() == 3);
  bool named = false;
  for (const auto& s : g.report().samples) named |= s.find("cycle") != std::string::npos;
  CHECK(named);
}

// --- fixtures: errors that stop loading ---------------------------------------------

TEST_CASE("no files: no_data") {
  auto e = load_error({});
  REQUIRE(e);
  CHECK(e->code() == errc::no_data);
  CHECK(one_line(e->what()));
}

TEST_CASE("bad files stop loading with the right code and a one-line message naming the file") {
  struct bad_case {
    const char* file;
    errc code;
    bool positioned;   // "line N, column M" in the message (a string left open too: its opening quote)
  };
  for (bad_case c : {bad_case{"no-such-file.json", errc::not_found, false},
                     bad_case{"empty.json", errc::not_json, false},
                     bad_case{"truncated.json", errc::not_json, true},
                     bad_case{"not-json.txt", errc::not_json, true},
                     bad_case{"array.json", errc::not_a_bundle, true},
                     bad_case{"not-a-bundle.json", errc::not_a_bundle, false},
                     bad_case{"objects-not-array.json", errc::not_a_bundle, true},
                     bad_case{"trailing-garbage.json", errc::not_json, true}}) {
    std::string file = c.file;
    CAPTURE(file);
    fs::path path = fixtures / c.file;
    auto e = load_error({path});
    REQUIRE(e);
    CHECK(e->code() == c.code);
    CHECK(e->file() == path.string());
    std::string what = e->what();
    CHECK(one_line(what));
    CHECK(what.find(path.string()) == 0);
    CHECK((what.find(": line ") != std::string::npos) == c.positioned);
    CHECK((what.find(", column ") != std::string::npos) == c.positioned);
  }
}

TEST_CASE("exact positions of the fixture errors") {
  // objects-not-array.json: `  "objects": {` on line 4, the value at column 14.
  auto o = load_error({fixtures / "objects-not-array.json"});
  REQUIRE(o);
  CHECK(o->position() == "line 4, column 14");
  // trailing-garbage.json: the bundle closes on line 1; a stray "}" opens line 2.
  auto t = load_error({fixtures / "trailing-garbage.json"});
  REQUIRE(t);
  CHECK(t->position() == "line 2, column 1");
}

TEST_CASE("a directory is an io_error") {
  auto e = load_error({fixtures});
  REQUIRE(e);
  CHECK(e->code() == errc::io_error);
  CHECK(std::string_view(e->what()).find(fixtures.string()) == 0);
}

TEST_CASE("one bad file among good ones stops the whole load") {
  auto e = load_error({fixtures / "stix21-bundle.json", fixtures / "truncated.json"});
  REQUIRE(e);
  CHECK(e->code() == errc::not_json);
  CHECK(e->file() == (fixtures / "truncated.json").string());
}

// --- hardening (issue #8): hostile bundles written to a temporary folder --------------------

namespace {

// A folder of small bundles written by the test, removed at the end.
struct temp_bundles {
  inline static int count = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("mitrekg-graph-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
  temp_bundles() { fs::create_directories(dir); }
  ~temp_bundles() { fs::remove_all(dir); }
  fs::path write(const std::string& name, const std::vector<std::string>& objects) {
    fs::path p = dir / name;
    std::ofstream out(p);
    out << R"({"type": "bundle", "id": "bundle--t", "objects": [)";
    for (std::size_t i = 0; i < objects.size(); ++i) out << (i ? ",\n" : "\n") << objects[i];
    out << "]}\n";
    return p;
  }
};

std::string stix_of(int i) { return "attack-pattern--" + std::to_string(i); }

std::string technique_json(int i, const std::string& id, bool sub) {
  return R"({"type": "attack-pattern", "id": ")" + stix_of(i) + R"(", "name": "Technique )" + id +
         R"(", "x_mitre_is_subtechnique": )" + (sub ? "true" : "false") +
         R"(, "external_references": [{"source_name": "mitre-attack", "external_id": ")" + id + R"("}]})";
}

std::string parent_json(int rel, int child, int parent) {
  return R"({"type": "relationship", "id": "relationship--)" + std::to_string(rel) +
         R"(", "relationship_type": "subtechnique-of", "source_ref": ")" + stix_of(child) + R"(", "target_ref": ")" +
         stix_of(parent) + R"("})";
}

// T0 <- TX1 <- ... <- TXn, the links root first (each one extends the bottom) or bottom first.
std::vector<std::string> chain(int n, bool root_first) {
  std::vector<std::string> objects{technique_json(0, "T0", false)};
  for (int i = 1; i <= n; ++i) objects.push_back(technique_json(i, "TX" + std::to_string(i), true));
  for (int k = 1; k <= n; ++k) {
    int i = root_first ? k : n + 1 - k;
    objects.push_back(parent_json(i, i, i - 1));
  }
  return objects;
}

std::optional<std::string> parent_id(const knowledge_graph& g, const std::string& id) {
  auto n = g.find(object_type::technique, id);
  REQUIRE(n);
  auto p = g.targets(*n, relation::subtechnique_of);
  REQUIRE(p.size() <= 1);
  if (p.empty()) return std::nullopt;
  return std::string(g[p[0]].id);
}

}  // namespace

TEST_CASE("a long subtechnique-of chain loads in either order, cut every max_subtechnique_depth levels") {
  // 2,000 links: level k of the chain is TXk; with the cut every 17th link is dropped
  // (TX17 -> TX16, TX34 -> TX33, ...), so 2000 / 17 = 117 are dropped, whatever the order.
  static_assert(mitrekg::max_subtechnique_depth == 16);
  temp_bundles t;
  for (bool root_first : {true, false}) {
    CAPTURE(root_first);
    auto g = load({t.write("chain.json", chain(2000, root_first))});
    CHECK(g.size() == 2001);
    CHECK(g.report().deep_subtechniques == 2000 / 17);
    CHECK(g.report().total() == 2000 / 17);
    CHECK(g.report().subtechnique_cycles == 0);
    CHECK(g.relationship_count() == 2000 - 2000 / 17);
    CHECK(parent_id(g, "TX1") == "T0");
    CHECK(parent_id(g, "TX16") == "TX15");
    CHECK(parent_id(g, "TX17") == std::nullopt);   // would be level 17
    CHECK(parent_id(g, "TX18") == "TX17");
    CHECK(parent_id(g, "TX2000") == "TX1999");
    // A dropped link leaves a sub-technique without a parent: listed as a technique,
    // counted once (as the dropped link, not again as an orphan).
    CHECK(g.report().orphan_subtechniques == 0);
    CHECK_FALSE(g[*g.find(object_type::technique, "TX17")].is_subtechnique);
    CHECK(g[*g.find(object_type::technique, "TX18")].is_subtechnique);
  }
}

TEST_CASE("a technique has one parent: a second subtechnique-of is dropped and counted") {
  temp_bundles t;
  auto g = load({t.write("two-parents.json", {technique_json(1, "T0001", false), technique_json(2, "T0002", false),
                                              technique_json(3, "T0001.001", true), parent_json(1, 3, 1),
                                              parent_json(2, 3, 2)})});
  CHECK(g.report().extra_parents == 1);
  CHECK(g.report().total() == 1);
  CHECK(parent_id(g, "T0001.001") == "T0001");
  CHECK(g.relationship_count() == 1);
  REQUIRE(g.report().samples.size() == 1);
  CHECK(g.report().samples[0].find("relationship--2 gives T0001.001 a second parent (T0002, after T0001)") !=
        std::string::npos);
}

TEST_CASE("a cycle in a longer chain is found, whatever the order") {
  // T1 <- T2 <- T3 <- T1: the last link given closes the cycle and is dropped.
  temp_bundles t;
  auto g = load({t.write("cycle3.json", {technique_json(1, "T0001", true), technique_json(2, "T0002", true),
                                         technique_json(3, "T0003", true), parent_json(1, 2, 1), parent_json(2, 3, 2),
                                         parent_json(3, 1, 3)})});
  CHECK(g.report().subtechnique_cycles == 1);
  CHECK(g.report().total() == 1);   // T0001 left without a parent is not counted again
  CHECK(parent_id(g, "T0001") == std::nullopt);
  CHECK(parent_id(g, "T0003") == "T0002");
  CHECK_FALSE(g[*g.find(object_type::technique, "T0001")].is_subtechnique);
}

TEST_CASE("a sub-technique without a parent is listed as a technique, counted") {
  // x_mitre_is_subtechnique with neither a subtechnique-of relationship nor a dotted id whose
  // parent exists: it used to vanish from the matrix and from techniques without sub-techniques.
  temp_bundles t;
  auto g = load({t.write("orphan.json", {technique_json(1, "T0001", false), technique_json(2, "T0002", true),
                                         technique_json(3, "T0001.001", true), technique_json(4, "T0009.001", true)})});
  CHECK(g.report().orphan_subtechniques == 2);   // T0002, T0009.001 (T0009 is missing)
  CHECK(g.report().total() == 2);
  CHECK_FALSE(g[*g.find(object_type::technique, "T0002")].is_subtechnique);
  CHECK_FALSE(g[*g.find(object_type::technique, "T0009.001")].is_subtechnique);
  // T0001.001 has its parent from its id: still a sub-technique.
  CHECK(g[*g.find(object_type::technique, "T0001.001")].is_subtechnique);
  CHECK(parent_id(g, "T0001.001") == "T0001");
  bool named = false;
  for (const auto& m : g.report().samples) named |= m.find("sub-technique T0002 (Technique T0002) has no parent") != std::string::npos;
  CHECK(named);
}

TEST_CASE("the real bundles have no orphan sub-technique, extra parent, duplicate id or deep chain") {
  // python: every attack-pattern with x_mitre_is_subtechnique has a subtechnique-of
  // relationship or a dotted id whose parent exists; no source has two; ids are unique per type.
  const auto& r = three_domains().report();
  CHECK(r.orphan_subtechniques == 0);
  CHECK(r.extra_parents == 0);
  CHECK(r.duplicate_ids == 0);
  CHECK(r.deep_subtechniques == 0);
}

TEST_CASE("one STIX id, two types: the first object is kept, the other skipped and counted") {
  temp_bundles t;
  const std::string impostor =
      R"({"type": "intrusion-set", "id": "attack-pattern--1", "name": "Impostor", "modified": "2030-01-01T00:00:00.000Z",
          "external_references": [{"source_name": "mitre-attack", "external_id": "G9999"}]})";
  for (bool across_files : {false, true}) {
    CAPTURE(across_files);
    auto g = across_files ? load({t.write("a.json", {technique_json(1, "T0001", false)}), t.write("b.json", {impostor})})
                          : load({t.write("a.json", {technique_json(1, "T0001", false), impostor})});
    CHECK(g.report().duplicate_ids == 1);
    CHECK(g.report().total() == 1);
    CHECK(g.report().merged_objects == 0);
    auto n = g.find_stix("attack-pattern--1");
    REQUIRE(n);
    CHECK(g[*n].type == object_type::technique);
    CHECK(g[*n].name == "Technique T0001");
    CHECK(g.find_id("G9999").empty());
    CHECK(g.size() == 1);
    REQUIRE(g.report().samples.size() == 1);
    CHECK(g.report().samples[0].find("intrusion-set G9999 has the STIX id of an earlier attack-pattern T0001") !=
          std::string::npos);
  }
}

TEST_CASE("a relationship naming a STIX id two objects share links to the object kept") {
  // The reader resolves a reference to an earlier object of the same file by its
  // position; the skipped impostor's position must lead to the kept technique.
  temp_bundles t;
  const std::string impostor = R"({"type": "intrusion-set", "id": "attack-pattern--1", "name": "Impostor"})";
  const std::string group =
      R"({"type": "intrusion-set", "id": "intrusion-set--7", "name": "Group Seven",
          "external_references": [{"source_name": "mitre-attack", "external_id": "G0007"}]})";
  const std::string uses =
      R"({"type": "relationship", "id": "relationship--1", "relationship_type": "uses",
          "source_ref": "intrusion-set--7", "target_ref": "attack-pattern--1"})";
  for (bool across_files : {false, true}) {
    CAPTURE(across_files);
    auto g = across_files
                 ? load({t.write("a.json", {technique_json(1, "T0001", false)}), t.write("b.json", {impostor, group, uses})})
                 : load({t.write("a.json", {impostor, technique_json(1, "T0001", false), group, uses})});
    auto seven = g.find(object_type::group, "G0007");
    REQUIRE(seven);
    const auto used = g.targets(*seven, relation::uses);
    REQUIRE(used.size() == 1);
    // In one file the impostor comes first and is the one kept.
    if (across_files) CHECK(g[used[0]].id == "T0001");
    else CHECK(g[used[0]].name == "Impostor");
    CHECK(g.report().duplicate_ids == 1);
    CHECK(g.report().dangling_references == 0);
  }
}

TEST_CASE("two releases of one domain are refused, naming both files") {
  // enterprise 17.1 then 18.1: links 18.1 removed would still answer if they were mixed.
  const fs::path old_file = data / "attack" / "enterprise-attack-17.1.json";
  auto e = load_error({old_file, enterprise_file});
  REQUIRE(e);
  CHECK(e->code() == errc::bad_value);
  CHECK(one_line(e->what()));
  CHECK(e->what() == enterprise_file.string() + ": ATT&CK enterprise release 18.1, but " + old_file.string() +
                         " is release 17.1: load one release per domain");
  // Other domains beside it, or the same release twice, still load (see the merging cases above).
  CHECK_FALSE(load_error({old_file, mobile_file}));
}

TEST_CASE("objects sharing a name come in ATT&CK id order, then load order, whatever the ids' length") {
  // Ids that agree on their first 16 bytes and differ after, one that is a
  // prefix of another, equal ids (load order decides), an empty id, and ids
  // that differ only in case: find_name lists them as a sort on the ids would.
  const std::vector<std::string> ids = {"X-AAAAAAAAAAAAAA-2", "X-AAAAAAAAAAAAAA-10", "X-AAAAAAAAAAAAAA", "B",
                                        "X-AAAAAAAAAAAAAA-1", "b",  "B", "", "X-AAAAAAAAAAAAA", "A0", "A"};
  std::vector<std::string> objects;
  for (std::size_t i = 0; i < ids.size(); ++i)
    objects.push_back(R"({"type": "intrusion-set", "id": "intrusion-set--)" + std::to_string(i) +
                      R"(", "name": "Same Name", "external_references": [{"source_name": "mitre-attack", "external_id": ")" +
                      ids[i] + R"("}]})");
  temp_bundles t;
  auto g = load({t.write("names.json", objects)});
  const auto found = g.find_name("same name");
  REQUIRE(found.size() == ids.size());
  // Expected: the ids sorted as text (std::stable_sort keeps load order among equal ones).
  std::vector<std::size_t> order(ids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
  std::vector<std::string> want, got;
  for (std::size_t i : order) want.push_back("intrusion-set--" + std::to_string(i));
  for (node n : found) got.push_back(std::string(g[n].stix_id));
  CHECK(got == want);
  // The two "B" keep their load order (3 before 6), and "" comes first.
  CHECK(got.front() == "intrusion-set--7");
}
