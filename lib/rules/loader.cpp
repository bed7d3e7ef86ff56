// Reads Falco rule files (yaml-cpp) into lists, macros and rules, applying append / override / redefinition in file order.
#include "rules/loader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "support/text.hpp"
#include "yaml/event_budget.hpp"

namespace mitrekg::rules {

void collection::add(std::string code, severity level, const rule_position& at, std::string_view kind,
                     std::string item, std::string message) {
  diagnostic d;
  d.code = std::move(code);
  d.level = level;
  d.file = at.file;
  d.line = at.line;
  d.column = at.column;
  d.item = std::move(item);
  d.message = std::move(message);
  diags.push_back(std::move(d));
  kinds.emplace_back(kind);
}

std::optional<std::array<unsigned long, 3>> parse_engine_version(std::string_view s) {
  std::array<unsigned long, 3> v{0, 0, 0};
  auto number = [](std::string_view part, unsigned long& out) {
    if (part.empty()) return false;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && p == part.data() + part.size();
  };
  if (s.find('.') == std::string_view::npos) {
    if (!number(s, v[1])) return std::nullopt;   // old style: N means 0.N.0
    return v;
  }
  for (int i = 0; i < 3; ++i) {
    auto dot = s.find('.');
    if ((i < 2) != (dot != std::string_view::npos)) return std::nullopt;
    if (!number(s.substr(0, dot), v[i])) return std::nullopt;
    if (dot != std::string_view::npos) s.remove_prefix(dot + 1);
  }
  return v;
}

namespace {

// n[key], or an Undefined node when absent (yaml-cpp's own answer for a missing
// key is a node on which every type test throws).
YAML::Node child(const YAML::Node& n, std::string_view key) {
  if (!n.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node v = n[std::string(key)];
  return v.IsDefined() ? v : YAML::Node(YAML::NodeType::Undefined);
}

// The plugins whose fields the engine has built in, at the version of the
// field tables (falcosecurity/plugins at the commit the head rules come from).
struct builtin_plugin {
  std::string_view name;
  std::string_view version;
};
constexpr std::array<builtin_plugin, 8> builtin_plugins = {{
    {"container", "0.4.0"},   {"json", "0.7.0"},     {"k8saudit", "0.18.0"}, {"k8saudit-gke", "0.9.0"},
    {"cloudtrail", "0.10.0"}, {"gcpaudit", "0.3.0"}, {"github", "0.8.0"},    {"okta", "0.11.0"},
}};

// Same major version, not older (Falco's plugin compatibility rule).
bool plugin_satisfied(std::string_view name, std::string_view version) {
  auto want = parse_engine_version(version);
  for (const auto& b : builtin_plugins) {
    if (b.name != name) continue;
    auto have = parse_engine_version(b.version);
    if (!want || !have) return false;
    return (*have)[0] == (*want)[0] && *have >= *want;
  }
  return false;
}

std::string version_text(const std::array<unsigned long, 3>& v) { return fmt::format("{}.{}.{}", v[0], v[1], v[2]); }

// One item being read: its file, its kind and name for diagnostics.
struct reader {
  collection& c;
  const rule_load_options& options;
  std::size_t file;

  rule_position at(const YAML::Mark& m) const {
    return {c.files[file].name, static_cast<std::size_t>(m.line) + 1, static_cast<std::size_t>(m.column) + 1};
  }
  rule_position at(const YAML::Node& n) const { return at(n.Mark()); }

  void error(std::string code, const YAML::Node& n, std::string_view kind, std::string item, std::string message) {
    c.add(std::move(code), severity::error, at(n), kind, std::move(item), std::move(message));
  }
  void warning(std::string code, const YAML::Node& n, std::string_view kind, std::string item, std::string message) {
    c.add(std::move(code), severity::warning, at(n), kind, std::move(item), std::move(message));
  }

  // A scalar's text. yaml-cpp reads `desc: != x` as tag "!=" on "x": the tag is
  // part of the text for Falco, so it is put back.
  static std::string scalar(const YAML::Node& n) {
    const std::string& tag = n.Tag();
    if (!tag.empty() && tag != "?" && tag != "!") {
      std::string t = tag;
      if (t.rfind("!", 0) != 0) t = "!" + t;
      return n.Scalar().empty() ? t : t + " " + n.Scalar();
    }
    return n.Scalar();
  }

  located_text locate(const YAML::Node& n) const {
    located_text t;
    t.text = scalar(n);
    t.position = at(n);
    text_piece p;
    p.offset = 0;
    p.length = t.text.size();
    p.file = file;
    p.source_offset = static_cast<std::size_t>(std::max(0, n.Mark().pos));
    p.origin = t.position;
    t.pieces.push_back(p);
    return t;
  }

  // Falco glues appended text with one space.
  static void append_text(located_text& base, located_text&& more) {
    std::size_t shift = base.text.size() + 1;
    base.text += ' ';
    base.text += more.text;
    for (auto& p : more.pieces) {
      p.offset += shift;
      base.pieces.push_back(std::move(p));
    }
  }

  // A boolean key: yaml-cpp's true/false/yes/no/on/off. Reports and returns nullopt otherwise.
  std::optional<bool> boolean(const YAML::Node& v, std::string_view key, std::string_view kind, const std::string& name) {
    bool b = false;
    if (v.IsScalar() && YAML::convert<bool>::decode(v, b)) return b;
    error("bad-value", v, kind, name, fmt::format("Value of '{}' must be a boolean (true or false)", key));
    return std::nullopt;
  }

  // A scalar string key; reports a non-scalar.
  std::optional<std::string> string_value(const YAML::Node& v, std::string_view key, std::string_view kind,
                                          const std::string& name) {
    if (v.IsScalar()) return scalar(v);
    if (v.IsNull()) return std::string();
    error("wrong-shape", v, kind, name, fmt::format("Value of '{}' must be a string", key));
    return std::nullopt;
  }

  // A sequence of scalars (tags, items, fields).
  std::optional<std::vector<std::string>> strings(const YAML::Node& v, std::string_view key, std::string_view kind,
                                                  const std::string& name) {
    std::vector<std::string> out;
    if (v.IsNull()) return out;
    if (!v.IsSequence()) {
      error("wrong-shape", v, kind, name, fmt::format("Value of '{}' must be a sequence of strings", key));
      return std::nullopt;
    }
    out.reserve(v.size());
    for (const auto& e : v) {
      if (!e.IsScalar()) {
        error("wrong-shape", e, kind, name, fmt::format("Entries of '{}' must be strings", key));
        return std::nullopt;
      }
      out.push_back(scalar(e));
    }
    return out;
  }

  // The item's name key: present, scalar, non-empty.
  std::optional<std::string> item_name(const YAML::Node& item, std::string_view key) {
    const YAML::Node v = child(item, std::string(key));
    if (v.IsScalar() && !v.Scalar().empty()) return scalar(v);
    if (v.IsDefined() && !v.IsNull() && !v.IsScalar()) {
      error("wrong-shape", v, key, "", fmt::format("Value of '{}' must be a string", key));
      return std::nullopt;
    }
    error("missing-key", v.IsDefined() ? v : item, key, "", fmt::format("Mapping for key '{}' is empty", key));
    return std::nullopt;
  }

  // Every key of `item` must be in `known`; the others are warned about.
  // Keys appearing twice are errors (yaml-cpp keeps both).
  void check_keys(const YAML::Node& item, std::initializer_list<std::string_view> known, std::string_view kind,
                  const std::string& name) {
    std::set<std::string, std::less<>> seen;
    for (const auto& kv : item) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      if (!seen.insert(key).second)
        error("duplicate-key", kv.first, kind, name, fmt::format("Key '{}' appears twice in this item", key));
      if (std::find(known.begin(), known.end(), key) == known.end())
        warning("unknown-key", kv.first, kind, name, fmt::format("Unknown key '{}', ignored", key));
    }
  }

  // The `override` mapping: key → "append" | "replace", checked against the item's keys.
  std::optional<std::map<std::string, std::string>> overrides(const YAML::Node& item, std::string_view kind,
                                                               const std::string& name,
                                                               std::initializer_list<std::string_view> appendable,
                                                               std::initializer_list<std::string_view> replaceable) {
    const YAML::Node o = child(item, "override");
    std::map<std::string, std::string> out;
    if (!o.IsMap()) {
      error("wrong-shape", o, kind, name, "Value of 'override' must be a mapping of keys to append or replace");
      return std::nullopt;
    }
    if (child(item, "append").IsDefined()) {
      error("bad-override", o, kind, name, "Keys 'override' and 'append: true' cannot be used together");
      return std::nullopt;
    }
    bool ok = true;
    for (const auto& kv : o) {
      std::string key = kv.first.Scalar(), how = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
      auto& allowed = how == "append" ? appendable : replaceable;
      if (how != "append" && how != "replace") {
        error("bad-override", kv.second, kind, name,
              fmt::format("Override of '{}' must be 'append' or 'replace'", key));
        ok = false;
      } else if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        error("bad-override", kv.first, kind, name, fmt::format("Key '{}' cannot be overridden with '{}'", key, how));
        ok = false;
      } else if (!child(item, key).IsDefined()) {
        error("bad-override", kv.first, kind, name,
              fmt::format("An override is defined for '{}' but no value is given for it", key));
        ok = false;
      }
      out[key] = how;
    }
    for (const auto& kv : item) {
      const std::string key = kv.first.Scalar();
      if (key == kind || key == "override") continue;
      if (!out.count(key)) {
        error("bad-override", kv.first, kind, name,
              fmt::format("Key '{}' is given without an override for it", key));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  void read_list(const YAML::Node& item) {
    auto name = item_name(item, "list");
    check_keys(item, {"list", "items", "append", "override"}, "list", name.value_or(""));
    if (!name) return;
    const YAML::Node items = child(item, "items");
    bool append = false;
    if (child(item, "append").IsDefined()) {
      auto a = boolean(child(item, "append"), "append", "list", *name);
      if (!a) return;
      append = *a;
    }
    const bool has_override = child(item, "override").IsDefined();
    if (!items.IsDefined()) {
      error("missing-key", item, "list", *name, "Item has no mapping for key 'items'");
      return;
    }
    auto values = strings(items, "items", "list", *name);
    if (!values) return;
    auto found = c.list_index.find(*name);
    if (has_override) {
      auto o = overrides(item, "list", *name, {"items"}, {"items"});
      if (!o) return;
      if (found == c.list_index.end()) {
        error("undefined-override", item, "list", *name,
              "List has 'override' key but no list by that name already exists");
        return;
      }
      auto& l = c.lists[found->second];
      if (o->at("items") == "replace") l.items.clear();
      l.items.insert(l.items.end(), values->begin(), values->end());
      return;
    }
    if (append) {
      if (found == c.list_index.end()) {
        error("undefined-append", item, "list", *name, "List has 'append' key but no list by that name already exists");
        return;
      }
      auto& l = c.lists[found->second];
      l.items.insert(l.items.end(), values->begin(), values->end());
      return;
    }
    if (found != c.list_index.end()) {   // a redefinition replaces, keeping the place
      c.lists[found->second].items = std::move(*values);
      return;
    }
    c.list_index.emplace(*name, c.lists.size());
    c.lists.push_back({*name, at(item), std::move(*values)});
  }

  void read_macro(const YAML::Node& item) {
    auto name = item_name(item, "macro");
    check_keys(item, {"macro", "condition", "append", "override"}, "macro", name.value_or(""));
    if (!name) return;
    bool append = false;
    if (child(item, "append").IsDefined()) {
      auto a = boolean(child(item, "append"), "append", "macro", *name);
      if (!a) return;
      append = *a;
    }
    const YAML::Node cond = child(item, "condition");
    if (!cond.IsDefined()) {
      error("missing-key", item, "macro", *name, "Item has no mapping for key 'condition'");
      return;
    }
    if (!cond.IsScalar() || cond.Scalar().empty()) {
      error(cond.IsScalar() || cond.IsNull() ? "missing-key" : "wrong-shape", cond, "macro", *name,
            "Mapping for key 'condition' is empty");
      return;
    }
    auto found = c.macro_index.find(*name);
    std::string how = append ? "append" : "replace";
    if (child(item, "override").IsDefined()) {
      auto o = overrides(item, "macro", *name, {"condition"}, {"condition"});
      if (!o) return;
      how = o->at("condition");
      if (found == c.macro_index.end()) {
        error("undefined-override", item, "macro", *name,
              "Macro has 'override' key but no macro by that name already exists");
        return;
      }
    }
    if (how == "append") {
      if (found == c.macro_index.end()) {
        error("undefined-append", item, "macro", *name,
              "Macro has 'append' key but no macro by that name already exists");
        return;
      }
      append_text(c.macros[found->second].condition, locate(cond));
      return;
    }
    if (found != c.macro_index.end()) {
      c.macros[found->second].condition = locate(cond);
      return;
    }
    c.macro_index.emplace(*name, c.macros.size());
    c.macros.push_back({*name, at(item), locate(cond)});
  }

  exception_cell cell(const YAML::Node& v, const std::string& ex, bool& ok) {
    exception_cell out;
    if (v.IsSequence()) {
      out.is_list = true;
      for (const auto& e : v) {
        if (!e.IsScalar()) {
          error("bad-exception", e, "exception", ex, "Exception values must be strings or lists of strings");
          ok = false;
          continue;
        }
        out.items.push_back(scalar(e));
      }
    } else if (v.IsScalar()) {
      out.text = scalar(v);
    } else if (!v.IsNull()) {
      error("bad-exception", v, "exception", ex, "Exception values must be strings or lists of strings");
      ok = false;
    }
    return out;
  }

  // Reads `exceptions:`; a shape problem in one exception skips that exception.
  std::optional<std::vector<exception_def>> read_exceptions(const YAML::Node& list, const std::string& rule) {
    std::vector<exception_def> out;
    if (list.IsNull()) return out;
    if (!list.IsSequence()) {
      error("wrong-shape", list, "rule", rule, "Rule exceptions must be a sequence");
      return std::nullopt;
    }
    bool all_ok = true;
    for (const auto& e : list) {
      if (!e.IsMap()) {
        error("wrong-shape", e, "exception", "", "Rule exception must be a mapping");
        all_ok = false;
        continue;
      }
      exception_def ex;
      ex.position = at(e);
      const YAML::Node n = child(e, "name");
      if (!n.IsScalar() || n.Scalar().empty()) {
        error("bad-exception", e, "exception", "", "Item has no mapping for key 'name'");
        all_ok = false;
        continue;
      }
      ex.name = scalar(n);
      check_keys(e, {"name", "fields", "comps", "values"}, "exception", ex.name);
      bool ok = true;
      auto read_names = [&](const char* key, bool& has, bool& is_list, std::vector<std::string>& to) {
        const YAML::Node f = child(e, key);
        if (!f.IsDefined() || f.IsNull()) return;
        has = true;
        if (f.IsScalar()) {
          to.push_back(scalar(f));
        } else if (auto v = strings(f, key, "exception", ex.name)) {
          is_list = true;
          to = std::move(*v);
        } else {
          ok = false;
        }
      };
      read_names("fields", ex.has_fields, ex.fields_is_list, ex.fields);
      read_names("comps", ex.has_comps, ex.comps_is_list, ex.comps);
      const YAML::Node values = child(e, "values");
      if (values.IsDefined() && !values.IsNull()) {
        if (!values.IsSequence()) {
          error("bad-exception", values, "exception", ex.name, "Rule exception values must be a sequence");
          ok = false;
        } else {
          for (const auto& row : values) {
            std::vector<exception_cell> cells;
            if (row.IsSequence()) {
              for (const auto& v : row) cells.push_back(cell(v, ex.name, ok));
            } else {
              cells.push_back(cell(row, ex.name, ok));
              cells.back().is_list = cells.back().is_list;   // a scalar row: single-field form
            }
            ex.values.push_back(std::move(cells));
            ex.value_positions.push_back(at(row));
          }
        }
      }
      if (!ok) {
        all_ok = false;
        continue;
      }
      out.push_back(std::move(ex));
    }
    if (!all_ok && out.empty() && list.size() > 0) return std::nullopt;
    return out;
  }

  // Adds `more` to a rule's exceptions: values of a same-named exception are
  // appended; a new exception needs its fields.
  void merge_exceptions(rule_def& r, std::vector<exception_def>&& more) {
    for (auto& ex : more) {
      auto same = std::find_if(r.exceptions.begin(), r.exceptions.end(),
                               [&](const exception_def& e) { return e.name == ex.name; });
      if (same == r.exceptions.end()) {
        if (!ex.has_fields) {
          c.add("bad-exception", severity::error, ex.position, "exception", ex.name,
                "Rule exception must have fields property with a list of fields");
          continue;
        }
        r.exceptions.push_back(std::move(ex));
        continue;
      }
      same->values.insert(same->values.end(), std::make_move_iterator(ex.values.begin()),
                          std::make_move_iterator(ex.values.end()));
      same->value_positions.insert(same->value_positions.end(), ex.value_positions.begin(), ex.value_positions.end());
    }
  }

  void read_rule(const YAML::Node& item) {
    auto name = item_name(item, "rule");
    check_keys(item,
               {"rule", "desc", "condition", "output", "priority", "tags", "enabled", "source", "exceptions",
                "warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration", "append", "override"},
               "rule", name.value_or(""));
    if (!name) return;
    const std::string& n = *name;
    bool append = false;
    if (child(item, "append").IsDefined()) {
      auto a = boolean(child(item, "append"), "append", "rule", n);
      if (!a) return;
      append = *a;
    }
    auto found = c.rule_index.find(n);
    rule_def* existing = found == c.rule_index.end() ? nullptr : &c.rules[found->second];

    // Read every given key into `r` (a fresh definition, or the values to merge).
    rule_def r;
    r.name = n;
    r.position = at(item);
    bool ok = true;
    auto get_text = [&](const char* key, located_text& to) {
      const YAML::Node v = child(item, key);
      if (!v.IsDefined()) return false;
      if (!v.IsScalar() && !v.IsNull()) {
        error("wrong-shape", v, "rule", n, fmt::format("Value of '{}' must be a string", key));
        ok = false;
        return false;
      }
      to = locate(v);
      return true;
    };
    const bool has_condition = get_text("condition", r.condition);
    const bool has_output = get_text("output", r.output);
    bool has_desc = false, has_priority = false, has_tags = false, has_source = false, has_exceptions = false;
    if (const YAML::Node v = child(item, "desc"); v.IsDefined()) {
      if (auto s = string_value(v, "desc", "rule", n)) r.desc = *s, has_desc = true;
      else ok = false;
    }
    if (const YAML::Node v = child(item, "priority"); v.IsDefined()) {
      auto s = string_value(v, "priority", "rule", n);
      auto p = s ? parse_rule_priority(*s) : std::nullopt;
      if (s && !p) error("bad-value", v, "rule", n, fmt::format("Invalid priority '{}'", *s));
      if (p) r.priority = *p, has_priority = true;
      else ok = false;
    }
    if (const YAML::Node v = child(item, "tags"); v.IsDefined()) {
      if (auto t = strings(v, "tags", "rule", n)) r.tags = std::move(*t), has_tags = true;
      else ok = false;
    }
    if (const YAML::Node v = child(item, "source"); v.IsDefined()) {
      auto s = string_value(v, "source", "rule", n);
      if (s && !s->empty()) r.source = *s, has_source = true;
      else if (s) error("missing-key", v, "rule", n, "Mapping for key 'source' is empty"), ok = false;
      else ok = false;
    }
    auto get_bool = [&](const char* key, bool& to) {
      const YAML::Node v = child(item, key);
      if (!v.IsDefined()) return false;
      auto b = boolean(v, key, "rule", n);
      if (!b) {
        ok = false;
        return false;
      }
      to = *b;
      return true;
    };
    const bool has_enabled = get_bool("enabled", r.enabled);
    const bool has_warn = get_bool("warn_evttypes", r.warn_evttypes);
    const bool has_skip = get_bool("skip-if-unknown-filter", r.skip_if_unknown_filter);
    const bool has_capture = get_bool("capture", r.capture);
    if (const YAML::Node v = child(item, "exceptions"); v.IsDefined()) {
      if (auto e = read_exceptions(v, n)) r.exceptions = std::move(*e), has_exceptions = true;
      else ok = false;
    }
    if (!ok) return;

    if (child(item, "override").IsDefined()) {
      auto o = overrides(item, "rule", n, {"condition", "output", "desc", "tags", "exceptions"},
                         {"condition", "output", "desc", "tags", "exceptions", "priority", "enabled", "capture",
                          "capture_duration", "warn_evttypes", "skip-if-unknown-filter"});
      if (!o) return;
      if (!existing) {
        error("undefined-override", item, "rule", n, "Rule has 'override' key but no rule by that name already exists");
        return;
      }
      for (const auto& [key, how] : *o) {
        const bool add = how == "append";
        if (key == "condition") add ? append_text(existing->condition, std::move(r.condition))
                                    : void(existing->condition = std::move(r.condition));
        else if (key == "output") add ? append_text(existing->output, std::move(r.output))
                                      : void(existing->output = std::move(r.output));
        else if (key == "desc") existing->desc = add ? existing->desc + " " + r.desc : r.desc;
        else if (key == "tags") {
          if (!add) existing->tags.clear();
          existing->tags.insert(existing->tags.end(), r.tags.begin(), r.tags.end());
        } else if (key == "exceptions") {
          if (!add) existing->exceptions.clear();
          merge_exceptions(*existing, std::move(r.exceptions));
        } else if (key == "priority") existing->priority = r.priority;
        else if (key == "enabled") existing->enabled = r.enabled;
        else if (key == "capture") existing->capture = r.capture;
        else if (key == "warn_evttypes") existing->warn_evttypes = r.warn_evttypes;
        else if (key == "skip-if-unknown-filter") existing->skip_if_unknown_filter = r.skip_if_unknown_filter;
      }
      return;
    }
    if (append) {
      if (!existing) {
        error("undefined-append", item, "rule", n, "Rule has 'append' key but no rule by that name already exists");
        return;
      }
      if (!has_condition && !has_exceptions) {
        error("bad-append", item, "rule", n, "Appended rule must have exceptions or condition property");
        return;
      }
      if (has_condition) append_text(existing->condition, std::move(r.condition));
      if (has_exceptions) merge_exceptions(*existing, std::move(r.exceptions));
      return;
    }
    // `rule` + `enabled` only: switches an existing rule.
    if (has_enabled && !has_condition && !has_output && !has_desc && !has_priority && !has_tags && !has_source &&
        !has_exceptions && !has_warn && !has_skip && !has_capture) {
      if (!existing) {
        error("undefined-enable", item, "rule", n, "Rule has 'enabled' key but no rule by that name already exists");
        return;
      }
      existing->enabled = r.enabled;
      return;
    }
    bool complete = true;
    for (auto [key, has] : {std::pair{"condition", has_condition}, {"output", has_output}, {"desc", has_desc},
                            {"priority", has_priority}}) {
      if (!has) {
        error("missing-key", item, "rule", n, fmt::format("Item has no mapping for key '{}'", key));
        complete = false;
      }
    }
    if (has_condition && r.condition.text.empty()) {
      error("missing-key", child(item, "condition"), "rule", n, "Mapping for key 'condition' is empty");
      complete = false;
    }
    if (!complete) return;
    for (const auto& ex : r.exceptions)
      if (!ex.has_fields)
        c.add("bad-exception", severity::error, ex.position, "exception", ex.name,
              "Item has no mapping for key 'fields'");
    std::erase_if(r.exceptions, [](const exception_def& e) { return !e.has_fields; });
    if (existing) {
      r.position = existing->position;   // a redefinition keeps its place
      *existing = std::move(r);
      return;
    }
    c.rule_index.emplace(n, c.rules.size());
    c.rules.push_back(std::move(r));
  }

  void read_engine_version(const YAML::Node& item) {
    const YAML::Node v = child(item, "required_engine_version");
    const std::string text = v.IsScalar() ? scalar(v) : std::string();
    auto want = parse_engine_version(text);
    if (!want) {
      error("bad-value", v, "required_engine_version", text,
            fmt::format("Unable to parse engine version '{}' as a semver string. Expected \"x.y.z\" semver format.",
                        text));
      return;
    }
    auto have = parse_engine_version(options.engine_version);
    if (have && *want > *have)
      error("engine-version", v, "required_engine_version", text,
            fmt::format("Rules require engine version {}, but engine version is {}", version_text(*want),
                        version_text(*have)));
  }

  void read_plugin_versions(const YAML::Node& item) {
    const YAML::Node v = child(item, "required_plugin_versions");
    if (!v.IsSequence()) {
      error("wrong-shape", v, "required_plugin_versions", "",
            "Value of 'required_plugin_versions' must be a sequence of {name, version} mappings");
      return;
    }
    for (const auto& p : v) {
      const YAML::Node name = child(p, "name"), version = child(p, "version");
      if (!p.IsMap() || !name.IsScalar() || !version.IsScalar()) {
        error("wrong-shape", p, "required_plugin_versions", "",
              "Each required plugin needs a 'name' and a 'version'");
        continue;
      }
      plugin_requirement r;
      r.name = scalar(name);
      r.version = scalar(version);
      r.position = at(p);
      r.satisfied = plugin_satisfied(r.name, r.version);
      std::string wanted = fmt::format("{} (>= {})", r.name, r.version);
      if (const YAML::Node alts = child(p, "alternatives"); alts.IsSequence()) {
        for (const auto& a : alts) {
          if (!a.IsMap() || !child(a, "name").IsScalar() || !child(a, "version").IsScalar()) {
            error("wrong-shape", a, "required_plugin_versions", r.name,
                  "Each alternative needs a 'name' and a 'version'");
            continue;
          }
          r.alternatives.emplace_back(scalar(child(a, "name")), scalar(child(a, "version")));
          r.satisfied = r.satisfied || plugin_satisfied(r.alternatives.back().first, r.alternatives.back().second);
          wanted += fmt::format(", {} (>= {})", r.alternatives.back().first, r.alternatives.back().second);
        }
      }
      if (!r.satisfied)
        error("plugin-version", p, "required_plugin_versions", r.name,
              fmt::format("Plugin requirement not satisfied, must load one of: {}", wanted));
      c.plugins.push_back(std::move(r));
    }
  }

  void read_item(const YAML::Node& item) {
    if (item.IsNull()) return;   // a lone "-": Falco tolerates it
    if (!item.IsMap()) {
      error("wrong-shape", item, "rules content item", "",
            "Unexpected element type. Each element should be a yaml associative array.");
      return;
    }
    if (child(item, "rule").IsDefined()) read_rule(item);
    else if (child(item, "macro").IsDefined()) read_macro(item);
    else if (child(item, "list").IsDefined()) read_list(item);
    else if (child(item, "required_engine_version").IsDefined()) read_engine_version(item);
    else if (child(item, "required_plugin_versions").IsDefined()) read_plugin_versions(item);
    else
      warning("unknown-item", item, "rules content item", "", "Unknown top level object");
  }
};

// yaml-cpp 0.7 loops forever on a ',' that starts a line at a document's root
// indentation (",a", "- a\n, b"), which is never valid YAML. Returns the byte
// offset of the first such ',' (outside quotes, flow collections, comments and
// block scalars), or npos.
std::size_t stray_root_comma(std::string_view text) {
  std::size_t root = std::string_view::npos, block = std::string_view::npos;
  int depth = 0;
  char quote = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    const std::size_t indent = line.find_first_not_of(' ');
    const bool blank = indent == std::string_view::npos || line[indent] == '#' || line[indent] == '\r';
    if (!quote && line.substr(0, 3) == "---") {
      root = std::string_view::npos, depth = 0, block = std::string_view::npos;
      const std::size_t after = line.find_first_not_of(' ', 3);   // "--- , x" loops too
      if (after != std::string_view::npos && line[after] == ',') return pos + after;
    }
    else if (blank || (block != std::string_view::npos && indent > block)) {
    } else {
      block = std::string_view::npos;
      if (!quote && depth == 0) {
        if (root == std::string_view::npos) root = indent;
        if (line[indent] == ',' && indent <= root) return pos + indent;
      }
      char last = 0;
      for (std::size_t i = indent; i < line.size(); ++i) {
        const char ch = line[i];
        if (quote) {
          if (ch == quote && !(quote == '"' && i > 0 && line[i - 1] == '\\')) quote = 0;
          continue;
        }
        if (ch == '#' && (i == 0 || line[i - 1] == ' ')) break;
        if ((ch == '"' || ch == '\'') && (i == indent || line[i - 1] == ' ' || line[i - 1] == '[' ||
                                          line[i - 1] == '{' || line[i - 1] == ',')) quote = ch;
        else if (ch == '[' || ch == '{') ++depth;
        else if ((ch == ']' || ch == '}') && depth > 0) --depth;
        if (ch != ' ' && ch != '\r') last = ch;
      }
      if (!quote && depth == 0 && (last == '>' || last == '|' || last == '-' || last == '+' ||
                                   (last >= '0' && last <= '9'))) {
        const std::size_t mark = line.find_last_of(">|");
        if (mark != std::string_view::npos && mark > 0 && line[mark - 1] == ' ') block = indent;
      }
    }
    pos = end + 1;
  }
  return std::string_view::npos;
}

}  // namespace

void read_rules_text(collection& c, const rule_load_options& options) {
  reader r{c, options, c.files.size() - 1};
  const std::string& text = c.files.back().text;
  // YAML has no NUL characters; yaml-cpp 0.7 can loop on them (rules_fuzz).
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
    const std::size_t line = static_cast<std::size_t>(std::count(text.begin(), text.begin() + nul, '\n')) + 1;
    const std::size_t bol = nul == 0 ? std::string::npos : text.rfind('\n', nul - 1);
    c.add("not-yaml", severity::error, {c.files.back().name, line, bol == std::string::npos ? nul + 1 : nul - bol},
          "rules content", "", "Rules content is not yaml: NUL character");
    return;
  }
  if (const std::size_t comma = stray_root_comma(text); comma != std::string::npos) {
    const std::size_t line = static_cast<std::size_t>(std::count(text.begin(), text.begin() + comma, '\n')) + 1;
    const std::size_t bol = text.rfind('\n', comma == 0 ? 0 : comma - 1);
    const std::size_t column = bol == std::string::npos || comma == 0 ? comma + 1 : comma - bol;
    c.add("not-yaml", severity::error, {c.files.back().name, line, column}, "rules content", "",
          "Rules content is not yaml: ',' outside a flow collection");
    return;
  }
  // yaml-cpp 0.7 can loop on malformed input: a counting pass stops it first (yaml/event_budget.hpp).
  if (auto stop = yaml::runaway_parse(text)) {
    c.add("not-yaml", severity::error, r.at(*stop), "rules content", "",
          fmt::format("Rules content is not yaml: {}", yaml::runaway_message));
    return;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    c.add("not-yaml", severity::error, r.at(e.mark), "rules content", "", fmt::format("Rules content is not yaml: {}", e.msg));
    return;
  }
  for (const auto& doc : docs) {
    if (doc.IsNull()) continue;
    if (!doc.IsSequence()) {
      c.add("wrong-shape", severity::error, r.at(doc), "rules content", "", "Rules content is not yaml array of objects");
      continue;
    }
    for (const auto& item : doc) {
      try {
        r.read_item(item);
      } catch (const YAML::Exception& e) {   // conversions of odd nodes: report, go on
        c.add("wrong-shape", severity::error, r.at(item), "rules content item", "",
              fmt::format("Unreadable item: {}", e.msg));
      }
    }
  }
}

}  // namespace mitrekg::rules
