// Must not compile: edges hold views into the graph.
#include "mitrekg/graph.hpp"

std::size_t dangling(const mitrekg::load_options& o) {
  return mitrekg::knowledge_graph::load(o).out_edges(mitrekg::node{0}, mitrekg::relation::uses).size();
}
