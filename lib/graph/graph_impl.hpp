// The inside of knowledge_graph: a Boost.Graph adjacency_list plus id, STIX-id and name indexes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "graph/graph_access.hpp"
#include "mitrekg/graph.hpp"
#include "support/handles.hpp"
#include "support/text_map.hpp"
#include "stix/bundle_reader.hpp"

namespace mitrekg {

// Edge bundle: the relation and the relationship's details (views into a bundle).
struct edge_data {
  relation type = relation::other;
  std::string_view stix_id;
  std::string_view description;
  std::string_view log_source;
  bool revoked = false;
  bool deprecated = false;
  std::uint32_t seq = 0;   // insertion order over the whole graph (snapshots replay it)
};

// Vertex i is attack_object i of `objects`; edges carry edge_data. The edge
// list is a vector too: graphs are built once, never edited.
using boost_graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                          boost::no_property, edge_data, boost::no_property, boost::vecS>;

// Lower-case key -> objects. Keys are views into knowledge_graph::impl::index_keys.
// Flat open-addressing maps with XXH3 (support/text_map.hpp): built once, probed often.
using string_index = text_view_map<std::vector<node>>;

struct knowledge_graph::impl {
  // Owners of every string_view below: file buffers and arenas of unescaped strings.
  std::vector<std::shared_ptr<const void>> storage;
  handle_vector<node, attack_object> objects;
  boost_graph graph;
  text_view_map<node> by_stix;
  std::string index_keys; // the lower-case keys of by_id and by_name, one buffer (never reallocated once built)
  string_index by_id;     // lower-case ATT&CK id -> objects, live first
  string_index by_name;   // lower-case name and aliases -> objects, live first
  std::vector<source_file> sources;
  load_report report;
  std::size_t relationships = 0;   // relationship objects (not property links)
  std::unique_ptr<d3fend_ontology> d3fend;   // null when no D3FEND file was loaded
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

// Builds the graph from parsed bundles (lib/graph/builder.cpp).
std::unique_ptr<graph_impl> build_graph(std::vector<stix::bundle> bundles);
// A file's size and modification time now; zeros when unknown (the reader reports why).
graph_impl::source_stamp stamp_file(const char* kind, const std::filesystem::path& path);
// (Re)builds by_stix, by_id and by_name from `objects` (also used by the snapshot reader).
void build_indexes(graph_impl& g);

}  // namespace mitrekg
