// The snapshot's relational schema (documented in docs/sqlite-schema.md) and store-internal helpers.
#pragma once

#include <initializer_list>
#include <optional>

#include <string_view>
#include <vector>

#include "mitrekg/store.hpp"

namespace mitrekg {
namespace store {

// Tables, indexes and views of the schema (snapshot_schema_version). Keep docs/sqlite-schema.md in step.
inline constexpr const char* schema_sql = R"sql(
CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE source_files (
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);
CREATE TABLE attack_files (
  seq INTEGER PRIMARY KEY, path TEXT NOT NULL, domain TEXT NOT NULL, spec_version TEXT NOT NULL,
  release TEXT NOT NULL, objects INTEGER NOT NULL, bytes INTEGER NOT NULL);
CREATE TABLE graph_image (part TEXT PRIMARY KEY, bytes BLOB NOT NULL);
CREATE TABLE load_warnings (seq INTEGER PRIMARY KEY, origin TEXT NOT NULL, message TEXT NOT NULL);

CREATE TABLE objects (
  node INTEGER PRIMARY KEY, type TEXT NOT NULL, stix_type TEXT NOT NULL, stix_id TEXT NOT NULL UNIQUE,
  attack_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, url TEXT NOT NULL,
  shortname TEXT NOT NULL, modified TEXT NOT NULL, version TEXT NOT NULL,
  domains INTEGER NOT NULL, revoked INTEGER NOT NULL, deprecated INTEGER NOT NULL,
  is_subtechnique INTEGER NOT NULL);
CREATE INDEX objects_attack_id ON objects (attack_id COLLATE NOCASE);
CREATE TABLE object_platforms (node INTEGER NOT NULL REFERENCES objects, seq INTEGER NOT NULL,
  platform TEXT NOT NULL, PRIMARY KEY (node, seq)) WITHOUT ROWID;
CREATE TABLE object_aliases (node INTEGER NOT NULL REFERENCES objects, seq INTEGER NOT NULL,
  alias TEXT NOT NULL, PRIMARY KEY (node, seq)) WITHOUT ROWID;
CREATE TABLE kill_chain_phases (node INTEGER NOT NULL REFERENCES objects, seq INTEGER NOT NULL,
  kill_chain_name TEXT NOT NULL, phase_name TEXT NOT NULL, PRIMARY KEY (node, seq)) WITHOUT ROWID;
CREATE TABLE relationships (
  seq INTEGER PRIMARY KEY, source INTEGER NOT NULL REFERENCES objects, target INTEGER NOT NULL REFERENCES objects,
  relation TEXT NOT NULL, stix_id TEXT NOT NULL, description TEXT NOT NULL, log_source TEXT NOT NULL,
  revoked INTEGER NOT NULL, deprecated INTEGER NOT NULL);
CREATE INDEX relationships_source ON relationships (source, relation);
CREATE INDEX relationships_target ON relationships (target, relation);

CREATE TABLE d3fend_nodes (
  node INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, label TEXT NOT NULL,
  definition TEXT NOT NULL, d3fend_id TEXT NOT NULL, attack_id TEXT NOT NULL, kb_article TEXT NOT NULL,
  deprecated INTEGER NOT NULL, tactic TEXT, comment TEXT NOT NULL, ref_title TEXT NOT NULL,
  ref_url TEXT NOT NULL, ref_organization TEXT NOT NULL, ref_author TEXT NOT NULL, flags INTEGER NOT NULL,
  file_offset INTEGER NOT NULL, on_property INTEGER, some_values_from INTEGER, name TEXT NOT NULL);
CREATE TABLE d3fend_links (
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, subject INTEGER NOT NULL REFERENCES d3fend_nodes,
  property INTEGER REFERENCES d3fend_nodes, target INTEGER NOT NULL REFERENCES d3fend_nodes);
CREATE INDEX d3fend_links_subject ON d3fend_links (subject, kind);
CREATE TABLE d3fend_mappings (
  attack_id TEXT NOT NULL, d3fend_id TEXT NOT NULL, d3fend_class TEXT NOT NULL, d3fend_label TEXT NOT NULL,
  d3fend_tactic TEXT NOT NULL, off_artifact TEXT NOT NULL, off_relation TEXT NOT NULL,
  def_artifact TEXT NOT NULL, def_relation TEXT NOT NULL);
CREATE INDEX d3fend_mappings_attack ON d3fend_mappings (attack_id);

CREATE VIEW technique_tactics AS
  SELECT t.attack_id AS technique_id, t.name AS technique, t.is_subtechnique,
         x.attack_id AS tactic_id, x.name AS tactic, x.shortname,
         t.revoked, t.deprecated
  FROM relationships r JOIN objects t ON t.node = r.source JOIN objects x ON x.node = r.target
  WHERE r.relation = 'in-tactic';
CREATE VIEW technique_countermeasures AS
  SELECT DISTINCT m.attack_id, t.name AS technique, m.d3fend_id, m.d3fend_class, m.d3fend_label, m.d3fend_tactic
  FROM d3fend_mappings m
  LEFT JOIN objects t ON t.attack_id = m.attack_id COLLATE NOCASE AND t.type = 'technique' AND t.revoked = 0;
CREATE VIEW group_techniques AS
  SELECT g.attack_id AS group_id, g.name AS group_name, t.attack_id AS technique_id, t.name AS technique,
         r.description AS procedure
  FROM relationships r JOIN objects g ON g.node = r.source JOIN objects t ON t.node = r.target
  WHERE r.relation = 'uses' AND g.type = 'group' AND t.type = 'technique'
    AND r.revoked = 0 AND r.deprecated = 0 AND g.revoked = 0 AND g.deprecated = 0
    AND t.revoked = 0 AND t.deprecated = 0;
CREATE VIEW d3fend_hierarchy AS
  SELECT s.name AS class, s.label, p.name AS parent, p.label AS parent_label
  FROM d3fend_links l JOIN d3fend_nodes s ON s.node = l.subject JOIN d3fend_nodes p ON p.node = l.target
  WHERE l.kind = 'subclass' AND p.id NOT LIKE '\_:%' ESCAPE '\';
)sql";

// Every table of the schema but metadata, with the order its rows are read in
// for the per-table checksum recorded at build time (metadata `rows.TABLE`,
// `checksum.TABLE`). Keep in step with schema_sql.
struct table_order {
  const char* table;
  const char* order;
};
inline constexpr table_order checked_tables[] = {
    {"source_files", "seq"},        {"attack_files", "seq"},     {"graph_image", "part"},
    {"load_warnings", "seq"},       {"objects", "node"},         {"object_platforms", "node, seq"},
    {"object_aliases", "node, seq"}, {"kill_chain_phases", "node, seq"}, {"relationships", "seq"},
    {"d3fend_nodes", "node"},       {"d3fend_links", "seq"},     {"d3fend_mappings", "rowid"},
};
// The small tables every open reads besides the images: verified on every open.
inline constexpr const char* tables_read_on_open[] = {"source_files", "attack_files", "load_warnings"};

// Removes NAME.tmp-PID-XXXXXXXX files in `dir` (any NAME when `name` is empty)
// that a writer killed before its rename left behind: the PID no longer runs on
// this machine and the file has not changed for a minute (a writer in another
// PID namespace or on another host keeps its file changing). Never throws.
// `owns`, when given, must also accept NAME (the cache: only its own file names).
void remove_stale_temporaries(const std::filesystem::path& dir, std::string_view name,
                              bool (*owns)(const std::filesystem::path& name) = nullptr);

// Writes the parts, in order, to `path.tmp-PID-XXXXXXXX` and renames it onto
// `path`, so readers see the old file or the whole new one; never replaces a
// non-regular file. Throws error(write_error) naming `path`.
void write_file_atomically(const std::filesystem::path& path, std::initializer_list<std::string_view> parts);

}  // namespace store

// save_snapshot plus the same graph images in `sidecar` (a plain file the
// cache maps instead of copying images out of SQLite); empty: none.
// `force` as in save_options (the cache passes true: its folder is its own).
void save_snapshot_with_sidecar(const knowledge_graph& g, const std::filesystem::path& file,
                                const std::filesystem::path& sidecar, bool force);
// open_snapshot, taking the images from `sidecar` when it belongs to this
// snapshot (same build id), else from SQLite; empty: none. Without
// `with_d3fend` the D3FEND image is neither decoded nor built: the graph has no D3FEND.
knowledge_graph open_snapshot_with_sidecar(const std::filesystem::path& file, const std::filesystem::path& sidecar,
                                           bool with_d3fend = true);
// The cache's warm path: the graph from `sidecar` alone, without opening the
// SQLite `file` — the image file carries a checksummed copy of the metadata and
// of the small tables an open reads (source_files among them: the staleness
// rule's recorded sources) and the identity (device, inode, size) of the
// snapshot it was written beside. nullopt when the image file is missing, of
// another format or schema, its copy does not match its checksum, or `file`
// is not that snapshot any more: the caller then opens `file` as usual.
// Throws error(bad_snapshot) when an image's header is damaged.
std::optional<knowledge_graph> open_cache_image(const std::filesystem::path& file, const std::filesystem::path& sidecar,
                                                bool with_d3fend = true);

// A snapshot's graph rebuilt from the relational tables only, skipping the
// graph image: tests use it to prove the tables hold the whole graph.
knowledge_graph open_snapshot_tables(const std::filesystem::path& file);

// The sources of a loaded graph with their SHA-256 (re-reads each file).
std::vector<snapshot_source> snapshot_sources(const knowledge_graph& g);

}  // namespace mitrekg
