// lib/rules condition language: parsing, positions, Falco's errors, binding, event types, hostile input, the real rule corpus.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "rules/condition.hpp"

namespace fs = std::filesystem;
using namespace mitrekg;
using namespace mitrekg::rules;

namespace {

const fs::path falco_dir = fs::path(MITREKG_TEST_DATA) / "falco";

parsed_condition parse(std::string_view text, std::vector<diagnostic>& out) {
  return parse_condition(text, condition_origin{"test", {}}, out);
}

// The one parse error of `text` (message and column), asserted to exist.
diagnostic parse_error(std::string_view text) {
  std::vector<diagnostic> out;
  parsed_condition c = parse(text, out);
  REQUIRE_FALSE(c.ok());
  REQUIRE(out.size() == 1);
  return out[0];
}

const parsed_node& root(const parsed_condition& c) {
  REQUIRE(c.ok());
  return c.nodes[c.root];
}

const parsed_node& child(const parsed_condition& c, const parsed_node& n, std::uint32_t i) {
  REQUIRE(i < n.child_count);
  return c.nodes[c.child_indices[n.first_child + i]];
}

// Macros and lists for binding, as a loader would resolve them.
struct definitions {
  std::map<std::string, parsed_condition> macros;
  std::map<std::string, std::vector<std::string>> lists;
  std::map<std::string, std::uint32_t> list_order;

  void macro(const std::string& name, std::string_view text) {
    std::vector<diagnostic> out;
    macros[name] = parse_condition(text, condition_origin{name, {{0, "macros.yaml", {7, 14}}}}, out);
    REQUIRE(out.empty());
  }
  void list(const std::string& name, std::vector<std::string> items) {
    if (!list_order.contains(name)) list_order[name] = static_cast<std::uint32_t>(list_order.size() + 1);
    lists[name] = std::move(items);
  }
  binder_context context(std::string_view source = "syscall") const {
    binder_context ctx;
    ctx.source = source;
    ctx.macro = [this](std::string_view n) -> const parsed_condition* {
      auto it = macros.find(std::string(n));
      return it == macros.end() ? nullptr : &it->second;
    };
    ctx.list = [this](std::string_view n) -> std::optional<list_definition> {
      auto it = lists.find(std::string(n));
      if (it == lists.end()) return std::nullopt;
      return list_definition{it->second, list_order.at(it->first)};
    };
    return ctx;
  }
};

struct bind_result {
  bound_condition bound;
  std::vector<diagnostic> diags;
};

bind_result bind_text(std::string_view text, const definitions& defs, std::string_view source = "syscall",
                      bool skip_unknown = false) {
  bind_result r;
  parsed_condition c = parse(text, r.diags);
  REQUIRE(c.ok());
  binder_context ctx = defs.context(source);
  ctx.skip_if_unknown_filter = skip_unknown;
  r.bound = bind_condition(c, ctx, r.diags);
  return r;
}

std::vector<std::string> types_of(std::string_view text, const definitions& defs = {}) {
  bind_result r = bind_text(text, defs);
  REQUIRE(r.diags.empty());
  REQUIRE(r.bound.ok());
  event_type_set s = event_types(r.bound);
  if (s.all) return {"*"};
  return s.names;
}

}  // namespace

TEST_CASE("every operator form parses, with its operands") {
  struct form {
    const char* text;
    cmp_op op;
    rhs_form rhs;
    std::size_t values;
  };
  const form forms[] = {
      {"evt.type = open", cmp_op::eq, rhs_form::value, 1},
      {"evt.type=open", cmp_op::eq, rhs_form::value, 1},
      {"evt.type == open", cmp_op::eqeq, rhs_form::value, 1},
      {"proc.name!=foo", cmp_op::ne, rhs_form::value, 1},
      {"fd.num < 3", cmp_op::lt, rhs_form::value, 1},
      {"fd.num<=3", cmp_op::le, rhs_form::value, 1},
      {"evt.num > 0", cmp_op::gt, rhs_form::value, 1},
      {"fd.num>=0", cmp_op::ge, rhs_form::value, 1},
      {"proc.cmdline contains \"x y\"", cmp_op::contains, rhs_form::value, 1},
      {"proc.args icontains -V", cmp_op::icontains, rhs_form::value, 1},
      {"evt.buffer bcontains cafebabe", cmp_op::bcontains, rhs_form::value, 1},
      {"fd.name startswith /etc", cmp_op::startswith, rhs_form::value, 1},
      {"evt.buffer bstartswith 7f454c46", cmp_op::bstartswith, rhs_form::value, 1},
      {"fd.name endswith .sh", cmp_op::endswith, rhs_form::value, 1},
      {"fd.name glob '/home/*/.ssh/*'", cmp_op::glob, rhs_form::value, 1},
      {"fd.name iglob *.SH", cmp_op::iglob, rhs_form::value, 1},
      {"proc.name regex '^ba?sh$'", cmp_op::regex, rhs_form::value, 1},
      {"proc.name in (a, b, \"c d\")", cmp_op::in, rhs_form::list, 3},
      {"proc.name in ()", cmp_op::in, rhs_form::list, 0},
      {"proc.name in my_list", cmp_op::in, rhs_form::value, 1},
      {"ka.req.role.rules.verbs intersects (create, update)", cmp_op::intersects, rhs_form::list, 2},
      {"fd.name pmatch (/etc, /usr/bin)", cmp_op::pmatch, rhs_form::list, 2},
      {"proc.pname exists", cmp_op::exists, rhs_form::none, 0},
      {"proc.name = val(proc.pname)", cmp_op::eq, rhs_form::field, 0},
  };
  for (const auto& f : forms) {
    CAPTURE(f.text);
    std::vector<diagnostic> out;
    parsed_condition c = parse(f.text, out);
    REQUIRE(out.empty());
    const parsed_node& n = root(c);
    REQUIRE(n.kind == parsed_kind::check);
    CHECK(n.op == f.op);
    CHECK(n.form == f.rhs);
    CHECK(n.values.size() == f.values);
  }
}

TEST_CASE("values: quoted strings with escapes, bare words as Falco lexes them") {
  std::vector<diagnostic> out;
  auto c = parse(R"(proc.name in ("a\"b", 'c\'d', "e\\f", "tab\there", /usr/bin, -c, *.sh, 10.0.0.1, /healthz?, <))", out);
  REQUIRE(out.empty());
  const auto& vs = root(c).values;
  REQUIRE(vs.size() == 10);
  CHECK(vs[0].text == "a\"b");
  CHECK(vs[0].quoted);
  CHECK(vs[1].text == "c'd");
  CHECK(vs[2].text == "e\\f");
  CHECK(vs[3].text == "tab\there");
  CHECK(vs[4].text == "/usr/bin");
  CHECK_FALSE(vs[4].quoted);
  CHECK(vs[5].text == "-c");
  CHECK(vs[6].text == "*.sh");
  CHECK(vs[7].text == "10.0.0.1");
  CHECK(vs[8].text == "/healthz?");
  CHECK(vs[9].text == "<");
  // A lone backslash is a bare word (sandbox rules: `proc.args endswith \`); `evt.dir=<` too.
  CHECK(root(parse("proc.args endswith \\", out)).values[0].text == "\\");
  CHECK(root(parse("evt.dir=<", out)).values[0].text == "<");
  CHECK(out.empty());
  CHECK(parse_error("proc.name = \"a\\qb\"").message == "unsupported string escape sequence: \\q");
  CHECK(parse_error("proc.name = 'a\\\"b'").message == "invalid \\\" escape in '-quoted string");
}

TEST_CASE("fields with arguments and transformers") {
  std::vector<diagnostic> out;
  auto a = parse("proc.aname[2]=sshd", out);
  CHECK(root(a).left.name == "proc.aname");
  CHECK(root(a).left.arg == "2");
  auto j = parse("jevt.value[/user/name] = admin and ka.req.pod.containers.image[0] startswith nginx", out);
  CHECK(child(j, root(j), 0).left.arg == "/user/name");
  CHECK(child(j, root(j), 1).left.arg == "0");
  auto q = parse("json.value[\"/a~1b\"] exists", out);
  CHECK(root(q).left.arg == "/a~1b");
  auto d = parse("evt.arg.flags contains O_CREAT and evt.rawarg.res < 0", out);
  CHECK(child(d, root(d), 0).left.name == "evt.arg.flags");
  CHECK_FALSE(child(d, root(d), 0).left.arg);
  auto t = parse("tolower(toupper(proc.name)) = bash and len(proc.args) > 3 and b64(proc.cmdline) = x "
                 "and basename(proc.exe) = sh",
                 out);
  REQUIRE(out.empty());
  const auto& t0 = child(t, root(t), 0).left;
  CHECK(t0.name == "proc.name");
  REQUIRE(t0.transformers.size() == 2);
  CHECK(t0.transformers[0] == transformer::tolower);
  CHECK(t0.transformers[1] == transformer::toupper);
  CHECK(child(t, root(t), 1).left.transformers[0] == transformer::len);
  auto v = parse("proc.name != val(proc.pname)", out);
  REQUIRE(root(v).right_field);
  CHECK(root(v).right_field->name == "proc.pname");
  CHECK(root(v).right_field->transformers[0] == transformer::val);
  diagnostic e = parse_error("foo(proc.name) = x");
  CHECK(e.code == "unknown-transformer");
  CHECK(e.column == 1);
}

TEST_CASE("precedence: not binds tighter than and, and tighter than or") {
  std::vector<diagnostic> out;
  auto c = parse("a or not b and c", out);
  const auto& r = root(c);
  REQUIRE(r.kind == parsed_kind::or_);
  REQUIRE(r.child_count == 2);
  CHECK(child(c, r, 0).name == "a");
  const auto& rhs = child(c, r, 1);
  REQUIRE(rhs.kind == parsed_kind::and_);
  CHECK(child(c, rhs, 0).kind == parsed_kind::not_);
  CHECK(child(c, child(c, rhs, 0), 0).name == "b");
  CHECK(child(c, rhs, 1).name == "c");
  // Parentheses regroup; `not not x` cancels; and/or chains are n-ary.
  auto p = parse("(a or b) and c", out);
  CHECK(root(p).kind == parsed_kind::and_);
  CHECK(child(p, root(p), 0).kind == parsed_kind::or_);
  auto nn = parse("not not a", out);
  CHECK(root(nn).kind == parsed_kind::macro_ref);
  auto chain = parse("a and b and c and d", out);
  CHECK(root(chain).child_count == 4);
  auto np = parse("not(a) and not (b)", out);
  CHECK(child(np, root(np), 0).kind == parsed_kind::not_);
  CHECK(child(np, root(np), 1).kind == parsed_kind::not_);
  CHECK(out.empty());
}

TEST_CASE("positions: node columns, file segments, line breaks") {
  std::vector<diagnostic> out;
  condition_origin o{"r", {{0, "rules.yaml", {12, 14}}}};
  auto c = parse_condition("evt.type = open and\n  proc.name = cat", o, out);
  REQUIRE(out.empty());
  const auto& r = c.nodes[c.root];
  CHECK(r.pos == source_position{12, 14});
  CHECK(child(c, r, 0).op_pos == source_position{12, 23});
  CHECK(child(c, r, 1).pos == source_position{13, 16});
  CHECK(child(c, r, 1).values[0].pos == source_position{13, 28});
  // An appended fragment in another file: its own segment.
  condition_origin glued{"r", {{0, "base.yaml", {3, 14}}, {16, "local.yaml", {9, 14}}}};
  auto g = parse_condition("evt.type = open and bad bad", glued, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].file == "local.yaml");
  CHECK(out[0].line == 9);
  CHECK(out[0].column == 14 + (24 - 16));
  CHECK(locate(glued, g.text, 2).pos == source_position{3, 16});
}

TEST_CASE("syntax errors: Falco's messages, the column of the offending token") {
  struct bad {
    const char* text;
    const char* message;
    std::size_t column;
  };
  const bad cases[] = {
      {"evt.type=open bar", "unexpected token after 'open', expecting 'or', 'and'", 15},
      {"evt.type=open and ", "expected a '(' token, a field check, or an identifier", 19},
      {"evt.type=open and", "expected blank or '(' after 'and'", 18},
      {"(evt.type=open", "expected a ')' token", 15},
      {"evt.type", "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', "
                   "'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', "
                   "'intersects', 'in', 'pmatch'",
       9},
      {"fd.num >= x", "expected a number value or a field with a valid transformer: 'val', 'tolower', 'toupper', "
                      "'b64', 'basename', 'len'",
       11},
      {"proc.name = ", "expected a string value or a field with a valid transformer: 'val', 'tolower', 'toupper', "
                       "'b64', 'basename', 'len'",
       13},
      {"proc.name in (a,)", "expected a string value", 17},
      {"proc.name in (a b)", "expected a ')' token", 17},
      {"proc.name in 5", "expected a list, an identifier, or a field with a valid transformer: 'val', 'tolower', "
                         "'toupper', 'b64', 'basename', 'len'",
       14},
      {"proc.aname[2 = x", "expected a ']' token", 14},
      {"proc.aname[] = x", "expected a valid field argument: a quoted string or a bare string", 12},
      {"a order", "expected blank or '(' after 'or'", 5},
      {"a andb", "expected blank or '(' after 'and'", 6},
      {"", "filter input string is empty", 1},
      {"   ", "expected a '(' token, a field check, or an identifier", 4},
      {"proc.name = \"unterminated", "expected a string value or a field with a valid transformer: 'val', 'tolower', "
                                     "'toupper', 'b64', 'basename', 'len'",
       13},
      {"tolower(5) = x", "expected a field or a nested valid transformer: 'val', 'tolower', 'toupper', 'b64', "
                         "'basename', 'len'",
       9},
      {"tolower(proc.name = x", "expected a ')' token closing the transformer", 19},
      {"proc.name = val(x)", "expected a field within 'val' transformer", 17},
      {"evt.type = open)", "unexpected token after 'open', expecting 'or', 'and'", 16},
  };
  for (const auto& b : cases) {
    std::string text = b.text;
    CAPTURE(text);
    diagnostic d = parse_error(b.text);
    CHECK(d.message == b.message);
    CHECK(d.column == b.column);
    CHECK(d.line == 1);
    CHECK(falco_code(d.code) == "LOAD_ERR_COMPILE_CONDITION");
  }
}

TEST_CASE("the sample's syntax error: a rule's condition with an appended fragment") {
  // invalid_base_rule.yaml (evt.type=open) + invalid_append_rule.yaml (append: true, condition: bar).
  std::vector<diagnostic> out;
  condition_origin o{"some rule", {{0, "invalid_base_rule.yaml", {3, 14}}, {14, "invalid_append_rule.yaml", {3, 14}}}};
  parsed_condition c = parse_condition("evt.type=open bar", o, out);
  CHECK_FALSE(c.ok());
  REQUIRE(out.size() == 1);
  CHECK(out[0].message == "unexpected token after 'open', expecting 'or', 'and'");
  CHECK(falco_code(out[0].code) == "LOAD_ERR_COMPILE_CONDITION");
  CHECK(out[0].item == "some rule");
  CHECK(out[0].file == "invalid_append_rule.yaml");
  CHECK(out[0].line == 3);
  CHECK(out[0].column == 14);
}

TEST_CASE("binding: macros inlined, lists resolved and flattened, fields typed") {
  definitions d;
  d.list("shell_binaries", {"bash", "sh", "zsh"});
  d.list("more_shells", {"shell_binaries", "fish", "\"my shell\""});
  d.macro("spawned_process", "evt.type in (execve, execveat) and evt.dir=<");
  d.macro("shell_procs", "proc.name in (more_shells)");
  bind_result r = bind_text("spawned_process and shell_procs and fd.sport in (80, 443) and fd.net != \"127.0.0.0/8\"", d);
  REQUIRE(r.diags.empty());
  REQUIRE(r.bound.ok());
  CHECK(r.bound.macros_used == std::vector<std::string>{"shell_procs", "spawned_process"});
  CHECK(r.bound.lists_used == std::vector<std::string>{"more_shells", "shell_binaries"});
  REQUIRE(r.bound.checks.size() == 5);
  const bound_check& shells = r.bound.checks[2];
  CHECK(shells.left.info->name == "proc.name");
  REQUIRE(shells.set != no_index);
  const value_set& s = r.bound.sets[shells.set];
  REQUIRE(s.values.size() == 5);
  CHECK(s.strings.contains("zsh"));
  CHECK(s.strings.contains("my shell"));
  CHECK_FALSE(s.strings.contains("shell_binaries"));
  const bound_check& ports = r.bound.checks[3];
  CHECK(ports.left.type == field_type::port);
  CHECK(r.bound.sets[ports.set].numbers == std::vector<std::int64_t>{80, 443});
  const bound_check& net = r.bound.checks[4];
  CHECK(net.left.type == field_type::ipnet);
  CHECK(r.bound.values[net.value].prefix == 8);
  CHECK(r.bound.values[net.value].ip_len == 4);
  // A list name as a bare single value is substituted too (list_sub_whitespace.yaml).
  definitions one;
  one.list("cat_binaries", {"cat"});
  bind_result w = bind_text("proc.name= cat_binaries or proc.name=nopey", one);
  REQUIRE(w.bound.ok());
  CHECK(w.bound.values[w.bound.checks[0].value].text == "cat");
  // An unknown name inside (...) is a literal; a list only expands lists defined before it.
  bind_result lit = bind_text("proc.name in (not_a_list, cat_binaries)", one);
  REQUIRE(lit.bound.ok());
  CHECK(lit.bound.sets[0].strings.contains("not_a_list"));
  definitions order;
  order.list("list_a", {"list_b"});
  order.list("list_b", {"list_a", "open"});
  bind_result ord = bind_text("proc.name in (list_a)", order);
  REQUIRE(ord.bound.ok());
  CHECK(ord.bound.sets[0].strings.contains("list_b"));
}

TEST_CASE("binding errors: undefined macro, loops, unknown fields, operators, values") {
  definitions d;
  struct bad {
    const char* text;
    const char* code;
    const char* message;
  };
  d.macro("macro_a", "macro_b");
  d.macro("macro_b", "macro_a");
  d.macro("self", "proc.name = x or self");
  d.list("two", {"a", "b"});
  const bad cases[] = {
      {"evt.type = open and nope", "undefined-macro", "Undefined macro 'nope' used in filter."},
      {"macro_a", "macro-loop", "macro 'macro_a' refers to itself: macro_a -> macro_b -> macro_a"},
      {"self", "macro-loop", "macro 'self' refers to itself: self -> self"},
      {"proc.nobody=cat", "unknown-field", "filter_check called with nonexistent field proc.nobody"},
      {"proc.pid contains 1", "invalid-operator", "operator 'contains' is not valid for field proc.pid of type int64"},
      {"proc.name > 3", "invalid-operator", "operator '>' is not valid for field proc.name of type string"},
      {"fd.num = abc", "invalid-value", "'abc' is not a valid number (field fd.num)"},
      {"fd.sport in (80, http)", "invalid-value", "'http' is not a valid port (field fd.sport)"},
      {"fd.ip = 300.1.1.1", "invalid-value", "'300.1.1.1' is not a valid IP address (field fd.ip)"},
      {"fd.net = 10.0.0.0/33", "invalid-value", "'10.0.0.0/33' is not a valid IP network (field fd.net)"},
      {"container.privileged = yes", "invalid-value", "'yes' is not a valid boolean (true or false) (field container.privileged)"},
      {"evt.type = nosuchcall", "invalid-value", "unknown event type nosuchcall"},
      {"proc.name regex '(unclosed'", "invalid-value", "invalid regex '(unclosed': missing ): (unclosed"},
      {"proc.name = two", "invalid-value", "list 'two' has 2 items where one value is expected"},
      {"proc.name[1] = x", "field-argument", "field 'proc.name' does not take an argument"},
      {"json.value = x", "unknown-field", "filter_check called with nonexistent field json.value"},
      {"proc.aname[x] = y", "field-argument", "field 'proc.aname' takes a numeric index, not 'x'"},
      {"evt.arg = x", "field-argument", "field 'evt.arg' requires an argument"},
      {"tolower(proc.pid) = 3", "invalid-operator", "transformer 'tolower' cannot be applied to field 'proc.pid' of type int64"},
      {"proc.name regex val(proc.pname)", "invalid-operator", "operator 'regex' cannot be used with a field-to-field comparison"},
      {"proc.pid = val(proc.name)", "invalid-operator", "cannot compare field proc.pid (int64) with field proc.name (string)"},
  };
  for (const auto& b : cases) {
    CAPTURE(b.text);
    bind_result r = bind_text(b.text, d);
    CHECK_FALSE(r.bound.ok());
    REQUIRE(r.diags.size() == 1);
    CHECK(r.diags[0].code == b.code);
    CHECK(r.diags[0].message == b.message);
    CHECK(r.diags[0].item == "test");
    CHECK(falco_code(r.diags[0].code) == "LOAD_ERR_COMPILE_CONDITION");
  }
  // The sample's message (skip_unknown_unspec.yaml), and with skip-if-unknown-filter a warning and a skipped rule.
  bind_result skip = bind_text("proc.nobody=cat", d, "syscall", true);
  CHECK_FALSE(skip.bound.ok());
  CHECK(skip.bound.skipped);
  REQUIRE(skip.diags.size() == 1);
  CHECK(skip.diags[0].level == severity::warning);
  CHECK(falco_code(skip.diags[0].code) == "LOAD_UNKNOWN_FILTER");
  // Every problem of a condition is reported, not just the first; problems in a macro point into the macro.
  definitions m;
  m.macro("bad_macro", "proc.nobody = 1");
  bind_result all = bind_text("fd.num = x and bad_macro and proc.name = y and fd.nope exists", m);
  REQUIRE(all.diags.size() == 3);
  CHECK(all.diags[0].message == "'x' is not a valid number (field fd.num)");
  CHECK(all.diags[0].column == 10);
  CHECK(all.diags[1].file == "macros.yaml");
  CHECK(all.diags[1].line == 7);
  CHECK(all.diags[1].column == 14);
  CHECK(all.diags[2].message == "filter_check called with nonexistent field fd.nope");
  // A list that names itself (possible only when list orders are not given).
  definitions loop;
  loop.list("la", {"lb"});
  loop.list("lb", {"la"});
  loop.list_order["la"] = 0;
  loop.list_order["lb"] = 0;
  bind_result ll = bind_text("proc.name in (la)", loop);
  REQUIRE(ll.diags.size() == 1);
  CHECK(ll.diags[0].code == "list-loop");
  CHECK(ll.diags[0].message == "list 'la' refers to itself: la -> lb -> la");
}

TEST_CASE("fields per source") {
  REQUIRE(known_sources().size() == 7);
  const field_table* sys = fields_for_source("syscall");
  REQUIRE(sys);
  CHECK(sys->find("proc.pexe"));  // newer than sysdig 0.29.3
  CHECK(sys->find("thread.cap_permitted"));
  CHECK(sys->find("container.image.repository"));
  CHECK_FALSE(sys->find("ka.verb"));
  std::string_view arg;
  const field_info* a = sys->find("evt.arg.flags", &arg);
  REQUIRE(a);
  CHECK(a->name == "evt.arg");
  CHECK(arg == "flags");
  CHECK_FALSE(sys->find("proc.name.x", &arg));
  const field_table* k8s = fields_for_source("k8s_audit");
  REQUIRE(k8s);
  const field_info* priv = k8s->find("ka.req.pod.containers.privileged");
  REQUIRE(priv);
  CHECK(priv->list);
  CHECK(priv->arg == field_arg::index);
  CHECK(k8s->find("jevt.value")->arg == field_arg::key_required);
  CHECK(k8s->find("evt.num"));  // generic fields on every source
  for (std::string_view s : {"aws_cloudtrail", "gcp_auditlog", "okta", "github", "json"}) {
    CAPTURE(s);
    REQUIRE(fields_for_source(s));
    CHECK(fields_for_source(s)->find("json.value"));
    CHECK(fields_for_source(s)->find("evt.time"));
  }
  CHECK(fields_for_source("aws_cloudtrail")->find("ct.name"));
  CHECK(fields_for_source("okta")->find("okta.mfa.failure.countlast")->arg == field_arg::index_required);
  CHECK_FALSE(fields_for_source("nosuch"));
  auto events = syscall_event_types();
  CHECK(std::is_sorted(events.begin(), events.end()));
  for (std::string_view e : {"open", "openat", "openat2", "execve", "execveat", "connect", "memfd_create"})
    CHECK(std::binary_search(events.begin(), events.end(), e));
}

TEST_CASE("event types: =, in, !=, not in, and/or") {
  CHECK(types_of("evt.type = open") == std::vector<std::string>{"open"});
  CHECK(types_of("evt.type in (open, openat, openat2) and fd.num >= 0") ==
        std::vector<std::string>{"open", "openat", "openat2"});
  CHECK(types_of("evt.type = open or evt.type = connect") == std::vector<std::string>{"connect", "open"});
  CHECK(types_of("evt.type = open or proc.name = cat") == std::vector<std::string>{"*"});
  CHECK(types_of("proc.name = cat") == std::vector<std::string>{"*"});
  CHECK(types_of("evt.type in (open, connect) and evt.type = open") == std::vector<std::string>{"open"});
  CHECK(types_of("evt.type = open and evt.type = connect").empty());
  auto all = syscall_event_types();
  auto ne = types_of("evt.type != open");
  CHECK(ne.size() == all.size() - 1);
  CHECK(std::find(ne.begin(), ne.end(), "open") == ne.end());
  CHECK(types_of("not evt.type in (open, close)").size() == all.size() - 2);
  // A negated conjunction with another field constrains nothing (De Morgan).
  CHECK(types_of("not (evt.type = open and proc.name = cat)") == std::vector<std::string>{"*"});
  CHECK(types_of("not (evt.type = open or evt.type = close)").size() == all.size() - 2);
  CHECK(types_of("evt.type startswith open") == std::vector<std::string>{"*"});
  CHECK(types_of("evt.type contains sock") == std::vector<std::string>{"*"});  // not an event name: not checked
  definitions d;
  d.macro("open_read", "evt.type in (open, openat, openat2) and evt.is_open_read=true and fd.typechar='f'");
  CHECK(types_of("open_read and proc.name = cat", d) == std::vector<std::string>{"open", "openat", "openat2"});
  // Other sources: not indexed by event type.
  bind_result k = bind_text("ka.verb = create", definitions{}, "k8s_audit");
  REQUIRE(k.bound.ok());
  CHECK(event_types(k.bound).all);
}

// ---------------------------------------------------------------------------
// The real rule files.

namespace {

struct yaml_item {
  std::string kind;  // list, macro, rule
  std::string name;
  std::string condition;
  source_position at;  // of the condition scalar
  std::size_t at_pos = 0;
  std::string source = "syscall";
  std::vector<std::string> items;
  bool append = false;
  bool has_condition = false;
  bool skip_unknown = false;
};

std::vector<yaml_item> read_items(const fs::path& file) {
  std::vector<yaml_item> out;
  for (const YAML::Node& doc : YAML::LoadAllFromFile(file.string())) {
    if (!doc.IsSequence()) continue;
    for (const YAML::Node& n : doc) {
      if (!n.IsMap()) continue;
      yaml_item it;
      for (const char* k : {"list", "macro", "rule"})
        if (n[k]) {
          it.kind = k;
          it.name = n[k].as<std::string>();
        }
      if (it.kind.empty()) continue;
      if (n["condition"] && n["condition"].IsScalar()) {
        it.condition = n["condition"].as<std::string>();
        it.has_condition = true;
        it.at = {static_cast<std::uint32_t>(n["condition"].Mark().line + 1),
                 static_cast<std::uint32_t>(n["condition"].Mark().column + 1)};
        it.at_pos = static_cast<std::size_t>(n["condition"].Mark().pos);
      }
      if (n["source"]) it.source = n["source"].as<std::string>();
      if (n["items"] && n["items"].IsSequence())
        for (const YAML::Node& i : n["items"]) it.items.push_back(i.as<std::string>());
      it.append = (n["append"] && n["append"].as<std::string>() == "true") || n["override"];
      it.skip_unknown = n["skip-if-unknown-filter"] && n["skip-if-unknown-filter"].as<std::string>() == "true";
      out.push_back(std::move(it));
    }
  }
  return out;
}

// Files loaded in order: lists and macros merged (append extends), rules bound
// against them. Counts what was parsed and bound, and every diagnostic.
struct corpus {
  definitions defs;
  struct rule {
    std::string name, source, file;
    parsed_condition parsed;
    bool skip_unknown = false;
  };
  std::vector<rule> rules;
  std::size_t conditions_parsed = 0;
  std::vector<diagnostic> diags;

  std::map<std::string, std::string> texts;  // file name → content

  void load(const fs::path& file) {
    std::string& content = texts[file.filename().string()];
    {
      std::ifstream in(file, std::ios::binary);
      content.assign(std::istreambuf_iterator<char>(in), {});
    }
    for (yaml_item& it : read_items(file)) {
      if (it.kind == "list") {
        auto& items = defs.lists[it.name];
        if (!it.append) items.clear();
        items.insert(items.end(), it.items.begin(), it.items.end());
        if (!defs.list_order.contains(it.name))
          defs.list_order[it.name] = static_cast<std::uint32_t>(defs.list_order.size() + 1);
        continue;
      }
      if (!it.has_condition) continue;
      condition_origin where =
          scalar_origin(content, it.at, it.at_pos, it.condition, file.filename().string(), it.name);
      if (it.kind == "macro") {
        std::string text = it.condition;
        if (it.append && defs.macros.contains(it.name)) text = defs.macros[it.name].text + " " + text;
        defs.macros[it.name] = parse_condition(text, where, diags);
        conditions_parsed += defs.macros[it.name].ok();
      } else {
        auto r = std::find_if(rules.begin(), rules.end(), [&](const rule& x) { return x.name == it.name; });
        std::string text = it.condition;
        if (it.append && r != rules.end()) text = r->parsed.text + " " + text;
        parsed_condition p = parse_condition(text, where, diags);
        conditions_parsed += p.ok();
        if (r != rules.end()) {
          r->parsed = std::move(p);
        } else {
          rules.push_back({it.name, it.source, file.filename().string(), std::move(p), it.skip_unknown});
        }
      }
    }
  }

  // Binds every rule; returns how many bound.
  std::size_t bind_all(std::map<std::string, bound_condition>* keep = nullptr) {
    std::size_t bound = 0;
    for (const rule& r : rules) {
      if (!r.parsed.ok()) continue;
      binder_context ctx = defs.context(r.source);
      ctx.skip_if_unknown_filter = r.skip_unknown;
      bound_condition b = bind_condition(r.parsed, ctx, diags);
      bound += b.ok();
      if (keep) (*keep)[r.name] = std::move(b);
    }
    return bound;
  }
};

std::string render(const std::vector<diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += render_text(d) + "\n";
  return s;
}

}  // namespace

TEST_CASE("every condition and macro of the current and pinned rule files parses and binds") {
  struct file_case {
    std::vector<const char*> files;  // loaded in order
    std::size_t conditions;          // rule conditions + macro conditions parsed
    std::size_t rules;               // rules bound (all of them)
  };
  // Counts: docs/falco-rules-corpus-stats.md (rules with a condition + macros per file).
  const file_case cases[] = {
      {{"rules/falco_rules.yaml"}, 25 + 87, 25},
      {{"rules/falco-incubating_rules.yaml"}, 31 + 82, 31},
      {{"rules/falco-sandbox_rules.yaml"}, 37 + 183, 37},
      {{"rules/plugins/cloudtrail/aws_cloudtrail_rules.yaml"}, 22, 22},
      {{"rules/plugins/gcpaudit/gcp_auditlog_rules.yaml"}, 39 + 11, 39},
      {{"rules/plugins/github/github.yaml"}, 15, 15},
      {{"rules/plugins/k8saudit/k8s_audit_rules.yaml"}, 48 + 45, 48},
      // The GKE add-on extends four lists and one rule's exceptions: no condition of its own.
      {{"rules/plugins/k8saudit/k8s_audit_rules.yaml", "rules/plugins/k8saudit-gke/k8s_audit_rules_gke.yaml"},
       48 + 45, 48},
      {{"rules/plugins/okta/okta_rules.yaml"}, 21 + 1, 21},
      {{"rules/pinned/falco-rules-1.0.1/falco_rules.yaml"}, 80 + 297, 80},
      {{"rules/pinned/k8saudit-0.6.0/k8s_audit_rules.yaml"}, 43 + 42, 43},
  };
  std::size_t total = 0;
  for (const auto& fc : cases) {
    std::string name = fc.files.back();
    CAPTURE(name);
    corpus c;
    for (const char* f : fc.files) c.load(falco_dir / f);
    std::size_t bound = c.bind_all();
    INFO(render(c.diags));
    CHECK(c.diags.empty());
    CHECK(c.conditions_parsed == fc.conditions);
    CHECK(c.rules.size() == fc.rules);
    CHECK(bound == fc.rules);
    total += c.conditions_parsed;
  }
  CHECK(total == 112 + 113 + 220 + 22 + 50 + 15 + 93 + 93 + 22 + 377 + 85);
}

TEST_CASE("event types of real rules (falco_rules.yaml)") {
  corpus c;
  c.load(falco_dir / "rules/falco_rules.yaml");
  std::map<std::string, bound_condition> bound;
  REQUIRE(c.bind_all(&bound) == 25);
  REQUIRE(c.diags.empty());
  auto names = [&](const char* rule) {
    REQUIRE(bound.contains(rule));
    event_type_set s = event_types(bound[rule]);
    return s.all ? std::vector<std::string>{"*"} : s.names;
  };
  CHECK(names("Terminal shell in container") == std::vector<std::string>{"execve", "execveat"});
  CHECK(names("Read sensitive file untrusted") == std::vector<std::string>{"open", "openat", "openat2"});
  CHECK(names("Fileless execution via memfd_create") == std::vector<std::string>{"execve", "execveat"});
  CHECK(names("PTRACE attached to process") == std::vector<std::string>{"ptrace"});
  CHECK(names("Create Symlink Over Sensitive Files") == std::vector<std::string>{"symlink", "symlinkat"});
  CHECK(names("Contact K8S API Server From Container") == std::vector<std::string>{"connect"});
  // Every rule of the file is indexed by some event types, none matches all of them.
  std::size_t indexed = 0;
  for (auto& entry : bound) {
    const auto& name = entry.first;  // not a structured binding: clang 14 cannot capture one in CAPTURE's lambda
    CAPTURE(name);
    event_type_set s = event_types(entry.second);
    CHECK_FALSE(s.all);
    CHECK_FALSE(s.names.empty());
    indexed += !s.all;
  }
  CHECK(indexed == 25);
}

TEST_CASE("the old test rules: every condition parses (appended fragments are parsed glued to their base)") {
  std::size_t files = 0, parsed = 0, fragments = 0;
  std::vector<std::string> failed;
  for (const auto& e : fs::recursive_directory_iterator(falco_dir / "test_rules")) {
    if (e.path().extension() != ".yaml") continue;
    std::vector<yaml_item> items;
    try {
      items = read_items(e.path());
    } catch (const YAML::Exception&) {
      continue;  // invalid_yaml_parse_error.yaml, invalid_not_yaml.yaml: the loader's business
    }
    ++files;
    for (const auto& it : items) {
      if (!it.has_condition) continue;
      if (it.append) {
        ++fragments;
        continue;
      }
      std::vector<diagnostic> out;
      parsed_condition p = parse_condition(it.condition, condition_origin{it.name, {}}, out);
      parsed += p.ok();
      if (!p.ok()) failed.push_back(fs::relative(e.path(), falco_dir).string() + ": " + out.at(0).message);
    }
  }
  std::sort(failed.begin(), failed.end());
  CHECK(files == 116);
  CHECK(fragments == 10);
  CHECK(parsed == 233);
  CHECK(failed.empty());
}

TEST_CASE("hostile conditions: a diagnostic or a result, never a crash, overflow or hang") {
  SUBCASE("10,000 nested parentheses") {
    std::string deep(10000, '(');
    deep += "proc.name = x";
    deep += std::string(10000, ')');
    diagnostic d = parse_error(deep);
    CHECK(d.code == "condition-too-deep");
    CHECK(d.message == "exceeded max depth limit of 1000");
    CHECK(d.column == 1001);
    // At the limit it parses and binds.
    std::string ok = std::string(1000, '(') + "proc.name = x" + std::string(1000, ')');
    bind_result r = bind_text(ok, definitions{});
    CHECK(r.bound.ok());
    std::string nots;
    for (int i = 0; i < 999; ++i) nots += "not(";
    nots += "evt.type = open" + std::string(999, ')');
    bind_result n = bind_text(nots, definitions{});
    REQUIRE(n.bound.ok());
    CHECK(event_types(n.bound).names.size() == syscall_event_types().size() - 1);
    // `not not not ...` is a loop, not recursion.
    std::string many;
    for (int i = 0; i < 100000; ++i) many += "not ";
    CHECK(bind_text(many + "proc.name = x", definitions{}).bound.ok());
    std::string transformers;
    for (int i = 0; i < 2000; ++i) transformers += "tolower(";
    CHECK(parse_error(transformers + "proc.name" + std::string(2000, ')') + " = x").code == "condition-too-deep");
  }
  SUBCASE("a 1 MB condition") {
    std::string big = "evt.type = open";
    while (big.size() < (1u << 20)) big += " or proc.name = \"" + std::to_string(big.size()) + "\"";
    bind_result r = bind_text(big, definitions{});
    CHECK(r.bound.ok());
    CHECK(r.bound.checks.size() > 30000);
    CHECK(event_types(r.bound).all);
    // An error at the end of it still has its column.
    diagnostic d = parse_error(big + " )");
    CHECK(d.column == big.size() + 2);
  }
  SUBCASE("a list of a million items") {
    definitions d;
    std::vector<std::string> items;
    items.reserve(1000000);
    for (int i = 0; i < 1000000; ++i) items.push_back("/bin/p" + std::to_string(i));
    d.list("huge", std::move(items));
    bind_result r = bind_text("proc.exe in (huge) or proc.exe pmatch (huge)", d);
    REQUIRE(r.bound.ok());
    REQUIRE(r.bound.sets.size() == 2);
    CHECK(r.bound.sets[0].strings.size() == 1000000);
    CHECK(r.bound.sets[0].strings.contains("/bin/p999999"));
    CHECK(r.bound.sets[1].paths.size() == 1000000);
    // Inline, too.
    std::string inline_list = "proc.name in (";
    for (int i = 0; i < 1000000; ++i) inline_list += (i ? "," : "") + std::to_string(i);
    inline_list += ")";
    std::vector<diagnostic> out;
    CHECK(root(parse(inline_list, out)).values.size() == 1000000);
  }
  SUBCASE("macros that refer to themselves, directly or through others, and a long chain") {
    definitions d;
    d.macro("m0", "m0");
    d.macro("a", "proc.name = x and b");
    d.macro("b", "not c");
    d.macro("c", "(a)");
    CHECK(bind_text("m0", d).diags.at(0).code == "macro-loop");
    bind_result r = bind_text("a", d);
    REQUIRE(r.diags.size() == 1);
    CHECK(r.diags[0].message == "macro 'a' refers to itself: a -> b -> c -> a");
    definitions chain;
    for (int i = 0; i < 5000; ++i) chain.macro("m" + std::to_string(i), "m" + std::to_string(i + 1));
    chain.macro("m5000", "proc.name = x");
    bind_result deep = bind_text("m0", chain);
    CHECK_FALSE(deep.bound.ok());
    REQUIRE(deep.diags.size() == 1);
    CHECK(deep.diags[0].code == "condition-too-deep");
    CHECK(bind_text("m4800", chain).bound.ok());   // 200 macros deep: under max_macro_depth
  }
}

TEST_CASE("positions in real files: every check's line and column point at its field in the YAML") {
  std::size_t checked = 0, folded = 0;
  for (const char* f : {"rules/falco_rules.yaml", "rules/falco-sandbox_rules.yaml",
                        "rules/plugins/k8saudit/k8s_audit_rules.yaml", "rules/pinned/falco-rules-1.0.1/falco_rules.yaml"}) {
    corpus c;
    c.load(falco_dir / f);
    REQUIRE(c.diags.empty());
    const std::string& text = c.texts.begin()->second;
    std::vector<std::size_t> line_starts{0};
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') line_starts.push_back(i + 1);
    auto check_all = [&](const parsed_condition& p) {
      folded += p.origin.segments.size() > 1;
      for (const parsed_node& n : p.nodes) {
        if (n.kind != parsed_kind::check || !n.left.transformers.empty()) continue;
        located at = locate(p.origin, p.text, n.left.offset);
        REQUIRE(at.pos.line >= 1);
        REQUIRE(at.pos.line <= line_starts.size());
        std::size_t off = line_starts[at.pos.line - 1] + at.pos.column - 1;
        CAPTURE(p.origin.item);
        CHECK(text.compare(off, n.left.name.size(), n.left.name) == 0);
        ++checked;
      }
    };
    for (const auto& [name, m] : c.defs.macros) check_all(m);
    for (const auto& r : c.rules) check_all(r.parsed);
  }
  CHECK(checked == 1804);
  CHECK(folded == 250);  // conditions spread over several lines (mostly `condition: >`)
}
