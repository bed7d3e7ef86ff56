// Must compile (the control case): the same calls on a graph kept in a variable, each node of its own kind.
#include "mitrekg/countermeasures.hpp"
#include "mitrekg/d3fend.hpp"
#include "mitrekg/graph.hpp"
#include "mitrekg/query.hpp"

std::size_t fine(const mitrekg::load_options& o) {
  auto g = mitrekg::knowledge_graph::load(o);
  return g[mitrekg::node{0}].name.size() + g.out_edges(mitrekg::node{0}, mitrekg::relation::uses).size() + g.report().total() +
         mitrekg::countermeasures_of(g, "T1562.001").rows.size() + mitrekg::detections_of(g, mitrekg::node{0}).size();
}

std::size_t right_kinds(const mitrekg::knowledge_graph& g, const mitrekg::d3fend_ontology& o, mitrekg::node a,
                        mitrekg::d3fend_node d) {
  return g.visible(a, {}) + o.ancestors(d).size();
}
