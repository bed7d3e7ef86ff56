// mitre-query: query MITRE ATT&CK and D3FEND offline. The flag table and the command table
// below drive both parsing and --help; commands live in their own files.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.hpp"
#include "commands.hpp"
#include "mitrekg/data.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/version.hpp"

namespace mq {
namespace {

// ---------------------------------------------------------------- flag table

void set_format(context& ctx, const std::string& v) {
  if (v == "table" || v == "text") ctx.fmt = format::table;
  else if (v == "json") ctx.fmt = format::json;
  else if (v == "csv") ctx.fmt = format::csv;
  else throw usage_error(fmt::format("--format must be table, json or csv, not {}", json_quote(v)));
}

void add_domain(context& ctx, const std::string& v) {
  // "enterprise", "mobile,ics", repeatable.
  std::string_view rest = v;
  while (true) {
    auto comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    if (part == "d3fend" || part == "D3FEND") {
      ctx.d3fend_domain = true;   // the D3FEND matrix (matrix --domain d3fend)
    } else {
      auto d = mitrekg::parse_domain(part);
      if (!d)
        throw usage_error(fmt::format("--domain must be enterprise, mobile, ics (or d3fend for matrix), not {}",
                                      json_quote(part)));
      ctx.domains |= mitrekg::bit(*d);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
}

void set_width(context& ctx, const std::string& v) {
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n == 0 || n > max_width)
    throw usage_error(fmt::format("--width must be a number from 1 to {}, not {}", max_width, json_quote(v)));
  ctx.width = n;
}

}  // namespace

const std::vector<flag> flags = {
    {"format", 0, "FMT", "output format: table (default), json or csv", true, set_format, "table json csv"},
    {"attack", 0, "FILE", "an ATT&CK STIX bundle to load (repeatable); default: the newest of each domain in the data folder",
     true, [](context& c, const std::string& v) { c.attack_files.push_back(v); }},
    {"d3fend", 0, "FILE", "the D3FEND JSON-LD file; default: the newest in the data folder's d3fend/", true, [](context& c, const std::string& v) { c.d3fend_file = v; }},
    {"data", 0, "DIR", "data folder holding attack/ and d3fend/ (default: $MITREKG_DATA, else the built-in folder)",
     true, [](context& c, const std::string& v) { c.data_dir = v; }},
    {"domain", 0, "D", "answer only from enterprise, mobile or ics (repeatable, or comma-separated); matrix: d3fend", true, add_domain,
     "enterprise mobile ics d3fend"},
    {"include-revoked", 0, "", "answer with revoked objects too", true,
     [](context& c, const std::string&) { c.lookup.include_revoked = true; }},
    {"include-deprecated", 0, "", "answer with deprecated objects too", true,
     [](context& c, const std::string&) { c.lookup.include_deprecated = true; }},
    {"width", 0, "N", "fit tables and the matrix to N columns (default: the terminal's)", true, set_width},
    {"db", 0, "FILE", "answer from this snapshot (see build-db) instead of the sources", true,
     [](context& c, const std::string& v) { c.db_file = v; }},
    {"no-cache", 0, "", "parse the sources every time; neither read nor write the snapshot cache", true,
     [](context& c, const std::string&) { c.no_cache = true; }},
    {"verbose", 'v', "", "name the loaded files, where the answer came from and load warnings on stderr", true,
     [](context& c, const std::string&) { c.verbose = true; }},
    {"help", 'h', "", "show this help (or a command's: COMMAND --help)", true, nullptr},
    {"version", 'V', "", "show the version", true, nullptr},
    {"help-format", 0, "FMT", "print the bash completion, the man page or the command names (the build runs it)", true,
     nullptr, "bash man commands", true},
    // Command flags: which commands accept them is in the command table.
    {"tactic", 0, "ID|NAME",
     "only this tactic (repeatable): an ATT&CK id, shortname or name; for countermeasures a D3FEND tactic (Harden, …)",
     false, nullptr},
    {"platform", 0, "P", "only techniques on this platform (see 'platforms')", false, nullptr},
    {"no-subtechniques", 0, "", "leave sub-techniques out", false, nullptr},
    {"all", 0, "", "countermeasures: every ATT&CK technique D3FEND lists; cache clean: the current entry too",
     false, nullptr},
    {"explain", 0, "", "one row per explanation: the offensive and defensive artifacts and relations", false,
     nullptr},
    {"no-subclasses", 0, "", "only the artifact class itself, not its subclasses", false, nullptr},
    {"force", 0, "", "replace OUT even if it is not a snapshot or is an input (never a device, FIFO or link)", false,
     nullptr},
    {"image", 0, "FILE", "build-db: also write the graph image file a prebuilt snapshot is opened from without SQLite (name it OUT with .image)", false,
     nullptr},
    {"dialect", 0, "D", "tag dialect: falco, sysdig or sigma (lint-tags: default detected per file; tag: falco)", false,
     nullptr, "falco sysdig sigma"},
    {"severity", 0, "LEVEL", "the least severe finding that makes the exit status 1: error (default), warning, note",
     false, nullptr, "error warning note"},
    {"report", 0, "FMT", "findings as text (default), json or sarif (SARIF 2.1.0)", false, nullptr, "text json sarif"},
    {"fix", 0, "", "rewrite the offending tags in place (only their bytes)", false, nullptr},
    {"dry-run", 0, "", "with --fix: print a unified diff instead of writing", false, nullptr},
    {"max-size", 0, "SIZE", "the cache's size after pruning: bytes, or with a unit (50M, 1G, 512MiB)", false,
     nullptr},
    {"source", 0, "S", "Falco event source (repeatable, or comma-separated): rules lists only its rules; check-rules compiles only its rules; detect: the events' source", false, nullptr},
    {"rules", 0, "FILE", "detect: a Falco rules file (repeatable, loaded in order)", false, nullptr},
    {"events", 0, "FILE", "detect: the events (JSON Lines, a JSON array, an EventList, a CloudTrail file; - for stdin)", false, nullptr},
    {"min-priority", 0, "P", "detect: only rules at least this severe (Falco's min_rule_priority)", false, nullptr},
    {"disable-rule", 0, "NAME", "detect: disable rules whose name contains NAME (Falco's -D; repeatable)", false, nullptr},
    {"enable-tag", 0, "TAG", "detect: only rules with this tag (Falco's -t; repeatable)", false, nullptr},
    {"disable-tag", 0, "TAG", "detect: disable rules with this tag (Falco's -T; repeatable)", false, nullptr},
    {"all-events", 0, "", "detect: also the syscall event types Falco drops by default (Falco's -A)", false, nullptr},
    {"threads", 0, "N", "detect: evaluation threads (output stays in input order)", false, nullptr},
};

// ---------------------------------------------------------------- command table

namespace {
int run_batch(context& ctx);   // below: it runs the parser on each line
constexpr std::size_t any_count = static_cast<std::size_t>(-1);
}  // namespace

const std::vector<command> commands = {
    {"stats", "", "counts of live objects by kind", 0, 0, {}, run_stats},
    {"show", "ID|NAME", "one object (technique, tactic, group, …; else a D3FEND technique or artifact) as a record", 1,
     1, {}, run_show},
    {"tactics", "", "tactics, in each matrix's order", 0, 0, {}, run_tactics},
    {"techniques", "", "techniques and sub-techniques, by id", 0, 0, {"tactic", "platform", "no-subtechniques"},
     run_techniques},
    {"subtechniques", "T", "sub-techniques of technique T", 1, 1, {}, run_subtechniques},
    {"mitigations", "T", "mitigations of technique T", 1, 1, {}, run_mitigations},
    {"groups", "T", "groups that use technique T", 1, 1, {}, run_groups},
    {"software", "T", "software that uses technique T", 1, 1, {}, run_software},
    {"campaigns", "T", "campaigns that use technique T", 1, 1, {}, run_campaigns},
    {"detections", "T", "how technique T is detected (strategies, analytics, data components)", 1, 1, {},
     run_detections},
    {"uses", "G|S|C|M", "techniques a group, software or campaign uses, or a mitigation mitigates", 1, 1, {}, run_uses,
     {"techniques-of"}},
    {"search", "TEXT…", "objects whose id, name, alias or description has every word", 1, any_count, {}, run_search},
    {"platforms", "", "platforms named by techniques, with technique counts", 0, 0, {}, run_platforms},
    {"matrix", "", "the ATT&CK matrix of one domain (--domain), or D3FEND's (--domain d3fend), tactics as columns",
     0, 0, {"platform"}, run_matrix},
    // D3FEND (docs/cli.md, "D3FEND").
    {"countermeasures", "T…", "D3FEND countermeasures of techniques T… (or --all), one row per pair or explanation",
     0, any_count, {"all", "tactic", "explain"}, run_countermeasures},
    {"counters", "D3-ID|CLASS", "ATT&CK techniques a D3FEND countermeasure counters", 1, 1, {}, run_counters},
    {"artifacts", "[NAME]", "D3FEND digital artifacts, or the techniques that touch artifact NAME", 0, 1,
     {"no-subclasses"}, run_artifacts},
    {"d3fend-tactics", "", "the seven D3FEND tactics in matrix order, with technique counts", 0, 0, {},
     run_d3fend_tactics},
    {"d3fend-skew", "", "where ATT&CK and D3FEND disagree: unlisted, revoked, deprecated, absent ids", 0, 0, {},
     run_d3fend_skew, {"skew"}},
    // MITRE tags on detection rules (docs/tags.md).
    {"lint-tags", "FILE|DIR…", "check the MITRE tags of Falco, Sysdig and Sigma rule files; --fix repairs them", 1,
     any_count, {"dialect", "severity", "report", "fix", "dry-run"}, run_lint_tags},
    {"tag", "T…", "the tags of techniques and their tactics, in a rule dialect", 1, any_count, {"dialect"}, run_tag},
    // SQLite snapshots (docs/sqlite-schema.md).
    {"build-db", "OUT.sqlite", "write the loaded sources (ATT&CK, D3FEND, mappings) to a SQLite snapshot", 1, 1,
     {"force", "image"}, run_build_db},
    {"check-db", "FILE", "verify a snapshot (SQLite integrity, checksums, schema) and show its metadata", 1, 1, {},
     run_check_db},
    // The snapshot cache (docs/cli.md, "The snapshot cache"): two-word commands.
    {"cache", "", "the snapshot cache's entries: key, kind, size, last use, sources; the current sources' marked", 0,
     0, {}, run_cache},
    {"cache clean", "", "remove every cache entry but the current sources' (--all: that one too)", 0, 0, {"all"},
     run_cache_clean},
    {"cache prune", "", "remove the least recently used cache entries beyond --max-size SIZE (never the current)",
     0, 0, {"max-size"}, run_cache_prune},
    {"check-rules", "FILE…", "load Falco rule files in order; print every diagnostic and a summary (exit 1 on errors)",
     1, any_count, {"source"}, run_check_rules},
    {"rules", "FILE…", "the rules of Falco rule files: name, source, priority, enabled, event types, tags", 1,
     any_count, {"source"}, run_rules},
    {"detect", "", "run Falco rule files over events; alerts with ATT&CK techniques and D3FEND countermeasures", 0, 0,
     {"rules", "events", "source", "min-priority", "disable-rule", "enable-tag", "disable-tag", "all-events", "threads"},
     run_detect},
    {"batch", "", "run one command per line of standard input on one loaded graph; each answer ends with '--- exit N'",
     0, 0, {}, run_batch},
};

namespace {

const flag* find_flag(std::string_view name) {
  for (const auto& f : flags)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------- help

std::string flag_usage(const flag& f) {
  std::string s = f.short_name ? fmt::format("-{}, --{}", f.short_name, f.name) : fmt::format("    --{}", f.name);
  if (!f.metavar.empty()) s += fmt::format(" {}", f.metavar);
  return s;
}

namespace {

void print_flags(output& out, bool global, const std::vector<std::string_view>& only) {
  for (const auto& f : flags) {
    if (f.global != global || f.hidden) continue;
    if (!global && std::find(only.begin(), only.end(), f.name) == only.end()) continue;
    out.print("  {}  {}\n", pad(flag_usage(f), 26), f.help);
  }
}

}  // namespace

std::string command_usage(const command& c) {
  std::string s(c.name);
  for (auto name : c.flags) {
    const flag* f = find_flag(name);
    s += f->metavar.empty() ? fmt::format(" [--{}]", name) : fmt::format(" [--{} {}]", name, f->metavar);
  }
  if (!c.synopsis.empty()) s += fmt::format(" {}", c.synopsis);
  return s;
}

namespace {

void print_help(output& out) {
  out.print("mitre-query {}: query MITRE ATT&CK and D3FEND offline\n\n", mitrekg::version());
  out.print("Usage: mitre-query [OPTIONS] COMMAND [ARGS]\n       mitre-query help [COMMAND]\n\nCommands:\n");
  for (const auto& c : commands) {
    std::string use(c.name);
    if (!c.synopsis.empty()) use += fmt::format(" {}", c.synopsis);
    out.print("  {}  {}\n", pad(use, 26), c.summary);
  }
  out.print("\nOptions (anywhere on the line):\n");
  print_flags(out, true, {});
  out.print("\nCommand options:\n");
  for (const auto& f : flags)
    if (!f.global) {
      std::string users;
      for (const auto& c : commands)
        if (std::find(c.flags.begin(), c.flags.end(), f.name) != c.flags.end())
          users += (users.empty() ? "" : ", ") + std::string(c.name);
      out.print("  {}  {} ({})\n", pad(flag_usage(f), 26), f.help, users);
    }
  out.print("\nT is a technique id or name (T1562.001); a revoked id answers with what replaced it.\n"
            "Data: --attack FILE…, else the newest bundle of each domain in --data DIR, else in\n"
            "$MITREKG_DATA, else in {}.\n"
            "D3FEND: --d3fend FILE, else DIR/d3fend/d3fend-<release>.json of that folder (with --attack:\n"
            "only from --d3fend or an explicit --data DIR).\n"
            "Exit status: 0 found, 1 nothing found, 2 usage or input error. 'mitre-query COMMAND --help'\n"
            "describes one command; docs/cli.md describes the output.\n",
            mitrekg::default_data_dir().string());
}

void print_command_help(output& out, const command& c) {
  out.print("Usage: mitre-query [OPTIONS] {}\n\n{}\n", command_usage(c), c.summary);
  if (!c.aliases.empty()) {
    std::string a;
    for (auto x : c.aliases) a += (a.empty() ? "" : ", ") + std::string(x);
    out.print("Also: {}\n", a);
  }
  if (!c.flags.empty()) {
    out.print("\nCommand options:\n");
    print_flags(out, false, c.flags);
  }
  out.print("\nOptions:\n");
  print_flags(out, true, {});
}

// ---------------------------------------------------------------- parsing and dispatch

int run(context& ctx, const std::vector<std::string>& words) {
  invocation inv = parse_command_line(words);
  switch (inv.what) {
    case invocation::action::help:
      if (inv.cmd) print_command_help(ctx.out, *inv.cmd);
      else print_help(ctx.out);
      return exit_found;
    case invocation::action::version:
      ctx.out.print("mitre-query {} (embedded data: ATT&CK {}, D3FEND {})\n", mitrekg::version(),
                    mitrekg::embedded_attack_release(), mitrekg::embedded_d3fend_version());
      return exit_found;
    case invocation::action::help_format:
      write_help_format(ctx.out, inv.help_format);
      return exit_found;
    case invocation::action::run: break;
  }
  configure(ctx, inv);
  return inv.cmd->run(ctx);
}

// Standard input for batch, read(2) in chunks. A read error (a closed stdin)
// throws and ends the batch with exit 2.
std::size_t read_stdin(char* buf, std::size_t n) {
  while (true) {
    ssize_t got = ::read(STDIN_FILENO, buf, n);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "cannot read standard input");
  }
}

// Whether descriptors a and b are the same open file (2>&1): then answers must not
// wait behind messages written after them.
bool same_file(int a, int b) {
  struct stat sa {}, sb {};
  return ::fstat(a, &sa) == 0 && ::fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int run_batch(context& ctx) {
  const mitrekg::knowledge_graph& g = ctx.graph();
  ctx.out.flush();
  // Answers wait in ctx.out while more input is already read, and are written
  // before waiting for input (a client that sends one question at a time gets
  // each answer at once), at 64 KiB and at the end; at once to a terminal, or
  // when stderr is the same file (messages and answers stay in order).
  const bool at_once = ::isatty(STDOUT_FILENO) || same_file(STDOUT_FILENO, STDERR_FILENO);
  ctx.out.hold(!at_once);
  int worst = exit_found;
  line_reader lines([&ctx](char* buf, std::size_t n) {
    ctx.out.flush();
    return read_stdin(buf, n);
  });
  line_reader::line line;
  while (lines.next(line)) {
    std::string_view trimmed = line.text;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
    if (line.issue == line_reader::problem::none && (trimmed.empty() || trimmed.front() == '#')) continue;
    // Each line starts from the batch's own options, then applies its own flags.
    context one;
    one.fmt = ctx.fmt;
    one.lookup = ctx.lookup;
    one.domains = ctx.domains;
    one.width = ctx.width;
    one.verbose = ctx.verbose;
    one.shared_graph = &g;
    one.out.send_to(ctx.out);
    int rc;
    try {
      // What is wrong with the line itself names the line; the command's own errors need not.
      if (line.issue == line_reader::problem::too_long)
        throw usage_error(fmt::format("batch line {}: longer than {} bytes", line.number, max_batch_line_bytes));
      if (line.issue == line_reader::problem::nul)
        throw usage_error(fmt::format("batch line {}: holds a NUL byte", line.number));
      std::vector<std::string> words;
      try {
        words = split_words(trimmed);
      } catch (const usage_error& e) {
        throw usage_error(fmt::format("batch line {}: {}", line.number, e.what()));
      }
      rc = run(one, words);
      one.out.flush();
    } catch (const usage_error& e) {
      one.out.flush();
      note("{}", e.what());
      rc = exit_error;
    } catch (const mitrekg::error& e) {
      one.out.flush();
      note("{}", e.what());
      rc = exit_error;
    }
    ctx.out.print("--- exit {}\n", rc);
    if (at_once) ctx.out.flush();
    worst = std::max(worst, rc == exit_error ? exit_error : exit_found);
  }
  ctx.out.flush();
  return worst;
}

}  // namespace
}  // namespace mq

#ifndef MITRE_QUERY_NO_MAIN   // tests/fuzz/cli_fuzz.cpp links this file without main()
namespace mq {
namespace {
// A message for stderr on one line.
std::string one_line(std::string s) {
  std::replace_if(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return s;
}
}  // namespace
}  // namespace mq

int main(int argc, char** argv) {
  // A closed pipe shows up as EPIPE on write, which ends the program quietly.
  std::signal(SIGPIPE, SIG_IGN);
  // A closed 0, 1 or 2 would be handed to the next file opened (a bundle, the cache
  // image) and answers or messages written into it. Hold each on /dev/null, opened
  // the wrong way round so that using it still fails as a closed one does (EBADF).
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) ::open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
  // Never destroyed: at exit the OS frees the loaded graph faster than its
  // destructors would (a few ms of a warm-cache call). A static keeps it reachable.
  static mq::context& ctx = *new mq::context;
  auto fail = [&](const std::string& message) {
    try {
      ctx.out.flush();
    } catch (...) {
    }
    mq::note("{}", mq::one_line(message));
    return mq::exit_error;
  };
  try {
    int rc = mq::run(ctx, std::vector<std::string>(argv + std::min(argc, 1), argv + argc));
    ctx.out.flush();
    // Once per process, after the answer (a batch's lines included); with -v the
    // warnings themselves were printed. Not on exit 2 from here: that is one line.
    if (ctx.load_warnings > 0 && !ctx.verbose)
      mq::note("{} load warning{} (-v shows them)", ctx.load_warnings, ctx.load_warnings == 1 ? "" : "s");
    return rc;
  } catch (const mq::closed_pipe&) {
    return mq::exit_found;
  } catch (const mq::usage_error& e) {
    return fail(e.what());
  } catch (const mitrekg::error& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
#endif
