// mitre-query check-rules, rules: load Falco rule files (no ATT&CK data needed) and report diagnostics or list the rules.
#include <algorithm>
#include <filesystem>

#include "commands.hpp"
#include "mitrekg/rules.hpp"

namespace mq {

namespace {

mitrekg::rule_set load_rules(const context& ctx, const mitrekg::rule_load_options& options) {
  std::vector<std::filesystem::path> files(ctx.args.begin(), ctx.args.end());
  return mitrekg::rule_set::load(files, options);
}

}  // namespace

int run_check_rules(context& ctx) {
  if (ctx.fmt == format::csv) throw usage_error("check-rules --format must be text or json, not \"csv\"");
  mitrekg::rule_load_options options;
  options.sources = comma_values(ctx, "source");
  const mitrekg::rule_set set = load_rules(ctx, options);
  const mitrekg::rule_counts n = set.counts();
  const auto& diags = set.diagnostics();
  if (ctx.fmt == format::json) {
    array items;
    for (std::size_t i = 0; i < diags.size(); ++i) {
      const auto& d = diags[i];
      items.push_back(object{{"file", d.file},
                             {"line", d.line},
                             {"column", d.column},
                             {"severity", mitrekg::to_string(d.level)},
                             {"code", d.code},
                             {"falco_code", mitrekg::falco_code(d.code)},
                             {"item_kind", set.item_kind(i)},
                             {"item", d.item},
                             {"message", d.message}});
    }
    const object summary = {{"files", n.files},   {"lists", n.lists},   {"macros", n.macros},
                            {"rules", n.rules},   {"enabled", n.enabled}, {"errors", n.errors},
                            {"warnings", n.warnings}};
    write_json(ctx.out, value(object{{"diagnostics", value(std::move(items))}, {"summary", value(summary)}}));
  } else {
    for (const auto& d : diags) ctx.out.print("{}\n", mitrekg::render_text(d));
    ctx.out.print("{} files, {} lists, {} macros, {} rules ({} enabled), {} errors, {} warnings\n", n.files, n.lists,
                  n.macros, n.rules, n.enabled, n.errors, n.warnings);
  }
  return n.errors ? exit_nothing : exit_found;
}

int run_rules(context& ctx) {
  const mitrekg::rule_set set = load_rules(ctx, {});
  const auto& diags = set.diagnostics();
  auto first_error = std::find_if(diags.begin(), diags.end(),
                                  [](const mitrekg::diagnostic& d) { return d.level == mitrekg::severity::error; });
  if (first_error != diags.end())
    throw usage_error(fmt::format("{} ({} errors; see check-rules)", mitrekg::render_text(*first_error),
                                  set.counts().errors));
  const std::vector<std::string> sources = comma_values(ctx, "source");
  array rows;
  for (const auto& r : set.rules()) {
    if (!sources.empty() && std::find(sources.begin(), sources.end(), r.source) == sources.end()) continue;
    value types = array{};
    if (r.all_event_types) types.push_back("*");
    for (const auto& t : r.event_types) types.push_back(t);
    value tags = array{};
    for (const auto& t : r.tags) tags.push_back(t);
    rows.push_back(object{{"name", r.name},
                          {"source", r.source},
                          {"priority", mitrekg::to_string(r.priority)},
                          {"enabled", r.enabled && r.compiled},
                          {"event_types", std::move(types)},
                          {"tags", std::move(tags)}});
  }
  const std::vector<column> columns = {{"name", "RULE"},     {"source", ""},        {"priority", ""},
                                       {"enabled", ""},      {"event_types", "EVENT TYPES"}, {"tags", ""}};
  return print_list(ctx, columns, rows);
}

}  // namespace mq
