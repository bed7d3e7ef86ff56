// attack_bench: load time, memory and lookup speed of the ATT&CK knowledge graph.
//
//   attack_bench [--file BUNDLE] [--reps N] [--lookups N] [--lists N] [--cli MITRE_QUERY]
//
// Measures, in one run, on the same file:
//   (a) a bare simdjson On-Demand pass over the memory-mapped file (MAP_POPULATE,
//       padding met by zero pages, no copy), reading every object's "type" and
//       "id": the floor for any reader of this file; (a0) the same pass after
//       padded_string::load, which copies the file (the floor used before);
//   (b) mitrekg::knowledge_graph::load of the file into a queryable graph;
//       both (a) and (b) include reading the file from disk (page cache warm);
//   (c) peak RSS of a fresh child process that only loads the graph;
//   (d) lookups by ATT&CK id over many different ids;
//   (e) a tactic's technique list (Defense Evasion).
// Prints a table with each target and PASS/FAIL; exits 1 when a target fails.
// See docs/benchmarks.md for figures and the command used.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "support/input_file.hpp"

#include "mitrekg/data.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/graph.hpp"
#include "mitrekg/query.hpp"

namespace {

namespace fs = std::filesystem;
namespace od = simdjson::ondemand;
using clock_type = std::chrono::steady_clock;

// Keeps results observable so the optimiser cannot drop the measured work.
volatile std::size_t sink = 0;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// One On-Demand pass reading "type" and "id" of every object of `json`.
std::size_t type_id_pass(simdjson::padded_string_view json) {
  od::parser parser;
  od::document doc = parser.iterate(json);
  std::size_t objects = 0, chars = 0;
  for (od::field top : doc.get_object()) {
    if (top.key() != "objects") continue;
    for (od::value v : top.value().get_array()) {
      std::string_view type, id;
      for (od::field f : v.get_object()) {
        std::string_view key = f.unescaped_key();
        if (key == "type") type = f.value().get_string();
        else if (key == "id") id = f.value().get_string();
      }
      chars += type.size() + id.size();
      ++objects;
    }
  }
  sink = sink + chars;
  return objects;
}

// (a) The floor: the file mapped (no copy), then the pass.
std::size_t bare_pass(const std::string& path) {
  auto m = mitrekg::map_input_file(path, "a STIX bundle file", std::size_t{1} << 40, simdjson::SIMDJSON_PADDING);
  return type_id_pass(simdjson::padded_string_view(m.data(), m.size(), m.capacity()));
}

// (a0) The earlier floor: padded_string::load copies the file into fresh memory first.
std::size_t copied_pass(const std::string& path) {
  auto loaded = simdjson::padded_string::load(path);
  if (loaded.error()) throw std::runtime_error(fmt::format("{}: {}", path, simdjson::error_message(loaded.error())));
  simdjson::padded_string buf = std::move(loaded).value_unsafe();
  return type_id_pass(buf);
}

// (f) Runs `argv` as a child (stdout to /dev/null) and returns its CPU time
// (user + sys) and wall time, in seconds.
struct child_time {
  double cpu = 0;
  double wall = 0;
};
child_time time_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::fflush(stdout);
  auto t0 = clock_type::now();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("{} failed (status {})", args[0], status));
  child_time t;
  t.wall = seconds_since(t0);
  auto sec = [](const timeval& v) { return static_cast<double>(v.tv_sec) + static_cast<double>(v.tv_usec) * 1e-6; };
  t.cpu = sec(ru.ru_utime) + sec(ru.ru_stime);
  return t;
}

mitrekg::knowledge_graph load_graph(const std::string& path) {
  mitrekg::load_options opts;
  opts.attack_files.push_back(path);
  return mitrekg::knowledge_graph::load(opts);
}

// Peak RSS (kB) of this process, from /proc/self/status VmHWM.
long vm_hwm_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

// Runs this program again with `flag file` in a fresh process. Returns the
// child's VmHWM (kB), which it writes to its stdout (a pipe), and its ru_maxrss
// from wait4 (kB; on Linux this also counts the forked copy of this process
// before exec, so it is an upper bound).
struct child_rss {
  long vm_hwm_kb = -1;
  long maxrss_kb = -1;
};
child_rss run_child(const char* self, const char* flag, const std::string& path) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);
    execl(self, self, flag, path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[256];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("child {} {} failed (status {})", flag, path, status));
  child_rss r;
  r.vm_hwm_kb = std::strtol(out.c_str(), nullptr, 10);
  r.maxrss_kb = ru.ru_maxrss;
  return r;
}

struct row {
  std::string what;
  std::string value;
  std::string target;
  bool pass;
};

std::string micros(double s) { return fmt::format("{:.3f} µs", s * 1e6); }

}  // namespace

int main(int argc, char** argv) {
  // Child modes for the memory measurement: do one thing, report nothing, exit.
  if (argc == 3 && std::strcmp(argv[1], "--rss-load") == 0) {
    auto g = load_graph(argv[2]);
    sink = sink + g.size();
    std::printf("%ld\n", vm_hwm_kb());
    return 0;
  }
  if (argc == 3 && std::strcmp(argv[1], "--floor") == 0) {
    sink = sink + bare_pass(argv[2]);
    return 0;
  }
  if (argc == 3 && std::strcmp(argv[1], "--rss-baseline") == 0) {
    std::printf("%ld\n", vm_hwm_kb());
    return 0;
  }

  std::string path;
  int reps = 7;
  long lookups = 1'000'000;
  long lists = 20'000;
  std::string cli;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) { std::fprintf(stderr, "attack_bench: %s needs a value\n", argv[i]); std::exit(2); }
      return argv[++i];
    };
    if (a == "--file") path = next();
    else if (a == "--reps") reps = std::max(1, std::atoi(next()));
    else if (a == "--lookups") lookups = std::max(1L, std::atol(next()));
    else if (a == "--lists") lists = std::max(1L, std::atol(next()));
    else if (a == "--cli") cli = next();
    else if (a == "-h" || a == "--help") {
      std::puts("usage: attack_bench [--file BUNDLE] [--reps N] [--lookups N] [--lists N] [--cli MITRE_QUERY]\n"
                "default BUNDLE: <data>/attack/enterprise-attack-18.1.json (MITREKG_DATA or the build default)");
      return 0;
    } else {
      std::fprintf(stderr, "attack_bench: unknown argument %s (try --help)\n", argv[i]);
      return 2;
    }
  }
  if (path.empty()) path = (mitrekg::default_data_dir() / "attack" / "enterprise-attack-18.1.json").string();

  try {
    std::uintmax_t file_bytes = fs::file_size(path);
    fmt::print("attack_bench: {} ({} bytes), {} repetitions, median\n", path, file_bytes, reps);

    // (a) and (b), interleaved so both see the same machine state; one warm-up each.
    std::size_t objects = bare_pass(path);
    sink = sink + load_graph(path).size();
    sink = sink + copied_pass(path);
    std::vector<double> ta, ta0, tb;
    for (int r = 0; r < reps; ++r) {
      auto t0 = clock_type::now();
      sink = sink + bare_pass(path);
      ta.push_back(seconds_since(t0));
      t0 = clock_type::now();
      sink = sink + copied_pass(path);
      ta0.push_back(seconds_since(t0));
      t0 = clock_type::now();
      auto g = load_graph(path);
      tb.push_back(seconds_since(t0));  // the graph's destruction is not timed
      sink = sink + g.size();
    }
    double a = median(ta), a0 = median(ta0), b = median(tb), ratio = b / a;

    // (c) peak RSS of a fresh process that loads the graph, and of one that does nothing.
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) throw std::runtime_error("cannot read /proc/self/exe");
    self[len] = '\0';
    child_rss rss_base = run_child(self, "--rss-baseline", path);
    child_rss rss_load = run_child(self, "--rss-load", path);
    double rss_bytes = static_cast<double>(rss_load.vm_hwm_kb) * 1024;
    double rss_ratio = rss_bytes / static_cast<double>(file_bytes);

    // The graph used for (d) and (e).
    auto g = load_graph(path);
    std::vector<std::string> ids;
    for (mitrekg::node n : g.all(mitrekg::object_type::technique)) ids.emplace_back(g[n].id);
    if (ids.empty()) throw std::runtime_error("no techniques in the bundle");
    // Mixed case half of the time: lookups are case-insensitive.
    std::vector<std::string> mixed = ids;
    for (std::size_t i = 0; i < mixed.size(); i += 2)
      for (char& c : mixed[i]) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto check = g.find(mitrekg::object_type::technique, "T1562.001");
    if (!check) throw std::runtime_error("T1562.001 not found");

    auto time_per_call = [&](long calls, auto&& fn) {
      std::vector<double> t;
      for (int r = 0; r < std::max(3, reps / 2); ++r) {
        auto t0 = clock_type::now();
        for (long i = 0; i < calls; ++i) fn(i);
        t.push_back(seconds_since(t0) / static_cast<double>(calls));
      }
      return median(t);
    };
    double t_find = time_per_call(lookups, [&](long i) {
      auto n = g.find(mitrekg::object_type::technique, mixed[static_cast<std::size_t>(i) % mixed.size()]);
      sink = sink + (n ? static_cast<std::uint32_t>(*n) : 0);
    });
    double t_find_id = time_per_call(lookups, [&](long i) {
      auto v = g.find_id(mixed[static_cast<std::size_t>(i) % mixed.size()]);
      sink = sink + v.size();
    });
    double t_find_one = time_per_call(lookups, [&](long) {
      auto n = g.find(mitrekg::object_type::technique, "T1562.001");
      sink = sink + (n ? static_cast<std::uint32_t>(*n) : 0);
    });

    // (e) Defense Evasion's techniques.
    auto ta0005 = g.find(mitrekg::object_type::tactic, "TA0005");
    if (!ta0005) throw std::runtime_error("TA0005 not found");
    mitrekg::technique_filter filter;
    filter.tactics = {*ta0005};
    std::size_t listed = mitrekg::techniques(g, filter).size();
    std::size_t sourced = g.sources(*ta0005, mitrekg::relation::in_tactic).size();
    double t_techniques = time_per_call(lists, [&](long) { sink = sink + mitrekg::techniques(g, filter).size(); });
    double t_sources = time_per_call(lists, [&](long) {
      sink = sink + g.sources(*ta0005, mitrekg::relation::in_tactic).size();
    });

    std::vector<row> rows{
        {"(a) bare simdjson On-Demand pass, mapped file", fmt::format("{:.1f} ms", a * 1e3), "-", true},
        {"(a0) the same pass after padded_string::load (copy)", fmt::format("{:.1f} ms", a0 * 1e3), "-", true},
        {"(b) knowledge_graph::load", fmt::format("{:.1f} ms", b * 1e3), "-", true},
        {"    ratio b/a", fmt::format("{:.2f}x", ratio), "<= 2.0x", ratio <= 2.0},
        {"    ratio b/a0 (the earlier floor)", fmt::format("{:.2f}x", b / a0), "-", true},
        {"(c) peak RSS (VmHWM), child loading the graph",
         fmt::format("{:.1f} MB = {:.2f}x file", rss_bytes / 1e6, rss_ratio), "<= 2x file", rss_ratio <= 2.0},
        {"    same child, wait4 ru_maxrss (upper bound)", fmt::format("{:.1f} MB", rss_load.maxrss_kb * 1024 / 1e6),
         "-", true},
        {"    peak RSS (VmHWM), empty child (process floor)",
         fmt::format("{:.1f} MB", rss_base.vm_hwm_kb * 1024 / 1e6), "-", true},
        {"(d) find(technique, id), varying ids", micros(t_find), "< 1 µs", t_find < 1e-6},
        {"    find_id(id), varying ids", micros(t_find_id), "< 1 µs", t_find_id < 1e-6},
        {"    find(technique, \"T1562.001\")", micros(t_find_one), "< 1 µs", t_find_one < 1e-6},
        {fmt::format("(e) techniques(tactics={{TA0005}}) -> {}", listed), micros(t_techniques), "< 10 µs",
         t_techniques < 10e-6},
        {fmt::format("    sources(TA0005, in_tactic) -> {}", sourced), micros(t_sources), "< 10 µs",
         t_sources < 10e-6},
    };
    if (!cli.empty()) {
      // (f) Whole processes, interleaved pairs after one warm-up of each.
      std::vector<std::string> floor_args{self, "--floor", path};
      std::vector<std::string> cli_args{cli, "--attack", path, "--no-cache", "stats"};
      time_child(floor_args);
      time_child(cli_args);
      std::vector<double> fc, fw, cc, cw;
      for (int r = 0; r < reps; ++r) {
        child_time f = time_child(floor_args), c = time_child(cli_args);
        fc.push_back(f.cpu);
        fw.push_back(f.wall);
        cc.push_back(c.cpu);
        cw.push_back(c.wall);
      }
      double cpu_ratio = median(cc) / median(fc);
      rows.push_back({"(f) process: attack_bench --floor (mapped pass), CPU",
                      fmt::format("{:.1f} ms", median(fc) * 1e3), "-", true});
      rows.push_back({"    same, wall", fmt::format("{:.1f} ms", median(fw) * 1e3), "-", true});
      rows.push_back({"    process: mitre-query --no-cache stats, CPU", fmt::format("{:.1f} ms", median(cc) * 1e3), "-",
                      true});
      rows.push_back({"    same, wall", fmt::format("{:.1f} ms", median(cw) * 1e3), "-", true});
      rows.push_back({"    ratio CPU stats/floor", fmt::format("{:.2f}x", cpu_ratio), "<= 2.0x", cpu_ratio <= 2.0});
    }
    fmt::print("{} objects, {} graph nodes, {} technique ids cycled, {} lookups, {} list calls per repetition\n\n",
               objects, g.size(), ids.size(), lookups, lists);
    fmt::print("{:<52} {:>22} {:>12}  {}\n", "measure", "value", "target", "verdict");
    fmt::print("{}\n", std::string(96, '-'));
    bool all = true;
    for (const row& r : rows) {
      bool judged = r.target != "-";
      all &= r.pass;
      fmt::print("{:<52} {:>22} {:>12}  {}\n", r.what, r.value, r.target, judged ? (r.pass ? "PASS" : "FAIL") : "");
    }
    fmt::print("\n{}\n", all ? "all targets met" : "some targets missed");
    return all ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "attack_bench: %s\n", e.what());
    return 2;
  }
}
