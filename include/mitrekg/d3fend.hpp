// D3FEND: defensive techniques, digital artifacts, tactics, and the countermeasures
// D3FEND infers for ATT&CK techniques (see docs/d3fend-inference.md in the shared docs).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mitrekg {

// The seven D3FEND tactics, in matrix order.
enum class d3fend_tactic : std::uint8_t { model, harden, detect, isolate, deceive, evict, restore };

inline constexpr std::array<d3fend_tactic, 7> all_d3fend_tactics = {
    d3fend_tactic::model,   d3fend_tactic::harden, d3fend_tactic::detect, d3fend_tactic::isolate,
    d3fend_tactic::deceive, d3fend_tactic::evict,  d3fend_tactic::restore};

// "Model", "Harden", … (the class name of the tactic in the ontology).
std::string_view to_string(d3fend_tactic t) noexcept;
// "evict" / "Evict" / "d3f:Evict" -> tactic (case-insensitive); empty when unknown.
std::optional<d3fend_tactic> parse_d3fend_tactic(std::string_view name) noexcept;

// A class (or property, or individual) of the ontology: a handle, dense
// (0 … size()-1 as `d3fend_node{i}`), stable for the lifetime of the
// d3fend_ontology that handed it out. A distinct type: an ATT&CK `node` (or a
// plain integer) passed where a D3FEND node is expected does not compile.
enum class d3fend_node : std::uint32_t {};

// What a node is, decided once loading is complete.
enum class d3fend_kind : std::uint8_t {
  defensive_technique,  // a descendant of d3f:DefensiveTechnique ("d3f:ProcessTermination")
  attack_technique,     // an ATT&CK technique class, carries d3f:attack-id ("d3f:T1562.001")
  attack_mitigation,    // an ATT&CK mitigation individual ("d3f:M1053")
  artifact,             // d3f:DigitalArtifact and its descendants
  tactic,               // one of the seven D3FEND tactics ("d3f:Evict")
  property,             // an owl:ObjectProperty ("d3f:terminates")
  other,                // anything else: external classes, references, blank nodes, …
};

std::string_view to_string(d3fend_kind k) noexcept;  // "defensive-technique", "artifact", …

// One node. Every view borrows from the d3fend_ontology that returned the
// entry (its file buffer or its arena) and stays valid for that object's
// lifetime, moves included; an empty view means "not stated".
struct d3fend_entry {
  d3fend_kind kind = d3fend_kind::other;
  std::string_view id;          // compact IRI as in the file: "d3f:ProcessTermination", "_:N…"
  std::string_view name;        // id without "d3f:": "ProcessTermination" (the TSV's form)
  std::string_view label;       // rdfs:label: "Process Termination"; properties: "may-modify"
  std::string_view definition;  // d3f:definition (first text value when several)
  std::string_view d3fend_id;   // d3f:d3fend-id: "D3-PT"
  std::string_view attack_id;   // d3f:attack-id ("T1562.001"); mitigations: "M1053"
  std::string_view kb_article;  // d3f:kb-article (Markdown)
  std::string_view revoked_by;  // deprecated ATT&CK classes: "T1547.004" (from rdfs:comment)
  // Defensive techniques: the tactic d3f:enables'd by the technique or by its
  // nearest ancestor stating one. Tactic nodes: themselves. Otherwise empty.
  std::optional<d3fend_tactic> tactic;
  bool deprecated = false;      // owl:deprecated true
};

// "subject <relation> some <target>", stated on a class either as an
// owl:Restriction superclass or as a direct property ("d3f:disables": {"@id": …}).
struct d3fend_statement {
  d3fend_node relation;             // the owl:ObjectProperty
  d3fend_node target;               // the class it points to
  std::string_view relation_name;   // the property's rdfs:label, else its local name: "terminates"
};

// A node that states something about an artifact (see d3fend_ontology::offensive_uses).
struct d3fend_use {
  d3fend_node technique;            // ATT&CK technique class or defensive technique
  d3fend_node artifact;             // the artifact class actually named in the statement
  std::string_view relation_name;   // "disables", "terminates", …
};

// One explanation of one (ATT&CK technique, countermeasure) pair: the TSV row
// attack_id, d3fend_technique, tactic, off_artifact, off_relation, def_artifact, def_relation.
// def_artifact is off_artifact itself or one of its ancestors.
struct d3fend_mapping {
  std::string_view attack_id;          // "T1562.001"
  d3fend_node attack_technique;        // the class d3f:T1562.001
  d3fend_node countermeasure;          // the defensive technique, d3f:ProcessTermination
  std::optional<d3fend_tactic> tactic; // the countermeasure's tactic
  d3fend_node off_artifact;            // d3f:OperatingSystemProcess
  std::string_view off_relation;       // "disables"
  d3fend_node def_artifact;            // d3f:Process
  std::string_view def_relation;       // "terminates"
};

// A reference individual named by d3f:kb-reference.
struct d3fend_reference {
  d3fend_node node;
  std::string_view title;          // d3f:kb-reference-title
  std::string_view url;            // d3f:has-link
  std::string_view organization;   // d3f:kb-organization
  std::string_view author;         // d3f:kb-author
};

// A defensive technique in a tactic column, for a matrix view.
struct d3fend_matrix_cell {
  d3fend_node technique;
  std::uint32_t depth;             // 0: the technique that d3f:enables the tactic; 1: its child; …
};

// Problems that did not stop loading. Each kind is counted; `samples` keeps
// the first few messages, one line each: "FILE: line L, column C: MESSAGE".
struct d3fend_report {
  std::size_t nodes = 0;                  // elements of @graph read
  std::size_t malformed_nodes = 0;        // @graph elements without "@id"; skipped
  std::size_t wrong_types = 0;            // text properties of an unexpected JSON type; ignored
  std::size_t dangling_references = 0;    // blank-node superclasses that no node defines
  // Superclass restrictions without a named owl:someValuesFrom (allValuesFrom,
  // cardinalities, unions): valid OWL the inference does not use; not a warning.
  std::size_t unsupported_restrictions = 0;
  std::size_t subclass_cycles = 0;        // strongly connected groups of rdfs:subClassOf; their
                                          // classes are treated as equivalent (no hang, no error)
  std::vector<std::string> samples;

  std::size_t total() const noexcept {
    return malformed_nodes + wrong_types + dangling_references + subclass_cycles;
  }
};

// A loaded D3FEND release: the ontology, its class and property hierarchies,
// and the countermeasure inference. Read-only once loaded; every const member
// may be called concurrently from several threads.
class d3fend_ontology {
public:
  // Reads a D3FEND JSON-LD release (d3fend-<version>.json) in one pass.
  // Throws mitrekg::error:
  //   not_found, io_error, too_large  the file cannot be read;
  //   not_json       empty, truncated or malformed JSON (position when known);
  //   not_a_bundle   valid JSON but not an object with an "@graph" array;
  //   wrong_type     an @graph element that is not an object, or an "@id",
  //                  "@type", rdfs:subClassOf, rdfs:subPropertyOf, owl:inverseOf,
  //                  owl:onProperty or owl:someValuesFrom of the wrong JSON type.
  // Everything else (subclass cycles, dangling blank nodes, …) goes to report().
  static d3fend_ontology load(const std::filesystem::path& file);
  // Same for bytes in memory (tests, fuzzing). The bytes are copied; `name`
  // names them in messages.
  static d3fend_ontology load(std::string name, std::string_view json);

  d3fend_ontology(d3fend_ontology&&) noexcept;
  d3fend_ontology& operator=(d3fend_ontology&&) noexcept;
  ~d3fend_ontology();

  std::size_t size() const noexcept;                 // number of nodes
  const d3fend_entry& operator[](d3fend_node n) const;   // n < size(); borrows from *this
  const std::string& file() const noexcept;          // path or name given to load
  std::string_view version() const noexcept;         // owl:versionInfo ("0.17.0"); empty if none
  const d3fend_report& report() const noexcept;

  // ---- lookups: empty optional when absent -------------------------------
  // By @id ("d3f:ProcessTermination"), by name without the prefix
  // ("ProcessTermination"), by D3FEND id ("D3-PT", case-insensitive) or by
  // ATT&CK id ("T1562.001", "M1053", case-insensitive).
  std::optional<d3fend_node> find(std::string_view key) const;
  // Same, answering only defensive techniques.
  std::optional<d3fend_node> find_technique(std::string_view key) const;
  // The class of an ATT&CK technique or mitigation id ("T1562.001", "M1053").
  std::optional<d3fend_node> find_attack(std::string_view attack_id) const;
  // The node of a tactic ("d3f:Evict"), for its label and definition.
  std::optional<d3fend_node> tactic_node(d3fend_tactic t) const;

  // ---- hierarchy ------------------------------------------------------------
  // Named superclasses, in file order. parent(): the first one.
  std::vector<d3fend_node> parents(d3fend_node n) const;
  std::optional<d3fend_node> parent(d3fend_node n) const;
  // Named direct subclasses, by name.
  std::vector<d3fend_node> children(d3fend_node n) const;
  // Every ancestor (transitive superclasses), nearest first; `n` excluded.
  std::vector<d3fend_node> ancestors(d3fend_node n) const;
  // a == b or a is a (transitive) subclass of b.
  bool is_a(d3fend_node a, d3fend_node b) const noexcept;
  // Properties: rdfs:subPropertyOf targets, transitively, nearest first; owl:inverseOf.
  std::vector<d3fend_node> super_properties(d3fend_node property) const;
  std::optional<d3fend_node> inverse_of(d3fend_node property) const;

  // ---- what a class states ---------------------------------------------------
  // Every object-property statement on `n` itself (both forms, de-duplicated), in file order.
  std::vector<d3fend_statement> statements(d3fend_node n) const;
  // The statements whose target is a digital artifact: for a defensive technique,
  // exactly the defensive artifacts the inference uses.
  std::vector<d3fend_statement> artifacts(d3fend_node n) const;
  // d3f:kb-reference individuals of `n`.
  std::vector<d3fend_reference> references(d3fend_node n) const;

  // ---- listings --------------------------------------------------------------
  // ATT&CK technique classes (deprecated ones included), ordered by ATT&CK id.
  const std::vector<d3fend_node>& attack_techniques() const noexcept;
  // Their ids, same order ("T1001", "T1001.001", …); views borrow from *this.
  std::vector<std::string_view> attack_ids() const;
  // ATT&CK mitigation individuals by M-id, and the D3FEND techniques each is d3f:related to.
  const std::vector<d3fend_node>& attack_mitigations() const noexcept;
  std::vector<d3fend_node> related_techniques(d3fend_node mitigation) const;
  // Every defensive technique, by name.
  const std::vector<d3fend_node>& defensive_techniques() const noexcept;
  // Artifact classes (d3f:DigitalArtifact and descendants), by name.
  const std::vector<d3fend_node>& artifact_classes() const noexcept;
  // The defensive techniques under a tactic, depth-first from the techniques
  // that enable it, siblings by label: a column of the D3FEND matrix.
  std::vector<d3fend_matrix_cell> matrix_column(d3fend_tactic t) const;

  // ---- inference (docs/d3fend-inference.md) -------------------------------------
  // Every explanation of every countermeasure of one ATT&CK technique, ordered by
  // countermeasure name, then off artifact, off relation, def artifact, def relation.
  // Empty when the id is unknown or nothing counters it. Computed on each call.
  std::vector<d3fend_mapping> mappings(std::string_view attack_id) const;
  std::vector<d3fend_mapping> mappings(d3fend_node attack_technique) const;
  // The distinct countermeasures (defensive techniques) of one technique, by name.
  std::vector<d3fend_node> countermeasures(std::string_view attack_id) const;
  std::vector<d3fend_node> countermeasures(d3fend_node attack_technique) const;
  // The reverse: ATT&CK technique classes a defensive technique counters, by ATT&CK id.
  std::vector<d3fend_node> countered_techniques(d3fend_node defensive_technique) const;
  // All mappings of all ATT&CK technique classes, ordered by ATT&CK id, then as
  // mappings(). Built on the first call (thread-safe) and kept; the reference
  // borrows from *this.
  const std::vector<d3fend_mapping>& all_mappings() const;
  // The same rows one at a time, without building them all: row i of
  // all_mappings() (i < mapping_count()). From a snapshot, read where it is
  // stored (nothing kept); otherwise all_mappings() is built first.
  std::size_t mapping_count() const;
  d3fend_mapping mapping(std::size_t i) const;
  // mapping(i).attack_technique alone, without making the row (grouping rows
  // by technique reads only this).
  d3fend_node mapping_technique(std::size_t i) const;

  // For an artifact: the ATT&CK techniques / defensive techniques whose own
  // statements name it (or, with `subclasses`, one of its descendants).
  std::vector<d3fend_use> offensive_uses(d3fend_node artifact, bool subclasses = true) const;
  std::vector<d3fend_use> defensive_uses(d3fend_node artifact, bool subclasses = true) const;

private:
  struct impl;
  friend struct d3fend_access;  // lib/ only (lib/d3fend/d3fend_access.hpp)
  explicit d3fend_ontology(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

// Largest D3FEND file read (bytes); larger ones are refused with errc::too_large.
inline constexpr std::size_t max_d3fend_bytes = std::size_t{1} << 30;

}  // namespace mitrekg
