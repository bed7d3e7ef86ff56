// The binder: parsed tree → bound tree (macros inlined, lists resolved, fields typed, values checked, regexes compiled).
#include "rules/condition.hpp"
#include "rules/condition_impl.hpp"

#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace mitrekg::rules {
namespace {

// Bound trees nest at most this deep: and/or/not nodes and inlined macros each
// count one level. A parsed condition nests at most max_condition_depth; the
// margin is for macro chains.
constexpr std::uint32_t max_bind_depth = 2 * max_condition_depth;

bool is_numeric(field_type t) {
  return t == field_type::int64 || t == field_type::uint64 || t == field_type::port || t == field_type::reltime ||
         t == field_type::abstime || t == field_type::double_;
}
bool is_textual(field_type t) { return t == field_type::string || t == field_type::bytes || t == field_type::dynamic; }

// Which operators a field type takes (the comparisons libsinsp supports per type).
bool op_allowed(field_type t, cmp_op op) {
  switch (op) {
    case cmp_op::exists:
    case cmp_op::eq:
    case cmp_op::eqeq:
    case cmp_op::ne:
    case cmp_op::in:
    case cmp_op::intersects: return true;
    case cmp_op::lt:
    case cmp_op::le:
    case cmp_op::gt:
    case cmp_op::ge: return is_numeric(t) || t == field_type::dynamic;
    case cmp_op::bcontains:
    case cmp_op::bstartswith: return t == field_type::bytes || t == field_type::string || t == field_type::dynamic;
    case cmp_op::contains:
    case cmp_op::icontains:
    case cmp_op::startswith:
    case cmp_op::endswith:
    case cmp_op::glob:
    case cmp_op::iglob:
    case cmp_op::regex:
    case cmp_op::pmatch: return is_textual(t);
  }
  return false;
}

bool parse_int(std::string_view s, std::int64_t& out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return false;
  std::uint64_t u = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), u, base);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  if (neg) {
    if (u > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
    out = static_cast<std::int64_t>(0 - u);
  } else {
    out = static_cast<std::int64_t>(u);  // uint64 values above INT64_MAX keep their bits
  }
  return true;
}

bool parse_ip(std::string_view s, bound_value& v) {
  char buf[64];
  if (s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  if (inet_pton(AF_INET, buf, v.ip) == 1) {
    v.ip_len = 4;
    return true;
  }
  if (inet_pton(AF_INET6, buf, v.ip) == 1) {
    v.ip_len = 16;
    return true;
  }
  return false;
}

bool parse_net(std::string_view s, bound_value& v) {
  auto slash = s.find('/');
  if (!parse_ip(s.substr(0, slash), v)) return false;
  int max = v.ip_len * 8;
  if (slash == std::string_view::npos) {
    v.prefix = static_cast<std::uint8_t>(max);
    return true;
  }
  std::string_view p = s.substr(slash + 1);
  int bits = -1;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), bits);
  if (ec != std::errc() || end != p.data() + p.size() || p.empty() || bits < 0 || bits > max) return false;
  v.prefix = static_cast<std::uint8_t>(bits);
  return true;
}

// The operators whose constants must be event names when the field is evt.type.
bool is_equality(cmp_op op) {
  return op == cmp_op::eq || op == cmp_op::eqeq || op == cmp_op::ne || op == cmp_op::in || op == cmp_op::intersects;
}

bool is_hex_bytes(std::string_view s) {
  if (s.empty() || s.size() % 2 != 0) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

// A list item as written in YAML; Falco's textual substitution parses an item
// that is itself quoted ('"cat /dev/null"') as a quoted string.
std::string list_item_text(const std::string& item) {
  if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'') && item.back() == item.front()) {
    std::string out, error;
    if (detail::unescape(std::string_view(item).substr(1, item.size() - 2), item.front(), out, error)) return out;
  }
  return item;
}

struct value_ref {
  std::string text;
  bool quoted;
  std::uint32_t offset;
};

class binder {
 public:
  binder(const binder_context& ctx, const field_table* table, std::vector<mitrekg::diagnostic>& out,
         std::string item)
      : ctx_(ctx), table_(table), out_(out), item_(std::move(item)) {}

  bound_condition run(const parsed_condition& c) {
    b_.source = std::string(ctx_.source);
    detail::position_map map(c.origin, c.text);
    frame f{&c, &map};
    std::uint32_t root = bind_node(f, c.root);
    b_.macros_used.assign(macros_used_.begin(), macros_used_.end());
    b_.lists_used.assign(lists_used_.begin(), lists_used_.end());
    std::sort(b_.macros_used.begin(), b_.macros_used.end());
    std::sort(b_.lists_used.begin(), b_.lists_used.end());
    b_.skipped = skipped_;
    b_.root = failed_ || skipped_ ? no_index : root;
    return std::move(b_);
  }

 private:
  struct frame {
    const parsed_condition* c;
    const detail::position_map* map;
  };

  const binder_context& ctx_;
  const field_table* table_;
  std::vector<mitrekg::diagnostic>& out_;
  std::string item_;
  bound_condition b_;
  bool failed_ = false;
  bool skipped_ = false;
  bool too_large_ = false;  // reported once; binding stops
  std::uint32_t depth_ = 0;
  std::vector<std::string> macro_stack_;
  std::vector<std::string> list_stack_;
  string_set macros_used_;
  string_set lists_used_;
  text_map<std::vector<std::string>> list_cache_;

  void error(const frame& f, std::uint32_t offset, const char* code, std::string message) {
    out_.push_back(detail::make_diagnostic(*f.map, offset, code, item_, std::move(message)));
    failed_ = true;
  }

  std::uint32_t add_node(bound_node n) {
    b_.nodes.push_back(n);
    return static_cast<std::uint32_t>(b_.nodes.size() - 1);
  }

  std::uint32_t bind_node(const frame& f, std::uint32_t index) {
    const parsed_node& n = f.c->nodes[index];
    if (too_large_) return no_index;
    if (b_.nodes.size() + b_.child_indices.size() >= max_bound_nodes) {
      too_large_ = true;
      error(f, n.offset, "condition-too-large",
            "more than " + std::to_string(max_bound_nodes) + " nodes with macros inlined");
      return no_index;
    }
    if (depth_ >= max_bind_depth) {
      error(f, n.offset, "condition-too-deep",
            "exceeded max depth limit of " + std::to_string(max_bind_depth) + " with macros inlined");
      return no_index;
    }
    ++depth_;
    std::uint32_t r = no_index;
    switch (n.kind) {
      case parsed_kind::and_:
      case parsed_kind::or_:
      case parsed_kind::not_: {
        std::vector<std::uint32_t> kids;
        kids.reserve(n.child_count);
        for (std::uint32_t i = 0; i < n.child_count; ++i)
          kids.push_back(bind_node(f, f.c->child_indices[n.first_child + i]));
        bound_node bn;
        bn.kind = n.kind == parsed_kind::and_ ? bound_kind::and_
                  : n.kind == parsed_kind::or_ ? bound_kind::or_
                                                : bound_kind::not_;
        bn.first_child = static_cast<std::uint32_t>(b_.child_indices.size());
        bn.child_count = static_cast<std::uint32_t>(kids.size());
        b_.child_indices.insert(b_.child_indices.end(), kids.begin(), kids.end());
        r = add_node(bn);
        break;
      }
      case parsed_kind::macro_ref: r = bind_macro(f, n); break;
      case parsed_kind::check: r = bind_check(f, n); break;
    }
    --depth_;
    return r;
  }

  std::uint32_t bind_macro(const frame& f, const parsed_node& n) {
    const parsed_condition* m = ctx_.macro ? ctx_.macro(n.name) : nullptr;
    if (m == nullptr) {
      error(f, n.offset, "undefined-macro", "Undefined macro '" + n.name + "' used in filter.");
      return no_index;
    }
    auto on_stack = std::find(macro_stack_.begin(), macro_stack_.end(), n.name);
    if (on_stack != macro_stack_.end()) {
      std::string chain;
      for (auto it = on_stack; it != macro_stack_.end(); ++it) chain += *it + " -> ";
      error(f, n.offset, "macro-loop", "macro '" + n.name + "' refers to itself: " + chain + n.name);
      return no_index;
    }
    if (macro_stack_.size() >= max_macro_depth) {   // each level costs several stack frames
      error(f, n.offset, "condition-too-deep",
            "macros nested deeper than " + std::to_string(max_macro_depth) + " (at '" + n.name + "')");
      return no_index;
    }
    macros_used_.insert(n.name);
    if (!m->ok()) {  // its own syntax error was reported where the macro is defined
      error(f, n.offset, "invalid-macro", "macro '" + n.name + "' does not compile");
      return no_index;
    }
    detail::position_map map(m->origin, m->text);
    frame inner{m, &map};
    macro_stack_.push_back(n.name);
    std::uint32_t r = bind_node(inner, m->root);
    macro_stack_.pop_back();
    return r;
  }

  // The items of a list with the lists it names expanded (only lists defined
  // before it, as Falco does; all when orders are 0), or nullptr if `name` is no list.
  const std::vector<std::string>* resolve_list(const frame& f, std::uint32_t offset, const std::string& name) {
    if (auto it = list_cache_.find(name); it != list_cache_.end()) {
      lists_used_.insert(name);
      return &it->second;
    }
    std::optional<list_definition> def = ctx_.list ? ctx_.list(name) : std::nullopt;
    if (!def) return nullptr;
    lists_used_.insert(name);
    if (std::find(list_stack_.begin(), list_stack_.end(), name) != list_stack_.end()) {
      std::string chain;
      for (auto it = std::find(list_stack_.begin(), list_stack_.end(), name); it != list_stack_.end(); ++it)
        chain += *it + " -> ";
      error(f, offset, "list-loop", "list '" + name + "' refers to itself: " + chain + name);
      return nullptr;
    }
    if (list_stack_.size() >= max_condition_depth) {
      error(f, offset, "condition-too-deep", "lists nested deeper than " + std::to_string(max_condition_depth));
      return nullptr;
    }
    if (def->broken) {   // reported at its definition, not again at each use
      failed_ = true;
      return nullptr;
    }
    std::vector<std::string> items;
    items.reserve(def->items.size());
    if (def->expanded) {
      for (const std::string& raw : def->items) items.push_back(list_item_text(raw));
      return &(list_cache_[name] = std::move(items));
    }
    list_stack_.push_back(name);
    for (const std::string& raw : def->items) {
      std::optional<list_definition> inner;
      if (ctx_.list && !(raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'')))
        inner = ctx_.list(raw);
      if (inner && (def->order == 0 || inner->order < def->order)) {
        const std::vector<std::string>* sub = resolve_list(f, offset, raw);
        if (sub && items.size() + sub->size() > max_list_items) {
          error(f, offset, "condition-too-large",
                "list '" + name + "' has more than " + std::to_string(max_list_items) + " items with its lists inlined");
          list_stack_.pop_back();
          list_cache_[name];   // empty: reported once, not again at its next use
          return nullptr;
        }
        if (sub) items.insert(items.end(), sub->begin(), sub->end());
      } else {
        items.push_back(list_item_text(raw));
      }
    }
    list_stack_.pop_back();
    return &(list_cache_[name] = std::move(items));
  }

  bool bind_field(const frame& f, const parsed_field& p, bound_field& out) {
    std::string_view dotted;
    const field_info* fi = table_->find(p.name, &dotted);
    if (fi == nullptr) {
      std::string message = "filter_check called with nonexistent field " + p.name;
      if (ctx_.skip_if_unknown_filter) {
        out_.push_back(detail::make_diagnostic(*f.map, p.offset, "skipped-unknown-field", item_, message,
                                               severity::warning));
        skipped_ = true;
      } else {
        error(f, p.offset, "unknown-field", message);
      }
      return false;
    }
    out.info = fi;
    out.transformers = p.transformers;
    if (!out.transformers.empty() && out.transformers.front() == transformer::val)
      out.transformers.erase(out.transformers.begin());
    std::string name(fi->name);
    if (p.arg && !dotted.empty()) {
      error(f, p.offset, "field-argument", "field '" + name + "' has an argument both after a dot and in brackets");
      return false;
    }
    out.has_arg = p.arg.has_value() || !dotted.empty();
    out.arg = p.arg ? *p.arg : std::string(dotted);
    bool required = fi->arg == field_arg::index_required || fi->arg == field_arg::key_required ||
                    fi->arg == field_arg::index_or_key_required;
    if (out.has_arg && fi->arg == field_arg::none) {
      error(f, p.offset, "field-argument", "field '" + name + "' does not take an argument");
      return false;
    }
    if (!out.has_arg && required) {
      error(f, p.offset, "field-argument", "field '" + name + "' requires an argument");
      return false;
    }
    if (out.has_arg) {
      std::int64_t index = -1;
      bool numeric = parse_int(out.arg, index) && index >= 0 && out.arg.find_first_not_of("0123456789") == std::string::npos;
      if ((fi->arg == field_arg::index || fi->arg == field_arg::index_required) && !numeric) {
        error(f, p.offset, "field-argument", "field '" + name + "' takes a numeric index, not '" + out.arg + "'");
        return false;
      }
      if (numeric && fi->arg != field_arg::key && fi->arg != field_arg::key_required) out.index = index;
    }
    field_type t = fi->type;
    for (auto it = out.transformers.rbegin(); it != out.transformers.rend(); ++it) {
      if (!is_textual(t)) {
        error(f, p.offset, "invalid-operator",
              "transformer '" + std::string(to_string(*it)) + "' cannot be applied to field '" + name + "' of type " +
                  std::string(to_string(t)));
        return false;
      }
      t = *it == transformer::len ? field_type::uint64 : field_type::string;
    }
    out.type = t;
    return true;
  }

  // Checks one constant against the field's type; the typed value, or false.
  bool bind_value(const frame& f, const bound_field& field, cmp_op op, const value_ref& v, bound_value& out) {
    out.text = v.text;
    std::string name(field.info->name);
    auto bad = [&](const std::string& why) {
      error(f, v.offset, "invalid-value", "'" + v.text + "' is not " + why + " (field " + name + ")");
      return false;
    };
    if (field.info->list && field.transformers.empty()) return true;  // one string per extracted value
    switch (field.type) {
      case field_type::int64:
      case field_type::uint64:
      case field_type::reltime:
      case field_type::abstime:
        if (!parse_int(v.text, out.number)) return bad("a valid number");
        if (field.type != field_type::int64 && v.text.starts_with('-')) return bad("a valid unsigned number");
        return true;
      case field_type::port:
        if (!parse_int(v.text, out.number) || out.number < 0 || out.number > 65535) return bad("a valid port");
        return true;
      case field_type::double_: {
        char* end = nullptr;
        out.real = std::strtod(v.text.c_str(), &end);
        if (v.text.empty() || end != v.text.c_str() + v.text.size()) return bad("a valid number");
        return true;
      }
      case field_type::boolean:
        if (v.text == "true") out.number = 1;
        else if (v.text == "false") out.number = 0;
        else return bad("a valid boolean (true or false)");
        return true;
      case field_type::ipaddr:
        if (!parse_ip(v.text, out) && !parse_net(v.text, out)) return bad("a valid IP address");
        return true;
      case field_type::ipnet:
        if (!parse_net(v.text, out)) return bad("a valid IP network");
        return true;
      case field_type::bytes:
      case field_type::string:
      case field_type::dynamic:
        if ((op == cmp_op::bcontains || op == cmp_op::bstartswith) && !is_hex_bytes(v.text))
          return bad("a valid hex byte string");
        if (is_event_type_field(field) && is_equality(op) && !std::binary_search(syscall_event_types().begin(),
                                                              syscall_event_types().end(), std::string_view(v.text))) {
          error(f, v.offset, "invalid-value", "unknown event type " + v.text);
          return false;
        }
        return true;
    }
    return true;
  }

  bool is_event_type_field(const bound_field& field) const {
    return ctx_.source == "syscall" && field.info->name == "evt.type" && field.transformers.empty() && !field.has_arg;
  }

  std::uint32_t bind_check(const frame& f, const parsed_node& n) {
    bound_check chk;
    chk.op = n.op;
    if (!bind_field(f, n.left, chk.left)) return no_index;
    std::string name(chk.left.info->name);
    if (!op_allowed(chk.left.type, n.op) && !(chk.left.info->list && chk.left.transformers.empty())) {
      error(f, n.op_offset,
            "invalid-operator", "operator '" + std::string(to_string(n.op)) + "' is not valid for field " + name +
                                    " of type " + std::string(to_string(chk.left.type)));
      return no_index;
    }
    bool ok = true;
    switch (n.form) {
      case rhs_form::none: break;
      case rhs_form::field: {
        bound_field right;
        if (!bind_field(f, *n.right_field, right)) return no_index;
        if (n.op == cmp_op::regex) {
          error(f, n.right_field->offset, "invalid-operator",
                "operator 'regex' cannot be used with a field-to-field comparison");
          return no_index;
        }
        if (is_numeric(chk.left.type) != is_numeric(right.type) || (chk.left.type == field_type::boolean) !=
                                                                        (right.type == field_type::boolean)) {
          error(f, n.right_field->offset, "invalid-operator",
                "cannot compare field " + name + " (" + std::string(to_string(chk.left.type)) + ") with field " +
                    std::string(right.info->name) + " (" + std::string(to_string(right.type)) + ")");
          return no_index;
        }
        chk.right = std::move(right);
        break;
      }
      case rhs_form::value: {
        const parsed_value& pv = n.values.front();
        if (is_list_op(n.op)) {  // `in my_list`: the list, or the one word if it names none
          std::vector<value_ref> items;
          if (const auto* l = pv.quoted ? nullptr : resolve_list(f, pv.offset, pv.text))
            for (const auto& it : *l) items.push_back({it, false, pv.offset});
          else
            items.push_back({pv.text, pv.quoted, pv.offset});
          ok = bind_set(f, chk, items);
          break;
        }
        value_ref v{pv.text, pv.quoted, pv.offset};
        if (!pv.quoted) {  // Falco substitutes a list's items for its name even here (`proc.name= my_list`)
          if (const auto* l = resolve_list(f, pv.offset, pv.text)) {
            if (l->size() != 1) {
              error(f, pv.offset, "invalid-value",
                    "list '" + pv.text + "' has " + std::to_string(l->size()) + " items where one value is expected");
              return no_index;
            }
            v.text = l->front();
          }
        }
        bound_value bv;
        if (!bind_value(f, chk.left, n.op, v, bv)) return no_index;
        if (n.op == cmp_op::regex) {
          auto re = std::make_shared<re2::RE2>(bv.text, re2::RE2::Quiet);
          if (!re->ok()) {
            error(f, pv.offset, "invalid-value", "invalid regex '" + bv.text + "': " + re->error());
            return no_index;
          }
          chk.regex = static_cast<std::uint32_t>(b_.regexes.size());
          b_.regexes.push_back(std::move(re));
        }
        chk.value = static_cast<std::uint32_t>(b_.values.size());
        b_.values.push_back(std::move(bv));
        break;
      }
      case rhs_form::list: {
        std::vector<value_ref> items;
        items.reserve(n.values.size());
        for (const auto& pv : n.values) {
          const std::vector<std::string>* l = pv.quoted ? nullptr : resolve_list(f, pv.offset, pv.text);
          if (l)
            for (const auto& it : *l) items.push_back({it, false, pv.offset});
          else
            items.push_back({pv.text, pv.quoted, pv.offset});
        }
        if (!is_list_op(n.op) && items.size() != 1) {  // cannot be parsed; kept for safety
          error(f, n.op_offset, "invalid-operator", "operator '" + std::string(to_string(n.op)) + "' takes one value");
          return no_index;
        }
        ok = bind_set(f, chk, items);
        break;
      }
    }
    if (!ok) return no_index;
    bound_node bn;
    bn.kind = bound_kind::check;
    bn.check = static_cast<std::uint32_t>(b_.checks.size());
    b_.checks.push_back(std::move(chk));
    return add_node(bn);
  }

  bool bind_set(const frame& f, bound_check& chk, const std::vector<value_ref>& items) {
    value_set set;
    set.values.reserve(items.size());
    set.strings.reserve(items.size());
    bool ok = true;
    for (const auto& it : items) {
      if (set.strings.contains(it.text)) continue;
      bound_value bv;
      if (!bind_value(f, chk.left, chk.op, it, bv)) {
        ok = false;
        continue;
      }
      set.strings.insert(bv.text);
      if (is_numeric(chk.left.type) || chk.left.type == field_type::boolean) set.numbers.push_back(bv.number);
      if (chk.op == cmp_op::pmatch) {
        std::string p = bv.text;
        while (p.size() > 1 && p.back() == '/') p.pop_back();
        set.paths.push_back(std::move(p));
      }
      set.values.push_back(std::move(bv));
    }
    std::sort(set.numbers.begin(), set.numbers.end());
    set.numbers.erase(std::unique(set.numbers.begin(), set.numbers.end()), set.numbers.end());
    std::sort(set.paths.begin(), set.paths.end());
    set.paths.erase(std::unique(set.paths.begin(), set.paths.end()), set.paths.end());
    if (!ok) return false;
    chk.set = static_cast<std::uint32_t>(b_.sets.size());
    b_.sets.push_back(std::move(set));
    return true;
  }
};

}  // namespace

bound_condition bind_condition(const parsed_condition& c, const binder_context& ctx, std::vector<mitrekg::diagnostic>& out) {
  const field_table* table = ctx.fields ? ctx.fields : fields_for_source(ctx.source);
  if (!c.ok()) {
    bound_condition b;
    b.source = std::string(ctx.source);
    return b;  // the parse diagnostics already say why
  }
  if (table == nullptr) {
    detail::position_map map(c.origin, c.text);
    out.push_back(detail::make_diagnostic(map, 0, "unknown-field", c.origin.item,
                                          "no field table for source " + std::string(ctx.source)));
    bound_condition b;
    b.source = std::string(ctx.source);
    return b;
  }
  binder b(ctx, table, out, c.origin.item);
  return b.run(c);
}

}  // namespace mitrekg::rules
