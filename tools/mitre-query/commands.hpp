// mitre-query commands: one `int run_x(context&)` per command, grouped by file.
// Each returns the exit code (exit_found / exit_nothing) and throws usage_error
// or mitrekg::error for exit 2. main.cpp's command table lists them.
#pragma once

#include "cli.hpp"

namespace mq {

// stats.cpp
int run_stats(context& ctx);
int run_platforms(context& ctx);

// show.cpp
int run_show(context& ctx);

// lists.cpp
int run_tactics(context& ctx);
int run_techniques(context& ctx);
int run_subtechniques(context& ctx);
int run_mitigations(context& ctx);
int run_groups(context& ctx);
int run_software(context& ctx);
int run_campaigns(context& ctx);
int run_uses(context& ctx);
int run_search(context& ctx);

// detections.cpp
int run_detections(context& ctx);

// matrix.cpp
int run_matrix(context& ctx);

}  // namespace mq
