// mitrekg/attack.hpp: object kinds, relations, domains and their names.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>

#include "mitrekg/attack.hpp"

using mitrekg::domain;
using mitrekg::object_type;
using mitrekg::relation;

TEST_CASE("STIX type names map to ATT&CK kinds") {
  using mitrekg::object_type_from_stix;
  CHECK(object_type_from_stix("x-mitre-tactic") == object_type::tactic);
  CHECK(object_type_from_stix("attack-pattern") == object_type::technique);
  CHECK(object_type_from_stix("course-of-action") == object_type::mitigation);
  CHECK(object_type_from_stix("intrusion-set") == object_type::group);
  CHECK(object_type_from_stix("malware") == object_type::software);
  CHECK(object_type_from_stix("tool") == object_type::software);
  CHECK(object_type_from_stix("campaign") == object_type::campaign);
  CHECK(object_type_from_stix("x-mitre-data-source") == object_type::data_source);
  CHECK(object_type_from_stix("x-mitre-data-component") == object_type::data_component);
  CHECK(object_type_from_stix("x-mitre-detection-strategy") == object_type::detection_strategy);
  CHECK(object_type_from_stix("x-mitre-analytic") == object_type::analytic);
  CHECK(object_type_from_stix("x-mitre-asset") == object_type::asset);
  CHECK(object_type_from_stix("x-mitre-matrix") == object_type::matrix);
  CHECK(object_type_from_stix("x-mitre-collection") == object_type::collection);
  CHECK(object_type_from_stix("identity") == object_type::identity);
  CHECK(object_type_from_stix("marking-definition") == object_type::marking_definition);
  // STIX type names are exact (lower-case); anything else is unknown.
  CHECK(object_type_from_stix("Attack-Pattern") == object_type::unknown);
  CHECK(object_type_from_stix("indicator") == object_type::unknown);
  CHECK(object_type_from_stix("") == object_type::unknown);
}

TEST_CASE("kind names round-trip and parse case-insensitively") {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(object_type::unknown); ++i) {
    auto t = static_cast<object_type>(i);
    std::string_view name = mitrekg::to_string(t);
    CAPTURE(name);
    CHECK_FALSE(name.empty());
    names.insert(name);
    auto back = mitrekg::parse_object_type(name);
    REQUIRE(back);
    CHECK(*back == t);
  }
  CHECK(names.size() == static_cast<std::size_t>(object_type::unknown) + 1);
  CHECK(mitrekg::to_string(object_type::technique) == "technique");
  CHECK(mitrekg::to_string(object_type::group) == "group");
  CHECK(mitrekg::parse_object_type("Technique") == object_type::technique);
  CHECK(mitrekg::parse_object_type("MITIGATION") == object_type::mitigation);
  CHECK_FALSE(mitrekg::parse_object_type("attack-pattern"));
  CHECK_FALSE(mitrekg::parse_object_type("techniques"));
  CHECK_FALSE(mitrekg::parse_object_type(""));
}

TEST_CASE("relationship types map to relations and back") {
  using mitrekg::relation_from_stix;
  CHECK(relation_from_stix("uses") == relation::uses);
  CHECK(relation_from_stix("mitigates") == relation::mitigates);
  CHECK(relation_from_stix("subtechnique-of") == relation::subtechnique_of);
  CHECK(relation_from_stix("detects") == relation::detects);
  CHECK(relation_from_stix("attributed-to") == relation::attributed_to);
  CHECK(relation_from_stix("revoked-by") == relation::revoked_by);
  CHECK(relation_from_stix("targets") == relation::targets);
  CHECK(relation_from_stix("related-to") == relation::other);
  CHECK(relation_from_stix("Uses") == relation::other);
  CHECK(relation_from_stix("") == relation::other);
  for (int i = 0; i <= static_cast<int>(relation::other); ++i) {
    auto r = static_cast<relation>(i);
    CAPTURE(i);
    CHECK_FALSE(mitrekg::to_string(r).empty());
    CHECK(relation_from_stix(mitrekg::to_string(r)) == r);
  }
  CHECK(mitrekg::to_string(relation::subtechnique_of) == "subtechnique-of");
}

TEST_CASE("domains: names, parsing and bits") {
  CHECK(mitrekg::to_string(domain::enterprise) == "enterprise");
  CHECK(mitrekg::to_string(domain::mobile) == "mobile");
  CHECK(mitrekg::to_string(domain::ics) == "ics");
  CHECK(mitrekg::parse_domain("enterprise") == domain::enterprise);
  CHECK(mitrekg::parse_domain("enterprise-attack") == domain::enterprise);
  CHECK(mitrekg::parse_domain("Enterprise-Attack") == domain::enterprise);
  CHECK(mitrekg::parse_domain("mobile-attack") == domain::mobile);
  CHECK(mitrekg::parse_domain("MOBILE") == domain::mobile);
  CHECK(mitrekg::parse_domain("ics-attack") == domain::ics);
  CHECK(mitrekg::parse_domain("ICS") == domain::ics);
  CHECK_FALSE(mitrekg::parse_domain("pre-attack"));
  CHECK_FALSE(mitrekg::parse_domain("enterprise-"));
  CHECK_FALSE(mitrekg::parse_domain(""));
  using mitrekg::bit;
  CHECK((bit(domain::enterprise) & bit(domain::mobile)) == 0);
  CHECK((bit(domain::mobile) & bit(domain::ics)) == 0);
  CHECK((bit(domain::enterprise) | bit(domain::mobile) | bit(domain::ics)) == mitrekg::all_domains);
}

TEST_CASE("an object is live unless revoked or deprecated") {
  mitrekg::attack_object o;
  CHECK(o.live());
  o.revoked = true;
  CHECK_FALSE(o.live());
  o.revoked = false;
  o.deprecated = true;
  CHECK_FALSE(o.live());
  o.revoked = true;
  CHECK_FALSE(o.live());
  // A default object is unknown and in no domain.
  mitrekg::attack_object d;
  CHECK(d.type == object_type::unknown);
  CHECK(d.domains == 0);
}

TEST_CASE("every STIX type in the shared ATT&CK bundles is a known kind") {
  // python: sorted({o["type"] for o in objects}) over the four bundles (enterprise 17.1 and
  // 18.1, mobile and ics 18.1), minus "relationship", which is read as an edge.
  for (std::string_view t : {"attack-pattern", "campaign", "course-of-action", "identity", "intrusion-set",
                             "malware", "marking-definition", "tool", "x-mitre-analytic", "x-mitre-asset",
                             "x-mitre-data-component", "x-mitre-data-source", "x-mitre-detection-strategy",
                             "x-mitre-matrix", "x-mitre-tactic"}) {
    CAPTURE(t);
    CHECK(mitrekg::object_type_from_stix(t) != object_type::unknown);
  }
}
