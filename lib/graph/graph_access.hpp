// Private access to knowledge_graph's inside, for lib/ and in-tree tests: the public header only declares graph_access a friend.
#pragma once

#include <memory>
#include <utility>

#include "mitrekg/graph.hpp"

namespace mitrekg {

struct graph_access {
  using impl = knowledge_graph::impl;
  // The Boost.Graph and indexes behind `g` (lib/graph/graph_impl.hpp); borrows from `g`.
  static const impl& internals(const knowledge_graph& g) noexcept { return *g.impl_; }
  // Wraps a graph built elsewhere (the SQLite snapshot reader).
  static knowledge_graph adopt(std::unique_ptr<impl> p) { return knowledge_graph(std::move(p)); }
};

// The private type, named for lib/ (graph_impl itself is private).
using graph_impl = graph_access::impl;

}  // namespace mitrekg
