// engine_bench: the detection runtime with falco_rules.yaml over a generated syscall event mix: decoded events/s, JSON Lines end to end (1 and 2 threads, beside the two-core ceiling of two share-nothing sessions), a bare simdjson pass as the floor, memory over many events.
//
//   engine_bench [--data DIR] [--events N] [--rounds R] [--repeat K] [--threads-only] [--profile T] [--write FILE]
//   (--write FILE: only write the generated JSON Lines to FILE, a new file, and exit)
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
//   (e) the machine's ceiling for two threads, in the same run: two threads,
//       each with its own engine, its own copy of the JSON Lines and a
//       1-thread session, started together; their summed rate (and 2N over
//       the later finish) against one such thread alone. (c)'s 2-thread gain
//       is printed as a share of that ceiling. --repeat K repeats (c) and (e)
//       K times, interleaved (1 thread, 2 threads, the pair), each row printed;
//       --threads-only skips (a), (b0), (b) and (d).
//   (d) memory: the JSON Lines fed R times (default 50) through one session,
//       resident memory printed after each tenth of the rounds.
#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <sys/resource.h>
#include <time.h>

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

// CPU seconds of the calling thread.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// A stream over text already in memory, without copying it (std::istringstream copies its string).
struct view_buf : std::streambuf {
  explicit view_buf(std::string_view s) {
    char* p = const_cast<char*>(s.data());   // only read through the get area
    setg(p, p, p + s.size());
  }
};

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
  int repeat = 1;
  bool threads_only = false;
  unsigned profile_threads = 0;   // --profile T: only (c) on T threads, ten times (for perf record)
  std::string write_to;           // --write FILE: the generated JSON Lines, for timing `mitre-query detect`
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--events" && i + 1 < argc) n = std::stoul(argv[++i]);
    else if (a == "--rounds" && i + 1 < argc) rounds = std::stoi(argv[++i]);
    else if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::stoi(argv[++i]));
    else if (a == "--threads-only") threads_only = true;
    else if (a == "--write" && i + 1 < argc) write_to = argv[++i];
    else if (a == "--profile" && i + 1 < argc) profile_threads = static_cast<unsigned>(std::stoul(argv[++i]));
    else {
      fmt::print(stderr, "usage: engine_bench [--data DIR] [--events N] [--rounds R] [--repeat K] [--threads-only] [--profile T] [--write FILE]\n");
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
  if (!write_to.empty()) {
    std::FILE* f = std::fopen(write_to.c_str(), "wx");   // never replaces a file
    if (!f || std::fwrite(jsonl.data(), 1, jsonl.size(), f) != jsonl.size() || std::fclose(f) != 0) {
      fmt::print(stderr, "engine_bench: cannot write {} (it must not exist)\n", write_to);
      return 2;
    }
    return 0;
  }
  fmt::print("rules: {} active ({}), events: {} ({:.1f} MB of JSON Lines)\n", engine.active_rules().size(),
             files[0].filename().string(), n, jsonl.size() / 1e6);

  auto best = [](auto&& f) {
    double b = 1e9;
    for (int r = 0; r < 3; ++r) b = std::min(b, f());
    return b;
  };

  const auto load_average = [] {
    std::ifstream in("/proc/loadavg");
    std::string l;
    std::getline(in, l);
    return l;
  };
  // (c) end to end: wall (best of 3) and the CPU time of that best run (all threads).
  std::uint64_t alerts = 0;
  auto e2e = [&](unsigned threads, double& cpu) {
    double best_wall = 1e9;
    for (int r = 0; r < 3; ++r) {
      mitrekg::detection_session s(engine);
      view_buf vb(jsonl);
      std::istream in(&vb);
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
  // (e) the ceiling: two share-nothing 1-thread evaluations at once (own engine, own input each).
  mitrekg::detection_engine engine_b(rules, nullptr, opts);
  const std::string jsonl_b = jsonl;   // a copy: nothing shared but the rule set's read-only tables
  struct pair_run {
    double wall[2] = {0, 0}, cpu[2] = {0, 0};
  };
  auto pair = [&] {
    pair_run best_run;
    double best_sum = 0;
    for (int r = 0; r < 3; ++r) {
      pair_run run;
      std::barrier start(2);
      auto one = [&](int k) {
        const mitrekg::detection_engine& e = k == 0 ? engine : engine_b;
        const std::string& text = k == 0 ? jsonl : jsonl_b;
        mitrekg::detection_session s(e);
        view_buf vb(text);
        std::istream in(&vb);
        std::uint64_t mine = 0;
        start.arrive_and_wait();
        double c0 = thread_cpu_seconds();
        auto t0 = clock_type::now();
        s.run(in, "syscall", [&](const mitrekg::alert&) { ++mine; }, 1);
        run.wall[k] = seconds_since(t0);
        run.cpu[k] = thread_cpu_seconds() - c0;
        if (mine == 0) run.wall[k] = 1e9;   // nothing alerted: not a valid run
      };
      std::thread other(one, 1);
      one(0);
      other.join();
      double sum = n / run.wall[0] + n / run.wall[1];
      if (sum > best_sum) {
        best_sum = sum;
        best_run = run;
      }
    }
    return best_run;
  };

  if (profile_threads > 0) {
    double cpu = 0, wall = 0;
    for (int r = 0; r < 10; ++r) wall += e2e(profile_threads, cpu);
    fmt::print("{} threads: {:.0f} events/s on average (best of 3, ten times)\n", profile_threads, 10.0 * n / wall);
    return 0;
  }
  if (!threads_only) {
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
    if (sink == 0) return 1;

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
    fmt::print("{:<44} {:>12} {:>14}\n", "measure", "seconds", "events/s");
    fmt::print("{:<44} {:>12.3f} {:>14.0f}\n", "(a) floor: bare simdjson DOM pass", floor_s, n / floor_s);
    fmt::print("{:<44} {:>12.3f} {:>14.0f}\n", "(b0) already decoded: index+evaluate", evaluated_s, n / evaluated_s);
    fmt::print("{:<44} {:>12.3f} {:>14.0f}\n", "(b) parsed: decode+index+evaluate", decoded_s, n / decoded_s);
    fmt::print("rule hits in (b0): {}, in (b): {}\n", hits0 / 3, hits / 3);
  }

  // (c) and (e), interleaved, --repeat times.
  fmt::print("{:<4} {:>10} {:>10} {:>6} {:>10} {:>6} {:>7} {:>8} {:>23} {:>5} {:>5}  {}\n", "run", "1 thr ev/s",
             "2 thr ev/s", "gain", "pair ev/s", "ceil", "g/ceil", "(makesp)", "CPU s 1 / 2 / pair", "busy2", "busyP",
             "load average");
  for (int k = 1; k <= repeat; ++k) {
    double cpu1 = 0, cpu2 = 0;
    double e2e1 = e2e(1, cpu1), e2e2 = e2e(2, cpu2);
    pair_run p = pair();
    double one_rate = n / e2e1, two_rate = n / e2e2;
    double pair_rate = n / p.wall[0] + n / p.wall[1];
    double pair_makespan = 2.0 * n / std::max(p.wall[0], p.wall[1]);
    double gain = two_rate / one_rate, ceil = pair_rate / one_rate, ceil_m = pair_makespan / one_rate;
    // busy: CPU time over twice the wall time, how much of two cores the run kept busy.
    double busy2 = cpu2 / (2 * e2e2), busy_pair = (p.cpu[0] + p.cpu[1]) / (2 * std::max(p.wall[0], p.wall[1]));
    fmt::print("{:<4} {:>10.0f} {:>10.0f} {:>5.2f}x {:>10.0f} {:>5.2f}x {:>6.0f}% {:>7.0f}% {:>5.3f} / {:>5.3f} / {:>5.3f}+{:>5.3f} "
               "{:>4.0f}% {:>4.0f}%  {}\n",
               k, one_rate, two_rate, gain, pair_rate, ceil, 100 * gain / ceil, 100 * gain / ceil_m, cpu1, cpu2,
               p.cpu[0], p.cpu[1], 100 * busy2, 100 * busy_pair, load_average());
  }
  fmt::print("(gain: 2 threads over 1; ceil: the pair's summed rate over 1 thread; g/ceil: gain as a share of it;\n"
             " (makesp): the same with the pair's rate taken as 2N over its later finish; busy2, busyP: CPU time of\n"
             " the 2-thread run and of the pair over twice their wall time)\n");
  fmt::print("alerts per pass: {}\n", alerts / (6 * static_cast<std::uint64_t>(repeat)));
  if (threads_only) return 0;

  // (d) memory over many events.
  mitrekg::detection_session s(engine);
  long start = rss_kb();
  fmt::print("memory: RSS {} kB before", start);
  for (int r = 1; r <= rounds; ++r) {
    view_buf vb(jsonl);
    std::istream in(&vb);
    s.run(in, "syscall", nullptr);
    if (r % std::max(1, rounds / 10) == 0) fmt::print(", {} kB after {}M", rss_kb(), (r * n) / 1000000.0);
  }
  fmt::print("\n");
  return 0;
}
