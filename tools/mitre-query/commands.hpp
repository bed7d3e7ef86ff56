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

// countermeasures.cpp: ATT&CK techniques joined to D3FEND
int run_countermeasures(context& ctx);
int run_d3fend_skew(context& ctx);

// d3fend.cpp: D3FEND on its own
int run_counters(context& ctx);
int run_artifacts(context& ctx);
int run_d3fend_tactics(context& ctx);
// show D3-PT / ProcessTermination / "Process Termination": nullopt when D3FEND
// does not know `text` (or is not loaded), else the exit code.
std::optional<int> show_d3fend(context& ctx, std::string_view text);

// Shared with show (countermeasures.cpp): the countermeasures of ATT&CK technique
// `t` grouped by D3FEND tactic, for the show record.
struct show_countermeasures {
  value json;          // {"Harden": [{d3fend_id, d3fend_class, d3fend_label}], …}
  value ids;           // ["D3-…", …] for the CSV field
  std::string coverage;   // "listed", "via-revoked", "not-listed", "no-d3fend"
  std::vector<std::pair<std::string, std::vector<std::string>>> lines;   // tactic -> "D3-PT Process Termination"
  std::string summary;    // one line for the table record
};
// table: only `lines` and `summary` are filled (the table record; json and ids stay empty).
show_countermeasures countermeasures_for_show(context& ctx, mitrekg::node t, bool table = false);

// tags.cpp: MITRE tags on detection rules
int run_lint_tags(context& ctx);
int run_tag(context& ctx);
// rules.cpp: Falco rule files (no ATT&CK data loaded)
int run_check_rules(context& ctx);
int run_rules(context& ctx);
int run_detect(context& ctx);

// snapshot.cpp
int run_build_db(context& ctx);
int run_check_db(context& ctx);
int run_cache(context& ctx);
int run_cache_clean(context& ctx);
int run_cache_prune(context& ctx);

}  // namespace mq
