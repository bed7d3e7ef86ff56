// Joins ATT&CK techniques to D3FEND's inferred countermeasures and reports version skew.
#include "mitrekg/countermeasures.hpp"

#include <algorithm>

#include "mitrekg/query.hpp"
#include "support/text.hpp"

namespace mitrekg {

namespace {
const lookup_options everything{true, true, all_domains};
}  // namespace

std::string_view to_string(d3fend_coverage c) noexcept {
  switch (c) {
    case d3fend_coverage::listed: return "listed";
    case d3fend_coverage::via_revoked: return "via-revoked";
    case d3fend_coverage::not_listed: return "not-listed";
    case d3fend_coverage::no_d3fend: return "no-d3fend";
  }
  return "";
}

technique_countermeasures countermeasures_of(const knowledge_graph& g, std::string_view attack_id) {
  technique_countermeasures out;
  out.attack_id = to_upper(attack_id);
  if (auto t = g.find(object_type::technique, attack_id, everything)) out.technique = *t;
  const d3fend_ontology* d = g.d3fend();
  if (!d) {
    out.coverage = d3fend_coverage::no_d3fend;
    return out;
  }
  if (auto cls = d->find_attack(out.attack_id)) {
    out.coverage = d3fend_coverage::listed;
    out.d3fend_ids.push_back((*d)[*cls].attack_id);
    out.rows = d->mappings(*cls);
    return out;
  }
  out.coverage = d3fend_coverage::not_listed;
  if (out.technique == no_node) return out;
  // Ids ATT&CK revoked in favour of this technique (transitively) that D3FEND still lists.
  std::vector<node> stack{out.technique}, seen;
  while (!stack.empty()) {
    node n = stack.back();
    stack.pop_back();
    if (std::find(seen.begin(), seen.end(), n) != seen.end()) continue;
    seen.push_back(n);
    for (node old : g.sources(n, relation::revoked_by, everything)) {
      stack.push_back(old);
      if (g[old].type != object_type::technique) continue;
      if (auto cls = d->find_attack(g[old].id)) {
        out.coverage = d3fend_coverage::via_revoked;
        out.d3fend_ids.push_back((*d)[*cls].attack_id);
        auto rows = d->mappings(*cls);
        out.rows.insert(out.rows.end(), rows.begin(), rows.end());
      }
    }
  }
  return out;
}

std::vector<d3fend_node> distinct_countermeasures(const std::vector<d3fend_mapping>& rows) {
  std::vector<d3fend_node> out;
  for (const auto& r : rows)
    if (std::find(out.begin(), out.end(), r.countermeasure) == out.end()) out.push_back(r.countermeasure);
  return out;
}

version_skew d3fend_skew(const knowledge_graph& g, const lookup_options& options) {
  version_skew out;
  const d3fend_ontology* d = g.d3fend();
  if (!d) return out;
  for (d3fend_node cls : d->attack_techniques()) {
    std::string_view id = (*d)[cls].attack_id;
    lookup_options in_domains = everything;
    in_domains.domains = options.domains;
    auto t = g.find(object_type::technique, id, in_domains);
    if (!t) {
      out.not_in_attack.push_back({id, no_node, no_node});
    } else if (g[*t].revoked) {
      auto r = replacement(g, *t, everything);
      out.revoked.push_back({id, *t, r ? *r : no_node});
    } else if (g[*t].deprecated) {
      out.deprecated.push_back({id, *t, no_node});
    }
  }
  lookup_options live = options;
  live.include_revoked = live.include_deprecated = false;
  for (node t : g.all(object_type::technique, live))
    if (!d->find_attack(g[t].id)) out.not_in_d3fend.push_back(t);
  std::sort(out.not_in_d3fend.begin(), out.not_in_d3fend.end(),
            [&](node a, node b) { return g[a].id < g[b].id; });
  return out;
}

}  // namespace mitrekg
