// The library's version and the data releases built into it (no private header needed).
#pragma once

#include <string_view>

namespace mitrekg {

// "0.1.0": the version of the library these headers belong to.
std::string_view version() noexcept;

// The embedded default data this build carries (data/): the ATT&CK release of
// its bundles ("18.1") and the D3FEND version ("0.17.0"). Static strings.
std::string_view embedded_attack_release() noexcept;
std::string_view embedded_d3fend_version() noexcept;

}  // namespace mitrekg
