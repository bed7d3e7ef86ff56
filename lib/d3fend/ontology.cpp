// d3fend_ontology: loading, lookups, hierarchy and listings.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include "d3fend/ontology_impl.hpp"
#include "mitrekg/error.hpp"
#include "support/helper_thread.hpp"
#include "support/huge_pages.hpp"
#include "support/input_file.hpp"
#include "support/text.hpp"

namespace mitrekg {

using d3fend_detail::no_node;

// ---- names -------------------------------------------------------------------

namespace {
constexpr std::string_view tactic_names[] = {"Model", "Harden", "Detect", "Isolate", "Deceive", "Evict", "Restore"};
constexpr std::size_t max_samples = 20;


// Records the vertices a search discovers, except its source.
struct discovered : boost::default_bfs_visitor {
  std::vector<d3fend_node>* out;
  std::size_t source;
  template <class Graph>
  void discover_vertex(std::size_t v, const Graph&) const {
    if (v != source) out->push_back(static_cast<d3fend_node>(v));
  }
};

template <class Graph>
std::vector<d3fend_node> reachable(const Graph& g, std::size_t from) {
  std::vector<d3fend_node> out;
  discovered vis;
  vis.out = &out;
  vis.source = from;
  boost::breadth_first_search(g, from, boost::visitor(vis));
  return out;
}
}  // namespace

std::string_view to_string(d3fend_tactic t) noexcept {
  auto i = static_cast<std::size_t>(t);
  return i < std::size(tactic_names) ? tactic_names[i] : "unknown";
}

std::optional<d3fend_tactic> parse_d3fend_tactic(std::string_view name) noexcept {
  if (name.substr(0, 4) == "d3f:") name.remove_prefix(4);
  for (std::size_t i = 0; i < std::size(tactic_names); ++i)
    if (iequals(name, tactic_names[i])) return static_cast<d3fend_tactic>(i);
  return std::nullopt;
}

std::string_view to_string(d3fend_kind k) noexcept {
  switch (k) {
    case d3fend_kind::defensive_technique: return "defensive-technique";
    case d3fend_kind::attack_technique: return "attack-technique";
    case d3fend_kind::attack_mitigation: return "attack-mitigation";
    case d3fend_kind::artifact: return "artifact";
    case d3fend_kind::tactic: return "tactic";
    case d3fend_kind::property: return "property";
    case d3fend_kind::other: return "other";
  }
  return "other";
}

// ---- impl helpers ------------------------------------------------------------

d3fend_node d3fend_ontology::impl::intern(std::string_view id) {
  if (auto it = by_id.find(id); it != by_id.end()) return it->second;
  const auto n = static_cast<d3fend_node>(entries.size());
  id = keep_text(id);
  by_id.emplace(id, n);
  return append_node(id);
}

std::string_view d3fend_ontology::impl::keep_text(std::string_view s) {
  if (s.empty()) return {};
  return strings ? strings->copy(s) : std::string_view(arena.emplace_back(s));
}

d3fend_node d3fend_ontology::impl::append_node(std::string_view id) {
  const auto n = static_cast<d3fend_node>(entries.size());
  // Filled in place: a whole entry built on the stack and copied in showed up
  // in perf as store-forwarding stalls (about 0.05 ms of the load).
  d3fend_entry& e = entries.emplace_back();
  e.id = id;
  e.name = d3fend_detail::name_of_id(id);
  auto& x = extra.emplace_back();
  if (id.substr(0, 2) == "_:") x.flags = d3fend_detail::f_blank;
  // The name's bytes are in cache now; build() sorts by this prefix first.
  x.name_prefix = d3fend_detail::name_prefix_of(e.name);
  return n;
}

void d3fend_ontology::impl::warn(std::size_t& counter, std::uint32_t offset, std::string message) {
  ++counter;
  if (report.samples.size() < max_samples)
    report.samples.push_back(fmt::format("{}: {}: {}", file, line_column(text, offset), message));
}

const handle_vector<d3fend_node, d3fend_detail::node_extra>& d3fend_ontology::impl::extras() const {
  if (fill_extra) std::call_once(extra_once, [this] { fill_extra(*this); });
  return extra;
}

// ---- deferred entries ----------------------------------------------------------

d3fend_detail::deferred_entries::deferred_entries(std::size_t count, std::span<char> spare)
    : size(count), ready(std::make_unique<std::atomic<bool>[]>((count + block - 1) / block)) {
  const std::size_t bytes = std::max<std::size_t>(count * sizeof(d3fend_entry), 1);
  void* at = spare.data();
  std::size_t room = spare.size();
  owned = !std::align(alignof(d3fend_entry), bytes, at, room);
  items = static_cast<d3fend_entry*>(owned ? ::operator new(bytes) : at);
}

// Entries hold views only: nothing to destroy.
static_assert(std::is_trivially_destructible_v<d3fend_entry>);
d3fend_detail::deferred_entries::~deferred_entries() {
  if (owned) ::operator delete(items);
}

const d3fend_entry& d3fend_ontology::impl::entry(d3fend_node v) const noexcept {
  if (!deferred) return entries[v];
  auto& d = *deferred;
  const std::size_t b = index_of(v) / d.block;
  if (!d.ready[b].load(std::memory_order_acquire)) {
    std::lock_guard lock(d.mutex);
    if (!d.ready[b].load(std::memory_order_relaxed)) {
      const std::size_t first = b * d.block;
      d.fill(d.items + first, first, std::min(d.block, d.size - first));
      d.ready[b].store(true, std::memory_order_release);
    }
  }
  return d.items[index_of(v)];
}

std::string_view d3fend_ontology::impl::key_text(d3fend_node v, d3fend_detail::deferred_entries::key which) const noexcept {
  using k = d3fend_detail::deferred_entries;
  if (deferred) return deferred->text(index_of(v), which);
  const d3fend_entry& e = entries[v];
  return which == k::id ? e.id : which == k::attack_id ? e.attack_id : e.d3fend_id;
}

// What intern() and build() fill while reading; first of a repeated key wins, as there.
const text_view_map<d3fend_node>& d3fend_ontology::impl::ids() const {
  if (keys_deferred)
    std::call_once(ids_once, [this] {
      by_id.reserve(count());
      for (d3fend_node v : all_handles<d3fend_node>(count()))
        by_id.try_emplace(key_text(v, d3fend_detail::deferred_entries::id), v);
    });
  return by_id;
}

const text_map<d3fend_node>& d3fend_ontology::impl::keys() const {
  using k = d3fend_detail::deferred_entries;
  if (keys_deferred)
    std::call_once(keys_once, [this] {
      by_key.reserve(attack_techniques.size() + attack_mitigations.size() + defensive_techniques.size() + 16);
      for (const auto* list : {&attack_techniques, &attack_mitigations})
        for (d3fend_node v : *list) by_key.emplace(to_upper(key_text(v, k::attack_id)), v);
      for (d3fend_node v : all_handles<d3fend_node>(count()))
        if (auto id = key_text(v, k::d3fend_id); !id.empty()) by_key.emplace(to_upper(id), v);
    });
  return by_key;
}

d3fend_node d3fend_ontology::impl::find_id(std::string_view id) const {
  if (keys_deferred && id_lookups.fetch_add(1, std::memory_order_relaxed) < scanned_lookups) {
    for (d3fend_node v : all_handles<d3fend_node>(count()))
      if (key_text(v, d3fend_detail::deferred_entries::id) == id) return v;
    return no_node;
  }
  ids();
  auto it = by_id.find(id);
  return it == by_id.end() ? no_node : it->second;
}

d3fend_node d3fend_ontology::impl::find_key(std::string_view key) const {
  using k = d3fend_detail::deferred_entries;
  if (keys_deferred && key_lookups.fetch_add(1, std::memory_order_relaxed) < scanned_lookups) {
    // In keys()'s order; `key` is upper-cased, so iequals is to_upper(text) == key.
    for (const auto* list : {&attack_techniques, &attack_mitigations})
      for (d3fend_node v : *list)
        if (iequals(key_text(v, k::attack_id), key)) return v;
    for (d3fend_node v : all_handles<d3fend_node>(count()))
      if (auto id = key_text(v, k::d3fend_id); !id.empty() && iequals(id, key)) return v;
    return no_node;
  }
  auto it = keys().find(key);
  return it == by_key.end() ? no_node : it->second;
}

bool d3fend_ontology::impl::is_a(d3fend_node a, d3fend_node b) const noexcept {
  if (a == b) return true;
  graph_parts();
  if (index_of(a) >= closure.rows()) return false;
  return std::find(closure.begin(a), closure.end(a), b) != closure.end(a);
}

std::string_view d3fend_ontology::impl::relation_name(d3fend_node property) const noexcept {
  const auto& e = entry(property);
  return e.label.empty() ? e.name : e.label;
}

// ---- loading -----------------------------------------------------------------

namespace {

// Reads and builds. `helper`: a running second thread to share the work, or
// null. The file's text is not referenced once this returns (`text` is left
// empty, `buffer` and the reader's scratch strings freed): every text and id
// kept was copied into `strings`.
std::unique_ptr<d3fend_impl> load_impl(std::unique_ptr<d3fend_impl> o, std::size_t capacity,
                                                 helper_thread* helper) {
  // The arena's first block: half the file (0.17.0 keeps two fifths of its 3.1 MB).
  o->strings = std::make_unique<string_arena>(mapping_size(o->text.size() / 2));
  // 0.17.0: 5,298 nodes in 3.1 MB, one per 588 bytes; a node per 560 leaves
  // 5% to spare (a denser release grows them). At one per 400 the unused ends
  // (0.8 MB of the heap) raised the default load's high-water mark.
  const std::size_t nodes = o->text.size() / 560 + 16;
  o->entries.reserve(nodes);
  o->extra.reserve(nodes);
  o->by_id.reserve(nodes);
  d3fend_detail::read_jsonld(*o, capacity, helper);
  d3fend_detail::build(*o, helper);
  o->text = {};
  o->buffer.reset();
  std::deque<std::string>().swap(o->read_arena);
  return o;
}

// A helper thread for an input of `size` bytes, started now, or none.
std::unique_ptr<helper_thread> helper_for(std::size_t size, d3fend_detail::load_threads threads) {
  using d3fend_detail::load_threads;
  if (threads == load_threads::two || (threads == load_threads::by_size && size >= d3fend_detail::threaded_read_from))
    return std::make_unique<helper_thread>();
  return nullptr;
}

}  // namespace

std::unique_ptr<d3fend_impl> d3fend_detail::load_text(std::string name, std::string_view json,
                                                                load_threads threads) {
  auto o = std::make_unique<d3fend_impl>();
  o->file = std::move(name);
  if (json.size() > max_d3fend_bytes) throw error(errc::too_large, o->file, "", "input larger than the limit");
  auto helper = helper_for(json.size(), threads);
  const std::size_t capacity = json.size() + simdjson::SIMDJSON_PADDING;
  o->buffer.reset(new char[capacity]);
  if (!json.empty()) std::memcpy(o->buffer.get(), json.data(), json.size());
  std::memset(o->buffer.get() + json.size(), 0, capacity - json.size());
  o->text = std::string_view(o->buffer.get(), json.size());
  return load_impl(std::move(o), capacity, helper.get());
}

// The file is read through a read-only mapping (no copy: its pages are the
// page cache's), dropped when the load ends, as the STIX reader does.
std::unique_ptr<d3fend_impl> d3fend_detail::load_file(const std::filesystem::path& path,
                                                                load_threads threads) {
  auto o = std::make_unique<d3fend_impl>();
  o->file = path.string();
  mapped_input map = map_input_file(path, "a D3FEND JSON-LD file", max_d3fend_bytes, simdjson::SIMDJSON_PADDING);
  auto helper = helper_for(map.size(), threads);
  o->text = std::string_view(map.data(), map.size());
  // Truncated while read: the error is the change (read_mapped).
  return read_mapped(map, path.string(), [&] { return load_impl(std::move(o), map.capacity(), helper.get()); });
}

d3fend_ontology d3fend_ontology::load(const std::filesystem::path& path) {
  return d3fend_ontology(d3fend_detail::load_file(path, d3fend_detail::load_threads::by_size));
}

d3fend_ontology d3fend_ontology::load(std::string name, std::string_view json) {
  return d3fend_ontology(d3fend_detail::load_text(std::move(name), json, d3fend_detail::load_threads::by_size));
}

d3fend_ontology::d3fend_ontology(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
d3fend_ontology::d3fend_ontology(d3fend_ontology&&) noexcept = default;
d3fend_ontology& d3fend_ontology::operator=(d3fend_ontology&&) noexcept = default;
d3fend_ontology::~d3fend_ontology() = default;

// ---- basics and lookups --------------------------------------------------------

std::size_t d3fend_ontology::size() const noexcept { return impl_->count(); }
const d3fend_entry& d3fend_ontology::operator[](d3fend_node n) const {
  if (index_of(n) >= impl_->count()) throw std::out_of_range("d3fend_ontology: no such node");
  return impl_->entry(n);
}
const std::string& d3fend_ontology::file() const noexcept { return impl_->file; }
std::string_view d3fend_ontology::version() const noexcept { return impl_->version; }
const d3fend_report& d3fend_ontology::report() const noexcept { return impl_->report; }

std::optional<d3fend_node> d3fend_ontology::find(std::string_view key) const {
  const impl& o = *impl_;
  if (key.empty()) return std::nullopt;
  if (auto n = o.find_id(key); n != no_node) return n;
  if (auto n = o.find_key(to_upper(key)); n != no_node) return n;
  if (key.find(':') == std::string_view::npos)
    if (auto n = o.find_id(fmt::format("d3f:{}", key)); n != no_node) return n;
  return std::nullopt;
}

std::optional<d3fend_node> d3fend_ontology::find_technique(std::string_view key) const {
  auto n = find(key);
  if (n && impl_->entry(*n).kind == d3fend_kind::defensive_technique) return n;
  return std::nullopt;
}

std::optional<d3fend_node> d3fend_ontology::find_attack(std::string_view attack_id) const {
  const impl& o = *impl_;
  const d3fend_node n = o.find_key(to_upper(attack_id));
  if (n == no_node) return std::nullopt;
  auto k = o.entry(n).kind;
  if (k != d3fend_kind::attack_technique && k != d3fend_kind::attack_mitigation) return std::nullopt;
  return n;
}

std::optional<d3fend_node> d3fend_ontology::tactic_node(d3fend_tactic t) const {
  auto i = static_cast<std::size_t>(t);
  if (i >= impl_->tactic_nodes.size() || impl_->tactic_nodes[i] == no_node) return std::nullopt;
  return impl_->tactic_nodes[i];
}

// ---- hierarchy -------------------------------------------------------------------

std::vector<d3fend_node> d3fend_ontology::parents(d3fend_node n) const {
  std::vector<d3fend_node> out;
  if (index_of(n) >= size()) return out;
  const auto& classes = impl_->graph_parts().classes;
  for (auto [e, end] = boost::out_edges(index_of(n), classes); e != end; ++e)
    out.push_back(static_cast<d3fend_node>(boost::target(*e, classes)));
  return out;
}

std::optional<d3fend_node> d3fend_ontology::parent(d3fend_node n) const {
  if (index_of(n) >= size()) return std::nullopt;
  const auto& classes = impl_->graph_parts().classes;
  auto [e, end] = boost::out_edges(index_of(n), classes);
  if (e == end) return std::nullopt;
  return static_cast<d3fend_node>(boost::target(*e, classes));
}

std::vector<d3fend_node> d3fend_ontology::children(d3fend_node n) const {
  std::vector<d3fend_node> out;
  if (index_of(n) >= size()) return out;
  const auto& classes = impl_->graph_parts().classes;
  for (auto [e, end] = boost::in_edges(index_of(n), classes); e != end; ++e)
    out.push_back(static_cast<d3fend_node>(boost::source(*e, classes)));
  std::sort(out.begin(), out.end(), [this](d3fend_node a, d3fend_node b) { return impl_->rank_of(a) < impl_->rank_of(b); });
  return out;
}

std::vector<d3fend_node> d3fend_ontology::ancestors(d3fend_node n) const {
  if (index_of(n) >= size()) return {};
  const auto& closure = impl_->graph_parts().closure;
  return {closure.begin(n), closure.end(n)};
}

bool d3fend_ontology::is_a(d3fend_node a, d3fend_node b) const noexcept { return impl_->is_a(a, b); }

std::vector<d3fend_node> d3fend_ontology::super_properties(d3fend_node property) const {
  if (index_of(property) >= size()) return {};
  return reachable(impl_->graph_parts().properties, index_of(property));
}

std::optional<d3fend_node> d3fend_ontology::inverse_of(d3fend_node property) const {
  if (index_of(property) >= size() || impl_->inverse_of(property) == no_node) return std::nullopt;
  return impl_->inverse_of(property);
}

// ---- statements ----------------------------------------------------------------------

std::vector<d3fend_statement> d3fend_ontology::statements(d3fend_node n) const {
  if (index_of(n) >= size()) return {};
  const auto& statements = impl_->graph_parts().statements;
  std::vector<d3fend_statement> out(statements.begin(n), statements.end(n));
  // Named here: an image-decoded ontology leaves the stored names empty (naming
  // them all at open filled the entries of every property's block).
  for (auto& s : out) s.relation_name = impl_->relation_name(s.relation);
  return out;
}

std::vector<d3fend_statement> d3fend_ontology::artifacts(d3fend_node n) const {
  std::vector<d3fend_statement> out;
  if (index_of(n) >= size()) return out;
  const auto& statements = impl_->graph_parts().statements;
  for (auto* s = statements.begin(n); s != statements.end(n); ++s)
    if (impl_->entry(s->target).kind == d3fend_kind::artifact)
      out.push_back(d3fend_statement{s->relation, s->target, impl_->relation_name(s->relation)});
  return out;
}

std::vector<d3fend_reference> d3fend_ontology::references(d3fend_node n) const {
  std::vector<d3fend_reference> out;
  const impl& o = impl_->graph_parts();
  if (index_of(n) >= size() || o.reference_property == no_node) return out;
  for (auto* s = o.statements.begin(n); s != o.statements.end(n); ++s) {
    if (s->relation != o.reference_property) continue;
    const auto& x = o.extras()[s->target];
    out.push_back(d3fend_reference{s->target, x.title, x.url, x.organization, x.author});
  }
  return out;
}

// ---- listings ---------------------------------------------------------------------------

const std::vector<d3fend_node>& d3fend_ontology::attack_techniques() const noexcept { return impl_->attack_techniques; }
const std::vector<d3fend_node>& d3fend_ontology::attack_mitigations() const noexcept { return impl_->attack_mitigations; }
const std::vector<d3fend_node>& d3fend_ontology::defensive_techniques() const noexcept {
  return impl_->defensive_techniques;
}
const std::vector<d3fend_node>& d3fend_ontology::artifact_classes() const noexcept { return impl_->artifact_classes; }

std::vector<std::string_view> d3fend_ontology::attack_ids() const {
  std::vector<std::string_view> out;
  out.reserve(impl_->attack_techniques.size());
  for (auto n : impl_->attack_techniques) out.push_back(impl_->entry(n).attack_id);
  return out;
}

std::vector<d3fend_node> d3fend_ontology::related_techniques(d3fend_node mitigation) const {
  std::vector<d3fend_node> out;
  const impl& o = impl_->graph_parts();
  if (index_of(mitigation) >= size() || o.related_property == no_node) return out;
  for (auto* s = o.statements.begin(mitigation); s != o.statements.end(mitigation); ++s)
    if (s->relation == o.related_property && o.entry(s->target).kind == d3fend_kind::defensive_technique)
      out.push_back(s->target);
  std::sort(out.begin(), out.end(), [&o](d3fend_node a, d3fend_node b) { return o.rank_of(a) < o.rank_of(b); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<d3fend_matrix_cell> d3fend_ontology::matrix_column(d3fend_tactic t) const {
  std::vector<d3fend_matrix_cell> out;
  const impl& o = *impl_;
  auto tactic = tactic_node(t);
  if (!tactic) return out;
  auto by_label = [&o](d3fend_node a, d3fend_node b) {
    const auto& ea = o.entry(a);
    const auto& eb = o.entry(b);
    return ea.label != eb.label ? ea.label < eb.label : o.rank_of(a) < o.rank_of(b);
  };
  std::vector<d3fend_node> roots;
  const auto& extra = o.extras();
  for (auto n : o.defensive_techniques)
    if (extra[n].enables == *tactic) roots.push_back(n);
  std::sort(roots.begin(), roots.end(), by_label);
  std::vector<bool> seen(size(), false);
  // Depth-first, explicit stack of (node, depth); children pushed in reverse label order.
  std::vector<std::pair<d3fend_node, std::uint32_t>> stack;
  for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.emplace_back(*it, 0);
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    if (seen[index_of(n)]) continue;
    seen[index_of(n)] = true;
    out.push_back(d3fend_matrix_cell{n, depth});
    std::vector<d3fend_node> kids;
    for (auto c : children(n))
      if (!seen[index_of(c)] && o.entry(c).kind == d3fend_kind::defensive_technique && o.entry(c).tactic == t)
        kids.push_back(c);
    std::sort(kids.begin(), kids.end(), by_label);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.emplace_back(*it, depth + 1);
  }
  return out;
}

// ---- artifacts: who touches them ---------------------------------------------------------

namespace {

std::vector<d3fend_use> uses_of(const d3fend_impl& o, d3fend_node artifact, bool subclasses, d3fend_kind kind) {
  std::vector<d3fend_use> out;
  o.graph_parts();
  if (index_of(artifact) >= o.count()) return out;
  std::vector<d3fend_node> targets{artifact};
  if (subclasses) {
    auto below = reachable(boost::make_reverse_graph(o.classes), index_of(artifact));
    targets.insert(targets.end(), below.begin(), below.end());
  }
  for (auto x : targets)
    for (auto* u = o.uses_index.begin(x); u != o.uses_index.end(x); ++u)
      if (o.entry(u->technique).kind == kind) out.push_back(d3fend_use{u->technique, x, o.relation_name(u->relation)});
  auto key = [&o, kind](const d3fend_use& u) {
    std::string_view primary = kind == d3fend_kind::attack_technique ? o.entry(u.technique).attack_id
                                                                     : o.entry(u.technique).name;
    return std::tuple(primary, o.rank_of(u.technique), o.rank_of(u.artifact), u.relation_name);
  };
  std::sort(out.begin(), out.end(), [&key](const d3fend_use& a, const d3fend_use& b) { return key(a) < key(b); });
  return out;
}

}  // namespace

std::vector<d3fend_use> d3fend_ontology::offensive_uses(d3fend_node artifact, bool subclasses) const {
  return uses_of(*impl_, artifact, subclasses, d3fend_kind::attack_technique);
}

std::vector<d3fend_use> d3fend_ontology::defensive_uses(d3fend_node artifact, bool subclasses) const {
  return uses_of(*impl_, artifact, subclasses, d3fend_kind::defensive_technique);
}

}  // namespace mitrekg
