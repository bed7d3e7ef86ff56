// The detection runtime: evaluate a compiled rule set over syscall, Kubernetes audit, CloudTrail and JSON events, and emit Falco-compatible alerts enriched with ATT&CK and D3FEND.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mitrekg/graph.hpp"
#include "mitrekg/rules.hpp"

namespace mitrekg {

// Which rules run, as Falco's command line chooses them.
struct engine_options {
  // Event sources to run; empty: every source of the loaded rules.
  std::vector<std::string> sources;
  // Falco's min_rule_priority: rules less severe than this do not run.
  rule_priority min_priority = rule_priority::debug;
  // Falco's -D: a rule whose name contains one of these substrings does not run.
  std::vector<std::string> disabled_rules;
  // Falco's -t: when not empty, only rules carrying one of these tags run.
  std::vector<std::string> enabled_tags;
  // Falco's -T: rules carrying one of these tags do not run.
  std::vector<std::string> disabled_tags;
  // Falco's -A: without it, syscall events of the types Falco drops by
  // default (read, write, … see docs/detect.md) meet no rule.
  bool all_events = false;
  // Written as the alerts' "hostname"; empty: none written.
  std::string hostname;
};

// One alert. Views borrow from the engine (rule text, tags, the MITRE
// enrichment) and from the callback's scope (output, fields): copy what you
// keep beyond the callback.
struct alert {
  std::string_view rule;
  rule_priority priority = rule_priority::debug;
  std::string_view source;
  std::int64_t time_ns = 0;          // event time, ns since the epoch (0: unknown)
  std::uint64_t event_number = 0;    // 1-based, in input order
  std::size_t line = 0;              // 1-based line where the event starts
  std::string_view output;           // the rule's output with %fields substituted (<NA> when absent)
  // Field name as written in the output → its value as JSON ("\"cat\"", "42", "null").
  const std::vector<std::pair<std::string, std::string>>* output_fields = nullptr;
  const std::vector<std::string>* tags = nullptr;
  std::string_view hostname;         // empty: unknown
  std::string_view mitre_json;       // the rule's "mitre" object (computed at load); empty without a graph

  // The Falco-compatible JSON object (one line, no newline) with "mitre" added.
  std::string json() const;
  // Falco's text line: "TIME: Priority output" (no newline).
  std::string text() const;
};

// One event's evaluation failed (never escapes: counted in the stats).
struct detect_stats {
  std::uint64_t events = 0;               // events read and evaluated
  std::uint64_t malformed = 0;            // lines or records skipped as malformed
  std::vector<std::size_t> malformed_lines;   // the first 10 of them (1-based lines)
  std::string first_malformed_reason;     // why the first was refused
  std::uint64_t failed = 0;               // events whose evaluation threw (counted, skipped)
  std::uint64_t alerts = 0;
  std::vector<std::pair<std::string, std::uint64_t>> alerts_per_rule;   // rules that fired, in rule order
};

using alert_callback = std::function<void(const alert&)>;

// A rule set compiled for evaluation against one knowledge graph.
//
// Borrows `rules` (its compiled conditions) and `graph` (may be null: no
// "mitre" enrichment): both must outlive the engine. The constructor throws
// mitrekg::error only for an unknown source in options.sources, std::bad_alloc
// otherwise; nothing in event evaluation throws to the caller: a malformed
// event or a failing evaluation is counted in the stats.
//
// Thread-safety: a detection_engine is immutable after construction and may be
// shared; each thread feeds events through its own detection_session.
class detection_engine {
public:
  detection_engine(const rule_set& rules, const knowledge_graph* graph, const engine_options& options = {});
  ~detection_engine();
  detection_engine(detection_engine&&) noexcept;
  detection_engine& operator=(detection_engine&&) noexcept;

  // Rules that run (after the options), in rule order.
  std::vector<std::string_view> active_rules() const;
  // Sources with at least one active rule.
  std::vector<std::string> active_sources() const;
  // The syscall field names the active rules and their outputs use (for asking
  // a capture reader for exactly those): "evt.type", "proc.aname[2]",
  // "evt.arg.flags" (dotted, as sysdig writes it), …
  std::vector<std::string> syscall_fields() const;
  // The fields (as written, "okta.mfa.failure.countlast[300]") that the active
  // rules and outputs of `source` use, in first-use order; empty for a source
  // without active rules.
  std::vector<std::string> fields(std::string_view source) const;
  // "source: field" for each field an active rule or output uses that this
  // engine cannot extract for the rule's source (a check on it is always
  // false, an output shows <NA>); empty when every field is served.
  std::vector<std::string> unresolved_fields() const;

  struct impl;
  const impl& internals() const noexcept { return *impl_; }

private:
  std::unique_ptr<impl> impl_;
};

// Feeds events to an engine from one thread. Not thread-safe; cheap to make one per thread.
class detection_session {
public:
  // Borrows `engine`, which must outlive the session.
  explicit detection_session(const detection_engine& engine);
  ~detection_session();
  detection_session(detection_session&&) noexcept;

  // One event as JSON text of `source` ("syscall": an object keyed by Falco
  // field names; "k8s_audit": one audit Event; "aws_cloudtrail": one record;
  // "json" and the other plugin sources: any object). Calls `on_alert` for the
  // first matching rule, if any. Returns false (and counts it) when the text is
  // not an event of that source; never throws for bad input.
  bool feed(std::string_view source, std::string_view json, const alert_callback& on_alert);

  // A whole stream: JSON Lines, or (when the input is one JSON document) an
  // array of events, a Kubernetes EventList or a CloudTrail {"Records": […]}.
  // Malformed lines are counted and skipped; `name` is for messages.
  // threads > 1 evaluates batches in parallel; alerts still come in input order.
  // A source whose rules use a field that keeps state across events (okta's
  // okta.mfa.*.countlast[S]) is evaluated on this thread, in order, whatever
  // `threads` says.
  void run(std::istream& in, std::string_view source, const alert_callback& on_alert, unsigned threads = 1);

  const detect_stats& stats() const noexcept;

private:
  struct state;
  std::unique_ptr<state> st_;
};

}  // namespace mitrekg
