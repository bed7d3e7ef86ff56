// mitre-query stats, platforms: counts of what is loaded.
#include "commands.hpp"
#include "mitrekg/query.hpp"

namespace mq {

int run_stats(context& ctx) {
  const auto& g = ctx.graph();
  const mitrekg::statistics s = mitrekg::stats(g, ctx.lookup);
  const object counts = {
      {"tactics", s.tactics},
      {"techniques", s.techniques},
      {"subtechniques", s.subtechniques},
      {"mitigations", s.mitigations},
      {"groups", s.groups},
      {"software", s.software},
      {"campaigns", s.campaigns},
      {"data_sources", s.data_sources},
      {"data_components", s.data_components},
      {"detection_strategies", s.detection_strategies},
      {"analytics", s.analytics},
      {"assets", s.assets},
      {"relationships", s.relationships},
  };
  if (ctx.fmt == format::json) {
    write_json(ctx.out, value(counts));
    return exit_found;
  }
  array rows;
  for (const auto& [k, v] : counts) rows.push_back(object{{"kind", k}, {"count", v}});
  const std::vector<column> columns = {{"kind", "", true}, {"count", "", true}};
  if (ctx.fmt == format::csv) write_csv(ctx.out, columns, rows);
  else write_table(ctx.out, columns, rows, ctx.width);
  return exit_found;
}

int run_platforms(context& ctx) {
  const auto& g = ctx.graph();
  array rows;
  for (const std::string& p : mitrekg::platforms(g, ctx.lookup)) {
    mitrekg::technique_filter f;
    f.platform = p;
    rows.push_back(object{{"name", p}, {"techniques", mitrekg::techniques(g, f, ctx.lookup).size()}});
  }
  return print_list(ctx, {{"name", "PLATFORM", true}, {"techniques", "", true}}, rows);
}

}  // namespace mq
