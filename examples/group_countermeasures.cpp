// Example: the D3FEND countermeasures for every technique a group uses.
// Usage: group_countermeasures [GROUP]   (an id or a name; default G0016, APT29)
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include <mitrekg/mitrekg.hpp>

int main(int argc, char** argv) {
  std::string name = argc > 1 ? argv[1] : "G0016";
  try {
    auto g = mitrekg::knowledge_graph::load(mitrekg::discover_data(mitrekg::default_data_dir()));
    auto found = mitrekg::resolve(g, name);
    if (found.matches.empty() || g[found.matches.front()].type != mitrekg::object_type::group) {
      std::fprintf(stderr, "%s: no such group\n", name.c_str());
      return 1;
    }
    const auto group = found.matches.front();
    const auto* d3fend = g.d3fend();
    if (!d3fend) {
      std::fprintf(stderr, "no D3FEND release in the data folder\n");
      return 2;
    }
    // countermeasure label -> how many of the group's techniques it counters
    std::map<std::string_view, int> counts;
    auto used = mitrekg::techniques_of(g, group);
    for (auto t : used) {
      auto cm = mitrekg::countermeasures_of(g, g[t].id);
      for (auto c : mitrekg::distinct_countermeasures(cm.rows)) ++counts[(*d3fend)[c].label];
    }
    std::printf("%.*s uses %zu techniques; %zu D3FEND countermeasures counter them\n", int(g[group].name.size()),
                g[group].name.data(), used.size(), counts.size());
    for (const auto& [label, n] : counts) std::printf("%4d  %.*s\n", n, int(label.size()), label.data());
  } catch (const mitrekg::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
