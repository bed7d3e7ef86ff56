// Internals of the detection runtime: field keys per source, compiled rules, the per-event context and the evaluator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <simdjson.h>

#include "mitrekg/engine.hpp"
#include "rules/condition.hpp"
#include "support/text_map.hpp"

namespace mitrekg::engine {

// How an event of a source is read.
enum class source_kind : std::uint8_t { syscall, k8s_audit, aws_cloudtrail, gcp_auditlog, okta, github, json };
source_kind kind_of(std::string_view source) noexcept;

// One extracted value: a string view (into the parsed document, the event's
// pool, or static text), and for numeric fields the number.
struct fvalue {
  std::string_view s;
  std::int64_t n = 0;
  double d = 0;
  bool is_num = false;
};

// A field with its argument as a rule or an output names it; the unit of
// extraction and of the per-event cache.
struct key_spec {
  const rules::field_info* info = nullptr;
  std::string arg;
  bool has_arg = false;
  std::int64_t index = -1;
  std::string name;           // canonical: "proc.aname[2]", "json.value[/a/b]"
  std::uint16_t getter = 0;   // source-specific extractor (extract.cpp)
  std::uint16_t sub = 0;      // the plugin sources' extractor (plugins.cpp)
  std::string param;          // its parameter (a JSON pointer, a glob, a name)
};

class event_ctx;

// Chooses the extractor of a key for a source (sets getter and param).
void plan_key(source_kind k, key_spec& key);
// Extracts `key` from the event in `ctx` into ctx's values; false when absent.
// Throws simdjson_error only for internal misuse (caught per event).
bool extract(event_ctx& ctx, const key_spec& key);
// The gcp_auditlog, okta and github fields (plugins.cpp): plan sets key.sub
// and key.param and returns true when the field is one of the table's.
bool plan_plugin_key(source_kind k, key_spec& key);
bool extract_plugin(event_ctx& ctx, const key_spec& key);
// okta: the MFA failure/deny history the countlast fields read, updated by
// every event of the source before its rules run (observe_event).
bool needs_observe(const key_spec& key);
void observe_event(event_ctx& ctx);

// The fields of one source the active rules and outputs use.
struct key_table {
  std::vector<key_spec> keys;
  boost::unordered_flat_map<std::string, std::uint32_t, text_hash, text_equal> by_name;
  std::uint32_t intern(const rules::bound_field& f, source_kind k);
};

// A bound check prepared for evaluation.
struct ccheck {
  const rules::bound_check* chk = nullptr;
  std::uint32_t key = rules::no_index;
  std::uint32_t right_key = rules::no_index;
  std::string needle;         // bcontains / bstartswith: the bytes; glob: the pattern; icontains: lower case
  const rules::value_set* set = nullptr;
  const rules::bound_value* value = nullptr;
  const re2::RE2* regex = nullptr;
  boost::unordered_flat_set<std::string, text_hash, text_equal> paths;  // pmatch
  boost::unordered_flat_set<std::string, text_hash, text_equal> lower;  // in/intersects after tolower/toupper: as is
};

// A piece of an output template: literal text, or a key.
struct out_piece {
  std::string text;
  std::uint32_t key = rules::no_index;
};

struct crule {
  std::size_t index = 0;                 // in rule_set::rules()
  const rule_info* info = nullptr;
  const rules::bound_condition* cond = nullptr;
  source_kind kind = source_kind::json;
  std::uint32_t source = 0;              // index in impl::sources
  std::vector<ccheck> checks;            // parallel to cond->checks
  std::vector<out_piece> output;
  std::vector<std::uint32_t> output_keys;   // distinct, in output order
  std::string mitre_json;
};

// Everything for one source.
struct source_plan {
  std::string name;
  source_kind kind = source_kind::json;
  key_table keys;
  std::vector<std::uint32_t> rules;      // crule indices, rule order
  // syscall: event type → crule indices (rule order), the all-types rules merged in.
  boost::unordered_flat_map<std::string, std::vector<std::uint32_t>, text_hash, text_equal> by_type;
  std::vector<std::uint32_t> any_type;   // rules that match every event type
  std::uint32_t evt_type_key = rules::no_index;
  std::uint32_t time_key = rules::no_index;     // syscall: evt.rawtime
  std::uint32_t host_key = rules::no_index;     // evt.hostname
  // A field keeps state across events (okta.mfa.*.countlast): every event is
  // observed first, and the stream is evaluated on one thread, in order.
  bool sequential = false;
};

}  // namespace mitrekg::engine

namespace mitrekg {

struct detection_engine::impl {
  const rule_set* rules = nullptr;
  const knowledge_graph* graph = nullptr;
  engine_options options;
  std::vector<engine::crule> crules;
  std::vector<engine::source_plan> sources;
  boost::unordered_flat_set<std::string, text_hash, text_equal> dropped_types;   // without all_events
  const engine::source_plan* plan(std::string_view source) const;
};

}  // namespace mitrekg

namespace mitrekg::engine {

// The state of one event under evaluation; reused from event to event so the
// steady state allocates nothing (the value vector, pool strings and scratch
// buffers keep their capacity).
class event_ctx {
 public:
  const source_plan* plan = nullptr;
  simdjson::dom::element root;           // the event (JSON sources; syscall: the decoded object)
  std::uint64_t number = 0;
  std::size_t line = 0;
  std::int64_t time_ns = 0;

  void reset(const source_plan* p);
  // The values of key k (empty span when absent); extracts lazily.
  bool get(std::uint32_t k, const fvalue*& first, std::size_t& count);
  // For extractors: append a value / a string kept in the pool.
  void push(const fvalue& v) { vals_.push_back(v); }
  void push_str(std::string_view s) { fvalue v; v.s = s; vals_.push_back(v); }
  // A number with its decimal text (kept in the pool).
  void push_int(std::int64_t n);
  std::string& pool_string();
  std::string_view keep(std::string_view s) { auto& p = pool_string(); p.assign(s); return p; }
  std::string_view dump(simdjson::dom::element e);   // minified JSON text, pooled
  // Sets key k's values directly (syscall decoding).
  void set_present(std::uint32_t k, std::size_t begin);
  std::size_t value_count() const { return vals_.size(); }
  // Syscall decoding: the key index (rules::no_index: unused) of the event's pos-th key `name`.
  std::uint32_t key_at(std::size_t pos, std::string_view name);
  std::string scratch_a, scratch_b, scratch_c;
  // okta: event type + actor id → the distinct times (ns) of MFA failures/denies seen, oldest first.
  std::unordered_map<std::string, std::deque<std::int64_t>> mfa_history;

 private:
  std::vector<std::uint32_t> epoch_;
  std::vector<std::uint32_t> begin_, count_;
  std::vector<std::uint8_t> present_;
  std::uint32_t epoch_now_ = 0;
  std::vector<fvalue> vals_;
  std::deque<std::string> pool_;
  std::size_t pool_used_ = 0;
  std::vector<std::pair<std::string, std::uint32_t>> memo_;   // key_at: the last event's keys by position
};

// The element at JSON pointer `ptr` ("" is the root); false when missing or null.
bool json_at(simdjson::dom::element root, std::string_view ptr, simdjson::dom::element& out);
// A JSON value as a field value: strings as is, numbers with their number, others minified.
void push_json(event_ctx& ctx, simdjson::dom::element e);

// The array of an element known to be one (a value, so range-for keeps it alive).
inline simdjson::dom::array array_of(simdjson::dom::element e) {
  simdjson::dom::array a;
  if (e.get(a) != simdjson::SUCCESS) return {};
  return a;
}

// Decodes a syscall event (an object keyed by Falco field names) into ctx.
// Returns an empty string, or why the event is malformed (a wrong type).
std::string decode_syscall(event_ctx& ctx, simdjson::dom::object obj);

// Whether rule r's condition matches the event in ctx. Throws nothing but
// what extraction might (caught per event by the caller).
bool matches(const crule& r, event_ctx& ctx);

// Event time for alerts: from the source's timestamp field, in ns (0: unknown).
std::int64_t event_time(event_ctx& ctx);
// "2018-10-25T14:09:12Z" / with fraction → ns since the epoch; false if not that form.
bool parse_iso_time(std::string_view s, std::int64_t& ns);
std::string format_time(std::int64_t ns);   // "2018-10-25T14:09:12.000000000Z"

// The "mitre" object of a rule's tags (enrich.cpp); empty without a graph.
std::string mitre_json(const knowledge_graph* g, const std::vector<std::string>& tags);

}  // namespace mitrekg::engine
