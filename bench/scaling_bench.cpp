// scaling_bench: does loading grow linearly with the input? Hostile shapes at several sizes.
//
//   scaling_bench [--reps N] [--quick]
//
// Generates each input in a temporary folder (nothing is read from the data
// folder), times mitrekg::knowledge_graph::load on it (best of --reps, default 3)
// and checks that the time grows near-linearly with the size:
//   chain  a subtechnique-of chain of 6,250 … 50,000 links, listed root first (each
//          link extends the bottom: the shape that was quadratic, issue #8 item 7)
//   tiny   250,000 … 2,000,000 tiny attack-patterns (one short object each)
// Near-linear: from the smallest to the largest size (8×), the time may grow at
// most 8 × 1.6 (the log-log slope ≤ 1.23: n log n passes, n^1.5 does not).
// --quick runs the two smallest sizes of each (a smoke run, no verdict).
// Prints a table; exits 1 when a shape grows faster. See docs/benchmarks.md.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <time.h>
#include <unistd.h>

#include <fmt/format.h>

#include "mitrekg/error.hpp"
#include "mitrekg/graph.hpp"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

// Root first: T0 <- TX1 <- … <- TXn (the same shape as tests/hostile/gen.py chain).
std::string chain_bundle(std::size_t n) {
  std::string out = R"({"type": "bundle", "id": "bundle--chain", "objects": [)";
  auto technique = [&](std::size_t i, bool sub) {
    out += fmt::format(R"({{"type": "attack-pattern", "id": "attack-pattern--{:08d}", "name": "Technique {}", )"
                       R"("x_mitre_is_subtechnique": {}, "external_references": [{{"source_name": "mitre-attack", )"
                       R"("external_id": "{}{}"}}]}},)"
                       "\n",
                       i, i, sub ? "true" : "false", sub ? "TX" : "T", i);
  };
  technique(0, false);
  for (std::size_t i = 1; i <= n; ++i) technique(i, true);
  for (std::size_t i = 1; i <= n; ++i)
    out += fmt::format(R"({{"type": "relationship", "id": "relationship--{:08d}", "relationship_type": "subtechnique-of", )"
                       R"("source_ref": "attack-pattern--{:08d}", "target_ref": "attack-pattern--{:08d}"}}{})"
                       "\n",
                       i, i, i - 1, i == n ? "" : ",");
  out += "]}\n";
  return out;
}

std::string tiny_bundle(std::size_t n) {
  std::string out = R"({"type":"bundle","id":"bundle--tiny","objects":[)";
  out.reserve(n * 72);
  for (std::size_t i = 0; i < n; ++i)
    out += fmt::format(R"({}{{"type":"attack-pattern","id":"attack-pattern--{:08d}","name":"t{}"}})", i ? "," : "", i, i);
  out += "]}\n";
  return out;
}

struct shape {
  const char* name;
  const char* unit;
  std::vector<std::size_t> sizes;
  std::string (*generate)(std::size_t);
};

struct point {
  std::size_t size;
  std::size_t bytes;
  double seconds;   // CPU
  double wall;
};

// CPU time of this process: on a shared machine, wall time mostly measures the
// neighbours (and page faults in a busy VM); loading ATT&CK runs on one thread.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Best of `reps` loads: CPU seconds and the wall seconds of the same run.
std::pair<double, double> best_load(const fs::path& file, int reps) {
  std::pair<double, double> best{1e30, 0};
  for (int r = 0; r < reps; ++r) {
    mitrekg::load_options o;
    o.attack_files = {file};
    const auto wall = clock_type::now();
    const double cpu = cpu_seconds();
    auto g = mitrekg::knowledge_graph::load(o);
    const double c = cpu_seconds() - cpu;
    if (c < best.first) best = {c, std::chrono::duration<double>(clock_type::now() - wall).count()};
    if (g.size() == 0) std::fputs("empty graph\n", stderr);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 3;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--quick")) quick = true;
    else {
      std::fprintf(stderr, "usage: scaling_bench [--reps N] [--quick]\n");
      return 2;
    }
  }
  const double max_growth = 1.6;   // time ratio / size ratio, smallest to largest
  std::vector<shape> shapes = {
      {"chain", "links", {6250, 12500, 25000, 50000}, chain_bundle},
      {"tiny", "objects", {250000, 500000, 1000000, 2000000}, tiny_bundle},
  };
  const fs::path dir = fs::temp_directory_path() / fmt::format("mitrekg-scaling-{}", ::getpid());
  fs::create_directories(dir);
  bool ok = true;
  try {
    fmt::print("{:<6} {:>10} {:>12} {:>12} {:>12} {:>12}\n", "shape", "size", "bytes", "load CPU ms", "wall ms",
               "CPU ns/item");
    for (const shape& s : shapes) {
      std::vector<point> points;
      std::size_t count = quick ? 2 : s.sizes.size();
      for (std::size_t k = 0; k < count; ++k) {
        const std::size_t n = s.sizes[k];
        const fs::path file = dir / fmt::format("{}-{}.json", s.name, n);
        {
          std::string text = s.generate(n);
          std::ofstream(file, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
        }
        const auto [t, wall] = best_load(file, reps);
        points.push_back({n, static_cast<std::size_t>(fs::file_size(file)), t, wall});
        fs::remove(file);
        fmt::print("{:<6} {:>10} {:>12} {:>12.1f} {:>12.1f} {:>12.1f}\n", s.name, n, points.back().bytes, t * 1e3,
                   wall * 1e3, t * 1e9 / static_cast<double>(n));
      }
      const point& a = points.front();
      const point& b = points.back();
      const double size_ratio = static_cast<double>(b.size) / static_cast<double>(a.size);
      const double growth = (b.seconds / a.seconds) / size_ratio;
      const double slope = std::log(b.seconds / a.seconds) / std::log(size_ratio);
      const bool pass = quick || growth <= max_growth;
      ok &= pass;
      fmt::print("{:<6} {}x the {}: {:.2f}x the CPU time (log-log slope {:.2f}); growth/size {:.2f} (target <= {:.1f}) {}\n",
                 s.name, size_ratio, s.unit, b.seconds / a.seconds, slope, growth, max_growth,
                 quick ? "(quick: no verdict)" : pass ? "PASS" : "FAIL");
    }
  } catch (const mitrekg::error& e) {
    std::fprintf(stderr, "scaling_bench: %s\n", e.what());
    fs::remove_all(dir);
    return 2;
  }
  fs::remove_all(dir);
  return ok ? 0 : 1;
}
