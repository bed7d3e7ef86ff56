// Unit tests of the STIX bundle reader (lib/stix): well-formed input, warnings, and
// every kind of bad input. Inline cases use read_bundle(name, bytes); file cases use
// the tiny fixtures in tests/fixtures.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mitrekg/error.hpp"
#include "stix/bundle_reader.hpp"
#include "support/input_file.hpp"
#include "support/json_text.hpp"
#include "support/record_region.hpp"
#include "support/string_arena.hpp"
#include "support/text.hpp"

namespace fs = std::filesystem;
using mitrekg::errc;
using mitrekg::object_type;
namespace stix = mitrekg::stix;

namespace {

const fs::path fixtures = MITREKG_TEST_FIXTURES;
const fs::path data = MITREKG_TEST_DATA;

// The error read_bundle throws for `bytes`, or nothing when it loads.
std::optional<mitrekg::error> error_of(std::string_view bytes, std::string name = "inline.json") {
  try {
    stix::read_bundle(std::move(name), bytes);
  } catch (const mitrekg::error& e) {
    return e;
  }
  return std::nullopt;
}

std::optional<mitrekg::error> error_of_file(const fs::path& path) {
  try {
    stix::read_bundle(path);
  } catch (const mitrekg::error& e) {
    return e;
  }
  return std::nullopt;
}

bool one_line(std::string_view s) { return s.find('\n') == std::string_view::npos && s.find('\r') == std::string_view::npos; }

// A minimal valid bundle around `objects` (the text between the array's brackets).
std::string bundle_of(std::string_view objects) {
  return "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"spec_version\": \"2.0\", \"objects\": [" +
         std::string(objects) + "]}";
}

constexpr std::string_view tactic_json =
    R"({"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Defense Evasion",
        "x_mitre_shortname": "defense-evasion", "modified": "2025-04-25T14:40:07.627Z",
        "external_references": [{"source_name": "mitre-attack", "external_id": "TA0005",
                                 "url": "https://attack.mitre.org/tactics/TA0005"}]})";

}  // namespace

TEST_CASE("a well-formed object is read with its ATT&CK fields") {
  std::string text = bundle_of(R"(
    {"type": "attack-pattern", "id": "attack-pattern--a", "name": "Disable or Modify Tools",
     "description": "Adversaries may modify and/or disable security tools.",
     "modified": "2025-10-24T17:49:23.000Z", "x_mitre_version": "1.6",
     "x_mitre_is_subtechnique": true, "x_mitre_platforms": ["Linux", "Windows"],
     "x_mitre_domains": ["enterprise-attack"],
     "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "defense-evasion"}],
     "external_references": [
       {"source_name": "some-paper", "external_id": "X1", "url": "https://example.org"},
       {"source_name": "mitre-attack", "external_id": "T1562.001",
        "url": "https://attack.mitre.org/techniques/T1562/001"}]},
    )" + std::string(tactic_json));
  auto b = stix::read_bundle("inline.json", text);
  CHECK(b.path == "inline.json");
  CHECK(b.spec_version == "2.0");
  CHECK(b.object_count == 2);
  REQUIRE(b.objects.size() == 2);
  const auto& t = b.objects[0].object;
  CHECK(t.type == object_type::technique);
  CHECK(t.stix_type == "attack-pattern");
  CHECK(t.stix_id == "attack-pattern--a");
  // The id comes from the mitre-* reference, not the first one.
  CHECK(t.id == "T1562.001");
  CHECK(t.url == "https://attack.mitre.org/techniques/T1562/001");
  CHECK(t.name == "Disable or Modify Tools");
  CHECK(t.description == "Adversaries may modify and/or disable security tools.");
  CHECK(t.modified == "2025-10-24T17:49:23.000Z");
  CHECK(t.version == "1.6");
  CHECK(t.is_subtechnique);
  CHECK(t.live());
  CHECK(t.domains == mitrekg::bit(mitrekg::domain::enterprise));
  REQUIRE(t.platforms.size() == 2);
  CHECK(t.platforms[0] == "Linux");
  CHECK(t.platforms[1] == "Windows");
  REQUIRE(t.kill_chain_phases.size() == 1);
  CHECK(t.kill_chain_phases[0].kill_chain_name == "mitre-attack");
  CHECK(t.kill_chain_phases[0].phase_name == "defense-evasion");
  const auto& tac = b.objects[1].object;
  CHECK(tac.type == object_type::tactic);
  CHECK(tac.id == "TA0005");
  CHECK(tac.shortname == "defense-evasion");
  CHECK(b.unknown_types == 0);
  CHECK(b.unknown_properties == 0);
  CHECK(b.malformed_objects == 0);
  CHECK(b.samples.empty());
}

TEST_CASE("relationships are read apart from objects, with their flags") {
  auto b = stix::read_bundle("inline.json", bundle_of(R"(
    {"type": "relationship", "id": "relationship--1", "relationship_type": "mitigates",
     "source_ref": "course-of-action--m", "target_ref": "attack-pattern--t",
     "description": "Restrict permissions.", "x_mitre_deprecated": true},
    {"type": "relationship", "id": "relationship--2", "relationship_type": "revoked-by",
     "source_ref": "attack-pattern--old", "target_ref": "attack-pattern--t", "revoked": true})"));
  CHECK(b.objects.empty());
  CHECK(b.object_count == 2);
  REQUIRE(b.relationships.size() == 2);
  CHECK(b.relationships[0].stix_id == "relationship--1");
  CHECK(b.relationships[0].type == "mitigates");
  CHECK(b.relationships[0].source_ref == "course-of-action--m");
  CHECK(b.relationships[0].target_ref == "attack-pattern--t");
  CHECK(b.relationships[0].description == "Restrict permissions.");
  CHECK(b.relationships[0].deprecated);
  CHECK_FALSE(b.relationships[0].revoked);
  CHECK(b.relationships[1].revoked);
  CHECK_FALSE(b.relationships[1].deprecated);
}

TEST_CASE("a reference to an object read earlier carries its position and shares its id; others are copies") {
  const std::string text = bundle_of(R"(
    {"type": "attack-pattern", "id": "attack-pattern--t", "modified": "2025-01-01T00:00:00.000Z"},
    {"type": "course-of-action", "id": "course-of-action--m"},
    {"type": "attack-pattern", "id": "attack-pattern--t"},
    {"type": "relationship", "id": "relationship--1", "relationship_type": "mitigates",
     "source_ref": "course-of-action--m", "target_ref": "attack-pattern--t", "modified": "2025-02-02T00:00:00.000Z"},
    {"type": "relationship", "id": "relationship--2", "relationship_type": "uses",
     "source_ref": "intrusion-set--later", "target_ref": "attack-pattern--\u0074"},
    {"type": "intrusion-set", "id": "intrusion-set--later"},
    {"type": "relationship", "id": "relationship--3", "relationship_type": "mitigates",
     "source_ref": "intrusion-set--later", "target_ref": "course-of-action--m"})");
  auto b = stix::read_bundle("inline.json", text);
  REQUIRE(b.objects.size() == 4);
  REQUIRE(b.relationships.size() == 3);
  const auto& r1 = b.relationships[0];
  CHECK(r1.source_object == 1);
  CHECK(r1.target_object == 0);   // the first object with that id, not the repeat at 2
  CHECK(r1.source_ref == "course-of-action--m");
  CHECK(r1.source_ref.data() == b.objects[1].object.stix_id.data());   // stored once
  CHECK(r1.target_ref.data() == b.objects[0].object.stix_id.data());
  // A forward reference, and one with an escape, are copies without a position.
  const auto& r2 = b.relationships[1];
  CHECK(r2.source_object == stix::raw_relationship::no_object);
  CHECK(r2.source_ref == "intrusion-set--later");
  CHECK(r2.target_object == stix::raw_relationship::no_object);
  CHECK(r2.target_ref == "attack-pattern--t");
  CHECK(b.relationships[2].source_object == 3);
  CHECK(b.relationships[2].target_object == 1);
  // A type read again shares the first copy.
  CHECK(b.relationships[2].type.data() == r1.type.data());
  CHECK(b.objects[2].object.stix_type.data() == b.objects[0].object.stix_type.data());
  CHECK(b.objects[0].object.modified == "2025-01-01T00:00:00.000Z");
  CHECK(b.objects[1].object.modified.empty());
  // Kept bytes: each distinct type once, the ids, one modified (a relationship's is not kept),
  // the two copied references.
  const std::size_t expected = std::string_view("attack-pattern" "course-of-action" "relationship" "intrusion-set").size() +
                               std::string_view("attack-pattern--t" "course-of-action--m" "attack-pattern--t").size() +
                               std::string_view("2025-01-01T00:00:00.000Z").size() +
                               std::string_view("mitigates" "uses").size() +
                               std::string_view("relationship--1" "relationship--2" "relationship--3").size() +
                               std::string_view("intrusion-set--later" "attack-pattern--t").size() +
                               std::string_view("intrusion-set--later").size();
  CHECK(b.strings->used() == expected);
}

TEST_CASE("a record_sink gets every record in file order, as the lists would hold them, and no record is kept") {
  const std::string text = bundle_of(R"(
    {"type": "attack-pattern", "id": "attack-pattern--t", "name": "T"},
    {"type": "course-of-action", "id": "course-of-action--m", "name": "M"},
    {"type": "relationship", "id": "relationship--1", "relationship_type": "mitigates",
     "source_ref": "course-of-action--m", "target_ref": "attack-pattern--t"},
    {"type": "malware"},
    {"type": "relationship", "id": "relationship--2", "relationship_type": "uses",
     "source_ref": "intrusion-set--later", "target_ref": "attack-pattern--t"},
    {"type": "intrusion-set", "id": "intrusion-set--later", "name": "Later"})");
  struct collect final : stix::record_sink {
    std::vector<std::string> calls;
    std::vector<stix::raw_relationship> relationships;
    void object(stix::raw_object& r) override {
      calls.push_back("o " + std::string(r.object.stix_id));
      r.object.name = {};   // the callee may move from (or change) what it is given
    }
    void relationship(stix::raw_relationship& r) override {
      calls.push_back("r " + std::string(r.stix_id));
      relationships.push_back(r);
    }
  } sink;
  const stix::bundle streamed = stix::read_bundle("inline.json", text, sink);
  CHECK(sink.calls == std::vector<std::string>{"o attack-pattern--t", "o course-of-action--m", "r relationship--1",
                                               "r relationship--2", "o intrusion-set--later"});
  // Nothing kept in the bundle's lists, no record memory mapped; the rest as usual.
  CHECK(streamed.objects.empty());
  CHECK(streamed.relationships.empty());
  CHECK(streamed.object_records == nullptr);
  CHECK(streamed.relationship_records == nullptr);
  CHECK(streamed.object_count == 6);
  CHECK(streamed.malformed_objects == 1);
  // Positions as the lists would number them (the malformed object takes none).
  const stix::bundle listed = stix::read_bundle("inline.json", text);
  REQUIRE(listed.relationships.size() == 2);
  REQUIRE(sink.relationships.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(sink.relationships[i].source_object == listed.relationships[i].source_object);
    CHECK(sink.relationships[i].target_object == listed.relationships[i].target_object);
    CHECK(sink.relationships[i].source_ref == listed.relationships[i].source_ref);
  }
  CHECK(sink.relationships[0].source_object == 1);
  CHECK(sink.relationships[0].target_object == 0);
  CHECK(sink.relationships[1].source_object == stix::raw_relationship::no_object);
}

TEST_CASE("a relationship without its refs is malformed and skipped") {
  auto b = stix::read_bundle("inline.json", bundle_of(R"(
    {"type": "relationship", "id": "relationship--1", "relationship_type": "uses",
     "source_ref": "intrusion-set--g"})"));
  CHECK(b.relationships.empty());
  CHECK(b.malformed_objects == 1);
}

TEST_CASE("aliases drop the object's own name; x_mitre_aliases count too") {
  auto b = stix::read_bundle("inline.json", bundle_of(R"(
    {"type": "intrusion-set", "id": "intrusion-set--g", "name": "APT29",
     "aliases": ["APT29", "Cozy Bear", "NOBELIUM"]},
    {"type": "malware", "id": "malware--s", "name": "CozyCar", "x_mitre_aliases": ["CozyCar", "CozyDuke"]})"));
  REQUIRE(b.objects.size() == 2);
  const auto& g = b.objects[0].object;
  CHECK(g.type == object_type::group);
  REQUIRE(g.aliases.size() == 2);
  CHECK(g.aliases[0] == "Cozy Bear");
  CHECK(g.aliases[1] == "NOBELIUM");
  const auto& s = b.objects[1].object;
  CHECK(s.type == object_type::software);
  REQUIRE(s.aliases.size() == 1);
  CHECK(s.aliases[0] == "CozyDuke");
}

TEST_CASE("property refs: matrix tactics, analytic refs, log sources, data source ref") {
  auto b = stix::read_bundle("inline.json", bundle_of(R"(
    {"type": "x-mitre-matrix", "id": "x-mitre-matrix--m", "name": "Enterprise ATT&CK",
     "tactic_refs": ["x-mitre-tactic--1", "x-mitre-tactic--2"]},
    {"type": "x-mitre-detection-strategy", "id": "x-mitre-detection-strategy--d", "name": "D",
     "x_mitre_analytic_refs": ["x-mitre-analytic--a"]},
    {"type": "x-mitre-analytic", "id": "x-mitre-analytic--a", "name": "A",
     "x_mitre_log_source_references": [
       {"x_mitre_data_component_ref": "x-mitre-data-component--c", "name": "auditd:SYSCALL",
        "channel": "execve"}]},
    {"type": "x-mitre-data-component", "id": "x-mitre-data-component--c", "name": "Process Creation",
     "x_mitre_data_source_ref": "x-mitre-data-source--s"})"));
  REQUIRE(b.objects.size() == 4);
  CHECK(b.objects[0].object.type == object_type::matrix);
  REQUIRE(b.objects[0].refs.size() == 2);
  CHECK(b.objects[0].refs[1] == "x-mitre-tactic--2");
  CHECK(b.objects[1].object.type == object_type::detection_strategy);
  REQUIRE(b.objects[1].refs.size() == 1);
  CHECK(b.objects[1].refs[0] == "x-mitre-analytic--a");
  REQUIRE(b.objects[2].log_sources.size() == 1);
  CHECK(b.objects[2].log_sources[0].data_component_ref == "x-mitre-data-component--c");
  CHECK(b.objects[2].log_sources[0].name == "auditd:SYSCALL");
  CHECK(b.objects[2].log_sources[0].channel == "execve");
  CHECK(b.objects[3].data_source_ref == "x-mitre-data-source--s");
}

TEST_CASE("strings with escapes are decoded; every kept string is a copy the bundle owns, none a view into the input") {
  const std::string text = bundle_of(
      R"({"type": "malware", "id": "malware--e", "name": "Caf\u00e9 \"Bear\"\\x",
          "description": "plain text"})");
  auto b = stix::read_bundle("inline.json", text);
  REQUIRE(b.objects.size() == 1);
  CHECK(b.objects[0].object.name == "Caf\xc3\xa9 \"Bear\"\\x");
  std::string_view d = b.objects[0].object.description;
  CHECK(d == "plain text");
  const auto outside = [&](std::string_view v) {
    return v.data() + v.size() <= text.data() || v.data() >= text.data() + text.size();
  };
  CHECK(outside(d));
  CHECK(outside(b.objects[0].object.stix_id));
  CHECK(outside(b.objects[0].object.stix_type));
  // type, id, name (decoded) and description, nothing else.
  CHECK(b.objects[0].object.name.size() == 14);
  CHECK(b.strings->used() == std::string_view("malware").size() + std::string_view("malware--e").size() + 14 +
                                 d.size());
  CHECK(b.bytes == text.size());
}

TEST_CASE("keys are read as written and decoded only when they hold escapes; whitespace around the colon is allowed") {
  // The reader finds a key's end back from its value (json_raw_key) and looks
  // names up as written first: an escape that spells a name must still count
  // as that name, whitespace may stand on both sides of the colon, and a key
  // that holds an escaped quote ends at its real closing quote.
  const std::string text = bundle_of(
      "{\"ty\\u0070e\" :\n \"attack-pattern\",\t\"id\"\r\n:\"attack-pattern--k\", \"n\\u0061me\"  :  \"Named\",\n"
      " \"external_references\": [{\"source\\u005fname\": \"mitre-attack\", \"external_id\" : \"T9999\",\n"
      "   \"url\":\"https://x\", \"de\\\"sc\": \"skipped\"}],\n"
      " \"kill_chain_phases\": [{\"kill_chain_name\": \"mitre-attack\", \"phase\\u005fname\" : \"execution\"}],\n"
      " \"\": 1, \"x_\\\"odd\\\"\": 2}");
  auto b = stix::read_bundle("keys.json", text);
  REQUIRE(b.objects.size() == 1);
  const auto& o = b.objects[0].object;
  CHECK(o.stix_type == "attack-pattern");
  CHECK(o.type == object_type::technique);
  CHECK(o.stix_id == "attack-pattern--k");
  CHECK(o.name == "Named");
  CHECK(o.id == "T9999");
  CHECK(o.url == "https://x");
  REQUIRE(o.kill_chain_phases.size() == 1);
  CHECK(o.kill_chain_phases[0].phase_name == "execution");
  // The empty key and x_"odd" are unknown properties, named decoded in the warnings.
  CHECK(b.unknown_properties == 2);
  CHECK(b.malformed_objects == 0);
  REQUIRE(b.samples.size() == 2);
  CHECK(b.samples[0].find("unknown property \"\"") != std::string::npos);
  CHECK(b.samples[1].find("unknown property \"x_\"odd\"\"") != std::string::npos);
  // A bad escape in a key is invalid JSON, in an object's own keys and in a reference's.
  const std::string obj = R"({"type": "malware", "id": "malware--1", )";
  for (const std::string& bad : {bundle_of(obj + R"("na\qme": "m"})"),
                                 bundle_of(obj + R"("external_references": [{"ur\ql": "u"}]})")}) {
    CAPTURE(bad);
    auto e = error_of(bad, "badkey.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
    CHECK(one_line(e->what()));
  }
}

TEST_CASE("every property ATT&CK bundles carry and the reader does not keep is known, not counted as unknown") {
  // The contract of ignored_properties: these are skipped (checked as JSON) without a warning.
  const std::vector<std::string> ignored = {
      "created", "created_by_ref", "object_marking_refs", "x_mitre_modified_by_ref", "x_mitre_attack_spec_version",
      "x_mitre_contributors", "x_mitre_detection", "x_mitre_impact_type", "x_mitre_remote_support", "labels",
      "definition", "definition_type", "identity_class", "first_seen", "last_seen", "x_mitre_first_seen_citation",
      "x_mitre_last_seen_citation", "x_mitre_mutable_elements", "x_mitre_collection_layers", "x_mitre_log_sources",
      "x_mitre_sectors", "x_mitre_related_assets", "spec_version", "x_mitre_permissions_required",
      "x_mitre_system_requirements", "x_mitre_effective_permissions", "x_mitre_defense_bypassed",
      "x_mitre_data_sources", "x_mitre_network_requirements", "x_mitre_tactic_type", "x_mitre_old_attack_id",
      "x_mitre_contents", "x_mitre_platforms_description", "lang", "granular_markings", "confidence",
      "external_id", "x_mitre_tactic_refs", "x_mitre_data_component_refs", "is_family", "roles", "sectors",
      "contact_information", "start_time", "stop_time", "objective", "x_mitre_detection_strategy_refs"};
  REQUIRE(ignored.size() == 47);
  std::string fields = R"("type": "attack-pattern", "id": "attack-pattern--1", "name": "N")";
  for (const auto& k : ignored) fields += ", \"" + k + "\": null";
  stix::bundle b = stix::read_bundle("ignored.json", bundle_of("{" + fields + "}"));
  REQUIRE(b.objects.size() == 1);
  CHECK(b.unknown_properties == 0);
  CHECK(b.malformed_objects == 0);
  CHECK(b.objects[0].object.name == "N");
}

TEST_CASE("a key is a known property only when every byte matches: near misses are unknown") {
  // Each near miss keeps a name's length and the bytes the property table
  // hashes (first, middle, last two), so it lands on that name's slot and only
  // the comparison tells them apart; lengths 4 to 29 take each of its widths.
  const std::vector<std::string> near = {"tzpe", "nXme", "modifXed", "deXcription", "x_mXtre_aliases",
                                         "x_mitre_is_subtXchnique", "x_mitre_log_Xource_references"};
  std::string fields = R"("type": "attack-pattern", "id": "attack-pattern--1", "name": "N", "modified": "M",
      "description": "D", "x_mitre_aliases": ["A"], "x_mitre_is_subtechnique": true,
      "x_mitre_log_source_references": [])";
  for (const auto& k : near) fields += ", \"" + k + "\": \"v\"";
  stix::bundle b = stix::read_bundle("near.json", bundle_of("{" + fields + "}"));
  REQUIRE(b.objects.size() == 1);
  CHECK(b.unknown_properties == near.size());
  const auto& o = b.objects[0].object;
  CHECK(o.stix_id == "attack-pattern--1");
  CHECK(o.name == "N");
  CHECK(o.modified == "M");
  CHECK(o.description == "D");
  CHECK(o.aliases == std::vector<std::string_view>{"A"});
  CHECK(o.is_subtechnique);
}

TEST_CASE("a wrong-typed property skips that object, counts it, and reading goes on") {
  std::string text = bundle_of(R"({"type": "malware", "id": "malware--bad", "name": 5},
    {"type": "malware", "id": "malware--bad2", "x_mitre_platforms": "Windows"},
    {"type": "malware", "id": "malware--bad3", "revoked": "yes"},
    {"type": "malware", "id": "malware--good", "name": "Good"})");
  auto b = stix::read_bundle("wrong-type.json", text);
  CHECK(b.malformed_objects == 3);
  CHECK(b.object_count == 4);
  REQUIRE(b.objects.size() == 1);
  CHECK(b.objects[0].object.name == "Good");
  REQUIRE(b.samples.size() == 3);
  for (const auto& s : b.samples) {
    CHECK(one_line(s));
    CHECK(s.find("wrong-type.json") == 0);
    CHECK(s.find(": line ") != std::string::npos);
    CHECK(s.find(", column ") != std::string::npos);
  }
  CHECK(b.samples[0].find("\"name\"") != std::string::npos);
  // The position is that of the wrong value: the 5 of "name": 5 (1-based column).
  auto col = text.find("5}") + 1;
  CHECK(b.samples[0].find("line 1, column " + std::to_string(col)) != std::string::npos);
}

TEST_CASE("objects without type or id, and non-object elements, are malformed") {
  auto b = stix::read_bundle("inline.json", bundle_of(R"({"type": "malware", "name": "no id"},
    {"id": "malware--x", "name": "no type"}, 42, "text", null, [1],
    {"type": "malware", "id": "malware--ok", "name": "ok"})"));
  CHECK(b.object_count == 7);
  CHECK(b.malformed_objects == 6);
  REQUIRE(b.objects.size() == 1);
  CHECK(b.objects[0].object.stix_id == "malware--ok");
}

TEST_CASE("unknown object types are kept as unknown and counted; unknown properties counted") {
  auto b = stix::read_bundle("inline.json", bundle_of(R"(
    {"type": "x-acme-widget", "id": "x-acme-widget--1", "name": "Widget"},
    {"type": "malware", "id": "malware--1", "name": "M", "x_acme_color": {"deep": [1, 2, {"x": null}]},
     "x_acme_size": 3, "created": "2020-01-01T00:00:00Z"})"));
  CHECK(b.unknown_types == 1);
  CHECK(b.unknown_properties == 2);   // "created" is a known, ignored property
  CHECK(b.malformed_objects == 0);
  REQUIRE(b.objects.size() == 2);
  CHECK(b.objects[0].object.type == object_type::unknown);
  CHECK(b.objects[0].object.stix_type == "x-acme-widget");
  CHECK(b.objects[1].object.name == "M");
  REQUIRE(b.samples.size() == 3);
  CHECK(b.samples[0].find("x-acme-widget") != std::string::npos);
  CHECK(b.samples[1].find("x_acme_color") != std::string::npos);
  CHECK(b.samples[2].find("x_acme_size") != std::string::npos);
}

TEST_CASE("warning samples are capped but every warning is counted") {
  std::string objects;
  for (int i = 0; i < 50; ++i) {
    if (i) objects += ",";
    objects += R"({"type": "malware", "id": "malware--)" + std::to_string(i) + R"(", "name": "n", "x_unknown": 1})";
  }
  auto b = stix::read_bundle("inline.json", bundle_of(objects));
  CHECK(b.unknown_properties == 50);
  CHECK(b.objects.size() == 50);
  CHECK(b.samples.size() < 50);
  CHECK_FALSE(b.samples.empty());
}

TEST_CASE("a STIX 2.1 bundle (no bundle spec_version, objects carry one) loads") {
  auto b = stix::read_bundle("stix21.json", R"({"type": "bundle", "id": "bundle--2",
    "objects": [{"type": "x-mitre-tactic", "spec_version": "2.1", "id": "x-mitre-tactic--1",
                 "name": "Execution", "x_mitre_shortname": "execution",
                 "external_references": [{"source_name": "mitre-attack", "external_id": "TA0002"}]}]})");
  CHECK(b.spec_version.empty());
  REQUIRE(b.objects.size() == 1);
  CHECK(b.objects[0].object.id == "TA0002");
  CHECK(b.unknown_properties == 0);
  CHECK(b.malformed_objects == 0);

  auto f = stix::read_bundle(fixtures / "stix21-bundle.json");
  CHECK(f.spec_version.empty());
  CHECK(f.objects.size() == 4);
  CHECK(f.relationships.size() == 1);
  CHECK(f.unknown_properties == 0);
  CHECK(f.malformed_objects == 0);
}

TEST_CASE("the bundle's type and spec_version are read as written, or decoded when they hold escapes") {
  // Unescaped, they are read in place (the parser's string buffer stays untouched); escaped, decoded.
  auto plain = stix::read_bundle("plain.json", R"({"type": "bundle", "spec_version": "2.0", "objects": []})");
  CHECK(plain.spec_version == "2.0");
  auto escaped = stix::read_bundle("esc.json", R"({"type": "bun\u0064le", "spec_version": "2.\u0030", "objects": []})");
  CHECK(escaped.spec_version == "2.0");
  // A spec_version that is not a string is checked and left out; a type that is not one is named.
  auto number = stix::read_bundle("num.json", R"({"type": "bundle", "spec_version": 2.0, "objects": []})");
  CHECK(number.spec_version.empty());
  auto e = error_of(R"({"type": ["bundle"], "objects": []})", "typed.json");
  REQUIRE(e);
  CHECK(e->code() == errc::not_a_bundle);
  CHECK(std::string_view(e->what()).find("(not a string)") != std::string_view::npos);
  // A broken escape in either is invalid JSON at that string.
  for (const std::string& json : {std::string(R"({"type": "b\qe", "objects": []})"),
                                 std::string(R"({"type": "bundle", "spec_version": "2\q", "objects": []})")}) {
    CAPTURE(json);
    auto bad = error_of(json, "escape.json");
    REQUIRE(bad);
    CHECK(bad->code() == errc::not_json);
    CHECK(bad->position() == mitrekg::line_column(json, json.rfind('"', json.find('\\'))));   // the string's quote
  }
}

TEST_CASE("an empty bundle is valid") {
  auto b = stix::read_bundle("inline.json", R"({"type": "bundle", "id": "bundle--0", "objects": []})");
  CHECK(b.objects.empty());
  CHECK(b.relationships.empty());
  CHECK(b.object_count == 0);
}

// --- bad input: whole-file errors -------------------------------------------------

TEST_CASE("a missing file is not_found and the message names it") {
  auto path = fixtures / "no-such-file.json";
  auto e = error_of_file(path);
  REQUIRE(e);
  CHECK(e->code() == errc::not_found);
  CHECK(e->file() == path.string());
  CHECK(std::string_view(e->what()).find(path.string()) != std::string_view::npos);
  CHECK(one_line(e->what()));
}

TEST_CASE("a directory is an io_error") {
  auto e = error_of_file(fixtures);
  REQUIRE(e);
  CHECK(e->code() == errc::io_error);
  CHECK(std::string_view(e->what()).find(fixtures.string()) != std::string_view::npos);
  CHECK(one_line(e->what()));
}

// map_input_file (both readers' and the benchmark floor's): the file's bytes, then at
// least `padding` zero bytes, whatever the size's remainder by the page size;
// simdjson parses it in place; non-files refused.
TEST_CASE("a mapped input is the file followed by readable zero padding") {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t sizes[] = {0, 1, page - 10, page, 2 * page - 64, 2 * page - 63, 3 * page};
  REQUIRE(std::size(sizes) == 7);
  for (std::size_t size : sizes) {
    auto path = std::filesystem::temp_directory_path() / ("mitrekg-map-" + std::to_string(::getpid()) + ".json");
    std::string text = "[" + std::string(size > 2 ? size - 2 : 0, ' ') + "]";
    text.resize(size, ' ');
    std::ofstream(path, std::ios::binary) << text;
    {
      auto m = mitrekg::map_input_file(path, "a test file", std::size_t{1} << 30, simdjson::SIMDJSON_PADDING);
      std::filesystem::remove(path);   // the mapping keeps the pages
      REQUIRE(m.size() == size);
      CHECK(m.capacity() >= size + simdjson::SIMDJSON_PADDING);
      CHECK(m.capacity() % page == 0);
      CHECK(std::string_view(m.data(), m.size()) == text);
      bool zeros = true;
      for (std::size_t i = m.size(); i < m.capacity(); ++i) zeros = zeros && m.data()[i] == 0;
      CHECK(zeros);
      if (size >= 2) {
        simdjson::ondemand::parser parser;
        simdjson::ondemand::document doc = parser.iterate(simdjson::padded_string_view(m.data(), m.size(), m.capacity()));
        simdjson::ondemand::array array = doc.get_array();
        CHECK(array.count_elements().value() == 0);
      }
    }
  }
  try {
    (void)mitrekg::map_input_file(fixtures, "a test file", 1 << 30, 64);
    FAIL("a directory was mapped");
  } catch (const mitrekg::error& e) {
    CHECK(e.code() == errc::io_error);
    CHECK(one_line(e.what()));
  }
  try {
    (void)mitrekg::map_input_file(fixtures / "no-such-file.json", "a test file", 1 << 30, 64);
    FAIL("a missing file was mapped");
  } catch (const mitrekg::error& e) {
    CHECK(e.code() == errc::not_found);
  }
}

TEST_CASE("empty and blank input is not_json") {
  for (std::string_view text : {std::string_view{}, std::string_view{"  \n\t\r\n"}}) {
    auto e = error_of(text, "empty.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
    CHECK(std::string_view(e->what()).find("empty.json") == 0);
    CHECK(one_line(e->what()));
  }
  auto f = error_of_file(fixtures / "empty.json");
  REQUIRE(f);
  CHECK(f->code() == errc::not_json);
  CHECK(std::string_view(f->what()).find("empty.json") != std::string_view::npos);
}

TEST_CASE("truncated JSON is not_json") {
  std::string full = bundle_of(tactic_json);
  // Cut the text at many places: every prefix must fail cleanly with not_json.
  for (std::size_t cut : {std::size_t{1}, std::size_t{10}, full.size() / 3, full.size() / 2, full.size() - 2,
                          full.size() - 1}) {
    CAPTURE(cut);
    auto e = error_of(std::string_view(full).substr(0, cut), "cut.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
    CHECK(std::string_view(e->what()).find("cut.json") == 0);
    CHECK(one_line(e->what()));
  }
  // A bundle that ends before its closing brace: the position is the end of the text.
  std::string_view open_bundle = R"({"type": "bundle", "objects": [])";
  auto u = error_of(open_bundle, "unclosed.json");
  REQUIRE(u);
  CHECK(u->code() == errc::not_json);
  CHECK(u->position() == "line 1, column " + std::to_string(open_bundle.size() + 1));

  auto f = error_of_file(fixtures / "truncated.json");
  REQUIRE(f);
  CHECK(f->code() == errc::not_json);
  CHECK(one_line(f->what()));
  CHECK(std::string_view(f->what()).find("truncated.json") != std::string_view::npos);
}

TEST_CASE("text that is not JSON is not_json") {
  for (std::string_view text : {"hello, world\n", "<html><body>404</body></html>", "{type: bundle}",
                                "{\"type\": \"bundle\", \"objects\": [}", "{\"type\": \"bundle\" \"objects\": []}",
                                "\xff\xfe{}"}) {
    CAPTURE(text);
    auto e = error_of(text, "text.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
    CHECK(std::string_view(e->what()).find("text.json") == 0);
    CHECK(one_line(e->what()));
  }
  auto f = error_of_file(fixtures / "not-json.txt");
  REQUIRE(f);
  CHECK(f->code() == errc::not_json);
}

TEST_CASE("valid JSON that is not a bundle object is not_a_bundle") {
  for (std::string_view text : {"[]", "[{\"type\": \"bundle\", \"objects\": []}]", "42", "\"bundle\"", "null"}) {
    CAPTURE(text);
    auto e = error_of(text, "array.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_a_bundle);
    CHECK(std::string_view(e->what()).find("array.json") == 0);
    CHECK(one_line(e->what()));
  }
  auto f = error_of_file(fixtures / "array.json");
  REQUIRE(f);
  CHECK(f->code() == errc::not_a_bundle);
}

TEST_CASE("an object that is not a bundle is not_a_bundle") {
  for (std::string_view text : {"{}", R"({"type": "indicator", "objects": []})",
                                R"({"type": 7, "objects": []})", R"({"objects": []})",
                                R"({"type": "bundle", "id": "bundle--1"})"}) {
    CAPTURE(text);
    auto e = error_of(text, "object.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_a_bundle);
    CHECK(one_line(e->what()));
  }
  auto f = error_of_file(fixtures / "not-a-bundle.json");
  REQUIRE(f);
  CHECK(f->code() == errc::not_a_bundle);
  CHECK(std::string_view(f->what()).find("not-a-bundle.json") != std::string_view::npos);
  CHECK(std::string_view(f->what()).find("indicator") != std::string_view::npos);
}

TEST_CASE("\"objects\" that is not an array is not_a_bundle, with its line and column") {
  auto e = error_of("{\"type\": \"bundle\",\n  \"objects\": {\"a\": 1}}", "objects.json");
  REQUIRE(e);
  CHECK(e->code() == errc::not_a_bundle);
  // The value starts on line 2 after `  "objects": ` (13 characters): column 14.
  CHECK(e->position() == "line 2, column 14");
  CHECK(std::string_view(e->what()) == "objects.json: line 2, column 14: \"objects\" is not an array");

  auto f = error_of_file(fixtures / "objects-not-array.json");
  REQUIRE(f);
  CHECK(f->code() == errc::not_a_bundle);
  CHECK(f->position().find("line ") == 0);
}

TEST_CASE("trailing garbage after the bundle is an error with its position") {
  auto e = error_of("{\"type\": \"bundle\", \"objects\": []}\n  garbage", "trailing.json");
  REQUIRE(e);
  CHECK(e->code() == errc::not_json);
  CHECK(e->position() == "line 2, column 3");
  CHECK(one_line(e->what()));

  auto two = error_of("{\"type\": \"bundle\", \"objects\": []}{\"type\": \"bundle\", \"objects\": []}", "two.json");
  REQUIRE(two);
  CHECK(two->code() == errc::not_json);

  auto f = error_of_file(fixtures / "trailing-garbage.json");
  REQUIRE(f);
  CHECK(f->code() == errc::not_json);
  CHECK(std::string_view(f->what()).find("trailing-garbage.json") != std::string_view::npos);
  CHECK(f->position().find("line ") == 0);
  // Whitespace after the bundle is fine.
  CHECK_FALSE(error_of("{\"type\": \"bundle\", \"objects\": []}\n\n  \t\n"));
}

TEST_CASE("deeply nested arrays give an error, not a crash") {
  const std::size_t depth = 100000;
  std::string open(depth, '[');
  std::string close(depth, ']');
  SUBCASE("unclosed at the top") {
    auto e = error_of(open, "deep.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
    CHECK(one_line(e->what()));
  }
  SUBCASE("closed at the top") {
    // Valid apart from its depth, which is beyond simdjson's limit (1024).
    auto e = error_of(open + close, "deep.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
  }
  SUBCASE("unclosed inside an object's property") {
    auto e = error_of(bundle_of(R"({"type": "malware", "id": "malware--d", "x_deep": )" + open + "}"), "deep.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
    CHECK(one_line(e->what()));
  }
  // Balanced deep values where the reader skips or refuses them: every value is
  // checked (validate_json), and nesting beyond max_json_depth (1024) is an error
  // at the place it goes too deep, wherever it is.
  auto too_deep = [&](const std::string& json) {
    auto e = error_of(json, "deep.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
    CHECK(one_line(e->what()));
    CHECK(std::string_view(e->what()).find("too deep") != std::string_view::npos);
    return e->position();
  };
  // bundle_of's prefix puts the objects array on line 1; the value starts after the key.
  SUBCASE("closed inside an unknown property") {
    std::string json = bundle_of(R"({"type": "malware", "id": "malware--d", "x_deep": )" + open + close + "}");
    std::size_t first = json.find('[', json.find("x_deep"));
    // The objects array is level 1 and the object level 2, so the array at level 1025 is
    // the 1023rd of x_deep's.
    CHECK(too_deep(json) == mitrekg::line_column(json, first + mitrekg::max_json_depth - 2));
  }
  SUBCASE("closed as a known property: wrong type, then checked whole") {
    too_deep(bundle_of(R"({"type": "malware", "id": "malware--d", "x_mitre_platforms": )" + open + close + "}"));
  }
  SUBCASE("closed as an element of objects: not an object") {
    too_deep(bundle_of(open + close));
  }
  SUBCASE("just within the limit: accepted") {
    // objects array (1) + object (2) + x_deep arrays (3 ...): 1022 arrays reach depth 1024.
    std::string ok(mitrekg::max_json_depth - 2, '[');
    auto b = stix::read_bundle("deep.json", bundle_of(R"({"type": "malware", "id": "malware--d", "x_deep": )" + ok +
                                                      std::string(ok.size(), ']') + "}"));
    CHECK(b.unknown_properties == 1);
    CHECK(b.objects.size() == 1);
  }
}

TEST_CASE("error messages are one line: FILE: line L, column C: MESSAGE") {
  auto e = error_of("{\"type\": \"bundle\",\n\"objects\": [\n{\"type\": \"malware\", \"id\": \"m\"}\n] } x", "pos.json");
  REQUIRE(e);
  std::string what = e->what();
  CHECK(one_line(what));
  CHECK(what.find("pos.json: line 4, column 5: ") == 0);
  CHECK(e->file() == "pos.json");
  CHECK(e->position() == "line 4, column 5");
  CHECK_FALSE(e->message().empty());
  CHECK(what.substr(what.size() - e->message().size()) == e->message());
}

TEST_CASE("the real enterprise 18.1 bundle reads cleanly") {
  auto b = stix::read_bundle(data / "attack" / "enterprise-attack-18.1.json");
  // 24,771 objects of which 20,048 relationships (data/README.md; python: len(objects),
  // count of type == "relationship").
  CHECK(b.object_count == 24771);
  CHECK(b.relationships.size() == 20048);
  CHECK(b.objects.size() == 24771 - 20048);
  CHECK(b.spec_version == "2.0");
  // python: every property of every object is one the reader reads or knowingly ignores.
  CHECK(b.unknown_types == 0);
  CHECK(b.unknown_properties == 0);
  CHECK(b.malformed_objects == 0);
  std::size_t attack_patterns =
      std::count_if(b.objects.begin(), b.objects.end(), [](const auto& r) { return r.object.stix_type == "attack-pattern"; });
  CHECK(attack_patterns == 835);
}

// Every record of a bundle as text, field by field (for comparing two reads).
std::vector<std::string> dump(const stix::bundle& b) {
  std::vector<std::string> out;
  const auto join = [](const std::vector<std::string_view>& v) {
    std::string s;
    for (auto x : v) (s += x) += '\x1f';
    return s;
  };
  for (const auto& r : b.objects) {
    const auto& o = r.object;
    std::string line = std::string(o.stix_type) + '|' + std::string(o.stix_id) + '|' + std::string(o.id) + '|' +
                       std::string(o.name) + '|' + std::string(o.description) + '|' + std::string(o.url) + '|' +
                       std::string(o.shortname) + '|' + std::string(o.modified) + '|' + std::string(o.version) + '|' +
                       join(o.platforms) + '|' + join(o.aliases) + '|' + std::to_string(o.domains) +
                       std::to_string(o.revoked) + std::to_string(o.deprecated) + std::to_string(o.is_subtechnique) +
                       '|' + join(r.refs) + '|' + std::string(r.data_source_ref) + '|' + std::string(r.collection_version);
    for (const auto& k : o.kill_chain_phases) line += '|' + std::string(k.kill_chain_name) + ':' + std::string(k.phase_name);
    for (const auto& l : r.log_sources)
      line += '|' + std::string(l.data_component_ref) + ',' + std::string(l.name) + ',' + std::string(l.channel);
    out.push_back(std::move(line));
  }
  for (const auto& r : b.relationships)
    out.push_back(std::string(r.stix_id) + '|' + std::string(r.type) + '|' + std::string(r.source_ref) + '|' +
                  std::string(r.target_ref) + '|' + std::to_string(r.source_object) + '|' +
                  std::to_string(r.target_object) + '|' + std::string(r.description) + '|' +
                  std::to_string(r.revoked) + std::to_string(r.deprecated));
  return out;
}

TEST_CASE("strings written over simdjson's consumed structural index change nothing read") {
  // read_bundle writes the strings it keeps over the index entries the pass
  // has consumed; here the real bundle is read that way, and once with the
  // strings in fresh memory only.
  std::ifstream in(data / "attack" / "enterprise-attack-18.1.json", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(text.size() == 45104834);
  const auto kept = stix::read_bundle("whole.json", text, false);
  const auto lent = stix::read_bundle("lent.json", text);
  CHECK(kept.object_count == 24771);
  CHECK(lent.object_count == kept.object_count);
  // The index of 45 MB of ATT&CK is about 9 MB; all of it but the last 64 KiB run or so is lent.
  CHECK(kept.index_lent == 0);
  CHECK(lent.index_lent >= (std::size_t{8} << 20));
  CHECK(lent.unknown_properties == 0);
  CHECK(lent.malformed_objects == 0);
  // Lent or not, the arena keeps the same bytes (where lend() puts them: the string_arena case below).
  CHECK(lent.strings->used() == kept.strings->used());
  const auto a = dump(kept), b = dump(lent);
  REQUIRE(a.size() == 24771);
  CHECK(a == b);
}

TEST_CASE("string_arena takes lent memory first, extends it, and goes back to its own block when it is full") {
  mitrekg::string_arena arena(64 << 10);
  const std::string_view first = arena.copy("mapped");
  auto owner = std::make_shared<std::vector<char>>(96);
  char* lent = owner->data();
  REQUIRE(arena.lend(lent, 32, owner));
  // The strings copied next go to the lent memory, in order.
  const std::string_view a = arena.copy(std::string(20, 'a'));
  CHECK(a.data() == lent);
  // A run starting where the lent one ends extends it; one that would not fit goes back to the mapped block.
  REQUIRE(arena.lend(lent + 32, 32, owner));
  const std::string_view b = arena.copy(std::string(40, 'b'));
  CHECK(b.data() == lent + 20);
  const std::string_view c = arena.copy(std::string(10, 'c'));
  CHECK(c.data() == first.data() + first.size());
  // Lent again (not where the last lent run ended, as after the mapped block was used): taken afresh.
  REQUIRE(arena.lend(lent + 64, 32, owner));
  const std::string_view d = arena.copy("dd");
  CHECK(d.data() == lent + 64);
  // Memory of another owner is refused, and nothing changes.
  auto other = std::make_shared<std::vector<char>>(64);
  CHECK_FALSE(arena.lend(other->data(), 64, other));
  CHECK(arena.copy("e").data() == d.data() + 2);
  // The arena keeps the lent memory alive: the owner's last outside reference goes.
  owner.reset();
  CHECK(first == "mapped");
  CHECK(a == std::string(20, 'a'));
  CHECK(b == std::string(40, 'b'));
  CHECK(c == std::string(10, 'c'));
  CHECK(d == "dd");
  CHECK(arena.used() == 6 + 20 + 40 + 10 + 2 + 1);
}

TEST_CASE("string_arena writes to its spare before a block of its own, and keeps the spare's rest") {
  mitrekg::string_arena arena(64 << 10);
  auto owner = std::make_shared<std::vector<char>>(160);
  char* const mem = owner->data();
  char* const spare = mem + 96;
  REQUIRE(arena.spare(spare, 64, owner));
  CHECK(arena.mapped() == 0);
  // Nothing lent yet: the first strings go to the spare, no block is mapped.
  const std::string_view a = arena.copy(std::string(24, 'a'));
  CHECK(a.data() == spare);
  CHECK(arena.mapped() == 0);
  // Lent memory is taken first once there is some...
  REQUIRE(arena.lend(mem, 32, owner));
  const std::string_view b = arena.copy(std::string(30, 'b'));
  CHECK(b.data() == mem);
  // ...and when it is full, the spare's rest (after "a") takes the string that does not fit.
  const std::string_view c = arena.copy(std::string(16, 'c'));
  CHECK(c.data() == spare + 24);
  // Lent again: back to the lent memory; the spare's rest is kept for later.
  REQUIRE(arena.lend(mem + 32, 32, owner));
  const std::string_view d = arena.copy(std::string(32, 'd'));
  CHECK(d.data() == mem + 32);
  const std::string_view e = arena.copy(std::string(20, 'e'));
  CHECK(e.data() == spare + 40);
  // A string the spare cannot hold (4 bytes left) goes to a mapped block.
  const std::string_view f = arena.copy(std::string(8, 'f'));
  CHECK(f.data() != nullptr);
  CHECK((f.data() < mem || f.data() >= mem + 160));
  CHECK(arena.mapped() == std::size_t{64} << 10);
  // Spare memory of another owner is refused.
  auto other = std::make_shared<std::vector<char>>(64);
  CHECK_FALSE(arena.spare(other->data(), 64, other));
  owner.reset();
  CHECK(a == std::string(24, 'a'));
  CHECK(b == std::string(30, 'b'));
  CHECK(c == std::string(16, 'c'));
  CHECK(d == std::string(32, 'd'));
  CHECK(e == std::string(20, 'e'));
  CHECK(f == std::string(8, 'f'));
  CHECK(arena.used() == 24 + 30 + 16 + 32 + 20 + 8);
}

// Pages of [p, p + n) resident in memory (mincore).
std::size_t resident_pages(const void* p, std::size_t n) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in((n + page - 1) / page);
  REQUIRE(::mincore(const_cast<void*>(p), n, in.data()) == 0);
  return static_cast<std::size_t>(std::count_if(in.begin(), in.end(), [](unsigned char c) { return c & 1; }));
}

TEST_CASE("record_region gives a huge page back once every byte handed out in it is freed and it is left") {
  constexpr std::size_t mb2 = std::size_t{2} << 20, block = std::size_t{64} << 10;
  mitrekg::record_region region(2 * mb2);   // one chunk of two 2 MiB units
  std::vector<char*> unit0;
  for (std::size_t i = 0; i < mb2 / block; ++i) {
    unit0.push_back(static_cast<char*>(region.allocate(block, 8)));
    std::fill_n(unit0.back(), block, 'x');
  }
  REQUIRE(unit0.size() == 32);
  for (std::size_t i = 1; i < unit0.size(); ++i) CHECK(unit0[i] == unit0[i - 1] + block);
  char* next = static_cast<char*>(region.allocate(block, 8));   // the bump pointer leaves unit 0
  std::fill_n(next, block, 'y');
  CHECK(next == unit0.back() + block);
  CHECK(resident_pages(unit0.front(), mb2) == mb2 / 4096);
  // All but one block of unit 0 freed: nothing goes back.
  for (std::size_t i = 1; i < unit0.size(); ++i) region.deallocate(unit0[i], block);
  CHECK(region.released() == 0);
  CHECK(resident_pages(unit0.front(), mb2) == mb2 / 4096);
  // The last one: the unit goes back to the system.
  region.deallocate(unit0.front(), block);
  CHECK(region.released() == mb2);
  CHECK(resident_pages(unit0.front(), mb2) == 0);
  // Unit 1 freed while the bump pointer is still in it: kept (more may come).
  region.deallocate(next, block);
  CHECK(region.released() == mb2);
  char* more = static_cast<char*>(region.allocate(100, 8));
  CHECK(more == next + block);
  more[0] = 'z';
  region.deallocate(more, 100);
  // A request larger than what is left opens a new chunk: unit 1, left with nothing live, goes back.
  char* big = static_cast<char*>(region.allocate(3 * mb2, 64));
  CHECK(reinterpret_cast<std::uintptr_t>(big) % 64 == 0);
  CHECK(region.released() == 2 * mb2);
  CHECK(resident_pages(next, block) == 0);
  big[0] = 'b';
  char* tail = static_cast<char*>(region.allocate(block, 8));   // in the new chunk's fourth unit
  CHECK(tail == big + 3 * mb2);
  // The three units big filled go back; the one the bump pointer is in stays.
  region.deallocate(big, 3 * mb2);
  CHECK(region.released() == 5 * mb2);
  region.deallocate(tail, block);
  CHECK(region.released() == 5 * mb2);
}

TEST_CASE("record_region allocates from an adopted chunk first, keeps it alive, and never gives it back") {
  constexpr std::size_t block = std::size_t{4} << 10;
  auto owner = std::make_shared<std::vector<char>>(3 * block + 64);
  std::weak_ptr<std::vector<char>> watch = owner;
  char* const mem = owner->data();
  std::vector<char*> taken;
  {
    mitrekg::record_region region(std::size_t{64} << 10);
    region.adopt(mem, 3 * block, owner);
    owner.reset();
    CHECK_FALSE(watch.expired());   // the region keeps the owner alive
    for (int i = 0; i < 3; ++i) {
      taken.push_back(static_cast<char*>(region.allocate(block, 8)));
      std::fill_n(taken.back(), block, static_cast<char>('a' + i));
    }
    CHECK(taken[0] == mem);
    CHECK(taken[1] == mem + block);
    CHECK(taken[2] == mem + 2 * block);
    CHECK(region.mapped() == 0);
    // Full: the next block comes from a mapped chunk.
    char* next = static_cast<char*>(region.allocate(block, 8));
    CHECK((next < mem || next >= mem + 3 * block));
    next[0] = 'n';
    CHECK(region.mapped() == std::size_t{64} << 10);
    // Everything freed: the adopted memory is not given back (its owner's), the record bytes stay as written.
    for (char* p : taken) region.deallocate(p, block);
    region.deallocate(next, block);
    CHECK(region.released() == 0);
    CHECK(watch.lock()->at(2 * block + 5) == 'c');
  }
  CHECK(watch.expired());   // the region's end lets the owner go
}

TEST_CASE("records popped from the front of a record_list go back to its region") {
  mitrekg::record_region region(std::size_t{2} << 20);
  struct record {
    char bytes[1000];
  };
  stix::record_list<record> list{mitrekg::region_allocator<record>(&region)};
  for (int i = 0; i < 12000; ++i) list.push_back(record{{static_cast<char>(i)}});
  REQUIRE(list.size() == 12000);
  CHECK(list[11999].bytes[0] == static_cast<char>(11999));
  CHECK(region.released() == 0);
  while (!list.empty()) list.pop_front();
  // 12 MB of records in chunks of 2, 4 and 8 MiB: every unit but the one the
  // bump pointer is in (the deque's map comes from operator new).
  CHECK(region.released() == (std::size_t{10} << 20));
  // Without a region, the allocator is operator new's.
  stix::record_list<record> plain;
  plain.push_back(record{{'p'}});
  CHECK(plain.front().bytes[0] == 'p');
}

TEST_CASE("drop_records frees a bundle's records and regions, whatever is left in them") {
  auto b = stix::read_bundle("inline.json", bundle_of(R"(
    {"type": "attack-pattern", "id": "attack-pattern--1", "name": "One"},
    {"type": "attack-pattern", "id": "attack-pattern--2", "name": "Two"},
    {"type": "relationship", "id": "relationship--1", "relationship_type": "uses",
     "source_ref": "attack-pattern--1", "target_ref": "attack-pattern--2"})"));
  REQUIRE(b.objects.size() == 2);
  REQUIRE(b.relationships.size() == 1);
  REQUIRE(b.object_records != nullptr);
  REQUIRE(b.relationship_records != nullptr);
  b.objects.pop_front();   // partly drained, as a builder that failed half-way leaves it
  b.drop_records();
  CHECK(b.objects.empty());
  CHECK(b.relationships.empty());
  CHECK(b.object_records == nullptr);
  CHECK(b.relationship_records == nullptr);
  // The lists are usable again, on operator new (ASan checks nothing is freed twice or late).
  b.objects.emplace_back();
  CHECK(b.objects.size() == 1);
}

// --- hardening (issue #8) ---------------------------------------------------------------

TEST_CASE("invalid JSON inside a value the reader skips is an error at its place") {
  // On-Demand skips unread values without looking inside; every one is now checked.
  struct bad_case {
    const char* what;
    std::string json;
    std::string_view at;   // the text at the reported position
  };
  const std::string obj = R"({"type": "malware", "id": "malware--1", "name": "m", )";
  for (const bad_case& c : {
           bad_case{"unknown property", bundle_of(obj + R"("x_foo": [1 2 tru nul]})"), "2 tru"},
           bad_case{"ignored property", bundle_of(obj + R"("x_mitre_contributors": ["a", tru]})"), "tru]"},
           bad_case{"unread key of an external reference",
                    bundle_of(obj + R"("external_references": [{"source_name": "x", "description": nul}]})"), "nul}"},
           bad_case{"unread key of a kill chain phase",
                    bundle_of(obj + R"("kill_chain_phases": [{"phase_name": "x", "extra": {"a" 1}}]})"), "1}"},
           bad_case{"unknown key of the bundle",
                    R"({"type": "bundle", "id": [1, 2,, 3], "objects": []})", ", 3]"},
           bad_case{"an element of objects that is not an object", bundle_of("[fals]"), "fals]"},
           bad_case{"bad escape in a skipped string", bundle_of(obj + R"("x_foo": "a\qb"})"), R"("a\qb")"},
           bad_case{"after a wrong-typed property", bundle_of(obj + R"("x_mitre_platforms": [1, tru]})"), "tru]"},
       }) {
    CAPTURE(std::string(c.what));
    auto e = error_of(c.json, "skip.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
    CHECK(one_line(e->what()));
    std::size_t at = c.json.find(c.at);
    REQUIRE(at != std::string::npos);
    CHECK(e->position() == mitrekg::line_column(c.json, at));
  }
  // Valid values in the same places still load.
  auto b = stix::read_bundle("ok.json", bundle_of(obj + R"("x_foo": [1, 2, true, null, {"a": "\u00e9"}], "x_mitre_contributors": ["a"]})"));
  CHECK(b.objects.size() == 1);
  CHECK(b.unknown_properties == 1);
}

TEST_CASE("first-stage errors name the line and column") {
  // simdjson's first stage reports these without a place; the reader finds it.
  const std::string head = "{\"type\": \"bundle\",\n \"objects\": [\n  {\"type\": \"malware\", \"id\": \"m\", \"name\": ";
  struct bad_case {
    const char* what;
    std::string json;
    std::string position;
  };
  for (const bad_case& c : {
           // line 3 is `  {"type": "malware", "id": "m", "name": ` (41 characters), then the string
           bad_case{"cut inside a string", head + "\"Emotet", "line 3, column 42"},   // its opening quote
           bad_case{"invalid UTF-8", head + "\"Emo\xfftet\"}]}", "line 3, column 46"},
           bad_case{"a NUL inside a string", head + std::string("\"Emo\0tet\"}]}", 12), "line 3, column 46"},
           bad_case{"a raw newline inside a string", head + "\"Emo\ntet\"}]}", "line 3, column 46"},
       }) {
    CAPTURE(std::string(c.what));
    auto e = error_of(c.json, "s1.json");
    REQUIRE(e);
    CHECK(e->code() == errc::not_json);
    CHECK(one_line(e->what()));
    CHECK(e->position() == c.position);
  }
}

TEST_CASE("a UTF-8 byte order mark is skipped") {
  std::string json = "\xEF\xBB\xBF" + bundle_of(tactic_json);
  auto b = stix::read_bundle("bom.json", json);
  REQUIRE(b.objects.size() == 1);
  CHECK(b.objects[0].object.id == "TA0005");
  // Positions count from after the mark.
  auto e = error_of("\xEF\xBB\xBF{\"type\": \"bundle\", \"objects\": 7}", "bom.json");
  REQUIRE(e);
  CHECK(e->position() == "line 1, column 31");
  // A mark alone is an empty file.
  auto empty = error_of("\xEF\xBB\xBF", "bom.json");
  REQUIRE(empty);
  CHECK(empty->what() == std::string("bom.json: empty file, expected a STIX bundle (JSON)"));
}

TEST_CASE("only regular files are read: FIFO, device, missing, directory") {
  const fs::path dir = fs::temp_directory_path() / ("mitrekg-reader-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path fifo = dir / "fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  struct bad_case {
    fs::path path;
    errc code;
    std::string message;
  };
  for (const bad_case& c : {
           bad_case{fifo, errc::io_error, "is a FIFO (named pipe), expected a STIX bundle file"},   // no writer: must not block
           bad_case{"/dev/zero", errc::io_error, "is a character device, expected a STIX bundle file"},
           bad_case{dir, errc::io_error, "is a directory, expected a STIX bundle file"},
           bad_case{dir / "missing.json", errc::not_found, "no such file"},
           bad_case{dir / "missing" / "x.json", errc::not_found, "no such file"},
       }) {
    CAPTURE(c.path);
    auto e = error_of_file(c.path);
    REQUIRE(e);
    CHECK(e->code() == c.code);
    CHECK(e->what() == c.path.string() + ": " + c.message);
  }
  fs::remove_all(dir);
}
