// The detection engine: selects and prepares the rules, feeds events from JSON text or streams, and builds the alerts.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <re2/re2.h>

#include "engine/engine_impl.hpp"
#include "mitrekg/error.hpp"
#include "rules/rule_set_access.hpp"
#include "support/text.hpp"

namespace mitrekg {

using engine::ccheck;
using engine::crule;
using engine::event_ctx;
using engine::fvalue;
using engine::key_spec;
using engine::source_kind;
using engine::source_plan;

namespace engine {

std::uint32_t key_table::intern(const rules::bound_field& f, source_kind k) {
  std::string name(f.info->name);
  if (f.has_arg) name += "[" + f.arg + "]";
  if (auto it = by_name.find(name); it != by_name.end()) return it->second;
  key_spec key;
  key.info = f.info;
  key.arg = f.arg;
  key.has_arg = f.has_arg;
  key.index = f.index;
  key.name = name;
  plan_key(k, key);
  auto id = static_cast<std::uint32_t>(keys.size());
  keys.push_back(std::move(key));
  by_name.emplace(name, id);
  // Syscall JSON Lines may spell evt.arg[flags] as evt.arg.flags.
  if (f.has_arg && f.info->dotted_arg) by_name.emplace(std::string(f.info->name) + "." + f.arg, id);
  return id;
}

namespace {

std::string hex_bytes(std::string_view hex) {
  std::string out;
  auto val = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(val(hex[i]) * 16 + val(hex[i + 1])));
  return out;
}

// "%proc.name", "%json.value[/a/b]", "%evt.arg.flags": the key of each field the output names.
void compile_output(crule& r, source_plan& plan) {
  const auto* table = rules::fields_for_source(plan.name);
  std::string_view text = r.info->output;
  std::string lit;
  std::size_t i = 0;
  auto is_name = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  };
  while (i < text.size()) {
    if (text[i] != '%' || table == nullptr) {
      lit.push_back(text[i++]);
      continue;
    }
    std::size_t j = i + 1;
    while (j < text.size() && is_name(text[j])) ++j;
    std::string name(text.substr(i + 1, j - i - 1));
    while (!name.empty() && name.back() == '.') {   // a sentence's full stop
      name.pop_back();
      --j;
    }
    std::string arg;
    bool has_arg = false;
    if (j < text.size() && text[j] == '[') {
      auto close = text.find(']', j);
      if (close != std::string_view::npos) {
        arg = std::string(text.substr(j + 1, close - j - 1));
        has_arg = true;
        j = close + 1;
      }
    }
    std::string_view dotted;
    const rules::field_info* fi = name.empty() ? nullptr : table->find(name, &dotted);
    if (fi == nullptr) {
      lit.push_back(text[i++]);
      continue;
    }
    rules::bound_field f;
    f.info = fi;
    if (!dotted.empty() && !has_arg) {
      arg = std::string(dotted);
      has_arg = true;
    }
    f.arg = arg;
    f.has_arg = has_arg;
    if (has_arg) {
      std::int64_t n = 0;
      auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
      if (ec == std::errc() && p == arg.data() + arg.size() && fi->arg != rules::field_arg::key &&
          fi->arg != rules::field_arg::key_required)
        f.index = n;
    }
    f.type = fi->type;
    if (!lit.empty()) r.output.push_back({std::move(lit), rules::no_index});
    lit.clear();
    std::uint32_t key = plan.keys.intern(f, plan.kind);
    r.output.push_back({std::string(text.substr(i + 1, j - i - 1)), key});
    if (std::find(r.output_keys.begin(), r.output_keys.end(), key) == r.output_keys.end()) r.output_keys.push_back(key);
    i = j;
  }
  if (!lit.empty()) r.output.push_back({std::move(lit), rules::no_index});
}

void compile_checks(crule& r, source_plan& plan) {
  const auto& c = *r.cond;
  r.checks.resize(c.checks.size());
  for (std::size_t i = 0; i < c.checks.size(); ++i) {
    const auto& chk = c.checks[i];
    ccheck& cc = r.checks[i];
    cc.chk = &chk;
    cc.key = plan.keys.intern(chk.left, plan.kind);
    if (chk.right) cc.right_key = plan.keys.intern(*chk.right, plan.kind);
    if (chk.value != rules::no_index) cc.value = &c.values[chk.value];
    if (chk.set != rules::no_index) cc.set = &c.sets[chk.set];
    if (chk.regex != rules::no_index) cc.regex = c.regexes[chk.regex].get();
    if ((chk.op == rules::cmp_op::bcontains || chk.op == rules::cmp_op::bstartswith) && cc.value)
      cc.needle = hex_bytes(cc.value->text);
    if (chk.op == rules::cmp_op::pmatch && cc.set)
      for (const auto& p : cc.set->paths) cc.paths.insert(p);
  }
}

bool has_tag(const rule_info& r, const std::vector<std::string>& tags) {
  for (const auto& t : r.tags)
    if (std::find(tags.begin(), tags.end(), t) != tags.end()) return true;
  return false;
}

// Event types Falco's default (without -A) leaves out: the events libs flags
// EF_DROP_SIMPLE_CONS (waits, memory management, identity getters, seeks).
// read, write, close and fstat are kept (Falco's catchall_order expectation).
constexpr std::string_view dropped_types[] = {
    "brk",    "epoll_wait", "futex",  "getegid", "geteuid", "getgid",     "getresgid", "getresuid",
    "getuid", "llseek",     "lseek",  "mmap",    "mmap2",   "mprotect",   "munmap",    "nanosleep",
    "poll",   "ppoll",      "select", "switch",  "page_fault",
};

}  // namespace
}  // namespace engine

const source_plan* detection_engine::impl::plan(std::string_view source) const {
  for (const auto& p : sources)
    if (p.name == source) return &p;
  return nullptr;
}

detection_engine::detection_engine(const rule_set& rules, const knowledge_graph* graph, const engine_options& options)
    : impl_(std::make_unique<impl>()) {
  auto& im = *impl_;
  im.rules = &rules;
  im.graph = graph;
  im.options = options;
  for (const auto& s : options.sources)
    if (rules::fields_for_source(s) == nullptr && s != "json")
      throw error(errc::bad_value, "", "", "unknown event source " + s);
  for (auto t : engine::dropped_types) im.dropped_types.emplace(t);
  const auto& in = rules.internals();
  for (std::size_t i = 0; i < in.rules.size(); ++i) {
    const rule_info& r = in.rules[i];
    if (!r.compiled || !r.enabled || i >= in.conditions.size() || !in.conditions[i].ok()) continue;
    if (!options.sources.empty() &&
        std::find(options.sources.begin(), options.sources.end(), r.source) == options.sources.end())
      continue;
    if (r.priority > options.min_priority) continue;
    bool off = false;
    for (const auto& d : options.disabled_rules)
      if (r.name.find(d) != std::string::npos) off = true;
    if (off) continue;
    if (!options.enabled_tags.empty() && !engine::has_tag(r, options.enabled_tags)) continue;
    if (engine::has_tag(r, options.disabled_tags)) continue;
    std::uint32_t si = 0;
    while (si < im.sources.size() && im.sources[si].name != r.source) ++si;
    if (si == im.sources.size()) {
      source_plan p;
      p.name = r.source;
      p.kind = engine::kind_of(r.source);
      im.sources.push_back(std::move(p));
    }
    crule cr;
    cr.index = i;
    cr.info = &r;
    cr.cond = &in.conditions[i];
    cr.kind = im.sources[si].kind;
    cr.source = si;
    im.crules.push_back(std::move(cr));
  }
  // Compile after the vectors stop growing (checks point into rule_set, plans by index).
  for (std::uint32_t ci = 0; ci < im.crules.size(); ++ci) {
    crule& cr = im.crules[ci];
    source_plan& p = im.sources[cr.source];
    engine::compile_checks(cr, p);
    engine::compile_output(cr, p);
    cr.mitre_json = engine::mitre_json(graph, cr.info->tags);
    p.rules.push_back(ci);
    if (p.kind == source_kind::syscall) {
      if (cr.info->all_event_types) p.any_type.push_back(ci);
      else
        for (const auto& t : cr.info->event_types) p.by_type[t].push_back(ci);
    }
  }
  for (auto& p : im.sources) {
    const auto* table = rules::fields_for_source(p.name);
    if (table == nullptr) continue;
    auto intern_named = [&](std::string_view n) {
      const auto* fi = table->find(n);
      if (fi == nullptr) return rules::no_index;
      rules::bound_field f;
      f.info = fi;
      f.type = fi->type;
      return p.keys.intern(f, p.kind);
    };
    for (const auto& k : p.keys.keys)
      if (p.kind == source_kind::okta && engine::needs_observe(k)) p.sequential = true;
    if (p.kind == source_kind::syscall) {
      p.evt_type_key = intern_named("evt.type");
      p.time_key = intern_named("evt.rawtime");
      p.host_key = intern_named("evt.hostname");
      for (auto& [type, list] : p.by_type) {
        list.insert(list.end(), p.any_type.begin(), p.any_type.end());
        std::sort(list.begin(), list.end());
      }
    }
  }
}

detection_engine::~detection_engine() = default;
detection_engine::detection_engine(detection_engine&&) noexcept = default;
detection_engine& detection_engine::operator=(detection_engine&&) noexcept = default;

std::vector<std::string_view> detection_engine::active_rules() const {
  std::vector<std::string_view> out;
  for (const auto& r : impl_->crules) out.push_back(r.info->name);
  return out;
}

std::vector<std::string> detection_engine::active_sources() const {
  std::vector<std::string> out;
  for (const auto& p : impl_->sources) out.push_back(p.name);
  return out;
}

std::vector<std::string> detection_engine::syscall_fields() const {
  std::vector<std::string> out;
  if (const auto* p = impl_->plan("syscall"))
    for (const auto& k : p->keys.keys)   // as sysdig spells them: evt.arg.flags, proc.aname[2]
      out.push_back(k.has_arg && k.info->dotted_arg ? std::string(k.info->name) + "." + k.arg : k.name);
  return out;
}

std::vector<std::string> detection_engine::fields(std::string_view source) const {
  std::vector<std::string> out;
  if (const auto* p = impl_->plan(source))
    for (const auto& k : p->keys.keys) out.push_back(k.name);
  return out;
}

std::vector<std::string> detection_engine::unresolved_fields() const {
  std::vector<std::string> out;
  for (const auto& p : impl_->sources) {
    if (p.kind == source_kind::syscall) continue;   // decoded from the event's own keys: nothing to resolve
    for (const auto& k : p.keys.keys)
      if (k.getter == 0) out.push_back(p.name + ": " + k.name);
  }
  return out;
}

// ---------------------------------------------------------------- alerts

std::string alert::json() const {
  std::string out = "{";
  if (!hostname.empty()) {
    out += "\"hostname\":";
    append_json_string(out, hostname);
    out += ',';
  }
  out += "\"output\":";
  append_json_string(out, output);
  out += ",\"priority\":";
  std::string pr = to_lower(to_string(priority));
  if (!pr.empty()) pr[0] = static_cast<char>(pr[0] - 32);
  append_json_string(out, pr);
  out += ",\"rule\":";
  append_json_string(out, rule);
  out += ",\"source\":";
  append_json_string(out, source);
  out += ",\"tags\":[";
  if (tags) {
    bool first = true;
    for (const auto& t : *tags) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, t);
    }
  }
  out += "],\"time\":";
  append_json_string(out, engine::format_time(time_ns));
  out += ",\"output_fields\":{";
  if (output_fields) {
    bool first = true;
    for (const auto& [k, v] : *output_fields) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, k);
      out += ':';
      out += v;
    }
  }
  out += '}';
  if (!mitre_json.empty()) {
    out += ",\"mitre\":";
    out += mitre_json;
  }
  out += '}';
  return out;
}

std::string alert::text() const {
  std::string pr = to_lower(to_string(priority));
  if (!pr.empty()) pr[0] = static_cast<char>(pr[0] - 32);
  return engine::format_time(time_ns) + ": " + pr + " " + std::string(output);
}

// ---------------------------------------------------------------- sessions

// Lines longer than this are skipped as malformed (memory stays bounded).
static constexpr std::size_t max_line_bytes = std::size_t{8} << 20;
// A whole-document input (a JSON array, a CloudTrail file) may be this large.
static constexpr std::size_t max_document_bytes = std::size_t{1} << 30;

namespace engine {
// Lines of a stream from a 64 KiB read buffer; a line past max_line_bytes is
// cut there (too_long set) and the rest of it skipped, so memory stays bounded.
struct line_reader {
  std::istream& in;
  std::vector<char> rbuf = std::vector<char>(std::size_t{1} << 16);
  std::size_t rpos = 0, rend = 0;
  bool eof = false;
  std::size_t line_no = 0;   // lines returned so far
  bool too_long = false;     // the last line was cut

  // The next line into `out` (without its line break); false at the end of input.
  bool next(std::string& out) {
    out.clear();
    too_long = false;
    bool any = false;
    while (true) {
      if (rpos == rend) {
        if (eof) break;
        rend = static_cast<std::size_t>(in.rdbuf()->sgetn(rbuf.data(), static_cast<std::streamsize>(rbuf.size())));
        rpos = 0;
        if (rend == 0) {
          eof = true;
          break;
        }
      }
      any = true;
      const char* start = rbuf.data() + rpos;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', rend - rpos));
      std::size_t len = nl ? static_cast<std::size_t>(nl - start) : rend - rpos;
      std::size_t room = max_line_bytes - std::min(out.size(), max_line_bytes);
      if (len > room) too_long = true;
      out.append(start, std::min(len, room));
      rpos += len + (nl ? 1 : 0);
      if (nl) break;
    }
    if (any) ++line_no;
    return any;
  }

  // Up to `n` raw bytes at the reading position (what next() left in the buffer
  // first); 0 at the end of input.
  std::size_t take(char* dst, std::size_t n) {
    if (rpos < rend) {
      std::size_t k = std::min(n, rend - rpos);
      std::memcpy(dst, rbuf.data() + rpos, k);
      rpos += k;
      return k;
    }
    if (eof) return 0;
    auto k = static_cast<std::size_t>(in.rdbuf()->sgetn(dst, static_cast<std::streamsize>(n)));
    if (k == 0) eof = true;
    return k;
  }
};
}  // namespace engine

struct detection_session::state {
  const detection_engine::impl* eng = nullptr;
  simdjson::dom::parser parser;
  event_ctx ctx;
  detect_stats stats;
  std::vector<std::uint64_t> per_rule;   // by crule
  std::string output;
  std::vector<std::pair<std::string, std::string>> fields;
  std::uint64_t ordinal = 0;             // records seen (evt.num)

  void malformed(std::size_t line, std::string why) {
    ++stats.malformed;
    if (stats.malformed_lines.size() < 10) stats.malformed_lines.push_back(line);
    if (stats.first_malformed_reason.empty()) stats.first_malformed_reason = std::move(why);
  }

  void emit(const crule& r, const alert_callback& cb) {
    output.clear();
    fields.clear();
    for (const auto& piece : r.output) {
      if (piece.key == rules::no_index) {
        output += piece.text;
        continue;
      }
      const fvalue* v = nullptr;
      std::size_t n = 0;
      if (!ctx.get(piece.key, v, n) || n == 0) {
        output += "<NA>";
        continue;
      }
      if (n > 1) output += '(';
      for (std::size_t i = 0; i < n; ++i) {
        if (i) output += ',';
        output += v[i].s;
      }
      if (n > 1) output += ')';
    }
    for (std::uint32_t k : r.output_keys) {
      const fvalue* v = nullptr;
      std::size_t n = 0;
      std::string js;
      if (!ctx.get(k, v, n) || n == 0) {
        js = "null";
      } else if (n == 1 && v->is_num && v->d == 0 && !v->s.empty()) {
        js = std::to_string(v->n);
      } else if (n == 1) {
        append_json_string(js, v->s);
      } else {
        std::string joined = "(";
        for (std::size_t i = 0; i < n; ++i) {
          if (i) joined += ',';
          joined += v[i].s;
        }
        joined += ')';
        append_json_string(js, joined);
      }
      fields.emplace_back(ctx.plan->keys.keys[k].name, std::move(js));
    }
    alert a;
    a.rule = r.info->name;
    a.priority = r.info->priority;
    a.source = ctx.plan->name;
    a.time_ns = engine::event_time(ctx);
    a.event_number = ctx.number;
    a.line = ctx.line;
    a.output = output;
    a.output_fields = &fields;
    a.tags = &r.info->tags;
    a.mitre_json = r.mitre_json;
    a.hostname = eng->options.hostname;
    std::string host_buf;
    if (a.hostname.empty() && ctx.plan->host_key != rules::no_index) {
      const fvalue* hv = nullptr;
      std::size_t hn = 0;
      if (ctx.get(ctx.plan->host_key, hv, hn) && hn) a.hostname = hv->s;
    }
    ++stats.alerts;
    ++per_rule[&r - eng->crules.data()];
    if (cb) cb(a);
  }

  // One event (an object) of `plan`. Malformed events are counted, never thrown.
  void event(const source_plan* plan, simdjson::dom::element root, std::size_t line, const alert_callback& cb) {
    std::uint64_t number = ++ordinal;
    if (!root.is_object()) {
      malformed(line, "not a JSON object");
      return;
    }
    if (plan->kind == source_kind::k8s_audit) {
      simdjson::dom::element kind;
      if (!member(root, "kind", kind) || !kind.is_string() || std::string_view(kind.get_string().value_unsafe()) != "Event") {
        malformed(line, "data not recognized as a k8s audit event");
        return;
      }
    }
    ctx.reset(plan);
    ctx.root = root;
    ctx.number = number;
    ctx.line = line;
    const std::vector<std::uint32_t>* candidates = &plan->rules;
    if (plan->kind == source_kind::syscall) {
      std::string why = engine::decode_syscall(ctx, root.get_object().value_unsafe());
      if (!why.empty()) {
        malformed(line, why);
        return;
      }
      const fvalue* tv = nullptr;
      std::size_t tn = 0;
      if (plan->evt_type_key == rules::no_index || !ctx.get(plan->evt_type_key, tv, tn) || tn == 0) {
        candidates = &plan->any_type;
      } else {
        if (!eng->options.all_events && eng->dropped_types.contains(tv->s)) {
          ++stats.events;
          return;
        }
        auto it = plan->by_type.find(tv->s);
        candidates = it == plan->by_type.end() ? &plan->any_type : &it->second;
      }
    }
    ++stats.events;
    const crule* hit = nullptr;
    try {
      if (plan->sequential) engine::observe_event(ctx);
      for (std::uint32_t ci : *candidates) {
        if (engine::matches(eng->crules[ci], ctx)) {
          hit = &eng->crules[ci];
          break;
        }
      }
    } catch (const std::exception&) {
      ++stats.failed;
      return;
    }
    if (hit) emit(*hit, cb);
  }

  // A parsed JSON root: an array, {"Records": […]}, an EventList, or one event.
  // A member of an object as an element, if present.
  static bool member(simdjson::dom::element obj, std::string_view key, simdjson::dom::element& out) {
    return obj.is_object() && obj[key].get(out) == simdjson::SUCCESS;
  }

  // A parsed JSON root: an array, {"Records": […]}, an EventList, or one event.
  void root_value(const source_plan* plan, simdjson::dom::element root, std::size_t line, const alert_callback& cb) {
    if (root.is_array()) {
      for (auto e : engine::array_of(root)) event(plan, e, line, cb);
      return;
    }
    simdjson::dom::element records, kind, items;
    if (member(root, "Records", records) && records.is_array()) {
      for (auto e : engine::array_of(records)) event(plan, e, line, cb);
      return;
    }
    if (member(root, "kind", kind) && kind.is_string() && std::string_view(kind.get_string().value_unsafe()) == "EventList" &&
        member(root, "items", items) && items.is_array()) {
      for (auto e : engine::array_of(items)) event(plan, e, line, cb);
      return;
    }
    event(plan, root, line, cb);
  }

  std::vector<char> padded;   // the event text with simdjson's padding (reused: no allocation per event)

  bool text(const source_plan* plan, std::string_view json, std::size_t line, const alert_callback& cb) {
    if (padded.size() < json.size() + simdjson::SIMDJSON_PADDING) padded.resize(json.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded.data(), json.data(), json.size());
    std::memset(padded.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    return text_padded(plan, std::string_view(padded.data(), json.size()), line, cb);
  }

  // As text(), parsing `json` where it is: SIMDJSON_PADDING bytes after it must
  // be allocated (simdjson does not care what they hold).
  bool text_padded(const source_plan* plan, std::string_view json, std::size_t line, const alert_callback& cb) {
    auto doc = parser.parse(json.data(), json.size(), false);
    if (doc.error()) {
      ++ordinal;
      malformed(line, simdjson::error_message(doc.error()));
      return false;
    }
    std::uint64_t before = stats.malformed;
    root_value(plan, doc.value_unsafe(), line, cb);
    return stats.malformed == before;
  }

  // A line of JSON Lines: one cut at max_line_bytes (`too_long`) is one
  // malformed event; any other is parsed, where it lies when `in_place`
  // (SIMDJSON_PADDING bytes follow it), else copied first.
  void json_line(const source_plan* plan, std::string_view json, std::size_t line, bool too_long, bool in_place,
                 const alert_callback& cb) {
    if (too_long) {
      ++ordinal;
      malformed(line, "line longer than 8 MiB");
    } else if (in_place) {
      text_padded(plan, json, line, cb);
    } else {
      text(plan, json, line, cb);
    }
  }

  void run_parallel(const source_plan* plan, std::string& line, std::size_t first_line, engine::line_reader& reader,
                    const alert_callback& on_alert, unsigned threads);

  void finish() {
    stats.alerts_per_rule.clear();
    for (std::size_t i = 0; i < per_rule.size(); ++i)
      if (per_rule[i]) stats.alerts_per_rule.emplace_back(eng->crules[i].info->name, per_rule[i]);
  }
};

detection_session::detection_session(const detection_engine& engine) : st_(std::make_unique<state>()) {
  st_->eng = &engine.internals();
  st_->per_rule.assign(st_->eng->crules.size(), 0);
}
detection_session::~detection_session() = default;
detection_session::detection_session(detection_session&&) noexcept = default;

const detect_stats& detection_session::stats() const noexcept {
  st_->finish();
  return st_->stats;
}

namespace {
// A source without active rules still reads its events (counted, no alerts).
const source_plan* plan_for(const detection_engine::impl& eng, std::string_view source, source_plan& empty) {
  if (const auto* p = eng.plan(source)) return p;
  empty.name = std::string(source);
  empty.kind = engine::kind_of(source);
  return &empty;
}
}  // namespace

bool detection_session::feed(std::string_view source, std::string_view json, const alert_callback& on_alert) {
  source_plan empty;
  const source_plan* plan = plan_for(*st_->eng, source, empty);
  std::size_t line = st_->ordinal + 1;
  return st_->text(plan, json, line, on_alert);
}

namespace {
// An alert copied out of an evaluating thread, emitted later in input order.
struct owned_alert {
  alert a;
  std::string output, hostname;
  std::vector<std::pair<std::string, std::string>> fields;
};

// One line of a block: where it sits in the block's text, its line number and ordinal.
struct block_line {
  std::size_t offset = 0, size = 0;
  std::size_t line = 0;
  std::uint64_t ordinal = 0;
  bool too_long = false;
};

// Cuts the stream into blocks of whole lines, about block_bytes each. Used by
// one thread at a time (under the crew's lock): each thread reads its own next
// block straight into its own buffer, so the text is written and parsed by the
// same core, and nobody hands lines over.
struct block_reader {
  static constexpr std::size_t block_bytes = std::size_t{64} << 10;
  engine::line_reader& rd;
  std::string carry;            // the start of a line the last block ended in
  std::uint64_t ordinal = 0;    // non-blank lines so far
  bool done = false;            // the input is exhausted

  static bool blank(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
  }
  void add(std::string& text, std::vector<block_line>& lines, std::size_t at, std::size_t size) {
    ++rd.line_no;
    bool too_long = size > max_line_bytes;
    if (!too_long && blank(std::string_view(text).substr(at, size))) return;
    lines.push_back({at, too_long ? 0 : size, rd.line_no, ++ordinal, too_long});
  }
  // Fills `text` with the next whole lines (and simdjson's padding after them) and
  // `lines` with where they are; false when the input has no line left.
  bool fill(std::string& text, std::vector<block_line>& lines) {
    text.assign(carry);
    carry.clear();
    lines.clear();
    std::size_t start = 0, searched = 0;
    while (true) {
      while (const void* nl = std::memchr(text.data() + searched, '\n', text.size() - searched)) {
        auto end = static_cast<std::size_t>(static_cast<const char*>(nl) - text.data());
        add(text, lines, start, end - start);
        start = searched = end + 1;
      }
      searched = text.size();
      if (done || (!lines.empty() && text.size() >= block_bytes)) break;
      if (text.size() - start > max_line_bytes) {
        // A line too long to keep: counted as one malformed line, the rest of it dropped.
        add(text, lines, start, text.size() - start);
        text.resize(start);
        while (true) {
          text.resize(start + block_bytes);
          std::size_t got = rd.take(text.data() + start, block_bytes);
          const void* nl = std::memchr(text.data() + start, '\n', got);
          if (got == 0) done = true;
          if (nl == nullptr) {
            text.resize(start);
            if (done) break;
            continue;
          }
          auto after = static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1;
          text.erase(start, after - start);
          text.resize(start + got - (after - start));
          break;
        }
        searched = start;
        continue;
      }
      std::size_t old = text.size();
      text.resize(old + block_bytes);
      std::size_t got = rd.take(text.data() + old, block_bytes);
      text.resize(old + got);
      if (got == 0) done = true;
    }
    if (start < text.size()) {
      if (done) {
        add(text, lines, start, text.size() - start);   // the last line has no line break
      } else {
        carry.assign(text, start);
        text.resize(start);
      }
    }
    text.append(simdjson::SIMDJSON_PADDING, '\0');
    return !lines.empty();
  }
};

// What a block produced, kept until the blocks before it are emitted.
struct alignas(64) block_result {
  std::vector<owned_alert> alerts;
  std::vector<std::size_t> bad_lines;   // its first ten malformed lines
  std::string first_reason;
  bool ready = false;                   // written under the crew's lock
};
}  // namespace

void detection_session::run(std::istream& in, std::string_view source, const alert_callback& on_alert, unsigned threads) {
  source_plan empty;
  const source_plan* plan = plan_for(*st_->eng, source, empty);
  // Read everything up to the first line break to choose the mode.
  std::string buf;
  std::string line;
  engine::line_reader reader{in};
  const std::size_t& line_no = reader.line_no;
  const bool& too_long = reader.too_long;
  auto next_line = [&](std::string& out) { return reader.next(out); };
  auto blank = block_reader::blank;
  // Skip leading blank lines; the first real line decides.
  bool have = false;
  while ((have = next_line(line)))
    if (!blank(line)) break;
  if (!have) return;
  std::size_t first_line = line_no;
  std::size_t skip = 0;
  while (skip < line.size() && (line[skip] == ' ' || line[skip] == '\t')) ++skip;
  if (skip + 3 <= line.size() && std::memcmp(line.data() + skip, "\xEF\xBB\xBF", 3) == 0) line.erase(skip, 3);
  bool first_parses = !too_long && !st_->parser.parse(line.data(), line.size(), true).error();
  if (!first_parses && !too_long && skip < line.size() && (line[skip] == '[' || line[skip] == '{')) {
    // A document over several lines: read it whole (bounded), then parse once.
    // `cut` keeps each line's too_long flag, so that if the text is not one
    // document either, its lines are taken exactly as JSON Lines takes them.
    std::vector<bool> cut{false};
    buf = line;
    buf.push_back('\n');
    std::string l2;
    bool big = false;
    while (next_line(l2)) {
      if (buf.size() + l2.size() > max_document_bytes) {
        big = true;
        break;
      }
      buf += l2;
      buf.push_back('\n');
      cut.push_back(too_long);
    }
    auto doc = big ? simdjson::simdjson_result<simdjson::dom::element>(simdjson::CAPACITY) : st_->parser.parse(buf);
    if (!doc.error()) {
      st_->root_value(plan, doc.value_unsafe(), first_line, on_alert);
      return;
    }
    // Not one document either: every line on its own, as JSON Lines.
    std::size_t n = first_line;
    std::string_view rest = buf;
    for (std::size_t i = 0; !rest.empty(); ++i, ++n) {
      auto nl = rest.find('\n');
      std::string_view l = rest.substr(0, nl);
      if (!blank(l)) st_->json_line(plan, l, n, cut[i], false, on_alert);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    if (big) st_->malformed(n, "input larger than 1 GiB without line structure");
    return;
  }
  // JSON Lines.
  if (threads <= 1 || plan->sequential) {
    // The first line, then blocks of lines parsed where they lie (as on several threads).
    st_->json_line(plan, line, first_line, too_long, false, on_alert);
    block_reader blocks{reader, {}, 0, false};
    std::string text;
    std::vector<block_line> lines;
    while (blocks.fill(text, lines))
      for (const block_line& bl : lines)
        st_->json_line(plan, std::string_view(text.data() + bl.offset, bl.size), bl.line, bl.too_long, true, on_alert);
    return;
  }
  st_->run_parallel(plan, line, first_line, reader, on_alert, threads);
}

// JSON Lines on `threads` threads: this one and threads - 1 workers. Every
// thread takes the next block of lines under one lock, reading it from the
// stream into its own buffer, and evaluates it with its own event state,
// parsing each line where it lies; the results wait in a ring of slots and
// this thread emits them in input order (alerts through on_alert, malformed
// lines, the first reason). No barrier per block: a thread waits only when the
// ring is full (for the emitter) or, at the end, for the last blocks.
void detection_session::state::run_parallel(const source_plan* plan, std::string& line, std::size_t first_line,
                                            engine::line_reader& reader, const alert_callback& on_alert,
                                            unsigned threads) {
  state* const st_ = this;
  // The first line (already read, its byte-order mark removed) comes first, here.
  ordinal = 0;
  json_line(plan, line, first_line, reader.too_long, false, on_alert);
  ordinal = 1;

  struct alignas(64) lane {
    state st;
    std::string text;                 // the block being evaluated, padded
    std::vector<block_line> lines;
  };
  std::vector<std::unique_ptr<lane>> lanes;
  for (unsigned t = 0; t < threads; ++t) {
    lanes.push_back(std::make_unique<lane>());
    lanes.back()->st.eng = st_->eng;
    lanes.back()->st.per_rule.assign(st_->eng->crules.size(), 0);
  }
  // Blocks read but not yet emitted: enough that a worker does not stall while this
  // thread is descheduled for a time slice (a few milliseconds of blocks).
  const std::size_t window = std::size_t{16} * threads;
  std::vector<block_result> slots(window);
  struct crew_state {
    std::mutex m;                       // guards the reader and everything below
    std::condition_variable room;       // workers: the ring has room again, or quit
    std::condition_variable ready;      // this thread: a block finished, or the input ended
    block_reader blocks;
    std::uint64_t next_block = 0;       // blocks read so far
    std::uint64_t emitted = 0;          // blocks emitted so far
    unsigned waiting_workers = 0;
    bool emitter_waiting = false;
    bool quit = false;
  } crew{{}, {}, {}, block_reader{reader, {}, 1, false}};
  constexpr std::uint64_t none = ~std::uint64_t{0};

  // Evaluates the block in lane t into its slot. Never throws out of evaluation.
  auto evaluate = [&](lane& ln, block_result& out) {
    state& w = ln.st;
    w.stats.malformed_lines.clear();
    w.stats.first_malformed_reason.clear();
    const alert_callback keep = [&out](const alert& a) {
      owned_alert o;
      o.a = a;
      o.output = std::string(a.output);
      o.hostname = std::string(a.hostname);
      o.fields = *a.output_fields;
      out.alerts.push_back(std::move(o));
    };
    for (const block_line& bl : ln.lines) {
      w.ordinal = bl.ordinal - 1;
      w.json_line(plan, std::string_view(ln.text.data() + bl.offset, bl.size), bl.line, bl.too_long, true, keep);
    }
    out.bad_lines.swap(w.stats.malformed_lines);
    out.first_reason.swap(w.stats.first_malformed_reason);
  };
  auto work = [&](unsigned t) {
    lane& ln = *lanes[t];
    std::uint64_t mine = none;
    while (true) {
      std::unique_lock lock(crew.m);
      if (mine != none) {
        slots[mine % window].ready = true;
        if (crew.emitter_waiting) crew.ready.notify_one();
        mine = none;
      }
      while (!crew.quit && !crew.blocks.done && crew.next_block >= crew.emitted + window) {
        ++crew.waiting_workers;
        crew.room.wait(lock);
        --crew.waiting_workers;
      }
      if (crew.quit || crew.blocks.done) return;
      if (!crew.blocks.fill(ln.text, ln.lines)) {
        if (crew.emitter_waiting) crew.ready.notify_one();
        return;
      }
      mine = crew.next_block++;
      lock.unlock();
      evaluate(ln, slots[mine % window]);
    }
  };
  // Joins the workers on every way out (an alert callback may throw).
  struct joiner {
    crew_state& c;
    std::vector<std::thread> pool;
    ~joiner() {
      {
        std::lock_guard lock(c.m);
        c.quit = true;
      }
      c.room.notify_all();
      for (auto& th : pool) th.join();
    }
  } crew_threads{crew, {}};
  for (unsigned t = 1; t < threads; ++t) crew_threads.pool.emplace_back(work, t);

  // This thread: emits what is ready in order, reads and evaluates a block when the ring has room.
  lane& own = *lanes[0];
  std::uint64_t mine = none;
  std::uint64_t released = 0;   // blocks whose results were handed out
  while (true) {
    std::uint64_t from = 0, upto = 0;
    {
      std::unique_lock lock(crew.m);
      if (mine != none) {
        slots[mine % window].ready = true;
        mine = none;
      }
      if (released > crew.emitted) {
        crew.emitted = released;
        if (crew.waiting_workers) crew.room.notify_all();
      }
      from = upto = crew.emitted;
      while (upto < crew.next_block && slots[upto % window].ready) ++upto;
      if (!crew.blocks.done && crew.next_block < crew.emitted + window) {
        if (crew.blocks.fill(own.text, own.lines)) mine = crew.next_block++;
      } else if (upto == from) {
        if (crew.blocks.done && crew.emitted == crew.next_block) break;
        crew.emitter_waiting = true;
        crew.ready.wait(lock);
        crew.emitter_waiting = false;
        continue;
      }
    }
    // Results of blocks before any still being evaluated: in order, outside the lock.
    for (std::uint64_t b = from; b < upto; ++b) {
      block_result& r = slots[b % window];
      for (owned_alert& o : r.alerts) {
        o.a.output = o.output;
        o.a.hostname = o.hostname;
        o.a.output_fields = &o.fields;
        if (on_alert) on_alert(o.a);
      }
      r.alerts.clear();
      for (std::size_t at : r.bad_lines)
        if (st_->stats.malformed_lines.size() < 10) st_->stats.malformed_lines.push_back(at);
      if (st_->stats.first_malformed_reason.empty() && !r.first_reason.empty())
        st_->stats.first_malformed_reason = r.first_reason;
      r.bad_lines.clear();
      r.first_reason.clear();
      r.ready = false;
    }
    released = upto;
    if (mine != none) evaluate(own, slots[mine % window]);
  }
  // Order-free counts, summed once at the end.
  for (auto& ln : lanes) {
    const state& w = ln->st;
    st_->stats.malformed += w.stats.malformed;
    st_->stats.events += w.stats.events;
    st_->stats.failed += w.stats.failed;
    st_->stats.alerts += w.stats.alerts;
    for (std::size_t r = 0; r < w.per_rule.size(); ++r) st_->per_rule[r] += w.per_rule[r];
  }
  st_->ordinal = crew.blocks.ordinal;
}

}  // namespace mitrekg
