// mitre-query build-db, check-db: writing and verifying SQLite snapshots (docs/sqlite-schema.md).
#include <filesystem>

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

}  // namespace

int run_build_db(context& ctx) {
  if (!ctx.db_file.empty()) throw usage_error("build-db reads the sources: drop --db");
  const std::filesystem::path out = ctx.args.at(0);
  const bool force = ctx.has("force");
  mitrekg::load_options options = ctx.load_options();
  // Refuse before the long load; save_snapshot checks again before its rename.
  std::vector<std::filesystem::path> inputs = options.attack_files;
  if (!options.d3fend_file.empty()) inputs.push_back(options.d3fend_file);
  mitrekg::check_snapshot_target(out, inputs, force);
  // Always from the sources: a snapshot must not be copied from a possibly stale cache.
  auto g = mitrekg::knowledge_graph::load(options);
  mitrekg::save_snapshot(g, out, {force});
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
