// Must compile (the control case): the same calls on a graph kept in a variable.
#include "mitrekg/countermeasures.hpp"
#include "mitrekg/graph.hpp"
#include "mitrekg/query.hpp"

std::size_t fine(const mitrekg::load_options& o) {
  auto g = mitrekg::knowledge_graph::load(o);
  return g[0].name.size() + g.out_edges(0, mitrekg::relation::uses).size() + g.report().total() +
         mitrekg::countermeasures_of(g, "T1562.001").rows.size() + mitrekg::detections_of(g, 0).size();
}
