// Must not compile: a D3FEND node handle passed where an ATT&CK node is expected.
// expect-error: cannot convert | cannot initialize a parameter of type
#include "mitrekg/d3fend.hpp"
#include "mitrekg/graph.hpp"

bool mixed(const mitrekg::knowledge_graph& g, mitrekg::d3fend_node n) { return g.visible(n, {}); }
