// mitre-query build-db, check-db, cache: writing, verifying and housekeeping SQLite snapshots (docs/sqlite-schema.md).
#include <chrono>
#include <ctime>
#include <filesystem>

#include "mitrekg/error.hpp"

#include "commands.hpp"
#include "mitrekg/store.hpp"

namespace mq {

namespace {

// A record (JSON object, or key/value rows) in the chosen format.
int print_record(context& ctx, const object& record) {
  if (ctx.fmt == format::json) {
    write_json(ctx.out, value(record));
    return exit_found;
  }
  array rows;
  for (const auto& [k, v] : record) rows.push_back(object{{"key", k}, {"value", cell_text(v, "; ")}});
  const std::vector<column> columns = {{"key", "", true}, {"value", "", true}};
  if (ctx.fmt == format::csv) write_csv(ctx.out, columns, rows);
  else write_table(ctx.out, columns, rows, ctx.width);
  return exit_found;
}

value sources_value(const std::vector<mitrekg::snapshot_source>& sources) {
  array out;
  for (const auto& s : sources)
    out.push_back(object{{"kind", s.kind}, {"path", s.path}, {"sha256", s.sha256}, {"bytes", std::size_t(s.bytes)}});
  return out;
}

// The cache folder's entries; exit 2 when the folder exists but cannot be read.
std::vector<mitrekg::cache_entry> cache_entries(const std::filesystem::path& dir) {
  std::error_code ec;
  auto entries = mitrekg::list_cache(dir, ec);
  if (ec) throw usage_error(fmt::format("cache folder {}: cannot be read ({})", dir.string(), ec.message()));
  return entries;
}

// The entry the current sources (--attack, --data, …) use, as load_cached
// names it; empty when there is none (no data found, --db, --no-cache).
// `why` says why there is none.
std::filesystem::path current_entry(context& ctx, const std::filesystem::path& dir, std::string& why) {
  if (!ctx.db_file.empty() || ctx.no_cache) {
    why = "--db and --no-cache use no cache entry";
    return {};
  }
  try {
    const mitrekg::load_options options = ctx.load_options();
    if (options.attack_files.empty()) {
      why = "no ATT&CK bundle found";
      return {};
    }
    return mitrekg::cache_entry_path(options, dir);
  } catch (const mitrekg::error& e) {
    why = e.what();
  } catch (const usage_error& e) {
    why = e.what();
  }
  return {};
}

std::string utc_text(std::filesystem::file_time_type t) {
  if (t == std::filesystem::file_time_type::min()) return "";
  const std::time_t s = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(std::chrono::file_clock::to_sys(t)));
  std::tm tm{};
  ::gmtime_r(&s, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

// What clean and prune did, as one record; exit 1 when nothing was removed.
int print_prune(context& ctx, const std::filesystem::path& dir, const mitrekg::prune_result& r,
                const std::filesystem::path& kept) {
  const auto left = cache_entries(dir);
  const int rc = print_record(ctx, object{{"cache", dir.string()},
                                          {"removed", r.removed},
                                          {"freed_bytes", std::size_t(r.freed)},
                                          {"entries_left", left.size()},
                                          {"bytes_left", std::size_t(r.kept)},
                                          {"kept_current", kept.empty() ? value() : value(kept.stem().string())}});
  return r.removed > 0 ? rc : exit_nothing;
}

}  // namespace

int run_cache(context& ctx) {
  const std::filesystem::path dir = mitrekg::default_cache_dir();
  const auto entries = cache_entries(dir);
  std::string why;
  const std::filesystem::path current = current_entry(ctx, dir, why);
  if (ctx.verbose) {
    note("cache folder {} ({} entr{})", dir.string(), entries.size(), entries.size() == 1 ? "y" : "ies");
    if (current.empty()) note("no entry is current: {}", why);
  }
  array rows;
  for (const auto& e : entries) {
    array paths;
    for (const auto& s : e.sources) paths.push_back(s.path);
    const bool is_current = !current.empty() && current.stem() == e.key;
    // A table marks the current entry with "*"; CSV and JSON say true or false.
    rows.push_back(object{{"current", ctx.fmt == format::table ? value(is_current ? "*" : "") : value(is_current)},
                          {"key", e.key},
                          {"kind", e.kind},
                          {"bytes", std::size_t(e.bytes)},
                          {"last_used", utc_text(e.last_used)},
                          {"sources", ctx.fmt == format::json ? sources_value(e.sources) : value(std::move(paths))}});
  }
  return print_list(ctx,
                    {{"current", "CUR", true},
                     {"key", "", true},
                     {"kind", "", true},
                     {"bytes", "", true},
                     {"last_used", "LAST USED", true},
                     {"sources", "", true}},
                    rows);
}

int run_cache_clean(context& ctx) {
  const std::filesystem::path dir = mitrekg::default_cache_dir();
  cache_entries(dir);   // an unreadable folder: exit 2 before anything is removed
  std::filesystem::path keep;
  if (!ctx.has("all")) {
    std::string why;
    keep = current_entry(ctx, dir, why);
    if (keep.empty())
      throw usage_error(fmt::format("cache clean keeps the current sources' entry, and there is none ({}): "
                                    "pass --all to remove every entry", why));
  }
  const auto r = mitrekg::prune_cache(dir, 0, keep.empty() ? std::vector<std::filesystem::path>{}
                                                          : std::vector<std::filesystem::path>{keep});
  return print_prune(ctx, dir, r, keep);
}

int run_cache_prune(context& ctx) {
  const auto text = ctx.flag("max-size");
  if (!text) throw usage_error("cache prune needs --max-size SIZE (50M, 1G, 200000)");
  const auto max = mitrekg::parse_byte_size(*text);
  if (!max)
    throw usage_error(fmt::format("--max-size must be a size such as 50M, 1G, 512MiB or 200000 (bytes), not {}",
                                  json_quote(*text)));
  const std::filesystem::path dir = mitrekg::default_cache_dir();
  cache_entries(dir);
  std::string why;
  const std::filesystem::path keep = current_entry(ctx, dir, why);
  const auto r = mitrekg::prune_cache(dir, *max, keep.empty() ? std::vector<std::filesystem::path>{}
                                                             : std::vector<std::filesystem::path>{keep});
  return print_prune(ctx, dir, r, keep);
}

int run_build_db(context& ctx) {
  if (!ctx.db_file.empty()) throw usage_error("build-db reads the sources: drop --db");
  const std::filesystem::path out = ctx.args.at(0);
  const bool force = ctx.has("force");
  mitrekg::load_options options = ctx.load_options();
  // Refuse before the long load; save_snapshot checks again before its rename.
  std::vector<std::filesystem::path> inputs = options.attack_files;
  if (!options.d3fend_file.empty()) inputs.push_back(options.d3fend_file);
  mitrekg::check_snapshot_target(out, inputs, force);
  std::filesystem::path image;
  if (auto i = ctx.flag("image")) image = std::string(*i);
  // Always from the sources: a snapshot must not be copied from a possibly stale cache.
  auto g = mitrekg::knowledge_graph::load(options);
  mitrekg::save_snapshot(g, out, {force, image});
  auto info = mitrekg::read_snapshot_info(out);
  std::error_code ec;
  auto size = std::filesystem::file_size(out, ec);
  return print_record(ctx, object{{"file", out.string()},
                                  {"bytes", std::size_t(ec ? 0 : size)},
                                  {"schema_version", info.schema_version},
                                  {"attack_releases", info.attack_releases},
                                  {"d3fend_version", info.d3fend_version},
                                  {"objects", g.size()},
                                  {"sources", sources_value(info.sources)}});
}

int run_check_db(context& ctx) {
  const std::filesystem::path file = ctx.args.at(0);
  mitrekg::verify_snapshot(file);   // throws a one-line mitrekg::error: exit 2
  auto info = mitrekg::read_snapshot_info(file);
  return print_record(ctx, object{{"file", file.string()},
                                  {"status", "ok"},
                                  {"schema_version", info.schema_version},
                                  {"built_at", info.built_at},
                                  {"mitrekg_version", info.mitrekg_version},
                                  {"attack_releases", info.attack_releases},
                                  {"d3fend_version", info.d3fend_version},
                                  {"sources", sources_value(info.sources)}});
}

}  // namespace mq
