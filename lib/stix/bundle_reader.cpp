// STIX bundle reader: one forward simdjson On-Demand pass into flat records.
#include "stix/bundle_reader.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>
#include <simdjson.h>

#include "mitrekg/error.hpp"
#include "support/huge_pages.hpp"
#include "support/input_file.hpp"
#include "support/json_text.hpp"
#include "support/text.hpp"
#include "support/text_map.hpp"

namespace mitrekg::stix {

namespace od = simdjson::ondemand;

namespace {

constexpr std::size_t max_samples = 20;

// Properties ATT&CK bundles carry that this reader deliberately does not keep.
// Anything not here and not read below is counted as an unknown property.
constexpr std::string_view ignored_properties[] = {
    "created", "created_by_ref", "object_marking_refs", "x_mitre_modified_by_ref",
    "x_mitre_attack_spec_version", "x_mitre_contributors", "x_mitre_detection",
    "x_mitre_impact_type", "x_mitre_remote_support", "labels", "definition", "definition_type",
    "identity_class", "first_seen", "last_seen", "x_mitre_first_seen_citation",
    "x_mitre_last_seen_citation", "x_mitre_mutable_elements", "x_mitre_collection_layers",
    "x_mitre_log_sources", "x_mitre_sectors", "x_mitre_related_assets", "spec_version",
    "x_mitre_permissions_required", "x_mitre_system_requirements",
    "x_mitre_effective_permissions", "x_mitre_defense_bypassed", "x_mitre_data_sources",
    "x_mitre_network_requirements", "x_mitre_tactic_type", "x_mitre_old_attack_id",
    "x_mitre_contents", "x_mitre_platforms_description", "lang", "granular_markings",
    "confidence", "external_id", "x_mitre_tactic_refs", "x_mitre_data_component_refs",
    "is_family", "roles", "sectors", "contact_information", "start_time", "stop_time",
    "objective", "x_mitre_detection_strategy_refs"};

// The properties of an object this reader knows: each key is looked up once
// in a flat table (one hash, one probe) instead of compared with each name in
// turn.
enum class prop : std::uint8_t {
  unknown, ignored, type, id, name, description, modified, version, shortname, revoked, deprecated,
  is_subtechnique, external_references, kill_chain_phases, platforms, aliases, domains, refs,
  data_source_ref, log_source_references, relationship_type, source_ref, target_ref
};

// The property table: a perfect hash over the names above. A key's length
// and four of its bytes (the first, the middle and the last two, which tell
// the 70 names apart) are multiplied by a seed chosen when the table is built
// so that no two names share one of its 1024 slots. A lookup is one
// multiplication, one slot and one comparison; the flat hash map it replaces
// spent 85 instructions a key probing (callgrind: 31.5 of the 288 million
// instructions of a cold load of the Enterprise bundle).
class property_table {
public:
  property_table() {
    std::vector<std::pair<std::string_view, prop>> names;
    const auto add = [&](std::string_view k, prop p) {
      for (auto& [name, which] : names)
        if (name == k) { which = p; return; }
      names.emplace_back(k, p);
    };
    for (std::string_view k : ignored_properties) add(k, prop::ignored);
    const std::pair<std::string_view, prop> read[] = {
        {"type", prop::type}, {"id", prop::id}, {"name", prop::name}, {"description", prop::description},
        {"modified", prop::modified}, {"x_mitre_version", prop::version}, {"x_mitre_shortname", prop::shortname},
        {"revoked", prop::revoked}, {"x_mitre_deprecated", prop::deprecated},
        {"x_mitre_is_subtechnique", prop::is_subtechnique}, {"external_references", prop::external_references},
        {"kill_chain_phases", prop::kill_chain_phases}, {"x_mitre_platforms", prop::platforms},
        {"aliases", prop::aliases}, {"x_mitre_aliases", prop::aliases}, {"x_mitre_domains", prop::domains},
        {"tactic_refs", prop::refs}, {"x_mitre_analytic_refs", prop::refs},
        {"x_mitre_data_source_ref", prop::data_source_ref},
        {"x_mitre_log_source_references", prop::log_source_references},
        {"relationship_type", prop::relationship_type}, {"source_ref", prop::source_ref},
        {"target_ref", prop::target_ref}};
    for (const auto& [k, p] : read) add(k, p);
    // Seeds from a fixed sequence (splitmix64), the first without a collision
    // (the 18th, for these names): microseconds, once per process that reads a bundle.
    std::uint64_t state = 0;
    for (int tries = 0; tries < 100000; ++tries) {
      state += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      seed_ = (z ^ (z >> 31)) | 1;
      std::bitset<std::size_t{1} << slot_bits> taken;
      bool collision = false;
      for (const auto& entry : names) {
        const std::size_t i = index(entry.first);
        if (taken.test(i)) { collision = true; break; }
        taken.set(i);
      }
      if (collision) continue;
      for (const auto& [name, which] : names)
        slots_[index(name)] = slot{name.data(), static_cast<std::uint32_t>(name.size()), which};
      return;
    }
    throw std::logic_error("property_table: no seed separates the property names");
  }
  // Built on first use (a bundle read), then shared; thread-safe.
  static const property_table& instance() {
    static const property_table table;
    return table;
  }
  prop find(std::string_view k) const noexcept {
    const slot& at = slots_[index(k)];
    return at.length == k.size() && same_bytes(at.name, k.data(), k.size()) ? at.which : prop::unknown;
  }

private:
  // a[0, n) == b[0, n), both readable that far: up to 32 bytes by a few
  // overlapping loads instead of a call (keys are short).
  static bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    const auto eq = [&](std::size_t at, auto word) {
      decltype(word) x, y;
      std::memcpy(&x, a + at, sizeof x);
      std::memcpy(&y, b + at, sizeof y);
      return x == y;
    };
    if (n > 32) return std::memcmp(a, b, n) == 0;
    if (n > 16)
      return eq(0, std::uint64_t{}) && eq(8, std::uint64_t{}) && eq(n - 16, std::uint64_t{}) &&
             eq(n - 8, std::uint64_t{});
    if (n >= 8) return eq(0, std::uint64_t{}) && eq(n - 8, std::uint64_t{});
    if (n >= 4) return eq(0, std::uint32_t{}) && eq(n - 4, std::uint32_t{});
    if (n >= 2) return eq(0, std::uint16_t{}) && eq(n - 2, std::uint16_t{});
    return n == 0 || a[0] == b[0];
  }
  static constexpr unsigned slot_bits = 10;
  static constexpr std::uint32_t empty = 0xffffffffu;
  struct slot {
    const char* name = "";
    std::uint32_t length = empty;   // no key is this long (max_bundle_bytes)
    prop which = prop::unknown;
  };
  std::size_t index(std::string_view k) const noexcept {
    const std::size_t n = k.size();
    if (n == 0) return 0;
    const auto byte = [&](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(k[i])}; };
    const std::uint64_t x =
        std::uint64_t{n} | byte(0) << 8 | byte(n / 2) << 16 | byte(n - 1) << 24 | (n >= 2 ? byte(n - 2) : 0) << 32;
    return static_cast<std::size_t>((x * seed_) >> (64 - slot_bits));
  }
  std::uint64_t seed_ = 0;
  std::array<slot, std::size_t{1} << slot_bits> slots_{};
};


// Checks the whole document once more, validating every value: after a
// wrong-typed property left part of an object unseen, and to place an error in
// a root that is not an object. Throws simdjson_error; `failed_at` is where.
void validate_document(const simdjson::padded_string_view& text, std::size_t& failed_at) {
  od::parser parser;
  od::document doc = parser.iterate(text);
  try {
    validate_json(doc.get_value().value(), 1);
  } catch (const simdjson::simdjson_error& e) {
    const char* at = nullptr;
    if (auto* located = dynamic_cast<const located_json_error*>(&e)) at = located->at;
    else if (doc.current_location().get(at)) at = nullptr;
    failed_at = at ? static_cast<std::size_t>(at - text.data()) : text.size();
    throw;
  }
}

// Lends simdjson's structural index, behind the pass, to the bundle's string
// arena: while a bundle is read, the index entries before the current token
// are never read again (this reader only moves forward; errors are placed
// from the text, and a second check runs a parser of its own), so the strings
// read next are written over them, into pages the process already has,
// instead of into fresh ones the kernel must fault in and zero (on the VM
// measured, a fresh page costs far more than the copy). The arena keeps the
// parser alive, as it owns that memory. The entry just before the current
// token stays unlent: after an error, simdjson's current_location() reads it.
// The rest of the huge page the index ends in holds a small bundle's first
// records, and is the arena's spare, for the strings kept before the first
// run is lent and those that outpace the pass (with the index on huge pages
// from its first byte, as in the CLI, ATT&CK's bundles then need no block of
// the arena's own, a huge page less for each, and mobile's and ICS's records
// none of their own either: about 160 faults of 4 KiB less per default load).
// Borrows the document. The current token's address is
// json_iterator::position(), public; the document's iterator is a protected
// member, reached through a derived class's pointer to member (simdjson
// 3.0.1, the version built here).
class index_lend {
public:
  // Lends to `b`'s arena, and adds the bytes lent to b.index_lent. `parser`:
  // the owner of the index; null lends nothing. `entries`: the index's size in
  // entries (the parser's capacity, at least).
  index_lend(od::document& doc, bundle& b, std::shared_ptr<const void> parser, std::size_t entries)
      : doc_(doc), total_(b.index_lent), strings_(*b.strings), parser_(std::move(parser)),
        lent_(granule_ceil(reinterpret_cast<std::uintptr_t>(position()))) {
    if (!parser_) return;
    // The rest of the huge page the index's entries end in: faulted in with
    // them and read by nothing (simdjson reads up to 3 entries past the
    // last). When a sixteenth of the input fits in a quarter of it (a small
    // bundle: ATT&CK's lists take a nineteenth to a thirtieth each), its top
    // holds each list's records, which would otherwise fault in pages of
    // their own; the rest is the arena's spare, for the strings kept before
    // the first granule is consumed and those that outpace the pass.
    const auto tail = round_up(reinterpret_cast<std::uintptr_t>(end()) + 16 * sizeof(std::uint32_t), 64);
    const auto tail_end =
        std::min(huge_page_ceil(tail), reinterpret_cast<std::uintptr_t>(root()) + entries * sizeof(std::uint32_t));
    if (tail_end <= tail) return;
    record_region* const lists[] = {b.object_records.get(), b.relationship_records.get()};
    std::size_t share = round_up(b.bytes / 16, 64);
    if (!lists[0] || share > (tail_end - tail) / 4) share = 0;   // the two shares take at most half
    const std::uintptr_t top = tail_end - 2 * share;
    if (!strings_.spare(reinterpret_cast<char*>(tail), top - tail, parser_)) {
      parser_ = nullptr;   // the arena has memory of another owner: lend nothing
      return;
    }
    for (std::size_t i = 0; i < 2 && share > 0; ++i)
      lists[i]->adopt(reinterpret_cast<char*>(top + i * share), share, parser_);
  }
  // Called between elements of "objects": lends the whole granules before the current token's predecessor.
  void before_current() noexcept {
    if (!parser_) return;
    const std::uintptr_t end = granule_floor(reinterpret_cast<std::uintptr_t>(position() - 1));
    if (end < lent_ + granule) return;
    if (!strings_.lend(reinterpret_cast<char*>(lent_), end - lent_, parser_)) {
      parser_ = nullptr;   // the arena has memory of another owner: keep the index whole
      return;
    }
    total_ += end - lent_;
    lent_ = end;
  }

private:
  // Lent in runs of 64 KiB: no system call is involved, the unit only keeps
  // the arena's switches few.
  static constexpr std::uintptr_t granule = std::uintptr_t{64} << 10;
  static constexpr std::uintptr_t granule_floor(std::uintptr_t a) noexcept { return a & ~(granule - 1); }
  static constexpr std::uintptr_t granule_ceil(std::uintptr_t a) noexcept { return granule_floor(a + granule - 1); }
  struct peek : od::document {
    static constexpr auto iterator = &peek::iter;   // json_iterator od::document::*
  };
  struct peek_index : od::json_iterator {
    static constexpr auto root = &peek_index::_root;              // the index's first entry
    static constexpr auto end = &peek_index::end_position;        // the entry past its last
  };
  const std::uint32_t* position() const noexcept { return (doc_.*peek::iterator).position(); }
  const std::uint32_t* root() const noexcept { return (doc_.*peek::iterator).*peek_index::root; }
  const std::uint32_t* end() const noexcept { return ((doc_.*peek::iterator).*peek_index::end)(); }
  od::document& doc_;
  std::size_t& total_;
  string_arena& strings_;
  std::shared_ptr<const void> parser_;   // null once lending stops
  std::uintptr_t lent_;   // the index from its first whole granule up to here is lent
};

// Reads objects of one bundle; throws simdjson_error for broken JSON and
// records wrong-typed properties as warnings.
class reader {
public:
  // `sink`: where the records go (the bundle's lists: list_sink).
  reader(bundle& b, std::string_view text, const od::parser& parser, record_sink& sink)
      : b_(b), text_(text), parser_(parser), sink_(sink) {
    // About ATT&CK's density (an object per 9.5 KB in enterprise 18.1): the
    // table made once, not grown by rehashing (each step a new table and the
    // old one freed, which raised the heap's high-water mark by a third of a MB).
    ids_.reserve(text.size() / 8192);
  }

  // `lend_owner`: the parser, shared, when its index is lent to the arena behind the pass (index_lend); else null.
  void run(od::document& doc, const std::shared_ptr<const void>& lend_owner);
  const char* last_object() const { return last_object_; }
  // A wrong-typed property stopped the reading of an object part way: the
  // rest of that object was skipped unseen, so the document is checked whole.
  bool needs_validation() const { return partly_read_; }

private:
  // Every string kept is copied out of the file into the bundle's arena;
  // one with escapes is decoded straight into it (simdjson's unescape writes
  // at most the raw length plus its padding).
  std::string_view str(od::value v) {
    bool escaped = false;
    const std::string_view inner = json_string_token(v, escaped);
    if (!escaped) return b_.strings->copy(inner);
    auto* out = reinterpret_cast<std::uint8_t*>(b_.strings->reserve(inner.size() + simdjson::SIMDJSON_PADDING));
    const std::string_view decoded = parser_.unescape(v.get_raw_json_string(), out);
    return b_.strings->keep(decoded.size());
  }
  // A reference to an object: when it names one read earlier from this
  // bundle (ATT&CK lists every object before the relationships naming them),
  // that object's position in bundle::objects and its own copy of the id, so
  // the id is stored once and the graph builder need not look it up; else a
  // copy and no_object.
  std::string_view reference(od::value v, std::uint32_t& object) {
    bool escaped = false;
    const std::string_view inner = json_string_token(v, escaped);
    if (auto it = escaped ? ids_.end() : ids_.find(inner); it != ids_.end()) {
      object = it->second;
      return it->first;
    }
    object = raw_relationship::no_object;
    return str(v);
  }
  std::string_view reference(od::value v) {
    std::uint32_t unused;
    return reference(v, unused);
  }
  // The same for a string of a handful of values (a STIX or relationship
  // type): the last few are compared first, no hashing.
  std::string_view few(od::value v) {
    bool escaped = false;
    const std::string_view inner = json_string_token(v, escaped);
    if (!escaped)
      for (std::string_view k : few_)
        if (k == inner) return k;
    const std::string_view kept = str(v);
    if (few_.size() < max_few) few_.push_back(kept);
    return kept;
  }
  // An array of strings, into a vector of its exact size (one allocation).
  template <class Read>
  std::vector<std::string_view> str_array(od::value v, Read&& read) {
    scratch_.clear();
    for (od::value e : v.get_array()) scratch_.push_back(read(e));
    return std::vector<std::string_view>(scratch_.begin(), scratch_.end());
  }
  std::vector<std::string_view> str_array(od::value v) {
    return str_array(v, [this](od::value e) { return str(e); });
  }
  void warn(std::size_t& counter, const char* where, std::string message) {
    ++counter;
    if (b_.samples.size() < max_samples) {
      std::string pos = where ? line_column(text_, static_cast<std::size_t>(where - text_.data())) : "";
      b_.samples.push_back(fmt::format("{}: {}: {}", b_.path, pos, message));
    }
  }

  // Reads an array of small objects into `out`, one Record each: `field(record,
  // key, value)` takes the fields it knows and returns false for the others,
  // which are checked (validate_json) and skipped.
  template <class Record, class Field>
  void object_array(od::value v, std::vector<Record>& out, Field&& field) {
    for (od::value e : v.get_array()) {
      od::object o = e.get_object();
      Record record;
      for (od::field f : o) {
        // Keys compared as written first (the names hold no escape); only a
        // key that matches none is decoded, in case its escapes spell one.
        const std::string_view raw = json_raw_key(f);
        if (field(record, raw, f.value())) continue;
        const std::string_view key = json_key(f, raw);
        if (key.data() == raw.data() || !field(record, key, f.value())) validate_json(f.value(), 4);
      }
      out.push_back(record);
    }
  }
  [[noreturn]] void root_error(simdjson::error_code err) const;
  void read_object(od::object obj, const char* where);
  void read_external_references(od::value v, raw_object& r);

  bundle& b_;
  std::string_view text_;
  const od::parser& parser_;
  record_sink& sink_;
  std::uint32_t objects_read_ = 0;   // objects kept so far: the next one's position
  std::vector<std::string_view> scratch_;
  // Objects read so far: STIX id (a view into the arena) -> first position (bundle::objects, or as passed to the sink).
  boost::unordered_flat_map<std::string_view, std::uint32_t, text_hash, text_equal> ids_;
  static constexpr std::size_t max_few = 32;
  std::vector<std::string_view> few_;   // views into the arena
  const char* last_object_ = nullptr;
  bool partly_read_ = false;
};

void reader::read_external_references(od::value v, raw_object& r) {
  for (od::value ref_value : v.get_array()) {
    od::object ref = ref_value.get_object();
    std::string_view source, external_id, url;
    for (od::field f : ref) {
      // Borrowed (the file, or the parser's buffer): only ATT&CK's own reference is kept, copied below.
      // Compared as written (the names hold no escape); another key is decoded, in case its escapes spell one.
      // Two chains of inlined compares: classifying each key once into an enum took 0.7% more
      // instructions of a cold load (callgrind), through gcc's choices of what to inline.
      const std::string_view raw = json_raw_key(f);
      const std::string_view key = raw == "source_name" || raw == "external_id" || raw == "url" || raw == "description"
                                       ? raw
                                       : json_key(f, raw);
      if (key == "source_name") source = json_string_borrowed(f.value());
      else if (key == "external_id") external_id = json_string_borrowed(f.value());
      else if (key == "url") url = json_string_borrowed(f.value());
      else validate_json(f.value(), 4);
    }
    // ATT&CK's own reference carries the id (mitre-attack, mitre-mobile-attack, mitre-ics-attack).
    if (r.object.id.empty() && source.substr(0, 6) == "mitre-" && !external_id.empty()) {
      r.object.id = b_.strings->copy(external_id);
      r.object.url = b_.strings->copy(url);
    }
  }
}

void reader::read_object(od::object obj, const char* where) {
  raw_object r;
  raw_relationship rel;
  std::string_view type;
  std::string_view modified;   // borrowed: kept below for objects only (relationships do not keep it)
  const property_table& properties = property_table::instance();
  for (od::field f : obj) {
    // Looked up as written (the names hold no escape); a key that matches none
    // is decoded and looked up again, in case its escapes spell one.
    std::string_view key = json_raw_key(f);
    prop which = properties.find(key);
    if (which == prop::unknown) {
      const std::string_view raw = key;
      key = json_key(f, raw);
      if (key.data() != raw.data()) which = properties.find(key);
    }
    const char* at = nullptr;
    try {
      od::value v = f.value();
      at = v.current_location().value_unsafe();
      switch (which) {
        case prop::type: type = few(v); break;
        case prop::id: r.object.stix_id = rel.stix_id = str(v); break;
        case prop::name: r.object.name = str(v); break;
        case prop::description: r.object.description = rel.description = str(v); break;
        case prop::modified: modified = json_string_borrowed(v); break;
        case prop::version: r.object.version = str(v); break;
        case prop::shortname: r.object.shortname = str(v); break;
        case prop::revoked: r.object.revoked = rel.revoked = v.get_bool(); break;
        case prop::deprecated: r.object.deprecated = rel.deprecated = v.get_bool(); break;
        case prop::is_subtechnique: r.object.is_subtechnique = v.get_bool(); break;
        case prop::external_references: read_external_references(v, r); break;
        case prop::kill_chain_phases:
          object_array(v, r.object.kill_chain_phases, [&](kill_chain_phase& k, std::string_view pk, od::value& pv) {
            if (pk == "kill_chain_name") k.kill_chain_name = str(pv);
            else if (pk == "phase_name") k.phase_name = str(pv);
            else return false;
            return true;
          });
          break;
        case prop::platforms: r.object.platforms = str_array(v); break;
        case prop::aliases:
          for (auto a : str_array(v))
            if (a != r.object.name) r.object.aliases.push_back(a);
          break;
        case prop::domains:
          // Not kept: read in place.
          for (od::value e : v.get_array())
            if (auto dom = parse_domain(json_string_borrowed(e))) r.object.domains |= bit(*dom);
          break;
        case prop::refs: r.refs = str_array(v, [this](od::value e) { return reference(e); }); break;
        case prop::data_source_ref: r.data_source_ref = reference(v); break;
        case prop::log_source_references:
          object_array(v, r.log_sources, [&](log_source_ref& l, std::string_view lk, od::value& lv) {
            if (lk == "x_mitre_data_component_ref") l.data_component_ref = reference(lv);
            else if (lk == "name") l.name = str(lv);
            else if (lk == "channel") l.channel = str(lv);
            else return false;
            return true;
          });
          break;
        case prop::relationship_type: rel.type = few(v); break;
        case prop::source_ref: rel.source_ref = reference(v, rel.source_object); break;
        case prop::target_ref: rel.target_ref = reference(v, rel.target_object); break;
        case prop::unknown:
          warn(b_.unknown_properties, at, fmt::format("unknown property \"{}\" skipped", key));
          validate_json(v, 3);
          break;
        case prop::ignored: validate_json(v, 3); break;
      }
    } catch (const simdjson::simdjson_error& e) {
      if (e.error() != simdjson::INCORRECT_TYPE) throw;
      partly_read_ = true;
      warn(b_.malformed_objects, at ? at : where,
           fmt::format("property \"{}\" has the wrong JSON type; object skipped", key));
      return;
    }
  }
  if (type.empty() || r.object.stix_id.empty()) {
    warn(b_.malformed_objects, where, "object without \"type\" or \"id\" skipped");
    return;
  }
  if (type == "relationship") {
    if (rel.type.empty() || rel.source_ref.empty() || rel.target_ref.empty()) {
      warn(b_.malformed_objects, where,
           fmt::format("relationship {} lacks relationship_type, source_ref or target_ref; skipped", rel.stix_id));
      return;
    }
    sink_.relationship(rel);
    return;
  }
  r.object.stix_type = type;
  if (modified.data()) r.object.modified = b_.strings->copy(modified);   // stated (perhaps ""), as str() kept it
  r.object.type = object_type_from_stix(type);
  if (r.object.type == object_type::unknown)
    warn(b_.unknown_types, where, fmt::format("unknown object type \"{}\" kept as unknown", type));
  if (r.object.type == object_type::collection) r.collection_version = r.object.version;
  const std::uint32_t position = objects_read_++;
  ids_.try_emplace(r.object.stix_id, position);
  sink_.object(r);
}

// The root is not an object we can read: broken JSON, or valid JSON of another kind.
void reader::root_error(simdjson::error_code err) const {
  if (err == simdjson::INCORRECT_TYPE) {
    // On-Demand has not validated the text ("hello", "[[[..."): check it whole, once.
    simdjson::dom::parser validator;
    if (auto invalid = validator.parse(text_.data(), text_.size(), false).error()) {
      // Where: a scalar root is one token; an array is walked again to find the place.
      std::size_t at = text_.find_first_not_of(" \t\r\n");
      if (text_[at] == '[') {
        if (json_root_end(text_) == std::string_view::npos)
          throw error(errc::not_json, b_.path, line_column(text_, text_.size()),
                      "invalid JSON (the file ends before the root array's closing bracket)");
        try {
          // text_ lies in the bundle's padded buffer: the padding is there.
          validate_document(simdjson::padded_string_view(text_.data(), text_.size(),
                                                         text_.size() + simdjson::SIMDJSON_PADDING), at);
        } catch (const simdjson::simdjson_error& e) {
          invalid = e.error();
        }
      }
      throw error(errc::not_json, b_.path, line_column(text_, at),
                  fmt::format("invalid JSON ({})", simdjson::error_message(invalid)));
    }
    throw error(errc::not_a_bundle, b_.path, "line 1, column 1", "expected a JSON object (a STIX bundle)");
  }
  // On-Demand refuses a root object whose last token is not its closing brace.
  std::size_t end = json_root_end(text_);
  if (end == std::string_view::npos)
    throw error(errc::not_json, b_.path, line_column(text_, text_.size()),
                "invalid JSON (the file ends before the bundle's closing brace)");
  std::size_t rest = text_.find_first_not_of(" \t\r\n", end);
  throw error(errc::not_json, b_.path, line_column(text_, rest == std::string_view::npos ? end : rest),
              "invalid JSON (content after the bundle's closing brace)");
}

void reader::run(od::document& doc, const std::shared_ptr<const void>& lend_owner) {
  od::object top;
  if (auto err = doc.get_object().get(top)) root_error(err);
  std::string_view type;
  bool saw_objects = false;
  for (od::field f : top) {
    std::string_view key = json_key(f);
    od::value v = f.value();
    if (key == "type") {
      if (!json_string_borrowed(v, type)) { type = "(not a string)"; validate_json(v); }
    } else if (key == "spec_version") {
      std::string_view s;
      if (json_string_borrowed(v, s)) b_.spec_version = s;
      else validate_json(v);
    } else if (key == "objects") {
      const char* at = v.current_location().value_unsafe();
      od::array arr;
      if (v.get_array().get(arr))
        throw error(errc::not_a_bundle, b_.path, line_column(text_, at - text_.data()), "\"objects\" is not an array");
      saw_objects = true;
      index_lend index(doc, b_, lend_owner, parser_.capacity());
      for (auto element : arr) {
        index.before_current();
        od::value ov = element.value();
        const char* where = ov.current_location().value_unsafe();
        last_object_ = where;
        ++b_.object_count;
        od::object obj;
        if (ov.get_object().get(obj)) {
          warn(b_.malformed_objects, where, "element of \"objects\" is not an object; skipped");
          validate_json(ov, 2);
          continue;
        }
        read_object(obj, where);
      }
    } else {
      validate_json(v);
    }
  }
  if (type != "bundle")
    throw error(errc::not_a_bundle, b_.path, "",
                type.empty() ? "not a STIX bundle: no \"type\": \"bundle\""
                             : fmt::format("not a STIX bundle: \"type\" is \"{}\"", type));
  if (!saw_objects) throw error(errc::not_a_bundle, b_.path, "", "STIX bundle has no \"objects\" array");
  // Anything after the bundle's closing brace is an error, not something to ignore.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest)) throw simdjson::simdjson_error(simdjson::TRAILING_CONTENT);
}

// The records into the bundle's own lists (read_bundle without a sink).
class list_sink final : public record_sink {
public:
  explicit list_sink(bundle& b) : b_(b) {}
  void object(raw_object& r) override { b_.objects.push_back(std::move(r)); }
  void relationship(raw_relationship& r) override { b_.relationships.push_back(r); }

private:
  bundle& b_;
};

// Parses `size` bytes at `data`, readable up to `capacity` (≥ size + simdjson's
// padding); `lend_index`: see index_lend; `sink`: where the records go, null
// for the bundle's lists.
void parse(bundle& b, const char* data, std::size_t size, std::size_t capacity, bool lend_index,
           record_sink* sink) {
  // A UTF-8 byte order mark is skipped; positions count from after it.
  const std::size_t bom = bom_length(std::string_view(data, size));
  std::string_view text(data + bom, size - bom);
  const simdjson::padded_string_view padded(text.data(), text.size(), capacity - bom);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw error(errc::not_json, b.path, "", "empty file, expected a STIX bundle (JSON)");
  auto parser = std::make_shared<od::parser>();
  list_sink lists(b);
  reader rd(b, text, *parser, sink ? *sink : lists);
  od::document doc;
  if (auto err = parser->iterate(padded).get(doc)) {
    // The first stage (strings, UTF-8) failed before any position was known: find it.
    std::size_t at = stage1_error_offset(text);
    throw error(errc::not_json, b.path, at == std::string_view::npos ? "" : line_column(text, at),
                fmt::format("invalid JSON ({})", simdjson::error_message(err)));
  }
  try {
    rd.run(doc, lend_index ? parser : nullptr);
    if (rd.needs_validation()) {
      std::size_t failed_at = text.size();
      try {
        validate_document(padded, failed_at);
      } catch (const simdjson::simdjson_error& e) {
        throw error(errc::not_json, b.path, line_column(text, failed_at),
                    fmt::format("invalid JSON ({})", simdjson::error_message(e.error())));
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    // Position: where the value went wrong, else where the iterator stopped, else the object being read.
    const char* at = nullptr;
    if (auto* located = dynamic_cast<const located_json_error*>(&e)) at = located->at;
    else if (doc.current_location().get(at)) at = rd.last_object();
    std::size_t offset = at ? static_cast<std::size_t>(at - text.data()) : text.size();
    throw error(errc::not_json, b.path, line_column(text, offset),
                fmt::format("invalid JSON ({})", simdjson::error_message(e.error())));
  }
}

// The arena's first block: a third of the input (ATT&CK's bundles keep about a
// quarter of their bytes); a block's untouched part costs no memory.
// `records`: false when a sink takes the records (no regions mapped).
bundle start_bundle(std::string path, std::size_t bytes, bool records = true) {
  bundle b;
  b.path = std::move(path);
  b.bytes = bytes;
  b.strings = std::make_shared<string_arena>(bytes / 3);
  if (!records) return b;
  // Each list's records take a twenty-fourth to a thirtieth of ATT&CK's bundles.
  b.object_records = std::make_shared<record_region>(bytes / 24);
  b.relationship_records = std::make_shared<record_region>(bytes / 24);
  b.objects = record_list<raw_object>(region_allocator<raw_object>(b.object_records.get()));
  b.relationships = record_list<raw_relationship>(region_allocator<raw_relationship>(b.relationship_records.get()));
  return b;
}

}  // namespace

void bundle::drop_records() noexcept {
  // Swapped out (the allocators go with the blocks) and destroyed while the
  // regions live; `objects = {}` would keep a block and the region's pointer.
  record_list<raw_object>().swap(objects);
  record_list<raw_relationship>().swap(relationships);
  object_records.reset();
  relationship_records.reset();
}

namespace {
bundle read_file(const std::filesystem::path& path, record_sink* sink) {
  mapped_input map = map_input_file(path, "a STIX bundle file", max_bundle_bytes, simdjson::SIMDJSON_PADDING);
  bundle b = start_bundle(path.string(), map.size(), sink == nullptr);
  // Truncated while read: the error is the change (read_mapped).
  read_mapped(map, b.path, [&] { parse(b, map.data(), map.size(), map.capacity(), true, sink); });
  return b;
}

bundle read_bytes(std::string name, std::string_view bytes, bool lend_index, record_sink* sink) {
  if (bytes.size() > max_bundle_bytes) throw error(errc::too_large, name, "", "input larger than the limit");
  bundle b = start_bundle(std::move(name), bytes.size(), sink == nullptr);
  const simdjson::padded_string padded(bytes);
  parse(b, padded.data(), padded.size(), padded.size() + simdjson::SIMDJSON_PADDING, lend_index, sink);
  return b;
}
}  // namespace

bundle read_bundle(const std::filesystem::path& path) { return read_file(path, nullptr); }

bundle read_bundle(const std::filesystem::path& path, record_sink& sink) { return read_file(path, &sink); }

bundle read_bundle(std::string name, std::string_view bytes, bool lend_index) {
  return read_bytes(std::move(name), bytes, lend_index, nullptr);
}

bundle read_bundle(std::string name, std::string_view bytes, record_sink& sink) {
  return read_bytes(std::move(name), bytes, true, &sink);
}

}  // namespace mitrekg::stix
