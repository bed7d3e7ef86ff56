// The ATT&CK questions: resolving input, hierarchy, related objects, matrices, search, counts.
#include "mitrekg/query.hpp"

#include <algorithm>
#include <set>

#include "support/handles.hpp"
#include "support/text.hpp"

namespace mitrekg {

namespace {

void sort_by_id(const knowledge_graph& g, std::vector<node>& v) {
  // Keys read once per node, not twice per comparison (a batch of `show`
  // spent a tenth of its time here). std::sort's moves depend only on the
  // comparisons' outcomes, so the order is the one sorting the nodes gave.
  struct keyed {
    std::string_view id, name;
    node n;
  };
  std::vector<keyed> k;
  k.reserve(v.size());
  for (node n : v) {
    const auto& o = g[n];
    k.push_back({o.id, o.name, n});
  }
  auto by_id = [](const keyed& x, const keyed& y) { return x.id != y.id ? x.id < y.id : x.name < y.name; };
  // The builder adds in-edges in id order, so one node's neighbours usually
  // arrive sorted: checking is O(n), sorting again is O(n log n) (bench/attack_bench).
  if (std::is_sorted(k.begin(), k.end(), by_id)) {
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return;
  }
  std::sort(k.begin(), k.end(), by_id);
  for (std::size_t i = 0; i < k.size(); ++i) v[i] = k[i].n;
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool has_platform(const attack_object& o, std::string_view platform) {
  if (platform.empty()) return true;
  return std::any_of(o.platforms.begin(), o.platforms.end(),
                     [&](std::string_view p) { return iequals(p, platform); });
}

// Sources of `r` edges into `n` that are of `type`, sorted by id.
std::vector<node> sources_of_type(const knowledge_graph& g, node n, relation r, object_type type,
                                  const lookup_options& o) {
  std::vector<node> out;
  for (node s : g.sources(n, r, o))
    if (g[s].type == type) out.push_back(s);
  sort_by_id(g, out);
  return out;
}

}  // namespace

resolution resolve(const knowledge_graph& g, std::string_view text, const lookup_options& o) {
  resolution r;
  lookup_options any = o;
  any.include_revoked = true;
  any.include_deprecated = true;
  std::vector<node> candidates = g.find_id(text, any);
  if (candidates.empty())
    if (auto s = g.find_stix(text)) candidates.push_back(*s);
  if (candidates.empty()) candidates = g.find_name(text, any);
  for (node n : candidates) {
    if (g.visible(n, o)) r.matches.push_back(n);
    else if (g[n].revoked) r.revoked.push_back(n);
  }
  if (!r.revoked.empty()) r.replaced_by = replacement(g, r.revoked.front(), o);
  return r;
}

std::optional<node> replacement(const knowledge_graph& g, node n, const lookup_options& o) {
  if (!g[n].revoked) return std::nullopt;
  lookup_options any = o;
  any.include_revoked = true;
  any.include_deprecated = true;
  // Follow revoked-by until a live object (chains exist: T1089 -> T1562.001).
  node cur = n;
  for (int hops = 0; hops < 16; ++hops) {
    auto next = g.targets(cur, relation::revoked_by, any);
    if (next.empty()) break;
    cur = next.front();
    if (!g[cur].revoked) return cur;
  }
  return std::nullopt;
}

std::vector<node> tactics(const knowledge_graph& g, const lookup_options& o) {
  std::vector<node> out;
  std::vector<node> matrices = g.all(object_type::matrix, o);
  // Enterprise, mobile, ics: each domain's matrices in load order.
  for (domain d : {domain::enterprise, domain::mobile, domain::ics}) {
    if (!(o.domains & bit(d))) continue;
    for (node m : matrices) {
      if (!(g[m].domains & bit(d))) continue;
      for (node t : g.targets(m, relation::matrix_tactic, o))
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    }
  }
  // Tactics no visible matrix lists (deprecated ones, when asked for) go last, by id.
  std::vector<node> rest;
  for (node t : g.all(object_type::tactic, o))
    if (std::find(out.begin(), out.end(), t) == out.end()) rest.push_back(t);
  sort_by_id(g, rest);
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

std::vector<node> find_tactic(const knowledge_graph& g, std::string_view text, const lookup_options& o) {
  std::vector<node> out;
  for (node t : tactics(g, o)) {
    const attack_object& x = g[t];
    if (iequals(x.id, text) || iequals(x.shortname, text) || iequals(x.name, text)) out.push_back(t);
  }
  return out;
}

std::vector<node> techniques(const knowledge_graph& g, const technique_filter& f, const lookup_options& o) {
  std::vector<node> out;
  auto keep = [&](node n) {
    const attack_object& t = g[n];
    return t.type == object_type::technique && (f.subtechniques || !t.is_subtechnique) &&
           has_platform(t, f.platform);
  };
  if (f.tactics.empty()) {
    for (node n : g.all(object_type::technique, o))
      if (keep(n)) out.push_back(n);
  } else {
    for (node tactic : f.tactics)
      for (node n : g.sources(tactic, relation::in_tactic, o))
        if (keep(n)) out.push_back(n);
  }
  sort_by_id(g, out);
  return out;
}

std::vector<node> subtechniques(const knowledge_graph& g, node technique, const lookup_options& o) {
  return sources_of_type(g, technique, relation::subtechnique_of, object_type::technique, o);
}

std::optional<node> parent(const knowledge_graph& g, node sub) {
  lookup_options any{true, true, all_domains};
  auto p = g.targets(sub, relation::subtechnique_of, any);
  if (p.empty()) return std::nullopt;
  // Prefer a live parent when bad input gives several.
  auto live = std::find_if(p.begin(), p.end(), [&](node n) { return g[n].live(); });
  return live != p.end() ? *live : p.front();
}

std::vector<node> tactics_of(const knowledge_graph& g, node technique) {
  lookup_options any{true, true, all_domains};
  auto out = g.targets(technique, relation::in_tactic, any);
  if (out.empty())
    if (auto p = parent(g, technique)) out = g.targets(*p, relation::in_tactic, any);
  return out;
}

std::vector<node> mitigations_of(const knowledge_graph& g, node t, const lookup_options& o) {
  return sources_of_type(g, t, relation::mitigates, object_type::mitigation, o);
}
std::vector<node> groups_of(const knowledge_graph& g, node t, const lookup_options& o) {
  return sources_of_type(g, t, relation::uses, object_type::group, o);
}
std::vector<node> software_of(const knowledge_graph& g, node t, const lookup_options& o) {
  return sources_of_type(g, t, relation::uses, object_type::software, o);
}
std::vector<node> campaigns_of(const knowledge_graph& g, node t, const lookup_options& o) {
  return sources_of_type(g, t, relation::uses, object_type::campaign, o);
}

std::vector<node> techniques_of(const knowledge_graph& g, node actor, const lookup_options& o) {
  relation r = g[actor].type == object_type::mitigation ? relation::mitigates : relation::uses;
  std::vector<node> out;
  for (node t : g.targets(actor, r, o))
    if (g[t].type == object_type::technique) out.push_back(t);
  sort_by_id(g, out);
  return out;
}

related_counts count_related(const knowledge_graph& g, node t, const lookup_options& o) {
  related_counts c;
  // As sources_of_type: each visible source once, by type.
  for (relation r : {relation::mitigates, relation::uses}) {
    std::vector<node> v = g.sources(t, r, o);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    for (node s : v) switch (g.type_of(s)) {
        case object_type::mitigation: c.mitigations += r == relation::mitigates; break;
        case object_type::group: c.groups += r == relation::uses; break;
        case object_type::software: c.software += r == relation::uses; break;
        case object_type::campaign: c.campaigns += r == relation::uses; break;
        default: break;
      }
  }
  // As detections_of: a row per (strategy, analytic, observed component), an
  // analytic observing nothing one row; a <=17.x data component one row.
  for (node s : g.sources(t, relation::detects, o)) {
    const object_type type = g.type_of(s);
    if (type == object_type::detection_strategy)
      for (node a : g.targets(s, relation::has_analytic, o))
        c.detections += std::max<std::size_t>(1, g.out_degree(a, relation::observes));
    else if (type == object_type::data_component)
      ++c.detections;
  }
  return c;
}

std::vector<detection> detections_of(const knowledge_graph& g, node technique, const lookup_options& o) {
  std::vector<detection> out;
  for (const edge& e : g.in_edges(technique, relation::detects)) {
    if ((e.revoked && !o.include_revoked) || (e.deprecated && !o.include_deprecated) || !g.visible(e.source, o))
      continue;
    const attack_object& src = g[e.source];
    if (src.type == object_type::detection_strategy) {
      for (node a : g.targets(e.source, relation::has_analytic, o)) {
        bool any = false;
        for (const edge& obs : g.out_edges(a, relation::observes)) {
          detection d{e.source, a, obs.target, no_node, obs.log_source, obs.description};
          if (auto ds = g.targets(obs.target, relation::component_of, o); !ds.empty()) d.data_source = ds.front();
          out.push_back(d);
          any = true;
        }
        if (!any) out.push_back(detection{e.source, a, no_node, no_node, {}, {}});
      }
    } else if (src.type == object_type::data_component) {
      detection d{no_node, no_node, e.source, no_node, {}, e.description};
      if (auto ds = g.targets(e.source, relation::component_of, o); !ds.empty()) d.data_source = ds.front();
      out.push_back(d);
    }
  }
  auto key = [&](node n) { return n == no_node ? std::string_view{} : g[n].id; };
  std::stable_sort(out.begin(), out.end(), [&](const detection& a, const detection& b) {
    if (key(a.strategy) != key(b.strategy)) return key(a.strategy) < key(b.strategy);
    if (key(a.analytic) != key(b.analytic)) return key(a.analytic) < key(b.analytic);
    return key(a.data_component) < key(b.data_component);
  });
  return out;
}

std::vector<matrix_column> matrix(const knowledge_graph& g, domain d, std::string_view platform,
                                  const lookup_options& o) {
  lookup_options in_domain = o;
  in_domain.domains = bit(d);
  std::vector<matrix_column> out;
  technique_filter f;
  f.platform = std::string(platform);
  f.subtechniques = false;
  for (node tactic : tactics(g, in_domain)) {
    matrix_column col{tactic, {}};
    f.tactics = {tactic};
    for (node t : techniques(g, f, in_domain)) {
      std::size_t subs = 0;
      for (node s : subtechniques(g, t, in_domain))
        if (has_platform(g[s], platform)) ++subs;
      col.cells.push_back({t, subs});
    }
    std::sort(col.cells.begin(), col.cells.end(),
              [&](const matrix_cell& a, const matrix_cell& b) { return g[a.technique].name < g[b.technique].name; });
    out.push_back(std::move(col));
  }
  return out;
}

std::vector<std::string> platforms(const knowledge_graph& g, const lookup_options& o) {
  std::set<std::string> names;
  for (node n : g.all(object_type::technique, o))
    for (auto p : g[n].platforms) names.emplace(p);
  return {names.begin(), names.end()};
}

std::vector<search_hit> search(const knowledge_graph& g, std::string_view text, const lookup_options& o) {
  // Split into words; every word must occur in one field for the object to match.
  // Words are folded once and repeats dropped (500,000 copies of "the" cost one),
  // and each field is folded once per object rather than once per word.
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    if (j > i) words.push_back(to_lower(text.substr(i, j - i)));
    i = j;
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  std::vector<search_hit> out;
  if (words.empty()) return out;
  std::string folded;
  auto all_in = [&](std::string_view field) {
    folded.assign(field);
    for (char& c : folded)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return std::all_of(words.begin(), words.end(), [&](const std::string& w) { return folded.find(w) != std::string::npos; });
  };
  for (node n : all_handles<node>(g.size())) {
    const attack_object& x = g[n];
    if (x.name.empty() || !g.visible(n, o)) continue;
    if (x.type == object_type::identity || x.type == object_type::marking_definition) continue;
    search_hit hit{n, 0, {}};
    if (iequals(x.id, text)) hit = {n, 100, "id"};
    else if (iequals(x.name, text)) hit = {n, 90, "name"};
    else if (all_in(x.name)) hit = {n, 70, "name"};
    else if (std::any_of(x.aliases.begin(), x.aliases.end(), [&](std::string_view a) { return all_in(a); }))
      hit = {n, 60, "alias"};
    else if (all_in(x.description)) hit = {n, 10, "description"};
    if (hit.score > 0) out.push_back(hit);
  }
  std::stable_sort(out.begin(), out.end(), [&](const search_hit& a, const search_hit& b) {
    if (a.score != b.score) return a.score > b.score;
    return g[a.object].id < g[b.object].id;
  });
  return out;
}

statistics stats(const knowledge_graph& g, const lookup_options& o) {
  statistics s;
  for (node n : all_handles<node>(g.size())) {
    if (!g.visible(n, o)) continue;
    switch (g.type_of(n)) {   // from the heads: no object is decoded
      case object_type::tactic: ++s.tactics; break;
      case object_type::technique: ++(g.is_subtechnique(n) ? s.subtechniques : s.techniques); break;
      case object_type::mitigation: ++s.mitigations; break;
      case object_type::group: ++s.groups; break;
      case object_type::software: ++s.software; break;
      case object_type::campaign: ++s.campaigns; break;
      case object_type::data_source: ++s.data_sources; break;
      case object_type::data_component: ++s.data_components; break;
      case object_type::detection_strategy: ++s.detection_strategies; break;
      case object_type::analytic: ++s.analytics; break;
      case object_type::asset: ++s.assets; break;
      default: break;
    }
  }
  s.relationships = g.relationship_count(o);
  return s;
}

}  // namespace mitrekg
