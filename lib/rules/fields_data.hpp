// The generated field and event-name tables (fields_data.cpp, from tools/gen_fields.py).
#pragma once

#include "rules/condition.hpp"

#include <cstddef>
#include <string_view>

namespace mitrekg::rules::data {

struct field_row {
  std::string_view source;
  std::string_view name;
  field_type type;
  field_arg arg;
  bool list;
  bool dotted_arg;
};

// Grouped by source, sorted by name within a source.
extern const field_row field_rows[];
extern const std::size_t field_row_count;
// Sorted, unique.
extern const std::string_view event_names[];
extern const std::size_t event_name_count;

}  // namespace mitrekg::rules::data
