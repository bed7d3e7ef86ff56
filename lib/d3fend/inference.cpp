// The countermeasure inference of docs/d3fend-inference.md, over the indexes
// built at load: offensive statements of a technique (its own, its ATT&CK
// ancestors', its direct ATT&CK children's), each offensive artifact walked up
// its ancestor closure, every defensive technique stating a visited class.
#include <algorithm>
#include <array>
#include <cstring>
#include <tuple>
#include <utility>
#include <vector>

#include "d3fend/ontology_impl.hpp"

namespace mitrekg {

using d3fend_detail::no_node;

void d3fend_ontology::impl::sort_mappings(std::vector<d3fend_mapping>::iterator first,
                                          std::vector<d3fend_mapping>::iterator last) const {
  std::sort(first, last, [this](const d3fend_mapping& a, const d3fend_mapping& b) {
    return std::tuple(rank_of(a.countermeasure), rank_of(a.off_artifact), a.off_relation, rank_of(a.def_artifact),
                      a.def_relation) < std::tuple(rank_of(b.countermeasure), rank_of(b.off_artifact), b.off_relation,
                                                   rank_of(b.def_artifact), b.def_relation);
  });
}

void d3fend_ontology::impl::infer(d3fend_node technique, std::vector<d3fend_mapping>& out) const {
  if (index_of(technique) >= count() || entry(technique).kind != d3fend_kind::attack_technique) return;
  if (all_stored) {   // stored built by the snapshot image: the same rows, in the same order
    auto run = std::lower_bound(stored_runs.begin(), stored_runs.end(), index_of(technique),
                                [](const std::array<std::uint32_t, 3>& r, std::uint32_t t) { return r[0] < t; });
    if (run != stored_runs.end() && (*run)[0] == index_of(technique))
      for (std::uint32_t i = (*run)[1]; i < (*run)[1] + (*run)[2]; ++i) out.push_back(stored_row(i));
    return;
  }

  graph_parts();
  // Step 1: offensive (relation, artifact) pairs.
  std::vector<std::pair<d3fend_node, d3fend_node>> offensive;
  auto add = [&](d3fend_node c) {
    for (auto* s = statements.begin(c); s != statements.end(c); ++s) offensive.emplace_back(s->relation, s->target);
  };
  add(technique);
  for (auto* a = closure.begin(technique); a != closure.end(technique); ++a)
    if (entry(*a).kind == d3fend_kind::attack_technique) add(*a);
  for (auto [e, end] = boost::in_edges(index_of(technique), classes); e != end; ++e) {
    auto child = static_cast<d3fend_node>(boost::source(*e, classes));
    if (entry(child).kind == d3fend_kind::attack_technique) add(child);
  }
  std::sort(offensive.begin(), offensive.end());
  offensive.erase(std::unique(offensive.begin(), offensive.end()), offensive.end());

  // Steps 2-4: every defensive artifact that is the offensive artifact or one of its ancestors.
  const std::size_t first = out.size();
  const auto attack_id = entry(technique).attack_id;
  for (const auto& off : offensive) {
    const d3fend_node artifact = off.second;
    const auto off_relation = relation_name(off.first);
    auto visit = [&](d3fend_node x) {
      for (auto* d = defensive_index.begin(x); d != defensive_index.end(x); ++d)
        out.push_back(d3fend_mapping{attack_id, technique, d->technique, entry(d->technique).tactic, artifact,
                                     off_relation, x, relation_name(d->relation)});
    };
    visit(artifact);
    for (auto* a = closure.begin(artifact); a != closure.end(artifact); ++a) visit(*a);
  }
  sort_mappings(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

d3fend_mapping d3fend_ontology::impl::stored_row(std::uint32_t i) const noexcept {
  std::uint32_t v[6];
  std::memcpy(v, stored_rows.data() + std::size_t{i} * 24, 24);
  d3fend_mapping m;
  m.attack_technique = d3fend_node{v[0]};
  m.countermeasure = d3fend_node{v[1]};
  m.off_artifact = d3fend_node{v[2]};
  m.off_relation = relation_name(d3fend_node{v[3]});
  m.def_artifact = d3fend_node{v[4]};
  m.def_relation = relation_name(d3fend_node{v[5]});
  m.attack_id = entry(m.attack_technique).attack_id;
  m.tactic = entry(m.countermeasure).tactic;
  return m;
}

std::vector<d3fend_mapping> d3fend_ontology::mappings(d3fend_node attack_technique) const {
  std::vector<d3fend_mapping> out;
  impl_->infer(attack_technique, out);
  return out;
}

std::vector<d3fend_mapping> d3fend_ontology::mappings(std::string_view attack_id) const {
  auto n = find_attack(attack_id);
  return n ? mappings(*n) : std::vector<d3fend_mapping>{};
}

std::vector<d3fend_node> d3fend_ontology::countermeasures(d3fend_node attack_technique) const {
  std::vector<d3fend_mapping> rows;
  impl_->infer(attack_technique, rows);
  std::vector<d3fend_node> out;
  for (const auto& r : rows)
    if (out.empty() || out.back() != r.countermeasure) out.push_back(r.countermeasure);
  return out;
}

std::vector<d3fend_node> d3fend_ontology::countermeasures(std::string_view attack_id) const {
  auto n = find_attack(attack_id);
  return n ? countermeasures(*n) : std::vector<d3fend_node>{};
}

const std::vector<d3fend_mapping>& d3fend_ontology::impl::all_mappings() const {
  std::call_once(all_once, [this] {
    // Inferred now, unless a snapshot image stored them built (all_stored).
    if (all_stored) {
      all.reserve(stored_rows.size() / 24);
      for (std::uint32_t i = 0; i < stored_rows.size() / 24; ++i) all.push_back(stored_row(i));
    } else {
      for (d3fend_node t : attack_techniques) infer(t, all);
    }
    // Reverse index: countermeasure -> techniques, in ATT&CK id order.
    std::vector<std::pair<std::uint32_t, d3fend_node>> pairs;
    for (const auto& m : all)
      if (pairs.empty() || pairs.back() != std::pair<std::uint32_t, d3fend_node>{index_of(m.countermeasure), m.attack_technique})
        pairs.emplace_back(index_of(m.countermeasure), m.attack_technique);
    // Pairs of one technique are distinct, so after grouping by countermeasure
    // (stable: ATT&CK order kept) no row repeats a technique.
    countered.assign(count(), pairs);
  });
  return all;
}

const std::vector<d3fend_mapping>& d3fend_ontology::all_mappings() const { return impl_->all_mappings(); }

std::size_t d3fend_ontology::mapping_count() const {
  return impl_->all_stored ? impl_->stored_rows.size() / 24 : impl_->all_mappings().size();
}

d3fend_mapping d3fend_ontology::mapping(std::size_t i) const {
  if (impl_->all_stored) return impl_->stored_row(static_cast<std::uint32_t>(i));
  return impl_->all_mappings()[i];
}

d3fend_node d3fend_ontology::mapping_technique(std::size_t i) const {
  if (!impl_->all_stored) return impl_->all_mappings()[i].attack_technique;
  std::uint32_t v;
  std::memcpy(&v, impl_->stored_rows.data() + i * 24, 4);   // the row's first node (stored_row)
  return d3fend_node{v};
}

std::vector<d3fend_node> d3fend_ontology::countered_techniques(d3fend_node defensive_technique) const {
  all_mappings();
  if (index_of(defensive_technique) >= impl_->count()) return {};
  return {impl_->countered.begin(defensive_technique), impl_->countered.end(defensive_technique)};
}

}  // namespace mitrekg
