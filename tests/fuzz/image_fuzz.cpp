// libFuzzer target: arbitrary bytes as a snapshot graph image (ATT&CK and D3FEND parts).
// The checksum is fixed up first, so the fuzzer explores the decoders rather than
// the checksum check; mitrekg::error is the only exception allowed.
//
//   image_fuzz -max_total_time=60 -rss_limit_mb=2048 NEW_DIR tests/fuzz/corpus/image
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include <xxhash.h>

#include "d3fend/ontology_impl.hpp"
#include "graph/graph_impl.hpp"
#include "mitrekg/error.hpp"
#include "store/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // First byte picks the part; the rest is the image with a recomputed checksum.
  bool d3fend = data[0] & 1;
  std::string image(reinterpret_cast<const char*>(data + 1), size - 1);
  const char* magic = d3fend ? "MKGD3F1" : "MKGIMG1";
  if (image.size() < 20) image.resize(20, '\0');
  std::memcpy(image.data(), magic, 8);
  std::uint64_t sum = XXH3_64bits(image.data() + 16, image.size() - 16);
  std::memcpy(image.data() + 8, &sum, 8);
  try {
    if (d3fend) {
      mitrekg::d3fend_impl o;
      mitrekg::store::decode_d3fend_image(image, "fuzz", o);
      mitrekg::d3fend_detail::build(o);
    } else {
      mitrekg::graph_impl g;
      mitrekg::store::decode_image(image, "fuzz", g);
      mitrekg::build_indexes(g);
    }
  } catch (const mitrekg::error&) {
  }
  return 0;
}
