// knowledge_graph::load internals: a loaded graph owns its strings (the bundle file may change underneath), and
// the parallel load answers exactly as the one-core load.
#include <doctest/doctest.h>

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

#include <fmt/format.h>

#include "mitrekg/error.hpp"
#include "mitrekg/graph.hpp"
#include "mitrekg/query.hpp"
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
