// The top levels of a YAML stream as a small tree, built from yaml-cpp's parser events (what lint needs of a rule file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mitrekg::tags {

// One node. Children are indexes into outline::nodes: a sequence's items, a
// map's keys and values alternating (in file order, duplicates kept).
struct outline_node {
  enum class kind : std::uint8_t { null, scalar, sequence, map, skipped };
  kind type = kind::null;
  int line = 0, column = 0;   // yaml-cpp's mark: 0-based, columns in characters
  std::string scalar;
  std::vector<std::uint32_t> children;

  bool is_scalar() const noexcept { return type == kind::scalar; }
  bool is_sequence() const noexcept { return type == kind::sequence; }
  bool is_map() const noexcept { return type == kind::map; }
};

// The documents of a YAML stream down to `depth` levels below each document's
// root (a container deeper than that is one `skipped` node, its content parsed
// but not kept), plus every anchored node whole, so that an alias means what it
// means to YAML::Load (the node it names). A scalar's text is kept when it is
// a map key, a sequence item, a document, or the value of a key in
// `value_keys`; other scalars (a Falco rule's condition and output, a Sigma
// description) keep their kind and position only. yaml-cpp parses everything: a file
// it would refuse throws the same YAML::Exception (position and message) as
// YAML::LoadAll. Why not LoadAll: its node graph (shared pointers, one
// allocation per node, every level kept) costs about a third of the parse.
struct outline {
  std::vector<outline_node> nodes;
  std::vector<std::uint32_t> documents;   // each document's root

  const outline_node& operator[](std::uint32_t i) const { return nodes[i]; }
  // The value of the first key equal to `key` in map `m`; nullptr when `m` is
  // not a map or has no such key (a key with an empty value gives a null node).
  const outline_node* get(const outline_node& m, std::string_view key) const;
};

// Throws YAML::Exception (YAML::ParserException) for what yaml-cpp refuses.
outline read_outline(std::string_view text, std::size_t depth, const std::vector<std::string_view>& value_keys);

}  // namespace mitrekg::tags
