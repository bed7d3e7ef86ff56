// mitre-query: loading the data for a command, resolving what the user typed,
// and the record pieces several commands share.
#include <algorithm>
#include <filesystem>

#include "cli.hpp"
#include "mitrekg/data.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/query.hpp"
#include "mitrekg/store.hpp"
#include "support/bulk_heap.hpp"

namespace mq {

namespace fs = std::filesystem;
using mitrekg::knowledge_graph;
using mitrekg::node;
using mitrekg::object_type;

std::optional<std::string> context::flag(std::string_view name) const {
  auto it = flags.find(name);
  if (it == flags.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> context::flag_values(std::string_view name) const {
  auto it = flags.find(name);
  return it == flags.end() ? std::vector<std::string>{} : it->second;
}

mitrekg::load_options context::load_options() {
  mitrekg::load_options options;
  if (!attack_files.empty()) {
    for (const auto& f : attack_files) options.attack_files.emplace_back(f);
  } else {
    // --data DIR, else MITREKG_DATA, else the folder fixed at build time.
    fs::path dir = data_dir.empty() ? mitrekg::default_data_dir() : fs::path(data_dir);
    // The D3FEND matrix needs no ATT&CK beyond enterprise (the domain D3FEND maps).
    mitrekg::domain_set pick = domains            ? domains
                               : d3fend_domain ? mitrekg::bit(mitrekg::domain::enterprise)
                                               : mitrekg::all_domains;
    options = mitrekg::discover_data(dir, pick);
  }
  if (!d3fend_file.empty()) {
    // Refuse a path that is not there before reading any ATT&CK bundle.
    std::error_code ec;
    if (!fs::exists(d3fend_file, ec))
      throw mitrekg::error(mitrekg::errc::not_found, d3fend_file, "", "file not found");
    options.d3fend_file = d3fend_file;
  } else if (!attack_files.empty() && !data_dir.empty()) {
    // --attack FILE --data DIR: the ATT&CK files as given, the D3FEND release from DIR.
    try {
      options.d3fend_file = mitrekg::discover_data(data_dir).d3fend_file;
    } catch (const mitrekg::error&) {
      // DIR without ATT&CK bundles: no D3FEND from it either; D3FEND commands say what to pass.
    }
  }
  return options;
}

const knowledge_graph& context::graph() {
  if (shared_graph) return *shared_graph;
  if (graph_) return *graph_;
  if (!db_file.empty()) {
    if (!attack_files.empty() || !d3fend_file.empty() || !data_dir.empty())
      throw usage_error("--db answers from a snapshot: it cannot be combined with --attack, --d3fend or --data");
    graph_.emplace(mitrekg::open_snapshot(db_file));
    if (verbose) note("answering from snapshot {}", db_file);
  } else {
    mitrekg::graph_origin origin;
    mitrekg::cache_options cache;   // the default folder and size cap
    cache.enabled = !no_cache;
    cache.d3fend = needs_d3fend;
    // A data folder may hold a snapshot made from it ahead of time (the
    // embedded data's, built with the CLI): tried before parsing.
    if (attack_files.empty() && d3fend_file.empty())
      cache.prebuilt = (data_dir.empty() ? mitrekg::default_data_dir() : fs::path(data_dir)) / "mitrekg.sqlite";
    mitrekg::load_options options = load_options();
    // A cold load fills a few hundred MB of fresh heap: on huge pages while it
    // runs (page faults are most of its system time). Costs nothing measurable
    // when the cache answers instead.
    std::size_t input_bytes = 0;
    for (const auto& f : options.attack_files) {
      std::error_code ec;
      if (auto n = fs::file_size(f, ec); !ec) input_bytes += n;
    }
    const mitrekg::bulk_heap heap(input_bytes);
    graph_.emplace(mitrekg::load_cached(options, cache, &origin));
    if (verbose) {
      if (origin.kind == "cache") note("answering from cached snapshot {}", origin.snapshot.string());
      else if (origin.kind == "prebuilt")
        note("answering from the prebuilt snapshot {}{}{}", origin.snapshot.string(), origin.note.empty() ? "" : " — ",
             origin.note);
      else if (origin.snapshot.empty()) note("answering from the sources (no cache written{}{})", origin.note.empty() ? "" : ": ", origin.note);
      else note("answering from the sources; cached as {}{}{}", origin.snapshot.string(), origin.note.empty() ? "" : " — ", origin.note);
    }
  }
  load_warnings = graph_->report().total() + (graph_->d3fend() ? graph_->d3fend()->report().total() : 0);
  if (verbose) {
    for (const auto& f : graph_->files())
      note("loaded {} ({} {}, {} objects)", f.path, f.domain.empty() ? "unknown domain" : f.domain,
           f.release.empty() ? "unknown release" : f.release, f.objects);
    if (const auto* d = graph_->d3fend()) {
      note("loaded {} (D3FEND {}, {} ATT&CK techniques, {} defensive techniques)", d->file(),
           d->version().empty() ? "unknown release" : d->version(), d->attack_techniques().size(),
           d->defensive_techniques().size());
      const auto& dr = d->report();
      if (dr.total() > 0) {
        note("{} D3FEND load warnings ({} malformed nodes, {} wrong types, {} dangling references, "
             "{} subclass cycles)",
             dr.total(), dr.malformed_nodes, dr.wrong_types, dr.dangling_references, dr.subclass_cycles);
        for (const auto& s : dr.samples) note("  {}", s);
      }
    }
    const auto& r = graph_->report();
    if (r.total() > 0) {
      note("{} load warnings ({} unknown types, {} unknown properties, {} dangling references, "
           "{} sub-technique cycles, {} malformed objects)",
           r.total(), r.unknown_types, r.unknown_properties, r.dangling_references, r.subtechnique_cycles,
           r.malformed_objects);
      for (const auto& s : r.samples) note("  {}", s);
    }
  }
  return *graph_;
}

const mitrekg::d3fend_ontology& context::d3fend() {
  if (const auto* d = graph().d3fend()) return *d;
  if (!attack_files.empty())
    throw usage_error("no D3FEND data loaded (--attack loads none by itself): pass --d3fend FILE or --data DIR");
  throw usage_error("no D3FEND data loaded (no d3fend/d3fend-<release>.json in the data folder): "
                    "pass --d3fend FILE or --data DIR");
}

std::string context::attack_release(mitrekg::node n) {
  const auto& g = graph();
  for (const auto& f : g.files())
    if (auto d = mitrekg::parse_domain(f.domain); d && (g[n].domains & mitrekg::bit(*d)) && !f.release.empty())
      return f.release;
  for (const auto& f : g.files())
    if (!f.release.empty()) return f.release;
  return "(unknown release)";
}

// ---------------------------------------------------------------- resolving

namespace {

std::string label(const knowledge_graph& g, node n) {
  const auto& o = g[n];
  return fmt::format("{} ({} {})", o.id.empty() ? o.stix_id : o.id, to_string(o.type),
                     json_quote(o.name));
}

std::string domains_text(mitrekg::domain_set d) {
  std::string out;
  for (auto x : {mitrekg::domain::enterprise, mitrekg::domain::mobile, mitrekg::domain::ics})
    if (d & mitrekg::bit(x)) {
      if (!out.empty()) out += ", ";
      out += to_string(x);
    }
  return out;
}

}  // namespace

std::vector<node> find_objects(context& ctx, std::string_view text) {
  const knowledge_graph& g = ctx.graph();
  auto r = mitrekg::resolve(g, text, ctx.lookup);
  if (!r.matches.empty()) return r.matches;
  if (r.replaced_by) {
    const auto& old = g[r.revoked.front()];
    const auto& now = g[*r.replaced_by];
    note("{} was revoked; showing {} ({})", old.id.empty() ? text : old.id, now.id, now.name);
    return {*r.replaced_by};
  }
  // Nothing visible: say why, when the object exists but is filtered out.
  mitrekg::lookup_options everything{true, true, mitrekg::all_domains};
  auto any = mitrekg::resolve(g, text, everything);
  if (!r.revoked.empty()) {
    note("{} was revoked and nothing replaces it; pass --include-revoked to see it", text);
  } else if (!any.matches.empty()) {
    const auto& o = g[any.matches.front()];
    if (o.revoked && !ctx.lookup.include_revoked)
      note("{} was revoked; pass --include-revoked to see it", text);
    else if (o.deprecated && !ctx.lookup.include_deprecated)
      note("{} is deprecated; pass --include-deprecated to see it", text);
    else
      note("{} is not in the selected domains (it is in {})", text, domains_text(o.domains));
  } else {
    note("nothing matches {}", json_quote(text));
  }
  return {};
}

std::optional<node> find_one(context& ctx, std::string_view text, std::initializer_list<object_type> types) {
  auto nodes = find_objects(ctx, text);
  if (nodes.empty()) return std::nullopt;
  const knowledge_graph& g = ctx.graph();
  std::vector<node> fit;
  for (node n : nodes)
    if (std::find(types.begin(), types.end(), g[n].type) != types.end()) fit.push_back(n);
  if (fit.empty()) {
    std::string wanted;
    for (auto t : types) {
      if (!wanted.empty()) wanted += " or ";
      wanted += to_string(t);
    }
    const auto& o = g[nodes.front()];
    throw usage_error(fmt::format("{} is a {} ({}), not a {}", text, to_string(o.type), json_quote(o.name), wanted));
  }
  if (fit.size() > 1) {
    std::string list;
    for (node n : fit) {
      if (!list.empty()) list += ", ";
      list += label(g, n);
    }
    throw usage_error(fmt::format("{} is ambiguous: {}; give an ATT&CK id or --domain", json_quote(text), list));
  }
  return fit.front();
}

std::vector<std::string> comma_values(const context& ctx, std::string_view flag) {
  std::vector<std::string> out;
  for (const std::string& v : ctx.flag_values(flag)) {
    std::string_view rest = v;
    while (true) {
      auto comma = rest.find(',');
      if (!rest.substr(0, comma).empty()) out.emplace_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

std::string platform_flag(context& ctx) {
  auto p = ctx.flag("platform");
  if (!p) return {};
  auto known = mitrekg::platforms(ctx.graph(), ctx.lookup);
  auto lower = [](std::string s) {
    for (char& c : s) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    return s;
  };
  for (const std::string& k : known)
    if (lower(k) == lower(*p)) return k;
  throw usage_error(fmt::format("--platform: no platform {} (see 'mitre-query platforms')", json_quote(*p)));
}

// ---------------------------------------------------------------- record pieces

value id_name(const knowledge_graph& g, node n) {
  return object{{"id", g[n].id}, {"name", g[n].name}};
}

value id_name_or_null(const knowledge_graph& g, std::optional<node> n) {
  return n ? id_name(g, *n) : value();
}

value strings(const std::vector<std::string_view>& v) {
  array a;
  for (auto s : v) a.emplace_back(s);
  return a;
}

value domain_names(mitrekg::domain_set d) {
  array a;
  for (auto x : {mitrekg::domain::enterprise, mitrekg::domain::mobile, mitrekg::domain::ics})
    if (d & mitrekg::bit(x)) a.emplace_back(to_string(x));
  return a;
}

const std::vector<column> technique_columns = {
    {"id", "", true},
    {"name", "", true},
    {"tactics", "", true},
    {"platforms", "", true},
    {"is_subtechnique", "", false},
    {"domains", "", false},
};

value technique_row(const knowledge_graph& g, node t) {
  array tactics;
  for (node x : mitrekg::tactics_of(g, t)) tactics.emplace_back(g[x].shortname);
  const auto& o = g[t];
  return object{{"id", o.id},
                {"name", o.name},
                {"tactics", std::move(tactics)},
                {"platforms", strings(o.platforms)},
                {"is_subtechnique", o.is_subtechnique},
                {"domains", domain_names(o.domains)}};
}

int print_list(context& ctx, const std::vector<column>& columns, const array& rows) {
  switch (ctx.fmt) {
    case format::json: write_json(ctx.out, value(rows)); break;
    case format::csv: write_csv(ctx.out, columns, rows); break;
    case format::table:
      if (!rows.empty()) write_table(ctx.out, columns, rows, ctx.width);
      break;
  }
  return rows.empty() ? exit_nothing : exit_found;
}

int print_list(context& ctx, const std::vector<column>& columns, const text_rows& rows) {
  std::size_t count = 0;
  switch (ctx.fmt) {
    case format::json: count = write_json(ctx.out, columns, rows); break;
    case format::csv: count = write_csv(ctx.out, columns, rows); break;
    case format::table: count = write_table(ctx.out, columns, rows, ctx.width); break;
  }
  return count == 0 ? exit_nothing : exit_found;
}

}  // namespace mq
