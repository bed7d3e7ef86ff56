// attack_bench: load time, memory and lookup speed of the ATT&CK knowledge graph.
//
//   attack_bench [--file BUNDLE] [--scale K] [--reps N] [--lookups N] [--lists N] [--cli MITRE_QUERY] [--settle S]
//                [--plain-floor]
//
// --scale K measures a synthetic bundle K times the size instead of BUNDLE
// itself: K copies of BUNDLE's objects, each copy with fresh STIX ids (every
// "type--uuid" of the copy, refs included, remapped alike, so relationships
// are rewired inside their copy) and fresh ATT&CK ids (T1055.011 -> T31055.011
// in copy 3), written to a temporary file.
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
//   (e) a tactic's technique list (Defense Evasion);
//   with --cli: (f) whole processes, `MITRE_QUERY --attack BUNDLE --no-cache stats`
//   against `attack_bench --floor BUNDLE` (the mapped pass alone), CPU and wall,
//   in three page states (page_state): back to back (shown), every run's
//   memory cold (a pause of S seconds, 2.5 by default, before each run) and
//   every run's memory warm (a primer process just before each run), the two
//   last judged; (g) the same for the default load (the three ATT&CK 18.1
//   domains and D3FEND 0.17.0 of BUNDLE's data folder) against the four mapped
//   passes in one process.
// Prints a table with each target and PASS/FAIL; exits 1 when a target fails.
// See docs/benchmarks.md for figures and the command used.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "support/huge_pages.hpp"
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

// One On-Demand pass reading "type" and "id" of every object of `json` (a
// STIX bundle's "objects"; "@type" and "@id" of a JSON-LD "@graph", D3FEND's).
std::size_t type_id_pass(simdjson::padded_string_view json) {
  od::parser parser;
  od::document doc = parser.iterate(json);
  std::size_t objects = 0, chars = 0;
  for (od::field top : doc.get_object()) {
    // Keys compared in place (raw_json_string ==): no unescaping copy, simdjson's fastest way to find them.
    if (top.key() != "objects" && top.key() != "@graph") continue;
    for (od::value v : top.value().get_array()) {
      std::string_view type, id;
      for (od::field f : v.get_object()) {
        const od::raw_json_string key = f.key();
        // Values as their raw tokens (no unescaping copy; "@type" may be an array).
        if (key == "type" || key == "@type") type = f.value().raw_json_token();
        else if (key == "id" || key == "@id") id = f.value().raw_json_token();
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
  auto m = mitrekg::map_input_file(path, "a JSON file", std::size_t{1} << 40, simdjson::SIMDJSON_PADDING);
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
// Whether floor processes run with glibc's malloc on transparent huge pages
// (GLIBC_TUNABLES=glibc.malloc.hugetlb=1): the CLI advises its own load heap
// as huge pages (bulk_heap), so the floor gets the same, or it would be a
// slower stand-in. --plain-floor turns it off (the floor of earlier figures).
bool floor_hugetlb = true;

// `huge`: the child's environment gains glibc.malloc.hugetlb=1 (built before
// fork: execve, nothing allocated in the child).
child_time time_child(const std::vector<std::string>& args, bool huge = false) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  static std::string tunable = [] {
    std::string t = "GLIBC_TUNABLES=glibc.malloc.hugetlb=1";
    if (const char* old = std::getenv("GLIBC_TUNABLES"); old && *old) t += std::string(":") + old;
    return t;
  }();
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e)
    if (!huge || std::strncmp(*e, "GLIBC_TUNABLES=", 15) != 0) envp.push_back(*e);
  if (huge) envp.push_back(tunable.data());
  envp.push_back(nullptr);
  std::fflush(stdout);
  // posix_spawn, not fork: glibc's spawns the child on this process's memory
  // (CLONE_VM | CLONE_VFORK), so the child's measured time holds no copy of
  // this process's page tables and no tearing down of it at execve, which a
  // fork of this process (holding hundreds of MB after the loads above) adds.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  auto t0 = clock_type::now();
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error(fmt::format("cannot run {}: {}", args[0], std::strerror(spawned)));
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

// A field of /proc/self/status in kB ("VmHWM:", the peak RSS; "RssAnon:").
long status_kb(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) return std::strtol(line.c_str() + field.size(), nullptr, 10);
  return -1;
}
long vm_hwm_kb() { return status_kb("VmHWM:"); }

// Runs this program again with `flag file` in a fresh process. Returns the
// child's VmHWM and RssAnon (kB), which it writes to its stdout (a pipe), and
// its ru_maxrss from wait4 (kB; on Linux this also counts the forked copy of
// this process before exec, so it is an upper bound).
struct child_rss {
  long vm_hwm_kb = -1;
  long rss_anon_kb = -1;
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
  char* rest = nullptr;
  r.vm_hwm_kb = std::strtol(out.c_str(), &rest, 10);
  r.rss_anon_kb = std::strtol(rest, nullptr, 10);
  r.maxrss_kb = ru.ru_maxrss;
  return r;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// True when `s` at `at` is a lower-case UUID (8-4-4-4-12 hex digits).
bool uuid_at(std::string_view s, std::size_t at) {
  if (at + 36 > s.size()) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[at + i] != '-' : !is_hex(s[at + i])) return false;
  }
  return true;
}

// Copy `k` (≥ 1) of the objects' text: every STIX id's UUID gets its first 8
// hex digits XORed with a per-copy salt (a bijection, so ids stay distinct and
// refs follow their targets), every ATT&CK id the copy number after its letters.
void append_copy(std::string& out, std::string_view body, unsigned k) {
  const std::uint32_t salt = 0x9E3779B1u * k;
  constexpr std::string_view ext = "\"external_id\": \"";
  std::size_t i = 0;
  while (i < body.size()) {
    const char c = body[i];
    if (c == '-' && i + 1 < body.size() && body[i + 1] == '-' && uuid_at(body, i + 2)) {
      const auto v = static_cast<std::uint32_t>(std::stoul(std::string(body.substr(i + 2, 8)), nullptr, 16)) ^ salt;
      out += fmt::format("--{:08x}", v);
      i += 10;
      continue;
    }
    if (c == '"' && body.substr(i, ext.size()) == ext) {
      out += ext;
      i += ext.size();
      std::size_t letters = i;
      while (letters < body.size() && body[letters] >= 'A' && body[letters] <= 'Z') ++letters;
      if (letters > i && letters < body.size() && body[letters] >= '0' && body[letters] <= '9') {
        out += body.substr(i, letters - i);
        out += std::to_string(k);
        i = letters;
      }
      continue;
    }
    out += c;
    ++i;
  }
}

// Writes the synthetic bundle of `copies` copies of `source`'s objects to `target`.
void write_scaled(const std::string& source, const std::string& target, unsigned copies) {
  std::ifstream in(source, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t key = text.find("\"objects\"");
  const std::size_t open = key == std::string::npos ? key : text.find('[', key);
  const std::size_t close = text.rfind(']');
  if (open == std::string::npos || close == std::string::npos || close < open)
    throw std::runtime_error(source + ": no \"objects\" array to copy");
  const std::string_view body = std::string_view(text).substr(open + 1, close - open - 1);
  std::string out;
  out.reserve(text.size() * copies + copies * 64);
  out.append(text, 0, open + 1);
  out += body;
  for (unsigned k = 1; k < copies; ++k) {
    out += ',';
    append_copy(out, body, k);
  }
  out.append(text, close, std::string::npos);
  {
    std::ofstream f(target, std::ios::binary);
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!f.flush()) throw std::runtime_error(target + ": cannot write");
  }
  // On disk before anything is timed: no write-back of it runs beside the measures.
  const int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!synced) throw std::runtime_error(target + ": cannot sync");
}

struct row {
  std::string what;
  std::string value;
  std::string target;
  bool pass;
};

std::string micros(double s) { return fmt::format("{:.3f} µs", s * 1e6); }

// The state of the free memory a timed process starts with. On the VM
// measured, memory freed less than about 2 s ago is still warm (the guest has
// not yet reported it to the host); a page handed out after that costs about
// 2.5 ms per MB more to fault in (docs/benchmarks.md, sessions 16 and 17).
// Back to back, each process inherits what the one before it freed, so the
// comparison depends on the order and on the other process's size: the floor
// (88 MB of index at 10x) always finds warm pages after any CLI, while the
// CLI's pages beyond what a floor freed are cold. The two settled states give
// both processes the same start.
enum class page_state {
  back_to_back,   // nothing between runs: shown, not judged
  cold,           // a pause of `settle_seconds` before each run: all its fresh memory is cold
  warm,           // a primer child touches and frees `prime_mb` just before each run: all warm
};
double settle_seconds = 2.5;
long prime_mb = 0;             // set in main from the file size
std::string self_path;         // this program, for the primer child

// A child mode (--prime MB): touches MB of anonymous memory, in huge pages
// where the kernel gives them (map_anonymous), as the two measured programs
// do, and exits.
int prime(long mb) {
  const std::size_t bytes = static_cast<std::size_t>(mb) << 20;
  try {
    std::memset(mitrekg::map_anonymous(bytes), 1, bytes);
  } catch (const std::bad_alloc&) {
    return 1;
  }
  return 0;
}

void before_run(page_state state) {
  if (state == page_state::cold) std::this_thread::sleep_for(std::chrono::duration<double>(settle_seconds));
  if (state == page_state::warm) time_child({self_path, "--prime", std::to_string(prime_mb)});
}

// Runs `floor` and `measured` as whole processes, interleaved pairs after one
// warm-up of each, every run started from `state`, and adds their median CPU
// and wall times to `rows` with the ratio CPU measured/floor (judged against
// `target` unless `state` is back_to_back) and the wall ratio shown. Pairs
// alternate which runs first.
void compare_processes(const std::vector<std::string>& floor, const std::vector<std::string>& measured, int reps,
                       page_state state, const std::string& floor_name, const std::string& measured_name,
                       double target, std::vector<row>& rows) {
  const bool judged = state != page_state::back_to_back;
  time_child(floor, floor_hugetlb);
  time_child(measured);
  std::vector<double> fc, fw, cc, cw;
  for (int r = 0; r < reps; ++r) {
    child_time f, c;
    const auto run_floor = [&] {
      before_run(state);
      f = time_child(floor, floor_hugetlb);
    };
    const auto run_measured = [&] {
      before_run(state);
      c = time_child(measured);
    };
    if (r % 2 == 0) {
      run_floor();
      run_measured();
    } else {
      run_measured();
      run_floor();
    }
    fc.push_back(f.cpu);
    fw.push_back(f.wall);
    cc.push_back(c.cpu);
    cw.push_back(c.wall);
  }
  const double cpu_ratio = median(cc) / median(fc), wall_ratio = median(cw) / median(fw);
  // Shown, not judged: each pair's own ratio (its two runs back to back), whose
  // median moves less when the VM's speed shifts for a few pairs.
  std::vector<double> pair_ratios;
  for (std::size_t i = 0; i < cc.size(); ++i) pair_ratios.push_back(cc[i] / fc[i]);
  const std::string how = state == page_state::cold   ? fmt::format("every run cold ({:g} s pause)", settle_seconds)
                          : state == page_state::warm ? fmt::format("every run warm ({} MB primer)", prime_mb)
                                                      : std::string("back to back (order-biased, not judged)");
  rows.push_back({floor_name + ", " + how, "", "-", true});
  rows.push_back({std::string("    floor") + (floor_hugetlb ? " [malloc hugetlb=1]" : "") + ", CPU",
                  fmt::format("{:.1f} ms", median(fc) * 1e3), "-", true});
  rows.push_back({"    same, wall", fmt::format("{:.1f} ms", median(fw) * 1e3), "-", true});
  rows.push_back({"    " + measured_name + ", CPU", fmt::format("{:.1f} ms", median(cc) * 1e3), "-", true});
  rows.push_back({"    same, wall", fmt::format("{:.1f} ms", median(cw) * 1e3), "-", true});
  rows.push_back({"    ratio CPU", fmt::format("{:.2f}x", cpu_ratio),
                  judged ? fmt::format("<= {:.1f}x", target) : std::string("-"), !judged || cpu_ratio <= target});
  rows.push_back({"    ratio wall", fmt::format("{:.2f}x", wall_ratio), "-", true});
  rows.push_back({"    CPU ratio of each pair, median (min-max)",
                  fmt::format("{:.2f}x ({:.2f}-{:.2f})", median(pair_ratios),
                              *std::min_element(pair_ratios.begin(), pair_ratios.end()),
                              *std::max_element(pair_ratios.begin(), pair_ratios.end())),
                  "-", true});
}

}  // namespace

int main(int argc, char** argv) {
  // Child modes for the memory measurement: do one thing, report nothing, exit.
  if (argc == 3 && std::strcmp(argv[1], "--rss-load") == 0) {
    auto g = load_graph(argv[2]);
    sink = sink + g.size();
    std::printf("%ld %ld\n", vm_hwm_kb(), status_kb("RssAnon:"));
    return 0;
  }
  if (argc >= 3 && std::strcmp(argv[1], "--floor") == 0) {   // one file, or several in turn
    for (int i = 2; i < argc; ++i) sink = sink + bare_pass(argv[i]);
    return 0;
  }
  if (argc == 3 && std::strcmp(argv[1], "--prime") == 0) return prime(std::max(1L, std::atol(argv[2])));
  if (argc == 3 && std::strcmp(argv[1], "--rss-baseline") == 0) {
    std::printf("%ld %ld\n", vm_hwm_kb(), status_kb("RssAnon:"));
    return 0;
  }

  std::string path;
  int reps = 7;
  long lookups = 1'000'000;
  long lists = 20'000;
  std::string cli;
  unsigned scale = 1;
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
    else if (a == "--plain-floor") floor_hugetlb = false;
    else if (a == "--scale") scale = static_cast<unsigned>(std::max(1, std::atoi(next())));
    else if (a == "--settle") settle_seconds = std::max(0.0, std::atof(next()));
    else if (a == "-h" || a == "--help") {
      std::puts("usage: attack_bench [--file BUNDLE] [--scale K] [--reps N] [--lookups N] [--lists N] [--cli MITRE_QUERY] [--settle S] [--plain-floor]\n"
                "default BUNDLE: <data>/attack/enterprise-attack-18.1.json (MITREKG_DATA or the build default)");
      return 0;
    } else {
      std::fprintf(stderr, "attack_bench: unknown argument %s (try --help)\n", argv[i]);
      return 2;
    }
  }
  if (path.empty()) path = (mitrekg::default_data_dir() / "attack" / "enterprise-attack-18.1.json").string();

  // Removes the synthetic bundle on every way out.
  struct scaled_file {
    std::string path;
    ~scaled_file() {
      if (!path.empty()) std::remove(path.c_str());
    }
  } scaled;
  try {
    if (scale > 1) {
      scaled.path = (fs::temp_directory_path() / fmt::format("attack_bench-x{}-{}.json", scale, ::getpid())).string();
      write_scaled(path, scaled.path, scale);
      fmt::print("attack_bench: synthetic bundle, {} copies of {} with fresh STIX and ATT&CK ids\n", scale, path);
      path = scaled.path;
    }
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
         fmt::format("{:.1f} MB = {:.2f}x file", rss_bytes / 1e6, rss_ratio), "<= 1.6x file", rss_ratio <= 1.6},
        {"    same child, wait4 ru_maxrss (upper bound)", fmt::format("{:.1f} MB", rss_load.maxrss_kb * 1024 / 1e6),
         "-", true},
        // The file's pages are gone by then: what the loaded graph holds (the
        // parser's index under its strings, the graph); near the load's peak of
        // fresh memory since records are freed as the graph is built.
        {"    same child, anonymous memory (RssAnon) once loaded",
         fmt::format("{:.1f} MB = {:.2f}x file", rss_load.rss_anon_kb * 1024 / 1e6,
                     rss_load.rss_anon_kb * 1024.0 / static_cast<double>(file_bytes)), "-", true},
        {"    peak RSS (VmHWM), empty child (process floor)",
         fmt::format("{:.1f} MB", rss_base.vm_hwm_kb * 1024 / 1e6), "-", true},
        {"(d) find(technique, id), varying ids", micros(t_find), "< 1 µs", t_find < 1e-6},
        {"    find_id(id), varying ids", micros(t_find_id), "< 1 µs", t_find_id < 1e-6},
        {"    find(technique, \"T1562.001\")", micros(t_find_one), "< 1 µs", t_find_one < 1e-6},
        // A synthetic bundle has K times the tactic's techniques: no target for the list there.
        {fmt::format("(e) techniques(tactics={{TA0005}}) -> {}", listed), micros(t_techniques),
         scale > 1 ? "-" : "< 10 µs", scale > 1 || t_techniques < 10e-6},
        {fmt::format("    sources(TA0005, in_tactic) -> {}", sourced), micros(t_sources), scale > 1 ? "-" : "< 10 µs",
         scale > 1 || t_sources < 10e-6},
    };
    const double load_target = scale > 1 ? 2.2 : 2.0;   // issue 13: 2.0x, and 2.2x at 10x the bundle
    rows[3] = {"    ratio b/a", fmt::format("{:.2f}x", ratio), fmt::format("<= {:.1f}x", load_target), ratio <= load_target};
    // The whole processes below start from a parent holding no graph: the
    // memory a process here frees is what a child after it finds warm.
    const std::size_t graph_nodes = g.size();
    { const mitrekg::knowledge_graph released = std::move(g); }
    if (!cli.empty()) {
      // (f) Whole processes, interleaved pairs: back to back (shown), then with
      // every run's memory cold, then warm (both judged; see page_state).
      self_path = self;
      prime_mb = std::max<long>(256, static_cast<long>(file_bytes >> 21));   // above either process's fresh memory
      const page_state states[] = {page_state::back_to_back, page_state::cold, page_state::warm};
      for (page_state state : states)
        compare_processes({self, "--floor", path}, {cli, "--attack", path, "--no-cache", "stats"}, reps, state,
                          "(f) process: attack_bench --floor (mapped pass) against mitre-query --no-cache stats",
                          "mitre-query --no-cache stats", load_target, rows);
      // (g) The default load: the three domains and D3FEND of the data folder BUNDLE lies in (DIR/attack/BUNDLE),
      // when all four are there, against the four mapped passes in one process, one after the other.
      const fs::path dir = fs::path(path).parent_path().parent_path();
      const std::vector<std::string> four{(dir / "attack" / "enterprise-attack-18.1.json").string(),
                                          (dir / "attack" / "mobile-attack-18.1.json").string(),
                                          (dir / "attack" / "ics-attack-18.1.json").string(),
                                          (dir / "d3fend" / "d3fend-0.17.0.json").string()};
      if (scale == 1 && std::all_of(four.begin(), four.end(), [](const std::string& f) { return fs::exists(f); })) {
        std::vector<std::string> floor_args{self, "--floor"}, cli_args{cli};
        floor_args.insert(floor_args.end(), four.begin(), four.end());
        for (std::size_t i = 0; i < 3; ++i) cli_args.insert(cli_args.end(), {"--attack", four[i]});
        cli_args.insert(cli_args.end(), {"--d3fend", four[3], "--no-cache", "stats"});
        for (page_state state : states)
          compare_processes(floor_args, cli_args, reps, state,
                            "(g) process: the 4 mapped passes (3 domains + D3FEND) against mitre-query",
                            "mitre-query (3 domains + D3FEND) stats", 2.0, rows);
      }
    }
    fmt::print("{} objects, {} graph nodes, {} technique ids cycled, {} lookups, {} list calls per repetition\n\n",
               objects, graph_nodes, ids.size(), lookups, lists);
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
