// The compiled graph image stored in a snapshot beside the relational tables (fast to load, no per-row SQL).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "d3fend/ontology_impl.hpp"
#include "graph/graph_impl.hpp"

namespace mitrekg::store {

// The objects and edges of `g` (in insertion order) as one little-endian blob:
// a header, one string area, then fixed-shape records referring into it.
std::string encode_image(const graph_impl& g);

// Fills g.objects, then g.graph from an image; the views point into `image`,
// which the caller keeps alive (in g.storage). `objects_done` runs between the
// two (g.objects is complete; g.graph not yet touched). Throws
// error(bad_snapshot) for a damaged image, naming `file`; never reads out of bounds.
void decode_image(std::string_view image, std::string_view file, graph_impl& g,
                  const std::function<void()>& objects_done = {});

// The D3FEND ontology as read (nodes, their stated facts, the raw links), for
// d3fend_detail::build() to rebuild; views point into `image`, which the
// ontology must own (impl::buffer). Throws error(bad_snapshot) when damaged.
std::string encode_d3fend_image(const d3fend_impl& o);
void decode_d3fend_image(std::string_view image, std::string_view file, d3fend_impl& o);

}  // namespace mitrekg::store
