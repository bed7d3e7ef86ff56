// mitre-query countermeasures, d3fend-skew: ATT&CK techniques joined to the
// countermeasures D3FEND infers for them (mitrekg/countermeasures.hpp), with the
// version skew between the two said plainly on stderr.
#include <algorithm>
#include <deque>
#include <set>
#include <tuple>

#include "commands.hpp"
#include "mitrekg/countermeasures.hpp"
#include "mitrekg/query.hpp"

namespace mq {

namespace {

using mitrekg::d3fend_coverage;
using mitrekg::d3fend_mapping;
using mitrekg::d3fend_ontology;
using mitrekg::d3fend_tactic;
using mitrekg::knowledge_graph;
using mitrekg::node;

const mitrekg::lookup_options everything{true, true, mitrekg::all_domains};

// One output row; the CSV columns are exactly D3FEND's full-mappings export.
struct row {
  std::string_view attack_id;
  std::string_view d3fend_id, d3fend_class, d3fend_label, d3fend_tactic;
  std::string_view off_artifact, off_relation, def_artifact, def_relation;   // --explain only

  auto key() const {
    return std::tie(attack_id, d3fend_class, off_artifact, off_relation, def_artifact, def_relation);
  }
};

std::string_view tactic_name(std::optional<d3fend_tactic> t) { return t ? to_string(*t) : std::string_view{}; }

row make_row(const d3fend_ontology& d, std::string_view attack_id, const d3fend_mapping& m, bool explain) {
  const auto& cm = d[m.countermeasure];
  row r{attack_id, cm.d3fend_id, cm.name, cm.label, tactic_name(m.tactic), {}, {}, {}, {}};
  if (explain) {
    r.off_artifact = d[m.off_artifact].name;
    r.off_relation = m.off_relation;
    r.def_artifact = d[m.def_artifact].name;
    r.def_relation = m.def_relation;
  }
  return r;
}

// The --tactic values as D3FEND tactics; empty: all.
std::vector<d3fend_tactic> tactic_filter(context& ctx) {
  std::vector<d3fend_tactic> out;
  for (const std::string& text : ctx.flag_values("tactic")) {
    auto t = mitrekg::parse_d3fend_tactic(text);
    if (!t)
      throw usage_error(fmt::format(
          "--tactic: no D3FEND tactic {} (Model, Harden, Detect, Isolate, Deceive, Evict or Restore)", json_quote(text)));
    out.push_back(*t);
  }
  return out;
}

// Why D3FEND does not list a live ATT&CK technique.
std::string_view unlisted_reason(const knowledge_graph& g, node t) {
  if (t != mitrekg::no_node && !(g[t].domains & mitrekg::bit(mitrekg::domain::enterprise)))
    return "D3FEND maps Enterprise ATT&CK only";
  return "newer than that release";
}

std::string joined(const std::vector<std::string_view>& v, std::string_view sep = ", ") {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : std::string(sep)) + std::string(x);
  return s;
}

// The stderr line for a technique D3FEND does not answer directly; empty when it does.
std::string coverage_note(context& ctx, const d3fend_ontology& d, const mitrekg::technique_countermeasures& cm) {
  const auto& g = ctx.graph();
  switch (cm.coverage) {
    case d3fend_coverage::listed:
      if (cm.rows.empty())
        return fmt::format("D3FEND {} lists {} but infers no countermeasures for it", d.version(), cm.attack_id);
      return {};
    case d3fend_coverage::via_revoked:
      return fmt::format("D3FEND {} does not list {}; mapped through {} which ATT&CK {} revoked in favour of it",
                         d.version(), cm.attack_id, joined(cm.d3fend_ids), ctx.attack_release(cm.technique));
    case d3fend_coverage::not_listed:
      return fmt::format("{} is not listed by D3FEND {} ({}); no countermeasures known", cm.attack_id, d.version(),
                         unlisted_reason(g, cm.technique));
    case d3fend_coverage::no_d3fend: return "no D3FEND data loaded";
  }
  return {};
}

// The ATT&CK id a countermeasures argument stands for: a technique of the loaded
// bundles (a revoked one followed to its replacement, with a note), else an id
// only D3FEND lists (an older technique absent from the bundles). Empty: nothing
// matches (a note said so).
std::optional<std::string> technique_id(context& ctx, const d3fend_ontology& d, const std::string& text) {
  const auto& g = ctx.graph();
  if (mitrekg::resolve(g, text, everything).matches.empty()) {
    if (auto cls = d.find_attack(text)) {
      note("{} is not in the loaded ATT&CK bundles; answering from D3FEND {}", d[*cls].attack_id, d.version());
      return std::string(d[*cls].attack_id);
    }
  }
  auto t = find_one(ctx, text, {mitrekg::object_type::technique});
  if (!t) return std::nullopt;
  return std::string(g[*t].id);
}

const std::vector<column> pair_columns = {
    {"attack_id", "ATT&CK", true},   {"d3fend_id", "D3FEND", true},   {"d3fend_class", "CLASS", false},
    {"d3fend_label", "COUNTERMEASURE", true}, {"d3fend_tactic", "TACTIC", true},
};
const std::vector<column> explain_columns = {
    {"attack_id", "ATT&CK", true},   {"d3fend_id", "D3FEND", true},  {"d3fend_class", "CLASS", true},
    {"d3fend_label", "", false},     {"d3fend_tactic", "TACTIC", true}, {"off_artifact", "", true},
    {"off_relation", "", true},      {"def_artifact", "", true},     {"def_relation", "", true},
};

}  // namespace

int run_countermeasures(context& ctx) {
  const bool all = ctx.has("all");
  if (all && !ctx.args.empty()) throw usage_error("countermeasures takes techniques or --all, not both");
  if (!all && ctx.args.empty()) throw usage_error("countermeasures needs T… or --all; try 'mitre-query countermeasures --help'");
  const bool explain = ctx.has("explain");
  const auto tactics = tactic_filter(ctx);
  const d3fend_ontology& d = ctx.d3fend();
  auto wanted = [&](const d3fend_mapping& m) {
    return tactics.empty() || (m.tactic && std::find(tactics.begin(), tactics.end(), *m.tactic) != tactics.end());
  };

  auto by_key = [](const row& a, const row& b) { return a.key() < b.key(); };
  auto same_key = [](const row& a, const row& b) { return a.key() == b.key(); };
  auto cells_of = [&](const row& r, auto& emit) {
    const std::string_view cells[] = {r.attack_id,    r.d3fend_id,    r.d3fend_class, r.d3fend_label, r.d3fend_tactic,
                                      r.off_artifact, r.off_relation, r.def_artifact, r.def_relation};
    emit(cells);
  };
  text_rows out;
  out.columns = explain ? 9 : 5;
  std::vector<row> rows;
  std::deque<std::string> asked;   // the ids rows of named techniques borrow
  std::vector<std::tuple<std::string_view, std::size_t, std::size_t>> runs;   // --all, below
  if (all) {
    // Streamed (issue 13): the stored rows are read technique by technique,
    // each technique's sorted with its repeats dropped, and written; no row
    // of another technique is kept. Runs: (ATT&CK id, first row, end) of
    // consecutive rows of one id, ordered by id (one id's runs together).
    for (std::size_t i = 0, n = d.mapping_count(); i < n; ++i) {
      std::string_view id = d[d.mapping_technique(i)].attack_id;   // as mapping(i).attack_id
      if (runs.empty() || std::get<0>(runs.back()) != id) runs.emplace_back(id, i, i);
      std::get<2>(runs.back()) = i + 1;
    }
    std::stable_sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    out.each = [&](const auto& emit) {
      for (std::size_t k = 0; k < runs.size();) {
        rows.clear();
        std::size_t next = k;
        for (; next < runs.size() && std::get<0>(runs[next]) == std::get<0>(runs[k]); ++next)
          for (std::size_t i = std::get<1>(runs[next]); i < std::get<2>(runs[next]); ++i)
            if (auto m = d.mapping(i); wanted(m)) rows.push_back(make_row(d, m.attack_id, m, explain));
        k = next;
        // Usually in order already (stored by name rank): checked in one pass, sorted when not.
        if (!std::is_sorted(rows.begin(), rows.end(), by_key)) std::sort(rows.begin(), rows.end(), by_key);
        rows.erase(std::unique(rows.begin(), rows.end(), same_key), rows.end());
        for (const row& r : rows) cells_of(r, emit);
      }
    };
  } else {
    std::set<std::string> done;
    for (const std::string& text : ctx.args) {
      auto id = technique_id(ctx, d, text);
      if (!id) continue;   // a note said why; the other arguments still answer
      if (!done.insert(*id).second) continue;
      auto cm = mitrekg::countermeasures_of(ctx.graph(), *id);
      if (auto n = coverage_note(ctx, d, cm); !n.empty()) note("{}", n);
      // Rows reached through revoked ids are keyed by the technique asked for.
      const std::string& attack_id = asked.emplace_back(std::move(cm.attack_id));
      for (const auto& m : cm.rows)
        if (wanted(m)) rows.push_back(make_row(d, attack_id, m, explain));
    }
    std::sort(rows.begin(), rows.end(), by_key);
    rows.erase(std::unique(rows.begin(), rows.end(), same_key), rows.end());
    out.each = [&](const auto& emit) {
      for (const row& r : rows) cells_of(r, emit);
    };
  }
  return print_list(ctx, explain ? explain_columns : pair_columns, out);   // exit 1 when no rows at all
}

// ---------------------------------------------------------------- d3fend-skew

int run_d3fend_skew(context& ctx) {
  const d3fend_ontology& d = ctx.d3fend();
  const auto& g = ctx.graph();
  // D3FEND maps Enterprise ATT&CK: unless --domain says otherwise, compare with enterprise only.
  mitrekg::lookup_options options = ctx.lookup;
  if (!ctx.domains) options.domains = mitrekg::bit(mitrekg::domain::enterprise);
  const auto skew = mitrekg::d3fend_skew(g, options);

  auto name_of = [&](const mitrekg::skew_entry& e) -> std::string_view {
    if (e.attack != mitrekg::no_node) return g[e.attack].name;
    if (auto cls = d.find_attack(e.d3fend_attack_id)) return d[*cls].label;
    return {};
  };
  auto skew_row = [&](std::string_view status, std::string_view id, std::string_view name, node replaced,
                      value through = array{}) {
    return object{{"status", status},
                  {"attack_id", id},
                  {"name", name},
                  {"replaced_by", replaced == mitrekg::no_node ? value() : value(g[replaced].id)},
                  {"replaced_by_name", replaced == mitrekg::no_node ? value() : value(g[replaced].name)},
                  {"mapped_through", std::move(through)}};
  };
  array rows;
  for (node t : skew.not_in_d3fend) {
    // Still answered when D3FEND lists ids ATT&CK revoked in favour of it.
    auto cm = mitrekg::countermeasures_of(g, g[t].id);
    rows.push_back(skew_row("not-in-d3fend", g[t].id, g[t].name, mitrekg::no_node, strings(cm.d3fend_ids)));
  }
  for (const auto& e : skew.revoked) rows.push_back(skew_row("revoked", e.d3fend_attack_id, name_of(e), e.replaced_by));
  for (const auto& e : skew.deprecated)
    rows.push_back(skew_row("deprecated", e.d3fend_attack_id, name_of(e), mitrekg::no_node));
  for (const auto& e : skew.not_in_attack)
    rows.push_back(skew_row("absent", e.d3fend_attack_id, name_of(e), mitrekg::no_node));
  return print_list(ctx,
                    {{"status", "", true},
                     {"attack_id", "ATT&CK", true},
                     {"name", "", true},
                     {"replaced_by", "REPLACED BY", true},
                     {"replaced_by_name", "", false},
                     {"mapped_through", "MAPPED THROUGH", true}},
                    rows);
}

// ---------------------------------------------------------------- show T

show_countermeasures countermeasures_for_show(context& ctx, node t, bool table) {
  show_countermeasures out;
  const auto& g = ctx.graph();
  auto cm = mitrekg::countermeasures_of(g, g[t].id);
  out.coverage = std::string(to_string(cm.coverage));
  out.json = value(object{});
  out.ids = value(array{});
  const d3fend_ontology* d = g.d3fend();
  if (!d) return out;
  const auto distinct = mitrekg::distinct_countermeasures(cm.rows);
  object groups;
  for (d3fend_tactic tactic : mitrekg::all_d3fend_tactics) {
    std::vector<mitrekg::d3fend_node> in;
    for (auto c : distinct)
      if ((*d)[c].tactic == tactic) in.push_back(c);
    if (in.empty()) continue;
    std::sort(in.begin(), in.end(), [&](auto a, auto b) { return (*d)[a].name < (*d)[b].name; });
    array items;
    std::vector<std::string> lines;
    for (auto c : in) {
      const auto& e = (*d)[c];
      if (!table) {
        items.push_back(object{{"d3fend_id", e.d3fend_id}, {"d3fend_class", e.name}, {"d3fend_label", e.label}});
        out.ids.push_back(value(e.d3fend_id.empty() ? e.name : e.d3fend_id));
      }
      lines.push_back(fmt::format("{} {}", e.d3fend_id.empty() ? e.name : e.d3fend_id, e.label));
    }
    if (!table) groups.emplace_back(std::string(to_string(tactic)), std::move(items));
    out.lines.emplace_back(std::string(to_string(tactic)), std::move(lines));
  }
  if (!table) out.json = value(std::move(groups));
  switch (cm.coverage) {
    case d3fend_coverage::listed:
      out.summary = fmt::format("{} countermeasure{} (D3FEND {})", distinct.size(), distinct.size() == 1 ? "" : "s",
                                d->version());
      break;
    case d3fend_coverage::via_revoked:
      out.summary = fmt::format("{} countermeasure{} via {} (revoked by ATT&CK; D3FEND {} does not list {})",
                                distinct.size(), distinct.size() == 1 ? "" : "s", joined(cm.d3fend_ids),
                                d->version(), cm.attack_id);
      break;
    case d3fend_coverage::not_listed:
      out.summary = fmt::format("not listed by D3FEND {} ({})", d->version(), unlisted_reason(g, t));
      break;
    case d3fend_coverage::no_d3fend: break;
  }
  return out;
}

}  // namespace mq
