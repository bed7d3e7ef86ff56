// The snapshot cache: one SQLite file per set of sources under $XDG_CACHE_HOME/mitrekg; SHA-256 helpers.
#include <algorithm>
#include <fstream>
#include <map>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstdint>
#include <ctime>
#include <optional>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "mitrekg/error.hpp"
#include "mitrekg/store.hpp"
#include "mitrekg/version.hpp"
#include "graph/graph_impl.hpp"
#include "store/schema.hpp"
#include "store/sha256.hpp"
#include "support/text_map.hpp"

namespace mitrekg {

namespace fs = std::filesystem;

namespace {

using stamp = graph_impl::source_stamp;

std::vector<stamp> stamps_of(const load_options& options) {
  std::vector<stamp> out;
  for (const auto& f : options.attack_files) out.push_back(stamp_file("attack", f));
  if (!options.d3fend_file.empty()) out.push_back(stamp_file("d3fend", options.d3fend_file));
  return out;
}

// What the cache key holds of a source: its identity as stat(2) sees it. The
// change time (ctime) is set by the kernel on every write, rename or `touch`
// and cannot be set back, so a rewrite keeping size and mtime (`touch -r`)
// still changes the key; inode and device catch a file replaced by another.
struct identity {
  std::int64_t device = 0, inode = 0, bytes = -1, mtime_ns = 0, ctime_ns = 0;
};

std::int64_t ns(const timespec& t) { return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }

identity identity_of(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};
  return {static_cast<std::int64_t>(st.st_dev), static_cast<std::int64_t>(st.st_ino), st.st_size, ns(st.st_mtim),
          ns(st.st_ctim)};
}

// The coarse clock the kernel stamps ctime with (its tick: 1–10 ms).
std::int64_t coarse_now_ns() {
  timespec t{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &t);
  return ns(t);
}

// A source changed within the current clock tick (`now`, read before the
// sources were stamped) may change again within that tick and keep its ctime:
// its content cannot be tied to its identity, so it is not cached (git's
// "racily clean" rule). Timestamps with whole seconds come from a file system
// with second granularity: there the window is two seconds.
bool too_recent(const identity& id, std::int64_t now) {
  const std::int64_t window = id.ctime_ns % 1'000'000'000 == 0 ? 2'000'000'000 : 0;
  return id.ctime_ns >= now - window;
}

// The cache file's name: a hash of the schema, this version and every source's
// identity (XXH3, 128 bits: a name, not a security boundary; the snapshot's
// recorded stamps are checked after opening anyway).
std::string cache_key(const std::vector<stamp>& stamps, const std::vector<identity>& ids) {
  std::string text = fmt::format("schema={};mitrekg={};", snapshot_schema_version, mitrekg::version());
  for (std::size_t i = 0; i < stamps.size(); ++i) {
    const auto& s = stamps[i];
    const auto& id = ids[i];
    std::error_code ec;
    fs::path abs = fs::absolute(s.path, ec);
    text += fmt::format("{}={}:{}:{}:{}:{}:{};", s.kind, (ec ? fs::path(s.path) : abs).lexically_normal().string(),
                        id.bytes, id.mtime_ns, id.ctime_ns, id.device, id.inode);
  }
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

// A file the cache itself names: 32 lower-case hex digits (cache_key) and one of its extensions.
bool cache_key_name(std::string_view stem) {
  return stem.size() == 32 && stem.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool cache_file_name(const fs::path& p) {
  const std::string ext = p.extension().string();
  return (ext == ".sqlite" || ext == ".image" || ext == ".prebuilt") && cache_key_name(p.stem().string());
}

// The sources' stamps and identities (one stat(2) each) and the key they make.
struct keyed {
  std::vector<stamp> now;
  std::vector<identity> ids;
  std::string key;
};

keyed key_of(const load_options& options) {
  keyed k{stamps_of(options), {}, {}};
  for (const auto& s : k.now) k.ids.push_back(identity_of(s.path));
  k.key = cache_key(k.now, k.ids);
  return k;
}

// The snapshot's recorded sources still describe the files on disk.
bool still_fresh(const std::vector<stamp>& recorded, const std::vector<stamp>& now) {
  if (recorded.size() != now.size()) return false;
  for (std::size_t i = 0; i < now.size(); ++i) {
    const auto& a = recorded[i];
    const auto& b = now[i];
    if (a.kind != b.kind || a.path != b.path || a.bytes != b.bytes || a.mtime_ns != b.mtime_ns) return false;
  }
  return true;
}

// The prebuilt snapshot `prebuilt`, opened from its image file (`NAME.image`
// beside it, written by save_options::image) without SQLite when that file was
// written beside this very file, else from SQLite. Throws as open_snapshot.
knowledge_graph open_prebuilt_file(const fs::path& prebuilt, bool with_d3fend) {
  fs::path image = prebuilt;
  image.replace_extension(".image");
  if (auto fast = open_cache_image(prebuilt, image, with_d3fend)) return std::move(*fast);
  return open_snapshot_with_sidecar(prebuilt, {}, with_d3fend);
}

// The prebuilt snapshot answers for `now` when it was made from these very
// files: the same kind, file name and size each, and then either
//  - fast: the same path and mtime, and no source changed (ctime) since the
//    snapshot was written (its mtime) — true in the build tree that made it;
//  - slow: each file's SHA-256 equals the one recorded (an installed or copied
//    data folder, where ctimes are the copy's): one SHA-256 pass (not yet benchmarked).
// Returns the graph, or nullopt (with `why`) when it does not answer.
std::optional<knowledge_graph> open_prebuilt(const fs::path& prebuilt, bool with_d3fend, const std::vector<stamp>& now,
                                             const std::vector<identity>& ids, bool& verified_by_content,
                                             std::string& why) {
  struct stat st {};
  if (prebuilt.empty() || ::stat(prebuilt.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  try {
    knowledge_graph g = open_prebuilt_file(prebuilt, with_d3fend);
    const auto& recorded = graph_access::internals(g).stamps;
    if (recorded.size() != now.size()) return std::nullopt;
    bool fast = true;
    for (std::size_t i = 0; i < now.size(); ++i) {
      const auto& a = recorded[i];
      const auto& b = now[i];
      if (a.kind != b.kind || fs::path(a.path).filename() != fs::path(b.path).filename() || a.bytes != b.bytes)
        return std::nullopt;
      fast = fast && a.path == b.path && a.mtime_ns == b.mtime_ns && ids[i].ctime_ns < ns(st.st_mtim);
    }
    verified_by_content = !fast;
    if (fast) return g;
    auto info = read_snapshot_info(prebuilt);
    for (std::size_t i = 0; i < now.size(); ++i)
      if (info.sources.at(i).sha256 != sha256_file(now[i].path)) {
        why = fmt::format("prebuilt snapshot {} does not match {}", prebuilt.string(), now[i].path);
        return std::nullopt;
      }
    return g;
  } catch (const error& e) {
    why = fmt::format("prebuilt snapshot unusable ({})", e.message());
    return std::nullopt;
  }
}

// Marks a cache file as used now (its mtime), for least-recently-used pruning.
void touch_used(const fs::path& file) {
  const timespec times[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
  ::utimensat(AT_FDCWD, file.c_str(), times, 0);   // best effort: a read-only cache still answers
}

void prune_after_write(const cache_options& cache, const fs::path& keep) {
  if (cache.max_bytes > 0) prune_cache(cache.dir, cache.max_bytes, {keep});
}

// What a cache marker (KEY.prebuilt) says: the prebuilt snapshot, as stat(2) sees it.
std::string describe(const fs::path& file) {
  const identity id = identity_of(file);
  std::error_code ec;
  return fmt::format("{}\n{}:{}:{}:{}:{}\n", fs::absolute(file, ec).lexically_normal().string(), id.device,
                     id.inode, id.bytes, id.mtime_ns, id.ctime_ns);
}

bool any_too_recent(const std::vector<identity>& ids, std::int64_t now) {
  for (const auto& id : ids)
    if (too_recent(id, now)) return true;
  return false;
}

// The prebuilt snapshot for these sources, when it answers for them. A
// content check (slow) leaves a marker KEY.prebuilt in the cache naming the
// prebuilt file's identity: the key already holds every source's identity, so
// while both stay the same, the next call opens the prebuilt file at once.
std::optional<knowledge_graph> use_prebuilt(const cache_options& cache, const std::string& key,
                                            const std::vector<stamp>& now, const std::vector<identity>& ids,
                                            std::int64_t clock_before, std::string& why) {
  if (cache.prebuilt.empty()) return std::nullopt;
  const fs::path marker = cache.dir / (key + ".prebuilt");
  const std::string expected = describe(cache.prebuilt);
  if (std::FILE* f = std::fopen(marker.c_str(), "rb")) {
    char buf[4096];
    std::size_t n = std::fread(buf, 1, sizeof buf, f);
    std::fclose(f);
    if (std::string_view(buf, n) == expected) {
      try {
        touch_used(marker);
        return open_prebuilt_file(cache.prebuilt, cache.d3fend);
      } catch (const error& e) {
        why = fmt::format("prebuilt snapshot unusable ({})", e.message());
        return std::nullopt;
      }
    }
  }
  bool by_content = false;
  auto g = open_prebuilt(cache.prebuilt, cache.d3fend, now, ids, by_content, why);
  if (g && by_content) why = "its sources verified by content";
  if (g && by_content && !any_too_recent(ids, clock_before)) {
    std::error_code ec;
    fs::create_directories(cache.dir, ec);
    try {
      store::write_file_atomically(marker, {expected});
      prune_after_write(cache, marker);
    } catch (const error&) {
      // A cache that cannot be written is no error: the next call checks again.
    }
  }
  return g;
}

}  // namespace

std::string sha256_file(const fs::path& file) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) {
    std::error_code ec;
    throw error(fs::exists(file, ec) ? errc::io_error : errc::not_found, file.string(), "", "cannot read to hash it");
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, std::fclose);
  const auto h = store::sha256_state::make();
  std::vector<char> buf(std::size_t{1} << 20);
  std::size_t got;
  while ((got = std::fread(buf.data(), 1, buf.size(), f)) > 0) h->update(buf.data(), got);
  if (std::ferror(f) != 0) throw error(errc::io_error, file.string(), "", "read error while hashing");
  unsigned char digest[32];
  h->finish(digest);
  std::string hex;
  for (unsigned char byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

fs::path default_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x == '/') return fs::path(x) / "mitrekg";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "mitrekg";
  return fs::temp_directory_path() / "mitrekg-cache";
}

knowledge_graph load_cached(const load_options& options, const cache_options& cache, graph_origin* origin) {
  graph_origin local;
  graph_origin& o = origin ? *origin : local;
  if (!cache.enabled || options.attack_files.empty()) {
    o = {"sources", {}, cache.enabled ? "" : "cache disabled"};
    return knowledge_graph::load(options);
  }
  const std::int64_t clock_before = coarse_now_ns();
  const keyed k = key_of(options);
  const auto& [now, ids, key] = k;
  fs::path file = cache.dir / (key + ".sqlite");
  fs::path sidecar = cache.dir / (key + ".image");
  std::string why;
  std::error_code ec;
  if (fs::exists(file, ec)) {
    try {
      // The image file alone when it answers for this snapshot (no SQLite
      // open: its checksummed copy of the tables), else the snapshot. A key
      // collision or a clock that went backwards: the recorded sources
      // (source_files, or that copy of it) have the last word.
      std::optional<knowledge_graph> fast = open_cache_image(file, sidecar, cache.d3fend);
      knowledge_graph g = fast ? std::move(*fast) : open_snapshot_with_sidecar(file, sidecar, cache.d3fend);
      if (still_fresh(graph_access::internals(g).stamps, now)) {
        touch_used(file);
        o = {"cache", file, ""};
        return g;
      }
      why = "cache was stale";
    } catch (const error& e) {
      why = fmt::format("cache was unusable ({})", e.message());
    }
  }
  if (auto p = use_prebuilt(cache, key, now, ids, clock_before, why)) {
    o = {"prebuilt", cache.prebuilt, why};
    return std::move(*p);
  }
  knowledge_graph g = knowledge_graph::load(options);
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (too_recent(ids[i], clock_before)) {
      o = {"sources", {}, fmt::format("{}{}cache not written ({} changed too recently to be told apart from a later change)",
                                      why, why.empty() ? "" : "; ", now[i].path)};
      return g;
    }
  try {
    fs::create_directories(cache.dir, ec);
    store::remove_stale_temporaries(cache.dir, {}, cache_file_name);
    save_snapshot_with_sidecar(g, file, sidecar, true);
    prune_after_write(cache, file);
    o = {why.empty() ? "sources" : "rebuilt-cache", file, why};
  } catch (const error& e) {
    o = {"sources", {}, fmt::format("{}{}cache not written ({})", why, why.empty() ? "" : "; ", e.what())};
  }
  return g;
}

}  // namespace mitrekg

namespace mitrekg {

fs::path cache_entry_path(const load_options& options, const fs::path& dir) {
  return dir / (key_of(options).key + ".sqlite");
}

std::vector<cache_entry> list_cache(const fs::path& dir) {
  std::error_code ec;
  return list_cache(dir, ec);
}

std::vector<cache_entry> list_cache(const fs::path& dir, std::error_code& ec) {
  // Entries by KEY: KEY.sqlite, KEY.image, KEY.prebuilt (a marker alone is an entry too).
  // Only names the cache gives and regular files (not symbolic links): anything
  // else in the folder is not the cache's and is never listed or removed.
  std::map<std::string, cache_entry> by_key;
  ec.clear();
  fs::directory_iterator it(dir, ec), end;
  if (ec == std::errc::no_such_file_or_directory) ec.clear();
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (!cache_file_name(p)) continue;
    std::error_code e2;
    if (!it->is_regular_file(e2) || it->is_symlink(e2)) continue;
    const std::string ext = p.extension().string();
    cache_entry& entry = by_key[p.stem().string()];
    entry.bytes += it->file_size(e2);
    auto t = it->last_write_time(e2);
    if (!e2 && t > entry.last_used) entry.last_used = t;
    if (ext == ".sqlite" || (ext == ".prebuilt" && entry.snapshot.extension() != ".sqlite")) entry.snapshot = p;
  }
  std::vector<cache_entry> out;
  for (auto& [key, entry] : by_key) {
    entry.key = key;
    if (entry.snapshot.empty()) entry.snapshot = dir / (key + ".sqlite");   // an image file alone
    entry.kind = entry.snapshot.extension() == ".prebuilt" ? "prebuilt" : "snapshot";
    try {
      fs::path snapshot = entry.snapshot;
      if (snapshot.extension() == ".prebuilt") {
        // The marker's first line names the prebuilt snapshot it vouches for.
        std::ifstream in(snapshot);
        std::string line;
        std::getline(in, line);
        snapshot = line;
      }
      entry.sources = read_snapshot_info(snapshot).sources;
    } catch (const error&) {
      entry.readable = false;
      entry.kind = "damaged";
    }
    out.push_back(std::move(entry));
  }
  std::sort(out.begin(), out.end(), [](const cache_entry& a, const cache_entry& b) { return a.last_used > b.last_used; });
  return out;
}

prune_result prune_cache(const fs::path& dir, std::uintmax_t max_bytes, const std::vector<fs::path>& keep) {
  store::remove_stale_temporaries(dir, {}, cache_file_name);
  auto entries = list_cache(dir);
  prune_result r;
  for (const auto& e : entries) r.kept += e.bytes;
  // Damaged entries first, then the least recently used.
  std::stable_sort(entries.begin(), entries.end(), [](const cache_entry& a, const cache_entry& b) {
    return a.readable != b.readable ? !a.readable : a.last_used < b.last_used;
  });
  for (const auto& e : entries) {
    if (r.kept <= max_bytes && e.readable) break;
    const bool kept = std::any_of(keep.begin(), keep.end(), [&e](const fs::path& k) {
      return k.parent_path() == e.snapshot.parent_path() && k.stem() == e.snapshot.stem();
    });
    if (kept) continue;
    for (const char* ext : {".sqlite", ".image", ".prebuilt"}) {
      fs::path f = e.snapshot;
      f.replace_extension(ext);
      // Only a regular file (lstat): a link or folder of that name is not the cache's.
      struct stat st {};
      if (::lstat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::unlink(f.c_str());
    }
    ++r.removed;
    r.freed += e.bytes;
    r.kept -= e.bytes;
  }
  return r;
}

std::optional<std::uintmax_t> parse_byte_size(std::string_view text) {
  std::size_t i = 0;
  std::uintmax_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const std::uintmax_t digit = static_cast<std::uintmax_t>(text[i] - '0');
    if (n > (UINTMAX_MAX - digit) / 10) return std::nullopt;
    n = n * 10 + digit;
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::string unit;
  for (char c : text.substr(i)) unit += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  static const std::pair<const char*, std::uintmax_t> units[] = {
      {"", 1},          {"B", 1},          {"K", 1'000},          {"KB", 1'000},          {"KIB", 1ull << 10},
      {"M", 1'000'000}, {"MB", 1'000'000}, {"MIB", 1ull << 20},   {"G", 1'000'000'000},   {"GB", 1'000'000'000},
      {"GIB", 1ull << 30}, {"T", 1'000'000'000'000}, {"TB", 1'000'000'000'000}, {"TIB", 1ull << 40}};
  for (const auto& [name, factor] : units)
    if (unit == name) {
      if (n > UINTMAX_MAX / factor) return std::nullopt;
      return n * factor;
    }
  return std::nullopt;
}

}  // namespace mitrekg
