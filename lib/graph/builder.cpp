// Builds the knowledge graph from parsed bundles: merge objects, link relationships and property refs.
#include <algorithm>
#include <iterator>
#include <map>
#include <numeric>

#include <boost/pending/disjoint_sets.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include "graph/graph_impl.hpp"
#include "mitrekg/error.hpp"
#include "support/text.hpp"

namespace mitrekg {

namespace {

// Nodes sorted by ATT&CK id (stable: load order among equal ids). Sorted as
// keys holding each id's first 16 bytes, zero-padded and big-endian, so that
// most comparisons touch no string (ATT&CK ids are at most 9 bytes); ties
// between keys fall back to the ids themselves, then to load order. The same
// order as a stable sort on the ids, at a fraction of its cache misses.
std::vector<node> id_order(const graph_impl& g) {
  struct key {
    std::uint64_t high, low;   // bytes 0-7 and 8-15, big-endian, zero-padded
    std::uint32_t length;      // capped at 17: a longer id compares as text
    std::uint32_t index;
  };
  std::vector<key> keys;
  keys.reserve(g.objects.size());
  for (node n : all_handles<node>(g.objects.size())) {
    const std::string_view id = g.objects[n].id;
    keys.push_back({big_endian_prefix(id), big_endian_prefix(id, 8),
                    static_cast<std::uint32_t>(std::min<std::size_t>(id.size(), 17)),
                    static_cast<std::uint32_t>(index_of(n))});
  }
  std::sort(keys.begin(), keys.end(), [&](const key& a, const key& b) {
    if (a.high != b.high) return a.high < b.high;
    if (a.low != b.low) return a.low < b.low;
    // The first 16 bytes agree: within them the shorter id comes first (as
    // with text; zero padding cannot tell "A" from "A\0"), past them the text.
    if (a.length != b.length && (a.length < 17 || b.length < 17)) return a.length < b.length;
    if (a.length == 17) {
      const int c = g.objects[handle_at<node>(a.index)].id.compare(g.objects[handle_at<node>(b.index)].id);
      if (c != 0) return c < 0;
    }
    return a.index < b.index;
  });
  std::vector<node> order;
  order.reserve(keys.size());
  for (const key& k : keys) order.push_back(handle_at<node>(k.index));
  return order;
}

// Builds by_id and by_name from `objects`, visiting nodes in `by_id_order`:
// each key's objects in that order, an alias equal to the object's name or to
// another of its aliases once, then live objects first. Two passes over the
// same keys: the first counts each key's objects, the second places them in
// one array.
void build_name_indexes(graph_impl& g, const std::vector<node>& by_id_order) {
  const auto& objects = g.objects;
  g.by_id = {};
  g.by_name = {};
  g.by_id.runs.reserve(objects.size());
  g.by_name.runs.reserve(objects.size() * 2);
  // Every key lower-cased into one buffer sized up front, so the views stay put.
  std::size_t total = 0;
  for (const attack_object& o : objects) {
    total += o.id.size() + o.name.size();
    for (auto a : o.aliases) total += a.size();
  }
  g.index_keys.clear();
  g.index_keys.reserve(total);
  auto key = [&](std::string_view s) {
    std::size_t at = g.index_keys.size();
    g.index_keys.append(s);   // within the capacity reserved above
    for (char* c = g.index_keys.data() + at; c != g.index_keys.data() + g.index_keys.size(); ++c)
      if (*c >= 'A' && *c <= 'Z') *c = static_cast<char>(*c + 32);
    return std::string_view(g.index_keys).substr(at, s.size());
  };
  // `visit(index, key, n)` for every key of every object, in the same order
  // both passes: ids and names, then aliases. `key` is lower-cased on the
  // first pass; the second takes the same bytes back from index_keys in turn.
  auto each_key = [&](auto&& take, auto&& visit) {
    for (node n : by_id_order) {
      const attack_object& o = objects[n];
      if (!o.id.empty()) visit(g.by_id, take(o.id), n);
      if (!o.name.empty()) visit(g.by_name, take(o.name), n);
      for (auto a : o.aliases) visit(g.by_name, take(a), n);
    }
  };
  // Pass 1: counts; `first` holds the last object counted + 1 meanwhile (an
  // object's keys are visited together, so a repeat is always the last one).
  each_key(key, [](string_index& index, std::string_view k, node n) {
    auto& r = index.runs[k];
    const auto tag = static_cast<std::uint32_t>(index_of(n)) + 1;
    if (r.first == tag) return;
    r.first = tag;
    ++r.count;
  });
  for (string_index* index : {&g.by_id, &g.by_name}) {
    std::uint32_t at = 0;
    for (auto& [k, r] : index->runs) {
      r.first = at;
      at += r.count;
      r.count = 0;   // counts again while placing
    }
    index->nodes.resize(at);
  }
  std::size_t cursor = 0;
  auto again = [&](std::string_view s) {
    std::string_view k = std::string_view(g.index_keys).substr(cursor, s.size());
    cursor += s.size();
    return k;
  };
  each_key(again, [](string_index& index, std::string_view k, node n) {
    auto& r = index.runs.find(k)->second;
    node* run = index.nodes.data() + r.first;
    if (r.count > 0 && run[r.count - 1] == n) return;
    run[r.count++] = n;
  });
  for (string_index* index : {&g.by_id, &g.by_name})
    for (auto& [k, r] : index->runs)
      std::stable_partition(index->nodes.begin() + r.first, index->nodes.begin() + r.first + r.count,
                            [&](node n) { return objects[n].live(); });
}


constexpr std::size_t max_samples = 40;

std::optional<domain> kill_chain_domain(std::string_view kill_chain_name) {
  if (kill_chain_name == "mitre-attack") return domain::enterprise;
  if (kill_chain_name == "mitre-mobile-attack") return domain::mobile;
  if (kill_chain_name == "mitre-ics-attack") return domain::ics;
  return std::nullopt;
}

// Release from a file name such as enterprise-attack-18.1.json ("18.1"), else "".
std::string release_from_path(const std::string& path) {
  std::string_view name = path;
  if (auto slash = name.find_last_of('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (name.size() > 5 && name.substr(name.size() - 5) == ".json") name.remove_suffix(5);
  auto dash = name.find_last_of('-');
  if (dash == std::string_view::npos) return {};
  std::string_view v = name.substr(dash + 1);
  if (v.empty() || v.find_first_not_of("0123456789.") != std::string_view::npos) return {};
  return std::string(v);
}

class builder {
public:
  explicit builder(graph_impl& g) : g_(g) {}

  // Room for every record of the bundles up front: no rehashing, no
  // reallocation while adding. `edges`: at least every edge finish() can make
  // (a reallocation would copy and touch the whole array a second time).
  void reserve_objects(std::size_t objects) {
    g_.objects.reserve(objects);
    g_.by_stix.reserve(objects);
  }
  // Called once the objects are in (their records have gone back by then),
  // so that these arrays' first pages are not held while objects are added.
  void reserve_links(std::size_t relationships, std::size_t edges) {
    seen_relationships_.reserve(relationships);
    edges_.reserve(edges);
  }
  // Room for the ids of the relationships a streamed bundle may link.
  void reserve_streamed(std::size_t relationships) { streamed_ids_.reserve(relationships); }
  // Room for the objects that state links as properties (kept until finish()).
  void reserve_pending(std::size_t objects) { pending_.reserve(objects); }

  // Moves b's objects into the graph, emptying b.objects. Returns each
  // record's node, by position in b.objects (a skipped record's: the object
  // kept under its STIX id), for add_links.
  std::vector<node> add_objects(stix::bundle& b, domain_set bundle_domains);
  // One object record of the bundle read from `path` (alive until finish()),
  // moved from: its node, or for a skipped record (`skipped` set, when given)
  // the object kept under its STIX id.
  node add_object(stix::raw_object& r, const std::string& path, bool* skipped = nullptr);
  // Makes the edges of b's relationships, emptying b.relationships.
  void add_links(stix::bundle& b, const std::vector<node>& node_of);
  // One relationship record of the bundle read from `path`, in add_links' order.
  void add_link(const stix::raw_relationship& r, const std::vector<node>& node_of, const std::string& path);
  // A relationship read while its bundle streams in, both ends among the
  // objects already added (node_of): linked now, in the place add_link would
  // give it; a subtechnique-of link is numbered now and proposed by
  // add_streamed_parents, as the hierarchy needs every object first.
  void stream_link(const stix::raw_relationship& r, const std::vector<node>& node_of);
  // Once the streamed bundle is read: drops the links of its relationships
  // whose id an earlier one had (stream_link links each at once and checks
  // afterwards), then proposes its subtechnique-of links.
  void add_streamed_parents(const std::string& path);
  void finish();

private:
  void warn(std::size_t& counter, std::string message) {
    ++counter;
    if (g_.report.samples.size() < max_samples) g_.report.samples.push_back(std::move(message));
  }
  std::optional<node> stix(std::string_view id) const {
    auto it = g_.by_stix.find(id);
    if (it == g_.by_stix.end()) return std::nullopt;
    return it->second;
  }
  // The edge a relationship record makes (seq not yet given).
  static edge_data relationship_edge(const stix::raw_relationship& r);
  void link(node s, node t, edge_data d) {
    d.seq = next_seq_++;
    edges_.push_back(index_of(s), index_of(t), d);
  }
  // A subtechnique-of link s -> t, kept when it breaks no rule (one parent, no
  // cycle); added to the graph by add_parent_links() once the depth is known.
  // `numbered`: d.seq is its place already (streamed), else it takes the next.
  bool propose_parent(node s, node t, edge_data d, const std::string& origin, bool numbered = false);
  void start_hierarchy() {   // once every object is known
    if (components_) return;
    components_ = std::make_unique<boost::disjoint_sets_with_storage<>>(g_.objects.size());
    parent_of_.assign(g_.objects.size(), none);
    parent_dropped_.assign(g_.objects.size(), false);
  }
  void add_parent_links();
  // Keeps what finish() needs of the links r states as properties (r's refs
  // are moved out); `path`, its bundle's, must live until finish().
  void keep_links(const std::string& path, stix::raw_object& r);

  // Subtechnique-of links read while streaming, numbered, awaiting the hierarchy.
  struct streamed_parent {
    node source;
    node target;
    edge_data data;
  };
  std::vector<streamed_parent> streamed_parents_;
  // The ids of the streamed bundle's linked relationships, as hashes, in read
  // order while it streams, then sorted by hash (drop_streamed_repeats): one
  // sequential write per relationship instead of an insert into
  // seen_relationships_, whose random accesses took a fifth of the CPU of a
  // load at 10× ATT&CK's size (a table of 8 MB). `at`: the link's place in
  // edges_, or in streamed_parents_ with parent_bit set.
  struct streamed_id {
    std::uint64_t hash;
    std::uint32_t seq;
    std::uint32_t at;
  };
  static constexpr std::uint32_t parent_bit = 0x80000000u;
  std::vector<streamed_id> streamed_ids_;
  std::string_view streamed_id_text(const streamed_id& e) const {
    return e.at & parent_bit ? streamed_parents_[e.at & ~parent_bit].data.stix_id : edges_.data[e.at].stix_id;
  }
  void drop_streamed_repeats();
  // Whether a relationship with this id was linked from the streamed bundle (after drop_streamed_repeats).
  bool streamed_seen(std::string_view stix_id) const;

  // Sub-technique hierarchy while it is built: at most one parent per node
  // (parent_of_), and the parent links' connected components, so that a cycle
  // check is a union-find lookup instead of a walk up the chain (a chain of n
  // links given child-first made the walk O(n²)).
  struct parent_link {
    node source;
    node target;
    edge_data data;
  };
  handle_vector<node, std::uint32_t> parent_of_;   // index into parent_links_, or none
  handle_vector<node, bool> parent_dropped_;       // a parent link of this node was dropped (and counted)
  std::vector<parent_link> parent_links_;
  std::unique_ptr<boost::disjoint_sets_with_storage<>> components_;
  static constexpr std::uint32_t none = 0xffffffffu;

  graph_impl& g_;
  std::uint32_t next_seq_ = 0;
  built_edges edges_;   // every edge, laid out into the CSR graph once, at the end
  boost::unordered_flat_set<std::string_view, text_hash, text_equal> seen_relationships_;
  // Property links wait until every bundle's objects are known (refs may cross
  // bundles). Only objects stating refs wait, with what finish() needs, so the
  // bundles' records are freed as they are read.
  struct pending {
    object_type type;
    std::string_view stix_type, id, stix_id, data_source_ref;
    std::vector<std::string_view> refs;
    std::vector<stix::log_source_ref> log_sources;
    const std::string* path;   // the bundle's, alive until build_graph returns
  };
  std::vector<pending> pending_;
};

std::vector<node> builder::add_objects(stix::bundle& b, domain_set bundle_domains) {
  std::vector<node> node_of;
  node_of.reserve(b.objects.size());
  // Each record is popped once read: its block goes back to the bundle's
  // record_region, which gives whole huge pages back while g_.objects grows.
  for (; !b.objects.empty(); b.objects.pop_front()) {
    stix::raw_object& r = b.objects.front();
    if (r.object.domains == 0) r.object.domains = bundle_domains;
    node_of.push_back(add_object(r, b.path));
  }
  return node_of;
}

node builder::add_object(stix::raw_object& r, const std::string& path, bool* skipped) {
  if (auto existing = stix(r.object.stix_id)) {
    attack_object& old = g_.objects[*existing];
    if (old.stix_type != r.object.stix_type) {
      // One STIX id, two objects: keep the first rather than let one replace the other.
      warn(g_.report.duplicate_ids,
           fmt::format("{}: {} {} has the STIX id of an earlier {} {}; the first is kept, this one skipped", path,
                       r.object.stix_type, r.object.id.empty() ? r.object.name : r.object.id, old.stix_type,
                       old.id.empty() ? old.name : old.id));
      if (skipped) *skipped = true;
      return *existing;   // skipped: its property links too
    }
    // The same object in several bundles (enterprise and ics share software): merge.
    domain_set merged = old.domains | r.object.domains;
    ++g_.report.merged_objects;
    keep_links(path, r);
    if (r.object.modified > old.modified) old = std::move(r.object);
    old.domains = merged;
    return *existing;
  }
  node n = handle_at<node>(g_.objects.size());
  g_.by_stix.emplace(r.object.stix_id, n);
  keep_links(path, r);
  g_.objects.push_back(std::move(r.object));
  return n;
}

void builder::keep_links(const std::string& path, stix::raw_object& r) {
  if (!r.refs.empty() || !r.log_sources.empty() || !r.data_source_ref.empty())
    pending_.push_back({r.object.type, r.object.stix_type, r.object.id, r.object.stix_id, r.data_source_ref,
                        std::move(r.refs), std::move(r.log_sources), &path});
}

void builder::add_links(stix::bundle& b, const std::vector<node>& node_of) {
  // Popped once read, as in add_objects, while edges_ grows.
  for (; !b.relationships.empty(); b.relationships.pop_front()) add_link(b.relationships.front(), node_of, b.path);
}

edge_data builder::relationship_edge(const stix::raw_relationship& r) {
  return edge_data{.stix_id = r.stix_id, .description = r.description, .type = relation_from_stix(r.type),
                   .revoked = r.revoked, .deprecated = r.deprecated};
}

void builder::add_link(const stix::raw_relationship& r, const std::vector<node>& node_of, const std::string& path) {
  constexpr auto none = stix::raw_relationship::no_object;
  if (streamed_seen(r.stix_id)) return;                        // repeated from the streamed bundle
  if (!seen_relationships_.insert(r.stix_id).second) return;  // repeated in another bundle
  auto s = r.source_object != none ? std::optional<node>(node_of[r.source_object]) : stix(r.source_ref);
  auto t = r.target_object != none ? std::optional<node>(node_of[r.target_object]) : stix(r.target_ref);
  if (!s || !t) {
    warn(g_.report.dangling_references,
         fmt::format("{}: relationship {} ({}) names missing object {}; skipped", path, r.stix_id, r.type,
                     s ? r.target_ref : r.source_ref));
    return;
  }
  const edge_data d = relationship_edge(r);
  if (d.type == relation::subtechnique_of) {
    if (propose_parent(*s, *t, d, fmt::format("{}: relationship {}", path, r.stix_id))) ++g_.relationships;
    return;
  }
  ++g_.relationships;
  link(*s, *t, d);
}

void builder::stream_link(const stix::raw_relationship& r, const std::vector<node>& node_of) {
  // A repeated id is found afterwards (drop_streamed_repeats); its link leaves a gap in seq, which set_edges closes.
  const std::uint64_t hash = text_hash{}(r.stix_id);
  const node s = node_of[r.source_object], t = node_of[r.target_object];
  edge_data d = relationship_edge(r);
  if (d.type == relation::subtechnique_of) {
    // Numbered in read order; a link the hierarchy drops leaves a gap, which set_edges closes.
    d.seq = next_seq_++;
    streamed_ids_.push_back({hash, d.seq, static_cast<std::uint32_t>(streamed_parents_.size()) | parent_bit});
    streamed_parents_.push_back({s, t, d});
    return;
  }
  ++g_.relationships;
  streamed_ids_.push_back({hash, next_seq_, static_cast<std::uint32_t>(edges_.size())});
  link(s, t, d);
}

void builder::drop_streamed_repeats() {
  std::sort(streamed_ids_.begin(), streamed_ids_.end(), [](const streamed_id& a, const streamed_id& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.seq < b.seq;
  });
  // In each run of one hash (read order within it), a link whose id an earlier one of the run has is dropped.
  std::vector<bool> drop_edge, drop_parent;
  std::size_t kept = 0;   // the ids kept, compacted to the front
  for (std::size_t i = 0; i < streamed_ids_.size();) {
    std::size_t j = i + 1;
    while (j < streamed_ids_.size() && streamed_ids_[j].hash == streamed_ids_[i].hash) ++j;
    const std::size_t run = kept;
    for (std::size_t k = i; k < j; ++k) {
      const streamed_id e = streamed_ids_[k];
      const std::string_view id = streamed_id_text(e);
      bool repeated = false;
      for (std::size_t q = run; q < kept && !repeated; ++q) repeated = streamed_id_text(streamed_ids_[q]) == id;
      if (!repeated) {
        streamed_ids_[kept++] = e;
        continue;
      }
      auto& marks = e.at & parent_bit ? drop_parent : drop_edge;
      if (marks.empty()) marks.assign(e.at & parent_bit ? streamed_parents_.size() : edges_.size(), false);
      marks[e.at & ~parent_bit] = true;
    }
    i = j;
  }
  streamed_ids_.resize(kept);
  // Each array compacted in order; edge_place and parent_place map an old
  // place to the new one, through which streamed_seen reads the kept ids' texts.
  std::vector<std::uint32_t> edge_place, parent_place;
  if (!drop_edge.empty()) {
    // Every edge so far is a streamed relationship's (property links come in finish()).
    edge_place.resize(edges_.size());
    std::size_t out = 0;
    for (std::size_t i = 0; i < edges_.size(); ++i) {
      if (drop_edge[i]) continue;
      edge_place[i] = static_cast<std::uint32_t>(out);
      edges_.sources[out] = edges_.sources[i];
      edges_.targets[out] = edges_.targets[i];
      edges_.data[out] = edges_.data[i];
      ++out;
    }
    g_.relationships -= edges_.size() - out;   // stream_link counted them
    edges_.sources.resize(out);
    edges_.targets.resize(out);
    edges_.data.resize(out);
  }
  if (!drop_parent.empty()) {
    parent_place.resize(streamed_parents_.size());
    std::size_t out = 0;
    for (std::size_t i = 0; i < streamed_parents_.size(); ++i)
      if (!drop_parent[i]) {
        parent_place[i] = static_cast<std::uint32_t>(out);
        streamed_parents_[out++] = streamed_parents_[i];
      }
    streamed_parents_.resize(out);
  }
  for (streamed_id& e : streamed_ids_) {
    if (e.at & parent_bit) {
      if (!parent_place.empty()) e.at = parent_place[e.at & ~parent_bit] | parent_bit;
    } else if (!edge_place.empty()) {
      e.at = edge_place[e.at];
    }
  }
}

bool builder::streamed_seen(std::string_view stix_id) const {
  if (streamed_ids_.empty()) return false;
  const std::uint64_t hash = text_hash{}(stix_id);
  auto it = std::lower_bound(streamed_ids_.begin(), streamed_ids_.end(), hash,
                             [](const streamed_id& e, std::uint64_t h) { return e.hash < h; });
  for (; it != streamed_ids_.end() && it->hash == hash; ++it)
    if (streamed_id_text(*it) == stix_id) return true;
  return false;
}

void builder::add_streamed_parents(const std::string& path) {
  drop_streamed_repeats();
  for (const streamed_parent& p : streamed_parents_)
    if (propose_parent(p.source, p.target, p.data, fmt::format("{}: relationship {}", path, p.data.stix_id), true))
      ++g_.relationships;
  // Kept until finish(): streamed_seen reads the ids of the links proposed through it.
}

bool builder::propose_parent(node s, node t, edge_data d, const std::string& origin, bool numbered) {
  start_hierarchy();
  if (parent_of_[s] != none) {
    const parent_link& first = parent_links_[parent_of_[s]];
    warn(g_.report.extra_parents,
         fmt::format("{} gives {} a second parent ({}, after {}); dropped", origin, g_.objects[s].id,
                     g_.objects[t].id, g_.objects[first.target].id));
    return false;
  }
  // s has no parent, so it is the root of its tree: t in the same tree means t
  // descends from s, and s -> t would close a cycle.
  if (s == t || components_->find_set(index_of(s)) == components_->find_set(index_of(t))) {
    parent_dropped_[s] = true;
    warn(g_.report.subtechnique_cycles,
         fmt::format("{} would make a subtechnique-of cycle ({} -> {}); dropped", origin, g_.objects[s].id,
                     g_.objects[t].id));
    return false;
  }
  components_->union_set(index_of(s), index_of(t));
  if (!numbered) d.seq = next_seq_++;   // its place in load order, though added to the graph later
  parent_of_[s] = static_cast<std::uint32_t>(parent_links_.size());
  parent_links_.push_back({s, t, d});
  return true;
}

void builder::add_parent_links() {
  // Depth of each node below its root, cutting any chain deeper than the
  // limit: the link that would make level max+1 is dropped, its source
  // becoming a root. Iterative (chains can be long in bad input): walk up to a
  // node of known depth, then fill in the way back down.
  handle_vector<node, std::uint32_t> depth(parent_of_.size(), none);
  std::vector<node> path;
  for (node n : all_handles<node>(parent_of_.size())) {
    node x = n;
    while (depth[x] == none && parent_of_[x] != none) {
      path.push_back(x);
      x = parent_links_[parent_of_[x]].target;
    }
    if (depth[x] == none) depth[x] = 0;   // a root
    while (!path.empty()) {
      node c = path.back();
      path.pop_back();
      if (depth[x] + 1 > max_subtechnique_depth) {
        const parent_link& l = parent_links_[parent_of_[c]];
        warn(g_.report.deep_subtechniques,
             fmt::format("subtechnique-of {} -> {} ({}) would make a chain deeper than {} levels; dropped",
                         g_.objects[c].id, g_.objects[x].id, l.data.stix_id.empty() ? "from the id" : l.data.stix_id,
                         max_subtechnique_depth));
        if (!l.data.stix_id.empty()) --g_.relationships;
        parent_of_[c] = none;
        parent_dropped_[c] = true;
        depth[c] = 0;
      } else {
        depth[c] = depth[x] + 1;
      }
      x = c;
    }
  }
  for (const parent_link& l : parent_links_)
    if (parent_of_[l.source] != none && &parent_links_[parent_of_[l.source]] == &l)
      edges_.push_back(index_of(l.source), index_of(l.target), l.data);
}

void builder::finish() {
  auto& objects = g_.objects;
  // Only add_link needs them: their memory serves what is built below. (Freed
  // by swapping: `v = {}` assigns an empty initializer_list, which keeps a
  // vector's capacity.)
  seen_relationships_ = {};
  std::vector<streamed_id>().swap(streamed_ids_);
  std::vector<streamed_parent>().swap(streamed_parents_);
  // Tactics by (domain, shortname); live ones win over deprecated twins.
  std::map<std::pair<domain_set, std::string_view>, node> tactic_of;
  for (node n : all_handles<node>(objects.size())) {
    const attack_object& o = objects[n];
    if (o.type != object_type::tactic) continue;
    for (domain d : {domain::enterprise, domain::mobile, domain::ics}) {
      if (!(o.domains & bit(d))) continue;
      auto key = std::make_pair(bit(d), o.shortname);
      auto it = tactic_of.find(key);
      if (it == tactic_of.end() || (!objects[it->second].live() && o.live())) tactic_of[key] = n;
    }
  }

  // Techniques in id order, so a tactic's in-edges come out sorted.
  const std::vector<node> by_id_order = id_order(g_);

  for (node n : by_id_order) {
    const attack_object& o = objects[n];
    if (o.type != object_type::technique) continue;
    for (const kill_chain_phase& k : o.kill_chain_phases) {
      auto d = kill_chain_domain(k.kill_chain_name);
      auto it = d ? tactic_of.find({bit(*d), k.phase_name}) : tactic_of.end();
      if (it == tactic_of.end()) {
        warn(g_.report.dangling_references,
             fmt::format("technique {} names unknown tactic {}:{}", o.id, k.kill_chain_name, k.phase_name));
        continue;
      }
      link(n, it->second, edge_data{.type = relation::in_tactic});
    }
  }

  // Refs stated as properties.
  for (const pending& r : pending_) {
    auto self = stix(r.stix_id);
    if (!self) continue;
    auto ref = [&](std::string_view target, relation type, std::string_view log_source = {},
                   std::string_view channel = {}) {
      auto t = stix(target);
      if (!t) {
        warn(g_.report.dangling_references,
             fmt::format("{}: {} {} names missing object {}; skipped", *r.path, r.stix_type,
                         r.id.empty() ? r.stix_id : r.id, target));
        return;
      }
      link(*self, *t, edge_data{.description = channel, .log_source = log_source, .type = type});
    };
    if (r.type == object_type::matrix)
      for (auto t : r.refs) ref(t, relation::matrix_tactic);
    if (r.type == object_type::detection_strategy)
      for (auto t : r.refs) ref(t, relation::has_analytic);
    if (r.type == object_type::analytic)
      for (const auto& l : r.log_sources) ref(l.data_component_ref, relation::observes, l.name, l.channel);
    if (r.type == object_type::data_component && !r.data_source_ref.empty())
      ref(r.data_source_ref, relation::component_of);
  }
  // Memory back for the hierarchy and the indexes (`= {}` would keep the capacity).
  pending_ = std::vector<pending>();

  // A sub-technique without a subtechnique-of relationship: its parent from the dotted id.
  text_view_map<node> technique_by_id;
  for (node n : by_id_order)
    if (objects[n].type == object_type::technique && !objects[n].id.empty() &&
        (!technique_by_id.count(objects[n].id) || objects[n].live()))
      technique_by_id[objects[n].id] = n;
  start_hierarchy();
  for (node n : by_id_order) {
    const attack_object& o = objects[n];
    auto dot = o.id.find('.');
    if (o.type != object_type::technique || dot == std::string_view::npos || parent_of_[n] != none) continue;
    auto it = technique_by_id.find(o.id.substr(0, dot));
    if (it != technique_by_id.end())
      propose_parent(n, it->second, edge_data{.type = relation::subtechnique_of},
                     fmt::format("the parent of {} from its id", o.id));
  }
  add_parent_links();

  // A sub-technique with no parent at all would be in neither the matrix (not a
  // technique) nor under a technique: list it as a technique, and say so (once:
  // a parent link dropped above was counted already).
  for (node n : by_id_order) {
    attack_object& o = objects[n];
    if (o.type != object_type::technique || !o.is_subtechnique || parent_of_[n] != none) continue;
    o.is_subtechnique = false;
    if (parent_dropped_[n]) continue;
    warn(g_.report.orphan_subtechniques,
         fmt::format("sub-technique {} ({}) has no parent technique; listed as a technique",
                     o.id.empty() ? o.stix_id : o.id, o.name));
  }

  set_edges(g_, std::move(edges_));
  // by_stix holds every object already (add_objects): only the id and name indexes are left.
  build_name_indexes(g_, by_id_order);
}

}  // namespace

void set_edges(graph_impl& g, built_edges edges) {
  const auto n = static_cast<std::uint32_t>(g.objects.size());
  const auto m = static_cast<std::uint32_t>(edges.size());
  // Load order: positions by seq. Builders emit edges almost in order (the
  // builder's parent links come last): sort only the unsorted tail, then merge.
  std::vector<std::uint32_t> by_seq(m);
  std::iota(by_seq.begin(), by_seq.end(), 0u);
  auto seq_less = [&](std::uint32_t a, std::uint32_t b) { return edges.data[a].seq < edges.data[b].seq; };
  auto tail = std::is_sorted_until(by_seq.begin(), by_seq.end(), seq_less);
  if (tail != by_seq.end()) {
    std::sort(tail, by_seq.end(), seq_less);
    std::inplace_merge(by_seq.begin(), tail, by_seq.end(), seq_less);
  }
  // Numbered 0..m-1 in that order: a streamed subtechnique-of link the
  // hierarchy dropped left a gap in the numbers (graph_build::read_first).
  for (std::uint32_t i = 0; i < m; ++i) edges.data[by_seq[i]].seq = i;
  // Each edge's index in the graph: by source, in load order within a source
  // (a counting pass in seq order). The in-edges come out of the same pass,
  // by target and in load order.
  std::vector<std::uint32_t> out_at(n + 1, 0);
  g.in_start.assign(n + 1, 0);
  for (std::uint32_t i = 0; i < m; ++i) {
    ++out_at[edges.sources[i] + 1];
    ++g.in_start[edges.targets[i] + 1];
  }
  for (std::uint32_t v = 0; v < n; ++v) {
    out_at[v + 1] += out_at[v];
    g.in_start[v + 1] += g.in_start[v];
  }
  std::vector<std::uint32_t> in_at(g.in_start.begin(), g.in_start.end() - 1);
  std::vector<std::uint32_t> place(m);
  g.in_edges.resize(m);
  for (std::uint32_t k : by_seq) {
    const std::uint32_t s = edges.sources[k];
    place[k] = out_at[s]++;
    g.in_edges[in_at[edges.targets[k]]++] = boost_graph::edge_descriptor(s, place[k]);
  }
  std::vector<std::uint32_t>().swap(by_seq);   // freed (`= {}` would keep the capacity)
  // The three columns into that order, in place: each cycle of the permutation followed once.
  for (std::uint32_t i = 0; i < m; ++i) {
    while (place[i] != i) {
      const std::uint32_t j = place[i];
      std::swap(edges.sources[i], edges.sources[j]);
      std::swap(edges.targets[i], edges.targets[j]);
      std::swap(edges.data[i], edges.data[j]);
      std::swap(place[i], place[j]);
    }
  }
  // Sorted by source already, Boost's in-place histogram sort moves nothing
  // (each edge claims its own slot), so the order above stays; the graph
  // takes over the targets and the data instead of copying them.
  g.graph = boost_graph(boost::construct_inplace_from_sources_and_targets, edges.sources, edges.targets, edges.data, n);
}

void build_indexes(graph_impl& g) {
  g.by_stix.clear();
  g.by_stix.reserve(g.objects.size());
  for (node n : all_handles<node>(g.objects.size())) g.by_stix.emplace(g.objects[n].stix_id, n);
  build_name_indexes(g, id_order(g));
}

namespace {

// What the graph takes from a bundle's objects besides the objects themselves.
struct bundle_tally {
  domain_set matrix_domains = 0;   // of its live matrices (their ATT&CK ids)
  domain_set stated_domains = 0;   // every object's own x_mitre_domains
  std::string matrix_domain;       // the last live matrix's
  std::string release;             // the last collection's x_mitre_version
  std::size_t links = 0;           // at most the edges its objects' properties make
  // Before r is moved from.
  void add(const stix::raw_object& r) {
    if (r.object.type == object_type::matrix && r.object.live())
      if (auto d = parse_domain(r.object.id)) {
        matrix_domains |= bit(*d);
        matrix_domain = std::string(to_string(*d));
      }
    stated_domains |= r.object.domains;
    if (r.object.type == object_type::collection && !r.collection_version.empty())
      release = std::string(r.collection_version);
    links += r.refs.size() + r.log_sources.size() + (r.data_source_ref.empty() ? 0 : 1);
    if (r.object.type == object_type::technique) links += r.object.kill_chain_phases.size() + 1;
  }
  // The bundle's domain: its matrix's, else every domain its objects name.
  domain_set domains() const noexcept { return matrix_domains ? matrix_domains : stated_domains; }
};

}  // namespace

// The builder, and the first bundle's records as they are read (the sink).
struct graph_build::state final : stix::record_sink {
  std::unique_ptr<graph_impl> g = std::make_unique<graph_impl>();
  builder b{*g};
  bool streamed = false;
  std::string path;                   // the streamed bundle's: pending links point to it
  bundle_tally tally;
  std::vector<node> node_of;          // the streamed bundle's nodes, by position
  std::vector<node> fill_domains;     // nodes one of whose records stated no domain: given the bundle's at the end
  std::size_t relationships = 0;      // relationship records read
  // From the first relationship naming an object not (yet) added on: kept, in
  // order, for add_link once every bundle's objects are in (ATT&CK lists its
  // objects first, so its bundles keep none).
  std::vector<stix::raw_relationship> deferred;

  void object(stix::raw_object& r) override {
    tally.add(r);
    const bool no_domain = r.object.domains == 0;
    bool skipped = false;
    const node n = b.add_object(r, path, &skipped);
    node_of.push_back(n);
    if (no_domain && !skipped) fill_domains.push_back(n);
  }
  void relationship(stix::raw_relationship& r) override {
    ++relationships;
    constexpr auto none = stix::raw_relationship::no_object;
    if (deferred.empty() && r.source_object != none && r.target_object != none) b.stream_link(r, node_of);
    else deferred.push_back(r);
  }
};

graph_build::graph_build(std::uintmax_t input_bytes) : s_(std::make_unique<state>()) {
  // About ATT&CK's density (enterprise 18.1: an object per 9.5 KB, a
  // relationship per 2.2 KB, an edge per 1.7 KB), with room to spare; a
  // larger count grows them.
  const auto bytes = static_cast<std::size_t>(std::min<std::uintmax_t>(input_bytes, stix::max_bundle_bytes));
  s_->b.reserve_objects(bytes / 8192);
  // The set of relationship ids is for the bundles read after the streamed
  // one: reserved in finish(). The streamed ids: one per 1.28 KB (enterprise
  // 18.1 has a relationship per 2.2 KB). Freed when finish() starts, the block
  // is the hole the name indexes are built in; measured on the default load
  // (a probe of the heap as the CLI sets it up), one per 2 KB put them above
  // it and the heap past 8 MB (a fifth huge page): 8.08 MB against 7.95.
  s_->b.reserve_links(0, bytes / 1536);
  s_->b.reserve_streamed(bytes / 1280);
  // Enterprise 18.1: 2,430 objects state links (an analytic, a detection
  // strategy or a matrix) per 45 MB. Grown by doubling, the vector's last
  // steps (half a MB, then the freed ones) set the heap's high-water mark.
  s_->b.reserve_pending(bytes / 16384);
}

graph_build::~graph_build() = default;

stix::bundle graph_build::read_first(const std::filesystem::path& path) {
  s_->streamed = true;
  s_->path = path.string();
  return stix::read_bundle(path, *s_);
}

stix::bundle graph_build::read_first(std::string name, std::string_view bytes) {
  s_->streamed = true;
  s_->path = name;
  return stix::read_bundle(std::move(name), bytes, *s_);
}

std::unique_ptr<graph_impl> graph_build::finish(std::vector<stix::bundle> bundles) {
  state& st = *s_;
  graph_impl& g = *st.g;
  builder& b = st.b;
  const bool streamed = st.streamed && !bundles.empty();
  // At most one vertex per record; at most one edge per relationship, per
  // stated ref, per tactic of a technique, plus a technique's parent link.
  std::vector<bundle_tally> tallies(bundles.size());
  std::size_t objects = g.objects.size(), relationships = streamed ? st.relationships : 0, links = 0;
  for (std::size_t i = 0; i < bundles.size(); ++i) {
    if (streamed && i == 0) {
      tallies[i] = std::move(st.tally);
    } else {
      objects += bundles[i].objects.size();
      relationships += bundles[i].relationships.size();
      for (const stix::raw_object& r : bundles[i].objects) tallies[i].add(r);
    }
    links += tallies[i].links;
  }
  b.reserve_objects(objects);
  std::vector<std::vector<node>> node_of;   // per bundle, by record
  for (std::size_t i = 0; i < bundles.size(); ++i) {
    stix::bundle& bundle = bundles[i];
    const domain_set ds = tallies[i].domains();
    source_file sf;
    sf.path = bundle.path;
    sf.domain = tallies[i].matrix_domain;
    sf.spec_version = bundle.spec_version;
    sf.objects = bundle.object_count;
    sf.bytes = bundle.bytes;
    sf.release = tallies[i].release.empty() ? release_from_path(bundle.path) : tallies[i].release;
    if (streamed && i == 0) {
      // What add_objects does first, once the bundle's domain is known.
      for (node n : st.fill_domains) g.objects[n].domains |= ds;
      std::vector<node>().swap(st.fill_domains);
      node_of.push_back(std::move(st.node_of));
    } else {
      node_of.push_back(b.add_objects(bundle, ds));
    }
    // Two releases of one domain would mix them (links one removed still answering): refuse.
    for (const source_file& earlier : g.sources)
      if (!sf.domain.empty() && earlier.domain == sf.domain && !sf.release.empty() && !earlier.release.empty() &&
          earlier.release != sf.release)
        throw error(errc::bad_value, sf.path, "",
                    fmt::format("ATT&CK {} release {}, but {} is release {}: load one release per domain",
                                sf.domain, sf.release, earlier.path, earlier.release));
    g.sources.push_back(std::move(sf));
    g.report.unknown_types += bundle.unknown_types;
    g.report.unknown_properties += bundle.unknown_properties;
    g.report.malformed_objects += bundle.malformed_objects;
    for (auto& s : bundle.samples)
      if (g.report.samples.size() < max_samples) g.report.samples.push_back(std::move(s));
  }
  // The set holds the ids of relationships not streamed (the streamed ones are streamed_ids_).
  b.reserve_links(relationships - (streamed ? st.relationships - st.deferred.size() : 0), relationships + links);
  for (std::size_t i = 0; i < bundles.size(); ++i) {
    if (streamed && i == 0) {
      b.add_streamed_parents(st.path);
      for (const stix::raw_relationship& r : st.deferred) b.add_link(r, node_of[0], st.path);
      std::vector<stix::raw_relationship>().swap(st.deferred);
    } else {
      b.add_links(bundles[i], node_of[i]);
    }
  }
  node_of = {};
  // Every record is read and popped; the regions give back the huge page or
  // two each still holds before finish() allocates.
  for (stix::bundle& bundle : bundles) bundle.drop_records();
  b.finish();
  for (stix::bundle& bundle : bundles) g.storage.push_back(bundle.strings);
  return std::move(st.g);
}

std::unique_ptr<graph_impl> build_graph(std::vector<stix::bundle> bundles) {
  return graph_build().finish(std::move(bundles));
}

}  // namespace mitrekg
