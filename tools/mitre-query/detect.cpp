// mitre-query detect: run Falco rule files over events (JSON Lines, audit logs, CloudTrail) and print alerts enriched with ATT&CK and D3FEND.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include <ext/stdio_filebuf.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.hpp"
#include "mitrekg/engine.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/rules.hpp"
#include "mitrekg/tags.hpp"

namespace mq {

namespace {

extern "C" char** environ;

// sysdig on PATH, or empty.
std::string find_sysdig() {
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/bin:/bin";
  while (true) {
    auto colon = rest.find(':');
    std::filesystem::path p = std::filesystem::path(std::string(rest.substr(0, colon))) / "sysdig";
    if (::access(p.c_str(), X_OK) == 0) return p.string();
    if (colon == std::string_view::npos) return {};
    rest.remove_prefix(colon + 1);
  }
}

// Runs argv with stdout on a pipe, stderr into `err_fd` (-1: discarded); the read end, or -1.
int spawn_reader(const std::vector<std::string>& argv, pid_t& pid, int err_fd = -1) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  if (err_fd >= 0) posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
  else posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return -1;
  }
  return fds[0];
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The field names this sysdig knows (`sysdig -l`), without argument forms.
std::set<std::string, std::less<>> sysdig_fields(const std::string& sysdig) {
  pid_t pid = 0;
  int fd = spawn_reader({sysdig, "-l"}, pid);
  std::set<std::string, std::less<>> out;
  if (fd < 0) return out;
  __gnu_cxx::stdio_filebuf<char> buf(fd, std::ios::in);
  std::istream in(&buf);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] < 'a' || line[0] > 'z') continue;
    std::size_t end = line.find_first_of(" [\t");
    out.insert(line.substr(0, end));
  }
  wait_exit(pid);
  return out;
}

// A capture through sysdig: `sysdig -r FILE -j -p '*%f1 %f2 …'` with exactly the
// fields the rules use, as JSON Lines into the session.
void run_scap(mitrekg::detection_session& session, const mitrekg::detection_engine& engine, const std::string& file,
              const mitrekg::alert_callback& cb, unsigned threads) {
  std::string sysdig = find_sysdig();
  if (sysdig.empty())
    throw usage_error(fmt::format("{}: reading a capture needs sysdig: apt-get install --no-install-recommends sysdig",
                                  file));
  auto known = sysdig_fields(sysdig);
  std::string format = "*";
  for (const auto& f : engine.syscall_fields()) {
    std::string_view base = std::string_view(f).substr(0, f.find('['));
    bool indexed = base.size() != f.size();
    // sysdig writes a plain proc.aname under an empty key (its bug): only indexed forms are asked for.
    if (known.count(base) == 0 && known.count(f) == 0) {
      auto dot = base.rfind('.');
      if (dot == std::string_view::npos || known.count(base.substr(0, dot)) == 0) continue;   // evt.arg.flags
    }
    if (!indexed && (base == "proc.aname" || base == "proc.apid")) continue;
    // Filter-only in sysdig (refused in -p): absent here, so checks on them are false.
    static constexpr std::string_view filter_only[] = {"fd.ip", "fd.net", "fd.port", "fd.proto", "fd.snet",
                                                       "fd.cnet", "fd.lnet", "fd.rnet", "fd.ip.name",
                                                       "evt.around", "evt.type.is"};
    if (std::find(std::begin(filter_only), std::end(filter_only), base) != std::end(filter_only)) continue;
    if (base.starts_with("evt.arg.") && base.size() > 8 && base[8] >= '0' && base[8] <= '9') continue;
    if (format.size() > 1) format += ' ';
    format += '%';
    format += f;
  }
  pid_t pid = 0;
  // sysdig's complaints go to an unlinked temporary file (a pipe could fill and stall it).
  FILE* err = std::tmpfile();
  int fd = spawn_reader({sysdig, "-r", file, "-j", "-p", format}, pid, err ? ::fileno(err) : -1);
  if (fd < 0) {
    if (err) std::fclose(err);
    throw usage_error(fmt::format("{}: sysdig could not be started", file));
  }
  {
    __gnu_cxx::stdio_filebuf<char> buf(fd, std::ios::in);
    std::istream in(&buf);
    session.run(in, "syscall", cb, threads);
  }
  int rc = wait_exit(pid);
  std::string first;
  if (err) {
    std::rewind(err);
    char line[512];
    if (std::fgets(line, sizeof line, err)) first = line;
    std::fclose(err);
    while (!first.empty() && (first.back() == '\n' || first.back() == '\r')) first.pop_back();
  }
  if (rc != 0)
    throw usage_error(fmt::format("{}: sysdig could not read the capture (exit {}){}{}", file, rc,
                                  first.empty() ? "" : ": ", first));
}

// Reads through `src` and counts the bytes; when `draw` is set, shows a
// progress bar on stderr (bytes read / total, rate), redrawn at most every
// 100 ms. Borrows `src`, which must outlive it. erase() removes the bar.
class progress_buf : public std::streambuf {
 public:
  progress_buf(std::streambuf* src, std::uint64_t total) : src_(src), total_(total), start_(clock::now()) {}
  ~progress_buf() override { erase(); }
  void erase() {
    if (shown_) write_stderr("\r\033[K");
    shown_ = false;
  }
  std::uint64_t bytes() const noexcept { return done_; }

 protected:
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    // What the buffer still holds first (after an underflow), then the source directly.
    std::streamsize got = 0;
    if (gptr() < egptr()) {
      got = std::min<std::streamsize>(n, egptr() - gptr());
      std::memcpy(s, gptr(), static_cast<std::size_t>(got));
      gbump(static_cast<int>(got));
    }
    if (got < n) {
      std::streamsize more = src_->sgetn(s + got, n - got);
      done_ += static_cast<std::uint64_t>(more);
      got += more;
      tick();
    }
    return got;
  }
  int_type underflow() override {
    std::streamsize n = src_->sgetn(buf_, sizeof buf_);
    if (n <= 0) return traits_type::eof();
    done_ += static_cast<std::uint64_t>(n);
    setg(buf_, buf_, buf_ + n);
    tick();
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  using clock = std::chrono::steady_clock;
  void tick() {
    auto now = clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double mib = 1024.0 * 1024.0;
    double frac = total_ ? std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_)) : 1.0;
    constexpr int width = 30;
    int full = static_cast<int>(frac * width);
    std::string bar = "\rmitre-query: detect: [" + std::string(static_cast<std::size_t>(full), '#') +
                      std::string(static_cast<std::size_t>(width - full), '.') + "]";
    bar += fmt::format(" {:3.0f}% {:.1f}/{:.1f} MiB", frac * 100, static_cast<double>(done_) / mib,
                       static_cast<double>(total_) / mib);
    if (secs > 0.05) bar += fmt::format(" {:.1f} MiB/s", static_cast<double>(done_) / mib / secs);
    bar += "\033[K";
    write_stderr(bar);
    shown_ = true;
  }
  std::streambuf* src_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  clock::time_point start_, last_;
  bool shown_ = false;
  char buf_[1 << 16];
};

// A progress bar only for a regular file read while stderr is a terminal.
bool wants_progress(const std::string& events) {
  struct stat st {};
  return events != "-" && ::isatty(STDERR_FILENO) == 1 && ::stat(events.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

int run_detect(context& ctx) {
  if (ctx.fmt == format::csv) throw usage_error("detect --format must be text or json, not \"csv\"");
  std::vector<std::filesystem::path> files;
  for (const auto& f : ctx.flag_values("rules")) {
    // A folder: its files in name order, as Falco loads a rules directory.
    std::error_code ec;
    if (std::filesystem::is_directory(f, ec)) {
      std::vector<std::filesystem::path> in_dir;
      for (const auto& e : std::filesystem::directory_iterator(f, ec))
        if (e.is_regular_file(ec)) in_dir.push_back(e.path());
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.emplace_back(f);
    }
  }
  if (files.empty()) throw usage_error("detect needs --rules FILE");
  auto events = ctx.flag("events");
  if (!events) throw usage_error("detect needs --events FILE (or - for standard input)");

  mitrekg::engine_options eo;
  eo.sources = comma_values(ctx, "source");
  if (auto p = ctx.flag("min-priority")) {
    auto pr = mitrekg::parse_rule_priority(*p);
    if (!pr) throw usage_error(fmt::format("--min-priority must be a Falco priority (emergency … debug), not {}", json_quote(*p)));
    eo.min_priority = *pr;
  }
  eo.disabled_rules = ctx.flag_values("disable-rule");
  eo.enabled_tags = comma_values(ctx, "enable-tag");
  eo.disabled_tags = comma_values(ctx, "disable-tag");
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

  // The knowledge graph only when a rule carries an ATT&CK tag (most test rule files carry none).
  bool tagged = false;
  for (const auto& r : set.rules())
    for (const auto& t : r.tags)
      if (mitrekg::parse_tag(t, mitrekg::tag_dialect::falco)) tagged = true;
  const mitrekg::knowledge_graph* g = tagged ? &ctx.graph() : nullptr;
  mitrekg::detection_engine engine(set, g, eo);
  auto active = engine.active_sources();
  std::string source;
  if (eo.sources.size() == 1) source = eo.sources.front();
  else if (eo.sources.empty() && active.size() == 1) source = active.front();
  else
    throw usage_error(fmt::format("detect: the rules have {} sources; say which the events are with --source S",
                                  eo.sources.empty() ? active.size() : eo.sources.size()));

  mitrekg::detection_session session(engine);
  const bool json = ctx.fmt == format::json;
  std::unique_ptr<progress_buf> progress;
  // Alerts to the terminal the bar is drawn on: the bar is erased and the alert written at once.
  const bool stdout_tty = ::isatty(STDOUT_FILENO) == 1;
  auto on_alert = [&](const mitrekg::alert& a) {
    if (progress && stdout_tty) progress->erase();
    ctx.out.write_raw(json ? a.json() : a.text());
    ctx.out.write_raw("\n");
    if (progress && stdout_tty) ctx.out.flush();
  };
  std::ifstream file;
  std::istream* in = &std::cin;
  bool scap = events->ends_with(".scap");
  if (scap && source != "syscall") throw usage_error(fmt::format("{}: a capture holds syscall events, not {}", *events, source));
  if (*events != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(*events, ec)) throw usage_error(fmt::format("{}: is a directory", *events));
    if (!scap) file.open(*events, std::ios::binary);
    if (scap && !std::filesystem::is_regular_file(*events, ec))
      throw usage_error(fmt::format("{}: cannot be read", *events));
    if (!scap && !file) throw usage_error(fmt::format("{}: cannot be read", *events));
    in = &file;
  }
  std::istream counted(nullptr);
  if (!scap && wants_progress(*events)) {
    std::error_code ec;
    progress = std::make_unique<progress_buf>(file.rdbuf(), std::filesystem::file_size(*events, ec));
    counted.rdbuf(progress.get());
    in = &counted;
  }
  if (scap) run_scap(session, engine, *events, on_alert, threads);
  else session.run(*in, source, on_alert, threads);
  ctx.out.flush();
  if (progress) progress->erase();

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
