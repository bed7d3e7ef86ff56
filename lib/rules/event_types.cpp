// The syscall event types a bound condition can match, computed as Falco's event-type index does.
#include "rules/condition.hpp"

#include <algorithm>

namespace mitrekg::rules {
namespace {

// A set of event names as bits over syscall_event_types().
class type_bits {
 public:
  static type_bits all(std::size_t n) {
    type_bits b(n);
    for (std::size_t i = 0; i < n; ++i) b.set(i);
    return b;
  }
  explicit type_bits(std::size_t n) : n_(n), words_((n + 63) / 64, 0) {}
  void set(std::size_t i) { words_[i / 64] |= std::uint64_t{1} << (i % 64); }
  bool test(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1; }
  type_bits complement() const {
    type_bits r(n_);
    for (std::size_t i = 0; i < n_; ++i)
      if (!test(i)) r.set(i);
    return r;
  }
  void intersect(const type_bits& o) {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i];
  }
  void unite(const type_bits& o) {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] |= o.words_[i];
  }
  bool full() const {
    for (std::size_t i = 0; i < n_; ++i)
      if (!test(i)) return false;
    return true;
  }
  std::size_t size() const { return n_; }

 private:
  std::size_t n_;
  std::vector<std::uint64_t> words_;
};

// For each node: the types for which it can be true (pos) and for which its
// negation can be true (neg). and: pos = ∩, neg = ∪; or: the reverse; not
// swaps. A check that does not test evt.type can be true and false for every type.
struct truth {
  type_bits pos;
  type_bits neg;
};

class resolver {
 public:
  explicit resolver(const bound_condition& c) : c_(c), names_(syscall_event_types()) {}

  truth visit(std::uint32_t index) const {
    const bound_node& n = c_.nodes[index];
    switch (n.kind) {
      case bound_kind::not_: {
        truth t = visit(c_.child_indices[n.first_child]);
        return {std::move(t.neg), std::move(t.pos)};
      }
      case bound_kind::and_:
      case bound_kind::or_: {
        bool is_and = n.kind == bound_kind::and_;
        truth acc = is_and ? truth{type_bits::all(names_.size()), type_bits(names_.size())}
                           : truth{type_bits(names_.size()), type_bits::all(names_.size())};
        for (std::uint32_t i = 0; i < n.child_count; ++i) {
          truth t = visit(c_.child_indices[n.first_child + i]);
          if (is_and) {
            acc.pos.intersect(t.pos);
            acc.neg.unite(t.neg);
          } else {
            acc.pos.unite(t.pos);
            acc.neg.intersect(t.neg);
          }
        }
        return acc;
      }
      case bound_kind::check: return visit_check(c_.checks[n.check]);
    }
    return {type_bits::all(names_.size()), type_bits::all(names_.size())};
  }

 private:
  const bound_condition& c_;
  std::span<const std::string_view> names_;

  void add(type_bits& b, std::string_view name) const {
    auto it = std::lower_bound(names_.begin(), names_.end(), name);
    if (it != names_.end() && *it == name) b.set(static_cast<std::size_t>(it - names_.begin()));
  }

  truth visit_check(const bound_check& chk) const {
    const bound_field& f = chk.left;
    bool evt_type = f.info && f.info->name == "evt.type" && f.transformers.empty() && !f.has_arg && !chk.right;
    if (!evt_type) return {type_bits::all(names_.size()), type_bits::all(names_.size())};
    type_bits s(names_.size());
    switch (chk.op) {
      case cmp_op::eq:
      case cmp_op::eqeq:
      case cmp_op::ne:
        add(s, c_.values[chk.value].text);
        if (chk.op == cmp_op::ne) return {s.complement(), s};
        return {s, s.complement()};
      case cmp_op::in:
      case cmp_op::intersects:
        for (const auto& v : c_.sets[chk.set].values) add(s, v.text);
        return {s, s.complement()};
      default: return {type_bits::all(names_.size()), type_bits::all(names_.size())};
    }
  }
};

}  // namespace

event_type_set event_types(const bound_condition& c) {
  event_type_set out;
  if (!c.ok() || c.source != "syscall") return out;  // all
  resolver r(c);
  truth t = r.visit(c.root);
  if (t.pos.full()) return out;
  out.all = false;
  auto names = syscall_event_types();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (t.pos.test(i)) out.names.emplace_back(names[i]);
  return out;
}

}  // namespace mitrekg::rules
