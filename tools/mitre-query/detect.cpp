// mitre-query detect: run Falco rule files over events (JSON Lines, audit logs, CloudTrail) and print alerts enriched with ATT&CK and D3FEND.
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "mitrekg/engine.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/rules.hpp"

namespace mq {

namespace {

std::vector<std::string> split_values(const context& ctx, std::string_view flag) {
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

}  // namespace

int run_detect(context& ctx) {
  if (ctx.fmt == format::csv) throw usage_error("detect --format must be text or json, not \"csv\"");
  std::vector<std::filesystem::path> files;
  for (const auto& f : ctx.flag_values("rules")) files.emplace_back(f);
  if (files.empty()) throw usage_error("detect needs --rules FILE");
  auto events = ctx.flag("events");
  if (!events) throw usage_error("detect needs --events FILE (or - for standard input)");

  mitrekg::engine_options eo;
  eo.sources = split_values(ctx, "source");
  if (auto p = ctx.flag("min-priority")) {
    auto pr = mitrekg::parse_rule_priority(*p);
    if (!pr) throw usage_error(fmt::format("--min-priority must be a Falco priority (emergency … debug), not {}", json_quote(*p)));
    eo.min_priority = *pr;
  }
  eo.disabled_rules = ctx.flag_values("disable-rule");
  eo.enabled_tags = split_values(ctx, "enable-tag");
  eo.disabled_tags = split_values(ctx, "disable-tag");
  eo.all_events = ctx.has("all-events");
  unsigned threads = 1;
  if (auto t = ctx.flag("threads")) {
    auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), threads);
    if (ec != std::errc() || p != t->data() + t->size() || threads == 0 || threads > 256)
      throw usage_error(fmt::format("--threads must be a number from 1 to 256, not {}", json_quote(*t)));
  }

  mitrekg::rule_load_options lo;
  lo.sources = eo.sources;
  const mitrekg::rule_set set = mitrekg::rule_set::load(files, lo);
  for (const auto& d : set.diagnostics())
    if (d.level == mitrekg::severity::error) throw usage_error(mitrekg::render_text(d));

  const mitrekg::knowledge_graph& g = ctx.graph();
  mitrekg::detection_engine engine(set, &g, eo);
  auto active = engine.active_sources();
  std::string source;
  if (eo.sources.size() == 1) source = eo.sources.front();
  else if (eo.sources.empty() && active.size() == 1) source = active.front();
  else
    throw usage_error(fmt::format("detect: the rules have {} sources; say which the events are with --source S",
                                  eo.sources.empty() ? active.size() : eo.sources.size()));

  std::ifstream file;
  std::istream* in = &std::cin;
  if (*events != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(*events, ec)) throw usage_error(fmt::format("{}: is a directory", *events));
    file.open(*events, std::ios::binary);
    if (!file) throw usage_error(fmt::format("{}: cannot be read", *events));
    in = &file;
  }

  mitrekg::detection_session session(engine);
  const bool json = ctx.fmt == format::json;
  session.run(*in, source, [&](const mitrekg::alert& a) {
    ctx.out.write_raw(json ? a.json() : a.text());
    ctx.out.write_raw("\n");
  }, threads);
  ctx.out.flush();

  const auto& st = session.stats();
  std::string lines;
  for (std::size_t i = 0; i < st.malformed_lines.size(); ++i) lines += (i ? "," : "") + std::to_string(st.malformed_lines[i]);
  note("detect: {} events read, {} malformed skipped{}, {} failed, {} alerts", st.events, st.malformed,
       st.malformed ? fmt::format(" (first at lines {}: {})", lines, st.first_malformed_reason) : std::string(),
       st.failed, st.alerts);
  for (const auto& [rule, n] : st.alerts_per_rule) note("detect: {} alerts: {}", n, rule);
  return exit_found;
}

}  // namespace mq
