// Must not compile: an ATT&CK node handle passed where a D3FEND node is expected.
// expect-error: cannot convert | cannot initialize a parameter of type
#include "mitrekg/d3fend.hpp"
#include "mitrekg/graph.hpp"

std::size_t mixed(const mitrekg::d3fend_ontology& o, mitrekg::node n) { return o.ancestors(n).size(); }
