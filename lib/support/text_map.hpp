// Open-addressing hash maps keyed by text (Boost 1.81 unordered_flat_map, XXH3).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/unordered/unordered_flat_map.hpp>
// Inlined: keys are short, and a call into libxxhash costs as much as hashing them.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace mitrekg {

// XXH3 of the bytes. Declared avalanching so the map uses the hash as is, and
// transparent so a std::string-keyed map can be probed with a string_view.
struct text_hash {
  using is_avalanching = void;
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return static_cast<std::size_t>(XXH3_64bits(s.data(), s.size()));
  }
};
struct text_equal {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

// Keys are views: whoever fills the map keeps the bytes alive.
template <class T>
using text_view_map = boost::unordered_flat_map<std::string_view, T, text_hash, text_equal>;
template <class T>
using text_map = boost::unordered_flat_map<std::string, T, text_hash, text_equal>;

}  // namespace mitrekg
