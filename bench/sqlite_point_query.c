/* sqlite_point_query: the floor for a warm `mitre-query show ID` — the same point query answered from a snapshot with indexed SQL.
 *
 *   sqlite_point_query SNAPSHOT.sqlite [ID]     (ID: T1562.001 by default)
 *
 * Opens the snapshot read-only and prints what `show` prints for a technique:
 * its record (id, name, type, domains, platforms, version, modified, url,
 * description), its tactics, parent, sub-techniques, the numbers of
 * mitigations, groups, software, campaigns and detection strategies, and its
 * D3FEND countermeasures by tactic (d3fend_mappings). Every question uses an
 * index of the schema (objects_attack_id, relationships_source/_target,
 * d3fend_mappings_attack, primary keys). Built static when the static SQLite
 * library exists (bench/meson.build), so it pays no dynamic linking: the
 * process floor issue 13 compares a warm `show` with. Exit 0 found, 1 not
 * found, 2 error.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

static sqlite3* db;

#ifdef SQLITE_POINT_QUERY_STATIC
/* SQLite's extension loader is never used here; these stand-ins keep glibc's
 * dlopen (and its warning about static programs) out of the static link. */
void* dlopen(const char* file, int mode) { (void)file; (void)mode; return NULL; }
void* dlsym(void* handle, const char* name) { (void)handle; (void)name; return NULL; }
int dlclose(void* handle) { (void)handle; return 0; }
char* dlerror(void) { return (char*)"no dynamic loading in this static program"; }
#endif

static void fail(const char* what) {
  fprintf(stderr, "sqlite_point_query: %s: %s\n", what, db ? sqlite3_errmsg(db) : "cannot open");
  exit(2);
}

static sqlite3_stmt* prepare(const char* sql) {
  sqlite3_stmt* q = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) fail(sql);
  return q;
}

static const char* text(sqlite3_stmt* q, int column) {
  const unsigned char* t = sqlite3_column_text(q, column);
  return t ? (const char*)t : "";
}

/* Rows of one statement bound to a node, printed as "label  a b (c)" lines. */
static void lines(const char* label, const char* sql, sqlite3_int64 node, int columns) {
  sqlite3_stmt* q = prepare(sql);
  sqlite3_bind_int64(q, 1, node);
  int first = 1;
  while (sqlite3_step(q) == SQLITE_ROW) {
    printf("%-16s", first ? label : "");
    for (int c = 0; c < columns; ++c) printf(c ? " %s" : "%s", text(q, c));
    printf("\n");
    first = 0;
  }
  sqlite3_finalize(q);
}

static long count(const char* sql, sqlite3_int64 node) {
  sqlite3_stmt* q = prepare(sql);
  sqlite3_bind_int64(q, 1, node);
  long n = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
  sqlite3_finalize(q);
  return n;
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: sqlite_point_query SNAPSHOT.sqlite [ID]\n");
    return 2;
  }
  const char* id = argc == 3 ? argv[2] : "T1562.001";
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail(argv[1]);

  sqlite3_stmt* q = prepare(
      "SELECT node, attack_id, name, is_subtechnique, domains, version, modified, url, description FROM objects "
      "WHERE attack_id = ?1 COLLATE NOCASE AND type = 'technique' AND revoked = 0 AND deprecated = 0");
  sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step(q) != SQLITE_ROW) {
    fprintf(stderr, "sqlite_point_query: nothing matches %s\n", id);
    return 1;
  }
  const sqlite3_int64 node = sqlite3_column_int64(q, 0);
  const int domains = sqlite3_column_int(q, 4);
  printf("%-16s%s\n%-16s%s\n%-16s%s\n", "id", text(q, 1), "name", text(q, 2), "type",
         sqlite3_column_int(q, 3) ? "sub-technique" : "technique");
  printf("%-16s%s%s%s\n", "domains", domains & 1 ? "enterprise " : "", domains & 2 ? "mobile " : "",
         domains & 4 ? "ics" : "");
  lines("tactics",
        "SELECT o.attack_id, o.name, '(' || o.shortname || ')' FROM relationships r JOIN objects o ON o.node = r.target "
        "WHERE r.source = ?1 AND r.relation = 'in-tactic' ORDER BY r.seq",
        node, 3);
  lines("platforms", "SELECT platform FROM object_platforms WHERE node = ?1 ORDER BY seq", node, 1);
  lines("parent",
        "SELECT o.attack_id, o.name FROM relationships r JOIN objects o ON o.node = r.target "
        "WHERE r.source = ?1 AND r.relation = 'subtechnique-of'",
        node, 2);
  lines("sub-techniques",
        "SELECT o.attack_id, o.name FROM relationships r JOIN objects o ON o.node = r.source "
        "WHERE r.target = ?1 AND r.relation = 'subtechnique-of' AND o.revoked = 0 AND o.deprecated = 0 "
        "ORDER BY o.attack_id",
        node, 2);
  printf("%-16s%ld\n", "mitigations",
         count("SELECT count(*) FROM relationships r JOIN objects o ON o.node = r.source WHERE r.target = ?1 "
               "AND r.relation = 'mitigates' AND r.revoked = 0 AND r.deprecated = 0 AND o.revoked = 0 AND o.deprecated = 0",
               node));
  const char* users =
      "SELECT count(DISTINCT o.node) FROM relationships r JOIN objects o ON o.node = r.source WHERE r.target = ?1 "
      "AND r.relation = 'uses' AND r.revoked = 0 AND r.deprecated = 0 AND o.revoked = 0 AND o.deprecated = 0 "
      "AND o.type = ";
  char sql[512];
  const char* kinds[] = {"group", "software", "campaign"};
  const char* labels[] = {"groups", "software", "campaigns"};
  for (int k = 0; k < 3; ++k) {
    snprintf(sql, sizeof sql, "%s'%s'", users, kinds[k]);
    printf("%-16s%ld\n", labels[k], count(sql, node));
  }
  printf("%-16s%ld\n", "detections",
         count("SELECT count(*) FROM relationships r JOIN objects o ON o.node = r.source WHERE r.target = ?1 "
               "AND r.relation = 'detects' AND r.revoked = 0 AND r.deprecated = 0 AND o.revoked = 0 AND o.deprecated = 0",
               node));
  sqlite3_stmt* d = prepare(
      "SELECT d3fend_tactic, d3fend_id, d3fend_label, count(*) FROM d3fend_mappings WHERE attack_id = ?1 "
      "GROUP BY d3fend_tactic, d3fend_id, d3fend_label ORDER BY d3fend_tactic, d3fend_label");
  sqlite3_bind_text(d, 1, text(q, 1), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(d) == SQLITE_ROW)
    printf("  %-14s%s %s (%lld)\n", text(d, 0), text(d, 1), text(d, 2), (long long)sqlite3_column_int64(d, 3));
  sqlite3_finalize(d);
  printf("%-16s%s\n%-16s%s\n%-16s%s\ndescription\n  %s\n", "version", text(q, 5), "modified", text(q, 6), "url",
         text(q, 7), text(q, 8));
  sqlite3_finalize(q);
  sqlite3_close(db);
  return 0;
}
