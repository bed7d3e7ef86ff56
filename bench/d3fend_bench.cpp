// D3FEND benchmark on the real release:
//   (a) a bare simdjson On-Demand pass reading every @graph node's "@id",
//   (b) the full d3fend_ontology::load, and the ratio b/a (target <= 3x); on a
//       file this size load() uses a second thread (storing while reading,
//       sorting names while building), so also (b1): the same load on one thread,
//   (c) inferring all mappings of every ATT&CK technique class (target < 50 ms),
//   (d) countermeasures of one technique, averaged over many calls (target < 20 us).
// Each measured several times; the median is printed.
// Usage: d3fend_bench [d3fend-<version>.json] [repetitions]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "d3fend/ontology_impl.hpp"
#include "mitrekg/d3fend.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg_config.h"

namespace {

using clock_type = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}
double best(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

template <class F>
double seconds(F&& f) {
  auto start = clock_type::now();
  f();
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// (a): read the file, iterate @graph, read each element's "@id".
std::size_t bare_pass(const std::string& path) {
  namespace od = simdjson::ondemand;
  auto json = simdjson::padded_string::load(path).value();
  od::parser parser;
  od::document doc = parser.iterate(json);
  std::size_t total = 0;
  for (auto element : doc["@graph"].get_array()) {
    std::string_view id = element.get_object()["@id"].get_string();
    total += id.size();
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : std::string(MITREKG_DEFAULT_DATA_DIR) + "/d3fend/d3fend-0.17.0.json";
  int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 11;
  try {
    std::vector<double> bare, load, load1, all, one, heavy;
    std::size_t ids = 0, rows = 0, countermeasures = 0, nodes1 = 0;
    const char* one_id = "T1562.001";
    const char* heavy_id = "T1546";  // 16 sub-techniques, 42 countermeasures
    constexpr int calls = 20000;
    for (int r = 0; r < reps; ++r) {
      bare.push_back(seconds([&] { ids = bare_pass(path); }));
      std::optional<mitrekg::d3fend_ontology> o;
      load1.push_back(seconds([&] {
        auto p = mitrekg::d3fend_detail::load_file(path, mitrekg::d3fend_detail::load_threads::one);
        nodes1 = p->entries.size();
      }));
      load.push_back(seconds([&] { o.emplace(mitrekg::d3fend_ontology::load(path)); }));
      all.push_back(seconds([&] { rows = o->all_mappings().size(); }));
      auto t = o->find_attack(one_id).value();
      one.push_back(seconds([&] {
        for (int i = 0; i < calls; ++i) countermeasures += o->countermeasures(t).size();
      }) / calls);
      auto h = o->find_attack(heavy_id).value();
      heavy.push_back(seconds([&] {
        for (int i = 0; i < calls; ++i) countermeasures += o->countermeasures(h).size();
      }) / calls);
    }
    const double a = median(bare), b = median(load), b1 = median(load1), c = median(all), d = median(one),
                 e = median(heavy);
    fmt::print("d3fend benchmark: {} ({} repetitions; median, best in brackets)\n", path, reps);
    fmt::print("(a) bare On-Demand pass reading @id     {:8.2f} ms [{:.2f}]  ({} id bytes)\n", a * 1e3,
               best(bare) * 1e3, ids);
    fmt::print("(b) full load                           {:8.2f} ms [{:.2f}]  b/a {:.2f}x [{:.2f}x] (target <= 3x) {}\n",
               b * 1e3, best(load) * 1e3, b / a, best(load) / best(bare), b / a <= 3 ? "ok" : "OVER");
    fmt::print("(b1) the same load on one thread        {:8.2f} ms [{:.2f}]  b1/a {:.2f}x [{:.2f}x]  ({} nodes)\n",
               b1 * 1e3, best(load1) * 1e3, b1 / a, best(load1) / best(bare), nodes1);
    fmt::print("(c) all mappings, every ATT&CK class    {:8.2f} ms [{:.2f}]  ({} rows; target < 50 ms) {}\n", c * 1e3,
               best(all) * 1e3, rows, c < 0.05 ? "ok" : "OVER");
    fmt::print("(d) countermeasures({})          {:8.2f} us [{:.2f}]  (target < 20 us) {}\n", one_id, d * 1e6,
               best(one) * 1e6, d < 20e-6 ? "ok" : "OVER");
    fmt::print("    countermeasures({}) (heaviest)   {:8.2f} us [{:.2f}]\n", heavy_id, e * 1e6, best(heavy) * 1e6);
    return countermeasures == 0 ? 1 : 0;
  } catch (const mitrekg::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
