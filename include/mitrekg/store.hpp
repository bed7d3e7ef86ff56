// SQLite snapshots: a compiled knowledge graph saved to and opened from one file, and the CLI's cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "mitrekg/graph.hpp"

namespace mitrekg {

// The relational layout's version (docs/sqlite-schema.md). A snapshot of
// another version is refused with errc::bad_snapshot.
inline constexpr int snapshot_schema_version = 4;

// One source file a snapshot was built from.
struct snapshot_source {
  std::string kind;          // "attack" or "d3fend"
  std::string path;          // as given when loading
  std::string sha256;        // of the bytes that were parsed
  std::uintmax_t bytes = 0;
  std::int64_t mtime_ns = 0; // the file's modification time when it was read
};

struct snapshot_info {
  int schema_version = 0;
  std::string built_at;          // UTC, ISO 8601
  std::string mitrekg_version;
  std::string attack_releases;   // "enterprise 18.1, mobile 18.1, ics 18.1"
  std::string d3fend_version;    // "0.17.0", or empty
  std::vector<snapshot_source> sources;
};

struct save_options {
  // Replace an existing regular file that is not a mitrekg snapshot, or that is
  // one of the graph's own sources (the CLI's --force). Never anything else:
  // a device, FIFO, socket, directory or symbolic link is refused regardless.
  bool force = false;
  // Also write the image file (the graph images and a checksummed copy of the
  // small tables) to this path, tied to `file` by device, inode and size: a
  // prebuilt snapshot opened through load_cached (cache_options::prebuilt)
  // answers from `FILE.image` beside it without opening SQLite, as long as it
  // is that very file. Empty: none. An existing file there is replaced only when
  // it is a mitrekg image file, or with `force` (a non-regular file never).
  std::filesystem::path image;
};

// Throws error(write_error), one line naming `file`, when save_snapshot must not
// replace it: it exists and is not a regular file (always), or, unless
// `force`, it is one of `inputs` (same file, by device and inode) or not a
// mitrekg snapshot (of any schema version). A missing file is fine.
void check_snapshot_target(const std::filesystem::path& file, const std::vector<std::filesystem::path>& inputs,
                           bool force);

// Writes `g` (ATT&CK, D3FEND, the inferred mappings) to `file`: built in a
// temporary file beside it, then renamed into place, so a reader never sees a
// half-written snapshot. check_snapshot_target (with the graph's sources as
// inputs) runs before writing and again just before the rename; temporary
// files of writers killed before their rename are removed first (see
// docs/sqlite-schema.md, "Safety"). Throws error(write_error).
void save_snapshot(const knowledge_graph& g, const std::filesystem::path& file, const save_options& options = {});

// Opens a snapshot read-only and rebuilds the graph from it; every query then
// answers exactly as on the graph it was saved from. Everything it keeps is
// copied into memory and checksummed, so the file may change afterwards.
// Throws error(not_found) for a missing file, error(io_error) for one that is
// not a regular file (a directory, FIFO or device: never opened, so never
// blocks), error(bad_snapshot) for a truncated, corrupted or other-schema file.
knowledge_graph open_snapshot(const std::filesystem::path& file);

// Everything open_snapshot checks (it verifies the parts it reads: schema,
// the metadata's and the small tables' checksums, the graph images'
// checksums), plus SQLite's full integrity check, every table and view of the
// schema present with its definition, and every table's row count and content
// checksum as recorded at build time. Slower; for `mitre-query check-db`.
// Throws error(bad_snapshot) naming what is wrong.
void verify_snapshot(const std::filesystem::path& file);

// The metadata table alone. Throws like open_snapshot.
snapshot_info read_snapshot_info(const std::filesystem::path& file);

// The SHA-256 of a file's bytes, lower-case hex. Throws error(not_found, io_error).
std::string sha256_file(const std::filesystem::path& file);

// ---- the cache ------------------------------------------------------------------

// $XDG_CACHE_HOME/mitrekg, else $HOME/.cache/mitrekg.
std::filesystem::path default_cache_dir();

// The cache's size cap unless told otherwise: 200 MB (about four source sets;
// one default set, all domains and D3FEND, takes about 42 MB).
inline constexpr std::uintmax_t default_cache_max_bytes = 200'000'000;

struct cache_options {
  std::filesystem::path dir = default_cache_dir();
  bool enabled = true;         // false: always parse the sources (--no-cache)
  // After writing an entry, the least recently used entries beyond this many
  // bytes are removed (never the one just used); 0: no limit.
  std::uintmax_t max_bytes = default_cache_max_bytes;
  // A read-only snapshot made from the same sources ahead of time (the
  // embedded data's `mitrekg.sqlite`); empty: none. Used when the cache has no
  // entry, under the rule of docs/sqlite-schema.md ("Prebuilt snapshot").
  std::filesystem::path prebuilt = {};
  // false: the caller needs no D3FEND, so a graph opened from a snapshot (a
  // cache entry or the prebuilt one) skips decoding and building D3FEND's
  // part and has none (d3fend() is null); entries are still written whole.
  // A graph parsed from the sources (nothing cached answers) keeps D3FEND.
  bool d3fend = true;
};

// Where an answer's graph came from, for stderr or `stats`, never the answer.
struct graph_origin {
  std::string kind;            // "sources", "cache", "rebuilt-cache", "prebuilt"
  std::filesystem::path snapshot;   // the cache file (or the prebuilt snapshot), when one was used or written
  std::string note;            // why a cache was rebuilt or not written; empty if nothing to say
};

// Loads `options` through the cache: a snapshot keyed by each source's path,
// size, mtime, ctime, inode and device (one stat(2) each; their SHA-256 are
// recorded inside). A missing, stale, corrupted or other-schema snapshot is
// rebuilt from the sources; a cache that cannot be written, or a source
// changed within the current clock tick (it could change again unseen), is
// skipped with a note (docs/sqlite-schema.md, "Staleness rule"). The returned
// graph owns copies of everything it read: cache files may change afterwards.
// Thread-safe for concurrent callers and processes sharing one cache folder.
// Throws what knowledge_graph::load throws.
knowledge_graph load_cached(const load_options& options, const cache_options& cache = {},
                            graph_origin* origin = nullptr);

// The snapshot file load_cached reads or writes for `options` in cache folder
// `dir` (DIR/KEY.sqlite; the entry's other files share KEY): one stat(2) per
// source, nothing read or written, so it may name a file that does not exist.
// Throws nothing but std::bad_alloc.
std::filesystem::path cache_entry_path(const load_options& options, const std::filesystem::path& dir);

// One entry of a cache folder: a snapshot with its image file and markers.
// Only files the cache names itself (KEY of 32 lower-case hex digits, .sqlite,
// .image or .prebuilt) that are regular files make entries: anything else in
// the folder is not listed, and never removed by prune_cache.
struct cache_entry {
  std::string key;                       // the KEY its files share
  // "snapshot" (KEY.sqlite, KEY.image), "prebuilt" (KEY.prebuilt alone: a
  // marker saying the prebuilt snapshot answers for these sources) or
  // "damaged" (unreadable or of another schema).
  std::string kind;
  std::filesystem::path snapshot;        // KEY.sqlite (KEY.prebuilt for a marker)
  std::vector<snapshot_source> sources;  // as recorded (empty when unreadable)
  std::uintmax_t bytes = 0;              // KEY.sqlite + KEY.image + KEY.prebuilt
  std::filesystem::file_time_type last_used = std::filesystem::file_time_type::min();   // newest mtime of its files: set on every use
  bool readable = true;                  // false: damaged or of another schema (cleaned first)
};

// The entries of `dir`, most recently used first. Empty when `dir` does not
// exist. Throws nothing but std::bad_alloc.
std::vector<cache_entry> list_cache(const std::filesystem::path& dir);
// The same; a folder that exists but cannot be read (not a folder, no
// permission) sets `ec` and gives what was read before the error.
std::vector<cache_entry> list_cache(const std::filesystem::path& dir, std::error_code& ec);

struct prune_result {
  std::size_t removed = 0;
  std::uintmax_t freed = 0;      // bytes
  std::uintmax_t kept = 0;       // bytes left
};

// Removes the least recently used entries until the rest take at most
// `max_bytes`, never an entry whose snapshot is in `keep`; damaged entries and
// stale temporary files go first. max_bytes 0 removes every entry not kept
// (`mitre-query cache clean`). Safe while other processes use the cache: a
// removed entry is rebuilt by whoever needs it. Never throws but std::bad_alloc.
prune_result prune_cache(const std::filesystem::path& dir, std::uintmax_t max_bytes,
                         const std::vector<std::filesystem::path>& keep = {});

// A size as users write it: digits, then optionally a unit, case-insensitive:
// B; K, M, G, T (and KB, MB, GB, TB) in powers of 1000; KiB, MiB, GiB, TiB in
// powers of 1024 ("50M" = 50,000,000, "1GiB" = 1,073,741,824, "200000").
// nullopt for anything else (a sign, a fraction, blanks, an unknown unit, a
// value beyond uintmax_t). Never throws.
std::optional<std::uintmax_t> parse_byte_size(std::string_view text);

}  // namespace mitrekg
