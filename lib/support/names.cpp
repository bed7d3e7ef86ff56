// Names of the ATT&CK enums (object types, relations, domains) and their parsers.
#include <array>
#include <utility>

#include "mitrekg/attack.hpp"
#include "support/text.hpp"

namespace mitrekg {

namespace {
constexpr std::array<std::pair<std::string_view, object_type>, 16> stix_types{{
    {"x-mitre-tactic", object_type::tactic},
    {"attack-pattern", object_type::technique},
    {"course-of-action", object_type::mitigation},
    {"intrusion-set", object_type::group},
    {"malware", object_type::software},
    {"tool", object_type::software},
    {"campaign", object_type::campaign},
    {"x-mitre-data-source", object_type::data_source},
    {"x-mitre-data-component", object_type::data_component},
    {"x-mitre-detection-strategy", object_type::detection_strategy},
    {"x-mitre-analytic", object_type::analytic},
    {"x-mitre-asset", object_type::asset},
    {"x-mitre-matrix", object_type::matrix},
    {"x-mitre-collection", object_type::collection},
    {"identity", object_type::identity},
    {"marking-definition", object_type::marking_definition},
}};

constexpr std::array<std::string_view, 16> type_names{
    "tactic", "technique", "mitigation", "group", "software", "campaign", "data-source",
    "data-component", "detection-strategy", "analytic", "asset", "matrix", "collection",
    "identity", "marking-definition", "unknown"};

constexpr std::array<std::string_view, 13> relation_names{
    "uses", "mitigates", "subtechnique-of", "detects", "attributed-to", "revoked-by", "targets",
    "in-tactic", "matrix-tactic", "has-analytic", "observes", "component-of", "other"};
}  // namespace

std::string_view to_string(object_type t) noexcept { return type_names[static_cast<std::size_t>(t)]; }

object_type object_type_from_stix(std::string_view stix_type) noexcept {
  for (auto& [name, t] : stix_types)
    if (name == stix_type) return t;
  return object_type::unknown;
}

std::optional<object_type> parse_object_type(std::string_view name) noexcept {
  for (std::size_t i = 0; i < type_names.size(); ++i)
    if (iequals(type_names[i], name)) return static_cast<object_type>(i);
  return std::nullopt;
}

std::string_view to_string(relation r) noexcept { return relation_names[static_cast<std::size_t>(r)]; }

relation relation_from_stix(std::string_view name) noexcept {
  for (std::size_t i = 0; i + 1 < relation_names.size(); ++i)
    if (relation_names[i] == name) return static_cast<relation>(i);
  return relation::other;
}

std::string_view to_string(domain d) noexcept {
  switch (d) {
    case domain::enterprise: return "enterprise";
    case domain::mobile: return "mobile";
    case domain::ics: return "ics";
  }
  return "";
}

std::optional<domain> parse_domain(std::string_view name) noexcept {
  if (iequals(name, "enterprise") || iequals(name, "enterprise-attack")) return domain::enterprise;
  if (iequals(name, "mobile") || iequals(name, "mobile-attack")) return domain::mobile;
  if (iequals(name, "ics") || iequals(name, "ics-attack")) return domain::ics;
  return std::nullopt;
}

}  // namespace mitrekg
