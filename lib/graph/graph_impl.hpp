// The inside of knowledge_graph: a Boost.Graph compressed_sparse_row_graph plus id, STIX-id and name indexes, or a stored image read in place.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "graph/graph_access.hpp"
#include "mitrekg/graph.hpp"
#include "support/handles.hpp"
#include "support/text_map.hpp"
#include "stix/bundle_reader.hpp"

namespace mitrekg {

// Edge bundle: the relation and the relationship's details (views into a
// bundle). The views first and the small members together: 56 bytes, not 64.
struct edge_data {
  std::string_view stix_id{};
  std::string_view description{};
  std::string_view log_source{};
  std::uint32_t seq = 0;   // insertion order over the whole graph (snapshots replay it)
  relation type = relation::other;
  bool revoked = false;
  bool deprecated = false;
};
static_assert(sizeof(edge_data) == 56);

// Vertex i is attack_object i of `objects`; edges carry edge_data. Graphs are
// built once, never edited: compressed sparse rows (Boost.Graph's CSR graph,
// 32-bit indexes), each vertex's out-edges in load order (edge_data::seq). Its
// in-edges, also in load order, are graph_impl::in_start / in_edges (Boost's
// bidirectional CSR would order them by source vertex instead).
using boost_graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, edge_data,
                                                       boost::no_property, std::uint32_t, std::uint32_t>;

// Edges as a builder produces them (vertex indexes, seq unique), before the
// graph is made: three columns, so that set_edges can hand the targets and the
// data over to the graph instead of copying them.
struct built_edges {
  std::vector<std::uint32_t> sources;
  std::vector<std::uint32_t> targets;
  std::vector<edge_data> data;
  void reserve(std::size_t n) {
    sources.reserve(n);
    targets.reserve(n);
    data.reserve(n);
  }
  void push_back(std::uint32_t source, std::uint32_t target, const edge_data& d) {
    sources.push_back(source);
    targets.push_back(target);
    data.push_back(d);
  }
  std::size_t size() const noexcept { return sources.size(); }
};

// What visible() and the filters read of an object, without decoding it.
struct object_head {
  object_type type = object_type::unknown;
  domain_set domains = 0;
  bool revoked = false;
  bool deprecated = false;
  bool subtechnique = false;
};

// One end of an edge in a stored graph's adjacency lists: enough to filter and
// follow it without reading the edge's record (its texts).
struct edge_ref {
  std::uint32_t edge = 0;     // position in insertion order (edge_data::seq)
  node other{};               // the target of an out-edge, the source of an in-edge
  relation type = relation::other;
  bool revoked = false;
  bool deprecated = false;
  bool relationship = false;  // from a relationship object (has a STIX id), not a property link
};

// A graph answered in place from a snapshot's compiled image (lib/store/image.cpp):
// parts are read from the file when a question first needs them, each part
// checked by its own checksum then. Members other than size() and head() may
// therefore throw error(errc::bad_snapshot) when the file was damaged after it
// was opened (never SIGBUS, never a wrong answer). Thread-safe: parts and
// decoded objects are published once, under a lock; const members may be
// called from several threads at once. Views point into memory the object owns.
class stored_graph {
public:
  enum class index { id, name, stix };
  virtual ~stored_graph() = default;
  virtual std::size_t size() const noexcept = 0;
  virtual std::size_t edge_count() const noexcept = 0;
  virtual object_head head(node n) const noexcept = 0;            // n < size()
  virtual const attack_object& object(node n) const = 0;          // decoded on first use, then kept
  virtual void adjacent(node n, bool out, std::vector<edge_ref>& refs) const = 0;   // appends, load order
  virtual edge edge_at(std::uint32_t e) const = 0;                // e < edge_count()
  // Appends the objects under `key` (lower-case for id and name; exact for stix), live first.
  virtual void lookup(index which, std::string_view key, std::vector<node>& out) const = 0;
};

// Lower-case key -> objects, live first: a flat open-addressing map with XXH3
// (support/text_map.hpp) from each key to its run of `nodes`, built once,
// probed often. One array for every key's objects, not a vector per key (at
// 10× ATT&CK's size that was 140k small heap blocks). Keys are views into
// knowledge_graph::impl::index_keys.
struct string_index {
  struct run {
    std::uint32_t first = 0;   // position in nodes
    std::uint32_t count = 0;
  };
  text_view_map<run> runs;
  std::vector<node> nodes;
  // The objects under `key` (already lower-case); empty when none. Borrows from the index.
  std::span<const node> find(std::string_view key) const {
    auto it = runs.find(key);
    if (it == runs.end()) return {};
    return {nodes.data() + it->second.first, it->second.count};
  }
};

struct knowledge_graph::impl {
  // Owners of every string_view below: file buffers and arenas of unescaped strings.
  std::vector<std::shared_ptr<const void>> storage;
  handle_vector<node, attack_object> objects;
  boost_graph graph;
  // Vertex v's in-edges are in_edges[in_start[v] .. in_start[v + 1]), in load order.
  std::vector<std::uint32_t> in_start;
  std::vector<boost_graph::edge_descriptor> in_edges;
  text_view_map<node> by_stix;
  std::string index_keys; // the lower-case keys of by_id and by_name, one buffer (never reallocated once built)
  string_index by_id;     // lower-case ATT&CK id -> objects, live first
  string_index by_name;   // lower-case name and aliases -> objects, live first
  std::vector<source_file> sources;
  load_report report;
  std::size_t relationships = 0;   // relationship objects (not property links)
  std::unique_ptr<d3fend_ontology> d3fend;   // null when no D3FEND file was loaded
  // Set for a graph opened from a snapshot image: it answers from there, and
  // objects, graph and the three indexes above stay empty.
  std::unique_ptr<const stored_graph> stored;
  // Identity of every source file as read (path, size, mtime), for snapshots and the cache.
  struct source_stamp {
    std::string kind;            // "attack" or "d3fend"
    std::string path;
    std::uintmax_t bytes = 0;
    std::int64_t mtime_ns = 0;
  };
  std::vector<source_stamp> stamps;

  edge to_edge(const boost_graph::edge_descriptor& e) const {
    const edge_data& d = graph[e];
    return edge{handle_at<node>(boost::source(e, graph)), handle_at<node>(boost::target(e, graph)),
                d.type, d.stix_id, d.description, d.log_source, d.revoked, d.deprecated};
  }
};

// Makes g.graph, g.in_start and g.in_edges over g.objects.size() vertices from
// `edges` (any order; seq unique), each vertex's out- and in-edges in seq
// order. The columns are put in graph order in place and taken over by the
// graph (no copy of the edge data). Every source and target must be < g.objects.size().
void set_edges(graph_impl& g, built_edges edges);
// Builds the graph from parsed bundles (lib/graph/builder.cpp).
std::unique_ptr<graph_impl> build_graph(std::vector<stix::bundle> bundles);

// The same build, whose first bundle may be read straight into the graph
// (read_first): its objects are added and its relationships linked as the
// reader passes them (stix::record_sink), so its records are never held. The
// graph is the one build_graph makes from the same bundles, edge for edge.
// Not thread-safe; one read_first at most, before finish().
class graph_build {
public:
  // `input_bytes`: the ATT&CK files' total size, to reserve for the graph up front.
  explicit graph_build(std::uintmax_t input_bytes = 0);
  ~graph_build();
  graph_build(const graph_build&) = delete;
  graph_build& operator=(const graph_build&) = delete;
  // Reads the first bundle of the load through the builder. Throws what
  // stix::read_bundle throws; the build is then unusable.
  stix::bundle read_first(const std::filesystem::path& path);
  stix::bundle read_first(std::string name, std::string_view bytes);   // from bytes (tests, fuzzing)
  // The graph from `bundles` in load order, bundles[0] being read_first's
  // when it was called. Throws mitrekg::error (two releases of one domain).
  std::unique_ptr<graph_impl> finish(std::vector<stix::bundle> bundles);

private:
  struct state;
  std::unique_ptr<state> s_;
};
// A file's size and modification time now; zeros when unknown (the reader reports why).
graph_impl::source_stamp stamp_file(const char* kind, const std::filesystem::path& path);
// (Re)builds by_stix, by_id and by_name from `objects` (also used by the snapshot reader).
void build_indexes(graph_impl& g);

}  // namespace mitrekg
