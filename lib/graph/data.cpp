// Finding the data: newest release per domain under a folder, MITREKG_DATA, the built-in default.
#include "mitrekg/data.hpp"

#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "mitrekg/error.hpp"
#include "mitrekg_config.h"

namespace mitrekg {

namespace fs = std::filesystem;

bool version_less(std::string_view a, std::string_view b) noexcept {
  // Compare dot-separated numeric parts; a missing part counts as 0.
  auto next = [](std::string_view& s) {
    unsigned long v = 0;
    std::size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + static_cast<unsigned long>(s[i++] - '0');
    s.remove_prefix(i < s.size() ? i + 1 : i);
    return v;
  };
  while (!a.empty() || !b.empty()) {
    unsigned long x = next(a), y = next(b);
    if (x != y) return x < y;
  }
  return false;
}

namespace {
// "enterprise-attack-18.1.json" -> {"enterprise", "18.1"}; prefix "d3fend" for D3FEND files.
bool split_release(const fs::path& p, std::string_view suffix_word, std::string& what, std::string& release) {
  if (p.extension() != ".json") return false;
  std::string stem = p.stem().string();
  auto dash = stem.find_last_of('-');
  if (dash == std::string::npos) return false;
  release = stem.substr(dash + 1);
  if (release.empty() || release.find_first_not_of("0123456789.") != std::string::npos) return false;
  what = stem.substr(0, dash);
  if (!suffix_word.empty()) {
    // "<what>-<suffix_word>": compare in place (no temporary string).
    const std::size_t n = suffix_word.size() + 1;
    if (what.size() <= n || what[what.size() - n] != '-' ||
        std::string_view(what).substr(what.size() - suffix_word.size()) != suffix_word)
      return false;
    what.resize(what.size() - n);
  }
  return true;
}
}  // namespace

load_options discover_data(const fs::path& dir, domain_set domains) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw error(errc::not_found, dir.string(), "", "data folder not found: pass --attack FILE, --data DIR or set MITREKG_DATA");
  load_options out;
  std::map<domain, std::pair<std::string, fs::path>> newest;
  if (fs::is_directory(dir / "attack", ec)) {
    for (const auto& entry : fs::directory_iterator(dir / "attack", ec)) {
      std::string what, release;
      if (!entry.is_regular_file() || !split_release(entry.path(), "attack", what, release)) continue;
      auto d = parse_domain(what);
      if (!d || !(domains & bit(*d))) continue;
      auto it = newest.find(*d);
      if (it == newest.end() || version_less(it->second.first, release)) newest[*d] = {release, entry.path()};
    }
  }
  for (auto& [d, v] : newest) out.attack_files.push_back(v.second);  // enterprise, mobile, ics
  if (out.attack_files.empty())
    throw error(errc::no_data, (dir / "attack").string(), "",
                "no ATT&CK bundle (<domain>-attack-<release>.json) found: pass --attack FILE or --data DIR");
  std::string best;
  if (fs::is_directory(dir / "d3fend", ec)) {
    for (const auto& entry : fs::directory_iterator(dir / "d3fend", ec)) {
      std::string what, release;
      if (!entry.is_regular_file() || !split_release(entry.path(), "", what, release) || what != "d3fend") continue;
      if (best.empty() || version_less(best, release)) { best = release; out.d3fend_file = entry.path(); }
    }
  }
  return out;
}

fs::path default_data_dir() {
  if (const char* env = std::getenv("MITREKG_DATA"); env && *env) return fs::path(env);
  // The build tree's folder while it exists (a fresh build answers from it),
  // else the installed copy.
  fs::path built = fs::path(MITREKG_DEFAULT_DATA_DIR).lexically_normal();
  std::error_code ec;
  if (fs::is_directory(built, ec)) return built;
  fs::path installed = fs::path(MITREKG_INSTALLED_DATA_DIR).lexically_normal();
  return fs::is_directory(installed, ec) ? installed : built;
}

}  // namespace mitrekg
