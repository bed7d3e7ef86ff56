// Rule files → merged items: the YAML reader and the collector (define, append, override), before any condition is compiled.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mitrekg/diagnostic.hpp"
#include "mitrekg/rules.hpp"

namespace mitrekg::rules {

// Where a piece of condition text came from, to turn an offset in the merged
// text back into a file position. `origin` is where the scalar starts in its
// file (source_offset: byte offset of that mark in the file's text).
struct text_piece {
  std::size_t offset = 0;          // in the merged text
  std::size_t length = 0;
  std::size_t file = 0;            // index into loaded_file
  std::size_t source_offset = 0;
  rule_position origin;
};

// A condition (or output) being assembled from a definition and its appends.
struct located_text {
  std::string text;
  std::vector<text_piece> pieces;
  rule_position position;          // the first piece's origin
};

// An exception cell: a scalar, or an inline YAML list (for in/intersects/pmatch).
struct exception_cell {
  bool is_list = false;
  std::string text;
  std::vector<std::string> items;
};

struct exception_def {
  std::string name;
  rule_position position;
  bool has_fields = false;
  bool fields_is_list = false;
  std::vector<std::string> fields;   // one entry when not a list
  bool has_comps = false;
  bool comps_is_list = false;
  std::vector<std::string> comps;
  // Tuple form: rows of cells; single-field form: one row of scalar cells (the values).
  std::vector<std::vector<exception_cell>> values;
  std::vector<rule_position> value_positions;   // one per row
};

struct list_def {
  std::string name;
  rule_position position;
  std::vector<std::string> items;   // as written (names of earlier lists not yet expanded)
};

struct macro_def {
  std::string name;
  rule_position position;
  located_text condition;
};

struct rule_def {
  std::string name;
  rule_position position;
  located_text condition;
  located_text output;
  std::string desc;
  std::string source = "syscall";
  rule_priority priority = rule_priority::debug;
  std::vector<std::string> tags;
  std::vector<exception_def> exceptions;
  bool enabled = true;
  bool warn_evttypes = true;
  bool skip_if_unknown_filter = false;
  bool capture = false;
};

// A file as read: the caller's name and its text (positions map into it).
struct loaded_file {
  std::string name;
  std::string text;
};

// What the reader collects across files, and the diagnostics so far.
struct collection {
  std::vector<loaded_file> files;
  std::vector<list_def> lists;
  std::vector<macro_def> macros;
  std::vector<rule_def> rules;
  std::unordered_map<std::string, std::size_t> list_index, macro_index, rule_index;
  std::vector<plugin_requirement> plugins;
  std::vector<diagnostic> diags;
  std::vector<std::string> kinds;    // parallel to diags

  void add(std::string code, severity level, const rule_position& at, std::string_view kind, std::string item,
           std::string message);
};

// Reads one file's text (already in c.files.back()) into c. Never throws for content.
void read_rules_text(collection& c, const rule_load_options& options);

// Versions: "0.57.0" or an integer N (= 0.N.0) → {major, minor, patch}.
std::optional<std::array<unsigned long, 3>> parse_engine_version(std::string_view s);

}  // namespace mitrekg::rules
