// The questions users ask of ATT&CK: hierarchy, relations, matrices, search.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mitrekg/graph.hpp"

namespace mitrekg {

// Contracts of every function here:
// - They only read `g`: any number may run at once on one graph, from any
//   threads, with no locking (see knowledge_graph).
// - A returned `node` is a handle (a position) in `g`, not a view: meaningful for that
//   graph only. Returned string_views (detection::log_source, ::channel) borrow
//   from `g`; overloads taking a temporary graph are deleted where a result
//   holds such views.
// - Nothing throws but std::bad_alloc; absence is an empty result.

// Resolving what a user typed (an ATT&CK id, a STIX id or a name).
struct resolution {
  std::vector<node> matches;          // visible objects, best first
  std::vector<node> revoked;          // revoked objects with that id or name
  std::optional<node> replaced_by;    // what replaced the first revoked match
};
resolution resolve(const knowledge_graph& g, std::string_view text,
                   const lookup_options& options = {});
// What replaced a revoked object: revoked-by links followed until an object
// that is not revoked (chains exist). Empty when `n` is not revoked or nothing live replaces it.
std::optional<node> replacement(const knowledge_graph& g, node n, const lookup_options& options = {});

// Tactics of the visible domains, each domain in its matrix's order.
std::vector<node> tactics(const knowledge_graph& g, const lookup_options& options = {});
// A tactic by id ("TA0005") or shortname ("defense-evasion"), in the visible domains.
std::vector<node> find_tactic(const knowledge_graph& g, std::string_view text,
                              const lookup_options& options = {});

struct technique_filter {
  std::vector<node> tactics;              // any of these; empty: all
  std::string platform;                   // case-insensitive platform name; empty: all
  bool subtechniques = true;              // include sub-techniques
};
// Techniques (and sub-techniques) sorted by id.
std::vector<node> techniques(const knowledge_graph& g, const technique_filter& filter,
                             const lookup_options& options = {});

std::vector<node> subtechniques(const knowledge_graph& g, node technique,
                                const lookup_options& options = {});
std::optional<node> parent(const knowledge_graph& g, node subtechnique);
// A technique's tactics; a sub-technique without its own phases inherits its parent's.
std::vector<node> tactics_of(const knowledge_graph& g, node technique);

// Objects related to a technique, sorted by id.
std::vector<node> mitigations_of(const knowledge_graph& g, node technique, const lookup_options& options = {});
std::vector<node> groups_of(const knowledge_graph& g, node technique, const lookup_options& options = {});
std::vector<node> software_of(const knowledge_graph& g, node technique, const lookup_options& options = {});
std::vector<node> campaigns_of(const knowledge_graph& g, node technique, const lookup_options& options = {});
// Techniques a group, software, campaign or mitigation uses / mitigates.
std::vector<node> techniques_of(const knowledge_graph& g, node actor, const lookup_options& options = {});

// How a technique is detected. 18.x: strategy -> analytic -> data component
// (with the log source and channel); ≤17.x: data component detects technique.
struct detection {
  node strategy = no_node;
  node analytic = no_node;
  node data_component = no_node;
  node data_source = no_node;
  std::string_view log_source;
  std::string_view channel;       // 18.x channel, or the ≤17.x relationship description
};
std::vector<detection> detections_of(const knowledge_graph& g, node technique,
                                     const lookup_options& options = {});
std::vector<detection> detections_of(knowledge_graph&& g, node technique, const lookup_options& options = {}) = delete;

// The sizes of mitigations_of, groups_of, software_of, campaigns_of and
// detections_of for one technique, counted from the edges and the objects'
// types without decoding any object or edge text (a warm `show` prints these
// counts; decoding the ~200 objects behind them was a sixth of its time).
struct related_counts {
  std::size_t mitigations = 0, groups = 0, software = 0, campaigns = 0, detections = 0;
};
related_counts count_related(const knowledge_graph& g, node technique, const lookup_options& options = {});

// A terminal matrix: tactics in the matrix's order, techniques under them.
struct matrix_cell {
  node technique;
  std::size_t subtechniques;      // visible sub-techniques on the platform
};
struct matrix_column {
  node tactic;
  std::vector<matrix_cell> cells; // sorted by name, as on the ATT&CK site
};
std::vector<matrix_column> matrix(const knowledge_graph& g, domain d, std::string_view platform = {},
                                  const lookup_options& options = {});

// Platforms named by visible techniques of the given domains, sorted.
std::vector<std::string> platforms(const knowledge_graph& g, const lookup_options& options = {});

// Full-text search over ids, names, aliases and descriptions (case-insensitive,
// every word must occur). Better fields rank first: id, name, alias, description.
// Words are split on spaces; a word repeated (in any case) counts once. The work
// grows with objects × distinct words × field length: bound the words of
// untrusted input (mitre-query allows 64 words of at most 256 bytes).
struct search_hit {
  node object;
  int score;                      // higher is better
  std::string_view field;         // "id", "name", "alias", "description"
};
std::vector<search_hit> search(const knowledge_graph& g, std::string_view text,
                               const lookup_options& options = {});

// Counts of visible objects by kind (techniques exclude sub-techniques).
struct statistics {
  std::size_t tactics = 0, techniques = 0, subtechniques = 0, mitigations = 0, groups = 0,
              software = 0, campaigns = 0, data_sources = 0, data_components = 0,
              detection_strategies = 0, analytics = 0, assets = 0, relationships = 0;
};
statistics stats(const knowledge_graph& g, const lookup_options& options = {});

}  // namespace mitrekg
