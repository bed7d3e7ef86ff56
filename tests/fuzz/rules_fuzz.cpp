// libFuzzer target: arbitrary bytes as Falco rule files through the YAML loader, the collector and the compiler.
// Bytes up to the first NUL are one file, the rest a second file loaded after
// it (appends and overrides across files). Nothing may escape: rule_set::load
// reports bad input as diagnostics; an exception, a sanitizer report or a
// hang is a bug.
//
//   rules_fuzz -max_total_time=60 -rss_limit_mb=2048 -dict=tests/fuzz/rules.dict NEW_DIR tests/fuzz/corpus/rules
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mitrekg/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = all.find('\0');
  std::vector<mitrekg::rule_text> files{{"a.yaml", std::string(all.substr(0, nul))}};
  if (nul != std::string_view::npos) files.push_back({"b.yaml", std::string(all.substr(nul + 1))});
  const mitrekg::rule_set s = mitrekg::rule_set::load(files);
  // Touch every view: a dangling reference shows up under ASan here.
  std::size_t n = 0;
  for (const auto& r : s.rules()) n += r.name.size() + r.event_types.size() + r.tags.size() + r.condition.size();
  for (const auto& m : s.macros()) n += m.condition.size();
  for (const auto& l : s.lists()) n += l.items.size();
  for (std::size_t i = 0; i < s.diagnostics().size(); ++i)
    n += mitrekg::render_text(s.diagnostics()[i]).size() + s.item_kind(i).size();
  return n == static_cast<std::size_t>(-1);
}
