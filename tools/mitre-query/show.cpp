// mitre-query show ID|NAME: one object as a record: an ATT&CK object (techniques
// with their D3FEND countermeasures), else a D3FEND technique or artifact (d3fend.cpp).
#include <algorithm>

#include "commands.hpp"
#include "mitrekg/query.hpp"

namespace mq {

namespace {

using mitrekg::knowledge_graph;
using mitrekg::node;
using mitrekg::object_type;

value record(context& ctx, const knowledge_graph& g, node n) {
  const auto& o = g[n];
  array tactics;
  array subs;
  std::optional<node> parent;
  if (o.type == object_type::technique) {
    for (node t : mitrekg::tactics_of(g, n))
      tactics.push_back(object{{"id", g[t].id}, {"shortname", g[t].shortname}, {"name", g[t].name}});
    for (node s : mitrekg::subtechniques(g, n, ctx.lookup)) subs.push_back(id_name(g, s));
    if (o.is_subtechnique) parent = mitrekg::parent(g, n);
  }
  object r{
      {"id", o.id},
      {"stix_id", o.stix_id},
      {"type", to_string(o.type)},
      {"name", o.name},
      {"description", o.description},
      {"url", o.url},
      {"platforms", strings(o.platforms)},
      {"tactics", std::move(tactics)},
      {"parent", id_name_or_null(g, parent)},
      {"subtechniques", std::move(subs)},
      {"revoked", o.revoked},
      {"deprecated", o.deprecated},
      {"revoked_by", id_name_or_null(g, mitrekg::replacement(g, n))},
      {"aliases", strings(o.aliases)},
      {"domains", domain_names(o.domains)},
      {"shortname", o.shortname},
      {"version", o.version},
      {"modified", o.modified},
  };
  if (o.type == object_type::technique) {
    // D3FEND's countermeasures by tactic; {} with "no-d3fend" when no release is loaded.
    auto cm = countermeasures_for_show(ctx, n);
    r.emplace_back("d3fend_coverage", cm.coverage);
    r.emplace_back("countermeasures", std::move(cm.json));
  }
  return r;
}

std::string id_and_name(const knowledge_graph& g, node n) {
  return fmt::format("{} {}", g[n].id, g[n].name);
}

// The readable record: "label  value" lines, lists one item per line, the
// description wrapped at the end.
void write_record(context& ctx, const knowledge_graph& g, node n) {
  const auto& o = g[n];
  constexpr std::size_t label_width = 16;
  const std::size_t width = std::max<std::size_t>(ctx.width.value_or(80), 40);
  auto line = [&](std::string_view label, std::string_view text) {
    if (text.empty()) return;
    // As pad(label) + truncate(text), copying only a text that is cut.
    const std::size_t room = width - label_width, label_w = display_width(label);
    const std::size_t fill = label_w < label_width ? label_width - label_w : 0;
    if (display_width(text) <= room) ctx.out.print("{}{:{}}{}\n", label, "", fill, text);
    else ctx.out.print("{}{:{}}{}\n", label, "", fill, truncate(text, room));
  };
  auto lines = [&](std::string_view label, const std::vector<std::string>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) line(i == 0 ? label : std::string_view{}, items[i]);
  };
  auto joined = [](const std::vector<std::string_view>& v) {
    std::string s;
    for (auto x : v) s += (s.empty() ? "" : ", ") + std::string(x);
    return s;
  };

  line("id", o.id.empty() ? o.stix_id : o.id);
  line("name", o.name);
  std::string type(to_string(o.type));
  if (o.is_subtechnique) type = "sub-technique";
  if (o.revoked) type += " (revoked)";
  if (o.deprecated) type += " (deprecated)";
  line("type", type);
  if (o.revoked)
    if (auto r = mitrekg::replacement(g, n)) line("revoked by", id_and_name(g, *r));
  line("domains", cell_text(domain_names(o.domains), ", "));
  line("aliases", joined(o.aliases));
  line("shortname", o.shortname);

  if (o.type == object_type::technique) {
    std::vector<std::string> items;
    for (node t : mitrekg::tactics_of(g, n)) items.push_back(fmt::format("{} {} ({})", g[t].id, g[t].name, g[t].shortname));
    lines("tactics", items);
    line("platforms", joined(o.platforms));
    if (o.is_subtechnique)
      if (auto p = mitrekg::parent(g, n)) line("parent", id_and_name(g, *p));
    items.clear();
    for (node s : mitrekg::subtechniques(g, n, ctx.lookup)) items.push_back(id_and_name(g, s));
    lines("sub-techniques", items);
    const auto counts = mitrekg::count_related(g, n, ctx.lookup);
    line("mitigations", fmt::format("{}", counts.mitigations));
    line("groups", fmt::format("{}", counts.groups));
    line("software", fmt::format("{}", counts.software));
    line("campaigns", fmt::format("{}", counts.campaigns));
    line("detections", fmt::format("{}", counts.detections));
    if (g.d3fend()) {
      // D3FEND countermeasures, one line per countermeasure under its tactic.
      auto cm = countermeasures_for_show(ctx, n, true);
      line("d3fend", cm.summary);
      for (const auto& [tactic, items] : cm.lines) lines("  " + tactic, items);
    }
  } else if (o.type == object_type::group || o.type == object_type::software ||
             o.type == object_type::campaign || o.type == object_type::mitigation) {
    line("platforms", joined(o.platforms));
    line(o.type == object_type::mitigation ? "mitigates" : "uses",
         fmt::format("{} techniques", mitrekg::techniques_of(g, n, ctx.lookup).size()));
  } else {
    line("platforms", joined(o.platforms));
  }
  line("version", o.version);
  line("modified", o.modified);
  line("url", o.url);
  if (!o.description.empty()) {
    ctx.out.write("description\n");
    // Paragraphs as in the source, each wrapped and indented two spaces.
    std::string_view rest = o.description;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      std::string_view para = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
      if (para.empty()) {
        ctx.out.write("\n");
        continue;
      }
      ctx.out.write_wrapped(para, width - 2, "  ");
    }
  }
}

}  // namespace

int run_show(context& ctx) {
  const auto& g = ctx.graph();
  const std::string& text = ctx.args.front();
  // ATT&CK first; D3FEND (D3-PT, ProcessTermination, "Process Termination") when
  // ATT&CK has nothing of that id or name in any state or domain.
  if (mitrekg::resolve(g, text, {true, true, mitrekg::all_domains}).matches.empty())
    if (auto rc = show_d3fend(ctx, text)) return *rc;
  auto nodes = find_objects(ctx, text);
  if (nodes.empty()) return exit_nothing;

  if (nodes.size() > 1) {
    // Several objects share the id or name: list the candidates.
    note("{} objects match {}; showing the candidates", nodes.size(), json_quote(text));
    array rows;
    for (node n : nodes)
      rows.push_back(object{{"id", g[n].id}, {"type", to_string(g[n].type)}, {"name", g[n].name},
                            {"domains", domain_names(g[n].domains)}, {"revoked", g[n].revoked},
                            {"deprecated", g[n].deprecated}});
    print_list(ctx, {{"id", "", true}, {"type", "", true}, {"name", "", true}, {"domains", "", true},
                     {"revoked", "", false}, {"deprecated", "", false}},
               rows);
    return exit_found;
  }

  node n = nodes.front();
  switch (ctx.fmt) {
    case format::json: write_json(ctx.out, record(ctx, g, n)); break;
    case format::csv: {
      const std::vector<column> columns = {
          {"id"},          {"stix_id"},       {"type"},     {"name"},       {"description"}, {"url"},
          {"platforms"},   {"tactics"},       {"parent"},   {"subtechniques"}, {"revoked"},  {"deprecated"},
          {"revoked_by"},  {"aliases"},       {"domains"},  {"shortname"},  {"version"},     {"modified"},
          {"d3fend_coverage"}, {"countermeasures"}};
      value r = record(ctx, g, n);
      if (g[n].type == object_type::technique) {
        // The countermeasures as one field: their D3FEND ids, ';'-joined.
        object flat;
        for (auto& [k, v] : r.fields())
          flat.emplace_back(k, k == "countermeasures" ? countermeasures_for_show(ctx, n).ids : v);
        r = value(std::move(flat));
      }
      write_csv(ctx.out, columns, array{std::move(r)});
      break;
    }
    case format::table: write_record(ctx, g, n); break;
  }
  return exit_found;
}

}  // namespace mq
