// Private access to d3fend_ontology's inside, for lib/ and in-tree tests: the public header only declares d3fend_access a friend.
#pragma once

#include <memory>
#include <utility>

#include "mitrekg/d3fend.hpp"

namespace mitrekg {

struct d3fend_access {
  using impl = d3fend_ontology::impl;
  // The hierarchies and indexes behind `o` (lib/d3fend/ontology_impl.hpp); borrows from `o`.
  static const impl& internals(const d3fend_ontology& o) noexcept { return *o.impl_; }
  // Wraps an ontology built elsewhere (the JSON-LD loader's variants, the snapshot reader).
  static d3fend_ontology adopt(std::unique_ptr<impl> p) { return d3fend_ontology(std::move(p)); }
};

// The private type, named for lib/ (d3fend_impl itself is private).
using d3fend_impl = d3fend_access::impl;

}  // namespace mitrekg
