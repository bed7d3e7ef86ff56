// Field tables per event source and the syscall event names, built once from the generated rows.
#include "rules/condition.hpp"
#include "rules/fields_data.hpp"

#include <algorithm>
#include <array>

namespace mitrekg::rules {

std::string_view to_string(field_type t) noexcept {
  switch (t) {
    case field_type::string: return "string";
    case field_type::bytes: return "bytebuf";
    case field_type::int64: return "int64";
    case field_type::uint64: return "uint64";
    case field_type::port: return "port";
    case field_type::boolean: return "bool";
    case field_type::ipaddr: return "ipaddr";
    case field_type::ipnet: return "ipnet";
    case field_type::reltime: return "reltime";
    case field_type::abstime: return "abstime";
    case field_type::double_: return "double";
    case field_type::dynamic: return "dynamic";
  }
  return "?";
}

field_table::field_table(std::string_view source, std::vector<field_info> fields)
    : source_(source), fields_(std::move(fields)) {
  std::sort(fields_.begin(), fields_.end(), [](const field_info& a, const field_info& b) { return a.name < b.name; });
  for (std::size_t i = 0; i < fields_.size(); ++i) fields_[i].id = static_cast<std::uint16_t>(i);
}

const field_info* field_table::find(std::string_view name, std::string_view* dotted_arg) const noexcept {
  auto less = [](const field_info& f, std::string_view n) { return f.name < n; };
  auto it = std::lower_bound(fields_.begin(), fields_.end(), name, less);
  if (it != fields_.end() && it->name == name) return &*it;
  if (dotted_arg == nullptr) return nullptr;
  // "evt.arg.flags": the longest prefix ending before a '.' that accepts a dotted argument.
  for (std::size_t dot = name.rfind('.'); dot != std::string_view::npos && dot > 0;
       dot = name.rfind('.', dot - 1)) {
    std::string_view prefix = name.substr(0, dot);
    auto p = std::lower_bound(fields_.begin(), fields_.end(), prefix, less);
    if (p != fields_.end() && p->name == prefix && p->dotted_arg) {
      *dotted_arg = name.substr(dot + 1);
      return &*p;
    }
    if (dot == 0) break;
  }
  return nullptr;
}

namespace {

constexpr std::array<std::string_view, 7> source_names = {"syscall", "k8s_audit", "aws_cloudtrail",
                                                          "gcp_auditlog", "okta", "github", "json"};

struct tables {
  std::vector<field_table> by_source;
  tables() {
    by_source.reserve(source_names.size());
    for (std::string_view s : source_names) {
      std::vector<field_info> fs;
      for (std::size_t i = 0; i < data::field_row_count; ++i) {
        const auto& r = data::field_rows[i];
        if (data::text_of(r.source) == s) fs.push_back(field_info{data::text_of(r.name), r.type, r.arg, r.list, r.dotted_arg, 0});
      }
      by_source.emplace_back(s, std::move(fs));
    }
  }
};

const tables& all_tables() {
  static const tables t;  // built on first use; thread-safe initialisation
  return t;
}

}  // namespace

const field_table* fields_for_source(std::string_view source) noexcept {
  for (const auto& t : all_tables().by_source)
    if (t.source() == source) return &t;
  return nullptr;
}

std::span<const std::string_view> known_sources() noexcept { return source_names; }

std::span<const std::string_view> syscall_event_types() noexcept {
  // Views made on first use: the generated table holds offsets (fields_data.hpp).
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    out.reserve(data::event_name_count);
    for (std::size_t i = 0; i < data::event_name_count; ++i) out.push_back(data::text_of(data::event_names[i]));
    return out;
  }();
  return names;
}

}  // namespace mitrekg::rules
