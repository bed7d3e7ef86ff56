// Where the data lives: --attack/--d3fend files, a --data folder, MITREKG_DATA, the built-in default.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mitrekg/graph.hpp"

namespace mitrekg {

// The newest release of each ATT&CK domain under DIR/attack
// (<domain>-attack-<version>.json) and the newest DIR/d3fend/d3fend-<version>.json.
// `domains` limits the domains picked. Throws error(not_found / no_data).
load_options discover_data(const std::filesystem::path& dir, domain_set domains = all_domains);

// MITREKG_DATA when set, else the folder fixed at build time (by default the
// build tree's decompressed copy of the embedded data) while it exists, else
// the installed copy (PREFIX/share/mitrekg).
std::filesystem::path default_data_dir();

// Orders release strings numerically: "9.0" < "17.1" < "18.1".
bool version_less(std::string_view a, std::string_view b) noexcept;

}  // namespace mitrekg
