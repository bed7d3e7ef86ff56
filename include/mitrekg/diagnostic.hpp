// The one finding type of rule loading and tag linting, and its renderers (text, JSON, SARIF 2.1.0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mitrekg {

// How bad a finding is. Ordered: error < warning < note, so "at least a
// warning" is `level <= severity::warning`.
enum class severity : std::uint8_t { error, warning, note };

std::string_view to_string(severity s) noexcept;                     // "error", "warning", "note"
std::optional<severity> parse_severity(std::string_view s) noexcept; // the names above, case-insensitive

// A replacement of the text [line:column, end_line:end_column) of the
// diagnostic's file by `replacement` (positions 1-based, columns in bytes,
// the end exclusive): what `--fix` applies and SARIF reports as a fix.
struct text_edit {
  std::size_t line = 0;
  std::size_t column = 0;
  std::size_t end_line = 0;
  std::size_t end_column = 0;
  std::string replacement;
};

// One finding. Plain values; copyable; no references into any input.
struct diagnostic {
  std::string code;        // stable, kebab-case: "unknown-macro", "unknown-technique"
  severity level = severity::error;
  std::string file;        // as the user named it; empty when no file is involved
  std::size_t line = 0;    // 1-based; 0: the whole file
  std::size_t column = 0;  // 1-based, in bytes; 0: the whole line
  std::string item;        // the rule, macro or list it is about; may be empty
  std::string message;     // one line, no trailing period needed
  std::optional<text_edit> fix;   // the edit that repairs it, when one is known
};

// One kind of finding, for SARIF's rule table and for --help texts.
struct diagnostic_rule {
  std::string code;        // the diagnostic's code
  std::string summary;     // one line: "unknown ATT&CK technique id"
  std::string help;        // what to do about it
  severity default_level = severity::error;
};

// What SARIF names as the tool that produced the findings.
struct sarif_tool {
  std::string name;                     // "mitre-query"
  std::string version;                  // "0.1.0"
  std::string information_uri;          // may be empty
  std::vector<diagnostic_rule> rules;   // every code the results may use
};

// "FILE:LINE:COLUMN: SEVERITY: CODE: MESSAGE" (position parts left out when
// 0 or empty), no newline. Control characters of any input text are escaped
// (\x1b), so a crafted rule file cannot drive the reader's terminal.
std::string render_text(const diagnostic& d);

// One compact JSON object: {"code","severity","file","line","column","item",
// "message"[,"fix":{"line","column","end_line","end_column","replacement"}]}.
std::string render_json(const diagnostic& d);

// A JSON array of render_json objects, one per line, with a final newline.
std::string render_json_array(std::span<const diagnostic> ds);

// A SARIF 2.1.0 log with one run: the tool with `tool.rules` (codes not in the
// table are added with their code as summary), one result per diagnostic with
// its physical location (file as a relative or absolute URI, region) and its
// fix as a replacement. Throws nothing but std::bad_alloc.
std::string render_sarif(std::span<const diagnostic> ds, const sarif_tool& tool);

// Counts by severity.
struct diagnostic_counts {
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t notes = 0;
};
diagnostic_counts count(std::span<const diagnostic> ds) noexcept;

}  // namespace mitrekg
