// The Falco condition language: lexer/parser → parsed tree, binder → bound tree, event-type index, field tables.
#pragma once

#include "mitrekg/diagnostic.hpp"
#include "support/text_map.hpp"

#include <boost/unordered/unordered_flat_set.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace mitrekg::rules {

// ---------------------------------------------------------------------------
// Positions

// 1-based line and column (columns in bytes) in the file the condition came from.
struct source_position {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  friend bool operator==(const source_position&, const source_position&) = default;
};

// One stretch of the condition text and where it lies in a file. A condition
// glued from several items (a rule plus its appends, each from its own file)
// has one segment per piece; a folded block scalar (`condition: >`) whose
// lines yaml-cpp joined with spaces may be given one segment per source line
// for exact columns. Within a segment a '\n' of the text starts a new file
// line at the segment's start column (block scalars are indented uniformly),
// so literal `|` blocks need only one segment.
struct text_segment {
  std::uint32_t offset = 0;  // first byte of the segment in the condition text
  std::string file;          // as the user named it
  source_position start;     // file position of that byte
};

// Where a condition comes from, for diagnostics.
struct condition_origin {
  std::string item;                    // the rule or macro name (diagnostic.item)
  std::vector<text_segment> segments;  // ascending offset; empty: line 1, column offset+1, no file
};

// The origin of a YAML scalar's text: `mark` and `mark_pos` are the position
// (1-based: YAML::Mark line + 1, column + 1) and byte offset (YAML::Mark::pos)
// yaml-cpp reports for the scalar node in `file_text`, `value` the scalar as
// yaml-cpp returns it. Costs the scalar's size, not the file's. Plain, quoted, literal (`|`) and folded (`>`)
// scalars get one segment per source line, each checked against `value`, so
// every column is exact; where a line cannot be matched (escapes in a
// double-quoted scalar), the segments stop and later offsets count from the
// last one. Borrows nothing.
condition_origin scalar_origin(std::string_view file_text, source_position mark, std::size_t mark_pos,
                               std::string_view value, std::string file, std::string item);

// The file position of byte `offset` of `text` under `origin`.
struct located {
  std::string_view file;  // borrowed from origin
  source_position pos;
};
located locate(const condition_origin& origin, std::string_view text, std::uint32_t offset);

// ---------------------------------------------------------------------------
// Diagnostic codes (mitrekg::diagnostic.code) this half reports, and the
// Falco load code each corresponds to (falco_code()).
//   condition-syntax      LOAD_ERR_COMPILE_CONDITION  Falco's own parser message text
//   condition-too-deep    LOAD_ERR_COMPILE_CONDITION  nesting over max_condition_depth
//   condition-too-large   LOAD_ERR_COMPILE_CONDITION  over max_bound_nodes nodes or max_list_items list items once expanded
//   undefined-macro       LOAD_ERR_COMPILE_CONDITION  "Undefined macro 'x' used in filter."
//   macro-loop            LOAD_ERR_COMPILE_CONDITION  a macro reaches itself
//   list-loop             LOAD_ERR_COMPILE_CONDITION  a list reaches itself
//   unknown-field         LOAD_ERR_COMPILE_CONDITION  "filter_check called with nonexistent field x"
//   skipped-unknown-field LOAD_UNKNOWN_FILTER (warning, skip-if-unknown-filter: true)
//   field-argument        LOAD_ERR_COMPILE_CONDITION  missing / unexpected / bad field argument
//   invalid-operator      LOAD_ERR_COMPILE_CONDITION  operator not valid for the field's type
//   invalid-value         LOAD_ERR_COMPILE_CONDITION  value not valid for the field's type (numbers, bools, IPs, event types, regexes)
//   unknown-transformer   LOAD_ERR_COMPILE_CONDITION
std::string_view falco_code(std::string_view code) noexcept;  // "" for codes not listed

// Parentheses, `not` and transformers may nest this deep (Falco's own limit
// is 1000 too); deeper input is one `condition-too-deep` diagnostic, never a
// stack overflow. The parser and binder recurse at most this deep.
inline constexpr std::uint32_t max_condition_depth = 1000;
// Macros inlined within macros: at most this deep (a deeper chain is
// condition-too-deep), so binding never overflows the stack, even in ASan builds.
inline constexpr std::size_t max_macro_depth = 256;
// Macros and lists are inlined by copy, as Falco does, so a chain of macros each
// naming the previous twice grows as 2^n: binding stops with one
// condition-too-large diagnostic beyond these sizes (falco_rules.yaml's largest
// rule binds to a few hundred nodes), never exhausting memory.
inline constexpr std::size_t max_bound_nodes = 250'000;
inline constexpr std::size_t max_list_items = 1'500'000;

// ---------------------------------------------------------------------------
// Operators and transformers

enum class cmp_op : std::uint8_t {
  eq, eqeq, ne, lt, le, gt, ge,
  contains, icontains, bcontains, startswith, bstartswith, endswith,
  glob, iglob, regex,
  in, intersects, pmatch,
  exists,
};
std::string_view to_string(cmp_op op) noexcept;  // the condition spelling: "=", "contains", ...
bool is_list_op(cmp_op op) noexcept;             // in, intersects, pmatch

enum class transformer : std::uint8_t { tolower, toupper, b64, basename, len, val };
std::string_view to_string(transformer t) noexcept;

// ---------------------------------------------------------------------------
// Parsed tree: the text as written, names unresolved.

inline constexpr std::uint32_t no_index = 0xffffffffu;

// A field, possibly wrapped in transformers: `tolower(proc.aname[2])`.
struct parsed_field {
  std::string name;                       // "proc.aname"
  std::optional<std::string> arg;         // "2" (verbatim between [ and ], or the unquoted string)
  std::vector<transformer> transformers;  // outermost first; `val` only on a right-hand side
  std::uint32_t offset = 0;               // byte offset in the text (of the outermost transformer or the name)
  source_position pos;
};

// A value as written: quoted strings unescaped; bare words verbatim.
struct parsed_value {
  std::string text;
  bool quoted = false;
  std::uint32_t offset = 0;
  source_position pos;
};

enum class parsed_kind : std::uint8_t { and_, or_, not_, check, macro_ref };

// How the right-hand side of a check is written.
enum class rhs_form : std::uint8_t {
  none,    // `exists`
  value,   // one value (`= open`, `contains "x y"`), or a bare name after a list op (`in my_list`)
  list,    // `(a, b, "c d")`, possibly empty
  field,   // `val(proc.pname)` or a transformer on the right side
};

struct parsed_node {
  parsed_kind kind = parsed_kind::check;
  std::uint32_t offset = 0;  // first byte of the node in the text
  source_position pos;
  // and_ / or_ / not_: children are child_indices[first_child, first_child + child_count)
  std::uint32_t first_child = 0;
  std::uint32_t child_count = 0;
  // macro_ref: the identifier
  std::string name;
  // check
  parsed_field left;
  cmp_op op = cmp_op::eq;
  std::uint32_t op_offset = 0;
  source_position op_pos;
  rhs_form form = rhs_form::none;
  std::vector<parsed_value> values;         // value: one; list: the items
  std::optional<parsed_field> right_field;  // field
};

// A parsed condition. Owns its text and nodes; copyable. `ok()` is false when
// parsing failed (the diagnostics say why); nodes are then empty.
struct parsed_condition {
  std::string text;
  condition_origin origin;
  std::vector<parsed_node> nodes;
  std::vector<std::uint32_t> child_indices;
  std::uint32_t root = no_index;
  bool ok() const noexcept { return root != no_index; }
};

// Parses one condition. Every syntax problem is reported to `out` (at most
// one: like Falco, parsing stops at the first error) with Falco's message and
// the file position of the offending token; the result is then !ok().
// Throws only std::bad_alloc. Thread-safe (no shared state).
parsed_condition parse_condition(std::string_view text, const condition_origin& where,
                                 std::vector<mitrekg::diagnostic>& out);

// Macro names referenced by a parsed condition (bare identifiers), in text
// order, duplicates kept: for "defined before use" checks by the loader.
std::vector<std::string_view> macro_references(const parsed_condition& c);

// ---------------------------------------------------------------------------
// Field tables

enum class field_type : std::uint8_t {
  string,     // CHARBUF, string
  bytes,      // BYTEBUF
  int64,      // INT16/INT32/INT64
  uint64,     // UINT32/UINT64/PORT's numeric form is `port`
  port,
  boolean,
  ipaddr,
  ipnet,
  reltime,
  abstime,
  double_,
  dynamic,    // evt.rawarg: typed by the event argument; numeric or string at run time
};
std::string_view to_string(field_type t) noexcept;

enum class field_arg : std::uint8_t {
  none,          // takes no argument
  index,         // optional [N] (proc.aname[2]); without it, any/all values
  index_required,
  key,           // optional [text]
  key_required,  // [text] required (json.value[/ptr], ka.uri.param[name])
  index_or_key,  // evt.arg[0] or evt.arg[name] / evt.arg.name, optional
  index_or_key_required,
};

struct field_info {
  std::string_view name;
  field_type type = field_type::string;
  field_arg arg = field_arg::none;
  bool list = false;          // yields several values (k8s `string (list)`)
  bool dotted_arg = false;    // also accepts the argument after a dot: evt.arg.flags, evt.rawarg.res
  std::uint16_t id = 0;       // index in its table
};

// The fields of one event source, from the project's own table
// (lib/rules/fields_data.cpp, generated by tools/gen_fields.py; origin noted
// there). Immutable, static storage; thread-safe.
class field_table {
 public:
  std::string_view source() const noexcept { return source_; }
  std::span<const field_info> fields() const noexcept { return fields_; }
  // The field `name` (exact), or for dotted-argument fields the longest prefix
  // ("evt.arg.flags" → evt.arg with argument "flags" in *dotted_arg); nullptr if unknown.
  const field_info* find(std::string_view name, std::string_view* dotted_arg = nullptr) const noexcept;

  field_table(std::string_view source, std::vector<field_info> fields);

 private:
  std::string_view source_;
  std::vector<field_info> fields_;  // sorted by name
};

// The table of a source ("syscall", "k8s_audit", "aws_cloudtrail",
// "gcp_auditlog", "okta", "github"), nullptr for an unknown source. The
// JSON-payload sources include the json plugin's fields; every source has the
// generic evt.* fields.
const field_table* fields_for_source(std::string_view source) noexcept;
std::span<const std::string_view> known_sources() noexcept;

// Syscall event type names (sysdig 0.29.3's event table plus the newer names
// the current rule files use: openat2, execveat, ...), sorted. Owned data.
std::span<const std::string_view> syscall_event_types() noexcept;

// ---------------------------------------------------------------------------
// Binding

// A list as the loader resolved it so far: its items and its definition
// order, so a list only expands lists defined before it (Falco's rule; order 0
// for all disables it). Raw items name other lists, which the binder expands;
// `expanded` items already have them inlined (the rule compiler expands each
// list once, capped at max_list_items) and are used as they are. A `broken`
// list was reported where it is defined: a condition using it fails quietly.
struct list_definition {
  std::span<const std::string> items;
  std::uint32_t order = 0;
  bool expanded = false;
  bool broken = false;
};

struct binder_context {
  std::string_view source = "syscall";
  const field_table* fields = nullptr;  // null: fields_for_source(source)
  // Macro name → its parsed condition, or nullptr when there is no such macro.
  // The pointer must stay valid during bind().
  std::function<const parsed_condition*(std::string_view)> macro;
  // List name → its definition, or nullopt. Items must stay valid during bind().
  std::function<std::optional<list_definition>(std::string_view)> list;
  // skip-if-unknown-filter: an unknown field makes the rule skipped with a
  // warning (skipped-unknown-field) instead of an error.
  bool skip_if_unknown_filter = false;
};

// A field operand resolved against the table.
struct bound_field {
  const field_info* info = nullptr;    // static storage
  std::string arg;                     // the argument, if any ("2", "/user/name", "flags")
  bool has_arg = false;
  std::int64_t index = -1;             // numeric argument when the field takes an index
  std::vector<transformer> transformers;  // outermost first
  field_type type = field_type::string;   // after transformers (len → uint64)
};

// A typed constant.
struct bound_value {
  std::string text;          // the string form (unescaped), always set
  std::int64_t number = 0;   // int64 / uint64 / port / reltime / abstime / boolean fields
  double real = 0;           // double fields
  std::uint8_t ip[16] = {};  // ipaddr / ipnet: address bytes (IPv4 in the first 4)
  std::uint8_t ip_len = 0;   // 4 or 16 for addresses; 0 otherwise
  std::uint8_t prefix = 0;   // ipnet: prefix length
};

enum class bound_kind : std::uint8_t { and_, or_, not_, check };

struct bound_check {
  bound_field left;
  cmp_op op = cmp_op::eq;
  // Single-value ops: values[first_value]. List ops: the set `set`.
  std::uint32_t value = no_index;       // index in bound_condition::values
  std::uint32_t set = no_index;         // index in bound_condition::sets
  std::uint32_t regex = no_index;       // index in bound_condition::regexes (regex op)
  std::optional<bound_field> right;     // field-to-field (val(...))
};

// A set of constants for in / intersects / pmatch, built once: the values in
// text order, and for lookups a hash set of the string forms (string fields),
// the sorted numbers (numeric and boolean fields) and the sorted paths (pmatch).
// Lookups allocate nothing.
using string_set = boost::unordered_flat_set<std::string, text_hash, text_equal>;
struct value_set {
  std::vector<bound_value> values;   // unique, in text order
  string_set strings;                // string forms of all values
  std::vector<std::int64_t> numbers; // numeric fields: sorted, unique
  std::vector<std::string> paths;    // pmatch: sorted, unique, trailing '/' removed
};

struct bound_node {
  bound_kind kind = bound_kind::check;
  std::uint32_t first_child = 0;
  std::uint32_t child_count = 0;
  std::uint32_t check = no_index;
};

// A bound condition: macros inlined, lists resolved, fields typed, regexes
// compiled. Evaluable without allocation per event. `ok()` is false when
// binding failed (or the rule is to be skipped: `skipped`).
struct bound_condition {
  std::string source;
  std::vector<bound_node> nodes;
  std::vector<std::uint32_t> child_indices;
  std::uint32_t root = no_index;
  std::vector<bound_check> checks;
  std::vector<bound_value> values;
  std::vector<value_set> sets;
  std::vector<std::shared_ptr<const re2::RE2>> regexes;
  std::vector<std::string> macros_used;  // every macro inlined (transitively), sorted, unique
  std::vector<std::string> lists_used;   // every list referenced (transitively), sorted, unique
  bool skipped = false;                  // skip-if-unknown-filter applied
  bool ok() const noexcept { return root != no_index; }
};

// Binds a parsed condition (named bind_condition, not bind: std::bind would win
// by argument-dependent lookup). Every problem is reported to `out`, each with the
// file position of the token (inside the macro's own text for problems in a
// macro). Throws only std::bad_alloc. Thread-safe if the callbacks are.
bound_condition bind_condition(const parsed_condition& c, const binder_context& ctx,
                     std::vector<mitrekg::diagnostic>& out);

// ---------------------------------------------------------------------------
// Event types

// The syscall event types a bound condition can match: all, or a set of names.
struct event_type_set {
  bool all = true;
  std::vector<std::string> names;  // sorted, unique; meaningful when !all
};
event_type_set event_types(const bound_condition& c);

}  // namespace mitrekg::rules
