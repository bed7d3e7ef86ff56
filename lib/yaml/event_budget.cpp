// The counting-only parse that tells a runaway yaml-cpp parse before a real load starts.
#include "yaml/event_budget.hpp"

#include <istream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

namespace mitrekg::yaml {

std::optional<YAML::Mark> runaway_parse(std::string_view text) {
  struct counter : YAML::EventHandler {
    event_budget budget;
    explicit counter(std::size_t bytes) : budget(bytes) {}
    void OnDocumentStart(const YAML::Mark& m) override { budget.tick(m); }
    void OnDocumentEnd() override { budget.tick(); }
    void OnNull(const YAML::Mark& m, YAML::anchor_t) override { budget.tick(m); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { budget.tick(m); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override {
      budget.tick(m);
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
      budget.tick(m);
    }
    void OnSequenceEnd() override { budget.tick(); }
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
      budget.tick(m);
    }
    void OnMapEnd() override { budget.tick(); }
  };
  counter events(text.size());
  view_buffer buffer(text);
  std::istream in(&buffer);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(events)) {
    }
  } catch (const runaway_error& e) {
    return e.mark;
  } catch (const YAML::Exception&) {
  }
  return std::nullopt;
}

}  // namespace mitrekg::yaml
