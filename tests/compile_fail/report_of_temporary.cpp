// Must not compile: the report and the file list are references into the graph.
#include "mitrekg/graph.hpp"

const mitrekg::load_report& dangling(const mitrekg::load_options& o) {
  return mitrekg::knowledge_graph::load(o).report();
}
