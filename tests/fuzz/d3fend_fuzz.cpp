// libFuzzer target: arbitrary bytes as a D3FEND JSON-LD document. Loading may
// throw mitrekg::error and nothing else; whatever loads must answer every query
// without crashing. Inputs of odd length are loaded with the second thread that
// large files get (d3fend_detail::load_threads), even ones without it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "d3fend/ontology_impl.hpp"
#include "mitrekg/d3fend.hpp"
#include "mitrekg/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    auto o = mitrekg::d3fend_access::adopt(mitrekg::d3fend_detail::load_text(
        "fuzz.json", bytes, size % 2 == 1 ? mitrekg::d3fend_detail::load_threads::two : mitrekg::d3fend_detail::load_threads::one));
    std::size_t sink = o.report().total() + o.version().size();
    for (mitrekg::d3fend_node n : mitrekg::all_handles<mitrekg::d3fend_node>(std::min<std::size_t>(o.size(), 256))) {
      sink += o[n].id.size() + o[n].label.size();
      sink += o.parents(n).size() + o.children(n).size() + o.ancestors(n).size();
      sink += o.statements(n).size() + o.artifacts(n).size() + o.references(n).size();
      sink += o.super_properties(n).size() + o.inverse_of(n).has_value();
      sink += o.offensive_uses(n).size() + o.defensive_uses(n).size();
      sink += o.countered_techniques(n).size() + o.related_techniques(n).size();
    }
    for (auto t : o.attack_techniques()) sink += o.mappings(t).size() + o.countermeasures(t).size();
    for (auto t : mitrekg::all_d3fend_tactics) sink += o.matrix_column(t).size();
    sink += o.all_mappings().size() + o.attack_ids().size();
    sink += o.find("D3-PT").has_value() + o.find_attack("T1562.001").has_value();
    return sink == 0xdeadbeef ? 1 : 0;
  } catch (const mitrekg::error&) {
    return 0;
  }
}
