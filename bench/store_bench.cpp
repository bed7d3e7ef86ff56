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
//   (c) open_snapshot alone, in process;
//   (d) the cache's staleness check: stat(2) of the default sources (what the
//       key uses) against hashing their content with XXH3 (the alternative);
//   (e) the cache's image file: mapped and checksummed (the old way) against
//       read into a fresh huge-page buffer and checksummed (what the cache does,
//       so a file changed underneath cannot crash or change an answer).
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xxhash.h>

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

// XXH3 of a whole file read in 256 KiB chunks.
std::uint64_t hash_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY);
  XXH3_state_t* h = XXH3_createState();
  XXH3_64bits_reset(h);
  std::vector<char> buf(std::size_t{1} << 18);
  ssize_t n;
  while ((n = read(fd, buf.data(), buf.size())) > 0) XXH3_64bits_update(h, buf.data(), static_cast<std::size_t>(n));
  std::uint64_t out = XXH3_64bits_digest(h);
  XXH3_freeState(h);
  close(fd);
  return out;
}

// The image file mapped and checksummed (copy = false), or read into a fresh
// huge-page buffer and checksummed (copy = true), as the cache reads it.
std::uint64_t checksum_image(const std::string& path, bool copy) {
  int fd = open(path.c_str(), O_RDONLY);
  struct stat st {};
  fstat(fd, &st);
  std::size_t n = static_cast<std::size_t>(st.st_size);
  std::uint64_t h = 0;
  if (!copy) {
    void* p = mmap(nullptr, n, PROT_READ, MAP_PRIVATE, fd, 0);
    h = XXH3_64bits(p, n);
    munmap(p, n);
  } else {
    const std::size_t huge = std::size_t{2} << 20, length = (n + huge - 1) / huge * huge;
    void* p = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    madvise(p, length, MADV_HUGEPAGE);
    for (std::size_t got = 0; got < n;) {
      ssize_t k = pread(fd, static_cast<char*>(p) + got, n - got, static_cast<off_t>(got));
      if (k <= 0) break;
      got += static_cast<std::size_t>(k);
    }
    h = XXH3_64bits(p, n);
    munmap(p, length);
  }
  close(fd);
  return h;
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
  // (d) and (e), before the scratch folder (and the cache's image file) goes.
  std::vector<std::string> sources;
  for (const char* f : {"attack/enterprise-attack-18.1.json", "attack/mobile-attack-18.1.json",
                        "attack/ics-attack-18.1.json", "d3fend/d3fend-0.17.0.json"})
    sources.push_back((data / f).string());
  std::string image;
  for (const auto& e : fs::recursive_directory_iterator(scratch / "cache"))
    if (e.path().extension() == ".image") image = e.path().string();
  std::vector<double> stat_ms, hash_ms, map_ms, copy_ms;
  std::uint64_t sink = 0;
  for (int r = 0; r < reps; ++r) {
    auto t0 = clock_type::now();
    for (const auto& f : sources) {
      struct stat st {};
      stat(f.c_str(), &st);
      sink += static_cast<std::uint64_t>(st.st_ctim.tv_nsec);
    }
    stat_ms.push_back(ms_since(t0));
    auto t1 = clock_type::now();
    for (const auto& f : sources) sink += hash_file(f);
    hash_ms.push_back(ms_since(t1));
    if (!image.empty()) {
      auto t2 = clock_type::now();
      sink += checksum_image(image, false);
      map_ms.push_back(ms_since(t2));
      auto t3 = clock_type::now();
      sink += checksum_image(image, true);
      copy_ms.push_back(ms_since(t3));
    }
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
  fmt::print("| (d) staleness: stat(2) of the 4 default sources (the cache key) | {:.3f} ms | – | |\n", median(stat_ms));
  fmt::print("| same, XXH3 of their content instead | {:.1f} ms (min {:.1f}) | – | |\n", median(hash_ms),
             *std::min_element(hash_ms.begin(), hash_ms.end()));
  if (!map_ms.empty()) {
    fmt::print("| (e) cache image file mapped + XXH3 (not safe if changed underneath) | {:.1f} ms (min {:.1f}) | – | |\n",
               median(map_ms), *std::min_element(map_ms.begin(), map_ms.end()));
    fmt::print("| same, read into a fresh buffer + XXH3 (what the cache does) | {:.1f} ms (min {:.1f}) | – | |\n",
               median(copy_ms), *std::min_element(copy_ms.begin(), copy_ms.end()));
  }
  fmt::print("(medians: {} runs of each command, 5 builds; min warm {:.1f} ms){}\n", reps,
             *std::min_element(warm.begin(), warm.end()), sink == 42 ? " " : "");
  return ok_build && ok_warm && ok_ratio ? 0 : 1;
}
