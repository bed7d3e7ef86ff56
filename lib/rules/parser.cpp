// Falco condition lexer and recursive-descent parser: text → parsed tree, with Falco's error messages.
#include "rules/condition.hpp"
#include "rules/condition_impl.hpp"

#include <array>
#include <string>

namespace mitrekg::rules {
namespace detail {

bool unescape(std::string_view body, char quote, std::string& out, std::string& error) {
  out.clear();
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == body.size()) {  // cannot happen for a lexed token: the closing quote would be escaped
      error = "unsupported string escape sequence: \\";
      return false;
    }
    switch (body[i]) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case ' ':   // Falco keeps "\ " (once in its own rules) as a backslash
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case '"':
        if (quote != '"') {
          error = "invalid \\\" escape in '-quoted string";
          return false;
        }
        out += '"';
        break;
      case '\'':
        if (quote != '\'') {
          error = "invalid \\' escape in \"-quoted string";
          return false;
        }
        out += '\'';
        break;
      default:
        error = std::string("unsupported string escape sequence: \\") + body[i];
        return false;
    }
  }
  return true;
}

}  // namespace detail

namespace {

constexpr std::string_view transformer_list = "'val', 'tolower', 'toupper', 'b64', 'basename', 'len'";
constexpr std::string_view operator_list =
    "'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', "
    "'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', 'pmatch'";

struct syntax_error {
  std::string message;
  std::uint32_t offset;
  const char* code = "condition-syntax";
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n'; }
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }  // POSIX [[:space:]]
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

struct op_spelling {
  std::string_view text;
  cmp_op op;
  bool word;  // must be followed by a blank ("contains " in Falco)
};
// Order matters: "<=" before "<", "==" before "=".
constexpr std::array<op_spelling, 4> num_ops = {{
    {"<=", cmp_op::le, false}, {"<", cmp_op::lt, false}, {">=", cmp_op::ge, false}, {">", cmp_op::gt, false}}};
constexpr std::array<op_spelling, 12> str_ops = {{{"==", cmp_op::eqeq, false},
                                                  {"=", cmp_op::eq, false},
                                                  {"!=", cmp_op::ne, false},
                                                  {"glob", cmp_op::glob, true},
                                                  {"iglob", cmp_op::iglob, true},
                                                  {"contains", cmp_op::contains, true},
                                                  {"icontains", cmp_op::icontains, true},
                                                  {"bcontains", cmp_op::bcontains, true},
                                                  {"startswith", cmp_op::startswith, true},
                                                  {"bstartswith", cmp_op::bstartswith, true},
                                                  {"endswith", cmp_op::endswith, true},
                                                  {"regex", cmp_op::regex, true}}};
constexpr std::array<op_spelling, 3> list_ops = {
    {{"intersects", cmp_op::intersects, false}, {"in", cmp_op::in, false}, {"pmatch", cmp_op::pmatch, false}}};

struct transformer_spelling {
  std::string_view text;
  transformer t;
};
constexpr std::array<transformer_spelling, 5> transformers = {{{"tolower(", transformer::tolower},
                                                              {"toupper(", transformer::toupper},
                                                              {"b64(", transformer::b64},
                                                              {"basename(", transformer::basename},
                                                              {"len(", transformer::len}}};

// Mirrors Falco's parser (libsinsp filter/parser.cpp): the same grammar, the
// same lexing quirks (operators as prefixes, "or(" after a check), the same
// messages, and the last lexed token in "unexpected token after '...'".
// Recursion: a few frames per nesting level, levels capped by max_condition_depth.
class parser {
 public:
  parser(std::string_view text, parsed_condition& out, const detail::position_map& map)
      : in_(text), c_(out), map_(map) {}

  std::uint32_t parse() {
    if (in_.empty()) fail("filter input string is empty");
    std::uint32_t root = parse_or();
    if (pos_ != in_.size()) fail("unexpected token after '" + last_ + "', expecting 'or', 'and'");
    return root;
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  std::string last_;
  std::uint32_t depth_ = 0;
  parsed_condition& c_;
  const detail::position_map& map_;

  // Errors point at the offending token: the next non-blank byte.
  [[noreturn]] void fail(std::string message, const char* code = "condition-syntax") {
    std::size_t p = pos_;
    while (p < in_.size() && is_blank(in_[p])) ++p;
    fail_at(std::move(message), p, code);
  }
  [[noreturn]] void fail_at(std::string message, std::size_t offset, const char* code = "condition-syntax") {
    throw syntax_error{std::move(message), static_cast<std::uint32_t>(offset), code};
  }

  // `opening`: the offset of the "(" or transformer that nests one level more.
  struct depth_guard {
    parser& p;
    depth_guard(parser& owner, std::size_t opening) : p(owner) {
      if (++p.depth_ > max_condition_depth)
        p.fail_at("exceeded max depth limit of " + std::to_string(max_condition_depth), opening,
                  "condition-too-deep");
    }
    ~depth_guard() { --p.depth_; }
  };

  char at(std::size_t i) const { return i < in_.size() ? in_[i] : '\0'; }
  source_position pos_of(std::size_t offset) const { return map_.locate(static_cast<std::uint32_t>(offset)).pos; }

  bool lex_blank() {
    bool found = false;
    while (pos_ < in_.size() && is_blank(in_[pos_])) {
      ++pos_;
      found = true;
    }
    return found;
  }
  bool lex_str(std::string_view s) {
    if (in_.substr(pos_, s.size()) != s) return false;
    last_.assign(s);
    pos_ += s.size();
    return true;
  }
  template <std::size_t N>
  const op_spelling* lex_op(const std::array<op_spelling, N>& ops) {
    for (const auto& o : ops) {
      if (in_.substr(pos_, o.text.size()) != o.text) continue;
      if (o.word && !is_blank(at(pos_ + o.text.size()))) continue;
      last_.assign(o.text);
      pos_ += o.text.size();
      return &o;
    }
    return nullptr;
  }
  const transformer_spelling* lex_transformer() {
    for (const auto& t : transformers)
      if (lex_str(t.text)) return &t;
    return nullptr;
  }
  // (not[[:space:]]+)
  bool lex_not_blank() {
    if (in_.substr(pos_, 3) != "not" || !is_space(at(pos_ + 3))) return false;
    std::size_t p = pos_ + 3;
    while (p < in_.size() && is_space(in_[p])) ++p;
    last_.assign(in_.substr(pos_, p - pos_));
    pos_ = p;
    return true;
  }
  // [a-zA-Z]+[a-zA-Z0-9_]*
  std::size_t scan_identifier(std::size_t p) const {
    if (!is_alpha(at(p))) return 0;
    std::size_t q = p;
    while (q < in_.size() && is_word(in_[q])) ++q;
    return q - p;
  }
  bool lex_identifier() {
    std::size_t n = scan_identifier(pos_);
    if (n == 0) return false;
    last_.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  // identifier ( '.' identifier )+
  bool lex_field_name() {
    std::size_t n = scan_identifier(pos_);
    if (n == 0) return false;
    std::size_t q = pos_ + n;
    int parts = 1;
    while (at(q) == '.' && is_alpha(at(q + 1))) {
      q += 1 + scan_identifier(q + 1);
      ++parts;
    }
    if (parts < 2) return false;
    last_.assign(in_.substr(pos_, q - pos_));
    pos_ = q;
    return true;
  }
  // A non-empty run of bytes none of which `stops` it.
  bool lex_run(bool (*stops)(char)) {
    std::size_t q = pos_;
    while (q < in_.size() && !stops(in_[q])) ++q;
    if (q == pos_) return false;
    last_.assign(in_.substr(pos_, q - pos_));
    pos_ = q;
    return true;
  }
  // [^][\"'[:space:]]+
  bool lex_field_arg_bare() {
    return lex_run([](char ch) { return ch == '[' || ch == ']' || ch == '"' || ch == '\'' || is_space(ch); });
  }
  // [^()\"'[:space:]=,]+
  bool lex_bare() {
    return lex_run([](char ch) {
      return ch == '(' || ch == ')' || ch == '"' || ch == '\'' || ch == '=' || ch == ',' || is_space(ch);
    });
  }
  // 0[xX][0-9a-zA-Z]+
  bool lex_hex_num() {
    if (at(pos_) != '0' || (at(pos_ + 1) != 'x' && at(pos_ + 1) != 'X')) return false;
    std::size_t q = pos_ + 2;
    while (is_alpha(at(q)) || is_digit(at(q))) ++q;
    if (q == pos_ + 2) return false;
    last_.assign(in_.substr(pos_, q - pos_));
    pos_ = q;
    return true;
  }
  // [+\-]?[0-9]+[\.]?[0-9]*([eE][+\-][0-9]+)?
  bool lex_num() {
    std::size_t q = pos_;
    if (at(q) == '+' || at(q) == '-') ++q;
    if (!is_digit(at(q))) return false;
    while (is_digit(at(q))) ++q;
    if (at(q) == '.') ++q;
    while (is_digit(at(q))) ++q;
    if ((at(q) == 'e' || at(q) == 'E') && (at(q + 1) == '+' || at(q + 1) == '-') && is_digit(at(q + 2))) {
      q += 2;
      while (is_digit(at(q))) ++q;
    }
    last_.assign(in_.substr(pos_, q - pos_));
    pos_ = q;
    return true;
  }
  // A '- or "-quoted string; a backslash escapes the next byte. Unterminated: not a string.
  bool lex_quoted(parsed_value* v) {
    char q = at(pos_);
    if (q != '"' && q != '\'') return false;
    std::size_t i = pos_ + 1;
    while (i < in_.size() && in_[i] != q) i += in_[i] == '\\' ? 2 : 1;
    if (i >= in_.size()) return false;
    std::string error;
    if (!detail::unescape(in_.substr(pos_ + 1, i - pos_ - 1), q, last_, error)) fail_at(error, pos_);
    if (v) v->quoted = true;
    pos_ = i + 1;
    return true;
  }

  std::uint32_t add_node(parsed_node n) {
    c_.nodes.push_back(std::move(n));
    return static_cast<std::uint32_t>(c_.nodes.size() - 1);
  }
  std::uint32_t add_logical(parsed_kind kind, std::size_t start, const std::vector<std::uint32_t>& kids) {
    parsed_node n;
    n.kind = kind;
    n.offset = static_cast<std::uint32_t>(start);
    n.pos = pos_of(start);
    n.first_child = static_cast<std::uint32_t>(c_.child_indices.size());
    n.child_count = static_cast<std::uint32_t>(kids.size());
    c_.child_indices.insert(c_.child_indices.end(), kids.begin(), kids.end());
    return add_node(std::move(n));
  }

  // operand {keyword operand}: "or" over and-chains, "and" over not-terms. As in
  // Falco, "or(" / "and(" take just the parenthesised group as the next operand.
  std::uint32_t parse_chain(std::string_view keyword, parsed_kind kind, std::uint32_t (parser::*operand)()) {
    lex_blank();
    std::size_t start = pos_;
    std::vector<std::uint32_t> kids{(this->*operand)()};
    lex_blank();
    while (lex_str(keyword)) {
      if (!lex_blank()) {
        if (!lex_str("(")) fail("expected blank or '(' after '" + std::string(keyword) + "'");
        kids.push_back(parse_embedded());
      } else {
        kids.push_back((this->*operand)());
      }
      lex_blank();
    }
    return kids.size() == 1 ? kids[0] : add_logical(kind, start, kids);
  }
  std::uint32_t parse_or() { return parse_chain("or", parsed_kind::or_, &parser::parse_and); }
  std::uint32_t parse_and() { return parse_chain("and", parsed_kind::and_, &parser::parse_not); }

  std::uint32_t parse_not() {
    lex_blank();
    std::size_t start = pos_;
    bool negate = false;
    while (lex_not_blank()) negate = !negate;  // a loop, not recursion: "not not ... x" costs no depth
    std::uint32_t child;
    if (lex_str("not(")) {
      negate = !negate;
      child = parse_embedded();
    } else {
      child = parse_check();
    }
    if (!negate) return child;
    return add_logical(parsed_kind::not_, start, {child});
  }

  // After "(": the inner expression and ")".
  std::uint32_t parse_embedded() {
    depth_guard guard(*this, pos_ - 1);
    std::uint32_t child = parse_or();
    lex_blank();
    if (!lex_str(")")) fail("expected a ')' token");
    return child;
  }

  std::uint32_t parse_check() {
    lex_blank();
    std::size_t start = pos_;
    if (lex_str("(")) return parse_embedded();
    if (lex_field_name()) {
      parsed_field left = parse_field_remainder(last_, start);
      return parse_comparison(std::move(left), start);
    }
    if (const transformer_spelling* t = lex_transformer()) {
      parsed_field left = parse_transformer_remainder(t->t, start);
      return parse_comparison(std::move(left), start);
    }
    if (lex_identifier()) {
      if (at(pos_) == '(')  // Falco would say "unexpected token after 'foo'"; name the real problem
        fail_at("unknown field transformer '" + last_ + "', expecting one of " + std::string(transformer_list),
                start, "unknown-transformer");
      parsed_node n;
      n.kind = parsed_kind::macro_ref;
      n.offset = static_cast<std::uint32_t>(start);
      n.pos = pos_of(start);
      n.name = last_;
      return add_node(std::move(n));
    }
    fail("expected a '(' token, a field check, or an identifier");
  }

  parsed_field parse_field_remainder(const std::string& name, std::size_t start) {
    parsed_field f;
    f.name = name;
    f.offset = static_cast<std::uint32_t>(start);
    f.pos = pos_of(start);
    if (lex_str("[")) {
      if (!lex_quoted(nullptr) && !lex_field_arg_bare())
        fail("expected a valid field argument: a quoted string or a bare string");
      f.arg = last_;
      if (!lex_str("]")) fail("expected a ']' token");
    }
    return f;
  }

  // After "tolower(" (and the like): a field or a nested transformer, then ")".
  parsed_field parse_transformer_remainder(transformer t, std::size_t start) {
    depth_guard guard(*this, start);
    lex_blank();
    std::size_t arg_start = pos_;
    parsed_field f;
    if (const transformer_spelling* inner = lex_transformer()) {
      f = parse_transformer_remainder(inner->t, arg_start);
    } else if (lex_field_name()) {
      f = parse_field_remainder(last_, arg_start);
    } else {
      fail("expected a field or a nested valid transformer: " + std::string(transformer_list));
    }
    lex_blank();
    if (!lex_str(")")) fail("expected a ')' token closing the transformer");
    f.transformers.insert(f.transformers.begin(), t);
    f.offset = static_cast<std::uint32_t>(start);
    f.pos = pos_of(start);
    return f;
  }

  // "val(field)" or a transformer on the right-hand side; false when neither.
  bool try_transformer_or_val(parsed_field& out) {
    lex_blank();
    std::size_t start = pos_;
    if (lex_str("val(")) {
      lex_blank();
      std::size_t field_start = pos_;
      if (!lex_field_name()) fail("expected a field within 'val' transformer");
      out = parse_field_remainder(last_, field_start);
      lex_blank();
      if (!lex_str(")")) fail("expected a ')' token closing the transformer");
      out.transformers.insert(out.transformers.begin(), transformer::val);
      out.offset = static_cast<std::uint32_t>(start);
      out.pos = pos_of(start);
      return true;
    }
    if (const transformer_spelling* t = lex_transformer()) {
      out = parse_transformer_remainder(t->t, start);
      return true;
    }
    return false;
  }

  bool try_value(parsed_value& v) {
    lex_blank();
    std::size_t start = pos_;
    v.quoted = false;
    if (!lex_quoted(&v) && !lex_bare()) return false;
    v.text = last_;
    v.offset = static_cast<std::uint32_t>(start);
    v.pos = pos_of(start);
    return true;
  }

  // A right-hand side that is a field (`val(...)` or a transformer): stored in n; false leaves pos_ for a value.
  bool try_field_operand(parsed_node& n) {
    parsed_field right;
    if (!try_transformer_or_val(right)) return false;
    n.form = rhs_form::field;
    n.right_field = std::move(right);
    return true;
  }

  std::uint32_t parse_comparison(parsed_field left, std::size_t start) {
    parsed_node n;
    n.kind = parsed_kind::check;
    n.offset = static_cast<std::uint32_t>(start);
    n.pos = pos_of(start);
    n.left = std::move(left);
    lex_blank();
    n.op_offset = static_cast<std::uint32_t>(pos_);
    n.op_pos = pos_of(pos_);
    if (lex_str("exists")) {
      n.op = cmp_op::exists;
      n.form = rhs_form::none;
      return add_node(std::move(n));
    }
    if (const op_spelling* o = lex_op(num_ops)) {
      n.op = o->op;
      if (!try_field_operand(n)) {
        std::size_t vstart = pos_;
        if (!lex_hex_num() && !lex_num())
          fail("expected a number value or a field with a valid transformer: " + std::string(transformer_list));
        n.form = rhs_form::value;
        n.values.push_back(parsed_value{last_, false, static_cast<std::uint32_t>(vstart), pos_of(vstart)});
      }
      return add_node(std::move(n));
    }
    if (const op_spelling* o = lex_op(str_ops)) {
      n.op = o->op;
      if (!try_field_operand(n)) {
        parsed_value v;
        if (!try_value(v))
          fail("expected a string value or a field with a valid transformer: " + std::string(transformer_list));
        n.form = rhs_form::value;
        n.values.push_back(std::move(v));
      }
      return add_node(std::move(n));
    }
    if (const op_spelling* o = lex_op(list_ops)) {
      n.op = o->op;
      lex_blank();
      std::size_t lstart = pos_;
      if (lex_str("(")) {
        n.form = rhs_form::list;
        parsed_value v;
        if (try_value(v)) {
          n.values.push_back(std::move(v));
          lex_blank();
          while (lex_str(",")) {
            if (!try_value(v)) fail("expected a string value");
            n.values.push_back(std::move(v));
            lex_blank();
          }
        }
        lex_blank();
        if (!lex_str(")")) fail("expected a ')' token");
        return add_node(std::move(n));
      }
      parsed_field right;
      if (try_transformer_or_val(right)) {
        n.form = rhs_form::field;
        n.right_field = std::move(right);
        return add_node(std::move(n));
      }
      if (lex_identifier()) {  // a list by name without parentheses: `in my_list`
        n.form = rhs_form::value;
        n.values.push_back(parsed_value{last_, false, static_cast<std::uint32_t>(lstart), pos_of(lstart)});
        return add_node(std::move(n));
      }
      fail("expected a list, an identifier, or a field with a valid transformer: " + std::string(transformer_list));
    }
    fail("expected a valid check operator: one of " + std::string(operator_list));
  }
};

}  // namespace

parsed_condition parse_condition(std::string_view text, const condition_origin& where,
                                 std::vector<mitrekg::diagnostic>& out) {
  parsed_condition c;
  c.text = std::string(text);
  c.origin = where;
  detail::position_map map(c.origin, c.text);
  if (c.text.size() > 0xfffffff0u) {  // offsets are 32-bit
    out.push_back(detail::make_diagnostic(map, 0, "condition-syntax", where.item, "condition longer than 4 GiB"));
    return c;
  }
  parser p(c.text, c, map);
  try {
    c.root = p.parse();
  } catch (const syntax_error& e) {
    out.push_back(detail::make_diagnostic(map, e.offset, e.code, where.item, e.message));
    c.nodes.clear();
    c.child_indices.clear();
    c.root = no_index;
  }
  return c;
}

}  // namespace mitrekg::rules
