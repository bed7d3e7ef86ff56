// Example: open the prebuilt snapshot as a graph, and run SQL on the same file beside it.
// Usage: snapshot_sql [SNAPSHOT]   (default: mitrekg.sqlite in the default data folder)
#include <cstdio>
#include <string>

#include <sqlite3.h>

#include <mitrekg/mitrekg.hpp>

int main(int argc, char** argv) {
  std::string file = argc > 1 ? argv[1] : (mitrekg::default_data_dir() / "mitrekg.sqlite").string();
  try {
    // The graph, rebuilt from the snapshot's compiled image: no JSON parsing.
    auto g = mitrekg::open_snapshot(file);
    auto t = g.find(mitrekg::object_type::technique, "T1562.001");
    if (!t) return 1;
    std::printf("graph: %.*s has %zu sub-techniques in its parent\n", int(g[*t].name.size()), g[*t].name.data(),
                mitrekg::subtechniques(g, *mitrekg::parent(g, *t)).size());
  } catch (const mitrekg::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  // SQL on the same file (docs/sqlite-schema.md): the ten tactics with the most techniques.
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), sqlite3_errmsg(db));
    sqlite3_close(db);
    return 2;
  }
  const char* sql =
      "SELECT tactic_id, tactic, count(*) AS n FROM technique_tactics WHERE revoked = 0 AND deprecated = 0 "
      "GROUP BY tactic_id, tactic ORDER BY n DESC, tactic_id LIMIT 10";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), sqlite3_errmsg(db));
    sqlite3_close(db);
    return 2;
  }
  while (sqlite3_step(st) == SQLITE_ROW)
    std::printf("sql: %s %-22s %d\n", reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                reinterpret_cast<const char*>(sqlite3_column_text(st, 1)), sqlite3_column_int(st, 2));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return 0;
}
