// mitre-query detections T: how a technique is detected. ATT&CK 18.x: detection
// strategy -> analytic -> data component with log source and channel; ≤17.x:
// data components that detect the technique (with the relationship's text).
#include "commands.hpp"
#include "mitrekg/query.hpp"

namespace mq {

int run_detections(context& ctx) {
  auto t = find_one(ctx, ctx.args.front(), {mitrekg::object_type::technique});
  if (!t) return exit_nothing;
  const auto& g = ctx.graph();
  auto id = [&](mitrekg::node n) { return n == mitrekg::no_node ? value() : value(g[n].id); };
  auto name = [&](mitrekg::node n) { return n == mitrekg::no_node ? value() : value(g[n].name); };
  auto text = [](std::string_view s) { return s.empty() ? value() : value(s); };
  array rows;
  for (const auto& d : mitrekg::detections_of(g, *t, ctx.lookup)) {
    // The row's own id and name: the detection strategy (18.x), else the data component (≤17.x).
    mitrekg::node self = d.strategy != mitrekg::no_node ? d.strategy : d.data_component;
    rows.push_back(object{
        {"id", id(self)},
        {"name", name(self)},
        {"strategy_id", id(d.strategy)},
        {"strategy", name(d.strategy)},
        {"analytic_id", id(d.analytic)},
        {"platforms", d.analytic == mitrekg::no_node ? value() : strings(g[d.analytic].platforms)},
        {"data_source_id", id(d.data_source)},
        {"data_source", name(d.data_source)},
        {"data_component_id", id(d.data_component)},
        {"data_component", name(d.data_component)},
        {"log_source", text(d.log_source)},
        {"channel", text(d.channel)},
    });
  }
  const std::vector<column> columns = {
      {"id", "", false},
      {"name", "", false},
      {"strategy_id", "STRATEGY", true},
      {"strategy", "", false},
      {"analytic_id", "ANALYTIC", true},
      {"platforms", "", true},
      {"data_source_id", "", false},
      {"data_source", "", true},
      {"data_component_id", "", false},
      {"data_component", "", true},
      {"log_source", "", true},
      {"channel", "", true},
  };
  return print_list(ctx, columns, rows);
}

}  // namespace mq
