// libFuzzer target: arbitrary bytes as an event stream through every source's decoding and the evaluator.
// The first byte picks the source (syscall, k8s_audit, aws_cloudtrail, json)
// and the threads (1 to 3, from its next two bits); the rest is the stream (JSON Lines, an array, an EventList, a CloudTrail
// file). The rules touch list fields, JSON pointers, transformers, regexes and
// outputs. Nothing may escape: bad events are counted; an exception, a
// sanitizer report or a hang is a bug.
//
//   events_fuzz -max_total_time=60 NEW_DIR tests/fuzz/corpus/events
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "mitrekg/engine.hpp"

namespace {

const char* rules_yaml = R"(
- list: shells
  items: [bash, sh]
- rule: sys
  desc: d
  condition: evt.type in (open, openat, execve) and (proc.name in (shells) or fd.name pmatch (/etc) or tolower(proc.cmdline) contains x or proc.aname[2] glob "b*" or fd.sip = 10.0.0.1 or evt.rawres < 0)
  output: "%proc.name %fd.name %proc.aname[2] %evt.rawres %evt.time"
  priority: WARNING
- rule: k8s
  desc: d
  condition: ka.verb = create and (ka.req.pod.containers.privileged intersects (true) or ka.req.pod.containers.image.repository in (nginx) or ka.req.volume.hostpath[/etc*] = true or ka.req.binding.subject.has_name[admin] = true or ka.uri.param[command] exists or jevt.value[/a~1b] regex "x+")
  output: "%ka.user.name %ka.req.binding.subjects %ka.req.role.rules.verbs %jevt.obj %ka.req.configmap.obj"
  priority: WARNING
  source: k8s_audit
- rule: ct
  desc: d
  condition: ct.name startswith Start or ct.user = root or ct.shortsrc = ec2 or s3.uri exists
  output: "%ct.user %ct.request %evt.num"
  priority: INFO
  source: aws_cloudtrail
- rule: js
  desc: d
  condition: json.value[/a/0] = 1 or b64(json.value[/b]) = hi or len(json.value[/c]) > 3 or json.value[/d] endswith z
  output: "%json.value[/a] %json.obj"
  priority: INFO
  source: json
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const mitrekg::rule_set rules = [] {
    std::vector<mitrekg::rule_text> t{{"fuzz.yaml", rules_yaml}};
    return mitrekg::rule_set::load(t);
  }();
  static const mitrekg::detection_engine engine(rules, nullptr, [] {
    mitrekg::engine_options o;
    o.all_events = true;
    return o;
  }());
  if (size == 0) return 0;
  static const char* sources[] = {"syscall", "k8s_audit", "aws_cloudtrail", "json"};
  const char* source = sources[data[0] % 4];
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  mitrekg::detection_session s(engine);
  std::size_t n = 0;
  unsigned threads = 1 + (data[0] >> 2) % 3;
  s.run(in, source, [&](const mitrekg::alert& a) { n += a.json().size() + a.text().size(); }, threads);
  const auto& st = s.stats();
  return (n + st.events + st.malformed) == static_cast<std::size_t>(-1);
}
