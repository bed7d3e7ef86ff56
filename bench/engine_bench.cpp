// engine_bench: the detection runtime with falco_rules.yaml over a generated syscall event mix: decoded events/s, JSON Lines end to end (1 and 2 threads), a bare simdjson pass as the floor, memory over many events.
//
//   engine_bench [--data DIR] [--events N] [--rounds R]
//
// The mix (one host's shape: a few event types dominate): openat 30%, read
// 18%, write 14%, close 14%, futex 8% (dropped by default, as in Falco),
// mmap 6%, connect 3%, execve 2%, others (fstat, socket, dup, setuid) 5%; 40
// process names, 200 file names (/etc, /proc, /usr/lib, /tmp, /home), each
// event with the fields the rules read (evt.type, evt.dir, proc.*, fd.*,
// user.*, container.id, evt.rawtime, …). N events (default 200,000) are
// generated once as JSON Lines; each figure is the best of 3 runs:
//   (a) floor: simdjson DOM parse of every line, nothing else;
//   (b) decoded: the first 1,000 events parsed once beforehand (cycled); each run decodes them from
//       the parsed documents into the engine's event state and evaluates the
//       rules reached through the event-type index (no JSON parse);
//   (c) end to end: detection_session::run over the JSON Lines (threads 1, 2);
//   (d) memory: the JSON Lines fed R times (default 50) through one session,
//       resident memory printed after each tenth of the rounds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <sys/resource.h>

#include "engine/engine_impl.hpp"
#include "mitrekg/data.hpp"
#include "mitrekg/engine.hpp"
#include "mitrekg/rules.hpp"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// CPU seconds of the whole process (every thread), user + system.
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

std::string generate(std::size_t n) {
  std::mt19937 rng(42);
  struct share {
    const char* type;
    int weight;
  };
  const share mix[] = {{"openat", 30}, {"read", 18}, {"write", 14}, {"close", 14}, {"futex", 8}, {"mmap", 6},
                       {"connect", 3}, {"execve", 2}, {"fstat", 2},  {"socket", 1}, {"dup", 1},  {"setuid", 1}};
  std::vector<const char*> wheel;
  for (const auto& m : mix)
    for (int i = 0; i < m.weight; ++i) wheel.push_back(m.type);
  const char* procs[] = {"nginx", "bash", "sh", "python3", "java", "node", "sshd", "systemd", "cron", "containerd",
                         "dockerd", "kubelet", "postgres", "redis-server", "cat", "ls", "grep", "awk", "sed", "curl",
                         "wget", "apt", "dpkg", "sudo", "su", "vim", "less", "tar", "gzip", "find", "ps", "top",
                         "ssh", "scp", "rsync", "git", "make", "gcc", "ld", "envoy"};
  const char* dirs[] = {"/etc/", "/proc/self/", "/usr/lib/x86_64-linux-gnu/", "/tmp/", "/home/user/", "/var/log/",
                        "/dev/", "/root/.ssh/", "/bin/", "/usr/bin/"};
  const char* files[] = {"passwd", "shadow", "hosts", "libc.so.6", "status", "app.log", "null", "authorized_keys",
                         "config", "data.json", "sudoers", "ld.so.cache", "resolv.conf", "nsswitch.conf", "id_rsa",
                         "cmdline", "maps", "random", "urandom", "tty"};
  std::string out;
  out.reserve(n * 420);
  std::int64_t t = 1700000000000000000;
  for (std::size_t i = 0; i < n; ++i) {
    const char* type = wheel[rng() % wheel.size()];
    const char* p = procs[rng() % 40];
    const char* pp = procs[rng() % 40];
    std::string fd = std::string(dirs[rng() % 10]) + files[rng() % 20];
    bool container = rng() % 4 == 0;
    t += 1000 + rng() % 5000;
    out += fmt::format(
        R"({{"evt.num":{},"evt.type":"{}","evt.dir":"<","evt.rawtime":{},"evt.rawres":{},"proc.name":"{}","proc.pname":"{}",)"
        R"("proc.cmdline":"{} -x {}","proc.exepath":"/usr/bin/{}","proc.aname[2]":"{}","proc.pid":{},"proc.tty":0,)"
        R"("fd.name":"{}","fd.num":3,"fd.typechar":"f","fd.directory":"{}","fd.filename":"{}","evt.is_open_read":{},"evt.is_open_write":{},)"
        R"("user.name":"{}","user.uid":{},"container.id":"{}","container.image.repository":"{}"}})"
        "\n",
        i + 1, type, t, rng() % 10 == 0 ? -2 : 3, p, pp, p, fd, p, procs[rng() % 40], 1000 + rng() % 30000, fd,
        fd.substr(0, fd.rfind('/')), fd.substr(fd.rfind('/') + 1), rng() % 2 ? "true" : "false",
        rng() % 5 == 0 ? "true" : "false", rng() % 3 ? "root" : "user", rng() % 3 ? 0 : 1000,
        container ? "3ad7b26ded6d" : "host", container ? "docker.io/library/nginx" : "");
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data = mitrekg::default_data_dir();
  std::size_t n = 200000;
  int rounds = 50;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--events" && i + 1 < argc) n = std::stoul(argv[++i]);
    else if (a == "--rounds" && i + 1 < argc) rounds = std::stoi(argv[++i]);
    else {
      fmt::print(stderr, "usage: engine_bench [--data DIR] [--events N] [--rounds R]\n");
      return 2;
    }
  }
  std::vector<fs::path> files{data / "falco" / "rules" / "falco_rules.yaml"};
  mitrekg::rule_set rules = mitrekg::rule_set::load(files);
  if (!rules.ok()) {
    fmt::print(stderr, "engine_bench: {} does not load\n", files[0].string());
    return 2;
  }
  mitrekg::engine_options opts;
  opts.sources = {"syscall"};
  mitrekg::detection_engine engine(rules, nullptr, opts);
  const std::string jsonl = generate(n);
  fmt::print("rules: {} active ({}), events: {} ({:.1f} MB of JSON Lines)\n", engine.active_rules().size(),
             files[0].filename().string(), n, jsonl.size() / 1e6);

  auto best = [](auto&& f) {
    double b = 1e9;
    for (int r = 0; r < 3; ++r) b = std::min(b, f());
    return b;
  };

  // (a) floor: a bare simdjson DOM pass.
  simdjson::dom::parser parser;
  std::size_t sink = 0;
  double floor_s = best([&] {
    auto t0 = clock_type::now();
    std::string_view rest = jsonl;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      auto doc = parser.parse(rest.data(), nl, true);
      sink += doc.error() ? 0 : 1;
      rest.remove_prefix(nl + 1);
    }
    return seconds_since(t0);
  });

  // (b) decoded: documents parsed beforehand, then decode + index + evaluate.
  const auto& im = engine.internals();
  const mitrekg::engine::source_plan* plan = im.plan("syscall");
  std::vector<simdjson::dom::document> docs;
  {
    std::size_t keep = std::min<std::size_t>(n, 1000);   // cycled: bounded memory, cache-resident as a live stream is
    docs.reserve(keep);
    std::string_view rest = jsonl;
    for (std::size_t i = 0; i < keep; ++i) {
      auto nl = rest.find('\n');
      simdjson::dom::document d;
      simdjson::padded_string ps(rest.substr(0, nl));
      simdjson::dom::parser p;
      if (p.parse_into_document(d, ps).error()) return 2;
      docs.push_back(std::move(d));
      rest.remove_prefix(nl + 1);
    }
  }
  // The event-type index and the first matching rule, as detection_session does: whether one matched.
  auto first_match = [&](mitrekg::engine::event_ctx& c) {
    const mitrekg::engine::fvalue* tv = nullptr;
    std::size_t tn = 0;
    if (!c.get(plan->evt_type_key, tv, tn) || im.dropped_types.contains(tv->s)) return false;
    auto it = plan->by_type.find(tv->s);
    const auto& cands = it == plan->by_type.end() ? plan->any_type : it->second;
    for (auto ci : cands)
      if (mitrekg::engine::matches(im.crules[ci], c)) return true;
    return false;
  };
  mitrekg::engine::event_ctx ctx;
  std::size_t hits = 0;
  double decoded_s = best([&] {
    auto t0 = clock_type::now();
    for (std::size_t i = 0; i < n; ++i) {
      ctx.reset(plan);
      ctx.root = docs[i % docs.size()].root();
      (void)mitrekg::engine::decode_syscall(ctx, ctx.root.get_object().value_unsafe());
      hits += first_match(ctx);
    }
    return seconds_since(t0);
  });

  // (b0) already decoded: the first 1,000 events decoded beforehand into their own
  // event states (cycled); each run is the event-type index and the rules only.
  std::vector<mitrekg::engine::event_ctx> decoded(docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    decoded[i].reset(plan);
    decoded[i].root = docs[i].root();
    (void)mitrekg::engine::decode_syscall(decoded[i], decoded[i].root.get_object().value_unsafe());
  }
  std::size_t hits0 = 0;
  double evaluated_s = best([&] {
    auto t0 = clock_type::now();
    for (std::size_t i = 0; i < n; ++i) hits0 += first_match(decoded[i % decoded.size()]);
    return seconds_since(t0);
  });

  // (c) end to end: wall (best of 3) and the CPU time of that best run (all threads).
  std::uint64_t alerts = 0;
  auto e2e = [&](unsigned threads, double& cpu) {
    double best_wall = 1e9;
    for (int r = 0; r < 3; ++r) {
      mitrekg::detection_session s(engine);
      std::istringstream in(jsonl);
      double c0 = cpu_seconds();
      auto t0 = clock_type::now();
      s.run(in, "syscall", [&](const mitrekg::alert&) { ++alerts; }, threads);
      double wall = seconds_since(t0);
      if (wall < best_wall) {
        best_wall = wall;
        cpu = cpu_seconds() - c0;
      }
    }
    return best_wall;
  };
  double cpu1 = 0, cpu2 = 0;
  double e2e1 = e2e(1, cpu1), e2e2 = e2e(2, cpu2);

  fmt::print("{:<44} {:>12} {:>14} {:>10}\n", "measure", "seconds", "events/s", "CPU s");
  fmt::print("{:<44} {:>12.3f} {:>14.0f}\n", "(a) floor: bare simdjson DOM pass", floor_s, n / floor_s);
  fmt::print("{:<44} {:>12.3f} {:>14.0f}\n", "(b0) already decoded: index+evaluate", evaluated_s, n / evaluated_s);
  fmt::print("{:<44} {:>12.3f} {:>14.0f}\n", "(b) parsed: decode+index+evaluate", decoded_s, n / decoded_s);
  fmt::print("{:<44} {:>12.3f} {:>14.0f} {:>10.3f}\n", "(c) end to end, JSON Lines, 1 thread", e2e1, n / e2e1, cpu1);
  fmt::print("{:<44} {:>12.3f} {:>14.0f} {:>10.3f}\n", "(c) end to end, JSON Lines, 2 threads", e2e2, n / e2e2, cpu2);
  fmt::print("load average at the end: {}\n", [] {
    std::ifstream in("/proc/loadavg");
    std::string l;
    std::getline(in, l);
    return l;
  }());
  fmt::print("alerts per pass: {}, rule hits in (b0): {}, in (b): {}\n", alerts / 6, hits0 / 3, hits / 3);

  // (d) memory over many events.
  mitrekg::detection_session s(engine);
  long start = rss_kb();
  fmt::print("memory: RSS {} kB before", start);
  for (int r = 1; r <= rounds; ++r) {
    std::istringstream in(jsonl);
    s.run(in, "syscall", nullptr);
    if (r % std::max(1, rounds / 10) == 0) fmt::print(", {} kB after {}M", rss_kb(), (r * n) / 1000000.0);
  }
  fmt::print("\n");
  return sink == 0 ? 1 : 0;
}
