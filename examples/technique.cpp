// Example: look up an ATT&CK technique and print its parent and tactics.
// Usage: technique [ID]   (default T1562.001); data from the built-in default.
#include <cstdio>
#include <string>

#include <mitrekg/mitrekg.hpp>

int main(int argc, char** argv) {
  std::string id = argc > 1 ? argv[1] : "T1562.001";
  try {
    // The newest release of each domain in the default data folder (the embedded data).
    auto g = mitrekg::knowledge_graph::load(mitrekg::discover_data(mitrekg::default_data_dir()));
    auto t = g.find(mitrekg::object_type::technique, id);
    if (!t) {
      std::fprintf(stderr, "%s: no such technique\n", id.c_str());
      return 1;
    }
    const auto& o = g[*t];
    std::printf("%.*s %.*s\n", int(o.id.size()), o.id.data(), int(o.name.size()), o.name.data());
    if (auto p = mitrekg::parent(g, *t))
      std::printf("parent: %.*s %.*s\n", int(g[*p].id.size()), g[*p].id.data(), int(g[*p].name.size()),
                  g[*p].name.data());
    for (auto tactic : mitrekg::tactics_of(g, *t))
      std::printf("tactic: %.*s %.*s\n", int(g[tactic].id.size()), g[tactic].id.data(),
                  int(g[tactic].name.size()), g[tactic].name.data());
  } catch (const mitrekg::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}
