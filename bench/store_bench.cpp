// store_bench: the SQLite snapshot's build time and a warm-cache `mitre-query show` end to end.
//
//   store_bench MITRE_QUERY [--data DIR] [--reps N]
//
// Measures, in one run:
//   (a) save_snapshot of enterprise 18.1 + D3FEND 0.17.0 (load excluded and reported apart);
//   (b) `mitre-query show T1562.001` as a child process, process start included:
//       with a warm cache (XDG_CACHE_HOME set to a scratch folder, filled first),
//       and with --no-cache (parsing the sources), both on the default data
//       (all three ATT&CK domains + D3FEND); median of N runs each;
//   (c) open_snapshot alone, in process.
// Prints a table with each target and PASS/FAIL; exits 1 when a target fails.
// See docs/benchmarks.md for figures and the command used.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "mitrekg/data.hpp"
#include "mitrekg/graph.hpp"
#include "mitrekg/store.hpp"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Runs the command with stdout/stderr to /dev/null; returns wall milliseconds.
double run_child(const std::vector<std::string>& args, const std::string& cache_home) {
  auto start = clock_type::now();
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    setenv("XDG_CACHE_HOME", cache_home.c_str(), 1);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  double ms = ms_since(start);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fmt::print(stderr, "store_bench: {} failed\n", args[0]);
    std::exit(2);
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: store_bench MITRE_QUERY [--data DIR] [--reps N]\n");
    return 2;
  }
  std::string exe = fs::absolute(argv[1]).string();
  fs::path data = mitrekg::default_data_dir();
  int reps = 15;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--data") data = argv[i + 1];
    else if (a == "--reps") reps = std::atoi(argv[i + 1]);
  }
  fs::path scratch = fs::temp_directory_path() / fmt::format("mitrekg-store-bench-{}", getpid());
  fs::create_directories(scratch);

  // (a) build the snapshot of enterprise 18.1 + D3FEND.
  mitrekg::load_options o;
  o.attack_files = {data / "attack" / "enterprise-attack-18.1.json"};
  o.d3fend_file = data / "d3fend" / "d3fend-0.17.0.json";
  std::vector<double> load_ms, save_ms, open_ms;
  for (int r = 0; r < 5; ++r) {
    auto t0 = clock_type::now();
    auto g = mitrekg::knowledge_graph::load(o);
    load_ms.push_back(ms_since(t0));
    auto t1 = clock_type::now();
    mitrekg::save_snapshot(g, scratch / "enterprise.sqlite");
    save_ms.push_back(ms_since(t1));
    auto t2 = clock_type::now();
    auto h = mitrekg::open_snapshot(scratch / "enterprise.sqlite");
    open_ms.push_back(ms_since(t2));
  }

  // (b) end to end on the default data (what `mitre-query show` loads).
  std::string cache = (scratch / "cache").string();
  std::vector<std::string> warm_cmd = {exe, "--data", data.string(), "show", "T1562.001"};
  std::vector<std::string> cold_cmd = {exe, "--data", data.string(), "--no-cache", "show", "T1562.001"};
  run_child(warm_cmd, cache);  // fills the cache
  std::vector<double> warm, parse;
  for (int r = 0; r < reps; ++r) {
    warm.push_back(run_child(warm_cmd, cache));
    parse.push_back(run_child(cold_cmd, cache));
  }
  fs::remove_all(scratch);

  double build = median(save_ms), w = median(warm), p = median(parse);
  bool ok_build = build < 3000, ok_warm = w < 20, ok_ratio = p / w >= 5;
  fmt::print("| measure | value | target | verdict |\n| --- | --- | --- | --- |\n");
  fmt::print("| load enterprise 18.1 + D3FEND from JSON (for reference) | {:.1f} ms | – | |\n", median(load_ms));
  fmt::print("| (a) build the snapshot (save_snapshot, incl. SHA-256 of sources) | {:.1f} ms | < 3 s | {} |\n", build,
             ok_build ? "PASS" : "FAIL");
  fmt::print("| (c) open_snapshot of it, in process | {:.1f} ms | – | |\n", median(open_ms));
  fmt::print("| (b) `mitre-query show T1562.001`, warm cache, process start included | {:.1f} ms | < 20 ms | {} |\n", w,
             ok_warm ? "PASS" : "FAIL");
  fmt::print("| same with --no-cache (parses all sources) | {:.1f} ms | – | |\n", p);
  fmt::print("| speed-up warm cache vs parsing | {:.1f}× | ≥ 5× | {} |\n", p / w, ok_ratio ? "PASS" : "FAIL");
  fmt::print("(medians: {} runs of each command, 5 builds; min warm {:.1f} ms)\n", reps,
             *std::min_element(warm.begin(), warm.end()));
  return ok_build && ok_warm && ok_ratio ? 0 : 1;
}
