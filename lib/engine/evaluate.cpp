// The evaluator: walks a bound condition over one event; lists as hash sets, regex through RE2, no allocation per event.
#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <optional>

#include <fnmatch.h>
#include <re2/re2.h>

#include "engine/engine_impl.hpp"
#include "support/text.hpp"

namespace mitrekg::engine {
namespace {

using rules::cmp_op;
using rules::field_type;

bool is_numeric(field_type t) {
  return t == field_type::int64 || t == field_type::uint64 || t == field_type::port || t == field_type::reltime ||
         t == field_type::abstime || t == field_type::boolean;
}

bool to_number(const fvalue& v, std::int64_t& out) {
  if (v.is_num) {
    out = v.n;
    return true;
  }
  auto [p, ec] = std::from_chars(v.s.data(), v.s.data() + v.s.size(), out);
  return ec == std::errc() && p == v.s.data() + v.s.size();
}

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Applies the field's transformers (innermost first) to v, using the scratch buffers.
fvalue transform(const std::vector<rules::transformer>& ts, fvalue v, std::string& a, std::string& b) {
  std::string* out = &a;
  for (auto it = ts.rbegin(); it != ts.rend(); ++it) {
    switch (*it) {
      case rules::transformer::tolower:
      case rules::transformer::toupper: {
        out->assign(v.s);
        for (char& c : *out)
          c = *it == rules::transformer::tolower ? static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c)
                                                  : static_cast<char>((c >= 'a' && c <= 'z') ? c - 32 : c);
        v.s = *out;
        v.is_num = false;
        out = out == &a ? &b : &a;
        break;
      }
      case rules::transformer::b64: {
        out->clear();
        std::uint32_t acc = 0;
        int bits = 0;
        for (char c : v.s) {
          int x = b64_value(c);
          if (x < 0) continue;   // '=' padding and line breaks
          acc = (acc << 6) | static_cast<std::uint32_t>(x);
          bits += 6;
          if (bits >= 8) {
            bits -= 8;
            out->push_back(static_cast<char>((acc >> bits) & 0xff));
          }
        }
        v.s = *out;
        v.is_num = false;
        out = out == &a ? &b : &a;
        break;
      }
      case rules::transformer::basename: {
        auto slash = v.s.rfind('/');
        if (slash != std::string_view::npos) v.s = v.s.substr(slash + 1);
        v.is_num = false;
        break;
      }
      case rules::transformer::len:
        v.n = static_cast<std::int64_t>(v.s.size());
        v.is_num = true;
        break;
      case rules::transformer::val: break;
    }
  }
  return v;
}

bool parse_ip(std::string_view s, std::uint8_t (&out)[16], std::uint8_t& len) {
  char buf[64];
  if (s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = 0;
  if (inet_pton(AF_INET, buf, out) == 1) {
    len = 4;
    return true;
  }
  if (inet_pton(AF_INET6, buf, out) == 1) {
    len = 16;
    return true;
  }
  return false;
}

bool ip_matches(const std::uint8_t (&ip)[16], std::uint8_t len, const rules::bound_value& v) {
  if (v.ip_len != len) return false;
  int bits = v.prefix ? v.prefix : len * 8;
  for (int i = 0; i < bits; ++i) {
    int byte = i / 8, bit = 7 - i % 8;
    if (((ip[byte] >> bit) & 1) != ((v.ip[byte] >> bit) & 1)) return false;
  }
  return true;
}

bool in_set(const ccheck& cc, field_type t, const fvalue& v) {
  const auto& set = *cc.set;
  if (is_numeric(t)) {
    std::int64_t n = 0;
    if (!to_number(v, n)) return false;
    return std::binary_search(set.numbers.begin(), set.numbers.end(), n);
  }
  if (t == field_type::ipaddr || t == field_type::ipnet) {
    std::uint8_t ip[16] = {};
    std::uint8_t len = 0;
    if (!parse_ip(v.s, ip, len)) return set.strings.contains(v.s);
    for (const auto& x : set.values)   // networks: a prefix test each
      if (ip_matches(ip, len, x)) return true;
    return false;
  }
  return set.strings.contains(v.s);
}

bool pmatch(const ccheck& cc, std::string_view s) {
  if (cc.paths.contains(s)) return true;
  if (!s.empty() && s.front() == '/' && cc.paths.contains(std::string_view("/"))) return true;
  for (std::size_t i = 1; i < s.size(); ++i)
    if (s[i] == '/' && cc.paths.contains(s.substr(0, i))) return true;
  return false;
}

// =, ==, !=, <, <=, >, >= on two values of one type; nullopt for the other operators.
template <typename T>
std::optional<bool> ordered(cmp_op op, const T& a, const T& b) {
  switch (op) {
    case cmp_op::eq:
    case cmp_op::eqeq: return a == b;
    case cmp_op::ne: return a != b;
    case cmp_op::lt: return a < b;
    case cmp_op::le: return a <= b;
    case cmp_op::gt: return a > b;
    case cmp_op::ge: return a >= b;
    default: return std::nullopt;
  }
}

// One value against one constant (or the right field's value).
bool compare(const ccheck& cc, field_type t, const fvalue& l, std::string_view rtext, std::int64_t rnum, double rreal,
             event_ctx& ctx) {
  cmp_op op = cc.chk->op;
  if (is_numeric(t) || (t == field_type::dynamic && l.is_num)) {
    std::int64_t n = 0;
    if (!to_number(l, n)) return false;
    if (auto r = ordered(op, n, rnum)) return *r;
  }
  if (t == field_type::double_) {
    if (auto r = ordered(op, l.is_num ? l.d : 0.0, rreal)) return *r;
  }
  if ((t == field_type::ipaddr || t == field_type::ipnet) && cc.value && (op == cmp_op::eq || op == cmp_op::eqeq || op == cmp_op::ne)) {
    std::uint8_t ip[16] = {};
    std::uint8_t len = 0;
    bool eq = parse_ip(l.s, ip, len) ? ip_matches(ip, len, *cc.value) : l.s == rtext;
    return op == cmp_op::ne ? !eq : eq;
  }
  std::string_view s = l.s;
  if (auto r = ordered(op, s, rtext)) return *r;
  switch (op) {
    case cmp_op::contains: return s.find(rtext) != std::string_view::npos;
    case cmp_op::icontains: return ifind(s, rtext) != std::string::npos;
    case cmp_op::bcontains: return s.find(cc.needle) != std::string_view::npos;
    case cmp_op::startswith: return s.starts_with(rtext);
    case cmp_op::bstartswith: return s.starts_with(cc.needle);
    case cmp_op::endswith: return s.ends_with(rtext);
    case cmp_op::glob:
    case cmp_op::iglob: {
      ctx.scratch_c.assign(s);
      ctx.scratch_b.assign(rtext);
      return fnmatch(ctx.scratch_b.c_str(), ctx.scratch_c.c_str(), op == cmp_op::iglob ? FNM_CASEFOLD : 0) == 0;
    }
    case cmp_op::regex: return cc.regex && RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *cc.regex);
    default: return false;
  }
}

bool check(const ccheck& cc, event_ctx& ctx) {
  const fvalue* vs = nullptr;
  std::size_t n = 0;
  bool present = ctx.get(cc.key, vs, n);
  cmp_op op = cc.chk->op;
  if (op == cmp_op::exists) return present;
  if (!present || n == 0) return false;
  const auto& left = cc.chk->left;
  field_type t = left.type;
  bool list_field = left.info->list && left.transformers.empty();
  if (list_field && op != cmp_op::in && op != cmp_op::intersects && op != cmp_op::pmatch) t = field_type::string;
  auto value_at = [&](std::size_t i) {
    return left.transformers.empty() ? vs[i] : transform(left.transformers, vs[i], ctx.scratch_a, ctx.scratch_b);
  };
  if (op == cmp_op::in || op == cmp_op::intersects) {
    if (op == cmp_op::in && list_field) {   // every value in the set
      for (std::size_t i = 0; i < n; ++i)
        if (!in_set(cc, t, value_at(i))) return false;
      return true;
    }
    for (std::size_t i = 0; i < n; ++i)
      if (in_set(cc, t, value_at(i))) return true;
    return false;
  }
  if (op == cmp_op::pmatch) {
    for (std::size_t i = 0; i < n; ++i)
      if (pmatch(cc, value_at(i).s)) return true;
    return false;
  }
  if (cc.right_key != rules::no_index) {
    const fvalue* rv = nullptr;
    std::size_t rn = 0;
    if (!ctx.get(cc.right_key, rv, rn) || rn == 0) return false;
    // The right value is copied out of the scratch buffers the left side reuses.
    fvalue r = cc.chk->right->transformers.empty()
                   ? rv[0]
                   : transform(cc.chk->right->transformers, rv[0], ctx.scratch_a, ctx.scratch_b);
    std::string& keep = ctx.scratch_c;
    keep.assign(r.s);
    std::string rtext = keep;   // rare path (val()); small
    std::int64_t rnum = 0;
    to_number(r, rnum);
    for (std::size_t i = 0; i < n; ++i)
      if (compare(cc, t, value_at(i), rtext, rnum, r.d, ctx)) return true;
    return false;
  }
  const auto& v = *cc.value;
  for (std::size_t i = 0; i < n; ++i)
    if (compare(cc, t, value_at(i), v.text, v.number, v.real, ctx)) return true;
  return false;
}

bool eval(const crule& r, event_ctx& ctx, std::uint32_t node) {
  const auto& nd = r.cond->nodes[node];
  const auto* kids = r.cond->child_indices.data() + nd.first_child;
  switch (nd.kind) {
    case rules::bound_kind::and_:
      for (std::uint32_t i = 0; i < nd.child_count; ++i)
        if (!eval(r, ctx, kids[i])) return false;
      return true;
    case rules::bound_kind::or_:
      for (std::uint32_t i = 0; i < nd.child_count; ++i)
        if (eval(r, ctx, kids[i])) return true;
      return false;
    case rules::bound_kind::not_: return !eval(r, ctx, kids[0]);
    case rules::bound_kind::check: return check(r.checks[nd.check], ctx);
  }
  return false;
}

}  // namespace

bool matches(const crule& r, event_ctx& ctx) { return eval(r, ctx, r.cond->root); }

}  // namespace mitrekg::engine
