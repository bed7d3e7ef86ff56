// Names of operators and transformers, diagnostic codes, and text offset → file position.
#include "rules/condition.hpp"

#include "rules/condition_impl.hpp"

#include <algorithm>

namespace mitrekg::rules {

std::string_view falco_code(std::string_view code) noexcept {
  if (code == "skipped-unknown-field") return "LOAD_UNKNOWN_FILTER";
  static constexpr std::string_view compile[] = {
      "condition-syntax", "condition-too-deep", "condition-too-large", "undefined-macro", "invalid-macro", "macro-loop", "list-loop",
      "unknown-field", "field-argument", "invalid-operator", "invalid-value", "unknown-transformer"};
  for (std::string_view c : compile)
    if (c == code) return "LOAD_ERR_COMPILE_CONDITION";
  return "";
}

std::string_view to_string(cmp_op op) noexcept {
  switch (op) {
    case cmp_op::eq: return "=";
    case cmp_op::eqeq: return "==";
    case cmp_op::ne: return "!=";
    case cmp_op::lt: return "<";
    case cmp_op::le: return "<=";
    case cmp_op::gt: return ">";
    case cmp_op::ge: return ">=";
    case cmp_op::contains: return "contains";
    case cmp_op::icontains: return "icontains";
    case cmp_op::bcontains: return "bcontains";
    case cmp_op::startswith: return "startswith";
    case cmp_op::bstartswith: return "bstartswith";
    case cmp_op::endswith: return "endswith";
    case cmp_op::glob: return "glob";
    case cmp_op::iglob: return "iglob";
    case cmp_op::regex: return "regex";
    case cmp_op::in: return "in";
    case cmp_op::intersects: return "intersects";
    case cmp_op::pmatch: return "pmatch";
    case cmp_op::exists: return "exists";
  }
  return "?";
}

bool is_list_op(cmp_op op) noexcept {
  return op == cmp_op::in || op == cmp_op::intersects || op == cmp_op::pmatch;
}

std::string_view to_string(transformer t) noexcept {
  switch (t) {
    case transformer::tolower: return "tolower";
    case transformer::toupper: return "toupper";
    case transformer::b64: return "b64";
    case transformer::basename: return "basename";
    case transformer::len: return "len";
    case transformer::val: return "val";
  }
  return "?";
}

namespace detail {

position_map::position_map(const condition_origin& origin, std::string_view text) : origin_(origin) {
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') newlines_.push_back(static_cast<std::uint32_t>(i));
}

located position_map::locate(std::uint32_t offset) const {
  const text_segment* seg = nullptr;
  for (const auto& s : origin_.segments) {  // few segments: one per glued piece or folded line
    if (s.offset > offset) break;
    seg = &s;
  }
  std::uint32_t base = seg ? seg->offset : 0;
  source_position start = seg ? seg->start : source_position{1, 1};
  // Newlines in [base, offset): each starts a new file line at the segment's start column.
  auto first = std::lower_bound(newlines_.begin(), newlines_.end(), base);
  auto last = std::lower_bound(newlines_.begin(), newlines_.end(), offset);
  auto lines = static_cast<std::uint32_t>(last - first);
  source_position p;
  p.line = start.line + lines;
  p.column = lines == 0 ? start.column + (offset - base) : start.column + (offset - (*(last - 1) + 1));
  return {seg ? std::string_view(seg->file) : std::string_view(), p};
}

mitrekg::diagnostic make_diagnostic(const position_map& map, std::uint32_t offset, std::string code,
                                    std::string item, std::string message, severity level) {
  located at = map.locate(offset);
  mitrekg::diagnostic d;
  d.code = std::move(code);
  d.level = level;
  d.file = std::string(at.file);
  d.line = at.pos.line;
  d.column = at.pos.column;
  d.item = std::move(item);
  d.message = std::move(message);
  return d;
}

}  // namespace detail

located locate(const condition_origin& origin, std::string_view text, std::uint32_t offset) {
  return detail::position_map(origin, text).locate(offset);
}

std::vector<std::string_view> macro_references(const parsed_condition& c) {
  std::vector<std::pair<std::uint32_t, std::string_view>> refs;
  for (const auto& n : c.nodes)
    if (n.kind == parsed_kind::macro_ref) refs.emplace_back(n.offset, n.name);
  std::sort(refs.begin(), refs.end());
  std::vector<std::string_view> out;
  out.reserve(refs.size());
  for (const auto& r : refs) out.push_back(r.second);
  return out;
}

}  // namespace mitrekg::rules

namespace mitrekg::rules {

condition_origin scalar_origin(std::string_view file_text, source_position mark, std::size_t mark_pos,
                               std::string_view value, std::string file, std::string item) {
  condition_origin o;
  o.item = std::move(item);
  auto line_end = [&](std::size_t from) {
    std::size_t e = file_text.find('\n', from);
    return e == std::string_view::npos ? file_text.size() : e;
  };
  char first = mark_pos < file_text.size() ? file_text[mark_pos] : '\0';
  if (first == '"' || first == '\'') {  // quoted: escapes change lengths; the first line only
    o.segments.push_back({0, std::move(file), {mark.line, mark.column + 1}});
    return o;
  }
  bool block = first == '|' || first == '>';
  std::size_t indent = std::string_view::npos;  // block scalars: of the first content line
  std::uint32_t line_no = mark.line;
  std::size_t at = mark_pos;    // start of the current source line's content
  std::size_t v = 0;            // matched so far in value
  bool first_line = true;
  // Walk the scalar's source lines only as far as the value goes (cost: the scalar's size).
  while (at <= file_text.size() && v < value.size()) {
    std::size_t end = line_end(at);
    std::string_view content;
    std::uint32_t column = 0;
    if (first_line && !block) {
      content = file_text.substr(at, end - at);
      column = mark.column;
    } else if (!first_line) {
      std::size_t line_start = at;
      std::string_view line = file_text.substr(line_start, end - line_start);
      std::size_t lead = line.find_first_not_of(block ? " " : " \t");
      if (lead == std::string_view::npos || line.substr(lead) == "\r") {  // blank: folded into the value
        at = end + 1;
        ++line_no;
        continue;
      }
      if (block) {
        if (indent == std::string_view::npos) indent = lead;
        if (lead < indent) break;
        lead = indent;
      }
      content = line.substr(lead);
      column = static_cast<std::uint32_t>(lead + 1);
    }
    if (!content.empty() || !first_line) {
      while (!content.empty() && value.compare(v, content.size(), content) != 0 &&
             (content.back() == ' ' || content.back() == '\r' || content.back() == '\t'))
        content.remove_suffix(1);
      if (content.empty() || value.compare(v, content.size(), content) != 0) break;
      o.segments.push_back({static_cast<std::uint32_t>(v), file, {line_no, column}});
      v += content.size();
      if (v < value.size() && value[v] == '\n')
        while (v < value.size() && value[v] == '\n') ++v;
      else if (v < value.size() && value[v] == ' ')
        ++v;
    }
    first_line = false;
    at = end + 1;
    ++line_no;
  }
  if (o.segments.empty()) o.segments.push_back({0, std::move(file), mark});
  return o;
}

}  // namespace mitrekg::rules
