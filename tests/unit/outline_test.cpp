// lib/tags outline: the same nodes, positions and texts as YAML::LoadAll down to the kept depth, aliases included.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tags/outline.hpp"

using namespace mitrekg::tags;

namespace {

const std::vector<std::string_view> value_keys = {"rule", "title"};

// Compares outline node `i` with yaml-cpp's node at `depth` below its document;
// `text_kept`: whether the outline keeps this scalar's text. Counts the nodes compared.
void same(const outline& y, std::uint32_t i, const YAML::Node& n, std::size_t depth, std::size_t max_depth,
          bool text_kept, bool whole, std::size_t& compared) {
  const outline_node& o = y[i];
  ++compared;
  CAPTURE(depth);
  CHECK(o.line == n.Mark().line);
  CHECK(o.column == n.Mark().column);
  if (depth > max_depth && !whole) {
    CHECK(o.type == outline_node::kind::skipped);
    return;
  }
  switch (n.Type()) {
    case YAML::NodeType::Null: CHECK(o.type == outline_node::kind::null); break;
    case YAML::NodeType::Scalar:
      REQUIRE(o.is_scalar());
      if (text_kept) CHECK(o.scalar == n.Scalar());
      else CHECK(o.scalar.empty());
      break;
    case YAML::NodeType::Sequence: {
      REQUIRE(o.is_sequence());
      REQUIRE(o.children.size() == n.size());
      for (std::size_t k = 0; k < n.size(); ++k)
        same(y, o.children[k], n[k], depth + 1, max_depth, true, whole, compared);
      break;
    }
    case YAML::NodeType::Map: {
      REQUIRE(o.is_map());
      REQUIRE(o.children.size() == 2 * n.size());
      std::size_t k = 0;
      for (const auto& kv : n) {
        same(y, o.children[k], kv.first, depth + 1, max_depth, true, whole, compared);
        const bool wanted = whole || (kv.first.IsScalar() && (kv.first.Scalar() == "rule" || kv.first.Scalar() == "title"));
        same(y, o.children[k + 1], kv.second, depth + 1, max_depth, wanted, whole, compared);
        k += 2;
      }
      break;
    }
    default: FAIL("undefined node");
  }
}

void check_text(const std::string& text, std::size_t max_depth, std::size_t expect_nodes) {
  CAPTURE(text);
  outline y = read_outline(text, max_depth, value_keys);
  std::vector<YAML::Node> docs = YAML::LoadAll(text);
  REQUIRE(y.documents.size() == docs.size());
  std::size_t compared = 0;
  for (std::size_t d = 0; d < docs.size(); ++d) same(y, y.documents[d], docs[d], 0, max_depth, true, false, compared);
  CHECK(compared == expect_nodes);
}

}  // namespace

TEST_CASE("the outline is YAML::LoadAll's tree cut at the kept depth") {
  // A Falco list: rule → its fields → tags; the condition's text is not kept, the rule's name is.
  check_text("- rule: Shell in container\n  condition: spawned_process and container\n"
             "  tags: [container, mitre_execution, T1059]\n  exceptions:\n    - name: x\n      fields: [a, b]\n"
             "- macro: m\n  condition: evt.type = execve\n",
             3, 23);
  // Two Sigma documents, a block list, quoted and empty values, a comment.
  check_text("title: 'Quoted: title'\ntags:\n  - attack.t1059  # comment\n  - \"attack.execution\"\n"
             "logsource: {product: windows}\ndetection:\n  selection:\n    Image|endswith: '\\cmd.exe'\n"
             "  condition: selection\nempty:\n---\ntitle: second\ntags: []\n",
             3, 26);
}

TEST_CASE("an alias means the anchored node, however deep the anchor is") {
  const std::string text =
      "- list: deep\n  items:\n    - nested:\n        common: &tags [T1059, mitre_execution]\n"
      "- rule: uses an alias\n  tags: *tags\n  desc: &d described\n  again: *d\n";
  outline y = read_outline(text, 2, value_keys);
  REQUIRE(y.documents.size() == 1);
  const outline_node& list = y[y.documents[0]];
  REQUIRE(list.children.size() == 2);
  const outline_node& rule = y[list.children[1]];
  const outline_node* tags = y.get(rule, "tags");
  REQUIRE(tags != nullptr);
  REQUIRE(tags->is_sequence());
  REQUIRE(tags->children.size() == 2);
  CHECK(y[tags->children[0]].scalar == "T1059");
  CHECK(y[tags->children[1]].scalar == "mitre_execution");
  CHECK(y[tags->children[0]].line == 3);   // where the anchored node is, as YAML::Load says
  CHECK(YAML::LoadAll(text)[0][1]["tags"][0].Mark().line == 3);
  // An anchored scalar keeps its text wherever it is used.
  CHECK(y.get(rule, "again")->scalar == "described");
  CHECK(y.get(rule, "rule")->scalar == "uses an alias");
  CHECK(y.get(rule, "missing") == nullptr);
  CHECK(y.get(*tags, "T1059") == nullptr);   // not a map
}

TEST_CASE("what yaml-cpp refuses, the outline refuses with the same position and message") {
  for (std::string bad : {"a: [1, 2\n", "- rule: x\n  tags: *nowhere\n", "a: b: c\n", "a: 1\n a: 2\n", "{a: 1\n",
                          "- a\n- b\n  c: d\n"}) {
    CAPTURE(bad);
    std::string load_error, outline_error;
    int load_line = -1, outline_line = -2, load_column = -1, outline_column = -2;
    try {
      YAML::LoadAll(bad);
    } catch (const YAML::Exception& e) {
      load_error = e.msg;
      load_line = e.mark.line;
      load_column = e.mark.column;
    }
    try {
      read_outline(bad, 3, value_keys);
    } catch (const YAML::Exception& e) {
      outline_error = e.msg;
      outline_line = e.mark.line;
      outline_column = e.mark.column;
    }
    CHECK(!load_error.empty());
    CHECK(outline_error == load_error);
    CHECK(outline_line == load_line);
    CHECK(outline_column == load_column);
  }
}
