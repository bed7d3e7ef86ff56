// mitre-query list commands: tactics, techniques, sub-techniques, objects related
// to a technique, techniques an actor uses, search.
#include <algorithm>

#include "args.hpp"
#include "commands.hpp"
#include "mitrekg/query.hpp"

namespace mq {

namespace {

using mitrekg::knowledge_graph;
using mitrekg::node;
using mitrekg::object_type;

array technique_rows(const knowledge_graph& g, const std::vector<node>& nodes) {
  array rows;
  for (node n : nodes) rows.push_back(technique_row(g, n));
  return rows;
}

// The technique a command is about; nullopt (exit 1) when nothing matches.
std::optional<node> technique_arg(context& ctx) {
  return find_one(ctx, ctx.args.front(), {object_type::technique});
}

}  // namespace

int run_tactics(context& ctx) {
  const auto& g = ctx.graph();
  array rows;
  mitrekg::technique_filter f;
  f.subtechniques = false;
  for (node t : mitrekg::tactics(g, ctx.lookup)) {
    f.tactics = {t};
    rows.push_back(object{{"id", g[t].id},
                          {"name", g[t].name},
                          {"shortname", g[t].shortname},
                          {"domains", domain_names(g[t].domains)},
                          {"techniques", mitrekg::techniques(g, f, ctx.lookup).size()}});
  }
  return print_list(ctx,
                    {{"id", "", true}, {"name", "", true}, {"shortname", "", true}, {"domains", "", true},
                     {"techniques", "", true}},
                    rows);
}

int run_techniques(context& ctx) {
  const auto& g = ctx.graph();
  mitrekg::technique_filter f;
  for (const std::string& text : ctx.flag_values("tactic")) {
    auto found = mitrekg::find_tactic(g, text, ctx.lookup);
    if (found.empty())
      throw usage_error(fmt::format("--tactic: no tactic {} (see 'mitre-query tactics')", json_quote(text)));
    f.tactics.insert(f.tactics.end(), found.begin(), found.end());
  }
  f.platform = platform_flag(ctx);
  f.subtechniques = !ctx.has("no-subtechniques");
  return print_list(ctx, technique_columns, technique_rows(g, mitrekg::techniques(g, f, ctx.lookup)));
}

int run_subtechniques(context& ctx) {
  auto t = technique_arg(ctx);
  if (!t) return exit_nothing;
  const auto& g = ctx.graph();
  return print_list(ctx, technique_columns, technique_rows(g, mitrekg::subtechniques(g, *t, ctx.lookup)));
}

int run_mitigations(context& ctx) {
  auto t = technique_arg(ctx);
  if (!t) return exit_nothing;
  const auto& g = ctx.graph();
  array rows;
  for (node m : mitrekg::mitigations_of(g, *t, ctx.lookup))
    rows.push_back(object{{"id", g[m].id}, {"name", g[m].name}, {"domains", domain_names(g[m].domains)}});
  return print_list(ctx, {{"id", "", true}, {"name", "", true}, {"domains", "", false}}, rows);
}

int run_groups(context& ctx) {
  auto t = technique_arg(ctx);
  if (!t) return exit_nothing;
  const auto& g = ctx.graph();
  array rows;
  for (node x : mitrekg::groups_of(g, *t, ctx.lookup))
    rows.push_back(object{{"id", g[x].id}, {"name", g[x].name}, {"aliases", strings(g[x].aliases)}});
  return print_list(ctx, {{"id", "", true}, {"name", "", true}, {"aliases", "", true}}, rows);
}

int run_software(context& ctx) {
  auto t = technique_arg(ctx);
  if (!t) return exit_nothing;
  const auto& g = ctx.graph();
  array rows;
  for (node x : mitrekg::software_of(g, *t, ctx.lookup))
    rows.push_back(object{{"id", g[x].id},
                          {"name", g[x].name},
                          {"type", g[x].stix_type},   // "malware" or "tool"
                          {"platforms", strings(g[x].platforms)}});
  return print_list(ctx, {{"id", "", true}, {"name", "", true}, {"type", "", true}, {"platforms", "", true}},
                    rows);
}

int run_campaigns(context& ctx) {
  auto t = technique_arg(ctx);
  if (!t) return exit_nothing;
  const auto& g = ctx.graph();
  array rows;
  for (node x : mitrekg::campaigns_of(g, *t, ctx.lookup))
    rows.push_back(object{{"id", g[x].id}, {"name", g[x].name}, {"aliases", strings(g[x].aliases)}});
  return print_list(ctx, {{"id", "", true}, {"name", "", true}, {"aliases", "", true}}, rows);
}

int run_uses(context& ctx) {
  auto actor = find_one(ctx, ctx.args.front(),
                        {object_type::group, object_type::software, object_type::campaign, object_type::mitigation});
  if (!actor) return exit_nothing;
  const auto& g = ctx.graph();
  return print_list(ctx, technique_columns, technique_rows(g, mitrekg::techniques_of(g, *actor, ctx.lookup)));
}

int run_search(context& ctx) {
  std::string text;
  for (const auto& a : ctx.args) {
    if (!text.empty()) text += ' ';
    text += a;
  }
  // The limits (docs/cli.md, "Limits"), on the words as the search splits them.
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = std::min(text.find(' ', i), text.size());
    if (j == i) break;
    if (++count > max_search_words)
      throw usage_error(fmt::format("search takes at most {} words", max_search_words));
    if (j - i > max_search_word_bytes)
      throw usage_error(fmt::format("search words are at most {} bytes (word {} has {})", max_search_word_bytes,
                                    count, j - i));
    i = j;
  }
  if (count == 0) throw usage_error("search needs a word to look for");
  const auto& g = ctx.graph();
  array rows;
  for (const auto& hit : mitrekg::search(g, text, ctx.lookup)) {
    const auto& o = g[hit.object];
    rows.push_back(object{{"id", o.id.empty() ? o.stix_id : o.id},
                          {"name", o.name},
                          {"type", to_string(o.type)},
                          {"field", hit.field},
                          {"score", hit.score},
                          {"domains", domain_names(o.domains)}});
  }
  return print_list(ctx,
                    {{"id", "", true}, {"name", "", true}, {"type", "", true}, {"field", "MATCHED", true},
                     {"score", "", false}, {"domains", "", false}},
                    rows);
}

}  // namespace mq
