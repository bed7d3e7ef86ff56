// Node handles <-> positions: the public node types are strong (enum class); lib/ converts here only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

namespace mitrekg {

// The dense position a handle (node, d3fend_node) stands for.
template <class Handle>
  requires std::is_enum_v<Handle>
constexpr std::uint32_t index_of(Handle h) noexcept {
  return static_cast<std::uint32_t>(h);
}

// The handle of position `i` (i fits in 32 bits: graphs are sized so).
template <class Handle>
  requires std::is_enum_v<Handle>
constexpr Handle handle_at(std::size_t i) noexcept {
  return Handle{static_cast<std::uint32_t>(i)};
}

// Every handle of a graph of `n` nodes, in order: for (node v : all_handles<node>(n)).
// A plain range, not std::views::iota | transform: clang 14 cannot compile
// libstdc++ 12's iota_view (the sanitizer build uses clang).
template <class Handle>
  requires std::is_enum_v<Handle>
struct handle_range {
  struct iterator {
    std::uint32_t i;
    constexpr Handle operator*() const noexcept { return Handle{i}; }
    constexpr iterator& operator++() noexcept { ++i; return *this; }
    constexpr bool operator==(const iterator&) const noexcept = default;
  };
  std::uint32_t n;
  constexpr iterator begin() const noexcept { return {0}; }
  constexpr iterator end() const noexcept { return {n}; }
};

template <class Handle>
  requires std::is_enum_v<Handle>
constexpr handle_range<Handle> all_handles(std::size_t n) {
  return {static_cast<std::uint32_t>(n)};
}

// A vector with one element per node, indexed by the node's handle (and, for
// loops over every position, by a plain index too).
template <class Handle, class T>
struct handle_vector : std::vector<T> {
  using std::vector<T>::vector;
  using std::vector<T>::operator[];
  handle_vector() = default;
  handle_vector(std::vector<T> v) : std::vector<T>(std::move(v)) {}
  typename std::vector<T>::reference operator[](Handle h) { return std::vector<T>::operator[](index_of(h)); }
  typename std::vector<T>::const_reference operator[](Handle h) const {
    return std::vector<T>::operator[](index_of(h));
  }
};

}  // namespace mitrekg
