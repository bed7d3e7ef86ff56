// lib/store: the relational tables of a snapshot hold the whole graph (SQL users see what the library sees).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "mitrekg/countermeasures.hpp"
#include "mitrekg/store.hpp"
#include "store/image.hpp"
#include "store/schema.hpp"
#include "support/handles.hpp"

#include <sqlite3.h>

#include "mitrekg/error.hpp"

namespace fs = std::filesystem;
using namespace mitrekg;

TEST_CASE("rebuilding from the tables alone gives the graph the image gives") {
  const fs::path data = MITREKG_TEST_DATA;
  load_options o;
  o.attack_files = {data / "attack" / "enterprise-attack-18.1.json", data / "attack" / "ics-attack-18.1.json"};
  o.d3fend_file = data / "d3fend" / "d3fend-0.17.0.json";
  knowledge_graph g = knowledge_graph::load(o);
  fs::path file = fs::temp_directory_path() / ("mitrekg-tables-" + std::to_string(::getpid()) + ".sqlite");
  save_snapshot(g, file);
  knowledge_graph a = open_snapshot(file);
  knowledge_graph b = open_snapshot_tables(file);
  verify_snapshot(file);  // SQLite's integrity check agrees the file is sound

  // One technique's countermeasures through the view: SQLite searches both
  // tables by index (the view joins with the collation of objects' attack_id
  // index) and never scans objects.
  std::vector<std::string> plan;
  std::vector<std::string> countermeasures;
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    auto rows = [db](const char* sql, std::vector<std::string>& out, int column) {
      sqlite3_stmt* q = nullptr;
      REQUIRE(sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK);
      while (sqlite3_step(q) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, column)));
      sqlite3_finalize(q);
    };
    const char* question = "SELECT d3fend_class, technique FROM technique_countermeasures WHERE attack_id = 'T1562.001'";
    rows((std::string("EXPLAIN QUERY PLAN ") + question).c_str(), plan, 3);
    rows(question, countermeasures, 1);
    sqlite3_close(db);
  }
  std::string plan_text;
  for (const auto& line : plan) plan_text += line + "\n";
  INFO(plan_text);
  REQUIRE(plan.size() >= 2);
  CHECK(plan_text.find("SEARCH m USING INDEX d3fend_mappings_attack") != std::string::npos);
  CHECK(plan_text.find("SEARCH t USING INDEX objects_attack_id") != std::string::npos);
  for (const auto& line : plan)   // the only scan: of the view's own (co-routine) result
    if (line.rfind("SCAN ", 0) == 0) CHECK(line == "SCAN technique_countermeasures");
  // And it answers: every row names the technique ("Disable or Modify Tools").
  REQUIRE(countermeasures.size() == distinct_countermeasures(countermeasures_of(g, "T1562.001").rows).size());
  for (const auto& name : countermeasures) CHECK(name == "Disable or Modify Tools");
  fs::remove(file);

  REQUIRE(a.size() == g.size());
  REQUIRE(b.size() == g.size());
  std::size_t differing = 0;
  const relation all[] = {relation::uses, relation::mitigates, relation::subtechnique_of, relation::detects,
                          relation::attributed_to, relation::revoked_by, relation::targets, relation::in_tactic,
                          relation::matrix_tactic, relation::has_analytic, relation::observes,
                          relation::component_of, relation::other};
  for (node n : all_handles<node>(g.size())) {
    const attack_object& x = a[n];
    const attack_object& y = b[n];
    if (x.stix_id != y.stix_id || x.id != y.id || x.name != y.name || x.description != y.description ||
        x.platforms != y.platforms || x.aliases != y.aliases || x.domains != y.domains || x.revoked != y.revoked ||
        x.deprecated != y.deprecated || x.kill_chain_phases.size() != y.kill_chain_phases.size())
      ++differing;
    for (relation r : all) {
      auto ea = a.out_edges(n, r);
      auto eb = b.in_edges(n, r);
      auto fa = a.in_edges(n, r);
      auto fb = b.out_edges(n, r);
      if (ea.size() != fb.size() || fa.size() != eb.size()) { ++differing; continue; }
      for (std::size_t i = 0; i < ea.size(); ++i)
        if (ea[i].target != fb[i].target || ea[i].description != fb[i].description || ea[i].log_source != fb[i].log_source)
          ++differing;
      for (std::size_t i = 0; i < fa.size(); ++i)
        if (fa[i].source != eb[i].source || fa[i].stix_id != eb[i].stix_id) ++differing;
    }
  }
  CHECK(differing == 0);
  CHECK(countermeasures_of(a, "T1562.001").rows.size() == countermeasures_of(b, "T1562.001").rows.size());
  CHECK(countermeasures_of(b, "T1562.001").rows.size() == countermeasures_of(g, "T1562.001").rows.size());
}

TEST_CASE("a snapshot of another schema version is refused with a clear line") {
  const fs::path fixtures = MITREKG_TEST_FIXTURES;
  load_options o;
  o.attack_files = {fixtures / "stix21-bundle.json"};
  knowledge_graph g = knowledge_graph::load(o);
  fs::path file = fs::temp_directory_path() / ("mitrekg-schema-" + std::to_string(::getpid()) + ".sqlite");
  save_snapshot(g, file);
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "UPDATE metadata SET value = '0' WHERE key = 'schema_version'", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
  }
  try {
    open_snapshot(file);
    FAIL("expected an error");
  } catch (const error& e) {
    CHECK(e.code() == errc::bad_snapshot);
    CHECK(std::string(e.what()).find("schema version 0") != std::string::npos);
    CHECK(std::string(e.what()).find(file.string()) != std::string::npos);
  }
  // The cache treats it like any unusable snapshot: rebuilt, never trusted.
  fs::remove(file);
}

TEST_CASE("image_arena: memory taken is zeroed and stays put; a run grows in place only from the arena's top") {
  store::image_arena arena(std::size_t{2} << 20);
  char* a = arena.take(8192);
  REQUIRE(a != nullptr);
  CHECK(std::all_of(a, a + 8192, [](char c) { return c == 0; }));
  std::memset(a, 'a', 8192);
  // a ended the last take: the next bytes follow it.
  char* b = arena.take_after(a + 8192, 8192);
  CHECK(b == a + 8192);
  char* c = arena.take(4096);
  CHECK(c == b + 8192);
  CHECK(arena.take_after(a + 8192, 4096) == nullptr);   // where a take ended, but not the last one
  CHECK(arena.take_after(b + 4096, 4096) == nullptr);   // not where any take ended
  CHECK(arena.take_after(c + 4096, 4096) == c + 4096);
  // More than the block has left: a block of its own; nothing taken before moves.
  char* big = arena.take(std::size_t{3} << 20);
  REQUIRE(big != nullptr);
  CHECK((big < a || big >= a + (std::size_t{2} << 20)));
  CHECK(arena.take_after(c + 8192, 4096) == nullptr);
  CHECK(arena.take_after(big + (std::size_t{3} << 20), 4096) == nullptr);   // its block is full
  CHECK(std::all_of(big, big + (std::size_t{3} << 20), [](char x) { return x == 0; }));
  CHECK(std::all_of(a, a + 8192, [](char x) { return x == 'a'; }));
}
