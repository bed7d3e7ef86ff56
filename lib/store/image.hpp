// The compiled graph image stored in a snapshot beside the relational tables: answered from in place, read lazily.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "d3fend/ontology_impl.hpp"
#include "graph/graph_impl.hpp"
#include "support/string_arena.hpp"

namespace mitrekg::store {

// Private memory a snapshot's images are read into from the cache's image
// file: the ATT&CK blocks a question needs, in the order it needs them, and
// the D3FEND image with its entries. Shared by the two so that a warm `show`
// faults in two fresh huge pages instead of five (docs/benchmarks.md,
// session 12). Memory taken is zeroed, never moves, and lives as long as the
// arena. Thread-safe. Both throw std::bad_alloc when no memory can be mapped.
class image_arena {
public:
  // `first_block`: bytes of the first block (a multiple of 2 MiB is one or
  // more whole huge pages).
  explicit image_arena(std::size_t first_block) : arena_(first_block) {}
  char* take(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    return claim(arena_.reserve(bytes), bytes);
  }
  // The `bytes` right after `end` when `end` is where the last take ended
  // and they fit in its block (a run of blocks grown in place); else null.
  char* take_after(const char* end, std::size_t bytes) {
    std::lock_guard lock(mutex_);
    if (end != top_) return nullptr;
    char* p = arena_.reserve(bytes);
    return p == end ? claim(p, bytes) : nullptr;   // another block: `end` cannot grow
  }

private:
  char* claim(char* p, std::size_t bytes) {
    arena_.keep(bytes);
    top_ = p + bytes;
    return p;
  }
  std::mutex mutex_;
  string_arena arena_;
  const char* top_ = nullptr;
};

// The ATT&CK image (format 2, docs/sqlite-schema.md "Graph image"): a header
// with a section table and one XXH3 checksum per 8 KiB block of every section,
// then fixed-shape sections — object heads, object records, lists, edge
// records, the out- and in-adjacency lists as CSR arrays, the id, name and
// STIX-id indexes as ready open-addressing hash tables, and the string area.
// Everything is offsets, nothing is a pointer. `g` may itself be stored.
std::string encode_image(const graph_impl& g);

// Where an image's bytes are read from: a file from `offset` on (pread, only
// the blocks a question needs, into private memory from `arena`: the file may
// change underneath without SIGBUS or a changed answer), or bytes already in
// memory (kept alive by `owner`). `file` names the snapshot in errors.
struct image_source {
  int fd = -1;                                // owned: closed with the graph
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::shared_ptr<image_arena> arena;         // for a file; null: the graph makes its own
  std::shared_ptr<const void> owner;          // for bytes in memory
  const char* bytes = nullptr;
  std::string file;
  // Set for a cache's image file (the fd's path): when a read finds it
  // damaged, it is removed — if that path still names the file read — so the
  // next call answers from the snapshot's own copy or rebuilds the entry.
  std::string remove_when_damaged;
};

// Opens an image for use in place: reads and checks the header, the section
// table and the object heads now; everything else when first needed (each
// block checked by its checksum on first read). With `verify_all`, every block
// is checked now (images already read whole into memory). Throws
// error(bad_snapshot) naming the file for a damaged or foreign image; the
// returned graph throws the same when a later read finds damage.
std::unique_ptr<stored_graph> open_image(image_source source, bool verify_all);

// Rewrites the block checksums and the header checksum of an ATT&CK image from
// its own section table (left alone where the table points outside `image`), so
// the libFuzzer target reaches the decoders past the checksums. Not for snapshots.
void reseal_image(std::string& image);

// A copy of a stored graph's objects, edges and indexes in the built form
// (graph_impl::objects, graph, indexes; sources and report too), for writers.
std::unique_ptr<graph_impl> materialize(const graph_impl& g);

// The D3FEND ontology as read (nodes, their stated facts, the raw links), for
// d3fend_detail::build() to rebuild; views point into `image`, which the
// ontology must own (impl::buffer). Throws error(bad_snapshot) when damaged.
// `spare`: zeroed, writable memory the ontology also owns (the room taken
// beside the image from the cache's image_arena), used for the deferred
// entries when large enough; empty: they get memory of their own.
std::string encode_d3fend_image(const d3fend_impl& o);
void decode_d3fend_image(std::string_view image, std::string_view file, d3fend_impl& o,
                         std::span<char> spare = {});

}  // namespace mitrekg::store
