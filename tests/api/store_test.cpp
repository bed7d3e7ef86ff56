// mitrekg/store.hpp: snapshots round-trip every object, edge and D3FEND answer; the cache is safe
// under staleness, corruption and concurrent rebuilds.
#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <thread>
#include <utility>
#include <vector>

#include "mitrekg/countermeasures.hpp"
#include "mitrekg/data.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/query.hpp"
#include "mitrekg/store.hpp"

namespace fs = std::filesystem;
using namespace mitrekg;

namespace {

// Every handle of a graph or ontology of `size` nodes, in order (the public
// node types are strong: no arithmetic on them).
template <class Handle>
std::vector<Handle> every_node(std::size_t size) {
  std::vector<Handle> out;
  for (std::uint32_t i = 0; i < size; ++i) out.push_back(Handle{i});
  return out;
}

// Four threads read all `size` handles at once, each in its own order, so most
// handles are first read by one thread while others wait for or read the same
// one. `differs(h)` says whether handle h reads wrong. Returns {reads, wrong}.
template <class Handle, class Differs>
std::pair<std::size_t, std::size_t> read_from_four_threads(std::size_t size, Differs differs) {
  std::atomic<std::size_t> wrong{0}, read{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < size; ++i) {
        try {   // an exception here would end the process, not fail the test
          if (differs(Handle{static_cast<std::uint32_t>((i * (2 * t + 1) + t * 1000) % size)})) ++wrong;
        } catch (const std::exception&) {
          ++wrong;
        }
        ++read;
      }
    });
  for (auto& t : threads) t.join();
  return {read.load(), wrong.load()};
}

const fs::path data = MITREKG_TEST_DATA;
const fs::path fixtures = MITREKG_TEST_FIXTURES;

// A fresh, empty folder under the system temp dir, removed at exit of the test.
struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("mitrekg-store-test-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  static std::atomic<int>& counter() {
    static std::atomic<int> c{0};
    return c;
  }
};

// Every domain of 18.1 and D3FEND 0.17.0: what mitre-query loads by default.
const knowledge_graph& sources() {
  static const knowledge_graph g = [] {
    load_options o;
    o.attack_files = {data / "attack" / "enterprise-attack-18.1.json", data / "attack" / "mobile-attack-18.1.json",
                      data / "attack" / "ics-attack-18.1.json"};
    o.d3fend_file = data / "d3fend" / "d3fend-0.17.0.json";
    return knowledge_graph::load(o);
  }();
  return g;
}

const fs::path& snapshot_file() {
  static temp_dir dir;
  static const fs::path file = [] {
    fs::path f = dir.path / "all.sqlite";
    save_snapshot(sources(), f);
    return f;
  }();
  return file;
}

const knowledge_graph& reopened() {
  static const knowledge_graph g = open_snapshot(snapshot_file());
  return g;
}

void check_same_object(const attack_object& a, const attack_object& b) {
  CHECK(a.type == b.type);
  CHECK(a.stix_type == b.stix_type);
  CHECK(a.stix_id == b.stix_id);
  CHECK(a.id == b.id);
  CHECK(a.name == b.name);
  CHECK(a.description == b.description);
  CHECK(a.url == b.url);
  CHECK(a.shortname == b.shortname);
  CHECK(a.modified == b.modified);
  CHECK(a.version == b.version);
  CHECK(a.platforms == b.platforms);
  CHECK(a.aliases == b.aliases);
  REQUIRE(a.kill_chain_phases.size() == b.kill_chain_phases.size());
  for (std::size_t i = 0; i < a.kill_chain_phases.size(); ++i) {
    CHECK(a.kill_chain_phases[i].kill_chain_name == b.kill_chain_phases[i].kill_chain_name);
    CHECK(a.kill_chain_phases[i].phase_name == b.kill_chain_phases[i].phase_name);
  }
  CHECK(a.domains == b.domains);
  CHECK(a.revoked == b.revoked);
  CHECK(a.deprecated == b.deprecated);
  CHECK(a.is_subtechnique == b.is_subtechnique);
}

bool same_edges(const std::vector<edge>& a, const std::vector<edge>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const edge& x = a[i];
    const edge& y = b[i];
    if (x.source != y.source || x.target != y.target || x.type != y.type || x.stix_id != y.stix_id ||
        x.description != y.description || x.log_source != y.log_source || x.revoked != y.revoked ||
        x.deprecated != y.deprecated)
      return false;
  }
  return true;
}

bool same_rows(const d3fend_ontology& d1, const std::vector<d3fend_mapping>& a, const d3fend_ontology& d2,
               const std::vector<d3fend_mapping>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].attack_id != b[i].attack_id || d1[a[i].countermeasure].id != d2[b[i].countermeasure].id ||
        a[i].tactic != b[i].tactic || d1[a[i].off_artifact].id != d2[b[i].off_artifact].id ||
        a[i].off_relation != b[i].off_relation || d1[a[i].def_artifact].id != d2[b[i].def_artifact].id ||
        a[i].def_relation != b[i].def_relation)
      return false;
  }
  return true;
}

// Every text of every object and edge, copied out of the graph: what answers print.
std::vector<std::string> all_text(const knowledge_graph& g) {
  std::vector<std::string> out;
  for (node n : every_node<node>(g.size())) {
    const attack_object& o = g[n];
    for (std::string_view s : {o.stix_id, o.id, o.name, o.description, o.url, o.modified}) out.emplace_back(s);
    for (auto p : o.platforms) out.emplace_back(p);
    for (auto a : o.aliases) out.emplace_back(a);
    for (relation r : {relation::uses, relation::mitigates, relation::subtechnique_of, relation::in_tactic})
      for (const edge& e : g.out_edges(n, r)) out.emplace_back(e.description);
  }
  return out;
}

// A copy of the small STIX 2.1 fixture whose change time is safely in the past
// (the cache does not keep sources changed within the current clock tick).
fs::path settled_copy(const fs::path& dir) {
  fs::path bundle = dir / "bundle.json";
  fs::copy_file(fixtures / "stix21-bundle.json", bundle);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return bundle;
}

// A settled copy of the small fixture as the only source, and a cache folder.
struct cache_setup {
  temp_dir dir;
  fs::path bundle = settled_copy(dir.path);
  load_options o = [this] {
    load_options options;
    options.attack_files = {bundle};
    return options;
  }();
  cache_options c{dir.path / "cache", true};
};

// The bytes of `f`.
std::string content(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Whether `save` throws the write_error whose message holds `why`.
bool refused(const std::function<void()>& save, std::string_view why) {
  try {
    save();
    return false;
  } catch (const error& e) {
    return e.code() == errc::write_error && std::string_view(e.what()).find(why) != std::string_view::npos;
  }
}

// Rewrites `file` with one letter of its first "name" changed, keeping its size
// and modification time (what `touch -r` restores). Returns the new name.
std::string rename_in_place(const fs::path& file) {
  const auto mtime = fs::last_write_time(file);
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto pos = text.find("\"name\": \"");
  REQUIRE(pos != std::string::npos);
  text[pos + 9] = text[pos + 9] == 'X' ? 'Y' : 'X';
  { std::ofstream(file, std::ios::binary | std::ios::trunc) << text; }
  fs::last_write_time(file, mtime);
  return text.substr(pos + 9, text.find('"', pos + 9) - pos - 9);
}

bool has_name(const knowledge_graph& g, std::string_view name) {
  for (node n : every_node<node>(g.size()))
    if (g[n].name == name) return true;
  return false;
}

}  // namespace

TEST_CASE("a snapshot keeps every ATT&CK object and every edge, in order") {
  const knowledge_graph& a = sources();
  const knowledge_graph& b = reopened();
  REQUIRE(a.size() == b.size());
  // 24,771 + 2,535 + 1,825 bundle objects minus relationships and merged twins: thousands of vertices.
  CHECK(a.size() > 5000);
  const relation all_relations[] = {relation::uses, relation::mitigates, relation::subtechnique_of,
                                    relation::detects, relation::attributed_to, relation::revoked_by,
                                    relation::targets, relation::in_tactic, relation::matrix_tactic,
                                    relation::has_analytic, relation::observes, relation::component_of,
                                    relation::other};
  std::size_t differing_edges = 0;
  for (node n : every_node<node>(a.size())) {
    check_same_object(a[n], b[n]);
    for (relation r : all_relations) {
      if (!same_edges(a.out_edges(n, r), b.out_edges(n, r))) ++differing_edges;
      if (!same_edges(a.in_edges(n, r), b.in_edges(n, r))) ++differing_edges;
    }
  }
  CHECK(differing_edges == 0);
  CHECK(a.relationship_count() == b.relationship_count());
  REQUIRE(a.files().size() == b.files().size());
  for (std::size_t i = 0; i < a.files().size(); ++i) {
    CHECK(a.files()[i].path == b.files()[i].path);
    CHECK(a.files()[i].release == b.files()[i].release);
    CHECK(a.files()[i].objects == b.files()[i].objects);
  }
  CHECK(a.report().total() == b.report().total());
  CHECK(a.report().merged_objects == b.report().merged_objects);
  CHECK(a.report().samples == b.report().samples);
}

TEST_CASE("a snapshot's ATT&CK objects are decoded on first use, alike from several threads") {
  // A fresh open: no object decoded yet.
  const knowledge_graph& a = sources();
  const knowledge_graph fresh = open_snapshot(snapshot_file());
  REQUIRE(fresh.size() == a.size());
  REQUIRE(a.size() > 5000);
  const auto [read, wrong] = read_from_four_threads<node>(a.size(), [&](node n) {
    const attack_object& x = a[n];
    const attack_object& y = fresh[n];
    return x.type != y.type || x.stix_id != y.stix_id || x.id != y.id || x.name != y.name ||
           x.description != y.description || x.domains != y.domains || x.revoked != y.revoked ||
           x.deprecated != y.deprecated || x.is_subtechnique != y.is_subtechnique || &fresh[n] != &y;
  });
  CHECK(read == 4 * a.size());
  CHECK(wrong == 0);
  // The heads, read in place: type, domains and flags of every object as the sources have them.
  std::size_t heads_wrong = 0;
  for (node n : every_node<node>(a.size()))
    if (fresh.type_of(n) != a.type_of(n) || fresh.is_subtechnique(n) != a.is_subtechnique(n)) ++heads_wrong;
  CHECK(heads_wrong == 0);
}

TEST_CASE("a warm cache call reads the image file into one arena as questions need it, alike from several threads") {
  // The default data through the cache: the second call answers from the
  // image file, its ATT&CK blocks placed in the arena in the order these
  // reads need them (runs grown in place, or placed anew when a text or list
  // spans blocks read apart), the D3FEND image and its entries in the same arena.
  const knowledge_graph& a = sources();
  temp_dir dir;
  load_options o;
  o.attack_files = {data / "attack" / "enterprise-attack-18.1.json", data / "attack" / "mobile-attack-18.1.json",
                    data / "attack" / "ics-attack-18.1.json"};
  o.d3fend_file = data / "d3fend" / "d3fend-0.17.0.json";
  const cache_options c{dir.path / "cache", true};
  graph_origin first, second;
  load_cached(o, c, &first);
  REQUIRE(first.kind == "sources");
  const knowledge_graph warm = load_cached(o, c, &second);
  REQUIRE(second.kind == "cache");
  REQUIRE(warm.size() == a.size());
  REQUIRE(a.size() > 5000);
  auto same_edges = [&](const std::vector<edge>& x, const std::vector<edge>& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t k = 0; k < x.size(); ++k)
      if (x[k].source != y[k].source || x[k].target != y[k].target || x[k].stix_id != y[k].stix_id ||
          x[k].description != y[k].description || x[k].log_source != y[k].log_source)
        return false;
    return true;
  };
  std::atomic<std::size_t> edges_compared{0};
  const auto [read, wrong] = read_from_four_threads<node>(a.size(), [&](node n) {
    const attack_object& x = a[n];
    const attack_object& y = warm[n];
    bool differs = x.type != y.type || x.stix_id != y.stix_id || x.id != y.id || x.name != y.name ||
                   x.description != y.description || x.url != y.url || x.modified != y.modified ||
                   x.platforms != y.platforms || x.aliases != y.aliases || x.domains != y.domains ||
                   x.kill_chain_phases.size() != y.kill_chain_phases.size();
    for (std::size_t k = 0; !differs && k < x.kill_chain_phases.size(); ++k)
      differs = x.kill_chain_phases[k].kill_chain_name != y.kill_chain_phases[k].kill_chain_name ||
                x.kill_chain_phases[k].phase_name != y.kill_chain_phases[k].phase_name;
    for (relation r : {relation::uses, relation::mitigates, relation::subtechnique_of, relation::detects}) {
      const auto ex = a.in_edges(n, r);
      edges_compared += ex.size();
      differs = differs || !same_edges(ex, warm.in_edges(n, r)) || !same_edges(a.out_edges(n, r), warm.out_edges(n, r));
    }
    // The indexes: the object found again by its ids and name.
    if (!x.stix_id.empty()) differs = differs || warm.find_stix(x.stix_id) != a.find_stix(x.stix_id);
    if (!x.id.empty()) differs = differs || warm.find_id(x.id) != a.find_id(x.id);
    return differs || warm.find_name(x.name) != a.find_name(x.name);
  });
  CHECK(read == 4 * a.size());
  CHECK(edges_compared.load() > 4 * 20000);
  CHECK(wrong == 0);
  const d3fend_ontology& d1 = *a.d3fend();
  const d3fend_ontology& d2 = *warm.d3fend();
  REQUIRE(d2.size() == d1.size());
  CHECK(same_rows(d1, d1.all_mappings(), d2, d2.all_mappings()));
}

TEST_CASE("queries answer alike from a snapshot and from the sources") {
  const knowledge_graph& a = sources();
  const knowledge_graph& b = reopened();
  auto s1 = stats(a);
  auto s2 = stats(b);
  CHECK(s1.techniques == s2.techniques);
  CHECK(s1.subtechniques == s2.subtechniques);
  CHECK(s1.relationships == s2.relationships);
  CHECK(tactics(a) == tactics(b));
  CHECK(techniques(a, {}) == techniques(b, {}));
  for (node t : techniques(a, {})) {
    CHECK(subtechniques(a, t) == subtechniques(b, t));
    CHECK(parent(a, t) == parent(b, t));
    CHECK(tactics_of(a, t) == tactics_of(b, t));
    CHECK(mitigations_of(a, t) == mitigations_of(b, t));
    CHECK(groups_of(a, t) == groups_of(b, t));
    CHECK(software_of(a, t) == software_of(b, t));
    CHECK(campaigns_of(a, t) == campaigns_of(b, t));
    CHECK(b.type_of(t) == a.type_of(t));
    CHECK(b.is_subtechnique(t) == a[t].is_subtechnique);
    auto c1 = count_related(a, t);
    auto c2 = count_related(b, t);
    CHECK(c2.groups == groups_of(b, t).size());
    CHECK(c2.software == software_of(b, t).size());
    CHECK(std::tie(c1.mitigations, c1.groups, c1.software, c1.campaigns, c1.detections) ==
          std::tie(c2.mitigations, c2.groups, c2.software, c2.campaigns, c2.detections));
    auto d1 = detections_of(a, t);
    auto d2 = detections_of(b, t);
    REQUIRE(d1.size() == d2.size());
    for (std::size_t i = 0; i < d1.size(); ++i) {
      CHECK(d1[i].analytic == d2[i].analytic);
      CHECK(d1[i].channel == d2[i].channel);
    }
    CHECK(c2.detections == d2.size());
  }
  for (node grp : a.all(object_type::group)) CHECK(techniques_of(a, grp) == techniques_of(b, grp));
  // Lookups through the rebuilt indexes, case-insensitively and by alias.
  CHECK(a.find_id("t1562.001") == b.find_id("t1562.001"));
  CHECK(b.find(object_type::technique, "T1562.001").has_value());
  CHECK(a.find_name("apt29") == b.find_name("apt29"));
  auto r = resolve(b, "T1089");
  REQUIRE(r.replaced_by);
  CHECK(b[*r.replaced_by].id == "T1562.001");
  CHECK(search(a, "ptrace").size() == search(b, "ptrace").size());
}

TEST_CASE("a snapshot keeps D3FEND and every inferred mapping") {
  const d3fend_ontology* d1 = sources().d3fend();
  const d3fend_ontology* d2 = reopened().d3fend();
  REQUIRE(d1);
  REQUIRE(d2);
  CHECK(d1->version() == d2->version());
  REQUIRE(d1->size() == d2->size());
  for (d3fend_node n : every_node<d3fend_node>(d1->size())) {
    const auto& x = (*d1)[n];
    const auto& y = (*d2)[n];
    CHECK(x.id == y.id);
    CHECK(x.kind == y.kind);
    CHECK(x.label == y.label);
    CHECK(x.d3fend_id == y.d3fend_id);
    CHECK(x.attack_id == y.attack_id);
    CHECK(x.tactic == y.tactic);
    CHECK(x.revoked_by == y.revoked_by);
  }
  // Stored built in the image (format 3), not inferred again: the same rows, in order.
  REQUIRE(d1->all_mappings().size() == 5503);
  CHECK(same_rows(*d1, d1->all_mappings(), *d2, d2->all_mappings()));
  REQUIRE(d1->defensive_techniques().size() > 100);
  for (d3fend_node t : d1->defensive_techniques()) CHECK(d1->countered_techniques(t) == d2->countered_techniques(t));
  // 780 ATT&CK classes in D3FEND 0.17.0 (python: nodes with d3f:attack-id).
  CHECK(d2->attack_techniques().size() == 780);
  auto c = countermeasures_of(reopened(), "T1562.001");
  CHECK(c.coverage == d3fend_coverage::listed);
  bool terminates = false;
  for (const auto& row : c.rows)
    terminates |= (*d2)[row.countermeasure].name == "ProcessTermination" && row.def_relation == "terminates";
  CHECK(terminates);
}

namespace {

// Every reference of every node and every column of the matrix: the texts a
// snapshot's D3FEND image keeps out of its node entries (read on first use).
void check_same_extras(const d3fend_ontology& a, const d3fend_ontology& b) {
  REQUIRE(a.size() == b.size());
  std::size_t references = 0;
  for (d3fend_node n : every_node<d3fend_node>(a.size())) {
    auto x = a.references(n), y = b.references(n);
    REQUIRE(x.size() == y.size());
    references += x.size();
    for (std::size_t i = 0; i < x.size(); ++i) {
      CHECK(x[i].node == y[i].node);
      CHECK(x[i].title == y[i].title);
      CHECK(x[i].url == y[i].url);
      CHECK(x[i].organization == y[i].organization);
      CHECK(x[i].author == y[i].author);
    }
  }
  CHECK(references > 100);
  std::size_t cells = 0;
  for (d3fend_tactic t : all_d3fend_tactics) {
    auto x = a.matrix_column(t), y = b.matrix_column(t);
    REQUIRE(x.size() == y.size());
    cells += x.size();
    for (std::size_t i = 0; i < x.size(); ++i) {
      CHECK(x[i].technique == y[i].technique);
      CHECK(x[i].depth == y[i].depth);
    }
  }
  CHECK(cells > 100);
}

}  // namespace

TEST_CASE("a snapshot's D3FEND rows one at a time, and its node texts read on first use") {
  const d3fend_ontology* d1 = sources().d3fend();
  REQUIRE(d1);
  // A graph of its own: nothing asked of its ontology before.
  const knowledge_graph g = open_snapshot(snapshot_file());
  const d3fend_ontology* d2 = g.d3fend();
  REQUIRE(d2);
  // mapping(i) before all_mappings(): read where the image stores it.
  REQUIRE(d2->mapping_count() == 5503);
  std::vector<d3fend_mapping> one_by_one;
  std::size_t techniques_alike = 0;
  for (std::size_t i = 0; i < d2->mapping_count(); ++i) {
    one_by_one.push_back(d2->mapping(i));
    techniques_alike += d2->mapping_technique(i) == one_by_one.back().attack_technique;
  }
  CHECK(techniques_alike == 5503);
  CHECK(same_rows(*d1, d1->all_mappings(), *d2, one_by_one));
  CHECK(same_rows(*d2, d2->all_mappings(), *d2, one_by_one));
  // And from the sources (inferred, all_mappings() built first).
  REQUIRE(d1->mapping_count() == 5503);
  CHECK(d1->mapping(0).attack_id == d1->all_mappings()[0].attack_id);
  CHECK(d1->mapping(5502).def_relation == d1->all_mappings()[5502].def_relation);
  check_same_extras(*d1, *d2);
  // Written again from the snapshot (its texts read from its image): the same.
  temp_dir dir;
  save_snapshot(g, dir.path / "again.sqlite");
  const knowledge_graph again = open_snapshot(dir.path / "again.sqlite");
  REQUIRE(again.d3fend());
  check_same_extras(*d1, *again.d3fend());
}

namespace {
// Every field of two node entries.
bool same_entry(const d3fend_entry& x, const d3fend_entry& y) {
  return x.id == y.id && x.name == y.name && x.label == y.label && x.kind == y.kind && x.tactic == y.tactic &&
         x.attack_id == y.attack_id && x.d3fend_id == y.d3fend_id && x.revoked_by == y.revoked_by &&
         x.definition == y.definition && x.kb_article == y.kb_article && x.deprecated == y.deprecated;
}
}  // namespace

TEST_CASE("a snapshot's D3FEND entries and keys are read on first use, alike from several threads") {
  const d3fend_ontology& d1 = *sources().d3fend();
  // Keys of every kind, asked of fresh graphs: the first lookups of each
  // compare the stored keys one by one, later ones use the index.
  std::vector<std::string> keys{"T1562.001", "t1562.001", "M1047", "m1047", "D3-PT", "d3-pt", "ProcessTermination",
                                "d3f:ProcessTermination", "d3f:processtermination", "T1089", "T9999", "D3-NOPE", ""};
  for (d3fend_node n : every_node<d3fend_node>(d1.size()))
    if (static_cast<std::uint32_t>(n) % 97 == 0) {
      keys.emplace_back(d1[n].id);
      if (!d1[n].attack_id.empty()) keys.emplace_back(d1[n].attack_id);
      if (!d1[n].d3fend_id.empty()) keys.emplace_back(d1[n].d3fend_id);
    }
  REQUIRE(keys.size() > 60);
  std::size_t found = 0;
  for (std::size_t first = 0; first < keys.size(); first += 6) {
    const knowledge_graph g = open_snapshot(snapshot_file());
    const d3fend_ontology& d2 = *g.d3fend();
    for (std::size_t i = first; i < std::min(keys.size(), first + 6); ++i) {
      CAPTURE(keys[i]);
      CHECK(d2.find(keys[i]) == d1.find(keys[i]));
      CHECK(d2.find_attack(keys[i]) == d1.find_attack(keys[i]));
      found += d1.find(keys[i]).has_value();
    }
  }
  CHECK(found > 50);
  const knowledge_graph g = open_snapshot(snapshot_file());
  const d3fend_ontology& d2 = *g.d3fend();
  std::size_t statements = 0;
  for (d3fend_node n : every_node<d3fend_node>(d1.size())) {
    if (!d1[n].attack_id.empty()) CHECK(d2.find_attack(d1[n].attack_id) == d1.find_attack(d1[n].attack_id));
    if (!d1[n].d3fend_id.empty()) CHECK(d2.find(d1[n].d3fend_id) == d1.find(d1[n].d3fend_id));
    CHECK(d2.find(d1[n].id) == d1.find(d1[n].id));
    auto x = d1.statements(n), y = d2.statements(n);
    REQUIRE(x.size() == y.size());
    statements += x.size();
    for (std::size_t i = 0; i < x.size(); ++i) {
      CHECK(x[i].relation == y[i].relation);
      CHECK(x[i].target == y[i].target);
      CHECK(x[i].relation_name == y[i].relation_name);
    }
    auto a = d1.artifacts(n), b = d2.artifacts(n);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].relation_name == b[i].relation_name);
  }
  CHECK(statements > 1000);
  // The hierarchies, closure and indexes, built on first use (from is_a here,
  // as the engine asks first), answer as the sources'.
  {
    const knowledge_graph h = open_snapshot(snapshot_file());
    const d3fend_ontology& d5 = *h.d3fend();
    const d3fend_node pt = *d1.find("D3-PT");
    REQUIRE(d1.parent(pt));
    CHECK(d5.is_a(pt, *d1.parent(pt)));
    std::size_t links = 0, uses = 0;
    for (d3fend_node n : every_node<d3fend_node>(d1.size())) {
      CHECK(d5.parents(n) == d1.parents(n));
      CHECK(d5.children(n) == d1.children(n));
      CHECK(d5.ancestors(n) == d1.ancestors(n));
      CHECK(d5.inverse_of(n) == d1.inverse_of(n));
      links += d1.ancestors(n).size();
      if (d1[n].kind == d3fend_kind::property) CHECK(d5.super_properties(n) == d1.super_properties(n));
      if (d1[n].kind == d3fend_kind::attack_mitigation) CHECK(d5.related_techniques(n) == d1.related_techniques(n));
    }
    for (d3fend_node a : d1.artifact_classes()) {
      auto x = d1.offensive_uses(a, true), y = d5.offensive_uses(a, true);
      REQUIRE(x.size() == y.size());
      uses += x.size();
      for (std::size_t i = 0; i < x.size(); ++i)
        CHECK(std::tie(x[i].technique, x[i].artifact, x[i].relation_name) == std::tie(y[i].technique, y[i].artifact, y[i].relation_name));
      CHECK(d1.defensive_uses(a, false).size() == d5.defensive_uses(a, false).size());
    }
    CHECK(links > 5000);
    CHECK(uses > 500);
  }
  // Entries filled block by block while four threads read them, each in its own order.
  const knowledge_graph fresh = open_snapshot(snapshot_file());
  const d3fend_ontology& d3 = *fresh.d3fend();
  const auto [read, wrong] =
      read_from_four_threads<d3fend_node>(d1.size(), [&](d3fend_node n) { return !same_entry(d1[n], d3[n]); });
  CHECK(read == 4 * d1.size());
  CHECK(wrong == 0);
  CHECK_THROWS_AS(d3[d3fend_node{static_cast<std::uint32_t>(d3.size())}], std::out_of_range);
  // The same through the cache's image file, whose arena holds the entries
  // beside the D3FEND image.
  cache_setup setup;
  setup.o.d3fend_file = data / "d3fend" / "d3fend-0.17.0.json";
  graph_origin first, second;
  const knowledge_graph cold = load_cached(setup.o, setup.c, &first);
  const knowledge_graph warm = load_cached(setup.o, setup.c, &second);
  REQUIRE(first.kind == "sources");
  REQUIRE(second.kind == "cache");
  const d3fend_ontology& d4 = *warm.d3fend();
  REQUIRE(d4.size() == d1.size());
  std::size_t alike = 0;
  for (d3fend_node n : every_node<d3fend_node>(d1.size())) alike += same_entry(d1[n], d4[n]);
  CHECK(alike == d1.size());
  CHECK(d4.find("D3-PT") == d1.find("D3-PT"));
  CHECK(same_rows(d1, d1.all_mappings(), d4, d4.all_mappings()));
}

TEST_CASE("snapshot metadata names the sources with their SHA-256") {
  snapshot_info info = read_snapshot_info(snapshot_file());
  CHECK(info.schema_version == snapshot_schema_version);
  CHECK(info.d3fend_version == "0.17.0");
  CHECK(info.attack_releases == "enterprise 18.1, mobile 18.1, ics 18.1");
  REQUIRE(info.sources.size() == 4);
  CHECK(info.sources[3].kind == "d3fend");
  // sha256sum of the shared file computed independently must agree with the library's.
  CHECK(info.sources[0].sha256 == sha256_file(data / "attack" / "enterprise-attack-18.1.json"));
  CHECK(info.sources[0].sha256.size() == 64);
  CHECK(info.sources[0].bytes == 45104834);  // data/README.md: 45,104,834 bytes
}

TEST_CASE("bad snapshots are refused with one clear line") {
  temp_dir dir;
  SUBCASE("missing") {
    CHECK_THROWS_WITH_AS(open_snapshot(dir.path / "nope.sqlite"), doctest::Contains("no such snapshot file"),
                         error);
  }
  SUBCASE("not SQLite") {
    fs::path f = dir.path / "text.sqlite";
    std::ofstream(f) << "hello, this is not a database\n";
    try {
      open_snapshot(f);
      FAIL("expected an error");
    } catch (const error& e) {
      CHECK(e.code() == errc::bad_snapshot);
      CHECK(std::string(e.what()).find(f.string()) != std::string::npos);
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  }
  SUBCASE("truncated") {
    fs::path f = dir.path / "cut.sqlite";
    fs::copy_file(snapshot_file(), f);
    fs::resize_file(f, fs::file_size(f) / 2);
    CHECK_THROWS_AS(open_snapshot(f), error);
  }
  // Overwrites every occurrence of `from` in the file with `to` (same length).
  auto patch = [](const fs::path& f, std::string_view from, std::string_view to) {
    std::string bytes;
    {
      std::ifstream in(f, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::size_t hits = 0;
    for (auto p = bytes.find(from); p != std::string::npos; p = bytes.find(from, p + 1), ++hits)
      bytes.replace(p, to.size(), to);
    std::ofstream(f, std::ios::binary | std::ios::trunc) << bytes;
    return hits;
  };
  SUBCASE("a damaged graph image") {
    fs::path f = dir.path / "bad-image.sqlite";
    fs::copy_file(snapshot_file(), f);
    // A description only the ATT&CK parts hold (the image and the objects table).
    REQUIRE(patch(f, "Adversaries may modify and/or disable security tools", "Adversaries may modify and/or disable security toolz") >= 1);
    try {
      open_snapshot(f);
      FAIL("expected an error");
    } catch (const error& e) {
      CHECK(e.code() == errc::bad_snapshot);
      CHECK(std::string(e.what()).find("checksum") != std::string::npos);
    }
  }
  SUBCASE("a D3FEND image of the older format (no stored mappings)") {
    fs::path f = dir.path / "old-d3fend.sqlite";
    fs::copy_file(snapshot_file(), f);
    REQUIRE(patch(f, std::string_view("MKGD3F3\0", 8), std::string_view("MKGD3F2\0", 8)) == 1);
    CHECK_THROWS_WITH_AS(open_snapshot(f), doctest::Contains("another format or version"), error);
  }
  SUBCASE("damaged D3FEND rows") {
    fs::path f = dir.path / "bad-d3fend.sqlite";
    fs::copy_file(snapshot_file(), f);
    REQUIRE(patch(f, "d3f:ProcessTermination", "d3f:ProcessTerminatioX") >= 1);
    CHECK_THROWS_WITH_AS(open_snapshot(f), doctest::Contains("checksum"), error);
  }
  SUBCASE("garbage in the middle of the file") {
    fs::path f = dir.path / "bad.sqlite";
    fs::copy_file(snapshot_file(), f);
    {
      std::fstream io(f, std::ios::in | std::ios::out | std::ios::binary);
      io.seekp(static_cast<std::streamoff>(fs::file_size(f) / 3));
      std::string junk(64 * 1024, '\xA5');
      io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    // What the reader uses is checked on every open; the whole file by verify_snapshot.
    CHECK_THROWS_AS(verify_snapshot(f), error);
  }
  SUBCASE("a directory") { CHECK_THROWS_AS(open_snapshot(dir.path), error); }
}

TEST_CASE("the cache builds once, then answers from the snapshot; stale sources rebuild it") {
  cache_setup setup;
  const fs::path& bundle = setup.bundle;
  const load_options& o = setup.o;
  const cache_options& c = setup.c;

  graph_origin first, second, third, off;
  auto g1 = load_cached(o, c, &first);
  CHECK(first.kind == "sources");
  CHECK(fs::exists(first.snapshot));
  auto g2 = load_cached(o, c, &second);
  CHECK(second.kind == "cache");
  CHECK(second.snapshot == first.snapshot);
  CHECK(g1.size() == g2.size());

  // Corrupt the cache: it is detected and rebuilt, never trusted.
  { std::ofstream(second.snapshot, std::ios::trunc) << "garbage"; }
  auto g3 = load_cached(o, c, &third);
  CHECK(third.kind == "rebuilt-cache");
  CHECK(third.note.find("unusable") != std::string::npos);
  CHECK(g3.size() == g1.size());
  CHECK(load_cached(o, c, &third).size() == g1.size());
  CHECK(third.kind == "cache");

  // A damaged image file beside a sound snapshot: a damaged header is found on
  // open (the entry is rebuilt); a damaged block when a question first reads it
  // (error(bad_snapshot), and the image file is dropped: the snapshot's own
  // copy answers next time).
  fs::path image = second.snapshot;
  image.replace_extension(".image");
  auto damage = [&](std::streamoff at) {
    REQUIRE(fs::exists(image));
    std::fstream io(image, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(at);
    io.write("XXXXXXXX", 8);
  };
  graph_origin fifth;
  // The file's own header (40 bytes: magic, build id, three sizes), its copy of
  // the tables (size at byte 16), then the ATT&CK image.
  std::uint64_t tables_size = 0;
  {
    std::ifstream in(image, std::ios::binary);
    in.seekg(16);
    in.read(reinterpret_cast<char*>(&tables_size), 8);
  }
  REQUIRE(tables_size > 8);
  damage(static_cast<std::streamoff>(40 + tables_size + 16));   // the ATT&CK image's header
  CHECK(load_cached(o, c, &fifth).size() == g1.size());
  CHECK(fifth.kind == "rebuilt-cache");
  damage(static_cast<std::streamoff>(fs::file_size(image) - 8));   // the last text of the string area
  {
    knowledge_graph g = load_cached(o, c, &fifth);
    CHECK(fifth.kind == "cache");
    CHECK_THROWS_WITH_AS(all_text(g), doctest::Contains("checksum does not match (strings block"), error);
    CHECK_FALSE(fs::exists(image));
  }
  CHECK(all_text(load_cached(o, c, &fifth)) == all_text(g1));
  CHECK(fifth.kind == "cache");
  // Written again by the next rebuild; the checks below need it.
  fs::remove(second.snapshot);
  CHECK(load_cached(o, c, &fifth).size() == g1.size());
  REQUIRE(fs::exists(image));
  // An image file of another build (a concurrent writer's) is ignored: the snapshot's own images answer.
  {
    fs::path image = second.snapshot;
    image.replace_extension(".image");
    std::fstream io(image, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(8);
    io.write("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  }
  CHECK(load_cached(o, c, &fifth).size() == g1.size());
  CHECK(fifth.kind == "cache");

  auto g4 = load_cached(o, cache_options{c.dir, false}, &off);
  CHECK(off.kind == "sources");

  // A changed source gets a new key (size/mtime): the new content is what answers.
  {
    std::ifstream in(bundle);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto pos = text.find("\"name\": \"");
    REQUIRE(pos != std::string::npos);
    text.insert(pos + 9, "Renamed ");
    std::ofstream(bundle, std::ios::trunc) << text;
  }
  graph_origin fourth;
  auto g5 = load_cached(o, c, &fourth);
  CHECK(fourth.kind == "sources");
  CHECK(fourth.snapshot != first.snapshot);
  bool renamed = false;
  for (node n : every_node<node>(g5.size())) renamed |= g5[n].name.substr(0, 8) == "Renamed ";
  CHECK(renamed);
}

// Replaces every `from` in `file` by `to` (same length); returns how many.
std::size_t replace_bytes(const fs::path& file, std::string_view from, std::string_view to) {
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::size_t hits = 0;
  for (auto p = bytes.find(from); p != std::string::npos; p = bytes.find(from, p + 1), ++hits) bytes.replace(p, to.size(), to);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  return hits;
}

TEST_CASE("a warm cache call answers from the image file alone, never opening the SQLite snapshot") {
  cache_setup setup;
  graph_origin first, second, third;
  knowledge_graph g1 = load_cached(setup.o, setup.c, &first);
  REQUIRE(first.kind == "sources");
  const std::vector<std::string> expected = all_text(g1);
  REQUIRE(expected.size() > 10);
  // The snapshot overwritten in place with zeros (same inode and size): SQLite
  // could not open it, yet the warm call answers, every text the same.
  const auto bytes = fs::file_size(first.snapshot);
  {
    std::fstream io(first.snapshot, std::ios::in | std::ios::out | std::ios::binary);
    const std::string zeros(static_cast<std::size_t>(bytes), '\0');
    io.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  REQUIRE(fs::file_size(first.snapshot) == bytes);
  {
    knowledge_graph g2 = load_cached(setup.o, setup.c, &second);
    CHECK(second.kind == "cache");
    CHECK(all_text(g2) == expected);
    CHECK(g2.files().size() == g1.files().size());
    CHECK(g2.report().samples == g1.report().samples);
  }
  // The image file's copy of the tables damaged (one byte of its metadata): it
  // no longer answers alone, the snapshot is opened, found unusable, rebuilt.
  fs::path image = first.snapshot;
  image.replace_extension(".image");
  {
    std::fstream io(image, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(40 + 8 + 24 + 8 + 8 + 2);   // header, checksum, identity, count, first key's length; its 3rd byte
    char c = 0;
    io.read(&c, 1);
    io.seekp(40 + 8 + 24 + 8 + 8 + 2);
    c = static_cast<char>(c ^ 0x20);
    io.write(&c, 1);
  }
  knowledge_graph g3 = load_cached(setup.o, setup.c, &third);
  CHECK(third.kind == "rebuilt-cache");
  CHECK(third.note.find("unusable") != std::string::npos);
  CHECK(all_text(g3) == expected);
  // A snapshot replaced by another file (new inode): the image file does not answer for it.
  {
    fs::path copy = first.snapshot;
    copy += ".copy";
    fs::copy_file(first.snapshot, copy);
    fs::rename(copy, first.snapshot);
  }
  CHECK(all_text(load_cached(setup.o, setup.c, &third)) == expected);
  CHECK(third.kind == "cache");
}

TEST_CASE("a cache entry holding an image of the older format is rebuilt, never misread") {
  cache_setup setup;
  graph_origin first, second;
  knowledge_graph g1 = load_cached(setup.o, setup.c, &first);
  REQUIRE(first.kind == "sources");
  fs::path image = first.snapshot;
  image.replace_extension(".image");
  // The format-1 magics, as a cache written before schema 4 holds them.
  CHECK(replace_bytes(first.snapshot, "MKGIMG2", "MKGIMG1") >= 1);
  CHECK(replace_bytes(image, "MKGSIDE3", "MKGSIDE2") == 1);
  knowledge_graph g2 = load_cached(setup.o, setup.c, &second);
  CHECK(second.kind == "rebuilt-cache");
  CHECK(second.note.find("another format or version") != std::string::npos);
  CHECK(all_text(g2) == all_text(g1));
  CHECK(load_cached(setup.o, setup.c, &second).size() == g1.size());
  CHECK(second.kind == "cache");
}

TEST_CASE("concurrent rebuilds of one cache never expose a half-written snapshot") {
  temp_dir dir;
  load_options o;
  o.attack_files = {data / "attack" / "ics-attack-18.1.json"};
  cache_options c{dir.path / "cache", true};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  std::vector<std::size_t> sizes(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      try {
        for (int k = 0; k < 3; ++k) sizes[static_cast<std::size_t>(i)] = load_cached(o, c).size();
      } catch (...) {
        ++failures;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  for (auto s : sizes) CHECK(s == sizes[0]);
  // No temporary files are left behind: exactly one snapshot and its image file remain.
  std::size_t snapshots = 0, images = 0, others = 0;
  for (const auto& e : fs::directory_iterator(c.dir)) {
    if (e.path().extension() == ".sqlite") ++snapshots;
    else if (e.path().extension() == ".image") ++images;
    else ++others;
  }
  CHECK(snapshots == 1);
  CHECK(images == 1);
  CHECK(others == 0);
  graph_origin origin;
  load_cached(o, c, &origin);
  CHECK(origin.kind == "cache");
}

TEST_CASE("cache files changed underneath a running process neither crash it nor change its answers") {
  cache_setup setup;
  const load_options& o = setup.o;
  const cache_options& c = setup.c;
  graph_origin first, second;
  load_cached(o, c, &first);
  REQUIRE(first.kind == "sources");
  knowledge_graph g = load_cached(o, c, &second);
  REQUIRE(second.kind == "cache");
  const std::vector<std::string> before = all_text(g);
  REQUIRE(before.size() >= 24);   // 4 objects, 6 texts each at least
  std::size_t changed = 0;
  SUBCASE("overwritten in place") {
    for (const auto& e : fs::directory_iterator(c.dir)) {
      std::fstream io(e.path(), std::ios::in | std::ios::out | std::ios::binary);
      std::string junk(fs::file_size(e.path()), 'Z');
      io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
      changed += io.good();
    }
  }
  SUBCASE("truncated in place") {
    for (const auto& e : fs::directory_iterator(c.dir)) {
      fs::resize_file(e.path(), 0);
      ++changed;
    }
  }
  CHECK(changed >= 1);
  CHECK(all_text(g) == before);
}

TEST_CASE("a source rewritten with the same size and modification time is not answered from the cache") {
  cache_setup setup;
  const fs::path& bundle = setup.bundle;
  const load_options& o = setup.o;
  const cache_options& c = setup.c;
  graph_origin first, second, third;
  load_cached(o, c, &first);
  REQUIRE(first.kind == "sources");
  REQUIRE(fs::exists(first.snapshot));
  load_cached(o, c, &second);
  REQUIRE(second.kind == "cache");
  // Same length, same mtime (what `touch -r` restores), other content.
  const auto mtime = fs::last_write_time(bundle);
  const auto size = fs::file_size(bundle);
  const std::string renamed = rename_in_place(bundle);
  REQUIRE(fs::file_size(bundle) == size);
  REQUIRE(fs::last_write_time(bundle) == mtime);
  knowledge_graph g = load_cached(o, c, &third);
  CHECK(third.kind != "cache");
  CHECK(has_name(g, renamed));
}

TEST_CASE("save_snapshot replaces a snapshot, never a source, another file unforced, or a non-regular file") {
  temp_dir dir;
  const fs::path bundle = settled_copy(dir.path);
  load_options o;
  o.attack_files = {bundle};
  const knowledge_graph g = knowledge_graph::load(o);
  const std::string original = content(bundle);
  CHECK(refused([&] { save_snapshot(g, bundle); }, "is an input of this run"));
  CHECK(content(bundle) == original);

  const fs::path notes = dir.path / "notes.txt";
  { std::ofstream(notes) << "my notes\n"; }
  CHECK(refused([&] { save_snapshot(g, notes); }, "is not a mitrekg snapshot"));
  CHECK(content(notes) == "my notes\n");
  save_snapshot(g, notes, {.force = true, .image = {}});
  CHECK(open_snapshot(notes).size() == g.size());
  save_snapshot(g, notes);   // now a snapshot: replaced without force
  CHECK(open_snapshot(notes).size() == g.size());

  CHECK(refused([&] { save_snapshot(g, "/dev/null", {.force = true, .image = {}}); }, "is a character device"));
  CHECK(fs::is_character_file("/dev/null"));
  const fs::path link = dir.path / "link.sqlite";
  fs::create_symlink(notes, link);
  CHECK(refused([&] { save_snapshot(g, link, {.force = true, .image = {}}); }, "is a symbolic link"));
  CHECK(fs::is_symlink(link));
  // No temporary file is left by the refusals.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++files;
  CHECK(files == 3);   // bundle.json, notes.txt, link.sqlite
}

TEST_CASE("a prebuilt snapshot answers for its own sources, in place or copied, and never for changed ones") {
  cache_setup setup;
  const fs::path prebuilt = setup.dir.path / "mitrekg.sqlite";
  save_snapshot(knowledge_graph::load(setup.o), prebuilt);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  cache_options c = setup.c;
  c.prebuilt = prebuilt;

  // In place: the recorded paths, sizes and mtimes, no source changed since.
  graph_origin in_place;
  knowledge_graph a = load_cached(setup.o, c, &in_place);
  CHECK(in_place.kind == "prebuilt");
  CHECK(in_place.snapshot == prebuilt);
  CHECK(in_place.note.empty());
  CHECK_FALSE(fs::exists(c.dir));   // nothing was cached
  CHECK(a.size() == knowledge_graph::load(setup.o).size());

  // Copied elsewhere (an installed data folder): checked by content once, then
  // a marker in the cache lets the next call open it at once.
  temp_dir other;
  fs::path copy = other.path / "bundle.json";
  fs::copy_file(setup.bundle, copy);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  load_options moved;
  moved.attack_files = {copy};
  graph_origin first, second;
  load_cached(moved, c, &first);
  CHECK(first.kind == "prebuilt");
  CHECK(first.note == "its sources verified by content");
  std::size_t markers = 0;
  for (const auto& e : fs::directory_iterator(c.dir)) markers += e.path().extension() == ".prebuilt";
  CHECK(markers == 1);
  load_cached(moved, c, &second);
  CHECK(second.kind == "prebuilt");
  CHECK(second.note.empty());

  // The copy rewritten with the same size and mtime: neither the marker nor the
  // content check lets the prebuilt snapshot answer; the new name is seen.
  const std::string renamed = rename_in_place(copy);
  graph_origin third;
  knowledge_graph b = load_cached(moved, c, &third);
  CHECK(third.kind != "prebuilt");
  CHECK(has_name(b, renamed));

  // The original rewritten the same way: its ctime is now after the snapshot.
  const std::string renamed_too = rename_in_place(setup.bundle);
  graph_origin fourth;
  knowledge_graph d = load_cached(setup.o, c, &fourth);
  CHECK(fourth.kind != "prebuilt");
  CHECK(has_name(d, renamed_too));
}

TEST_CASE("a prebuilt snapshot with its image file answers without SQLite; the image file replaces only its own kind") {
  cache_setup setup;
  const fs::path prebuilt = setup.dir.path / "mitrekg.sqlite";
  const fs::path image = setup.dir.path / "mitrekg.image";
  knowledge_graph g = knowledge_graph::load(setup.o);
  const std::vector<std::string> expected = all_text(g);
  REQUIRE(expected.size() > 10);
  save_snapshot(g, prebuilt, {.force = false, .image = image});
  REQUIRE(fs::file_size(image) > 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  cache_options c = setup.c;
  c.prebuilt = prebuilt;

  // The snapshot zeroed in place (same inode and size): SQLite could not open
  // it, so an answer can only come from the image file, and it is whole.
  const auto bytes = fs::file_size(prebuilt);
  {
    std::fstream io(prebuilt, std::ios::in | std::ios::out | std::ios::binary);
    const std::string zeros(static_cast<std::size_t>(bytes), '\0');
    io.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  graph_origin o;
  knowledge_graph a = load_cached(setup.o, c, &o);
  CHECK(o.kind == "prebuilt");
  CHECK(all_text(a) == expected);
  CHECK_FALSE(fs::exists(c.dir));   // nothing was cached

  // Rewritten as a new file (another inode): the image file does not answer for
  // it; the snapshot itself is opened. (Zeroed, it is no snapshot: forced.)
  CHECK_THROWS_AS(save_snapshot(g, prebuilt), error);
  save_snapshot(g, prebuilt, {.force = true, .image = {}});
  fs::path copy = prebuilt;
  copy += ".copy";
  fs::copy_file(prebuilt, copy);
  fs::rename(copy, prebuilt);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  graph_origin o2;
  CHECK(all_text(load_cached(setup.o, c, &o2)) == expected);
  CHECK(o2.kind == "prebuilt");

  // The image path: an image file is replaced unforced, another file is not,
  // nor the snapshot itself, nor a source.
  save_snapshot(g, prebuilt, {.force = false, .image = image});
  const fs::path notes = setup.dir.path / "notes.txt";
  { std::ofstream(notes) << "my notes\n"; }
  CHECK(refused([&] { save_snapshot(g, prebuilt, {.force = false, .image = notes}); }, "is not a mitrekg image file"));
  CHECK(content(notes) == "my notes\n");
  CHECK(refused([&] { save_snapshot(g, prebuilt, {.force = false, .image = prebuilt}); }, "is the snapshot itself"));
  CHECK(refused([&] { save_snapshot(g, prebuilt, {.force = false, .image = setup.bundle}); }, "is an input of this run"));
  CHECK(refused([&] { save_snapshot(g, prebuilt, {.force = true, .image = "/dev/null"}); }, "is a character device"));
}

TEST_CASE("the cache lists its entries, prunes the least recently used, and keeps itself under its cap") {
  temp_dir dir;
  const fs::path cache_dir = dir.path / "cache";
  // Three source sets: the same fixture under three names (three keys).
  std::vector<load_options> sets;
  for (const char* name : {"a.json", "b.json", "c.json"}) {
    fs::copy_file(fixtures / "stix21-bundle.json", dir.path / name);
    load_options o;
    o.attack_files = {dir.path / name};
    sets.push_back(o);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  cache_options unlimited{cache_dir, true};
  unlimited.max_bytes = 0;
  for (const auto& o : sets) load_cached(o, unlimited);
  auto entries = list_cache(cache_dir);
  REQUIRE(entries.size() == 3);
  for (const auto& e : entries) {
    CHECK(e.readable);
    REQUIRE(e.sources.size() == 1);
    CHECK(e.bytes > fs::file_size(e.snapshot));   // the image file counts too
  }
  // Most recently used first: c, then b, then a. Using a again makes it the newest.
  CHECK(fs::path(entries[0].sources[0].path).filename() == "c.json");
  CHECK(fs::path(entries[2].sources[0].path).filename() == "a.json");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  graph_origin hit;
  load_cached(sets[0], unlimited, &hit);
  REQUIRE(hit.kind == "cache");
  entries = list_cache(cache_dir);
  REQUIRE(entries.size() == 3);
  CHECK(fs::path(entries[0].sources[0].path).filename() == "a.json");

  // Prune to one entry's size: the two least recently used (b, then c) go; a stays.
  auto r = prune_cache(cache_dir, entries[0].bytes);
  CHECK(r.removed == 2);
  CHECK(r.kept == entries[0].bytes);
  entries = list_cache(cache_dir);
  REQUIRE(entries.size() == 1);
  CHECK(fs::path(entries[0].sources[0].path).filename() == "a.json");

  // clean (max 0) keeps only what it is told to keep.
  load_cached(sets[1], unlimited);
  REQUIRE(list_cache(cache_dir).size() == 2);
  r = prune_cache(cache_dir, 0, {entries[0].snapshot});
  CHECK(r.removed == 1);
  REQUIRE(list_cache(cache_dir).size() == 1);
  CHECK(list_cache(cache_dir)[0].snapshot == entries[0].snapshot);

  // A damaged entry is removed first, whatever its age.
  { std::ofstream(cache_dir / "0123456789abcdef0123456789abcdef.sqlite") << "not a snapshot"; }
  entries = list_cache(cache_dir);
  REQUIRE(entries.size() == 2);
  CHECK(std::count_if(entries.begin(), entries.end(), [](const cache_entry& e) { return !e.readable; }) == 1);
  r = prune_cache(cache_dir, 1'000'000'000);
  CHECK(r.removed == 1);
  CHECK(list_cache(cache_dir).size() == 1);

  // With a cap of one entry, writing a new entry evicts the others by itself.
  cache_options capped{cache_dir, true};
  capped.max_bytes = list_cache(cache_dir)[0].bytes + 1000;
  load_cached(sets[2], capped);
  entries = list_cache(cache_dir);
  REQUIRE(entries.size() == 1);
  CHECK(fs::path(entries[0].sources[0].path).filename() == "c.json");
  CHECK(list_cache(dir.path / "nowhere").empty());
}

TEST_CASE("a snapshot keeps every load-warning counter") {
  temp_dir dir;
  // One orphan sub-technique (no parent link) and one STIX id reused by another type.
  const fs::path bundle = dir.path / "warnings.json";
  {
    std::ofstream out(bundle);
    out << R"({"type": "bundle", "id": "bundle--1", "objects": [
  {"type": "attack-pattern", "id": "attack-pattern--00000000-0000-4000-8000-000000000001", "name": "Orphan",
   "x_mitre_is_subtechnique": true, "modified": "2025-01-01T00:00:00.000Z",
   "external_references": [{"source_name": "mitre-attack", "external_id": "T9999.001"}]},
  {"type": "intrusion-set", "id": "attack-pattern--00000000-0000-4000-8000-000000000001", "name": "Impostor",
   "modified": "2025-01-01T00:00:00.000Z"}
]})";
  }
  load_options o;
  o.attack_files = {bundle};
  knowledge_graph g = knowledge_graph::load(o);
  REQUIRE(g.report().orphan_subtechniques == 1);
  REQUIRE(g.report().duplicate_ids == 1);
  save_snapshot(g, dir.path / "w.sqlite");
  knowledge_graph h = open_snapshot(dir.path / "w.sqlite");
  const auto& a = g.report();
  const auto& b = h.report();
  CHECK(b.orphan_subtechniques == a.orphan_subtechniques);
  CHECK(b.duplicate_ids == a.duplicate_ids);
  CHECK(b.extra_parents == a.extra_parents);
  CHECK(b.deep_subtechniques == a.deep_subtechniques);
  CHECK(b.total() == a.total());
}

TEST_CASE("parse_byte_size reads bytes and units, and nothing else") {
  CHECK(parse_byte_size("200000") == 200000u);
  CHECK(parse_byte_size("50M") == 50'000'000u);
  CHECK(parse_byte_size("50mb") == 50'000'000u);
  CHECK(parse_byte_size("1G") == 1'000'000'000u);
  CHECK(parse_byte_size("1GiB") == (std::uintmax_t{1} << 30));
  CHECK(parse_byte_size("512KiB") == 512u * 1024u);
  CHECK(parse_byte_size("0") == 0u);
  CHECK(parse_byte_size("7B") == 7u);
  for (const char* bad : {"", "M", "-5", "+5", "1.5G", "5 M", " 5", "5M ", "10X", "1e6", "99999999999999999999999",
                          "18446744073709551615K", "5MiBB"})
    CHECK_MESSAGE(!parse_byte_size(bad), bad);
}

TEST_CASE("cache_entry_path names the entry load_cached writes; only the cache's own files are entries") {
  cache_setup setup;
  const cache_options& c = setup.c;
  const fs::path expected = cache_entry_path(setup.o, c.dir);
  CHECK(expected.parent_path() == c.dir);
  CHECK(expected.extension() == ".sqlite");
  CHECK_FALSE(fs::exists(expected));   // nothing is written to name it
  graph_origin first;
  load_cached(setup.o, c, &first);
  REQUIRE(first.snapshot == expected);
  // Foreign files: other names, a symbolic link and a folder under cache names.
  { std::ofstream(c.dir / "notes.sqlite") << "mine"; }
  { std::ofstream(c.dir / "ABCDEF0123456789ABCDEF0123456789.sqlite") << "mine"; }
  fs::create_directory(c.dir / "11111111111111111111111111111111.image");
  fs::create_symlink(c.dir / "notes.sqlite", c.dir / "22222222222222222222222222222222.sqlite");
  auto entries = list_cache(c.dir);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].kind == "snapshot");
  CHECK(entries[0].key == expected.stem().string());
  auto r = prune_cache(c.dir, 0);
  CHECK(r.removed == 1);
  CHECK(list_cache(c.dir).empty());
  CHECK(fs::exists(c.dir / "notes.sqlite"));
  CHECK(fs::exists(c.dir / "ABCDEF0123456789ABCDEF0123456789.sqlite"));
  CHECK(fs::is_directory(c.dir / "11111111111111111111111111111111.image"));
  CHECK(fs::is_symlink(c.dir / "22222222222222222222222222222222.sqlite"));
  // A cache folder that is a file cannot be read: the error says so.
  std::error_code ec;
  CHECK(list_cache(c.dir / "notes.sqlite", ec).empty());
  CHECK(ec == std::errc::not_a_directory);
  CHECK(list_cache(c.dir / "missing", ec).empty());
  CHECK_FALSE(ec);
}

TEST_CASE("cache_options::d3fend = false: a cached graph comes without D3FEND, and the entry stays whole") {
  cache_setup setup;
  load_options o = setup.o;
  o.d3fend_file = data / "d3fend" / "d3fend-0.17.0.json";
  graph_origin first;
  knowledge_graph whole = load_cached(o, setup.c, &first);
  REQUIRE(whole.d3fend() != nullptr);
  cache_options without = setup.c;
  without.d3fend = false;
  graph_origin second;
  knowledge_graph attack_only = load_cached(o, without, &second);
  CHECK(second.kind == "cache");
  CHECK(attack_only.d3fend() == nullptr);
  CHECK(attack_only.size() == whole.size());
  REQUIRE(attack_only.find(object_type::technique, "T1059"));
  CHECK(attack_only[*attack_only.find(object_type::technique, "T1059")].name == "Command and Scripting Interpreter");
  graph_origin third;
  knowledge_graph again = load_cached(o, setup.c, &third);
  CHECK(third.kind == "cache");
  REQUIRE(again.d3fend() != nullptr);
  CHECK(again.d3fend()->defensive_techniques().size() == whole.d3fend()->defensive_techniques().size());
}
