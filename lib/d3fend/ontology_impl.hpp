// d3fend_impl: the loaded JSON-LD, the Boost.Graph hierarchies and
// the indexes the inference walks. Private to lib/.
#pragma once

#include <array>
#include <atomic>
#include <cstring>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "d3fend/d3fend_access.hpp"
#include "mitrekg/d3fend.hpp"
#include "support/handles.hpp"
#include "support/string_arena.hpp"
#include "support/text.hpp"
#include "support/text_map.hpp"

namespace mitrekg {
class helper_thread;
}

namespace mitrekg::d3fend_detail {

// Both hierarchies use every node as a vertex (vertex index == d3fend_node);
// an edge runs from the subclass (subproperty) to its named superclass
// (superproperty). Built once from the whole edge list, so a compressed
// sparse row graph: two arrays, no per-vertex allocation; out-edges keep file order.
using hierarchy = boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property, boost::no_property,
                                                     boost::no_property, std::uint32_t, std::uint32_t>;

// A compressed row list: rows[i] is items[offsets[i] .. offsets[i+1]).
template <class T>
struct csr {
  std::vector<std::uint32_t> offsets{0};
  std::vector<T> items;

  std::size_t rows() const noexcept { return offsets.size() - 1; }
  const T* begin(std::size_t row) const noexcept { return items.data() + offsets[row]; }
  const T* end(std::size_t row) const noexcept { return items.data() + offsets[row + 1]; }
  std::size_t size(std::size_t row) const noexcept { return offsets[row + 1] - offsets[row]; }
  // The same, for a row named by a node handle.
  const T* begin(d3fend_node row) const noexcept { return begin(std::size_t{index_of(row)}); }
  const T* end(d3fend_node row) const noexcept { return end(std::size_t{index_of(row)}); }
  std::size_t size(d3fend_node row) const noexcept { return size(std::size_t{index_of(row)}); }
  // Builds from (row, item) pairs in any row order (a stable counting sort:
  // items of one row keep their order).
  void assign(std::size_t row_count, const std::vector<std::pair<std::uint32_t, T>>& pairs) {
    offsets.assign(row_count + 1, 0);
    for (const auto& p : pairs) ++offsets[p.first + 1];
    for (std::size_t i = 1; i < offsets.size(); ++i) offsets[i] += offsets[i - 1];
    items.resize(pairs.size());
    std::vector<std::uint32_t> next(offsets.begin(), offsets.end() - 1);
    for (const auto& p : pairs) items[next[p.first]++] = p.second;
  }
};

// Flags from @type and from where a node was seen.
enum node_flag : std::uint16_t {
  f_defined = 1,             // appeared as the "@id" of an @graph element
  f_class = 2,               // @type owl:Class
  f_object_property = 4,     // @type owl:ObjectProperty
  f_restriction = 8,         // @type owl:Restriction
  f_mitigation = 16,         // @type d3f:ATTACKEnterpriseMitigation
  f_tactic_type = 32,        // @type d3f:DefensiveTactic
  f_blank = 64,              // a blank node "_:…"
};

// Per-node facts kept beside the public entry.
struct node_extra {
  std::uint64_t name_prefix = 0;     // first 8 bytes of the name, big-endian (set by intern, sorts names)
  std::uint32_t offset = 0;          // byte offset of the first defining @graph element
  std::uint16_t flags = 0;
  d3fend_node on_property = no_node;      // restrictions
  d3fend_node some_values_from = no_node; // restrictions
  d3fend_node enables = no_node;          // own d3f:enables (first)
  std::string_view comment;               // rdfs:comment
  std::string_view title, url, organization, author;  // references
  static constexpr d3fend_node no_node = d3fend_node{0xffffffffu};
};
inline constexpr d3fend_node no_node = node_extra::no_node;

// A node's name: its "@id" without the "d3f:" prefix (set by append_node, and
// by the image decoder, which fills entries itself).
inline std::string_view name_of_id(std::string_view id) noexcept {
  return id.substr(0, 4) == "d3f:" ? id.substr(4) : id;
}
// node_extra::name_prefix of a name: its first 8 bytes (zero-padded), big-endian.
inline std::uint64_t name_prefix_of(std::string_view name) noexcept { return big_endian_prefix(name); }

// The entries of an ontology decoded from a snapshot image, filled a block of
// `block` nodes at a time on first use (impl::entry): a warm `show` reads a
// few dozen of the 5,298 entries, so the others are never written (filling
// them all, 0.76 MB of fresh memory, was a third of opening the image).
// `items` is raw storage, written only when a block is filled (entries are
// constructed in place then): `spare` when it is large enough (memory the
// ontology owns and that is already in place, such as the zeroed room taken
// beside its image from the cache's image arena, so filling faults in no
// fresh page), else from the heap. Not copyable.
struct deferred_entries {
  static constexpr std::size_t block = 64;
  enum key : int { id, attack_id, d3fend_id };
  deferred_entries(std::size_t count, std::span<char> spare);   // throws std::bad_alloc
  ~deferred_entries();
  deferred_entries(const deferred_entries&) = delete;
  deferred_entries& operator=(const deferred_entries&) = delete;

  // Set by the image decoder, which checked every record when it opened the
  // image, so neither can fail. fill: constructs entries [first, first +
  // count) at `out`. text: one text of a node's entry (what entry(v).id,
  // .attack_id or .d3fend_id will be) without filling it.
  std::function<void(d3fend_entry* out, std::size_t first, std::size_t count)> fill;
  std::function<std::string_view(std::size_t node, key which)> text;

  std::size_t size;
  d3fend_entry* items;
  bool owned;   // items from the heap, not the spare memory
  std::unique_ptr<std::atomic<bool>[]> ready;   // per block, published with release
  std::mutex mutex;
};

// A fact read before the graph is built.
struct raw_link {
  d3fend_node subject;
  d3fend_node key;      // the property node (direct form) or no_node (subClassOf etc.)
  d3fend_node target;
};

// (defensive technique, its property) for one defensive artifact.
struct def_use {
  d3fend_node technique;
  d3fend_node relation;
};

}  // namespace mitrekg::d3fend_detail

namespace mitrekg {

struct d3fend_ontology::impl {
  using hierarchy = d3fend_detail::hierarchy;
  template <class T> using csr = d3fend_detail::csr<T>;

  // ---- the file --------------------------------------------------------------
  std::string file;
  // While a JSON-LD text is read (load_file maps the file, load_text copies
  // the bytes into `buffer`): `text` views it; both are dropped when the load
  // ends, as every text and id kept was copied into `strings` (or `arena`).
  std::unique_ptr<char[]> buffer;           // load_text's padded copy (text may start inside it)
  std::string_view text;                    // the JSON-LD being read, without its padding; empty after the load
  std::unique_ptr<string_arena> strings;    // the texts and ids kept from a JSON-LD file (keep_text)
  std::shared_ptr<const void> mapped;       // or: a snapshot image mapped from the cache, when views point there
  std::deque<std::string> arena;            // copies kept otherwise (SQLite tables); never moved
  std::deque<std::string> read_arena;       // the JSON-LD reader's unescaped strings, for the pass only
  std::string_view version;
  d3fend_report report;

  // ---- nodes -----------------------------------------------------------------
  // Filled while reading (JSON-LD, SQLite tables); empty for an ontology
  // decoded from a snapshot image, whose entries `deferred` fills on first
  // use. Read them through entry() and count(), never directly, outside the
  // readers and build().
  handle_vector<d3fend_node, d3fend_entry> entries;
  std::unique_ptr<d3fend_detail::deferred_entries> deferred;
  std::size_t count() const noexcept { return deferred ? deferred->size : entries.size(); }
  // Node v's entry (v < count()), its block filled first when deferred
  // (thread-safe); borrows from *this.
  const d3fend_entry& entry(d3fend_node v) const noexcept;
  // entry(v).id, .attack_id or .d3fend_id, without filling a deferred entry.
  std::string_view key_text(d3fend_node v, d3fend_detail::deferred_entries::key which) const noexcept;
  // Filled while reading; or — decoded from a snapshot image — on first use
  // (extras(), through fill_extra): a warm `show` or `countermeasures` never
  // writes these 5,298 records (issue 13).
  mutable handle_vector<d3fend_node, d3fend_detail::node_extra> extra;
  std::function<void(const d3fend_impl&)> fill_extra;   // set by the image decoder
  mutable std::once_flag extra_once;
  // `extra`, filled first when deferred (thread-safe); borrows from *this.
  const handle_vector<d3fend_node, d3fend_detail::node_extra>& extras() const;
  // "@id" -> node (views into the file or the arena) and upper-cased D3FEND
  // and ATT&CK ids -> node. Filled while reading, or — for an ontology decoded
  // from a snapshot image (keys_deferred) — on the first lookup (keys()),
  // which a warm call that asks nothing by name never pays for.
  mutable text_view_map<d3fend_node> by_id;
  mutable text_map<d3fend_node> by_key;
  bool keys_deferred = false;
  mutable std::once_flag ids_once, keys_once;
  // Deferred keys: the first few lookups compare the stored texts in turn
  // (key_text, ~1,000 ATT&CK ids: tens of microseconds) instead of indexing
  // every node, which a one-question process would pay for one answer.
  static constexpr unsigned scanned_lookups = 8;
  mutable std::atomic<unsigned> id_lookups{0}, key_lookups{0};
  // The node of an "@id" (exact) and of an upper-cased D3FEND or ATT&CK id,
  // no_node when none: as by_id / by_key answer (first of a repeated key).
  d3fend_node find_key(std::string_view upper_key) const;

  // ---- read (kept after build: snapshots save them and replay build()) --------
  // Filled while reading; or — decoded from a snapshot image — on first use
  // through links() (fill_links), which only writing a snapshot calls.
  mutable std::vector<d3fend_detail::raw_link> raw_subclass;     // key unused
  mutable std::vector<d3fend_detail::raw_link> raw_subproperty;
  mutable std::vector<d3fend_detail::raw_link> raw_inverse;
  mutable std::vector<d3fend_detail::raw_link> raw_statements;   // direct form, any d3f: key
  std::function<void(const d3fend_impl&)> fill_links;   // set by the image decoder
  mutable std::once_flag links_once;
  // The raw_* links, filled first when deferred (thread-safe).
  void links() const {
    if (fill_links) std::call_once(links_once, [this] { fill_links(*this); });
  }

  // ---- built -------------------------------------------------------------------
  // The graph parts (classes … uses_index): built by build(); or — decoded
  // from a snapshot image — on first use through graph_parts() (fill_graph),
  // which every reader of them calls first.
  mutable hierarchy classes;        // named rdfs:subClassOf
  mutable hierarchy properties;     // rdfs:subPropertyOf
  handle_vector<d3fend_node, d3fend_node> inverse;                // owl:inverseOf per node, no_node if none (see inverse_of)
  mutable csr<d3fend_node> closure;                         // ancestors per node, BFS order (nearest first)
  mutable csr<d3fend_statement> statements;                 // own object-property statements per node
  mutable csr<d3fend_detail::def_use> defensive_index;      // artifact -> defensive techniques stating it
  mutable csr<d3fend_detail::def_use> uses_index;           // any target -> (subject, relation)
  std::function<void(const d3fend_impl&)> fill_graph;       // set by the image decoder
  mutable std::once_flag graph_once;
  // The graph parts, built first when deferred (thread-safe); returns *this.
  const impl& graph_parts() const {
    if (fill_graph) std::call_once(graph_once, [this] { fill_graph(*this); });
    return *this;
  }
  handle_vector<d3fend_node, std::uint32_t> rank;                // position of each node when sorted by name (see rank_of)
  // Decoded from a snapshot image, inverse and rank stay empty: each node's
  // values are read where the image holds them, a u32 at base + node × stride
  // (checked when the image was opened), instead of filling two arrays of
  // fresh memory at every warm start (docs/benchmarks.md, session 12).
  struct stored_column {
    const char* base = nullptr;
    std::size_t stride = 0;
    std::uint32_t at(d3fend_node v) const noexcept {
      std::uint32_t x;
      std::memcpy(&x, base + std::size_t{index_of(v)} * stride, 4);
      return x;
    }
  };
  stored_column stored_inverse, stored_rank;
  d3fend_node inverse_of(d3fend_node v) const noexcept {
    return stored_inverse.base ? d3fend_node{stored_inverse.at(v)} : inverse[v];
  }
  std::uint32_t rank_of(d3fend_node v) const noexcept { return stored_rank.base ? stored_rank.at(v) : rank[v]; }
  std::array<d3fend_node, 7> tactic_nodes{};        // by d3fend_tactic, no_node when missing
  d3fend_node enables_property = d3fend_detail::no_node;
  d3fend_node related_property = d3fend_detail::no_node;
  d3fend_node reference_property = d3fend_detail::no_node;
  std::vector<d3fend_node> attack_techniques, attack_mitigations, defensive_techniques, artifact_classes;

  // ---- lazily built ------------------------------------------------------------
  mutable std::once_flag all_once;
  mutable std::vector<d3fend_mapping> all;          // or: decoded from a snapshot image (all_stored)
  // Set by the image decoder: `all` as the snapshot stored it, still in the
  // image (stored_rows: 6 u32 node numbers a row, every one checked), decoded
  // whole by all_mappings() and one class's run by infer() (stored_runs:
  // (class, first row, rows), by class) — what the inference would compute.
  bool all_stored = false;
  std::string_view stored_rows;
  std::vector<std::array<std::uint32_t, 3>> stored_runs;
  d3fend_mapping stored_row(std::uint32_t i) const noexcept;
  mutable csr<d3fend_node> countered;               // defensive technique -> ATT&CK classes

  // Node of an "@id", added with a copy of `id` (keep_text) when first seen:
  // `id` need not outlive the call.
  d3fend_node intern(std::string_view id);
  // A copy of `s` the ontology owns: in `strings` when it exists (a JSON-LD
  // load), else in `arena`. Empty for an empty `s`.
  std::string_view keep_text(std::string_view s);
  // Appends a node for `id` (which must outlive the ontology) without
  // indexing it: the image decoder's half of intern (keys() indexes later).
  d3fend_node append_node(std::string_view id);
  d3fend_node find_id(std::string_view id) const;
  // by_id / by_key, filled first when deferred (thread-safe); borrow from *this.
  const text_view_map<d3fend_node>& ids() const;
  const text_map<d3fend_node>& keys() const;
  void warn(std::size_t& counter, std::uint32_t offset, std::string message);

  bool is_a(d3fend_node a, d3fend_node b) const noexcept;
  std::string_view relation_name(d3fend_node property) const noexcept;
  // Appends every mapping of one ATT&CK technique class to `out`, sorted.
  void infer(d3fend_node technique, std::vector<d3fend_mapping>& out) const;
  // d3fend_ontology::all_mappings() (thread-safe, kept); borrows from *this.
  const std::vector<d3fend_mapping>& all_mappings() const;
  void sort_mappings(std::vector<d3fend_mapping>::iterator first,
                     std::vector<d3fend_mapping>::iterator last) const;
};

namespace d3fend_detail {
// From this size on, load() uses a second thread (support/helper_thread.hpp):
// storing what is read while reading, sorting names while building. Below it,
// starting a thread, about 40 us, costs more than it saves. The result is the
// same either way.
inline constexpr std::size_t threaded_read_from = std::size_t{1} << 20;
enum class load_threads { by_size, one, two };
// Reads the JSON-LD in `o.text` (padded to `capacity`) into nodes and raw links;
// with a running `helper`, interning happens on it while reading.
void read_jsonld(d3fend_impl& o, std::size_t capacity, helper_thread* helper);
// load(path) and load(name, json) with the threads chosen by the caller (tests, benchmarks, fuzzing).
std::unique_ptr<d3fend_impl> load_file(const std::filesystem::path& path, load_threads threads);
std::unique_ptr<d3fend_impl> load_text(std::string name, std::string_view json, load_threads threads);
// Builds hierarchies, closures, kinds, tactics and indexes from the raw links;
// with a running `helper`, names are sorted on it meanwhile (large ontologies only).
void build(d3fend_impl& o, helper_thread* helper = nullptr);
}  // namespace d3fend_detail

}  // namespace mitrekg
