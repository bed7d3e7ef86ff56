// One MITRE tag: the dialect table, parsing (lenient, saying what is not canonical), formatting and resolution against the graph.
#include <algorithm>
#include <array>
#include <cctype>

#include "mitrekg/query.hpp"
#include "mitrekg/tags.hpp"
#include "support/text.hpp"

namespace mitrekg {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_separator(char c) { return c == '_' || c == '-' || c == '.' || c == ' ' || c == '/'; }

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Lower case, every run of non-alphanumerics one `sep`, none at the ends.
std::string fold(std::string_view s, char sep) {
  std::string out;
  bool pending = false;
  for (char c : s) {
    if (is_alnum(c)) {
      if (pending && !out.empty()) out += sep;
      pending = false;
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      pending = true;
    }
  }
  return out;
}

std::string underscores(std::string_view shortname) {
  std::string s(shortname);
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

std::string lower(std::string_view s) { return to_lower(s); }

// ---- the dialect table: one row per dialect ----

std::string format_falco(const tag_value& v) {
  switch (v.kind) {
    case tag_kind::tactic: return v.shortname.empty() ? v.id : "mitre_" + underscores(v.shortname);
    default: return v.id;
  }
}

std::string format_sysdig(const tag_value& v) {
  std::string s = "MITRE_";
  if (v.kind == tag_kind::tactic) {
    if (v.id.empty()) return s + underscores(v.shortname);
    s += v.id;
    if (!v.shortname.empty()) {   // appended piece by piece: "_" + a temporary trips g++ 12's -Wrestrict false positive
      s += '_';
      s += underscores(v.shortname);
    }
    return s;
  }
  s += v.id;
  if (!v.name.empty()) s += "_" + v.name;
  return s;
}

std::string format_sigma(const tag_value& v) {
  if (v.kind == tag_kind::tactic && !v.shortname.empty()) return "attack." + v.shortname;
  return "attack." + lower(v.id);
}

struct dialect_row {
  tag_dialect dialect;
  std::string_view name;
  std::string (*format)(const tag_value&);
  bool names_in_tags;        // the tag carries an object name that must be current
};

constexpr std::array<dialect_row, 3> dialects = {{
    {tag_dialect::falco, "falco", format_falco, false},
    {tag_dialect::sysdig, "sysdig", format_sysdig, true},
    {tag_dialect::sigma, "sigma", format_sigma, false},
}};

const dialect_row& row(tag_dialect d) { return dialects[static_cast<std::size_t>(d)]; }

// Reads "T1562", "T1562.001", "TA0005", "G0016", "S0154" (any case) at the
// start of `s`. Returns the id's length in `s`, 0 when there is none; `id`
// gets the upper-case id with '.' before a sub-technique number; `problem`
// says what is off (a separator, a digit count).
std::size_t read_id(std::string_view s, tag_kind& kind, std::string& id, std::string& problem) {
  std::size_t i = 0;
  char c0 = static_cast<char>(std::toupper(static_cast<unsigned char>(s.empty() ? 0 : s[0])));
  if (c0 == 'T' && s.size() > 2 && (s[1] == 'a' || s[1] == 'A') && is_digit(s[2])) {
    kind = tag_kind::tactic;
    i = 2;
  } else if ((c0 == 'T' || c0 == 'G' || c0 == 'S') && s.size() > 1 && is_digit(s[1])) {
    kind = c0 == 'T' ? tag_kind::technique : c0 == 'G' ? tag_kind::group : tag_kind::software;
    i = 1;
  } else {
    return 0;
  }
  std::size_t digits_at = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  id = to_upper(s.substr(0, i));
  if (i - digits_at != 4) {
    problem = "the id " + id + " does not have 4 digits";
    // TA005, TA00040: the number written with 4 digits, when it fits.
    std::string_view digits = s.substr(digits_at, i - digits_at);
    while (digits.size() > 4 && digits.front() == '0') digits.remove_prefix(1);
    if (digits.size() <= 4) id = id.substr(0, digits_at) + std::string(4 - digits.size(), '0') + std::string(digits);
  }
  if (kind == tag_kind::technique && i + 1 < s.size() && (s[i] == '.' || s[i] == '_') && is_digit(s[i + 1])) {
    std::size_t j = i + 1;
    while (j < s.size() && is_digit(s[j])) ++j;
    // A digit run after '_' is a sub-technique number only when 3 digits long
    // and followed by the end or a separator (MITRE_T1003_007_os_credential…).
    if (s[i] == '.' || (j - i - 1 == 3 && (j == s.size() || is_separator(s[j])))) {
      if (s[i] == '_' && problem.empty()) problem = "'_' where '.' belongs before the sub-technique number";
      if (j - i - 1 != 3 && problem.empty()) problem = "the sub-technique number does not have 3 digits";
      id += '.';
      id += s.substr(i + 1, j - i - 1);
      i = j;
    }
  }
  if (i < s.size() && !is_separator(s[i])) return 0;   // "T1000x", "Tomcat": not an id
  return i;
}

// Why `text` is not `expected` (both spellings of one value).
std::string why_not(std::string_view text, std::string_view expected, tag_dialect d) {
  if (text.find(' ') != std::string_view::npos) return "a space";
  if (iequals(text, expected)) return "wrong case";
  if (fold(text, '_') == fold(expected, '_')) {
    auto seps = [](std::string_view s) {
      std::string out(s);
      for (char& c : out)
        if (is_separator(c)) c = '_';
      return out;
    };
    return seps(text) == seps(expected) ? "wrong separator" : "wrong case and separator";
  }
  return std::string("not the ") + std::string(row(d).name) + " form";
}

}  // namespace

std::string_view to_string(tag_dialect d) noexcept { return row(d).name; }

std::optional<tag_dialect> parse_tag_dialect(std::string_view s) noexcept {
  for (const auto& r : dialects)
    if (iequals(s, r.name)) return r.dialect;
  return std::nullopt;
}

std::string_view to_string(tag_kind k) noexcept {
  switch (k) {
    case tag_kind::tactic: return "tactic";
    case tag_kind::technique: return "technique";
    case tag_kind::group: return "group";
    case tag_kind::software: return "software";
  }
  return "tactic";
}

std::string snake_name(std::string_view name) { return fold(name, '_'); }

std::string format_tag(const tag_value& v, tag_dialect d) { return row(d).format(v); }

std::optional<parsed_tag> parse_tag(std::string_view text, tag_dialect d) {
  parsed_tag p;
  std::string problem;
  std::string_view rest = text;
  bool sigma_form = istarts_with(rest, "attack.");
  bool mitre_prefix = false;
  if (sigma_form) {
    rest.remove_prefix(7);
    if (rest.empty()) return std::nullopt;
  } else if (istarts_with(rest, "mitre")) {
    rest.remove_prefix(5);
    if (rest.empty() || !is_separator(rest[0])) return std::nullopt;   // "MITRE", "mitreX"
    rest.remove_prefix(1);
    mitre_prefix = true;
    if (rest.empty()) return std::nullopt;
  }
  std::size_t n = read_id(rest, p.value.kind, p.value.id, problem);
  // Group and software ids only in the prefixed forms: a bare "S3" is no tag.
  if (n && !sigma_form && !mitre_prefix && p.value.kind != tag_kind::tactic && p.value.kind != tag_kind::technique)
    return std::nullopt;
  std::string_view name_part;
  if (n) {
    name_part = rest.substr(n);
    if (!name_part.empty()) name_part.remove_prefix(1);   // the separator read_id stopped at
  } else if (sigma_form || mitre_prefix) {
    p.value.kind = tag_kind::tactic;   // mitre_defense_evasion, attack.defense-evasion
    name_part = rest;
  } else {
    return std::nullopt;
  }
  if (p.value.kind == tag_kind::tactic) p.value.shortname = fold(name_part, '-');
  else p.value.name = fold(name_part, '_');

  std::string expected = format_tag(p.value, d);
  if (!problem.empty()) {
    p.canonical = false;
    p.problem = std::move(problem);
  } else if (expected != text) {
    p.canonical = false;
    p.problem = why_not(text, expected, d);
  } else if (d == tag_dialect::sysdig && p.value.shortname.empty() && p.value.name.empty()) {
    p.canonical = false;
    p.problem = "no name after the id";
  } else if (d != tag_dialect::sigma && sigma_form) {
    p.canonical = false;
    p.problem = std::string("not the ") + std::string(row(d).name) + " form";
  }
  return p;
}

tag_resolution resolve_tag(const knowledge_graph& g, const tag_value& v, const lookup_options& options) {
  tag_resolution r;
  lookup_options any = options;
  any.include_revoked = true;
  any.include_deprecated = true;
  std::optional<node> n;
  switch (v.kind) {
    case tag_kind::tactic:
      if (!v.id.empty()) {
        n = g.find(object_type::tactic, v.id, any);
      } else {
        auto found = find_tactic(g, v.shortname, any);
        if (!found.empty()) n = found.front();
      }
      break;
    case tag_kind::technique: n = g.find(object_type::technique, v.id, any); break;
    case tag_kind::group: n = g.find(object_type::group, v.id, any); break;
    case tag_kind::software: n = g.find(object_type::software, v.id, any); break;
  }
  if (!n) return r;
  r.object = *n;
  const attack_object& o = g[*n];
  if (o.revoked) {
    r.status = tag_status::revoked;
    if (auto rep = replacement(g, *n, options)) r.replacement = *rep;
  } else {
    r.status = o.deprecated ? tag_status::deprecated : tag_status::live;
  }
  return r;
}

tag_value tag_of(const knowledge_graph& g, node object) {
  const attack_object& o = g[object];
  tag_value v;
  v.id = std::string(o.id);
  switch (o.type) {
    case object_type::tactic:
      v.kind = tag_kind::tactic;
      v.shortname = std::string(o.shortname);
      return v;
    case object_type::group: v.kind = tag_kind::group; break;
    case object_type::software: v.kind = tag_kind::software; break;
    default: v.kind = tag_kind::technique; break;
  }
  std::string name(o.name);
  if (o.is_subtechnique)
    if (auto p = parent(g, object)) name = std::string(g[*p].name) + " " + name;
  v.name = snake_name(name);
  return v;
}

std::vector<std::string> technique_tags(const knowledge_graph& g, node technique, tag_dialect d) {
  std::vector<std::string> out{format_tag(tag_of(g, technique), d)};
  std::vector<node> own = tactics_of(g, technique);
  lookup_options all;
  all.domains = g[technique].domains ? g[technique].domains : all_domains;
  for (node t : tactics(g, all))
    if (std::find(own.begin(), own.end(), t) != own.end()) out.push_back(format_tag(tag_of(g, t), d));
  return out;
}

}  // namespace mitrekg
