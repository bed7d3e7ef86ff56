// Linting the MITRE tags of one rule file (yaml-cpp for the structure, the source bytes for positions and fixes).
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "mitrekg/query.hpp"
#include "mitrekg/tags.hpp"
#include "support/text.hpp"
#include "tags/outline.hpp"

namespace mitrekg {
namespace {

// Byte offsets of line starts, for 1-based line/column ↔ offset.
struct line_index {
  std::vector<std::size_t> starts{0};
  explicit line_index(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') starts.push_back(i + 1);
  }
  std::size_t offset(std::size_t line, std::size_t column, std::size_t size) const {
    if (line == 0 || line > starts.size()) return size;
    return std::min(starts[line - 1] + (column ? column - 1 : 0), size);
  }
  std::pair<std::size_t, std::size_t> position(std::size_t offset) const {
    auto it = std::upper_bound(starts.begin(), starts.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - starts.begin());
    return {line, offset - starts[line - 1] + 1};
  }
};

// One tag scalar of the file: its value and where its bytes are.
struct tag_site {
  std::string text;
  std::size_t line = 0, column = 0;         // 1-based, of the tag text (inside quotes)
  std::size_t begin = 0, end = 0;           // byte range of the tag text; begin == end: not located
  std::size_t del_begin = 0, del_end = 0;   // what deleting the whole tag removes; equal: cannot
};

bool blank(char c) { return c == ' ' || c == '\t'; }

using tags::outline;
using tags::outline_node;

// A tag scalar as read: its value and yaml-cpp's mark (0-based; columns in characters).
struct tag_scalar {
  std::string text;
  int line = 0, column = 0;
};

// Finds the scalar's bytes near yaml-cpp's mark and what deleting it from its sequence removes.
tag_site locate(std::string_view text, const line_index& lines, const tag_scalar& n) {
  tag_site s;
  s.text = n.text;
  const tag_scalar& m = n;
  s.line = static_cast<std::size_t>(m.line) + 1;
  s.column = static_cast<std::size_t>(m.column) + 1;
  if (m.line < 0 || static_cast<std::size_t>(m.line) >= lines.starts.size()) return s;
  std::size_t line_begin = lines.starts[static_cast<std::size_t>(m.line)];
  std::size_t line_end = text.find('\n', line_begin);
  if (line_end == std::string_view::npos) line_end = text.size();
  std::string_view line = text.substr(line_begin, line_end - line_begin);
  // yaml-cpp counts columns in characters; the line's bytes decide.
  std::size_t at = std::min(static_cast<std::size_t>(m.column), line.size());
  auto scalar_at = [&](std::size_t i) -> std::pair<std::size_t, std::size_t> {   // [b, e) of the text, e: after a closing quote
    if (i < line.size() && (line[i] == '"' || line[i] == '\'')) {
      char q = line[i];
      for (std::size_t j = i + 1; j < line.size(); ++j) {
        if (q == '"' && line[j] == '\\') { ++j; continue; }
        if (line[j] == q) {
          if (q == '\'' && j + 1 < line.size() && line[j + 1] == '\'') { ++j; continue; }
          return {i + 1, j};
        }
      }
      return {0, 0};
    }
    if (line.substr(i, s.text.size()) == s.text && !s.text.empty()) return {i, i + s.text.size()};
    return {0, 0};
  };
  auto [b, e] = scalar_at(at);
  if (b == e) {
    std::size_t found = line.find(s.text);
    if (found == std::string_view::npos || s.text.empty()) return s;
    std::tie(b, e) = std::pair{found, found + s.text.size()};
  }
  s.begin = line_begin + b;
  s.end = line_begin + e;
  s.column = b + 1;
  bool quoted = b > 0 && (line[b - 1] == '"' || line[b - 1] == '\'');
  std::size_t item_b = quoted ? b - 1 : b, item_e = quoted ? e + 1 : e;
  // A block sequence item alone on its line ("  - tag  # comment"): the whole line goes.
  std::size_t i = 0;
  while (i < item_b && blank(line[i])) ++i;
  if (i < item_b && line[i] == '-') {
    std::size_t j = i + 1;
    while (j < item_b && blank(line[j])) ++j;
    std::size_t k = item_e;
    while (k < line.size() && (blank(line[k]) || line[k] == '\r')) ++k;
    if (j == item_b && j > i + 1 && (k == line.size() || line[k] == '#')) {
      s.del_begin = line_begin;
      s.del_end = line_end < text.size() ? line_end + 1 : line_end;
      return s;
    }
  }
  // A flow sequence item: the item and the comma after it, else the comma before it.
  std::size_t k = item_e;
  while (k < line.size() && blank(line[k])) ++k;
  if (k < line.size() && line[k] == ',') {
    ++k;
    while (k < line.size() && blank(line[k])) ++k;
    s.del_begin = line_begin + item_b;
    s.del_end = line_begin + k;
    return s;
  }
  std::size_t p = item_b;
  while (p > 0 && blank(line[p - 1])) --p;
  if (p > 0 && line[p - 1] == ',' && k < line.size() && line[k] == ']') {
    s.del_begin = line_begin + p - 1;
    s.del_end = line_begin + item_e;
  }
  return s;
}

// A rule (or a tag list) and its tag scalars.
struct rule_tags {
  std::string name;
  std::size_t line = 0;
  bool is_rule = true;     // false: a flat tag list, no rule-level checks
  std::vector<tag_scalar> tags;
};

// How deep collect() looks below a document's root: rule list → rule → tags → tag.
constexpr std::size_t outline_depth = 3;
// The map values collect() reads as text (the rule's name).
const std::vector<std::string_view> outline_value_keys = {"rule", "title", "name"};

void collect(const outline& y, const outline_node& doc, std::vector<rule_tags>& out, bool& sigma) {
  auto add = [&](const outline_node& holder, const outline_node* tags, std::string name, bool is_rule) {
    if (!tags || !tags->is_sequence()) return;
    rule_tags r{std::move(name), static_cast<std::size_t>(holder.line) + 1, is_rule, {}};
    for (std::uint32_t t : tags->children)
      if (y[t].is_scalar()) r.tags.push_back({y[t].scalar, y[t].line, y[t].column});
    out.push_back(std::move(r));
  };
  auto scalar = [](const outline_node* n) { return n && n->is_scalar() ? n->scalar : std::string(); };
  if (doc.is_sequence()) {   // Falco / Sysdig rule list
    for (std::uint32_t i : doc.children)
      if (const outline_node& item = y[i]; item.is_map() && y.get(item, "rule"))
        add(item, y.get(item, "tags"), scalar(y.get(item, "rule")), true);
  } else if (doc.is_map()) {
    const outline_node* spec = y.get(doc, "spec");
    if (y.get(doc, "detection") || y.get(doc, "logsource")) {   // Sigma rule
      sigma = true;
      add(doc, y.get(doc, "tags"), scalar(y.get(doc, "title")), true);
    } else if (spec && spec->is_map() && y.get(*spec, "tags")) {   // KubeArmor policy
      const outline_node* metadata = y.get(doc, "metadata");
      std::string name = metadata && metadata->is_map() ? scalar(y.get(*metadata, "name")) : "";
      add(doc, y.get(*spec, "tags"), std::move(name), true);
    } else if (y.get(doc, "tags")) {   // a flat tag list
      add(doc, y.get(doc, "tags"), "", false);
    }
  }
}

}  // namespace

// The parse of one file: the rules found in it and their tags, or the YAML error.
struct parsed_rule_file::impl {
  std::vector<rule_tags> rules;
  bool sigma = false;
  bool failed = false;
  std::size_t error_line = 0, error_column = 0;   // 1-based
  std::string error;
};

parsed_rule_file::parsed_rule_file(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
parsed_rule_file::parsed_rule_file(parsed_rule_file&&) noexcept = default;
parsed_rule_file& parsed_rule_file::operator=(parsed_rule_file&&) noexcept = default;
parsed_rule_file::~parsed_rule_file() = default;

parsed_rule_file parse_rule_file(std::string_view text) {
  auto p = std::make_unique<parsed_rule_file::impl>();
  outline docs;
  try {
    docs = tags::read_outline(text, outline_depth, outline_value_keys);
  } catch (const YAML::Exception& e) {
    p->failed = true;
    p->error_line = static_cast<std::size_t>(std::max(e.mark.line, 0)) + 1;
    p->error_column = static_cast<std::size_t>(std::max(e.mark.column, 0)) + 1;
    p->error = e.msg;
    return parsed_rule_file(std::move(p));
  }
  for (std::uint32_t d : docs.documents) collect(docs, docs[d], p->rules, p->sigma);
  return parsed_rule_file(std::move(p));
}

namespace {

tag_dialect detect(const std::vector<rule_tags>& rules, bool sigma) {
  if (sigma) return tag_dialect::sigma;
  std::size_t sysdig = 0, falco = 0, attack = 0;
  for (const auto& r : rules)
    for (const auto& t : r.tags) {
      const std::string& s = t.text;
      if (s.rfind("MITRE_", 0) == 0) ++sysdig;
      else if (s.rfind("mitre_", 0) == 0 || (s.size() > 1 && s[0] == 'T' && (std::isdigit(static_cast<unsigned char>(s[1])) || s[1] == 'A'))) ++falco;
      else if (s.rfind("attack.", 0) == 0) ++attack;
    }
  if (attack > sysdig && attack > falco) return tag_dialect::sigma;
  return sysdig > falco ? tag_dialect::sysdig : tag_dialect::falco;
}

std::string id_name(const knowledge_graph& g, node n) {
  return fmt::format("{} {}", g[n].id, g[n].name);
}

}  // namespace

const std::vector<diagnostic_rule>& tag_rules() {
  static const std::vector<diagnostic_rule> rules = {
      {"unknown-technique", "unknown ATT&CK technique id", "The id names no technique in the ATT&CK release linted against: correct it, or lint against the release the rule was written for (--attack, --data).", severity::error},
      {"unknown-tactic", "unknown ATT&CK tactic", "The id or shortname names no tactic in the ATT&CK release linted against (newer releases add tactics); when the tag's name names one, the fix uses it.", severity::error},
      {"unknown-group", "unknown ATT&CK group id", "The id names no group (intrusion set) in the ATT&CK release linted against.", severity::error},
      {"unknown-software", "unknown ATT&CK software id", "The id names no software (malware or tool) in the ATT&CK release linted against.", severity::error},
      {"tactic-name-mismatch", "tactic id and name disagree", "The tag's id is one tactic and its name another (MITRE_TA0008_defense_evasion): the fix keeps the tactic the name says.", severity::error},
      {"malformed-tag", "malformed ATT&CK tag", "A space, the wrong case, the wrong separator, an id of the wrong length or another dialect's form: the fix writes the tag in the file's dialect.", severity::warning},
      {"missing-tactic", "no tactic of a tagged technique is tagged", "Tag at least one of the technique's tactics (mitre-query tag T… prints them).", severity::warning},
      {"surplus-tactic", "tactic that no tagged technique belongs to", "None of the rule's techniques is in this tactic: the fix removes the tag; else tag a technique of it.", severity::warning},
      {"revoked-id", "revoked ATT&CK id", "ATT&CK revoked this object: the fix writes what replaced it.", severity::error},
      {"deprecated-id", "deprecated ATT&CK id", "ATT&CK deprecated this object without a replacement: choose another technique.", severity::warning},
      {"stale-name", "name in the tag is not the current ATT&CK name", "ATT&CK renamed the object, or the name is misspelt: the fix writes the current name.", severity::warning},
      {"duplicate-tag", "the same tag twice in one rule", "The rule already carries this tag (perhaps spelt otherwise): the fix removes the repeat.", severity::warning},
      {"invalid-yaml", "the file is not valid YAML", "Fix the YAML syntax at the position given; no tag of the file was linted.", severity::error},
  };
  return rules;
}

tag_linter::tag_linter(const knowledge_graph& g, const lint_options& options) : g_(&g), options_(options) {
  lookup_options any = options.lookup;
  any.include_revoked = any.include_deprecated = true;
  tactics_ = tactics(g, any);
}

lint_result lint_tags(const knowledge_graph& g, std::string_view file, std::string_view text,
                      const lint_options& options) {
  return tag_linter(g, options).lint(file, text);
}

lint_result tag_linter::lint(std::string_view file, std::string_view text) const {
  return lint(file, text, parse_rule_file(text));
}

lint_result tag_linter::lint(std::string_view file, std::string_view text, const parsed_rule_file& parsed) const {
  const knowledge_graph& g = *g_;
  const lint_options& options = options_;
  const parsed_rule_file::impl& p = *parsed.impl_;
  lint_result result;
  if (p.failed) {
    result.diagnostics.push_back(
        {"invalid-yaml", severity::error, std::string(file), p.error_line, p.error_column, "", p.error, std::nullopt});
    return result;
  }
  const std::vector<rule_tags>& rules = p.rules;
  const bool sigma = p.sigma;
  const tag_dialect dialect = options.dialect ? *options.dialect : detect(rules, sigma);
  result.dialect = dialect;
  const line_index lines(text);
  const lookup_options& lk = options.lookup;
  // Tactics by shortname from the linter's table: find_tactic per tag would scan every object.
  const std::vector<node>& tactic_nodes = tactics_;
  auto named_tactic = [&](std::string_view shortname) -> std::vector<node> {
    for (node n : tactic_nodes)
      if (g[n].shortname == shortname) return {n};
    return {};
  };
  auto resolve = [&](const tag_value& v) {
    if (v.kind != tag_kind::tactic || !v.id.empty()) return resolve_tag(g, v, lk);
    tag_resolution r;
    if (auto n = named_tactic(v.shortname); !n.empty()) {
      r.object = n.front();
      r.status = g[r.object].revoked ? tag_status::revoked : g[r.object].deprecated ? tag_status::deprecated : tag_status::live;
    }
    return r;
  };
  auto level_of = [](std::string_view code) {
    for (const auto& r : tag_rules())
      if (r.code == code) return r.default_level;
    return severity::error;
  };

  for (const auto& rule : rules) {
    struct seen_tag {
      tag_site site;
      tag_kind kind;
      node effective = no_node;   // what the tag means once fixed; no_node: unknown
      std::string key;            // its text once fixed, lower case: equal keys are the same tag
    };
    std::vector<seen_tag> seen;
    std::vector<diagnostic> diags;
    auto emit = [&](const tag_site& s, std::string code, std::string message) {
      diagnostic d;
      d.level = level_of(code);
      d.code = std::move(code);
      d.file = std::string(file);
      d.line = s.line;
      d.column = s.column;
      d.item = rule.name;
      d.message = std::move(message);
      diags.push_back(std::move(d));
      return diags.size() - 1;
    };
    auto replace_fix = [&](const tag_site& s, const std::string& with) -> std::optional<text_edit> {
      if (s.begin == s.end || with == s.text) return std::nullopt;
      auto [l1, c1] = lines.position(s.begin);
      auto [l2, c2] = lines.position(s.end);
      return text_edit{l1, c1, l2, c2, with};
    };
    auto delete_fix = [&](const tag_site& s) -> std::optional<text_edit> {
      if (s.del_begin == s.del_end) return std::nullopt;
      auto [l1, c1] = lines.position(s.del_begin);
      auto [l2, c2] = lines.position(s.del_end);
      return text_edit{l1, c1, l2, c2, ""};
    };

    for (const auto& node_ : rule.tags) {
      auto parsed = parse_tag(node_.text, dialect);
      if (!parsed) continue;
      ++result.tags;
      tag_site site = locate(text, lines, node_);
      const tag_value& v = parsed->value;
      std::size_t first = diags.size();
      tag_resolution r = resolve(v);
      node effective = no_node;
      bool fixable = false;   // the findings below are repaired by writing `effective`'s tag
      std::string what = v.id.empty() ? "attack." + v.shortname : v.id;
      if (v.kind == tag_kind::tactic) {
        std::vector<node> named;
        if (!v.id.empty() && !v.shortname.empty()) named = named_tactic(v.shortname);
        if (r.status == tag_status::unknown) {
          if (!named.empty()) {
            effective = named.front();
            fixable = true;
            emit(site, "unknown-tactic", fmt::format("unknown tactic {}; its name says {}", v.id, id_name(g, effective)));
          } else {
            emit(site, "unknown-tactic",
                 v.id.empty() ? fmt::format("unknown tactic '{}'", v.shortname) : fmt::format("unknown tactic {}", v.id));
          }
        } else {
          effective = r.object;
          if (!v.id.empty() && !v.shortname.empty() && v.shortname != g[r.object].shortname) {
            if (!named.empty() && named.front() != r.object) {
              effective = named.front();
              fixable = true;
              emit(site, "tactic-name-mismatch",
                   fmt::format("{} is {}, not '{}' ({})", v.id, g[r.object].name, v.shortname, id_name(g, effective)));
            } else if (dialect == tag_dialect::sysdig) {
              fixable = true;
              emit(site, "stale-name", fmt::format("'{}' is not the name of {}", v.shortname, id_name(g, r.object)));
            }
          }
        }
      } else {
        if (r.status == tag_status::unknown) {
          emit(site, "unknown-" + std::string(to_string(v.kind)), fmt::format("unknown {} {}", to_string(v.kind), v.id));
        } else if (r.status == tag_status::revoked) {
          if (r.replacement != no_node) {
            effective = r.replacement;
            fixable = true;
            emit(site, "revoked-id", fmt::format("{} is revoked; replaced by {}", v.id, id_name(g, effective)));
          } else {
            emit(site, "revoked-id", fmt::format("{} is revoked, with no replacement", v.id));
          }
        } else {
          effective = r.object;
          if (r.status == tag_status::deprecated)
            emit(site, "deprecated-id", fmt::format("{} {} is deprecated", v.id, g[r.object].name));
          if (dialect == tag_dialect::sysdig && !v.name.empty()) {
            std::string own = snake_name(g[r.object].name);
            tag_value canonical = tag_of(g, r.object);
            if (v.name != own && v.name != canonical.name) {
              fixable = true;
              emit(site, "stale-name", fmt::format("'{}' is not the name of {}", v.name, id_name(g, r.object)));
            }
          }
        }
      }
      if (!parsed->canonical) {
        if (effective != no_node) fixable = true;
        emit(site, "malformed-tag", fmt::format("malformed tag '{}': {}", site.text, parsed->problem));
      }
      std::string final_text = format_tag(v, dialect);
      if (fixable && effective != no_node) {
        final_text = format_tag(tag_of(g, effective), dialect);
        auto edit = replace_fix(site, final_text);
        for (std::size_t i = first; i < diags.size(); ++i)
          if (diags[i].code != "deprecated-id") diags[i].fix = edit;
      }
      std::string key = to_lower(final_text);
      seen.push_back({std::move(site), effective != no_node ? (g[effective].type == object_type::tactic ? tag_kind::tactic : v.kind) : v.kind,
                      effective, std::move(key)});
    }

    // Rule-level checks on what the tags mean once fixed.
    std::vector<node> techniques, tactics_tagged;   // distinct
    std::map<std::string, std::size_t> keys;
    for (std::size_t i = 0; i < seen.size(); ++i) {
      const auto& t = seen[i];
      const std::string& key = t.key;
      if (keys.count(key)) {
        std::size_t k = emit(t.site, "duplicate-tag",
                             fmt::format("'{}' repeats '{}' (line {})", t.site.text, seen[keys[key]].site.text,
                                         seen[keys[key]].site.line));
        diags[k].fix = delete_fix(t.site);
        continue;
      }
      keys[key] = i;
      if (t.effective == no_node) continue;
      auto& into = t.kind == tag_kind::technique ? techniques : tactics_tagged;
      if ((t.kind == tag_kind::technique || t.kind == tag_kind::tactic) &&
          std::find(into.begin(), into.end(), t.effective) == into.end())
        into.push_back(t.effective);
    }
    if (rule.is_rule) {
      std::vector<std::vector<node>> technique_tactics;
      for (node t : techniques) technique_tactics.push_back(tactics_of(g, t));
      for (std::size_t i = 0; i < techniques.size(); ++i) {
        const auto& own = technique_tactics[i];
        bool any = std::any_of(own.begin(), own.end(), [&](node a) {
          return std::find(tactics_tagged.begin(), tactics_tagged.end(), a) != tactics_tagged.end();
        });
        if (any || own.empty()) continue;
        std::string names;
        for (node a : own) names += (names.empty() ? "" : ", ") + format_tag(tag_of(g, a), dialect);
        const auto& site = std::find_if(seen.begin(), seen.end(), [&](const seen_tag& s) { return s.effective == techniques[i]; })->site;
        emit(site, "missing-tactic", fmt::format("no tactic of {} is tagged (add {})", id_name(g, techniques[i]), names));
      }
      if (!techniques.empty())
        for (node a : tactics_tagged) {
          bool used = std::any_of(technique_tactics.begin(), technique_tactics.end(), [&](const std::vector<node>& own) {
            return std::find(own.begin(), own.end(), a) != own.end();
          });
          if (used) continue;
          const auto& site = std::find_if(seen.begin(), seen.end(), [&](const seen_tag& s) { return s.effective == a; })->site;
          std::size_t k = emit(site, "surplus-tactic",
                               fmt::format("no technique of this rule is in tactic {}", id_name(g, a)));
          diags[k].fix = delete_fix(site);
        }
    }

    tagged_rule summary{rule.name, rule.line, {}, {}, {}};
    for (const auto& t : seen) {
      if (t.effective == no_node) continue;
      std::string tag = format_tag(tag_of(g, t.effective), dialect);
      if (std::find(summary.tags.begin(), summary.tags.end(), tag) == summary.tags.end()) summary.tags.push_back(tag);
      auto& ids = t.kind == tag_kind::tactic ? summary.tactics : summary.techniques;
      if (t.kind != tag_kind::tactic && t.kind != tag_kind::technique) continue;
      std::string id(g[t.effective].id);
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    if (rule.is_rule) result.rules.push_back(std::move(summary));
    std::stable_sort(diags.begin(), diags.end(), [](const diagnostic& a, const diagnostic& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    for (auto& d : diags) result.diagnostics.push_back(std::move(d));
  }
  return result;
}

std::string apply_fixes(std::string_view text, std::span<const diagnostic> ds) {
  const line_index lines(text);
  std::vector<std::pair<std::pair<std::size_t, std::size_t>, const std::string*>> edits;
  for (const auto& d : ds) {
    if (!d.fix) continue;
    std::size_t b = lines.offset(d.fix->line, d.fix->column, text.size());
    std::size_t e = lines.offset(d.fix->end_line, d.fix->end_column, text.size());
    if (e < b) continue;
    edits.push_back({{b, e}, &d.fix->replacement});
  }
  // File order; at one start the wider edit (a deletion) first.
  std::stable_sort(edits.begin(), edits.end(), [](const auto& x, const auto& y) {
    return x.first.first != y.first.first ? x.first.first < y.first.first : x.first.second > y.first.second;
  });
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const auto& [range, with] : edits) {
    if (range.first < at) continue;   // overlaps (or repeats) an edit already taken
    out.append(text.substr(at, range.first - at));
    out += *with;
    at = range.second;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace mitrekg
