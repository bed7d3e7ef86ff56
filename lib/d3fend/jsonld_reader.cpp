// D3FEND JSON-LD reader: one forward simdjson On-Demand pass over "@graph".
// Strings without escapes are views into the file (mapped, for the load only);
// the others are decoded into the read arena; the storer copies what it keeps.
// Nothing here knows the inference.
//
// Two stages: the reader turns @graph elements into batches of plain records
// (JSON work only), the storer interns them into the ontology (hash work only).
// Given a helper thread (large files), the storer runs on it while the reader
// goes on; the result is the same as storing each element as it is read
// (nodes are numbered in file order, warnings come in file order).
#include <atomic>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "d3fend/ontology_impl.hpp"
#include "mitrekg/error.hpp"
#include "support/helper_thread.hpp"
#include "support/json_text.hpp"
#include "support/text.hpp"

namespace mitrekg::d3fend_detail {

namespace od = simdjson::ondemand;

namespace {


// The JSON type of a value; throws simdjson_error on a broken token. (GCC
// would not inline it; it is called on every value.)
[[gnu::always_inline]] inline od::json_type kind(od::value& v) { return v.type().value(); }

// The field inside an iteration result, by reference; throws simdjson_error on
// a broken token. (Binding `od::field f` in the loop instead copies the field
// through the stack, which GCC turns into store-forwarding stalls: taking it by
// reference cut the load by about 0.2 ms of 4.1.)
od::field& checked(simdjson::simdjson_result<od::field>& r) {
  if (r.error()) throw simdjson::simdjson_error(r.error());
  return r.value_unsafe();
}

// Text properties kept, by slot.
enum text_slot : int {
  t_label, t_definition, t_d3fend_id, t_attack_id, t_kb_article, t_comment,
  t_title, t_url, t_organization, t_author, t_version, t_count
};

// Keys read by read_element. Dispatch on the length first: most keys are
// compared against one or two candidates only.
enum key_code : int {
  k_other = t_count, k_id, k_type, k_subclass, k_subproperty, k_inverse, k_on_property, k_some_values_from,
  k_deprecated
};

// Equality with a literal, its length known to the compiler: inlined, where
// string_view's == with a runtime length calls memcmp for every key compared.
template <std::size_t N>
bool is(std::string_view s, const char (&literal)[N]) noexcept {
  return s.size() == N - 1 && std::memcmp(s.data(), literal, N - 1) == 0;
}

int key_code_of(std::string_view key) noexcept {
  switch (key.size()) {
    case 3: if (is(key, "@id")) return k_id; break;
    case 5: if (is(key, "@type")) return k_type; break;
    case 10: if (is(key, "rdfs:label")) return t_label; break;
    case 12:
      if (is(key, "rdfs:comment")) return t_comment;
      if (is(key, "d3f:has-link")) return t_url;
      break;
    case 13:
      if (is(key, "d3f:attack-id")) return t_attack_id;
      if (is(key, "d3f:d3fend-id")) return t_d3fend_id;
      if (is(key, "owl:inverseOf")) return k_inverse;
      if (is(key, "d3f:kb-author")) return t_author;
      break;
    case 14:
      if (is(key, "d3f:definition")) return t_definition;
      if (is(key, "owl:onProperty")) return k_on_property;
      if (is(key, "d3f:kb-article")) return t_kb_article;
      if (is(key, "owl:deprecated")) return k_deprecated;
      break;
    case 15:
      if (is(key, "rdfs:subClassOf")) return k_subclass;
      if (is(key, "owl:versionInfo")) return t_version;
      break;
    case 18:
      if (is(key, "owl:someValuesFrom")) return k_some_values_from;
      if (is(key, "rdfs:subPropertyOf")) return k_subproperty;
      break;
    case 19: if (is(key, "d3f:kb-organization")) return t_organization; break;
    case 22: if (is(key, "d3f:kb-reference-title")) return t_title; break;
    default: break;
  }
  return k_other;
}

std::uint16_t type_flag(std::string_view type) noexcept {
  if (is(type, "owl:Class")) return f_class;
  if (is(type, "owl:ObjectProperty")) return f_object_property;
  if (is(type, "owl:Restriction")) return f_restriction;
  if (is(type, "d3f:ATTACKEnterpriseMitigation")) return f_mitigation;
  if (is(type, "d3f:DefensiveTactic")) return f_tactic_type;
  return 0;
}

// What one @graph element says, gathered before its "@id" is known (JSON-LD
// does not promise "@id" comes first). Views into the file, the read arena or
// simdjson's string buffer, all alive until the pass ends.
struct element {
  std::uint32_t offset = 0;  // of the element in the file
  bool has_id = false;
  bool deprecated = false;
  std::uint16_t flags = 0;
  std::string_view id, on_property, some_values_from;
  std::string_view text[t_count];
  std::uint32_t links_begin = 0, links_end = 0;  // in batch::links
};

enum class link_kind : std::uint8_t { subclass, subproperty, inverse, statement };
struct element_link {
  link_kind kind;
  std::string_view key;  // statements: the property's compact IRI
  std::string_view target;
};

// A "wrong_types" warning found while reading element `element` of a batch.
struct read_warning {
  std::uint32_t element;
  std::uint32_t offset;
  std::string message;
};

// Elements read, waiting to be stored.
struct batch {
  static constexpr std::size_t capacity = 256;
  std::vector<element> elements;
  std::vector<element_link> links;
  std::vector<read_warning> warnings;

  batch() { elements.reserve(capacity); }
  bool full() const noexcept { return elements.size() >= capacity; }
  void clear() noexcept {
    elements.clear();
    links.clear();
    warnings.clear();
  }
};

// The storing stage: interns a batch's elements into the ontology, in order.
// Owns every write to `o` during the pass (nodes, raw links, report, arena).
class storer {
public:
  explicit storer(d3fend_impl& o) : o_(o) {}
  void store(const batch& b);

private:
  void store(const batch& b, const element& e);
  d3fend_impl& o_;
};

void storer::store(const batch& b) {
  o_.report.nodes += b.elements.size();
  auto warning = b.warnings.begin();
  for (std::size_t i = 0; i < b.elements.size(); ++i) {
    for (; warning != b.warnings.end() && warning->element == i; ++warning)
      o_.warn(o_.report.wrong_types, warning->offset, warning->message);
    store(b, b.elements[i]);
  }
}

void storer::store(const batch& b, const element& e) {
  auto& o = o_;
  if (!e.has_id || e.id.empty()) {
    o.warn(o.report.malformed_nodes, e.offset, "@graph element without \"@id\"; skipped");
    return;
  }
  // intern() may grow `entries` and `extra`: intern first, then take references.
  const d3fend_node n = o.intern(e.id);
  const d3fend_node on_property = e.on_property.empty() ? no_node : o.intern(e.on_property);
  const d3fend_node some_values_from = e.some_values_from.empty() ? no_node : o.intern(e.some_values_from);
  auto& x = o.extra[n];
  auto& entry = o.entries[n];
  if (!(x.flags & f_defined)) x.offset = e.offset;
  x.flags |= static_cast<std::uint16_t>(e.flags | f_defined);
  entry.deprecated = entry.deprecated || e.deprecated;
  // Copied: the file's text is dropped when the load ends.
  auto keep = [&o](std::string_view& field, std::string_view value) {
    if (field.empty()) field = o.keep_text(value);
  };
  keep(entry.label, e.text[t_label]);
  keep(entry.definition, e.text[t_definition]);
  keep(entry.d3fend_id, e.text[t_d3fend_id]);
  keep(entry.attack_id, e.text[t_attack_id]);
  keep(entry.kb_article, e.text[t_kb_article]);
  keep(x.comment, e.text[t_comment]);
  keep(x.title, e.text[t_title]);
  keep(x.url, e.text[t_url]);
  keep(x.organization, e.text[t_organization]);
  keep(x.author, e.text[t_author]);
  keep(o.version, e.text[t_version]);
  if (on_property != no_node) x.on_property = on_property;
  if (some_values_from != no_node) x.some_values_from = some_values_from;
  // No references into `entries` or `extra` below this line.
  for (std::uint32_t i = e.links_begin; i < e.links_end; ++i) {
    const element_link& l = b.links[i];
    switch (l.kind) {
      case link_kind::subclass: o.raw_subclass.push_back({n, no_node, o.intern(l.target)}); break;
      case link_kind::subproperty: o.raw_subproperty.push_back({n, no_node, o.intern(l.target)}); break;
      case link_kind::inverse: o.raw_inverse.push_back({n, no_node, o.intern(l.target)}); break;
      case link_kind::statement: {
        d3fend_node k = o.intern(l.key);
        o.raw_statements.push_back({n, k, o.intern(l.target)});
        break;
      }
    }
  }
}

// Hands full batches from the reader to the storer. Threaded, when given a
// running helper thread: the helper stores while the reader reads on.
// Otherwise the reader stores each batch itself. The helper polls for batches
// instead of sleeping: a load lasts milliseconds, and a wake-up per batch would
// cost the reader a system call each time.
class handoff {
public:
  handoff(storer& s, helper_thread* helper) : storer_(s) {
    current_ = std::make_unique<batch>();
    free_.reserve(16);  // the helper returns batches here: no allocation on its side
    if (helper && helper->running()) {
      helper_ = helper;
      helper_->start([this] { work(); });
    }
  }
  // On an error in the reader: the storer stops at its next batch.
  ~handoff() {
    if (!helper_) return;
    state_.store(abandoned, std::memory_order_release);
    helper_->wait();
  }
  handoff(const handoff&) = delete;
  handoff& operator=(const handoff&) = delete;

  batch& current() noexcept { return *current_; }

  // The current batch is full. Throws the storer's error, if it failed.
  void push() {
    if (!helper_) {
      storer_.store(*current_);
      current_->clear();
      return;
    }
    std::unique_ptr<batch> next;
    {
      std::lock_guard lock(mutex_);
      if (error_) std::rethrow_exception(error_);
      full_.push_back(std::move(current_));
      if (!free_.empty()) {
        next = std::move(free_.back());
        free_.pop_back();
      }
    }
    pushed_.fetch_add(1, std::memory_order_release);
    current_ = next ? std::move(next) : std::make_unique<batch>();
  }

  // End of input: stores what is left and waits for the storer. Throws its error.
  void finish() {
    if (!current_->elements.empty()) push();
    if (!helper_) return;
    state_.store(closing, std::memory_order_release);
    helper_->wait();
    helper_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

private:
  enum : int { reading, closing, abandoned };

  // The helper's task; never throws (a storer error is handed to the reader).
  void work() noexcept {
    std::size_t taken = 0;
    for (;;) {
      // Wait for a batch, the end of input, or an error in the reader.
      for (;;) {
        const int state = state_.load(std::memory_order_acquire);
        if (state == abandoned) return;
        if (pushed_.load(std::memory_order_acquire) > taken) break;
        if (state == closing) return;  // every batch was pushed before closing: all stored
        std::this_thread::yield();
      }
      std::unique_ptr<batch> b;
      {
        std::lock_guard lock(mutex_);
        b = std::move(full_.front());
        full_.pop_front();
      }
      ++taken;
      try {
        storer_.store(*b);
      } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
        return;
      }
      b->clear();
      std::lock_guard lock(mutex_);
      free_.push_back(std::move(b));
    }
  }

  storer& storer_;
  std::unique_ptr<batch> current_;             // the reader's
  helper_thread* helper_ = nullptr;            // running work() while not null
  std::atomic<int> state_{reading};
  std::atomic<std::size_t> pushed_{0};         // batches handed over so far
  std::mutex mutex_;
  std::deque<std::unique_ptr<batch>> full_;    // guarded by mutex_
  std::vector<std::unique_ptr<batch>> free_;   // guarded by mutex_
  std::exception_ptr error_;                   // guarded by mutex_; set by the storer
};

class reader {
public:
  explicit reader(d3fend_impl& o) : o_(o), text_(o.text) {}

  // Reads the document, handing elements to `out`; does not write to the ontology.
  void run(od::document& doc, handoff& out);
  const char* last_element() const noexcept { return last_element_; }

private:
  std::uint32_t offset_of(const char* at) const noexcept {
    if (at < text_.data() || at > text_.data() + text_.size()) return static_cast<std::uint32_t>(text_.size());
    return static_cast<std::uint32_t>(at - text_.data());
  }
  const char* where(od::value& v) const noexcept {
    const char* at = nullptr;
    if (v.current_location().get(at)) return last_element_;
    return at;
  }
  [[noreturn]] void fail(errc code, const char* at, const std::string& message) const {
    throw error(code, o_.file, line_column(text_, offset_of(at)), message);
  }

  std::string_view str(od::value& v) { return json_string(v, o_.read_arena); }
  void warn(const char* at, std::string message) {
    batch& b = out_->current();
    b.warnings.push_back({static_cast<std::uint32_t>(b.elements.size() - 1), offset_of(at), std::move(message)});
  }

  // A field's key as a view: into the file when it has no escapes (almost
  // always), else decoded into the read arena (kept: statements keep keys).
  std::string_view key_of(od::field& f) {
    const char* raw = f.key().raw();
    const char* limit = text_.data() + text_.size();
    // Keys are short: an inline scan for the closing quote beats two memchr calls.
    for (const char* p = raw; p < limit; ++p) {
      if (*p == '"') return std::string_view(raw, static_cast<std::size_t>(p - raw));
      if (*p == '\\') break;
    }
    std::string_view decoded;
    if (auto err = json_decode_escaped(f.key(), json_raw_key(f).size(), decoded))
      throw located_json_error(err, raw - 1);   // at the key's opening quote
    return o_.read_arena.emplace_back(decoded);
  }
  // {"@id": "…"} -> the id; empty when the object has no string "@id".
  std::string_view ref_of(od::object obj) {
    std::string_view id;
    for (auto field : obj) {
      od::field& f = checked(field);
      if (!is(key_of(f), "@id")) {
        validate_json(f.value(), 4);
        continue;
      }
      od::value& v = f.value();
      if (kind(v) != od::json_type::string) return {};
      id = str(v);
    }
    return id;
  }
  // One reference or a list of them, for properties whose shape is fixed:
  // anything else is fatal (wrong_type). Calls sink(id) for each.
  template <class Sink>
  void refs(od::value& v, std::string_view key, Sink&& sink) {
    const char* at = where(v);
    const auto type = kind(v);
    if (type == od::json_type::object) {
      auto id = ref_of(v.get_object());
      if (id.empty()) fail(errc::wrong_type, at, fmt::format("\"{}\" must be {{\"@id\": …}}", key));
      sink(id);
    } else if (type == od::json_type::array) {
      for (od::value e : v.get_array()) {
        const char* eat = where(e);
        if (kind(e) != od::json_type::object)
          fail(errc::wrong_type, eat, fmt::format("\"{}\" list element must be {{\"@id\": …}}", key));
        auto id = ref_of(e.get_object());
        if (id.empty()) fail(errc::wrong_type, eat, fmt::format("\"{}\" list element must be {{\"@id\": …}}", key));
        sink(id);
      }
    } else {
      fail(errc::wrong_type, at, fmt::format("\"{}\" must be {{\"@id\": …}} or a list of them", key));
    }
  }
  void links(od::value& v, std::string_view key, link_kind k) {
    auto& out = out_->current().links;
    refs(v, key, [&](std::string_view id) { out.push_back({k, {}, id}); });
  }
  std::string_view one_ref(od::value& v, std::string_view key) {
    std::string_view first;
    std::size_t count = 0;
    const char* at = where(v);
    refs(v, key, [&](std::string_view id) {
      if (count++ == 0) first = id;
    });
    if (count != 1) fail(errc::wrong_type, at, fmt::format("\"{}\" must be one {{\"@id\": …}}", key));
    return first;
  }
  // Direct-form statements: one reference or a list; other shapes are
  // datatype values (numbers, strings) and are not statements.
  void statement_refs(od::value& v, std::string_view key) {
    auto& out = out_->current().links;
    const auto type = kind(v);
    if (type == od::json_type::object) {
      auto id = ref_of(v.get_object());
      if (!id.empty()) out.push_back({link_kind::statement, key, id});
    } else if (type == od::json_type::array) {
      for (od::value x : v.get_array()) {
        if (kind(x) != od::json_type::object) {
          validate_json(x, 4);
          continue;
        }
        auto id = ref_of(x.get_object());
        if (!id.empty()) out.push_back({link_kind::statement, key, id});
      }
    } else {
      validate_json(v, 3);   // a datatype value: not kept, but checked
    }
  }
  // Text: a string, {"@value": "…"}, or a list whose first text counts.
  bool text_of(od::value& v, std::string_view& out, int depth = 0) {
    switch (kind(v)) {
      case od::json_type::string:
        out = str(v);
        return true;
      case od::json_type::object: {
        // Every field is consumed (and so checked): the first "@value", if a string, is the text.
        bool found = false, text = false;
        for (auto field : v.get_object()) {
          od::field& f = checked(field);
          if (found || !is(key_of(f), "@value")) {
            validate_json(f.value(), 4);
            continue;
          }
          found = true;
          od::value& x = f.value();
          if (kind(x) != od::json_type::string) {
            validate_json(x, 4);
            continue;
          }
          out = str(x);
          text = true;
        }
        return text;
      }
      case od::json_type::array:
        if (depth > 0) {
          validate_json(v, 4);
          return false;
        }
        for (od::value x : v.get_array()) {
          std::string_view t;
          if (!out.empty() || kind(x) == od::json_type::array) validate_json(x, 4);
          else if (text_of(x, t, depth + 1)) out = t;
        }
        return true;  // a list of references only (no text) is not an error
      default:
        validate_json(v, 3);   // a number, true, false or null: not text, but checked
        return false;
    }
  }

  void read_element(od::object obj, const char* at);

  d3fend_impl& o_;  // read only, except read_arena
  std::string_view text_;
  const char* last_element_ = nullptr;
  handoff* out_ = nullptr;
};

void reader::read_element(od::object obj, const char* at) {
  batch& b = out_->current();
  // Stays valid: nothing else is added to b.elements while this element is read.
  element& e = b.elements.emplace_back();
  e.offset = offset_of(at);
  e.links_begin = e.links_end = static_cast<std::uint32_t>(b.links.size());
  for (auto field : obj) {
    od::field& f = checked(field);
    std::string_view key = key_of(f);
    od::value& v = f.value();
    const int code = key_code_of(key);
    switch (code) {
      case k_id:
        if (kind(v) != od::json_type::string) fail(errc::wrong_type, where(v), "\"@id\" must be a string");
        e.id = str(v);
        e.has_id = true;
        break;
      case k_type: {
        const char* vat = where(v);
        const auto type = kind(v);
        if (type == od::json_type::string) {
          e.flags |= type_flag(str(v));
        } else if (type == od::json_type::array) {
          for (od::value t : v.get_array()) {
            if (kind(t) != od::json_type::string) fail(errc::wrong_type, where(t), "\"@type\" list element must be a string");
            e.flags |= type_flag(str(t));
          }
        } else {
          fail(errc::wrong_type, vat, "\"@type\" must be a string or a list of strings");
        }
        break;
      }
      case k_subclass: links(v, key, link_kind::subclass); break;
      case k_subproperty: links(v, key, link_kind::subproperty); break;
      case k_inverse: links(v, key, link_kind::inverse); break;
      case k_on_property: e.on_property = one_ref(v, key); break;
      case k_some_values_from: e.some_values_from = one_ref(v, key); break;
      case k_deprecated: {
        const char* vat = where(v);
        if (kind(v) == od::json_type::boolean) {
          e.deprecated = v.get_bool();
        } else {
          std::string_view t;
          if (text_of(v, t) && (t == "true" || t == "false")) {
            e.deprecated = t == "true";
          } else {
            warn(vat, "\"owl:deprecated\" is not a boolean; ignored");
          }
        }
        break;
      }
      case k_other:
        if (key.substr(0, 4) == "d3f:") statement_refs(v, key);
        else validate_json(v, 3);
        break;
      default: {  // a text slot
        const char* vat = where(v);
        std::string_view t;
        if (!text_of(v, t)) {
          warn(vat, fmt::format("\"{}\" is not text; ignored", key));
        } else if (e.text[code].empty()) {
          e.text[code] = t;
        }
        break;
      }
    }
  }
  e.links_end = static_cast<std::uint32_t>(b.links.size());
  if (b.full()) out_->push();
}

void reader::run(od::document& doc, handoff& out) {
  out_ = &out;
  const od::json_type top_type = doc.type().value();
  if (top_type != od::json_type::object)
    throw error(errc::not_a_bundle, o_.file, "line 1, column 1",
                "expected a JSON object with an \"@graph\" array (JSON-LD)");
  od::object top;
  if (auto err = doc.get_object().get(top)) {
    // On-Demand refuses a root object whose last token does not close it: say where it goes wrong.
    if (err != simdjson::INCOMPLETE_ARRAY_OR_OBJECT) throw simdjson::simdjson_error(err);
    std::size_t end = json_root_end(text_);
    if (end == std::string_view::npos)
      fail(errc::not_json, text_.data() + text_.size(), "invalid JSON (the file ends before the root object's closing brace)");
    std::size_t rest = text_.find_first_not_of(" \t\r\n", end);
    fail(errc::not_json, text_.data() + (rest == std::string_view::npos ? end : rest),
         "invalid JSON (content after the root object's closing brace)");
  }
  bool saw_graph = false;
  for (od::field f : top) {
    std::string_view key = key_of(f);
    if (key != "@graph") {
      validate_json(f.value());
      continue;
    }
    od::value v = f.value();
    const char* at = where(v);
    if (kind(v) != od::json_type::array)
      throw error(errc::not_a_bundle, o_.file, line_column(text_, offset_of(at)), "\"@graph\" is not an array");
    saw_graph = true;
    for (od::value element : v.get_array()) {
      const char* eat = where(element);
      last_element_ = eat;
      if (kind(element) != od::json_type::object) fail(errc::wrong_type, eat, "@graph element is not an object");
      read_element(element.get_object(), eat);
    }
  }
  if (!saw_graph) throw error(errc::not_a_bundle, o_.file, "", "not a JSON-LD graph: no \"@graph\" array");
  out.finish();
  // simdjson 3.0 has no document::at_end(): a location after the root means more tokens.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest))
    throw error(errc::not_json, o_.file, line_column(text_, offset_of(rest)), "invalid JSON (content after the root object)");
}

}  // namespace

void read_jsonld(d3fend_impl& o, std::size_t capacity, helper_thread* helper) {
  // A UTF-8 byte order mark is skipped; positions count from after it.
  const std::size_t bom = bom_length(o.text);
  o.text.remove_prefix(bom);
  capacity -= bom;
  std::string_view text = o.text;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw error(errc::not_json, o.file, "", "empty file, expected D3FEND JSON-LD");
  od::parser parser;
  reader rd(o);
  storer st(o);
  od::document doc;
  auto err = parser.iterate(simdjson::padded_string_view(text.data(), text.size(), capacity)).get(doc);
  if (err) {
    // The first stage (strings, UTF-8) failed before any position was known: find it.
    std::size_t at = stage1_error_offset(text);
    throw error(errc::not_json, o.file, at == std::string_view::npos ? "" : line_column(text, at),
                fmt::format("invalid JSON ({})", simdjson::error_message(err)));
  }
  try {
    // Declared inside: an error leaves this block only after the storer stopped.
    handoff out(st, helper);
    rd.run(doc, out);
  } catch (const simdjson::simdjson_error& e) {
    // Position: where the value went wrong, else where the iterator stopped, else the element being read.
    const char* at = nullptr;
    if (auto* located = dynamic_cast<const located_json_error*>(&e)) at = located->at;
    else if (doc.current_location().get(at)) at = rd.last_element();
    std::size_t offset = at && at >= text.data() && at <= text.data() + text.size()
                             ? static_cast<std::size_t>(at - text.data())
                             : text.size();
    throw error(errc::not_json, o.file, line_column(text, offset),
                fmt::format("invalid JSON ({})", simdjson::error_message(e.error())));
  }
}

}  // namespace mitrekg::d3fend_detail
