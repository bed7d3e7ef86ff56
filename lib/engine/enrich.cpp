// The "mitre" object of an alert: a rule's tags resolved through the knowledge graph to techniques, tactics and D3FEND countermeasures (once per rule, at load).
#include <algorithm>
#include <map>

#include "engine/engine_impl.hpp"
#include "mitrekg/countermeasures.hpp"
#include "mitrekg/d3fend.hpp"
#include "mitrekg/query.hpp"
#include "mitrekg/tags.hpp"
#include "support/text.hpp"

namespace mitrekg::engine {

std::string mitre_json(const knowledge_graph* g, const std::vector<std::string>& tags) {
  if (g == nullptr) return {};
  std::vector<node> techniques, tactics;
  std::vector<std::pair<std::string, std::string>> revoked;   // tag, replacement id ("" when none)
  std::vector<std::string> unknown;
  auto add = [](std::vector<node>& v, node n) {
    if (std::find(v.begin(), v.end(), n) == v.end()) v.push_back(n);
  };
  for (const auto& t : tags) {
    auto p = parse_tag(t, tag_dialect::falco);
    if (!p || p->value.kind == tag_kind::group || p->value.kind == tag_kind::software) continue;
    lookup_options lo;
    auto r = resolve_tag(*g, p->value, lo);
    node n = r.object;
    if (r.status == tag_status::unknown || n == no_node) {
      unknown.push_back(t);
      continue;
    }
    if (r.status == tag_status::revoked) {
      revoked.emplace_back(t, r.replacement != no_node ? std::string((*g)[r.replacement].id) : std::string());
      if (r.replacement == no_node) continue;
      n = r.replacement;
    }
    if (p->value.kind == tag_kind::tactic) add(tactics, n);
    else add(techniques, n);
  }
  for (node t : techniques)
    for (node ta : tactics_of(*g, t)) add(tactics, ta);

  // `"key":"value"` members, a comma before all but the first of an object or array.
  std::string out;
  auto comma = [&](bool& first) {
    if (!first) out += ',';
    first = false;
  };
  auto member = [&](bool& first, std::string_view key, std::string_view value) {
    comma(first);
    append_json_string(out, key);
    out += ':';
    append_json_string(out, value);
  };
  out = "{\"techniques\":[";
  bool first = true;
  for (node t : techniques) {
    comma(first);
    out += '{';
    bool f = true;
    member(f, "id", (*g)[t].id);
    member(f, "name", (*g)[t].name);
    out += ",\"tactics\":[";
    bool f2 = true;
    for (node ta : tactics_of(*g, t)) {
      comma(f2);
      append_json_string(out, (*g)[ta].id);
    }
    out += "]}";
  }
  out += "],\"tactics\":[";
  first = true;
  for (node ta : tactics) {
    comma(first);
    out += '{';
    bool f = true;
    member(f, "id", (*g)[ta].id);
    member(f, "shortname", (*g)[ta].shortname);
    member(f, "name", (*g)[ta].name);
    out += '}';
  }
  out += ']';
  if (!revoked.empty()) {
    out += ",\"revoked\":[";
    first = true;
    for (const auto& [tag, repl] : revoked) {
      comma(first);
      out += '{';
      bool f = true;
      member(f, "tag", tag);
      out += ",\"replaced_by\":";
      if (repl.empty()) out += "null";
      else append_json_string(out, repl);
      out += '}';
    }
    out += ']';
  }
  if (!unknown.empty()) {
    out += ",\"unknown_tags\":[";
    first = true;
    for (const auto& t : unknown) {
      comma(first);
      append_json_string(out, t);
    }
    out += ']';
  }
  // D3FEND countermeasures of the techniques, grouped by D3FEND tactic (in
  // D3FEND's tactic order), each countermeasure once.
  if (const d3fend_ontology* d3 = g->d3fend()) {
    std::map<int, std::vector<d3fend_node>> by_tactic;
    for (node t : techniques) {
      auto cm = countermeasures_of(*g, (*g)[t].id);
      for (const auto& row : cm.rows) {
        int key = row.tactic ? static_cast<int>(*row.tactic) : 99;
        auto& v = by_tactic[key];
        if (std::find(v.begin(), v.end(), row.countermeasure) == v.end()) v.push_back(row.countermeasure);
      }
    }
    out += ",\"d3fend\":{";
    first = true;
    for (const auto& [tac, list] : by_tactic) {
      comma(first);
      append_json_string(out, tac == 99 ? std::string_view("other") : to_string(static_cast<d3fend_tactic>(tac)));
      out += ":[";
      bool f2 = true;
      for (d3fend_node c : list) {
        comma(f2);
        const auto& e = (*d3)[c];
        out += '{';
        bool f = true;
        member(f, "id", e.d3fend_id);
        member(f, "name", e.label.empty() ? e.name : e.label);
        out += '}';
      }
      out += ']';
    }
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace mitrekg::engine
