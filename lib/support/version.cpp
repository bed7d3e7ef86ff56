// The version strings fixed at configure time (mitrekg_config.h).
#include "mitrekg/version.hpp"

#include "mitrekg_config.h"

namespace mitrekg {

std::string_view version() noexcept { return MITREKG_VERSION; }
std::string_view embedded_attack_release() noexcept { return MITREKG_EMBEDDED_ATTACK_RELEASE; }
std::string_view embedded_d3fend_version() noexcept { return MITREKG_EMBEDDED_D3FEND_VERSION; }

}  // namespace mitrekg
