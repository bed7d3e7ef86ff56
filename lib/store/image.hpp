// The compiled graph image stored in a snapshot beside the relational tables (fast to load, no per-row SQL).
#pragma once

#include <string>
#include <string_view>

#include "graph/graph_impl.hpp"

namespace mitrekg::store {

// The objects and edges of `g` (in insertion order) as one little-endian blob:
// a header, one string area, then fixed-shape records referring into it.
std::string encode_image(const knowledge_graph::impl& g);

// Fills g.objects and g.graph from an image; the views point into `image`,
// which the caller keeps alive (in g.storage). Throws error(bad_snapshot) for a
// damaged image, naming `file`; never reads out of bounds.
void decode_image(std::string_view image, std::string_view file, knowledge_graph::impl& g);

}  // namespace mitrekg::store
