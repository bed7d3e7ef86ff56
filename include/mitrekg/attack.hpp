// ATT&CK records: object kinds, relations, domains and the object view.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mitrekg {

// The kinds of ATT&CK objects. STIX type names map to these
// (attack-pattern -> technique, course-of-action -> mitigation, intrusion-set -> group,
// malware and tool -> software).
enum class object_type : std::uint8_t {
  tactic,
  technique,           // techniques and sub-techniques
  mitigation,
  group,
  software,
  campaign,
  data_source,
  data_component,
  detection_strategy,
  analytic,
  asset,
  matrix,
  collection,
  identity,
  marking_definition,
  unknown,             // a STIX type this version does not know; kept, counted
};

// Kind name as used in output ("technique", "group", …).
std::string_view to_string(object_type t) noexcept;
// STIX type name -> kind; unknown names give object_type::unknown.
object_type object_type_from_stix(std::string_view stix_type) noexcept;
// "technique" / "group" / … -> kind.
std::optional<object_type> parse_object_type(std::string_view name) noexcept;

// Edges of the knowledge graph. STIX relationship types plus the links ATT&CK
// states as properties (kill chain phases, matrix tactics, analytic refs, …).
enum class relation : std::uint8_t {
  uses,
  mitigates,
  subtechnique_of,
  detects,
  attributed_to,
  revoked_by,
  targets,
  in_tactic,           // technique -> tactic (kill_chain_phases)
  matrix_tactic,       // matrix -> tactic (tactic_refs, in order)
  has_analytic,        // detection strategy -> analytic (x_mitre_analytic_refs)
  observes,            // analytic -> data component (x_mitre_log_source_references)
  component_of,        // data component -> data source (x_mitre_data_source_ref)
  other,               // any other relationship_type; kept, counted
};

std::string_view to_string(relation r) noexcept;
// "uses", "subtechnique-of", … -> relation (relation::other when unknown).
relation relation_from_stix(std::string_view name) noexcept;

// ATT&CK domains as bits, so an object shared by several domains carries all.
enum class domain : std::uint8_t { enterprise = 1, mobile = 2, ics = 4 };
using domain_set = std::uint8_t;
inline constexpr domain_set all_domains = 7;
inline constexpr domain_set bit(domain d) noexcept { return static_cast<domain_set>(d); }

std::string_view to_string(domain d) noexcept;   // "enterprise", "mobile", "ics"
// "enterprise", "enterprise-attack", "mobile", "ics", … (case-insensitive).
std::optional<domain> parse_domain(std::string_view name) noexcept;

// A kill chain phase as stated on a technique.
struct kill_chain_phase {
  std::string_view kill_chain_name;  // "mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"
  std::string_view phase_name;       // tactic shortname, "defense-evasion"
};

// One ATT&CK object. All views borrow from the knowledge_graph that returned
// the object and stay valid for its lifetime.
struct attack_object {
  object_type type = object_type::unknown;
  std::string_view stix_type;     // "attack-pattern", "malware", …
  std::string_view stix_id;       // "attack-pattern--…"
  std::string_view id;            // ATT&CK id ("T1562.001", "TA0005", "G0016"); empty if none
  std::string_view name;
  std::string_view description;
  std::string_view url;
  std::string_view shortname;     // tactics: "defense-evasion"
  std::string_view modified;      // ISO 8601 timestamp
  std::string_view version;       // x_mitre_version
  std::vector<std::string_view> platforms;
  std::vector<std::string_view> aliases;
  std::vector<kill_chain_phase> kill_chain_phases;
  domain_set domains = 0;
  bool revoked = false;
  bool deprecated = false;
  bool is_subtechnique = false;

  bool live() const noexcept { return !revoked && !deprecated; }
};

}  // namespace mitrekg
