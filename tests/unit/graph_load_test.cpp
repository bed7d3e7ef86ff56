// knowledge_graph::load internals: a loaded graph owns its strings (the bundle file may change underneath), the
// parallel load answers exactly as the one-core load, and a first bundle read straight into the graph builds
// the graph its records build.
#include <doctest/doctest.h>

#include <malloc.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <boost/range/iterator_range.hpp>
#include <fmt/format.h>

#include "graph/graph_impl.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/graph.hpp"
#include "mitrekg/query.hpp"
#include "stix/bundle_reader.hpp"
#include "support/bulk_heap.hpp"
#include "support/handles.hpp"
#include "support/helper_thread.hpp"
#include "support/huge_pages.hpp"
#include "support/input_file.hpp"

using namespace mitrekg;
namespace fs = std::filesystem;

namespace {

const fs::path data = MITREKG_TEST_DATA;

// Every field of every object and every edge, as text: two graphs answer alike when their dumps are equal.
std::string dump(const knowledge_graph& g) {
  std::string out;
  for (node n : all_handles<node>(g.size())) {
    const attack_object& o = g[n];
    out += fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}\n", static_cast<int>(o.type), o.stix_type, o.stix_id,
                       o.id, o.name, o.description, o.url, o.shortname, o.modified, o.version, o.domains, o.revoked,
                       o.deprecated, o.is_subtechnique);
    for (auto p : o.platforms) out += fmt::format(" p {}", p);
    for (auto a : o.aliases) out += fmt::format(" a {}", a);
    for (const auto& k : o.kill_chain_phases) out += fmt::format(" k {}:{}", k.kill_chain_name, k.phase_name);
    for (int r = 0; r <= static_cast<int>(relation::other); ++r)
      for (const edge& e : g.out_edges(n, static_cast<relation>(r)))
        out += fmt::format(" e{} {} {} {}|{}|{}|{}{}\n", r, index_of(e.target), e.stix_id, e.description, e.log_source,
                           to_string(e.type), e.revoked, e.deprecated);
    out += '\n';
  }
  for (const source_file& f : g.files()) out += fmt::format("file {} {} {} {} {}\n", f.path, f.domain, f.release, f.bytes, f.objects);
  const load_report& r = g.report();
  out += fmt::format("report {} {} {} {} {}\n", r.unknown_types, r.unknown_properties, r.dangling_references,
                     r.merged_objects, r.samples.size());
  if (const d3fend_ontology* d = g.d3fend()) {
    out += fmt::format("d3fend {} {}\n", d->size(), d->version());
    for (d3fend_node n : all_handles<d3fend_node>(d->size())) {
      const d3fend_entry& e = (*d)[n];
      out += fmt::format("{}|{}|{}|{}|{}|{}|{}\n", static_cast<int>(e.kind), e.id, e.label, e.definition, e.d3fend_id,
                         e.attack_id, e.deprecated);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a bundle truncated or rewritten under a loaded graph: no crash, the same answers") {
  const fs::path source = data / "attack" / "ics-attack-18.1.json";
  REQUIRE(fs::exists(source));
  const fs::path copy = fs::temp_directory_path() / fmt::format("mitrekg-truncate-{}.json", ::getpid());
  fs::copy_file(source, copy, fs::copy_options::overwrite_existing);
  load_options o;
  o.attack_files = {copy};
  auto g = knowledge_graph::load(o);
  const std::string before = dump(g);
  REQUIRE(g.size() == 452);
  const auto t0866 = g.find(object_type::technique, "T0866");
  REQUIRE(t0866);
  const std::string name = std::string(g[*t0866].name);
  CHECK(name == "Exploitation of Remote Services");

  // Truncated to nothing: a view into a mapping of the file would raise SIGBUS here.
  fs::resize_file(copy, 0);
  CHECK(dump(g) == before);
  // Rewritten with other bytes of the same length: a view into the file would now read them.
  {
    std::ofstream out(copy, std::ios::binary | std::ios::trunc);
    out << std::string(fs::file_size(source), 'x');
  }
  CHECK(dump(g) == before);
  CHECK(g[*t0866].name == name);
  const auto s = stats(g, lookup_options{true, true, all_domains});
  CHECK(s.techniques == 95);   // revoked and deprecated included
  CHECK(s.relationships == 1373);
  fs::remove(copy);
}

TEST_CASE("a mapped file truncated underneath: its lost pages read as zeros and the mapping says so, no SIGBUS") {
  const fs::path file = fs::temp_directory_path() / fmt::format("mitrekg-mapped-{}.json", ::getpid());
  const fs::path other = fs::temp_directory_path() / fmt::format("mitrekg-mapped-{}-b.json", ::getpid());
  std::ofstream(file, std::ios::binary) << std::string(3 * 4096 + 100, 'a');
  std::ofstream(other, std::ios::binary) << std::string(100, 'b');
  {
    auto m = map_input_file(file, "a test file", std::size_t{1} << 20, 64);
    auto n = map_input_file(other, "a test file", std::size_t{1} << 20, 64);
    REQUIRE(m.size() == 3 * 4096 + 100);
    CHECK(m.data()[0] == 'a');
    CHECK(m.data()[m.size() - 1] == 'a');
    CHECK(m.data()[m.size()] == '\0');   // the padding
    CHECK_FALSE(m.damaged());
    fs::resize_file(file, 4096);
    const volatile char* bytes = m.data();
    CHECK(bytes[0] == 'a');                // the first page is still in the file
    CHECK(bytes[2 * 4096 + 7] == '\0');    // lost: zeros, not SIGBUS
    CHECK(m.damaged());
    CHECK_FALSE(n.damaged());
    CHECK(n.data()[99] == 'b');
  }
  fs::remove(file);
  fs::remove(other);
}

TEST_CASE("read_mapped: a pass over a file truncated underneath is that change, whatever the pass made of it") {
  const fs::path file = fs::temp_directory_path() / fmt::format("mitrekg-read-mapped-{}.json", ::getpid());
  const auto write = [&] { std::ofstream(file, std::ios::binary | std::ios::trunc) << std::string(3 * 4096 + 100, 'a'); };
  const auto message = [&](auto&& pass) -> std::string {
    auto m = map_input_file(file, "a test file", std::size_t{1} << 20, 64);
    try {
      pass(m);
      return "";
    } catch (const mitrekg::error& e) {
      CHECK(e.code() == errc::io_error);
      return e.what();
    }
  };
  // Untouched: the pass's value, and nothing thrown for a pass returning nothing.
  write();
  {
    auto m = map_input_file(file, "a test file", std::size_t{1} << 20, 64);
    CHECK(read_mapped(m, file.string(), [&] { return std::count(m.data(), m.data() + m.size(), 'a'); }) == 3 * 4096 + 100);
    int calls = 0;
    read_mapped(m, file.string(), [&] { ++calls; });
    CHECK(calls == 1);
  }
  // Truncated during a pass that returns: the change, not the count of what was left.
  volatile long counted = -1;   // used, so the compiler keeps the pass's reads
  const std::string returned = message([&](const mapped_input& m) {
    counted = read_mapped(m, file.string(), [&] {
      fs::resize_file(file, 4096);
      return std::count(m.data(), m.data() + m.size(), 'a');
    });
  });
  CHECK(counted == -1);   // nothing returned
  CHECK(returned.find("file shrank while being read") != std::string::npos);
  CHECK(returned.find(file.string()) != std::string::npos);
  // Truncated during a pass that then fails for its own reason: still the change.
  write();
  const std::string thrown = message([&](const mapped_input& m) {
    read_mapped(m, file.string(), [&] {
      fs::resize_file(file, 4096);
      if (m.data()[2 * 4096] == '\0') throw std::runtime_error("the pass saw zeros");
    });
  });
  CHECK(thrown.find("file shrank while being read") != std::string::npos);
  // A failure with the file intact goes through as it is.
  write();
  {
    auto m = map_input_file(file, "a test file", std::size_t{1} << 20, 64);
    CHECK_THROWS_AS(read_mapped(m, file.string(), [] { throw std::runtime_error("own"); }), std::runtime_error);
  }
  fs::remove(file);
}

TEST_CASE("the parallel load (two cores) answers as the one-core load, for several bundles and D3FEND") {
  load_options o;
  o.attack_files = {data / "attack" / "mobile-attack-18.1.json", data / "attack" / "ics-attack-18.1.json"};
  o.d3fend_file = data / "d3fend" / "d3fend-0.17.0.json";
  cpu_set_t all;
  CPU_ZERO(&all);
  REQUIRE(::sched_getaffinity(0, sizeof all, &all) == 0);
  const unsigned cores = available_cores();
  CHECK(cores == static_cast<unsigned>(CPU_COUNT(&all)));
  const std::string parallel = dump(knowledge_graph::load(o));
  // One core: the same load reads everything on this thread.
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &all)) { CPU_SET(c, &one); break; }
  REQUIRE(::sched_setaffinity(0, sizeof one, &one) == 0);
  CHECK(available_cores() == 1);
  std::string serial;
  try {
    serial = dump(knowledge_graph::load(o));
  } catch (...) {
    ::sched_setaffinity(0, sizeof all, &all);
    throw;
  }
  REQUIRE(::sched_setaffinity(0, sizeof all, &all) == 0);
  if (cores < 2) MESSAGE("one core only: both loads ran on one thread");
  CHECK(parallel.size() > 1'000'000);
  CHECK(parallel.find("d3fend ") != std::string::npos);
  CHECK(serial == parallel);
}

namespace {

// dump(), plus what only the build decides: every counter and warning of the
// report, in order, and each vertex's in-edges and every edge's load-order
// number (checked to run 0..m-1 with no gap).
std::string build_dump(const knowledge_graph& g) {
  std::string out = dump(g);
  const load_report& r = g.report();
  out += fmt::format("counts {} {} {} {} {} {} {}\n", r.malformed_objects, r.duplicate_ids, r.extra_parents,
                     r.subtechnique_cycles, r.deep_subtechniques, r.orphan_subtechniques,
                     g.relationship_count(lookup_options{.include_revoked = true, .include_deprecated = true}));
  for (const std::string& s : r.samples) out += "sample " + s + "\n";
  for (node n : all_handles<node>(g.size()))
    for (int k = 0; k <= static_cast<int>(relation::other); ++k)
      for (const edge& e : g.in_edges(n, static_cast<relation>(k)))
        out += fmt::format("in {} {} {} {}\n", index_of(n), index_of(e.source), k, e.stix_id);
  const graph_impl& impl = graph_access::internals(g);
  std::vector<std::uint32_t> seqs;
  for (auto e : boost::make_iterator_range(boost::edges(impl.graph))) {
    const edge_data& d = impl.graph[e];
    seqs.push_back(d.seq);
    out += fmt::format("seq {} {} {} {}\n", boost::source(e, impl.graph), boost::target(e, impl.graph), d.seq, d.stix_id);
  }
  std::sort(seqs.begin(), seqs.end());
  for (std::size_t i = 0; i < seqs.size(); ++i)
    if (seqs[i] != i) {
      out += fmt::format("seq gap at {}\n", i);
      break;
    }
  return out;
}

// A technique (attack-pattern) with ATT&CK id `id`, named after it.
std::string technique(const std::string& stix, const std::string& id, bool sub = false) {
  return fmt::format(R"({{"type": "attack-pattern", "id": "attack-pattern--{}", "name": "Technique {}",{}
     "kill_chain_phases": [{{"kill_chain_name": "mitre-attack", "phase_name": "execution"}}],
     "x_mitre_domains": ["enterprise-attack"],
     "external_references": [{{"source_name": "mitre-attack", "external_id": "{}"}}]}},
)",
                     stix, id, sub ? R"( "x_mitre_is_subtechnique": true,)" : "", id);
}

std::string relationship(const std::string& id, const std::string& type, const std::string& source,
                         const std::string& target) {
  return fmt::format(R"({{"type": "relationship", "id": "relationship--{}", "relationship_type": "{}",
     "source_ref": "{}", "target_ref": "{}", "description": "rel {}"}},
)",
                     id, type, source, target, id);
}

}  // namespace

TEST_CASE("a first bundle read straight into the graph builds the graph its records build, warnings and order included") {
  // The first bundle: objects, relationships linked as read (two subtechnique-of
  // links the hierarchy drops: a second parent and a cycle, leaving gaps in the
  // numbers), a repeated relationship and a repeated subtechnique-of link
  // (found after the bundle is read, their links dropped, and a link of each
  // kind read after them, whose places move), then one naming an object only
  // the second bundle has, after which every relationship waits (one naming
  // an object read later in this bundle, one naming nothing, and four
  // repeating ids linked before the wait, two of them the links whose places
  // moved). Objects without domains take the matrix's; one object appears
  // twice (merged), one id names two types (skipped).
  std::string a = R"({"type": "bundle", "id": "bundle--a", "spec_version": "2.1", "objects": [
    {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "name": "Enterprise ATT&CK", "x_mitre_version": "18.1"},
    {"type": "x-mitre-matrix", "id": "x-mitre-matrix--e", "name": "Enterprise ATT&CK",
     "tactic_refs": ["x-mitre-tactic--exec", "x-mitre-tactic--missing"],
     "external_references": [{"source_name": "mitre-attack", "external_id": "enterprise-attack"}]},
    {"type": "x-mitre-tactic", "id": "x-mitre-tactic--exec", "name": "Execution", "x_mitre_shortname": "execution",
     "external_references": [{"source_name": "mitre-attack", "external_id": "TA0002"}]},
)";
  a += technique("t1", "T9001") + technique("t2", "T9002") + technique("t1s", "T9001.001", true) +
       technique("t3", "T9003") + technique("t4", "T9002.001", true);
  a += R"({"type": "intrusion-set", "id": "intrusion-set--g", "name": "Group G", "modified": "2020-01-01T00:00:00.000Z",
     "external_references": [{"source_name": "mitre-attack", "external_id": "G9001"}]},
    {"type": "malware", "id": "malware--m", "name": "Malware M", "x_mitre_domains": ["ics-attack"],
     "external_references": [{"source_name": "mitre-attack", "external_id": "S9001"}]},
    {"type": "intrusion-set", "id": "intrusion-set--g", "name": "Group G renamed", "modified": "2021-01-01T00:00:00.000Z",
     "external_references": [{"source_name": "mitre-attack", "external_id": "G9001"}]},
    {"type": "malware", "id": "malware--n", "name": "Malware N", "x_mitre_domains": ["mobile-attack"],
     "modified": "2020-01-01T00:00:00.000Z",
     "external_references": [{"source_name": "mitre-attack", "external_id": "S9003"}]},
    {"type": "malware", "id": "malware--n", "name": "Malware N", "modified": "2021-01-01T00:00:00.000Z",
     "external_references": [{"source_name": "mitre-attack", "external_id": "S9003"}]},
    {"type": "tool", "id": "malware--m", "name": "Not M",
     "external_references": [{"source_name": "mitre-attack", "external_id": "S9999"}]},
    {"type": "x-mitre-detection-strategy", "id": "x-mitre-detection-strategy--d", "name": "Strategy D",
     "x_mitre_analytic_refs": ["x-mitre-analytic--nowhere"],
     "external_references": [{"source_name": "mitre-attack", "external_id": "DET9001"}]},
)";
  a += relationship("u1", "uses", "intrusion-set--g", "attack-pattern--t1") +
       relationship("s1", "subtechnique-of", "attack-pattern--t1s", "attack-pattern--t1") +
       relationship("s2", "subtechnique-of", "attack-pattern--t1s", "attack-pattern--t2") +
       relationship("s3", "subtechnique-of", "attack-pattern--t1", "attack-pattern--t1s") +
       relationship("u2", "uses", "malware--m", "attack-pattern--t2") +
       relationship("u1", "uses", "intrusion-set--g", "attack-pattern--t3") +
       relationship("s1", "subtechnique-of", "attack-pattern--t1s", "attack-pattern--t3") +
       relationship("u4", "uses", "malware--m", "attack-pattern--t1") +
       relationship("s5", "subtechnique-of", "attack-pattern--t4", "attack-pattern--t2") +
       relationship("x1", "uses", "intrusion-set--g", "attack-pattern--fromb") +
       relationship("u3", "uses", "intrusion-set--g", "attack-pattern--t2") +
       relationship("u2", "uses", "intrusion-set--g", "attack-pattern--t3") +
       relationship("s2", "subtechnique-of", "attack-pattern--t3", "attack-pattern--t1") +
       relationship("u4", "uses", "malware--m", "attack-pattern--t3") +
       relationship("s5", "subtechnique-of", "attack-pattern--t4", "attack-pattern--t1") +
       relationship("l1", "uses", "malware--late", "attack-pattern--t3") +
       relationship("d1", "uses", "malware--m", "attack-pattern--none") +
       relationship("s4", "subtechnique-of", "attack-pattern--t3", "attack-pattern--t2");
  a += R"({"type": "malware", "id": "malware--late", "name": "Late L",
     "external_references": [{"source_name": "mitre-attack", "external_id": "S9002"}]}
  ]})";
  // The second bundle (records): the object the first named, and Malware M again, for ICS.
  std::string b = R"({"type": "bundle", "id": "bundle--b", "spec_version": "2.1", "objects": [
    {"type": "x-mitre-matrix", "id": "x-mitre-matrix--i", "name": "ICS ATT&CK",
     "external_references": [{"source_name": "mitre-attack", "external_id": "ics-attack"}]},
)" + technique("fromb", "T0800") +
                  R"({"type": "malware", "id": "malware--m", "name": "Malware M",
     "external_references": [{"source_name": "mitre-attack", "external_id": "S9001"}]},
)" + relationship("b1", "uses", "malware--m", "attack-pattern--fromb") +
                  R"({"type": "relationship", "id": "relationship--u1", "relationship_type": "uses",
     "source_ref": "malware--m", "target_ref": "attack-pattern--fromb"}
  ]})";

  graph_build streamed(a.size() + b.size());
  std::vector<stix::bundle> first;
  first.push_back(streamed.read_first("a.json", a));
  CHECK(first[0].objects.empty());
  CHECK(first[0].relationships.empty());
  first.push_back(stix::read_bundle("b.json", b));
  const knowledge_graph s = graph_access::adopt(streamed.finish(std::move(first)));
  std::vector<stix::bundle> records;
  records.push_back(stix::read_bundle("a.json", a));
  CHECK(records[0].objects.size() == 16);
  CHECK(records[0].relationships.size() == 18);
  records.push_back(stix::read_bundle("b.json", b));
  const knowledge_graph r = graph_access::adopt(build_graph(std::move(records)));

  const std::string dumped = build_dump(r);
  CHECK(build_dump(s) == dumped);
  CHECK(dumped.find("seq gap") == std::string::npos);
  // The cases happened: each warning kind, the merge, the domains, the cross-bundle link.
  const load_report& rep = s.report();
  CHECK(rep.extra_parents == 1);
  CHECK(rep.subtechnique_cycles == 1);
  CHECK(rep.duplicate_ids == 1);
  CHECK(rep.dangling_references == 3);   // d1, the strategy's analytic, the matrix's second tactic
  CHECK(rep.merged_objects == 3);        // Group G and Malware N within a.json, Malware M across bundles
  const node g = *s.find(object_type::group, "G9001");
  CHECK(s[g].name == "Group G renamed");
  CHECK(s[g].domains == bit(domain::enterprise));                                   // from the matrix
  // Stated ICS in a.json; b.json's record states none and takes b's matrix's (ICS); the record
  // skipped for its type (a tool under Malware M's id, stating none) adds nothing.
  CHECK(s[*s.find(object_type::software, "S9001")].domains == bit(domain::ics));
  // Mobile stated, then a newer record stating none: the bundle's domain added.
  CHECK(s[*s.find(object_type::software, "S9003")].domains == (bit(domain::mobile) | bit(domain::enterprise)));
  CHECK(s[*s.find(object_type::software, "S9002")].domains == bit(domain::enterprise));
  const node t0800 = *s.find(object_type::technique, "T0800");
  std::vector<node> used = s.targets(g, relation::uses);
  CHECK(used.size() == 3);   // t1 (u1), fromb (x1), t2 (u3); u1 repeated is skipped
  CHECK(std::find(used.begin(), used.end(), t0800) != used.end());
  CHECK(s.targets(*s.find(object_type::technique, "T9003"), relation::subtechnique_of).size() == 1);
  CHECK(s.files().size() == 2);
  CHECK(s.files()[0].release == "18.1");
  CHECK(s.files()[0].domain == "enterprise");
}

TEST_CASE("the default bundles, the first read straight into the graph, build the graph their records build") {
  load_options o;
  o.attack_files = {data / "attack" / "enterprise-attack-18.1.json", data / "attack" / "mobile-attack-18.1.json",
                    data / "attack" / "ics-attack-18.1.json"};
  const knowledge_graph loaded = knowledge_graph::load(o);   // the largest first: streamed
  std::vector<stix::bundle> records;
  for (const auto& f : o.attack_files) records.push_back(stix::read_bundle(f));
  REQUIRE(records[0].relationships.size() == 20048);
  const knowledge_graph built = graph_access::adopt(build_graph(std::move(records)));
  const std::string dumped = build_dump(built);
  CHECK(dumped.size() > 10'000'000);
  CHECK(dumped.find("seq gap") == std::string::npos);
  CHECK(build_dump(loaded) == dumped);
  CHECK(loaded.report().merged_objects > 0);   // enterprise and ICS share software
}

TEST_CASE("the CSR graph keeps each vertex's in-edges in load order, not in source-vertex order") {
  load_options o;
  o.attack_files = {data / "attack" / "mobile-attack-18.1.json"};
  const knowledge_graph g = knowledge_graph::load(o);
  // The builder links techniques to their tactics in ATT&CK id order, so a
  // tactic's in-edges come out sorted by id, whatever the techniques' order in
  // the file (their vertex order).
  std::size_t tactics = 0, out_of_vertex_order = 0;
  for (node t : g.all(object_type::tactic)) {
    const std::vector<edge> in = g.in_edges(t, relation::in_tactic);
    if (in.size() < 2) continue;
    ++tactics;
    std::vector<std::string_view> ids;
    std::vector<std::uint32_t> vertices;
    for (const edge& e : in) {
      CHECK(e.target == t);
      ids.push_back(g[e.source].id);
      vertices.push_back(index_of(e.source));
    }
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    if (!std::is_sorted(vertices.begin(), vertices.end())) ++out_of_vertex_order;
    CHECK(ids.size() == g.sources(t, relation::in_tactic, lookup_options{.include_revoked = true, .include_deprecated = true}).size());
  }
  CHECK(tactics >= 10);
  // Ordered by source vertex (Boost's bidirectional CSR), these would differ.
  CHECK(out_of_vertex_order > 0);
}

namespace {

// The first line and the VmFlags line of the mapping holding `address` (/proc/self/smaps), or "" when none does.
std::string mapping_of(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  std::string header;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long long begin = 0, end = 0;
    // A mapping's first line starts "begin-end "; its fields ("Size:", "VmFlags:") do not.
    if (std::sscanf(line.c_str(), "%llx-%llx", &begin, &end) == 2) {
      header = a >= begin && a < end ? line : "";
      continue;
    }
    if (!header.empty() && line.rfind("VmFlags:", 0) == 0) return header + "\n" + line;
  }
  return "";
}

}  // namespace

TEST_CASE("mapping_size: whole huge pages from a quarter of one up, 64 KiB granules below") {
  CHECK(mapping_size(0) == mapping_granule);
  CHECK(mapping_size(1) == mapping_granule);
  CHECK(mapping_size(mapping_granule + 1) == 2 * mapping_granule);
  CHECK(mapping_size(huge_page / 4 - 1) == huge_page / 4);
  CHECK(mapping_size(huge_page / 4) == huge_page);
  CHECK(mapping_size(huge_page + 1) == 2 * huge_page);
  CHECK(mapping_size(std::size_t{3116770} / 2) == huge_page);   // D3FEND 0.17.0's string arena
}

TEST_CASE("advise_huge_pages advises only the whole huge pages inside the range") {
  static_assert(huge_page_floor(huge_page * 3 + 1) == huge_page * 3);
  static_assert(huge_page_ceil(huge_page * 3 + 1) == huge_page * 4);
  static_assert(huge_page_floor(huge_page * 3) == huge_page * 3 && huge_page_ceil(huge_page * 3) == huge_page * 3);
  static_assert(huge_page_ceil(std::uintptr_t{0}) == 0 && huge_page_ceil(std::uintptr_t{1}) == huge_page);
  const std::size_t length = 6 * huge_page;
  void* raw = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(raw != MAP_FAILED);
  char* const base = reinterpret_cast<char*>(huge_page_ceil(raw));   // at least 5 whole huge pages from it
  const std::size_t page = 4096;
  // From one page past a boundary to one page past the second boundary after: the one huge page between.
  advise_huge_pages(base + page, 2 * huge_page);
  const auto advised = [](const char* p) {
    const std::string m = mapping_of(p);
    INFO(m);
    REQUIRE_FALSE(m.empty());
    return m.find(" hg") != std::string::npos;
  };
  CHECK_FALSE(advised(base + page));
  CHECK(advised(base + huge_page));
  CHECK(advised(base + 2 * huge_page - 1));
  CHECK_FALSE(advised(base + 2 * huge_page));
  // A range holding no whole huge page: nothing advised.
  advise_huge_pages(base + 2 * huge_page + page, huge_page);
  CHECK_FALSE(advised(base + 3 * huge_page - page));
  CHECK_FALSE(advised(base + 3 * huge_page));
  ::munmap(raw, length);
}

TEST_CASE("bulk_heap: big blocks from the heap, advised as huge pages, while it lives; the heap trimmed after") {
  {
    const bulk_heap small(std::size_t{1} << 20);
    CHECK_FALSE(small.active());   // under 4 MB: left alone
  }
  const std::size_t big = std::size_t{40} << 20;   // far above glibc's default mmap threshold
  char* alive_break = nullptr;
  {
    const bulk_heap heap(std::size_t{64} << 20);
    if (!bulk_heap::supported()) {
      MESSAGE("no glibc, or a sanitizer's allocator: bulk_heap does nothing in this build");
      CHECK_FALSE(heap.active());
      return;
    }
    REQUIRE(heap.active());
    char* inside = static_cast<char*>(std::malloc(big));
    REQUIRE(inside != nullptr);
    // In the heap, and the kernel records its middle as advised for huge pages ("hg").
    const std::string m = mapping_of(inside + big / 2);
    CHECK(m.find("[heap]") != std::string::npos);
    CHECK(m.find(" hg") != std::string::npos);
    std::free(inside);
    alive_break = static_cast<char*>(::sbrk(0));
    // Freed, it stayed in the heap: the span is still there.
    CHECK(static_cast<std::size_t>(alive_break - inside) >= big);
  }
  // glibc's trim threshold is back: the next free at the top gives the span back.
  void* again = std::malloc(big);
  REQUIRE(again != nullptr);
  std::free(again);
  CHECK(static_cast<char*>(::sbrk(0)) < alive_break);
}

TEST_CASE("bulk_heap: the load's blocks start on a huge page boundary, the heap's partial huge page left behind") {
  const bulk_heap heap(std::size_t{64} << 20);
  if (!bulk_heap::supported()) {
    MESSAGE("no glibc, or a sanitizer's allocator: bulk_heap does nothing in this build");
    return;
  }
  REQUIRE(heap.active());
  // Larger than every free chunk outside the top one: glibc must cut it from the top.
  const struct mallinfo2 mi = mallinfo2();
  const std::size_t n = mi.fordblks - mi.keepcost + 4096;
  char* first = static_cast<char*>(std::malloc(n));
  REQUIRE(first != nullptr);
  // Where the span began, on a boundary (a heap's top is anywhere), and advised from its first byte.
  CHECK(reinterpret_cast<std::uintptr_t>(first) % huge_page == 0);
  const std::string m = mapping_of(first);
  CHECK(m.find("[heap]") != std::string::npos);
  CHECK(m.find(" hg") != std::string::npos);
  std::free(first);
}

// Run on its own with MALLOC_PERTURB_=0 (tests/meson.build): with perturbation
// glibc would fill these 2.3 GB, which are only address space here.
TEST_CASE("bulk_heap: a span over 2 GB (inputs over ~250 MB) is advised whole") {
  const std::size_t a_size = std::size_t{1536} << 20, b_size = std::size_t{800} << 20;   // 2.3 GB in all
  const bulk_heap heap(std::size_t{300} << 20);   // a span of 2.4 GB + 64 MB
  if (!bulk_heap::supported()) {
    MESSAGE("no glibc, or a sanitizer's allocator: bulk_heap does nothing in this build");
    return;
  }
  REQUIRE(heap.active());
  char* a = static_cast<char*>(std::malloc(a_size));
  char* b = static_cast<char*>(std::malloc(b_size));
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  // Both in the heap and advised to their ends, past the first 2 GB of the span.
  for (const char* p : {a + a_size / 2, b + b_size / 2, b + b_size - (std::size_t{4} << 20)}) {
    const std::string m = mapping_of(p);
    INFO(m);
    CHECK(m.find("[heap]") != std::string::npos);
    CHECK(m.find(" hg") != std::string::npos);
  }
  std::free(b);
  std::free(a);
}
