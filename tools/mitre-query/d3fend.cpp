// mitre-query D3FEND commands: counters (what a countermeasure counters),
// artifacts, d3fend-tactics, and the D3FEND record `show` falls back to.
#include <algorithm>
#include <tuple>

#include "commands.hpp"
#include "mitrekg/d3fend.hpp"
#include "mitrekg/query.hpp"

namespace mq {

namespace {

using mitrekg::d3fend_kind;
using mitrekg::d3fend_node;
using mitrekg::d3fend_ontology;
using mitrekg::knowledge_graph;

const mitrekg::lookup_options everything{true, true, mitrekg::all_domains};

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view label_of(const d3fend_ontology& d, d3fend_node n) {
  return d[n].label.empty() ? d[n].name : d[n].label;
}

std::string_view tactic_of(const d3fend_ontology& d, d3fend_node n) {
  return d[n].tactic ? to_string(*d[n].tactic) : std::string_view{};
}

// A node of one kind by D3FEND id, class name, @id or label (case-insensitive).
std::optional<d3fend_node> find_kind(const d3fend_ontology& d, std::string_view text, d3fend_kind kind) {
  if (auto n = d.find(text); n && d[*n].kind == kind) return n;
  const auto& pool = kind == d3fend_kind::artifact ? d.artifact_classes() : d.defensive_techniques();
  for (d3fend_node n : pool)
    if (iequal(d[n].label, text)) return n;
  return std::nullopt;
}

std::string kind_text(d3fend_kind k) {
  std::string s(to_string(k));
  std::replace(s.begin(), s.end(), '-', ' ');
  return s;
}

// The countermeasure a command names; a note and nullopt when D3FEND knows no such
// thing, usage_error when it names something else (an artifact, an ATT&CK class).
std::optional<d3fend_node> technique_arg(const d3fend_ontology& d, std::string_view text) {
  if (auto n = find_kind(d, text, d3fend_kind::defensive_technique)) return n;
  if (auto other = d.find(text))
    throw usage_error(fmt::format("{} is a D3FEND {} ({}), not a defensive technique", text,
                                  kind_text(d[*other].kind), json_quote(label_of(d, *other))));
  note("nothing in D3FEND {} matches {}", d.version(), json_quote(text));
  return std::nullopt;
}

value d3fend_ref(const d3fend_ontology& d, std::optional<d3fend_node> n) {
  if (!n) return value();
  return object{{"d3fend_id", d[*n].d3fend_id}, {"d3fend_class", d[*n].name}, {"d3fend_label", label_of(d, *n)}};
}

std::string ref_text(const d3fend_ontology& d, d3fend_node n) {
  if (d[n].d3fend_id.empty()) return fmt::format("{} ({})", d[n].name, label_of(d, n));
  return fmt::format("{} {} ({})", d[n].d3fend_id, d[n].name, label_of(d, n));
}

// "label  value" lines and wrapped paragraphs for the readable records.
struct record_writer {
  context& ctx;
  std::size_t width = std::max<std::size_t>(ctx.width.value_or(80), 40);
  static constexpr std::size_t label_width = 16;

  void line(std::string_view label, std::string_view text) {
    if (text.empty()) return;
    ctx.out.print("{}{}\n", pad(label, label_width), truncate(text, width - label_width));
  }
  void lines(std::string_view label, const std::vector<std::string>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) line(i == 0 ? label : std::string_view{}, items[i]);
  }
  void paragraphs(std::string_view heading, std::string_view text) {
    if (text.empty()) return;
    ctx.out.print("{}\n", heading);
    while (!text.empty()) {
      auto nl = text.find('\n');
      std::string_view para = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
      if (para.empty()) {
        ctx.out.write("\n");
        continue;
      }
      ctx.out.write_wrapped(para, width - 2, "  ");
    }
  }
};

// ---- show D3-… --------------------------------------------------------------------------

value technique_record(const d3fend_ontology& d, d3fend_node n) {
  const auto& e = d[n];
  array artifacts;
  for (const auto& s : d.artifacts(n))
    artifacts.push_back(object{{"relation", s.relation_name},
                               {"artifact", d[s.target].name},
                               {"artifact_label", label_of(d, s.target)}});
  array references;
  for (const auto& r : d.references(n))
    references.push_back(object{{"title", r.title}, {"url", r.url}, {"organization", r.organization}, {"author", r.author}});
  array children;
  for (d3fend_node c : d.children(n))
    if (d[c].kind == d3fend_kind::defensive_technique) children.push_back(d3fend_ref(d, c));
  value parent;
  if (auto p = d.parent(n); p && d[*p].kind == d3fend_kind::defensive_technique) parent = d3fend_ref(d, p);
  return object{
      {"type", "d3fend_technique"},
      {"d3fend_id", e.d3fend_id},
      {"class", e.name},
      {"label", e.label},
      {"tactic", tactic_of(d, n)},
      {"parent", std::move(parent)},
      {"children", std::move(children)},
      {"definition", e.definition},
      {"artifacts", std::move(artifacts)},
      {"kb_article", e.kb_article},
      {"references", std::move(references)},
      {"counters", d.countered_techniques(n).size()},
      {"deprecated", e.deprecated},
  };
}

void write_technique_record(context& ctx, const d3fend_ontology& d, d3fend_node n) {
  const auto& e = d[n];
  record_writer w{ctx};
  w.line("d3fend id", e.d3fend_id);
  w.line("class", e.name);
  w.line("label", e.label);
  w.line("type", e.deprecated ? "D3FEND technique (deprecated)" : "D3FEND technique");
  w.line("tactic", tactic_of(d, n));
  if (auto p = d.parent(n); p && d[*p].kind == d3fend_kind::defensive_technique) w.line("parent", ref_text(d, *p));
  std::vector<std::string> items;
  for (d3fend_node c : d.children(n))
    if (d[c].kind == d3fend_kind::defensive_technique) items.push_back(ref_text(d, c));
  w.lines("children", items);
  items.clear();
  for (const auto& s : d.artifacts(n)) items.push_back(fmt::format("{} {}", s.relation_name, d[s.target].name));
  w.lines("artifacts", items);
  const auto countered = d.countered_techniques(n).size();
  w.line("counters", fmt::format("{} ATT&CK technique{} (mitre-query counters {})", countered,
                                 countered == 1 ? "" : "s", e.d3fend_id.empty() ? e.name : e.d3fend_id));
  items.clear();
  for (const auto& r : d.references(n))
    items.push_back(r.url.empty() ? std::string(r.title) : fmt::format("{} <{}>", r.title, r.url));
  w.lines("references", items);
  w.line("release", fmt::format("D3FEND {}", d.version()));
  // The knowledge-base article is pages of Markdown: JSON carries it (kb_article).
  if (!e.kb_article.empty())
    w.line("kb article", fmt::format("{} lines of Markdown (show {} --format json: kb_article)",
                                     std::count(e.kb_article.begin(), e.kb_article.end(), '\n') + 1,
                                     e.d3fend_id.empty() ? e.name : e.d3fend_id));
  w.paragraphs("definition", e.definition);
}

// ---- artifacts ------------------------------------------------------------------------

std::string_view parent_name(const d3fend_ontology& d, d3fend_node n) {
  auto p = d.parent(n);
  return p ? d[*p].name : std::string_view{};
}

int list_artifacts(context& ctx, const d3fend_ontology& d) {
  array rows;
  for (d3fend_node n : d.artifact_classes())
    rows.push_back(object{{"class", d[n].name}, {"label", d[n].label}, {"parent", parent_name(d, n)}});
  return print_list(ctx, {{"class", "", true}, {"label", "", true}, {"parent", "", true}}, rows);
}

int show_artifact(context& ctx, const d3fend_ontology& d, d3fend_node a) {
  const auto& g = ctx.graph();
  const bool subclasses = !ctx.has("no-subclasses");
  auto offensive = d.offensive_uses(a, subclasses);
  auto defensive = d.defensive_uses(a, subclasses);
  auto by = [&](auto key) {
    return [&d, key](const mitrekg::d3fend_use& x, const mitrekg::d3fend_use& y) {
      return std::tuple(key(d[x.technique]), d[x.technique].name, x.relation_name, d[x.artifact].name) <
             std::tuple(key(d[y.technique]), d[y.technique].name, y.relation_name, d[y.artifact].name);
    };
  };
  std::sort(offensive.begin(), offensive.end(), by([](const auto& e) { return e.attack_id; }));
  std::sort(defensive.begin(), defensive.end(), by([](const auto& e) { return e.name; }));
  // The ATT&CK name when the bundles have the technique, else D3FEND's label.
  auto attack_name = [&](d3fend_node t) -> std::string_view {
    if (auto n = g.find(mitrekg::object_type::technique, d[t].attack_id, everything)) return g[*n].name;
    return label_of(d, t);
  };

  array off_rows, def_rows, flat;
  for (const auto& u : offensive) {
    off_rows.push_back(object{{"attack_id", d[u.technique].attack_id},
                              {"name", attack_name(u.technique)},
                              {"relation", u.relation_name},
                              {"artifact", d[u.artifact].name}});
    flat.push_back(object{{"side", "offensive"},
                          {"id", d[u.technique].attack_id},
                          {"name", attack_name(u.technique)},
                          {"tactic", ""},
                          {"relation", u.relation_name},
                          {"artifact", d[u.artifact].name}});
  }
  for (const auto& u : defensive) {
    def_rows.push_back(object{{"d3fend_id", d[u.technique].d3fend_id},
                              {"d3fend_class", d[u.technique].name},
                              {"d3fend_label", label_of(d, u.technique)},
                              {"d3fend_tactic", tactic_of(d, u.technique)},
                              {"relation", u.relation_name},
                              {"artifact", d[u.artifact].name}});
    flat.push_back(object{{"side", "defensive"},
                          {"id", d[u.technique].d3fend_id.empty() ? d[u.technique].name : d[u.technique].d3fend_id},
                          {"name", label_of(d, u.technique)},
                          {"tactic", tactic_of(d, u.technique)},
                          {"relation", u.relation_name},
                          {"artifact", d[u.artifact].name}});
  }
  const std::vector<column> flat_columns = {{"side", "", true},     {"id", "", true},       {"name", "", true},
                                            {"tactic", "", true},   {"relation", "", true}, {"artifact", "", true}};
  switch (ctx.fmt) {
    case format::json: {
      array subs;
      for (d3fend_node c : d.children(a)) subs.emplace_back(d[c].name);
      write_json(ctx.out, value(object{{"class", d[a].name},
                                       {"label", d[a].label},
                                       {"parent", parent_name(d, a)},
                                       {"subclasses", std::move(subs)},
                                       {"definition", d[a].definition},
                                       {"offensive", std::move(off_rows)},
                                       {"defensive", std::move(def_rows)}}));
      break;
    }
    case format::csv: write_csv(ctx.out, flat_columns, flat); break;
    case format::table: {
      record_writer w{ctx};
      w.line("artifact", fmt::format("{} ({})", d[a].name, label_of(d, a)));
      w.line("parent", parent_name(d, a));
      w.line("touched by", fmt::format("{} offensive, {} defensive statements{}", offensive.size(), defensive.size(),
                                       subclasses ? " (subclasses included)" : ""));
      if (!flat.empty()) {
        ctx.out.write("\n");
        write_table(ctx.out, flat_columns, flat, ctx.width);
      }
      break;
    }
  }
  return exit_found;
}

}  // namespace

// ---------------------------------------------------------------- commands

int run_counters(context& ctx) {
  const auto& d = ctx.d3fend();
  const auto& g = ctx.graph();
  auto t = technique_arg(d, ctx.args.front());
  if (!t) return exit_nothing;
  array rows;
  for (d3fend_node c : d.countered_techniques(*t)) {
    std::string_view id = d[c].attack_id;
    auto n = g.find(mitrekg::object_type::technique, id, everything);
    std::string_view status = !n                  ? "absent"
                              : g[*n].revoked    ? "revoked"
                              : g[*n].deprecated ? "deprecated"
                                                 : "live";
    rows.push_back(object{{"attack_id", id}, {"name", n ? g[*n].name : label_of(d, c)}, {"status", status}});
  }
  if (rows.empty())
    note("D3FEND {} infers no ATT&CK technique that {} counters", d.version(), d[*t].d3fend_id.empty() ? d[*t].name : d[*t].d3fend_id);
  return print_list(ctx, {{"attack_id", "ATT&CK", true}, {"name", "", true}, {"status", "", true}}, rows);
}

int run_artifacts(context& ctx) {
  const auto& d = ctx.d3fend();
  if (ctx.args.empty()) {
    if (ctx.has("no-subclasses")) throw usage_error("--no-subclasses needs an artifact: artifacts NAME --no-subclasses");
    return list_artifacts(ctx, d);
  }
  const std::string& text = ctx.args.front();
  auto a = find_kind(d, text, d3fend_kind::artifact);
  if (!a) {
    if (auto other = d.find(text))
      throw usage_error(fmt::format("{} is a D3FEND {} ({}), not a digital artifact", text, kind_text(d[*other].kind),
                                    json_quote(label_of(d, *other))));
    note("no D3FEND {} artifact matches {} (see 'mitre-query artifacts')", d.version(), json_quote(text));
    return exit_nothing;
  }
  return show_artifact(ctx, d, *a);
}

int run_d3fend_tactics(context& ctx) {
  const auto& d = ctx.d3fend();
  array rows;
  for (auto t : mitrekg::all_d3fend_tactics) {
    auto n = d.tactic_node(t);
    rows.push_back(object{{"tactic", to_string(t)},
                          {"label", n ? d[*n].label : std::string_view{}},
                          {"techniques", d.matrix_column(t).size()},
                          {"definition", n ? d[*n].definition : std::string_view{}}});
  }
  return print_list(ctx, {{"tactic", "", true}, {"label", "", false}, {"techniques", "", true}, {"definition", "", true}},
                    rows);
}

std::optional<int> show_d3fend(context& ctx, std::string_view text) {
  const auto* d = ctx.graph().d3fend();
  if (!d) return std::nullopt;
  auto n = find_kind(*d, text, d3fend_kind::defensive_technique);
  if (!n) {
    if (auto a = find_kind(*d, text, d3fend_kind::artifact)) return show_artifact(ctx, *d, *a);
    return std::nullopt;
  }
  switch (ctx.fmt) {
    case format::json: write_json(ctx.out, technique_record(*d, *n)); break;
    case format::csv: {
      value r = technique_record(*d, *n);
      std::vector<column> columns;
      for (const auto& [k, v] : r.fields()) columns.emplace_back(k);
      // Lists of objects as one field: artifacts "relation artifact", references by url.
      object flat;
      for (const auto& [k, v] : r.fields()) {
        if (k == "artifacts") {
          array a;
          for (const auto& x : v.items())
            a.emplace_back(fmt::format("{} {}", x.get("relation")->as_string(), x.get("artifact")->as_string()));
          flat.emplace_back(k, std::move(a));
        } else if (k == "references") {
          array a;
          for (const auto& x : v.items()) a.emplace_back(x.get("url")->as_string());
          flat.emplace_back(k, std::move(a));
        } else if (k == "parent" || k == "children") {
          auto id = [](const value& x) { return x.get("d3fend_id")->as_string().empty() ? x.get("d3fend_class")->as_string() : x.get("d3fend_id")->as_string(); };
          if (v.is_null()) flat.emplace_back(k, value());
          else if (v.type() == value::kind::object) flat.emplace_back(k, id(v));
          else {
            array a;
            for (const auto& x : v.items()) a.emplace_back(id(x));
            flat.emplace_back(k, std::move(a));
          }
        } else {
          flat.emplace_back(k, v);
        }
      }
      write_csv(ctx.out, columns, array{value(std::move(flat))});
      break;
    }
    case format::table: write_technique_record(ctx, *d, *n); break;
  }
  return exit_found;
}

}  // namespace mq
