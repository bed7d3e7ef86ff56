// Reads one STIX 2.0/2.1 bundle into flat records; knows nothing of the graph.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/deque.hpp>
#include <boost/container/options.hpp>

#include "mitrekg/attack.hpp"
#include "support/record_region.hpp"
#include "support/string_arena.hpp"

namespace mitrekg::stix {

// x_mitre_log_source_references on an analytic.
struct log_source_ref {
  std::string_view data_component_ref;
  std::string_view name;
  std::string_view channel;
};

// One non-relationship object with the references it states as properties.
struct raw_object {
  attack_object object;
  std::vector<std::string_view> refs;          // matrix tactic_refs, strategy x_mitre_analytic_refs
  std::vector<log_source_ref> log_sources;     // analytics
  std::string_view data_source_ref;            // data components (≤17.x, some 18.x)
  std::string_view collection_version;         // x-mitre-collection x_mitre_version
};

struct raw_relationship {
  std::string_view stix_id;
  std::string_view type;        // relationship_type
  std::string_view source_ref;
  std::string_view target_ref;
  // Where source_ref / target_ref name an object read earlier from the same
  // bundle: its position in bundle::objects (the first with that STIX id), so
  // the graph builder needs no lookup by string; no_object otherwise.
  std::uint32_t source_object = no_object;
  std::uint32_t target_object = no_object;
  static constexpr std::uint32_t no_object = 0xffffffffu;
  std::string_view description;
  bool revoked = false;
  bool deprecated = false;
};

// Records in blocks of 64: no reallocation (a vector's doubling held up to
// three times the records at its peak) and addresses that never move. The
// blocks come from the bundle's record_region: a consumer that pops records
// from the front as it moves them elsewhere (the graph builder) gives their
// memory back a huge page at a time.
template <class T>
using record_list = boost::container::deque<T, region_allocator<T>,
                                            boost::container::deque_options_t<boost::container::block_size<64>>>;

// A parsed bundle. Every string_view borrows from `strings`, owned here: the
// reader copies each string it keeps out of the file (decoding escapes), so
// nothing refers to the file once read_bundle returns; strings that repeat (a
// reference to an object read earlier, a STIX or relationship type) share one
// copy. Keep the bundle (or `strings`) alive as long as any view is used.
struct bundle {
  std::string path;
  std::uintmax_t bytes = 0;                          // size of the file (or of the bytes) read
  std::shared_ptr<string_arena> strings;
  std::string spec_version;
  // Own the blocks of `objects` and of `relationships` (declared before them,
  // so they outlive them): one region each, as the builder empties one list
  // before the other and a bundle may interleave the two kinds.
  std::shared_ptr<record_region> object_records;
  std::shared_ptr<record_region> relationship_records;
  record_list<raw_object> objects;
  record_list<raw_relationship> relationships;
  std::size_t object_count = 0;                      // elements of "objects"
  std::size_t index_lent = 0;                        // bytes of simdjson's structural index written over by strings
  // Warnings, counted; `samples` holds the first few, one line each.
  std::size_t unknown_types = 0;
  std::size_t unknown_properties = 0;
  std::size_t malformed_objects = 0;
  std::vector<std::string> samples;

  // Frees every record and unmaps both regions (the lists are empty after).
  void drop_records() noexcept;
};

// Takes each record as the reader reads it, instead of the bundle's lists:
// the graph builder, which builds from the first bundle while it is read (no
// records held). Each record is passed once, in file order, and the callee
// may move from it; the objects' order numbers them as in bundle::objects (the
// numbers raw_relationship::source_object and target_object use). What the
// callee throws ends the read and propagates. Called on the reading thread.
class record_sink {
public:
  virtual void object(raw_object& r) = 0;
  virtual void relationship(raw_relationship& r) = 0;

protected:
  ~record_sink() = default;
};

// Reads the file at `path` through a read-only mapping (no copy of the file;
// the mapping is gone when this returns). Throws mitrekg::error (not_found,
// io_error, not_json, not_a_bundle, too_large) naming the file and the
// line/column. The strings kept are written over the part of simdjson's
// structural index (4 bytes per structural character: about a fifth of the
// input) the pass has consumed, so they need few fresh pages; the arena then
// keeps the parser's memory (about 5.7 × the input in address space, only the
// index's touched pages in memory) until it is destroyed.
bundle read_bundle(const std::filesystem::path& path);
// Same, each record passed to `sink` as it is read: the bundle's lists stay
// empty and no record memory is mapped; the rest of the bundle (strings,
// counts, warnings) is as above.
bundle read_bundle(const std::filesystem::path& path, record_sink& sink);
// Same for bytes already in memory (fuzzing, tests); `name` names them in
// messages. `lend_index` false (tests): the strings go to fresh memory only
// and the parser is freed on return.
bundle read_bundle(std::string name, std::string_view bytes, bool lend_index = true);
bundle read_bundle(std::string name, std::string_view bytes, record_sink& sink);

// Largest file read (bytes); larger ones are refused with errc::too_large.
inline constexpr std::size_t max_bundle_bytes = std::size_t{1} << 31;

}  // namespace mitrekg::stix
