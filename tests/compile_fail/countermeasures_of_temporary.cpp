// Must not compile: the countermeasure rows borrow from the graph's D3FEND release.
#include "mitrekg/countermeasures.hpp"

mitrekg::technique_countermeasures dangling(const mitrekg::load_options& o) {
  return mitrekg::countermeasures_of(mitrekg::knowledge_graph::load(o), "T1562.001");
}
