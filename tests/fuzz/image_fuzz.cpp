// libFuzzer target: arbitrary bytes as a snapshot graph image (ATT&CK and D3FEND parts).
// Checksums are fixed up first (reseal_image; the D3FEND image's one sum), so the
// fuzzer explores the decoders rather than the checksum checks; mitrekg::error is
// the only exception allowed.
//
//   image_fuzz -max_total_time=60 -rss_limit_mb=2048 NEW_DIR tests/fuzz/corpus/image
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include <xxhash.h>

#include "d3fend/ontology_impl.hpp"
#include "graph/graph_impl.hpp"
#include "mitrekg/error.hpp"
#include "store/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // First byte picks the part; the rest is the image.
  const bool d3fend = data[0] & 1;
  auto image = std::make_shared<std::string>(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (d3fend) {
      // Magic, then one XXH3 of everything after it.
      if (image->size() < 20) image->resize(20, '\0');
      std::memcpy(image->data(), "MKGD3F3", 8);
      std::uint64_t sum = XXH3_64bits(image->data() + 16, image->size() - 16);
      std::memcpy(image->data() + 8, &sum, 8);
      mitrekg::d3fend_impl o;
      mitrekg::store::decode_d3fend_image(*image, "fuzz", o);
      // What decoding leaves for later: the key lookups (compared one by one,
      // then indexed), the entries, graph parts, links and the nodes' extras
      // (read from records checked at open, unchecked then), the stored
      // mappings' reverse index.
      for (int i = 0; i < 10; ++i) {
        o.find_key("T1562.001");
        o.find_id("d3f:ProcessTermination");
      }
      for (std::size_t v = 0; v < o.count(); ++v) o.entry(mitrekg::d3fend_node{static_cast<std::uint32_t>(v)});
      o.graph_parts();
      o.links();
      o.extras();
      std::size_t countered = 0;
      for (const auto& m : o.all_mappings()) countered += o.countered.size(m.countermeasure);
      // Every mapping's countermeasure counters at least its own technique.
      if (countered < o.all.size()) __builtin_trap();
    } else {
      if (image->size() < 8) image->resize(8, '\0');
      std::memcpy(image->data(), "MKGIMG2", 8);
      mitrekg::store::reseal_image(*image);
      mitrekg::store::image_source source;
      source.bytes = image->data();
      source.size = image->size();
      source.owner = image;
      source.file = "fuzz";
      // Every block checked at open, then every object, edge and index read.
      mitrekg::graph_impl g;
      g.stored = mitrekg::store::open_image(std::move(source), true);
      mitrekg::store::materialize(g);
    }
  } catch (const mitrekg::error&) {
  }
  return 0;
}
