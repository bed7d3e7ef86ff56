// rules_bench: loading and compiling Falco's three syscall rule files, beside a bare yaml-cpp parse of the same files; and the hostile sizes.
//
//   rules_bench [--data DIR] [--reps N] [--big]
//
// Measures, in one run, median of N (default 21) repetitions each, files read
// into memory first (no disk time in either figure):
//   (a) yaml-cpp YAML::LoadAll of falco_rules.yaml + falco-incubating_rules.yaml
//       + falco-sandbox_rules.yaml (the floor: the parse alone);
//   (b) rule_set::load of the same three texts (parse, items, merge, condition
//       parse, bind, event types, output checks, unused-item warnings).
// Target: (b) under 50 ms. With --big also (once each): a generated 100 MB
// rules file (many rules) and a list of a million items, loaded through
// rule_set::load with the file-size limit lifted; their times and peak memory
// are reported.
// Prints a table with PASS/FAIL for the target; exits 1 when it fails.
// See docs/benchmarks.md for figures and the command used.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <time.h>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "mitrekg/data.hpp"
#include "mitrekg/rules.hpp"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

// CPU time of this thread: what the load costs, apart from waiting for a core
// on a busy machine.
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

// A rules file of about `bytes`: one list, one macro, then rules using them.
std::string big_rules(std::size_t bytes) {
  std::string s = "- list: bins\n  items: [cat, ls, sh]\n- macro: opened\n  condition: evt.type in (open, openat)\n";
  for (std::size_t i = 0; s.size() < bytes; ++i)
    s += fmt::format("- rule: rule number {}\n  desc: generated rule {}\n  condition: opened and proc.name in (bins) "
                     "and fd.name startswith /tmp/{}\n  output: \"%proc.name opened %fd.name ({})\"\n"
                     "  priority: INFO\n  tags: [generated, T1059]\n",
                     i, i, i, i);
  return s;
}

std::string million_list() {
  std::string s = "- list: many\n  items: [";
  for (int i = 0; i < 1000000; ++i) s += fmt::format("{}item{}", i ? ", " : "", i);
  s += "]\n- rule: r\n  desc: d\n  condition: evt.type = open and proc.name in (many)\n  output: o\n  priority: INFO\n";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data = mitrekg::default_data_dir();
  int reps = 21;
  bool big = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--big") big = true;
    else {
      fmt::print(stderr, "usage: rules_bench [--data DIR] [--reps N] [--big]\n");
      return 2;
    }
  }
  const fs::path dir = data / "falco" / "rules";
  std::vector<mitrekg::rule_text> texts;
  for (const char* name : {"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"})
    texts.push_back({(dir / name).string(), read_file(dir / name)});
  std::size_t bytes = 0;
  for (const auto& t : texts) bytes += t.content.size();

  std::vector<double> parse, load, parse_cpu, load_cpu;
  mitrekg::rule_counts counts;
  for (int r = 0; r < reps; ++r) {
    auto start = clock_type::now();
    double cpu = cpu_ms();
    std::size_t docs = 0;
    for (const auto& t : texts) docs += YAML::LoadAll(t.content).size();
    parse.push_back(ms_since(start));
    parse_cpu.push_back(cpu_ms() - cpu);
    start = clock_type::now();
    cpu = cpu_ms();
    const mitrekg::rule_set s = mitrekg::rule_set::load(texts);
    load.push_back(ms_since(start));
    load_cpu.push_back(cpu_ms() - cpu);
    counts = s.counts();
    if (!docs || !s.ok()) {
      fmt::print(stderr, "rules_bench: the rule files did not load cleanly ({} errors)\n", counts.errors);
      return 1;
    }
  }
  const double load_ms = median(load), parse_ms = median(parse);
  fmt::print("rules_bench: {} files, {:.0f} KB; {} lists, {} macros, {} rules ({} enabled); median of {}\n",
             texts.size(), bytes / 1024.0, counts.lists, counts.macros, counts.rules, counts.enabled, reps);
  double load_avg[1] = {0};
  getloadavg(load_avg, 1);
  fmt::print("load average {:.1f} on {} cores\n", load_avg[0], std::thread::hardware_concurrency());
  fmt::print("{:<36} {:>10} {:>10} {:>10} {:>8}\n", "measure", "wall ms", "cpu ms", "target", "result");
  fmt::print("{:<36} {:>10.2f} {:>10.2f} {:>10} {:>8}\n", "yaml-cpp LoadAll (parse only)", parse_ms,
             median(parse_cpu), "-", "");
  fmt::print("{:<36} {:>10.2f} {:>10.2f} {:>10} {:>8}\n", "rule_set::load (parse+compile)", load_ms,
             median(load_cpu), "50 wall", load_ms < 50 ? "PASS" : "FAIL");
  fmt::print("{:<36} {:>10.2f}x {:>9.2f}x\n", "load / parse", load_ms / parse_ms, median(load_cpu) / median(parse_cpu));
  if (big) {
    for (auto [name, text] : {std::pair{"100 MB rules file", big_rules(100u << 20)},
                              std::pair{"list of 1,000,000 items", million_list()}}) {
      std::vector<mitrekg::rule_text> one{{"big.yaml", std::move(text)}};
      mitrekg::rule_load_options unlimited;
      unlimited.max_file_bytes = std::size_t{1} << 30;
      auto start = clock_type::now();
      const mitrekg::rule_set s = mitrekg::rule_set::load(one, unlimited);
      fmt::print("{:<46} {:>10.0f}  ({} rules, {} errors, peak RSS {} MB)\n", name, ms_since(start), s.counts().rules,
                 s.counts().errors, peak_rss_mb());
    }
  }
  return load_ms < 50 ? 0 : 1;
}
