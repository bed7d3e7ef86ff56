// Must not compile: a record borrowed from a temporary graph would dangle.
#include "mitrekg/graph.hpp"

const mitrekg::attack_object& dangling(const mitrekg::load_options& o) {
  return mitrekg::knowledge_graph::load(o)[mitrekg::node{0}];
}
