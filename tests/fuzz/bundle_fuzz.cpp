// libFuzzer target: arbitrary bytes as a STIX bundle, through the reader, the
// graph builder and the queries. mitrekg::error is the only exception allowed;
// anything else escaping (std::out_of_range, bad_alloc, …), a sanitizer report
// or a hang is a bug.
//
//   bundle_fuzz -max_total_time=60 -rss_limit_mb=2048 -dict=tests/fuzz/bundle.dict NEW_DIR tests/fuzz/corpus/bundle
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph_impl.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/graph.hpp"
#include "mitrekg/query.hpp"
#include "stix/bundle_reader.hpp"

namespace {

// Every query over a few nodes; results are discarded, crashes are the point.
void exercise(const mitrekg::knowledge_graph& g) {
  using namespace mitrekg;
  lookup_options any{true, true, all_domains};
  for (const lookup_options& o : {lookup_options{}, any}) {
    (void)tactics(g, o);
    (void)platforms(g, o);
    (void)stats(g, o);
    (void)search(g, "a", o);
    for (domain d : {domain::enterprise, domain::mobile, domain::ics}) (void)matrix(g, d, {}, o);
    technique_filter f;
    for (node t : g.all(object_type::tactic, o)) f.tactics.push_back(t);
    (void)techniques(g, f, o);
  }
  std::size_t limit = g.size() < 64 ? g.size() : 64;
  for (node n : all_handles<node>(limit)) {
    const attack_object& x = g[n];
    (void)resolve(g, x.id, any);
    (void)resolve(g, x.stix_id);
    (void)resolve(g, x.name);
    (void)find_tactic(g, x.shortname, any);
    (void)tactics_of(g, n);
    (void)parent(g, n);
    (void)subtechniques(g, n, any);
    (void)mitigations_of(g, n, any);
    (void)groups_of(g, n, any);
    (void)software_of(g, n, any);
    (void)campaigns_of(g, n, any);
    (void)techniques_of(g, n, any);
    (void)detections_of(g, n, any);
    for (auto r : {relation::uses, relation::subtechnique_of, relation::in_tactic, relation::revoked_by}) {
      (void)g.out_edges(n, r);
      (void)g.in_edges(n, r);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // 1. Reader and builder directly, as the brief of build_graph states them;
  //    then the same bytes read straight into a graph_build, which must build
  //    the same graph (a difference is a bug: trap).
  try {
    std::vector<mitrekg::stix::bundle> bundles;
    bundles.push_back(mitrekg::stix::read_bundle("fuzz-input.json", bytes));
    auto impl = mitrekg::build_graph(std::move(bundles));
    mitrekg::graph_build streamed(size);
    std::vector<mitrekg::stix::bundle> first;
    first.push_back(streamed.read_first("fuzz-input.json", bytes));
    auto same = streamed.finish(std::move(first));
    if (same->objects.size() != impl->objects.size() || boost::num_edges(same->graph) != boost::num_edges(impl->graph) ||
        same->relationships != impl->relationships || same->report.total() != impl->report.total() ||
        same->report.samples != impl->report.samples)
      __builtin_trap();
  } catch (const mitrekg::error&) {
    return 0;  // refused input: fine, and nothing else to try
  }

  // 2. The public path: the same bytes as a file, loaded twice (objects merge,
  //    relationships repeat across bundles), then every query.
  static int fd = memfd_create("fuzz-bundle", 0);
  if (fd < 0) return 0;
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  try {
    mitrekg::load_options opts;
    opts.attack_files = {path, path};
    auto g = mitrekg::knowledge_graph::load(opts);
    exercise(g);
  } catch (const mitrekg::error&) {
  }
  return 0;
}
