// ATT&CK techniques joined to D3FEND's countermeasure inference, with the version skew said plainly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mitrekg/d3fend.hpp"
#include "mitrekg/graph.hpp"

namespace mitrekg {

// How the D3FEND release knows an ATT&CK technique.
enum class d3fend_coverage : std::uint8_t {
  listed,        // D3FEND lists the technique under the same id
  via_revoked,   // D3FEND lists only ids that ATT&CK revoked in favour of this technique
  not_listed,    // D3FEND does not list it (e.g. newer than the D3FEND release)
  no_d3fend,     // no D3FEND release was loaded
};
std::string_view to_string(d3fend_coverage c) noexcept;   // "listed", "via-revoked", …

// The countermeasures of one technique, every explanation kept.
// Views borrow from the knowledge_graph.
struct technique_countermeasures {
  std::string attack_id;                   // as asked, upper-cased
  node technique = no_node;                // the ATT&CK object, if the bundles have it
  d3fend_coverage coverage = d3fend_coverage::not_listed;
  std::vector<std::string_view> d3fend_ids;  // the D3FEND ids the rows come from
  std::vector<d3fend_mapping> rows;        // ordered as d3fend_ontology::mappings()
};

// `attack_id` as D3FEND would answer it; when D3FEND does not list it but lists
// ids ATT&CK revoked in favour of it, their rows, with coverage via_revoked.
// Reads `g` only: safe to call concurrently. The result borrows from `g`, so a
// temporary graph is refused at compile time.
technique_countermeasures countermeasures_of(const knowledge_graph& g, std::string_view attack_id);
technique_countermeasures countermeasures_of(knowledge_graph&& g, std::string_view attack_id) = delete;

// The distinct countermeasures among `rows`, in first-seen order.
std::vector<d3fend_node> distinct_countermeasures(const std::vector<d3fend_mapping>& rows);

// Where the ATT&CK bundles and the D3FEND release disagree.
struct skew_entry {
  std::string_view d3fend_attack_id;  // the id as D3FEND states it
  node attack = no_node;              // the ATT&CK object with that id, if any
  node replaced_by = no_node;         // revoked: what ATT&CK says replaced it
};
struct version_skew {
  std::vector<node> not_in_d3fend;          // live ATT&CK techniques D3FEND does not list
  std::vector<skew_entry> revoked;          // D3FEND ids ATT&CK revoked
  std::vector<skew_entry> deprecated;       // D3FEND ids ATT&CK deprecated
  std::vector<skew_entry> not_in_attack;    // D3FEND ids the loaded bundles lack entirely
};
// Empty when no D3FEND release is loaded. `options` limits the ATT&CK domains.
version_skew d3fend_skew(const knowledge_graph& g, const lookup_options& options = {});

}  // namespace mitrekg
