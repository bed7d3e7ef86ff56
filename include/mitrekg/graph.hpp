// knowledge_graph: loads ATT&CK bundles into one read-only graph and answers lookups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mitrekg/attack.hpp"
#include "mitrekg/d3fend.hpp"

namespace mitrekg {

// A vertex of the graph: a handle, dense (0 … size()-1 as `node{i}`), stable
// for the graph's lifetime. A distinct type, so a d3fend_node (or a plain
// integer) passed where an ATT&CK node is expected does not compile; compare
// handles with == and <, make one from an index with node{i}.
enum class node : std::uint32_t {};
inline constexpr node no_node = node{0xffffffffu};

// One edge. Views borrow from the graph.
struct edge {
  node source;
  node target;
  relation type;
  std::string_view stix_id;       // the relationship object's id; empty for property links
  std::string_view description;   // e.g. how a group used a technique; observes: the channel
  std::string_view log_source;    // observes edges: "auditd:SYSCALL", "WinEventLog:Security"
  bool revoked = false;
  bool deprecated = false;
};

// What to load. Files are read in order; an object that appears in several
// bundles (same STIX id) is merged, the newest `modified` winning. One domain
// may be given more than once only in one release: two releases of a domain
// (enterprise 17.1 and 18.1) would mix what one removed with the other, so
// load() refuses them (mitrekg::error, errc::bad_value, naming both files).
struct load_options {
  std::vector<std::filesystem::path> attack_files;
  std::filesystem::path d3fend_file;   // empty: none
};

// One loaded file.
struct source_file {
  std::string path;
  std::string domain;          // "enterprise", "mobile", "ics" (from the matrix); empty if none
  std::string spec_version;    // bundle spec_version ("2.0", "2.1"); empty for 2.1 bundles
  std::string release;         // ATT&CK release ("18.1"): the collection's version, else the file name's
  std::size_t objects = 0;
  std::uintmax_t bytes = 0;
};

// Problems that did not stop loading. Each kind is counted; `samples` keeps the
// first few messages of each kind, one line each, naming the file.
struct load_report {
  std::size_t unknown_types = 0;        // objects of a STIX type this version does not know
  std::size_t unknown_properties = 0;   // properties this version does not read
  std::size_t dangling_references = 0;  // relationships or refs naming missing objects
  std::size_t merged_objects = 0;       // same STIX id in several bundles (merged; not a warning)
  std::size_t subtechnique_cycles = 0;  // subtechnique-of edges dropped to break a cycle
  std::size_t malformed_objects = 0;    // objects skipped: no id, no type, wrong types
  std::size_t duplicate_ids = 0;        // objects skipped: STIX id of an earlier object of another type
  std::size_t extra_parents = 0;        // subtechnique-of edges dropped: the technique already has a parent
  std::size_t deep_subtechniques = 0;   // subtechnique-of edges dropped: chain deeper than max_subtechnique_depth
  std::size_t orphan_subtechniques = 0; // sub-techniques with no parent, listed as techniques
  std::vector<std::string> samples;

  std::size_t total() const noexcept {
    return unknown_types + unknown_properties + dangling_references + subtechnique_cycles +
           malformed_objects + duplicate_ids + extra_parents + deep_subtechniques + orphan_subtechniques;
  }
};

// Deepest subtechnique-of chain kept (ATT&CK itself has one level): a link
// that would make a deeper one is dropped and counted (deep_subtechniques).
inline constexpr std::size_t max_subtechnique_depth = 16;

// Lookup filters. By default only live objects are answered.
struct lookup_options {
  bool include_revoked = false;
  bool include_deprecated = false;
  domain_set domains = all_domains;
};

// A loaded knowledge graph. Read-only once built.
//
// Thread safety: every const member (and every query of query.hpp and
// countermeasures.hpp over a const graph) may be called from several threads at
// once with no locking; moving or destroying the graph may not overlap any call.
//
// A graph opened from a snapshot (open_snapshot, load_cached) answers from the
// snapshot's compiled image in place: operator[] decodes an object on first
// use and keeps it (thread-safe: published once under a lock; the reference
// stays valid for the graph's lifetime), and the parts of the image a call
// needs are read then, each checked by its checksum. When the cache's image
// file was damaged after the graph was opened, such a call throws
// mitrekg::error (errc::bad_snapshot, naming the file) instead of answering;
// size(), visible() and the members marked noexcept never read the file.
//
// Borrowing: attack_object, edge, source_file and load_report hold
// std::string_view and references into the graph; they stay valid as long as
// the graph lives (moving the graph keeps them valid: the storage moves with
// it). Members that hand out such views cannot be called on a temporary graph
// (`knowledge_graph::load(o)[n]` does not compile), so a view cannot outlive
// its graph by accident; keep the graph in a variable first.
class knowledge_graph {
public:
  // Reads every file of `options` (ATT&CK bundles, then D3FEND if given).
  // Throws mitrekg::error when a file cannot be read or is not a bundle / a
  // JSON-LD graph; object-level problems go to report() (and d3fend()->report()).
  // When the process may run on two cores or more, the files are read on two
  // threads (joined before this returns); the result and the error thrown
  // (the first file in order that fails) are the same as on one core. The
  // graph keeps no view into the files: changing them afterwards changes no
  // answer.
  static knowledge_graph load(const load_options& options);

  knowledge_graph(knowledge_graph&&) noexcept;
  knowledge_graph& operator=(knowledge_graph&&) noexcept;
  ~knowledge_graph();

  std::size_t size() const noexcept;                 // number of vertices
  const attack_object& operator[](node n) const&;    // n < size(); borrows from *this
  const attack_object& operator[](node n) const&& = delete;

  // True when `n` passes the filter (live, or revoked/deprecated allowed; domain).
  bool visible(node n, const lookup_options& options) const noexcept;
  // The type of `n` (n < size()) and whether it is a sub-technique, from what
  // visible() reads: decode nothing.
  object_type type_of(node n) const noexcept;
  bool is_subtechnique(node n) const noexcept;

  // Exact lookups. ATT&CK ids are unique only per type (a deprecated mitigation
  // reuses T1113), so `find` takes the type; live objects are preferred.
  std::optional<node> find(object_type type, std::string_view id,
                           const lookup_options& options = {}) const;
  // Every object with this ATT&CK id (case-insensitive), any type, live first.
  std::vector<node> find_id(std::string_view id, const lookup_options& options = {}) const;
  std::optional<node> find_stix(std::string_view stix_id) const;
  // Objects whose name or alias equals `name`, case-insensitively.
  std::vector<node> find_name(std::string_view name, const lookup_options& options = {}) const;

  // Edges leaving / entering `n` of one relation, in load order. Borrow from *this.
  std::vector<edge> out_edges(node n, relation r) const&;
  std::vector<edge> in_edges(node n, relation r) const&;
  std::vector<edge> out_edges(node n, relation r) const&& = delete;
  std::vector<edge> in_edges(node n, relation r) const&& = delete;
  // The other ends of those edges, filtered by `options` (both the edge and the node).
  std::vector<node> targets(node n, relation r, const lookup_options& options = {}) const;
  std::vector<node> sources(node n, relation r, const lookup_options& options = {}) const;

  // How many `r` edges leave `n`, unfiltered: out_edges(n, r).size() without
  // reading the edges' texts.
  std::size_t out_degree(node n, relation r) const;

  // Every node of a type, in load order, filtered.
  std::vector<node> all(object_type type, const lookup_options& options = {}) const;

  // Relationship objects that are themselves live (or allowed by `options`) and
  // whose source is in the visible domains.
  std::size_t relationship_count(const lookup_options& options = {}) const;
  const std::vector<source_file>& files() const& noexcept;   // what was loaded, in order
  const load_report& report() const& noexcept;
  const std::vector<source_file>& files() const&& = delete;
  const load_report& report() const&& = delete;

  // The D3FEND release loaded beside ATT&CK (load_options::d3fend_file), or
  // null when none was given. Borrows from *this.
  const d3fend_ontology* d3fend() const& noexcept;
  const d3fend_ontology* d3fend() const&& = delete;

private:
  struct impl;
  friend struct graph_access;   // lib/ only (lib/graph/graph_access.hpp)
  explicit knowledge_graph(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace mitrekg
