// The Falco condition language: parser, binder and event-type index (first commit: interface only).
#include "rules/condition.hpp"

namespace mitrekg::rules {

std::string_view falco_code(std::string_view code) noexcept {
  if (code == "skipped-unknown-field") return "LOAD_UNKNOWN_FILTER";
  if (code == "condition-syntax" || code == "condition-too-deep" || code == "undefined-macro" ||
      code == "macro-loop" || code == "list-loop" || code == "unknown-field" || code == "field-argument" ||
      code == "invalid-operator" || code == "invalid-value" || code == "unknown-transformer")
    return "LOAD_ERR_COMPILE_CONDITION";
  return "";
}

parsed_condition parse_condition(std::string_view text, const condition_origin& where,
                                 std::vector<mitrekg::diagnostic>& out) {
  parsed_condition c;
  c.text = std::string(text);
  c.origin = where;
  out.push_back({"condition-syntax", severity::error, "", 0, 0, where.item, "condition parser not implemented yet", {}});
  return c;
}

bound_condition bind(const parsed_condition&, const binder_context& ctx, std::vector<mitrekg::diagnostic>&) {
  bound_condition b;
  b.source = std::string(ctx.source);
  return b;
}

event_type_set event_types(const bound_condition&) { return {}; }

}  // namespace mitrekg::rules
