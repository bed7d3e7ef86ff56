// Must not compile: detections hold views (log source, channel) into the graph.
#include "mitrekg/query.hpp"

std::size_t dangling(const mitrekg::load_options& o) {
  return mitrekg::detections_of(mitrekg::knowledge_graph::load(o), mitrekg::node{0}).size();
}
