// Builds the ontology once the JSON-LD is read: the class and property
// hierarchies (Boost.Graph), ancestor closures (BFS visitors), cycle reports
// (strong components), node kinds, tactics and the indexes of the inference.
#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/sort/spreadsort/integer_sort.hpp>
#include <fmt/format.h>

#include "d3fend/ontology_impl.hpp"
#include "support/helper_thread.hpp"
#include "support/text.hpp"
#include "mitrekg/error.hpp"

namespace mitrekg::d3fend_detail {

namespace {

using vertex = hierarchy::vertex_descriptor;

// A BFS color map that needs no clearing between searches: a vertex is white
// unless it was colored during the search stamped `current`.
struct stamp_colors {
  using key_type = std::size_t;
  using value_type = boost::default_color_type;
  using reference = value_type;
  using category = boost::read_write_property_map_tag;

  std::vector<std::uint32_t>* stamp;
  std::vector<boost::default_color_type>* color;
  std::uint32_t current;
};
inline boost::default_color_type get(const stamp_colors& m, std::size_t v) {
  return (*m.stamp)[v] == m.current ? (*m.color)[v] : boost::white_color;
}
inline void put(const stamp_colors& m, std::size_t v, boost::default_color_type c) {
  (*m.stamp)[v] = m.current;
  (*m.color)[v] = c;
}

// The BFS buffer: a vector read from the front and reused by every search
// (boost::queue is a std::deque that allocates as it goes).
struct bfs_queue {
  std::vector<vertex> items;
  std::size_t head = 0;
  void push(vertex v) { items.push_back(v); }
  void pop() {
    if (++head == items.size()) { items.clear(); head = 0; }
  }
  vertex& top() { return items[head]; }
  bool empty() const noexcept { return head == items.size(); }
};

// Records every vertex the search discovers except its source: the ancestors,
// nearest first. An edge back into the source means the source is on a cycle.
struct ancestor_recorder : boost::default_bfs_visitor {
  std::vector<d3fend_node>* out;
  std::size_t source;
  bool* on_cycle;
  void discover_vertex(std::size_t v, const hierarchy&) const {
    if (v != source) out->push_back(static_cast<d3fend_node>(v));
  }
  template <class Edge>
  void examine_edge(const Edge& e, const hierarchy& g) const {
    if (boost::target(e, g) == source) *on_cycle = true;
  }
};


// "This technique has been revoked by T1547.004" -> "T1547.004".
std::string_view revoked_target(std::string_view comment) noexcept {
  constexpr std::string_view marker = "revoked by ";
  auto p = comment.find(marker);
  if (p == std::string_view::npos) return {};
  auto rest = comment.substr(p + marker.size());
  auto end = rest.find_first_of(" \t\r\n,;");
  rest = rest.substr(0, end);
  while (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
  return rest;
}

// (subject, target) pairs without repeats, in file order. Links arrive grouped
// by subject (one @graph element at a time), so a repeat is usually close by.
// (A subject split over several @graph elements may still repeat an edge;
// parallel edges do not change any search.)
std::vector<std::pair<std::uint32_t, std::uint32_t>> unique_edges(const std::vector<raw_link>& links) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  edges.reserve(links.size());
  std::size_t run = 0;  // first edge of the current subject's run
  for (const auto& l : links) {
    if (!edges.empty() && edges.back().first != index_of(l.subject)) run = edges.size();
    bool seen = false;
    for (std::size_t i = run; i < edges.size() && !seen; ++i) seen = edges[i].second == index_of(l.target);
    if (!seen) edges.emplace_back(index_of(l.subject), index_of(l.target));
  }
  return edges;
}

// n vertices and the edges. The CSR constructor's counting sort is stable, so
// each vertex's out-edges stay in file order (nearest-first closures rely on it).
hierarchy make_hierarchy(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges, std::size_t n) {
  return hierarchy(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(),
                   static_cast<hierarchy::vertices_size_type>(n));
}

void build_class_hierarchy(d3fend_impl& o, std::vector<raw_link>& restriction_statements) {
  const std::size_t n = o.entries.size();
  std::vector<raw_link> named;
  named.reserve(o.raw_subclass.size());
  for (const auto& link : o.raw_subclass) {
    if (!(o.extra[link.target].flags & f_blank)) {
      named.push_back(link);
      continue;
    }
    const auto& r = o.extra[link.target];
    if (!(r.flags & f_defined)) {
      o.warn(o.report.dangling_references, o.extra[link.subject].offset,
             fmt::format("{} is a subclass of {}, which no @graph element defines; ignored",
                         o.entries[link.subject].id, o.entries[link.target].id));
    } else if (r.on_property == no_node || r.some_values_from == no_node ||
               (o.extra[r.some_values_from].flags & f_blank)) {
      ++o.report.unsupported_restrictions;  // allValuesFrom, cardinalities, unions: not statements
    } else {
      restriction_statements.push_back({link.subject, r.on_property, r.some_values_from});
    }
  }
  o.classes = make_hierarchy(unique_edges(named), n);
}

// Only called when build_closure found a class that reaches itself.
void report_cycles(d3fend_impl& o) {
  const std::size_t n = o.entries.size();
  std::vector<int> component(n);
  int count = boost::strong_components(
      o.classes, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, o.classes)));
  std::vector<std::vector<d3fend_node>> members(static_cast<std::size_t>(count));
  for (std::size_t v = 0; v < n; ++v) members[static_cast<std::size_t>(component[v])].push_back(static_cast<d3fend_node>(v));
  for (const auto& m : members) {
    bool cycle = m.size() > 1;
    for (auto [e, end] = boost::out_edges(index_of(m.front()), o.classes); e != end && !cycle; ++e)
      cycle = boost::target(*e, o.classes) == index_of(m.front());
    if (!cycle) continue;
    std::string names;
    for (std::size_t i = 0; i < m.size() && i < 5; ++i) names += fmt::format("{}{}", i ? ", " : "", o.entries[m[i]].id);
    if (m.size() > 5) names += ", …";
    o.warn(o.report.subclass_cycles, o.extra[m.front()].offset,
           fmt::format("rdfs:subClassOf cycle through {} ({} classes); they are treated as equivalent",
                       names, m.size()));
  }
}

// Ancestor lists are kept for every class: refuse hierarchies whose closure
// would not fit in memory (0.17.0 has about 30,000 pairs).
constexpr std::size_t max_closure = std::size_t{1} << 26;

// Returns whether some class reaches itself (a subclass cycle).
bool build_closure(d3fend_impl& o) {
  bool cycles = false;
  const std::size_t n = o.entries.size();
  std::vector<std::uint32_t> stamp(n, 0);
  std::vector<boost::default_color_type> color(n, boost::white_color);
  bfs_queue queue;
  o.closure.offsets.assign(n + 1, 0);
  o.closure.items.clear();
  for (vertex v = 0; v < n; ++v) {
    if (boost::out_degree(v, o.classes) > 0) {
      ancestor_recorder rec;
      rec.out = &o.closure.items;
      rec.source = v;
      rec.on_cycle = &cycles;
      boost::breadth_first_visit(o.classes, v, queue, rec,
                                 stamp_colors{&stamp, &color, static_cast<std::uint32_t>(v + 1)});
    }
    o.closure.offsets[v + 1] = static_cast<std::uint32_t>(o.closure.items.size());
    if (o.closure.items.size() > max_closure)
      throw error(errc::too_large, o.file, "",
                  fmt::format("the rdfs:subClassOf hierarchy has more than {} (class, ancestor) pairs", max_closure));
  }
  return cycles;
}

void build_statements(d3fend_impl& o, const std::vector<raw_link>& restriction_statements) {
  // Direct-form statements first, then restrictions; both in file order.
  std::vector<std::pair<std::uint32_t, d3fend_statement>> pairs;
  pairs.reserve(o.raw_statements.size() + restriction_statements.size());
  auto add = [&](const std::vector<raw_link>& links) {
    for (const auto& s : links)
      if (o.extra[s.key].flags & f_object_property)
        pairs.push_back({index_of(s.subject), d3fend_statement{s.key, s.target, o.relation_name(s.key)}});
  };
  add(o.raw_statements);
  add(restriction_statements);
  csr<d3fend_statement> grouped;
  grouped.assign(o.entries.size(), pairs);
  // Drop repeats within each row (the same fact in both forms is common).
  auto& out = o.statements;
  out.offsets.assign(o.entries.size() + 1, 0);
  out.items.clear();
  out.items.reserve(grouped.items.size());
  for (std::size_t row = 0; row < grouped.rows(); ++row) {
    const std::size_t first = out.items.size();
    for (auto* s = grouped.begin(row); s != grouped.end(row); ++s) {
      bool seen = false;
      for (std::size_t i = first; i < out.items.size() && !seen; ++i)
        seen = out.items[i].relation == s->relation && out.items[i].target == s->target;
      if (!seen) out.items.push_back(*s);
    }
    out.offsets[row + 1] = static_cast<std::uint32_t>(out.items.size());
  }
}

std::optional<d3fend_tactic> tactic_of(const d3fend_impl& o, d3fend_node n) {
  for (std::size_t t = 0; t < o.tactic_nodes.size(); ++t)
    if (o.tactic_nodes[t] == n && n != no_node) return static_cast<d3fend_tactic>(t);
  return std::nullopt;
}

// Every node: named nodes by name (then id), blank nodes after them in load
// order. A radix sort (Boost.Sort spreadsort) on the first 8 bytes as a
// big-endian integer (node_extra::name_prefix), then runs sharing those bytes
// by the whole name: about half the time of one comparison sort of all names
// (0.14 against 0.3 ms on 0.17.0's 4,133 names). Reads only ids, names and flags, so
// it may run while build() sets kinds and tactics.
std::vector<d3fend_node> order_by_name(const d3fend_impl& o) {
  const std::size_t n = o.entries.size();
  struct key {
    std::uint64_t prefix;
    d3fend_node node;
  };
  std::vector<key> named;
  std::vector<d3fend_node> blank;
  named.reserve(n);
  for (d3fend_node v : all_handles<d3fend_node>(n)) {
    if (o.extra[v].flags & f_blank) { blank.push_back(v); continue; }
    named.push_back({o.extra[v].name_prefix, v});
  }
  boost::sort::spreadsort::integer_sort(
      named.begin(), named.end(), [](const key& k, unsigned shift) { return k.prefix >> shift; },
      [](const key& a, const key& b) { return a.prefix < b.prefix; });
  auto by_name = [&](const key& a, const key& b) {
    const auto& ea = o.entries[a.node];
    const auto& eb = o.entries[b.node];
    return ea.name != eb.name ? ea.name < eb.name : ea.id < eb.id;
  };
  for (std::size_t i = 0; i < named.size();) {
    std::size_t j = i + 1;
    while (j < named.size() && named[j].prefix == named[i].prefix) ++j;
    if (j - i > 1) std::sort(named.begin() + static_cast<std::ptrdiff_t>(i), named.begin() + static_cast<std::ptrdiff_t>(j), by_name);
    i = j;
  }
  std::vector<d3fend_node> order;
  order.reserve(n);
  for (const auto& k : named) order.push_back(k.node);
  order.insert(order.end(), blank.begin(), blank.end());
  return order;
}

// From this many nodes, order_by_name runs on the helper thread during build().
constexpr std::size_t threaded_sort_from = 2000;

}  // namespace

void build(d3fend_impl& o, helper_thread* helper) {
  // Nodes the rule names.
  for (auto t : all_d3fend_tactics) {
    d3fend_node n = o.find_id(fmt::format("d3f:{}", to_string(t)));
    o.tactic_nodes[static_cast<std::size_t>(t)] = n;
  }
  o.enables_property = o.find_id("d3f:enables");
  o.related_property = o.find_id("d3f:related");
  o.reference_property = o.find_id("d3f:kb-reference");
  const d3fend_node defensive_root = o.find_id("d3f:DefensiveTechnique");
  const d3fend_node artifact_root = o.find_id("d3f:DigitalArtifact");
  const std::size_t n = o.entries.size();

  // The name order needs nothing computed below: with a helper, sort meanwhile.
  // (Reads ids, names and flags only; this thread writes kinds and tactics.)
  std::vector<d3fend_node> order;
  std::exception_ptr order_error;
  helper_thread* sorter = helper && helper->running() && n >= threaded_sort_from ? helper : nullptr;
  struct waiter {  // the sort reads `o`: never leave before it is done
    helper_thread* h;
    ~waiter() {
      if (h) h->wait();
    }
  } wait_for_sort{sorter};
  if (sorter) {
    sorter->start([&o, &order, &order_error] {
      try {
        order = order_by_name(o);
      } catch (...) {
        order_error = std::current_exception();
      }
    });
  }

  std::vector<raw_link> restriction_statements;
  build_class_hierarchy(o, restriction_statements);
  if (build_closure(o)) report_cycles(o);

  o.properties = make_hierarchy(unique_edges(o.raw_subproperty), n);
  o.inverse.assign(n, no_node);
  for (const auto& link : o.raw_inverse) {
    if (o.inverse[link.subject] == no_node) o.inverse[link.subject] = link.target;
    if (o.inverse[link.target] == no_node) o.inverse[link.target] = link.subject;
  }

  build_statements(o, restriction_statements);

  // Own d3f:enables, whether or not the property is declared.
  for (const auto& s : o.raw_statements)
    if (s.key == o.enables_property && o.extra[s.subject].enables == no_node && tactic_of(o, s.target))
      o.extra[s.subject].enables = s.target;

  // Kinds and tactics.
  for (d3fend_node v : all_handles<d3fend_node>(n)) {
    auto& e = o.entries[v];
    const auto& x = o.extra[v];
    if (x.flags & f_object_property) {
      e.kind = d3fend_kind::property;
    } else if (auto t = tactic_of(o, v)) {
      e.kind = d3fend_kind::tactic;
      e.tactic = t;
    } else if (!e.attack_id.empty()) {
      e.kind = d3fend_kind::attack_technique;
    } else if (x.flags & f_mitigation) {
      e.kind = d3fend_kind::attack_mitigation;
      e.attack_id = e.name;
    } else if (defensive_root != no_node && v != defensive_root && o.is_a(v, defensive_root)) {
      e.kind = d3fend_kind::defensive_technique;
      if (x.enables != no_node) {
        e.tactic = tactic_of(o, x.enables);
      } else {
        for (auto* a = o.closure.begin(v); a != o.closure.end(v); ++a)
          if (o.extra[*a].enables != no_node) { e.tactic = tactic_of(o, o.extra[*a].enables); break; }
      }
    } else if (artifact_root != no_node && o.is_a(v, artifact_root)) {
      e.kind = d3fend_kind::artifact;
    }
    if (e.deprecated) e.revoked_by = revoked_target(x.comment);
  }

  // Name order, lists, keys.
  o.rank.assign(n, 0);
  {
    if (sorter) {
      sorter->wait();
      if (order_error) std::rethrow_exception(order_error);
    } else {
      order = order_by_name(o);
    }
    for (std::uint32_t i = 0; i < n; ++i) o.rank[order[i]] = i;
    for (d3fend_node v : order) {
      switch (o.entries[v].kind) {
        case d3fend_kind::attack_technique: o.attack_techniques.push_back(v); break;
        case d3fend_kind::attack_mitigation: o.attack_mitigations.push_back(v); break;
        case d3fend_kind::defensive_technique: o.defensive_techniques.push_back(v); break;
        case d3fend_kind::artifact: o.artifact_classes.push_back(v); break;
        default: break;
      }
    }
  }
  auto by_attack_id = [&](d3fend_node a, d3fend_node b) {
    return o.entries[a].attack_id != o.entries[b].attack_id ? o.entries[a].attack_id < o.entries[b].attack_id
                                                            : o.rank[a] < o.rank[b];
  };
  // Usually sorted already: an ATT&CK class's name is its id ("d3f:T1562.001").
  for (auto* list : {&o.attack_techniques, &o.attack_mitigations})
    if (!std::is_sorted(list->begin(), list->end(), by_attack_id)) std::sort(list->begin(), list->end(), by_attack_id);
  o.by_key.reserve(o.attack_techniques.size() + o.attack_mitigations.size() + o.defensive_techniques.size() + 16);
  for (d3fend_node v : o.attack_techniques) o.by_key.emplace(to_upper(o.entries[v].attack_id), v);
  for (d3fend_node v : o.attack_mitigations) o.by_key.emplace(to_upper(o.entries[v].attack_id), v);
  for (d3fend_node v : all_handles<d3fend_node>(n))
    if (!o.entries[v].d3fend_id.empty()) o.by_key.emplace(to_upper(o.entries[v].d3fend_id), v);

  // Indexes: artifact -> defensive techniques stating it; target -> stating subjects.
  std::vector<std::pair<std::uint32_t, def_use>> defensive, uses;
  for (d3fend_node v : all_handles<d3fend_node>(n)) {
    for (auto* s = o.statements.begin(v); s != o.statements.end(v); ++s) {
      uses.push_back({index_of(s->target), def_use{v, s->relation}});
      if (o.entries[v].kind == d3fend_kind::defensive_technique && o.entries[s->target].kind == d3fend_kind::artifact)
        defensive.push_back({index_of(s->target), def_use{v, s->relation}});
    }
  }
  o.defensive_index.assign(n, defensive);
  o.uses_index.assign(n, uses);
  // The raw links stay: the snapshot writer saves them and its reader replays build().
}

}  // namespace mitrekg::d3fend_detail
