// The top levels of a YAML stream as a small tree, from yaml-cpp's parser events (no YAML::Node graph).
#include "tags/outline.hpp"

#include <algorithm>
#include <istream>
#include <map>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "yaml/event_budget.hpp"

namespace mitrekg::tags {
namespace {

class builder : public YAML::EventHandler {
public:
  // text_bytes: the size of the text parsed, which sets the runaway budget (see tick()).
  builder(outline& out, std::size_t depth, const std::vector<std::string_view>& value_keys, std::size_t text_bytes)
      : out_(out), depth_(depth), value_keys_(value_keys), budget_(text_bytes) {}

  void OnDocumentStart(const YAML::Mark& mark) override { tick(mark); }
  void OnDocumentEnd() override { tick(last_); }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    tick(mark);
    add(outline_node::kind::null, mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    tick(mark);
    if (!parent_kept()) return;
    // Every anchored node is kept, so the alias names a kept one (yaml-cpp refuses unknown anchors).
    auto it = anchors_.find(anchor);
    if (it != anchors_.end()) attach(it->second);
    else attach(push(outline_node::kind::skipped, mark));
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    tick(mark);
    const bool wanted = text_wanted();   // asked before add() attaches the node
    if (auto i = add(outline_node::kind::scalar, mark, anchor); i != none && (wanted || anchor != YAML::NullAnchor))
      out_.nodes[i].scalar = value;
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    tick(mark);
    open(outline_node::kind::sequence, mark, anchor);
  }
  void OnSequenceEnd() override {
    tick(last_);
    close();
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    tick(mark);
    open(outline_node::kind::map, mark, anchor);
  }
  void OnMapEnd() override {
    tick(last_);
    close();
  }

private:
  static constexpr std::uint32_t none = UINT32_MAX;

  // Counts the event against the runaway budget (yaml/event_budget.hpp), which throws past it.
  void tick(const YAML::Mark& mark) {
    last_ = mark;
    budget_.tick(mark);
  }

  bool parent_kept() const noexcept { return stack_.empty() || stack_.back() != none; }

  // Whether the scalar starting now keeps its text: not a map value, or the value of a key asked for.
  bool text_wanted() const {
    if (stack_.empty() || stack_.back() == none || whole_ > 0) return true;
    const outline_node& parent = out_.nodes[stack_.back()];
    if (!parent.is_map() || parent.children.size() % 2 == 0) return true;
    const std::string& key = out_.nodes[parent.children.back()].scalar;
    return std::find(value_keys_.begin(), value_keys_.end(), key) != value_keys_.end();
  }

  // A node starting now is kept when anchored (an alias may name it), inside
  // an anchored node, or within depth_ below a kept parent. A kept parent gets
  // a `skipped` placeholder for a child it does not keep, so that a map's keys
  // and values stay paired.
  bool kept(YAML::anchor_t anchor) const noexcept {
    return anchor != YAML::NullAnchor || whole_ > 0 || (parent_kept() && stack_.size() <= depth_);
  }

  std::uint32_t push(outline_node::kind k, const YAML::Mark& mark) {
    out_.nodes.push_back({k, mark.line, mark.column, {}, {}});
    return static_cast<std::uint32_t>(out_.nodes.size() - 1);
  }

  void attach(std::uint32_t i) {
    if (stack_.empty()) out_.documents.push_back(i);
    else out_.nodes[stack_.back()].children.push_back(i);
  }

  // A node; returns its index, or `none` when not kept.
  std::uint32_t add(outline_node::kind k, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (!kept(anchor)) {
      if (parent_kept()) attach(push(outline_node::kind::skipped, mark));
      return none;
    }
    std::uint32_t i = push(k, mark);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = i;
    if (parent_kept()) attach(i);
    return i;
  }

  void open(outline_node::kind k, const YAML::Mark& mark, YAML::anchor_t anchor) {
    std::uint32_t i = add(k, mark, anchor);
    const bool whole = i != none && anchor != YAML::NullAnchor;
    if (whole) ++whole_;
    whole_stack_.push_back(whole);
    stack_.push_back(i);
  }

  void close() {
    if (stack_.empty()) return;
    if (whole_stack_.back()) --whole_;
    whole_stack_.pop_back();
    stack_.pop_back();
  }

  outline& out_;
  std::size_t depth_;
  const std::vector<std::string_view>& value_keys_;
  yaml::event_budget budget_;
  YAML::Mark last_;
  std::vector<std::uint32_t> stack_;   // open containers; `none`: not kept
  std::vector<bool> whole_stack_;      // whether each is an anchored node, kept whole
  std::size_t whole_ = 0;              // anchored nodes open
  std::map<YAML::anchor_t, std::uint32_t> anchors_;
};

}  // namespace

const outline_node* outline::get(const outline_node& m, std::string_view key) const {
  if (!m.is_map()) return nullptr;
  for (std::size_t k = 0; k + 1 < m.children.size(); k += 2) {
    const outline_node& n = nodes[m.children[k]];
    if (n.is_scalar() && n.scalar == key) return &nodes[m.children[k + 1]];
  }
  return nullptr;
}

outline read_outline(std::string_view text, std::size_t depth, const std::vector<std::string_view>& value_keys) {
  outline out;
  out.nodes.reserve(text.size() / 64 + 8);   // rule files keep about a node per 40-100 bytes: little regrowth
  yaml::view_buffer buffer(text);
  std::istream in(&buffer);
  YAML::Parser parser(in);
  builder b(out, depth, value_keys, text.size());
  while (parser.HandleNextDocument(b)) {
  }
  return out;
}

}  // namespace mitrekg::tags
