// mitre-query lint-tags (check, fix and report the MITRE tags of rule files) and tag (the tags of techniques).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <optional>
#include <stop_token>
#include <filesystem>
#include <thread>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/tags.hpp"
#include "mitrekg/version.hpp"

namespace mq {
namespace {

namespace fs = std::filesystem;

std::optional<mitrekg::tag_dialect> dialect_flag(const context& ctx) {
  auto d = ctx.flag("dialect");
  if (!d) return std::nullopt;
  auto parsed = mitrekg::parse_tag_dialect(*d);
  if (!parsed) throw usage_error(fmt::format("--dialect must be falco, sysdig or sigma, not {}", json_quote(*d)));
  return parsed;
}

// The files named, a folder's *.yaml / *.yml files (recursively, sorted). Throws usage_error for a missing path.
std::vector<std::string> rule_files(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  for (const auto& a : args) {
    std::error_code ec;
    auto st = fs::status(a, ec);
    if (ec || !fs::exists(st)) throw usage_error(fmt::format("{}: no such file or directory", a));
    if (!fs::is_directory(st)) {
      files.push_back(a);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(a, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      auto ext = it->path().extension();
      if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    if (ec) throw usage_error(fmt::format("{}: {}", a, ec.message()));
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// A rule file's bytes, in as few system calls as can be (open, fstat, one
// read, close): on a virtual machine each costs microseconds, and lint-tags
// reads a thousand files. A regular file's read returns less than asked only
// at its end; anything else is read until read(2) says so.
std::string read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw usage_error(fmt::format("{}: cannot be read", path));
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  std::string text(regular ? static_cast<std::size_t>(st.st_size) + 1 : std::size_t{1} << 16, '\0');
  std::size_t used = 0;
  bool failed = false;
  while (true) {
    if (used == text.size()) text.resize(text.size() * 2);
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) failed = true;
    if (n <= 0) break;
    used += static_cast<std::size_t>(n);
    if (regular && used < text.size()) break;   // short read of a regular file: its end
  }
  ::close(fd);
  if (failed) throw usage_error(fmt::format("{}: read error", path));
  text.resize(used);
  return text;
}

// Replaces `path` by `text` atomically: a new temporary file beside it (mkstemp, so no
// existing file is ever overwritten), its mode kept, renamed over it.
void write_in_place(const std::string& path, const std::string& text) {
  std::string tmp = path + ".mitre-query-fix-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw usage_error(fmt::format("{}: cannot write the fixed file beside it: {}", path, std::strerror(errno)));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0) ::fchmod(fd, st.st_mode & 07777);
  if (::close(fd) != 0 || done != text.size()) {
    ::unlink(tmp.c_str());
    throw usage_error(fmt::format("{}: cannot write the fixed file", path));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    throw usage_error(fmt::format("{}: cannot replace it with the fixed file: {}", path, std::strerror(e)));
  }
}

mitrekg::sarif_tool sarif_tool() {
  return {"mitre-query", std::string(mitrekg::version()), "https://attack.mitre.org/", mitrekg::tag_rules()};
}

}  // namespace

int run_lint_tags(context& ctx) {
  mitrekg::lint_options options;
  options.dialect = dialect_flag(ctx);
  if (ctx.domains) options.lookup.domains = ctx.domains;
  mitrekg::severity threshold = mitrekg::severity::error;
  if (auto s = ctx.flag("severity")) {
    auto parsed = mitrekg::parse_severity(*s);
    if (!parsed) throw usage_error(fmt::format("--severity must be error, warning or note, not {}", json_quote(*s)));
    threshold = *parsed;
  }
  std::string report = ctx.fmt == format::json ? "json" : "text";
  if (auto r = ctx.flag("report")) {
    if (*r != "text" && *r != "json" && *r != "sarif")
      throw usage_error(fmt::format("--report must be text, json or sarif, not {}", json_quote(*r)));
    report = *r;
  }
  const bool fix = ctx.has("fix"), dry_run = ctx.has("dry-run");
  if (dry_run && !fix) throw usage_error("--dry-run goes with --fix");

  std::vector<std::string> files = rule_files(ctx.args);
  // Read and parse the files (no graph needed) on a helper thread while this
  // one loads the graph, then on both; then check them on two threads (the
  // graph is const). Fixing and output stay in file order on this one.
  std::vector<std::string> texts(files.size());
  std::vector<std::optional<mitrekg::parsed_rule_file>> parsed(files.size());
  std::vector<std::string> read_errors(files.size());
  std::atomic<std::size_t> next_file{0};
  auto parse = [&](std::stop_token stop) {
    for (std::size_t i = 0; !stop.stop_requested() && (i = next_file++) < files.size();) {
      try {
        texts[i] = read_file(files[i]);
      } catch (const usage_error& e) {
        read_errors[i] = e.what();
        continue;
      }
      parsed[i] = mitrekg::parse_rule_file(texts[i]);
    }
  };
  const mitrekg::knowledge_graph* loaded = nullptr;
  {
    // Joined at the end of this block, also when loading the graph throws (stop requested first).
    std::jthread helper;
    if (files.size() > 1) helper = std::jthread(parse);
    ctx.needs_d3fend = false;   // tags are checked against ATT&CK only
    loaded = &ctx.graph();
    parse(std::stop_token());
  }
  const mitrekg::tag_linter linter(*loaded, options);
  std::vector<mitrekg::lint_result> results(files.size());
  auto check = [&](std::size_t from, std::size_t step) {
    for (std::size_t i = from; i < files.size(); i += step)
      if (parsed[i]) results[i] = linter.lint(files[i], texts[i], *parsed[i]);
  };
  if (files.size() > 8) {
    std::jthread helper(check, 1, 2);
    check(0, 2);
  } else {
    check(0, 1);
  }
  std::vector<mitrekg::diagnostic> all;
  std::size_t fixed_files = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    if (!read_errors[i].empty()) throw usage_error(read_errors[i]);
    const std::string& text = texts[i];
    auto& result = results[i];
    if (fix) {
      std::string after = mitrekg::apply_fixes(text, result.diagnostics);
      if (after != text) {
        ++fixed_files;
        // Labels as git writes them: a/path, b/path, never a//path.
        std::string label = file.substr(std::min(file.find_first_not_of('/'), file.size()));
        if (dry_run) ctx.out.write_raw(mitrekg::unified_diff(label, text, after));
        else write_in_place(file, after);
        // What is left is what fixing could not repair.
        result = linter.lint(file, after);
      }
    }
    for (auto& d : result.diagnostics) all.push_back(std::move(d));
  }
  if (fix && ctx.verbose)
    note("{} {} of {} {}", dry_run ? "would fix" : "fixed", fixed_files, files.size(), files.size() == 1 ? "file" : "files");
  if (!dry_run) {
    if (report == "sarif") {
      ctx.out.write_raw(mitrekg::render_sarif(all, sarif_tool()));
    } else if (report == "json") {
      ctx.out.write_raw(mitrekg::render_json_array(all));
    } else {
      for (const auto& d : all) {
        ctx.out.write(mitrekg::render_text(d));
        if (d.fix && !fix) ctx.out.print(" (fix: {})", d.fix->replacement.empty() ? "remove the tag" : d.fix->replacement);
        ctx.out.write("\n");
      }
    }
  }
  bool failing = std::any_of(all.begin(), all.end(), [&](const auto& d) { return d.level <= threshold; });
  return failing ? exit_nothing : exit_found;
}

int run_tag(context& ctx) {
  auto dialect = dialect_flag(ctx).value_or(mitrekg::tag_dialect::falco);
  const mitrekg::knowledge_graph& g = ctx.graph();
  array rows;
  std::vector<std::string> lines;
  for (const auto& arg : ctx.args) {
    auto t = find_one(ctx, arg, {mitrekg::object_type::technique});
    if (!t) return exit_nothing;
    for (const auto& tag : mitrekg::technique_tags(g, *t, dialect)) {
      rows.push_back(object{{"technique", g[*t].id}, {"tag", tag}});
      lines.push_back(tag);
    }
  }
  if (ctx.fmt != format::table) {
    static const std::vector<column> columns = {{"technique", "", true}, {"tag", "", true}};
    return print_list(ctx, columns, rows);
  }
  // What a rule author pastes: one tag per line, each once.
  std::vector<std::string> printed;
  for (const auto& l : lines)
    if (std::find(printed.begin(), printed.end(), l) == printed.end()) {
      ctx.out.print("{}\n", l);
      printed.push_back(l);
    }
  return rows.empty() ? exit_nothing : exit_found;
}

}  // namespace mq
