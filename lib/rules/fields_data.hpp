// The generated field and event-name tables (fields_data.cpp, from tools/gen_fields.py).
#pragma once

#include "rules/condition.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mitrekg::rules::data {

// A name in field_text: rows hold offsets, not pointers, so nothing in the
// tables is relocated (written) when a position-independent executable starts.
struct text_ref {
  std::uint32_t offset;
  std::uint32_t size;
};

struct field_row {
  text_ref source;
  text_ref name;
  field_type type;
  field_arg arg;
  bool list;
  bool dotted_arg;
};

// Every name of the tables below, one after another (not NUL-separated).
extern const char field_text[];
inline std::string_view text_of(text_ref r) noexcept { return {field_text + r.offset, r.size}; }

// Grouped by source, sorted by name within a source.
extern const field_row field_rows[];
extern const std::size_t field_row_count;
// Sorted, unique.
extern const text_ref event_names[];
extern const std::size_t event_name_count;

}  // namespace mitrekg::rules::data
