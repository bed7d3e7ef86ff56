// libFuzzer target: arbitrary bytes as a Falco condition, parsed, bound (macros, lists, a macro loop) and indexed.
// The same bytes are also read as a YAML file text for scalar_origin. Nothing may throw but std::bad_alloc.
//
//   condition_fuzz -max_total_time=60 -dict=tests/fuzz/condition.dict NEW_DIR tests/fuzz/corpus/condition
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/condition.hpp"

using namespace mitrekg;
using namespace mitrekg::rules;

namespace {

struct fixture {
  std::map<std::string, parsed_condition, std::less<>> macros;
  std::map<std::string, std::vector<std::string>, std::less<>> lists;

  fixture() {
    std::vector<diagnostic> out;
    auto macro = [&](const char* name, const char* text) {
      macros[name] = parse_condition(text, condition_origin{name, {}}, out);
    };
    macro("spawned_process", "evt.type in (execve, execveat)");
    macro("shell", "proc.name in (shell_binaries)");
    macro("loop_a", "proc.name = x and loop_b");
    macro("loop_b", "not loop_a");
    macro("broken", "proc.name =");
    lists["shell_binaries"] = {"bash", "sh", "nested"};
    lists["nested"] = {"zsh", "\"quoted item\"", "shell_binaries"};
    lists["ports"] = {"80", "443"};
    lists["one"] = {"cat"};
  }

  binder_context context(std::string_view source, bool skip) const {
    binder_context ctx;
    ctx.source = source;
    ctx.skip_if_unknown_filter = skip;
    ctx.macro = [this](std::string_view n) -> const parsed_condition* {
      auto it = macros.find(n);
      return it == macros.end() ? nullptr : &it->second;
    };
    ctx.list = [this](std::string_view n) -> std::optional<list_definition> {
      auto it = lists.find(n);
      if (it == lists.end()) return std::nullopt;
      return list_definition{it->second, 0};  // no order: loops must be caught
    };
    return ctx;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixture f;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<diagnostic> out;
  // First byte (when present) picks the source and skip-if-unknown-filter.
  std::uint8_t pick = size ? data[0] : 0;
  auto sources = known_sources();
  std::string_view source = sources[pick % sources.size()];
  condition_origin origin = scalar_origin(text, {1, 1}, size ? pick % size : 0, text.substr(size ? 1 : 0), "fuzz.yaml", "r");
  parsed_condition c = parse_condition(text, origin, out);
  if (c.ok()) {
    bound_condition b = bind_condition(c, f.context(source, pick & 0x80), out);
    event_type_set types = event_types(b);
    if (!types.all && b.source != "syscall") __builtin_trap();
  }
  for (const diagnostic& d : out)
    if (d.message.empty() || d.code.empty()) __builtin_trap();
  return 0;
}
