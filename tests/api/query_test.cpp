// mitrekg/query.hpp: the questions users ask, answered on the real ATT&CK bundles.
//
// Every expected figure and list was computed independently with python3's json module
// over the shared bundles (the comments say how), never copied from this library.
// "live" below means: not revoked and not x_mitre_deprecated.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "mitrekg/graph.hpp"
#include "mitrekg/query.hpp"

namespace fs = std::filesystem;
using mitrekg::domain;
using mitrekg::knowledge_graph;
using mitrekg::lookup_options;
using mitrekg::no_node;
using mitrekg::node;
using mitrekg::object_type;
using strings = std::vector<std::string>;

namespace {

const fs::path data = MITREKG_TEST_DATA;
const fs::path fixtures = MITREKG_TEST_FIXTURES;

knowledge_graph load(std::vector<fs::path> files) {
  mitrekg::load_options o;
  o.attack_files = std::move(files);
  return knowledge_graph::load(o);
}

// Each graph is loaded once per executable.
const knowledge_graph& enterprise() {
  static const knowledge_graph g = load({data / "attack" / "enterprise-attack-18.1.json"});
  return g;
}
const knowledge_graph& enterprise17() {
  static const knowledge_graph g = load({data / "attack" / "enterprise-attack-17.1.json"});
  return g;
}
const knowledge_graph& three_domains() {
  static const knowledge_graph g = load({data / "attack" / "enterprise-attack-18.1.json",
                                         data / "attack" / "mobile-attack-18.1.json",
                                         data / "attack" / "ics-attack-18.1.json"});
  return g;
}

strings ids(const knowledge_graph& g, const std::vector<node>& nodes) {
  strings out;
  for (node n : nodes) out.emplace_back(g[n].id);
  return out;
}

node technique(const knowledge_graph& g, std::string_view id) {
  auto n = g.find(object_type::technique, id);
  REQUIRE_MESSAGE(n, "no technique " << id);
  return *n;
}

node object(const knowledge_graph& g, object_type type, std::string_view id) {
  auto n = g.find(type, id);
  REQUIRE_MESSAGE(n, "no " << mitrekg::to_string(type) << " " << id);
  return *n;
}

lookup_options only(domain d) {
  lookup_options o;
  o.domains = mitrekg::bit(d);
  return o;
}
lookup_options with_deprecated() {
  lookup_options o;
  o.include_deprecated = true;
  return o;
}

// python: the enterprise matrix's tactic_refs, in order.
const strings enterprise_tactics = {"TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005",
                                    "TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040"};
// python: tactic_refs of the live mobile matrix (the other mobile matrix is deprecated).
const strings mobile_tactics = {"TA0027", "TA0041", "TA0028", "TA0029", "TA0030", "TA0031",
                                "TA0032", "TA0033", "TA0035", "TA0037", "TA0036", "TA0034"};
// python: the ics matrix's tactic_refs.
const strings ics_tactics = {"TA0108", "TA0104", "TA0110", "TA0111", "TA0103", "TA0102",
                             "TA0109", "TA0100", "TA0101", "TA0107", "TA0106", "TA0105"};

}  // namespace

// --- resolve ------------------------------------------------------------------------

TEST_CASE("resolve: ids and names, case-insensitive") {
  const auto& g = enterprise();
  node t = technique(g, "T1562.001");
  auto r = mitrekg::resolve(g, "t1562.001");
  CHECK(r.matches == std::vector<node>{t});
  CHECK(r.revoked.empty());
  CHECK_FALSE(r.replaced_by);
  CHECK(mitrekg::resolve(g, "disable or modify tools").matches == std::vector<node>{t});
  CHECK(mitrekg::resolve(g, "DISABLE OR MODIFY TOOLS").matches == std::vector<node>{t});
  CHECK(mitrekg::resolve(g, "attack-pattern--ac08589e-ee59-4935-8667-d845e38fe579").matches == std::vector<node>{t});
  // python: "Cozy Bear" is an alias of G0016 APT29 only.
  CHECK(ids(g, mitrekg::resolve(g, "cozy bear").matches) == strings{"G0016"});
  auto none = mitrekg::resolve(g, "no such thing");
  CHECK(none.matches.empty());
  CHECK(none.revoked.empty());
  CHECK_FALSE(none.replaced_by);
}

TEST_CASE("resolve: T1113 is the technique; the deprecated mitigation only when asked") {
  const auto& g = enterprise();
  auto r = mitrekg::resolve(g, "T1113");
  REQUIRE(r.matches.size() == 1);
  CHECK(g[r.matches[0]].name == "Screen Capture");
  CHECK(r.revoked.empty());   // deprecated is not revoked
  auto d = mitrekg::resolve(g, "T1113", with_deprecated());
  REQUIRE(d.matches.size() == 2);
  CHECK(g[d.matches[0]].type == object_type::technique);   // live first
  CHECK(g[d.matches[1]].type == object_type::mitigation);
  CHECK(g[d.matches[1]].name == "Screen Capture Mitigation");
}

TEST_CASE("resolve: a revoked technique gives what replaced it") {
  const auto& g = enterprise();
  // python: attack-pattern T1089 "Disabling Security Tools" is revoked, revoked-by T1562.001
  // (the course-of-action T1089 is deprecated, not revoked).
  auto r = mitrekg::resolve(g, "T1089");
  CHECK(r.matches.empty());
  REQUIRE(r.revoked.size() == 1);
  CHECK(g[r.revoked[0]].name == "Disabling Security Tools");
  CHECK(g[r.revoked[0]].type == object_type::technique);
  REQUIRE(r.replaced_by);
  CHECK(g[*r.replaced_by].id == "T1562.001");
  CHECK(mitrekg::resolve(g, "disabling security tools").replaced_by == r.replaced_by);
  CHECK(mitrekg::replacement(g, r.revoked[0]) == r.replaced_by);
  CHECK_FALSE(mitrekg::replacement(g, technique(g, "T1562.001")));
  // python: revoked-by chains: T1150 -> T1547.011 (itself revoked) -> T1647.
  auto chain = mitrekg::resolve(g, "T1150");
  REQUIRE(chain.replaced_by);
  CHECK(g[*chain.replaced_by].id == "T1647");
  auto middle = mitrekg::resolve(g, "T1547.011");
  REQUIRE(middle.replaced_by);
  CHECK(g[*middle.replaced_by].id == "T1647");
}

// --- tactics --------------------------------------------------------------------------

TEST_CASE("tactics: enterprise in matrix order, TA0043 first and TA0040 last") {
  const auto& g = enterprise();
  auto t = mitrekg::tactics(g);
  CHECK(ids(g, t) == enterprise_tactics);
  REQUIRE(t.size() == 14);
  CHECK(g[t.front()].shortname == "reconnaissance");
  CHECK(g[t.back()].name == "Impact");
  CHECK(mitrekg::tactics(g, only(domain::mobile)).empty());
}

TEST_CASE("tactics: three domains, each in its matrix's order") {
  const auto& g = three_domains();
  strings all = enterprise_tactics;
  all.insert(all.end(), mobile_tactics.begin(), mobile_tactics.end());
  all.insert(all.end(), ics_tactics.begin(), ics_tactics.end());
  CHECK(ids(g, mitrekg::tactics(g)) == all);
  CHECK(ids(g, mitrekg::tactics(g, only(domain::mobile))) == mobile_tactics);
  CHECK(ids(g, mitrekg::tactics(g, only(domain::ics))) == ics_tactics);
  // python: the deprecated mobile matrix (first in the file) lists TA0038 and TA0039,
  // both deprecated, before the live matrix's tactics.
  strings with_old = {"TA0038", "TA0039"};
  with_old.insert(with_old.end(), mobile_tactics.begin(), mobile_tactics.end());
  auto o = only(domain::mobile);
  o.include_deprecated = true;
  CHECK(ids(g, mitrekg::tactics(g, o)) == with_old);
}

TEST_CASE("find_tactic: shared shortnames resolve per domain") {
  const auto& g = three_domains();
  // python: x_mitre_shortname defense-evasion is TA0005 (enterprise) and TA0030 (mobile);
  // ics calls its tactic "evasion" (TA0103).
  CHECK(ids(g, mitrekg::find_tactic(g, "defense-evasion")) == strings{"TA0005", "TA0030"});
  CHECK(ids(g, mitrekg::find_tactic(g, "defense-evasion", only(domain::mobile))) == strings{"TA0030"});
  CHECK(ids(g, mitrekg::find_tactic(g, "Defense-Evasion", only(domain::enterprise))) == strings{"TA0005"});
  CHECK(mitrekg::find_tactic(g, "defense-evasion", only(domain::ics)).empty());
  CHECK(ids(g, mitrekg::find_tactic(g, "evasion")) == strings{"TA0103"});
  CHECK(ids(g, mitrekg::find_tactic(g, "ta0005")) == strings{"TA0005"});
  CHECK(ids(g, mitrekg::find_tactic(g, "Defense Evasion")) == strings{"TA0005", "TA0030"});
  CHECK(mitrekg::find_tactic(g, "no-such-tactic").empty());
}

TEST_CASE("techniques link to their own domain's tactic") {
  const auto& g = three_domains();
  node ta0005 = object(g, object_type::tactic, "TA0005");
  node ta0030 = object(g, object_type::tactic, "TA0030");
  // python: mobile T1406 "Obfuscated Files or Information" has kill chain
  // mitre-mobile-attack:defense-evasion; enterprise T1562.001 mitre-attack:defense-evasion.
  CHECK(mitrekg::tactics_of(g, technique(g, "T1406")) == std::vector<node>{ta0030});
  CHECK(mitrekg::tactics_of(g, technique(g, "T1562.001")) == std::vector<node>{ta0005});
  // python: live attack-patterns with phase defense-evasion: 215 in enterprise, 33 in mobile.
  mitrekg::technique_filter f;
  f.tactics = {ta0030};
  auto mobile = mitrekg::techniques(g, f);
  CHECK(mobile.size() == 33);
  for (node n : mobile) CHECK(g[n].domains == mitrekg::bit(domain::mobile));
  f.tactics = {ta0005};
  CHECK(mitrekg::techniques(g, f).size() == 215);
  f.tactics = {ta0005, ta0030};
  CHECK(mitrekg::techniques(g, f).size() == 215 + 33);
}

// --- techniques and the hierarchy -------------------------------------------------------

TEST_CASE("techniques: filter by tactic, platform and sub-techniques; sorted by id") {
  const auto& g = enterprise();
  mitrekg::technique_filter all;
  auto every = mitrekg::techniques(g, all);
  // python: 216 techniques + 475 sub-techniques live in 18.1 (data/README.md).
  CHECK(every.size() == 216 + 475);
  CHECK(std::is_sorted(every.begin(), every.end(), [&](node a, node b) { return g[a].id < g[b].id; }));
  mitrekg::technique_filter top;
  top.subtechniques = false;
  auto tops = mitrekg::techniques(g, top);
  CHECK(tops.size() == 216);
  for (node n : tops) CHECK_FALSE(g[n].is_subtechnique);

  node ta0005 = object(g, object_type::tactic, "TA0005");
  mitrekg::technique_filter de;
  de.tactics = {ta0005};
  // python: live attack-patterns with phase defense-evasion: 215, 47 of them not sub-techniques.
  CHECK(mitrekg::techniques(g, de).size() == 215);
  de.subtechniques = false;
  CHECK(mitrekg::techniques(g, de).size() == 47);
  // python: ... of those with "Linux" in x_mitre_platforms: 101, 26 not sub-techniques.
  de.platform = "linux";
  CHECK(mitrekg::techniques(g, de).size() == 26);
  de.subtechniques = true;
  CHECK(mitrekg::techniques(g, de).size() == 101);
  // python: with "Containers": exactly these.
  de.platform = "Containers";
  CHECK(ids(g, mitrekg::techniques(g, de)) ==
        strings{"T1036", "T1036.005", "T1036.010", "T1070", "T1078", "T1078.001", "T1078.003", "T1550",
                "T1550.001", "T1562", "T1562.001", "T1610", "T1612"});
  // python: 354 live attack-patterns name Linux, 152 of them not sub-techniques.
  mitrekg::technique_filter linux;
  linux.platform = "Linux";
  CHECK(mitrekg::techniques(g, linux).size() == 354);
  linux.subtechniques = false;
  CHECK(mitrekg::techniques(g, linux).size() == 152);
  linux.platform = "Plan 9";
  CHECK(mitrekg::techniques(g, linux).empty());
}

TEST_CASE("hierarchy: T1562.001's parent is T1562, its tactic TA0005 Defense Evasion") {
  const auto& g = enterprise();
  node sub = technique(g, "T1562.001");
  auto p = mitrekg::parent(g, sub);
  REQUIRE(p);
  CHECK(g[*p].id == "T1562");
  CHECK(g[*p].name == "Impair Defenses");
  CHECK_FALSE(mitrekg::parent(g, *p));
  auto tac = mitrekg::tactics_of(g, sub);
  REQUIRE(tac.size() == 1);
  CHECK(g[tac[0]].id == "TA0005");
  CHECK(g[tac[0]].name == "Defense Evasion");
  // python: the live sources of subtechnique-of relationships into T1562 (T1562.005 is gone).
  CHECK(ids(g, mitrekg::subtechniques(g, *p)) ==
        strings{"T1562.001", "T1562.002", "T1562.003", "T1562.004", "T1562.006", "T1562.007", "T1562.008",
                "T1562.009", "T1562.010", "T1562.011", "T1562.012", "T1562.013"});
  CHECK(mitrekg::subtechniques(g, sub).empty());
  // python: T1078 Valid Accounts has four kill chain phases.
  auto valid = mitrekg::tactics_of(g, technique(g, "T1078"));
  strings v = ids(g, valid);
  std::sort(v.begin(), v.end());
  CHECK(v == strings{"TA0001", "TA0003", "TA0004", "TA0005"});
}

TEST_CASE("hierarchy: a sub-technique without phases inherits its parent's tactics") {
  // Fixture: T9001.001 has no kill_chain_phases; its parent T9001 is in TA0005.
  auto g = load({fixtures / "warnings.json"});
  node child = technique(g, "T9001.001");
  auto p = mitrekg::parent(g, child);
  REQUIRE(p);
  CHECK(g[*p].id == "T9001");
  CHECK(ids(g, mitrekg::tactics_of(g, child)) == strings{"TA0005"});
  CHECK(ids(g, mitrekg::subtechniques(g, *p)) == strings{"T9001.001"});
}

TEST_CASE("hierarchy: the parent of a dotted id without a subtechnique-of relationship") {
  // Fixture: T1059 alone; a STIX 2.1 bundle with no sub-technique at all.
  auto g = load({fixtures / "stix21-bundle.json"});
  node t = technique(g, "T1059");
  CHECK_FALSE(mitrekg::parent(g, t));
  CHECK(ids(g, mitrekg::tactics_of(g, t)) == strings{"TA0002"});
}

// --- related objects ----------------------------------------------------------------------

TEST_CASE("who mitigates and uses T1562.001") {
  const auto& g = enterprise();
  node t = technique(g, "T1562.001");
  // python: live sources of live 'mitigates' relationships targeting T1562.001.
  CHECK(ids(g, mitrekg::mitigations_of(g, t)) == strings{"M1018", "M1022", "M1024", "M1038", "M1047"});
  // python: live intrusion-set sources of 'uses' relationships targeting T1562.001.
  CHECK(ids(g, mitrekg::groups_of(g, t)) ==
        strings{"G0010", "G0024", "G0032", "G0037", "G0047", "G0059", "G0060", "G0069", "G0078", "G0082",
                "G0092", "G0094", "G0102", "G0106", "G0119", "G0139", "G0143", "G1003", "G1015", "G1018",
                "G1024", "G1030", "G1031", "G1032", "G1040", "G1043", "G1047", "G1048", "G1051", "G1052"});
  // python: live malware and tool sources of 'uses' relationships targeting T1562.001 (68 + 3).
  CHECK(ids(g, mitrekg::software_of(g, t)) ==
        strings{"S0004", "S0058", "S0061", "S0130", "S0132", "S0144", "S0154", "S0201", "S0223", "S0228",
                "S0249", "S0252", "S0253", "S0266", "S0279", "S0331", "S0334", "S0336", "S0372", "S0377",
                "S0400", "S0412", "S0434", "S0446", "S0449", "S0455", "S0457", "S0468", "S0477", "S0481",
                "S0482", "S0484", "S0491", "S0496", "S0531", "S0534", "S0554", "S0559", "S0576", "S0583",
                "S0595", "S0601", "S0605", "S0608", "S0611", "S0638", "S0640", "S0650", "S0659", "S0669",
                "S0670", "S0688", "S0689", "S0692", "S0695", "S1048", "S1111", "S1114", "S1130", "S1135",
                "S1169", "S1178", "S1180", "S1199", "S1202", "S1207", "S1213", "S1234", "S1240", "S1242",
                "S1244"});
  // python: live campaign sources of 'uses' relationships targeting T1562.001.
  CHECK(ids(g, mitrekg::campaigns_of(g, t)) ==
        strings{"C0002", "C0024", "C0028", "C0029", "C0035", "C0038", "C0046", "C0055", "C0058"});
  // The deprecated mitigation T1089 does not mitigate anything here; with every filter
  // off the answer is the same (python: no revoked or deprecated source or relationship).
  lookup_options any;
  any.include_deprecated = any.include_revoked = true;
  CHECK(mitrekg::mitigations_of(g, t, any).size() == 5);
  CHECK(mitrekg::groups_of(g, t, any).size() == 30);
  // The domain filter applies to the groups. python: of those 30, G0069 and G1015 list
  // mobile-attack in their x_mitre_domains too; G0032, G0037, G0082, G0102 list ics-attack.
  CHECK(ids(g, mitrekg::groups_of(g, t, only(domain::mobile))) == strings{"G0069", "G1015"});
  CHECK(ids(g, mitrekg::groups_of(g, t, only(domain::ics))) == strings{"G0032", "G0037", "G0082", "G0102"});
}

TEST_CASE("count_related gives the sizes of the related lists, for every technique and filter") {
  const auto& g = three_domains();
  node t = technique(enterprise(), "T1562.001");
  auto c = mitrekg::count_related(enterprise(), t);
  // The lists of the case above: 5 mitigations, 30 groups, 71 software, 9 campaigns.
  CHECK(c.mitigations == 5);
  CHECK(c.groups == 30);
  CHECK(c.software == 71);
  CHECK(c.campaigns == 9);
  CHECK(c.detections == mitrekg::detections_of(enterprise(), t).size());
  CHECK(c.detections > 0);
  lookup_options any;
  any.include_deprecated = any.include_revoked = true;
  const auto all = g.all(object_type::technique, any);
  REQUIRE(all.size() > 1000);
  std::size_t nonzero = 0;
  for (const lookup_options& o : {lookup_options{}, any, only(domain::mobile), only(domain::ics)})
    for (node n : all) {
      auto k = mitrekg::count_related(g, n, o);
      REQUIRE(k.mitigations == mitrekg::mitigations_of(g, n, o).size());
      REQUIRE(k.groups == mitrekg::groups_of(g, n, o).size());
      REQUIRE(k.software == mitrekg::software_of(g, n, o).size());
      REQUIRE(k.campaigns == mitrekg::campaigns_of(g, n, o).size());
      REQUIRE(k.detections == mitrekg::detections_of(g, n, o).size());
      nonzero += k.detections > 0;
    }
  CHECK(nonzero > 1000);
}

TEST_CASE("techniques_of a group, software, campaign and mitigation") {
  const auto& g = enterprise();
  // python: live attack-pattern targets of live 'uses' relationships from G0016 APT29.
  CHECK(ids(g, mitrekg::techniques_of(g, object(g, object_type::group, "G0016"))) ==
        strings{"T1003.002", "T1003.004", "T1005", "T1016.001", "T1021.007", "T1027.001", "T1027.002",
                "T1027.006", "T1036.005", "T1037", "T1037.004", "T1047", "T1053.005", "T1059.001",
                "T1059.006", "T1059.009", "T1068", "T1070.004", "T1070.006", "T1078", "T1078.003",
                "T1078.004", "T1087.004", "T1090.002", "T1090.003", "T1090.004", "T1098.002", "T1098.005",
                "T1105", "T1110.001", "T1110.003", "T1114.002", "T1133", "T1136.003", "T1190", "T1199",
                "T1203", "T1204.001", "T1204.002", "T1218.005", "T1505.003", "T1528", "T1546.003",
                "T1546.008", "T1547.001", "T1548.002", "T1550.003", "T1553.005", "T1556.007", "T1562.008",
                "T1566.001", "T1566.002", "T1566.003", "T1568", "T1573", "T1583.006", "T1586.002",
                "T1586.003", "T1587.001", "T1587.003", "T1588.002", "T1595.002", "T1621", "T1649", "T1651",
                "T1665"});
  // python: the same for S0154 Cobalt Strike (72), C0024 SolarWinds Compromise (71), and
  // 'mitigates' from M1047 Audit (109).
  auto cobalt = mitrekg::techniques_of(g, object(g, object_type::software, "S0154"));
  CHECK(cobalt.size() == 72);
  CHECK(std::find(cobalt.begin(), cobalt.end(), technique(g, "T1562.001")) != cobalt.end());
  CHECK(mitrekg::techniques_of(g, object(g, object_type::campaign, "C0024")).size() == 71);
  auto audit = mitrekg::techniques_of(g, object(g, object_type::mitigation, "M1047"));
  CHECK(audit.size() == 109);
  CHECK(g[audit.front()].id == "T1021");
  CHECK(g[audit.back()].id == "T1671");
  // A technique uses nothing.
  CHECK(mitrekg::techniques_of(g, technique(g, "T1562.001")).empty());
}

// --- detections -----------------------------------------------------------------------------

TEST_CASE("detections_of in 18.1: strategy -> analytic -> data component, log source, channel") {
  const auto& g = enterprise();
  auto d = mitrekg::detections_of(g, technique(g, "T1562.001"));
  // python: the live detection strategy that 'detects' T1562.001, its x_mitre_analytic_refs,
  // each analytic's x_mitre_log_source_references (data component, name, channel); sorted by
  // strategy, analytic, data component id. Data components carry x_mitre_data_source_ref "".
  using row = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  const std::vector<row> expected = {
      {"DET0497", "AN1369", "DC0033", "WinEventLog:Sysmon", R"x(EventCode=5)x"},
      {"DET0497", "AN1369", "DC0060", "WinEventLog:System", R"x(EventCode=7045)x"},
      {"DET0497", "AN1369", "DC0063", "WinEventLog:Sysmon", R"x(EventCode=13, 14)x"},
      {"DET0497", "AN1370", "DC0032", "auditd:SYSCALL", R"x(execve: systemctl stop, service stop, or kill -9 on security daemons (e.g., falcon-sensor, auditd))x"},
      {"DET0497", "AN1370", "DC0041", "auditd:CONFIG_CHANGE", R"x(delete: Modification of systemd unit files or config for security agents)x"},
      {"DET0497", "AN1371", "DC0032", "macos:unifiedlog", R"x(Execution of launchctl unload, kill, or removal of security agent daemons)x"},
      {"DET0497", "AN1371", "DC0041", "macos:unifiedlog", R"x(Modification of system configuration profiles affecting security tools)x"},
      {"DET0497", "AN1372", "DC0069", "AWS:CloudTrail", R"x(Delete* / Stop*: DeleteAlarms, StopLogging, or DisableMonitoring API calls)x"},
      {"DET0497", "AN1373", "DC0041", "kubernetes:audit", R"x(kubectl delete or patch of security pods/admission controllers)x"},
      {"DET0497", "AN1374", "DC0041", "networkdevice:config", R"x(write: Startup configuration changes disabling security checks)x"},
  };
  REQUIRE(d.size() == expected.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    CAPTURE(i);
    REQUIRE(d[i].strategy != no_node);
    REQUIRE(d[i].analytic != no_node);
    REQUIRE(d[i].data_component != no_node);
    CHECK(g[d[i].strategy].type == object_type::detection_strategy);
    CHECK(g[d[i].analytic].type == object_type::analytic);
    CHECK(g[d[i].data_component].type == object_type::data_component);
    CHECK(d[i].data_source == no_node);
    CHECK(row{g[d[i].strategy].id, g[d[i].analytic].id, g[d[i].data_component].id, d[i].log_source, d[i].channel} ==
          expected[i]);
  }
  CHECK(g[d[0].strategy].name == "Detection of Impair Defenses through Disabled or Modified Tools across OS Platforms.");
  CHECK(g[d[3].data_component].name == "Process Creation");
}

TEST_CASE("detections_of in 17.1: data component detects technique, the description as channel") {
  const auto& g = enterprise17();
  auto d = mitrekg::detections_of(g, technique(g, "T1562.001"));
  // python (17.1): live x-mitre-data-component sources of live 'detects' relationships into
  // T1562.001, with their x_mitre_data_source_ref and the relationship's description.
  using row = std::tuple<std::string, std::string, std::string, std::string>;
  const std::vector<row> expected = {
      {"Command Execution", "DS0017", "Command", R"x(Monitor for the execution of commands and arguments associated with disabling or modification of security software processes or services such as <code>Set-MpPreference-DisableScriptScanning 1</code> in Windows,<code>sudo spctl --master-disable</code> in macOS, and <code>setenforce 0</code> in Linux. Furthermore, on Windows monitor for the execution of taskkill.exe or Net Stop commands which may deactivate antivirus software and other security systems. )x"},
      {"Driver Load", "DS0027", "Driver", R"x(Monitor for unusual/suspicious driver activity, especially regarding EDR and drivers associated with security tools as well as those that may be abused to disable security products.)x"},
      {"Host Status", "DS0013", "Sensor Health", R"x(Lack of expected log events may be suspicious. Monitor for telemetry that provides context for modification or deletion of information related to security software processes or services such as Windows Defender definition files in Windows and System log files in Linux.)x"},
      {"Process Creation", "DS0009", "Process", R"x(In an attempt to avoid detection after compromising a machine, threat actors often try to disable Windows Defender. This is often done using “sc” [service control], a legitimate tool provided by Microsoft for managing services. This action interferes with event detection and may lead to a security event going undetected, thereby potentially leading to further compromise of the network.

Note: Though this analytic is utilizing Event ID 1 for process creation, the arguments are specifically looking for the use of service control for querying or trying to stop Windows Defender.

Analytic 1 - Detecting Tampering of Windows Defender Command Prompt

<code>(source="WinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode="1") OR (source="WinEventLog:Security" EventCode="4688") Image="C:\\Windows\\System32\\sc.exe" (CommandLine="sc *config*" OR CommandLine="sc *stop*" OR CommandLine="sc *query*" )</code>)x"},
      {"Process Termination", "DS0009", "Process", R"x(Monitor processes for unexpected termination related to security tools/services. Specifically, before execution of ransomware, monitor for rootkit tools, such as GMER, PowerTool or TDSSKiller, that may detect and terminate hidden processes and the host antivirus software.
)x"},
      {"Service Metadata", "DS0019", "Service", R"x(Monitor for telemetry that provides context of security software services being disabled or modified. In cloud environments, monitor virtual machine logs for the status of cloud security agents. Spyware and malware remain a serious problem and Microsoft developed security services, Windows Defender and Windows Firewall, to combat this threat. In the event Windows Defender or Windows Firewall is turned off, administrators should correct the issue immediately to prevent the possibility of infection or further infection and investigate to determine if caused by crash or user manipulation.
Note: Windows Event code 7036 from the System log identifies if a service has stopped or started. This analytic looks for “Windows Defender” or “Windows Firewall” that has stopped.

Analytic 1 - User Activity from Stopping Windows Defensive Services

<code>(source="*WinEventLog:System" EventCode="7036") ServiceName="*Windows Defender*" OR ServiceName="*Windows Firewall*" AND ServiceName="*stopped*"</code>)x"},
      {"Windows Registry Key Deletion", "DS0024", "Windows Registry", R"x(Monitor for deletion of Windows Registry keys and/or values related to services and startup programs that correspond to security tools such as HKLM:\SOFTWARE\Microsoft\AMSI\Providers.)x"},
      {"Windows Registry Key Modification", "DS0024", "Windows Registry", R"x(Monitor for changes made to Windows Registry keys and/or values related to services and startup programs that correspond to security tools such as HKLM:\SOFTWARE\Policies\Microsoft\Windows Defender.)x"},
  };
  std::vector<row> got;
  for (const auto& x : d) {
    CHECK(x.strategy == no_node);
    CHECK(x.analytic == no_node);
    CHECK(x.log_source.empty());
    REQUIRE(x.data_component != no_node);
    REQUIRE(x.data_source != no_node);
    CHECK(g[x.data_source].type == object_type::data_source);
    got.emplace_back(g[x.data_component].name, g[x.data_source].id, g[x.data_source].name, x.channel);
  }
  std::sort(got.begin(), got.end());   // 17.1 data components have no ATT&CK id to order by
  CHECK(got == expected);
}

TEST_CASE("detections_of a technique nobody detects is empty") {
  auto g = load({fixtures / "stix21-bundle.json"});
  CHECK(mitrekg::detections_of(g, technique(g, "T1059")).empty());
}

// --- matrix, platforms ------------------------------------------------------------------------

TEST_CASE("matrix: enterprise columns in order, cells per column") {
  const auto& g = enterprise();
  auto m = mitrekg::matrix(g, domain::enterprise);
  REQUIRE(m.size() == 14);
  // python: per tactic of the matrix, live non-sub-technique attack-patterns with that
  // mitre-attack phase, and the live sub-techniques (subtechnique-of sources) under them.
  const std::vector<std::tuple<std::string, std::size_t, std::size_t>> expected = {
      {"TA0043", 11, 34}, {"TA0042", 8, 39},   {"TA0001", 11, 11}, {"TA0002", 17, 29}, {"TA0003", 23, 103},
      {"TA0004", 14, 95}, {"TA0005", 47, 168}, {"TA0006", 17, 50}, {"TA0007", 34, 15}, {"TA0008", 9, 14},
      {"TA0009", 17, 24}, {"TA0011", 18, 27},  {"TA0010", 9, 10},  {"TA0040", 15, 18}};
  for (std::size_t i = 0; i < m.size(); ++i) {
    CAPTURE(i);
    std::size_t subs = 0;
    for (const auto& c : m[i].cells) {
      subs += c.subtechniques;
      CHECK_FALSE(g[c.technique].is_subtechnique);
    }
    CHECK(std::tuple{std::string(g[m[i].tactic].id), m[i].cells.size(), subs} == expected[i]);
    CHECK(std::is_sorted(m[i].cells.begin(), m[i].cells.end(),
                         [&](const auto& a, const auto& b) { return g[a.technique].name < g[b.technique].name; }));
  }
  // The cell of T1562 in Defense Evasion counts its 12 live sub-techniques.
  auto& de = m[6].cells;
  auto it = std::find_if(de.begin(), de.end(), [&](const auto& c) { return g[c.technique].id == "T1562"; });
  REQUIRE(it != de.end());
  CHECK(it->subtechniques == 12);
}

TEST_CASE("matrix: the Containers platform") {
  const auto& g = enterprise();
  // python: as above, keeping techniques and sub-techniques whose x_mitre_platforms include
  // "Containers"; cells by name: (technique, sub-techniques on the platform).
  using cells = std::vector<std::pair<std::string, std::size_t>>;
  const std::vector<std::pair<std::string, cells>> expected = {
      {"TA0043", {}},
      {"TA0042", {}},
      {"TA0001", {{"T1190", 0}, {"T1133", 0}, {"T1078", 2}}},
      {"TA0002", {{"T1609", 0}, {"T1610", 0}, {"T1053", 1}, {"T1204", 1}}},
      {"TA0003", {{"T1098", 1}, {"T1136", 1}, {"T1543", 1}, {"T1133", 0}, {"T1525", 0}, {"T1053", 1}, {"T1078", 2}}},
      {"TA0004", {{"T1098", 1}, {"T1543", 1}, {"T1611", 0}, {"T1068", 0}, {"T1053", 1}, {"T1078", 2}}},
      {"TA0005", {{"T1612", 0}, {"T1610", 0}, {"T1562", 1}, {"T1070", 0}, {"T1036", 2}, {"T1550", 1}, {"T1078", 2}}},
      {"TA0006", {{"T1110", 3}, {"T1528", 0}, {"T1552", 2}}},
      {"TA0007", {{"T1613", 0}, {"T1046", 0}, {"T1069", 0}}},
      {"TA0008", {{"T1550", 1}}},
      {"TA0009", {}},
      {"TA0011", {}},
      {"TA0010", {}},
      {"TA0040", {{"T1485", 0}, {"T1499", 0}, {"T1490", 0}, {"T1498", 0}, {"T1496", 2}}},
  };
  for (std::string_view platform : {"Containers", "containers"}) {
    CAPTURE(platform);
    auto m = mitrekg::matrix(g, domain::enterprise, platform);
    std::vector<std::pair<std::string, cells>> got;
    for (const auto& col : m) {
      cells c;
      for (const auto& cell : col.cells) c.emplace_back(g[cell.technique].id, cell.subtechniques);
      got.emplace_back(g[col.tactic].id, c);
    }
    CHECK(got == expected);
  }
}

TEST_CASE("matrix: IaaS counts, an unknown platform, and other domains") {
  const auto& g = enterprise();
  // python: cells per column with x_mitre_platforms including "IaaS".
  const std::vector<std::size_t> iaas = {0, 0, 3, 4, 6, 4, 9, 8, 15, 2, 4, 0, 2, 9};
  auto m = mitrekg::matrix(g, domain::enterprise, "IaaS");
  REQUIRE(m.size() == iaas.size());
  for (std::size_t i = 0; i < m.size(); ++i) CHECK(m[i].cells.size() == iaas[i]);
  for (const auto& col : mitrekg::matrix(g, domain::enterprise, "Plan 9")) CHECK(col.cells.empty());
  CHECK(mitrekg::matrix(g, domain::mobile).empty());

  const auto& all = three_domains();
  auto mobile = mitrekg::matrix(all, domain::mobile);
  REQUIRE(mobile.size() == 12);
  strings cols;
  std::size_t cells = 0;
  for (const auto& col : mobile) {
    cols.emplace_back(all[col.tactic].id);
    cells += col.cells.size();
    for (const auto& c : col.cells) CHECK(all[c.technique].domains == mitrekg::bit(domain::mobile));
  }
  CHECK(cols == mobile_tactics);
  CHECK(cells == 92);  // mobile 18.1: (tactic, technique) cells of the matrix, sub-techniques folded
  // The enterprise matrix is the same in the three-domain graph.
  auto e = mitrekg::matrix(all, domain::enterprise, "Containers");
  REQUIRE(e.size() == 14);
  CHECK(e[6].cells.size() == 7);
}

TEST_CASE("platforms of the visible techniques") {
  const auto& g = enterprise();
  // python: sorted set of x_mitre_platforms over live enterprise attack-patterns.
  CHECK(mitrekg::platforms(g) == strings{"Containers", "ESXi", "IaaS", "Identity Provider", "Linux",
                                         "Network Devices", "Office Suite", "PRE", "SaaS", "Windows", "macOS"});
  const auto& all = three_domains();
  CHECK(mitrekg::platforms(all, only(domain::mobile)) == strings{"Android", "iOS"});
  CHECK(mitrekg::platforms(all, only(domain::ics)) == strings{"None"});
  CHECK(mitrekg::platforms(all).size() == 11 + 2 + 1);
}

// --- search ------------------------------------------------------------------------------------

namespace {
using hit_row = std::tuple<std::string, std::string>;   // ATT&CK id, field
std::vector<hit_row> hits(const knowledge_graph& g, std::string_view text) {
  std::vector<hit_row> out;
  for (const auto& h : mitrekg::search(g, text)) out.emplace_back(g[h.object].id, h.field);
  return out;
}
}  // namespace

// The expected hit lists come from a python re-implementation of the documented rule:
// every word must occur (case-insensitively) in one field; id equal to the text, then the
// name equal to it, then the name, an alias, the description containing every word; live,
// named objects other than identities and marking definitions; ties by id.
TEST_CASE("search ranks id > name > alias > description") {
  const auto& g = enterprise();
  auto id = mitrekg::search(g, "T1562.001");
  REQUIRE(id.size() == 1);
  CHECK(g[id[0].object].id == "T1562.001");
  CHECK(id[0].field == "id");

  auto strong = mitrekg::search(g, "StrongPity");
  CHECK(hits(g, "StrongPity") ==
        std::vector<hit_row>{{"S0491", "name"}, {"G0056", "alias"}, {"C0033", "description"}, {"T1587", "description"}});
  REQUIRE(strong.size() == 4);
  CHECK(id[0].score > strong[0].score);
  CHECK(strong[0].score > strong[1].score);
  CHECK(strong[1].score > strong[2].score);
  CHECK(strong[2].score == strong[3].score);
  CHECK(strong[3].score > 0);

  // A name containing the words ranks above an alias, below an exact name.
  CHECK(hits(g, "OceanLotus") ==
        std::vector<hit_row>{{"S0352", "name"}, {"G0050", "alias"}, {"S0354", "description"},
                             {"S1078", "description"}, {"T1027.001", "description"}, {"T1129", "description"},
                             {"T1543.001", "description"}, {"T1553.001", "description"}});
  CHECK(mitrekg::search(g, "OceanLotus")[0].score < strong[0].score);
}

TEST_CASE("search: words in any order and case, every word required") {
  const auto& g = enterprise();
  const std::vector<hit_row> cozy = {{"G0016", "alias"}, {"S0046", "alias"}, {"C0024", "description"}};
  CHECK(hits(g, "cozy bear") == cozy);
  CHECK(hits(g, "BEAR  Cozy") == cozy);
  CHECK(hits(g, "Screen Capture") ==
        std::vector<hit_row>{{"T1113", "name"}, {"DET0346", "name"}, {"AN0980", "description"},
                             {"AN0981", "description"}, {"S0593", "description"}, {"T1125", "description"}});
  CHECK(hits(g, "impair defenses") ==
        std::vector<hit_row>{{"T1562", "name"}, {"DET0239", "name"}, {"DET0317", "name"}, {"DET0497", "name"},
                             {"DET0563", "name"}, {"T1112", "description"}, {"T1546.012", "description"},
                             {"T1554", "description"}, {"T1557", "description"}, {"T1562.010", "description"},
                             {"T1574.012", "description"}});
  CHECK(mitrekg::search(g, "").empty());
  CHECK(mitrekg::search(g, "   ").empty());
  CHECK(mitrekg::search(g, "zzqxv-no-such-word").empty());
}

TEST_CASE("search: a word repeated, in any case, counts once") {
  // Issue 8: 500,000 words took 326 s, each word searched in every field again.
  const auto& g = enterprise();
  std::string cozy_bear;
  for (int i = 0; i < 20000; ++i) cozy_bear += i % 2 ? "Bear " : "cozy ";
  CHECK(hits(g, cozy_bear) == std::vector<hit_row>{{"G0016", "alias"}, {"S0046", "alias"}, {"C0024", "description"}});
  std::string the;
  for (int i = 0; i < 100000; ++i) the += "the ";
  auto once = hits(g, "the");
  CHECK(once.size() > 1000);
  CHECK(hits(g, the) == once);
}

// --- stats -------------------------------------------------------------------------------------

TEST_CASE("stats of enterprise 18.1 and 17.1") {
  // python: counts of live objects by type (software = malware + tool), attack-patterns split
  // on x_mitre_is_subtechnique; relationships: live, both ends present.
  auto s = mitrekg::stats(enterprise());
  CHECK(s.tactics == 14);
  CHECK(s.techniques == 216);
  CHECK(s.subtechniques == 475);
  CHECK(s.mitigations == 44);
  CHECK(s.groups == 172);
  CHECK(s.software == 693 + 91);
  CHECK(s.campaigns == 52);
  CHECK(s.data_sources == 0);          // all 38 are deprecated in 18.1
  CHECK(s.data_components == 106);
  CHECK(s.detection_strategies == 691);
  CHECK(s.analytics == 1739);
  CHECK(s.assets == 0);
  CHECK(s.relationships == 20048);

  auto o = mitrekg::stats(enterprise17());
  CHECK(o.tactics == 14);
  CHECK(o.techniques == 211);
  CHECK(o.subtechniques == 468);
  CHECK(o.mitigations == 44);
  CHECK(o.groups == 166);
  CHECK(o.software == 664 + 91);
  CHECK(o.campaigns == 47);
  CHECK(o.data_sources == 37);
  CHECK(o.data_components == 106);
  CHECK(o.detection_strategies == 0);
  CHECK(o.analytics == 0);
  CHECK(o.relationships == 20411);
}

TEST_CASE("stats of three domains, per domain") {
  const auto& g = three_domains();
  // python: objects of the three bundles merged by STIX id, domains the union of their
  // x_mitre_domains; counted when live and in the asked domains. Relationships by STIX id,
  // counted when their source is in the asked domains.
  auto all = mitrekg::stats(g);
  CHECK(all.tactics == 38);
  CHECK(all.techniques == 376);
  CHECK(all.subtechniques == 522);
  CHECK(all.mitigations == 108);
  CHECK(all.groups == 176);
  CHECK(all.software == 910);
  CHECK(all.campaigns == 55);
  CHECK(all.data_components == 119);
  CHECK(all.detection_strategies == 898);
  CHECK(all.analytics == 2032);
  CHECK(all.assets == 18);
  CHECK(all.relationships == 23205);

  auto m = mitrekg::stats(g, only(domain::mobile));
  CHECK(m.tactics == 12);
  CHECK(m.techniques == 77);
  CHECK(m.subtechniques == 47);
  CHECK(m.mitigations == 13);
  CHECK(m.groups == 17);
  CHECK(m.software == 122);
  CHECK(m.campaigns == 4);
  CHECK(m.data_components == 17);
  CHECK(m.detection_strategies == 124);
  CHECK(m.analytics == 211);
  CHECK(m.relationships == 2626);

  auto i = mitrekg::stats(g, only(domain::ics));
  CHECK(i.tactics == 12);
  CHECK(i.techniques == 83);
  CHECK(i.subtechniques == 0);
  CHECK(i.mitigations == 52);
  CHECK(i.groups == 14);
  CHECK(i.software == 23);
  CHECK(i.campaigns == 8);
  CHECK(i.assets == 18);
  CHECK(i.relationships == 2558);

  auto e = mitrekg::stats(g, only(domain::enterprise));
  CHECK(e.techniques == 216);
  CHECK(e.subtechniques == 475);
  CHECK(e.relationships == 20329);
}
