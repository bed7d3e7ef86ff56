// The diagnostic renderers: one text line, JSON, and SARIF 2.1.0.
#include "mitrekg/diagnostic.hpp"

#include <iterator>

#include <fmt/format.h>

#include "support/text.hpp"

namespace mitrekg {

std::string_view to_string(severity s) noexcept {
  switch (s) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::note: return "note";
  }
  return "error";
}

std::optional<severity> parse_severity(std::string_view s) noexcept {
  for (auto v : {severity::error, severity::warning, severity::note})
    if (iequals(s, to_string(v))) return v;
  return std::nullopt;
}

std::string render_text(const diagnostic& d) {
  std::string out;
  auto it = std::back_inserter(out);
  if (!d.file.empty()) {
    out += escape_control(d.file);
    if (d.line > 0) {
      fmt::format_to(it, ":{}", d.line);
      if (d.column > 0) fmt::format_to(it, ":{}", d.column);
    }
    out += ": ";
  }
  fmt::format_to(it, "{}: {}: {}", to_string(d.level), d.code, escape_control(d.message));
  return out;
}

namespace {

// `"key":` then a JSON string.
void field(std::string& out, std::string_view key, std::string_view value) {
  append_json_string(out, key);
  out.push_back(':');
  append_json_string(out, value);
}

void field(std::string& out, std::string_view key, std::size_t value) {
  append_json_string(out, key);
  fmt::format_to(std::back_inserter(out), ":{}", value);
}

void append_json(std::string& out, const diagnostic& d) {
  out.push_back('{');
  field(out, "code", d.code);
  out.push_back(',');
  field(out, "severity", to_string(d.level));
  out.push_back(',');
  field(out, "file", d.file);
  out.push_back(',');
  field(out, "line", d.line);
  out.push_back(',');
  field(out, "column", d.column);
  out.push_back(',');
  field(out, "item", d.item);
  out.push_back(',');
  field(out, "message", d.message);
  if (d.fix) {
    out += ",\"fix\":{";
    field(out, "line", d.fix->line);
    out.push_back(',');
    field(out, "column", d.fix->column);
    out.push_back(',');
    field(out, "end_line", d.fix->end_line);
    out.push_back(',');
    field(out, "end_column", d.fix->end_column);
    out.push_back(',');
    field(out, "replacement", d.fix->replacement);
    out.push_back('}');
  }
  out.push_back('}');
}

// A file name as a SARIF artifact URI (RFC 3986): absolute paths as file://
// URIs, relative ones as relative references; bytes outside the unreserved
// set and '/' percent-encoded.
std::string file_uri(std::string_view path) {
  std::string out = path.starts_with('/') ? "file://" : "";
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' ||
                 c == '.' || c == '_' || c == '~' || c == '/';
    if (plain)
      out.push_back(c);
    else
      fmt::format_to(std::back_inserter(out), "%{:02X}", static_cast<unsigned>(u));
  }
  return out;
}

std::string_view sarif_level(severity s) noexcept { return to_string(s); }   // same three words

}  // namespace

std::string render_json(const diagnostic& d) {
  std::string out;
  append_json(out, d);
  return out;
}

std::string render_json_array(std::span<const diagnostic> ds) {
  std::string out = "[";
  for (std::size_t i = 0; i < ds.size(); ++i) {
    out += i == 0 ? "\n  " : ",\n  ";
    append_json(out, ds[i]);
  }
  out += ds.empty() ? "]\n" : "\n]\n";
  return out;
}

std::string render_sarif(std::span<const diagnostic> ds, const sarif_tool& tool) {
  // The rule table: the tool's rules, then any code a result uses that it lacks.
  std::vector<diagnostic_rule> rules = tool.rules;
  auto rule_index = [&rules](std::string_view code) -> std::size_t {
    for (std::size_t i = 0; i < rules.size(); ++i)
      if (rules[i].code == code) return i;
    return rules.size();
  };
  for (const auto& d : ds)
    if (rule_index(d.code) == rules.size()) rules.push_back({d.code, d.code, "", d.level});

  std::string out;
  auto it = std::back_inserter(out);
  out += "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n";
  out += "  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {";
  field(out, "name", tool.name);
  if (!tool.version.empty()) {
    out.push_back(',');
    field(out, "version", tool.version);
  }
  if (!tool.information_uri.empty()) {
    out.push_back(',');
    field(out, "informationUri", tool.information_uri);
  }
  out += ",\"rules\":[";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    out += i == 0 ? "\n          {" : ",\n          {";
    field(out, "id", r.code);
    out += ",\"shortDescription\":{";
    field(out, "text", r.summary.empty() ? r.code : r.summary);
    out += "}";
    if (!r.help.empty()) {
      out += ",\"help\":{";
      field(out, "text", r.help);
      out += "}";
    }
    out += ",\"defaultConfiguration\":{";
    field(out, "level", sarif_level(r.default_level));
    out += "}}";
  }
  out += "]}\n      },\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [";
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const auto& d = ds[i];
    out += i == 0 ? "\n        {" : ",\n        {";
    field(out, "ruleId", d.code);
    out.push_back(',');
    field(out, "ruleIndex", rule_index(d.code));
    out.push_back(',');
    field(out, "level", sarif_level(d.level));
    out += ",\"message\":{";
    field(out, "text", d.message);
    out += "}";
    if (!d.file.empty() || !d.item.empty()) {
      out += ",\"locations\":[{";
      bool comma = false;
      if (!d.file.empty()) {
        out += "\"physicalLocation\":{\"artifactLocation\":{";
        field(out, "uri", file_uri(d.file));
        out += "}";
        if (d.line > 0) {
          out += ",\"region\":{";
          field(out, "startLine", d.line);
          if (d.column > 0) {
            out.push_back(',');
            field(out, "startColumn", d.column);
          }
          out += "}";
        }
        out += "}";
        comma = true;
      }
      if (!d.item.empty()) {
        if (comma) out.push_back(',');
        out += "\"logicalLocations\":[{";
        field(out, "name", d.item);
        out += "}]";
      }
      out += "}]";
    }
    if (d.fix && !d.file.empty() && d.fix->line > 0 && d.fix->column > 0) {
      const auto& f = *d.fix;
      out += ",\"fixes\":[{\"description\":{";
      field(out, "text", fmt::format("replace with {}", f.replacement));
      out += "},\"artifactChanges\":[{\"artifactLocation\":{";
      field(out, "uri", file_uri(d.file));
      out += "},\"replacements\":[{\"deletedRegion\":{";
      field(out, "startLine", f.line);
      out.push_back(',');
      field(out, "startColumn", f.column);
      out.push_back(',');
      field(out, "endLine", f.end_line);
      out.push_back(',');
      field(out, "endColumn", f.end_column);
      out += "},\"insertedContent\":{";
      field(out, "text", f.replacement);
      out += "}}]}]}]";
    }
    out += "}";
  }
  fmt::format_to(it, "{}]\n    }}\n  ]\n}}\n", ds.empty() ? "" : "\n      ");
  return out;
}

diagnostic_counts count(std::span<const diagnostic> ds) noexcept {
  diagnostic_counts c;
  for (const auto& d : ds) {
    if (d.level == severity::error) ++c.errors;
    else if (d.level == severity::warning) ++c.warnings;
    else ++c.notes;
  }
  return c;
}

}  // namespace mitrekg
