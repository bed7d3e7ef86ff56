// Compiling merged rule items: lists resolved, macros checked, exceptions folded into conditions, rules bound per source, outputs checked, unused items reported.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "rules/condition.hpp"
#include "rules/loader.hpp"
#include "rules/rule_set_access.hpp"

namespace mitrekg::rules {

namespace {

// The segments of a located text (a definition and its appends): each piece
// mapped through scalar_origin, so every offset has its exact file position.
condition_origin origin_of(const collection& c, const located_text& t, const std::string& item) {
  condition_origin o;
  o.item = item;
  for (const text_piece& p : t.pieces) {
    const loaded_file& f = c.files[p.file];
    condition_origin one = scalar_origin(
        f.text, {static_cast<std::uint32_t>(p.origin.line), static_cast<std::uint32_t>(p.origin.column)},
        p.source_offset, std::string_view(t.text).substr(p.offset, p.length), f.name, item);
    if (one.segments.empty())
      one.segments.push_back({0, f.name, {static_cast<std::uint32_t>(p.origin.line),
                                          static_cast<std::uint32_t>(p.origin.column)}});
    for (auto& seg : one.segments) {
      seg.offset += static_cast<std::uint32_t>(p.offset);
      o.segments.push_back(std::move(seg));
    }
  }
  return o;
}

// Falco quotes an exception value holding a space unless it is quoted already.
std::string quoted(std::string v) {
  if (v.find(' ') != std::string::npos && !v.empty() && v.front() != '"' && v.front() != '\'') return '"' + v + '"';
  return v;
}

bool is_list_comp(std::string_view op) { return op == "in" || op == "intersects" || op == "pmatch"; }

bool is_comp(std::string_view op) {
  static constexpr std::string_view ops[] = {"=",          "==",         "!=",      "<",           "<=",
                                             ">",          ">=",         "contains", "icontains",  "bcontains",
                                             "startswith", "bstartswith", "endswith", "glob",       "iglob",
                                             "regex",      "in",         "intersects", "pmatch",   "exists"};
  return std::find(std::begin(ops), std::end(ops), op) != std::end(ops);
}

struct compiler {
  collection& c;
  rule_set::impl& out;
  std::vector<parsed_condition> macro_trees;
  std::vector<char> macro_ok;        // parsed and every reference defined before it
  std::vector<char> macro_used, list_used;
  std::vector<char> list_broken;   // over max_list_items once expanded (reported at the list)

  void take(std::vector<diagnostic>& ds, std::string_view kind) {
    for (auto& d : ds) {
      c.diags.push_back(std::move(d));
      c.kinds.emplace_back(kind);
    }
    ds.clear();
  }

  std::optional<std::size_t> macro_at(std::string_view name) const {
    auto it = c.macro_index.find(std::string(name));
    if (it == c.macro_index.end()) return std::nullopt;
    return it->second;
  }

  void resolve_lists() {
    for (std::size_t i = 0; i < c.lists.size(); ++i) {
      rule_list_info info;
      info.name = c.lists[i].name;
      info.position = c.lists[i].position;
      for (const std::string& item : c.lists[i].items) {
        auto it = c.list_index.find(item);
        if (it != c.list_index.end() && it->second < i) {   // only earlier lists expand
          list_used[it->second] = 1;
          const auto& inner = out.lists[it->second].items;
          if (info.items.size() + inner.size() > max_list_items) {   // lists naming lists grow as 2^n
            c.add("condition-too-large", severity::error, c.lists[i].position, "list", info.name,
                  fmt::format("list '{}' has more than {} items with its lists inlined", info.name, max_list_items));
            info.items.clear();
            list_broken[i] = 1;
            break;
          }
          info.items.insert(info.items.end(), inner.begin(), inner.end());
        } else {
          info.items.push_back(item);
        }
      }
      out.lists.push_back(std::move(info));
    }
  }

  // Macros are parsed once and checked on their own: every macro they name
  // must exist (anywhere in the load, as in Falco), and no macro may reach
  // itself. A macro failing either check is reported here, once; rules using
  // it are then not compiled (uses_broken_macro) rather than reported again.
  void check_macros() {
    std::vector<diagnostic> ds;
    std::vector<std::vector<std::size_t>> refs(c.macros.size());
    for (std::size_t i = 0; i < c.macros.size(); ++i) {
      const macro_def& m = c.macros[i];
      macro_trees.push_back(parse_condition(m.condition.text, origin_of(c, m.condition, m.name), ds));
      take(ds, "macro");
      const parsed_condition& p = macro_trees.back();
      macro_ok[i] = p.ok();
      if (!p.ok()) continue;
      for (const parsed_node& n : p.nodes) {
        if (n.kind != parsed_kind::macro_ref) continue;
        if (auto j = macro_at(n.name)) {
          macro_used[*j] = macro_used[*j] || *j != i;
          refs[i].push_back(*j);
        } else {
          c.add("undefined-macro", severity::error, {located_file(p, n), n.pos.line, n.pos.column}, "macro", m.name,
                fmt::format("Undefined macro '{}' used in filter.", n.name));
          macro_ok[i] = 0;
        }
      }
    }
    // Loops: an iterative depth-first search; a back edge closes a loop, reported
    // on the macro it returns to, with the chain.
    std::vector<char> state(c.macros.size(), 0);   // 0 new, 1 on the path, 2 done
    std::vector<char> in_loop(c.macros.size(), 0);
    for (std::size_t start = 0; start < c.macros.size(); ++start) {
      if (state[start]) continue;
      std::vector<std::pair<std::size_t, std::size_t>> path{{start, 0}};
      state[start] = 1;
      while (!path.empty()) {
        auto& [at, next] = path.back();
        if (next == refs[at].size()) {
          state[at] = 2;
          path.pop_back();
          continue;
        }
        const std::size_t to = refs[at][next++];
        if (state[to] == 0) {
          state[to] = 1;
          path.emplace_back(to, 0);
        } else if (state[to] == 1 && !in_loop[to]) {
          std::string chain;
          bool on = false;
          for (const auto& step : path) {
            on = on || step.first == to;
            if (on) chain += c.macros[step.first].name + " -> ";
          }
          for (const auto& step : path)
            if (on) in_loop[step.first] = 1;
          in_loop[to] = 1;
          c.add("macro-loop", severity::error, c.macros[to].position, "macro", c.macros[to].name,
                fmt::format("macro '{}' refers to itself: {}{}", c.macros[to].name, chain, c.macros[to].name));
        }
      }
    }
    for (std::size_t i = 0; i < c.macros.size(); ++i)
      if (in_loop[i]) macro_ok[i] = 0;
  }

  static std::string located_file(const parsed_condition& p, const parsed_node& n) {
    return std::string(locate(p.origin, p.text, n.offset).file);
  }

  // Checks the exceptions and writes them as `and not (...)` clauses; false
  // (with diagnostics) when one is malformed.
  bool exception_text(const rule_def& r, const field_table* fields, std::string& clauses) {
    bool ok = true;
    int joined = 0;
    for (const exception_def& ex : r.exceptions) {
      auto fail = [&](std::string message) {
        c.add("bad-exception", severity::error, ex.position, "exception", ex.name, std::move(message));
        ok = false;
      };
      std::vector<std::string> comps = ex.comps;
      if (!ex.has_comps) comps.assign(ex.fields.size(), ex.fields_is_list ? "=" : "in");
      if (ex.fields_is_list != (ex.has_comps ? ex.comps_is_list : ex.fields_is_list)) {
        fail("Fields and comps must both be lists or both be strings");
        continue;
      }
      if (comps.size() != ex.fields.size()) {
        fail("Fields and comps lists must have equal length");
        continue;
      }
      bool bad = false;
      for (const std::string& op : comps)
        if (!is_comp(op)) fail(fmt::format("'{}' is not a supported comparison operator", op)), bad = true;
      for (const std::string& f : ex.fields)
        if (fields && !fields->find(f)) fail(fmt::format("'{}' is not a supported filter field", f)), bad = true;
      if (bad) continue;
      std::string clause;
      if (!ex.fields_is_list) {
        std::vector<std::string> vals;
        for (const auto& row : ex.values)
          for (const auto& cell : row) {
            if (cell.is_list) {
              fail(fmt::format("Expected values array for item {} to contain a list of strings", ex.name));
              bad = true;
            }
            vals.push_back(quoted(cell.text));
          }
        if (bad) continue;
        if (!vals.empty()) {
          clause = fmt::format("({} {} (", ex.fields[0], comps[0]);
          for (std::size_t k = 0; k < vals.size(); ++k) clause += (k ? ", " : "") + vals[k];
          clause += "))";
        }
      } else {
        for (const auto& row : ex.values) {
          if (row.size() != ex.fields.size()) {
            fail("Fields and values lists must have equal length");
            bad = true;
            break;
          }
          clause += clause.empty() ? "(" : " or (";
          for (std::size_t k = 0; k < row.size(); ++k) {
            std::string v;
            if (row[k].is_list) {
              v = "(";
              for (std::size_t q = 0; q < row[k].items.size(); ++q) v += (q ? ", " : "") + quoted(row[k].items[q]);
              v += ")";
            } else if (is_list_comp(comps[k])) {
              v = row[k].text;
              if (v.empty() || v.front() != '(') v = "(" + v + ")";
            } else {
              v = quoted(row[k].text);
            }
            clause += fmt::format("{}{} {} {}", k ? " and " : "", ex.fields[k], comps[k], v);
          }
          clause += ")";
        }
        if (bad) continue;
        if (!clause.empty()) clause = "(" + clause + ")";
      }
      if (!clause.empty()) clauses += (clauses.empty() ? "" : " or ") + clause, ++joined;
    }
    // Several exceptions: "and not (ex1 or ex2)", so the `or` cannot escape the `not`.
    if (joined > 1) clauses = "(" + clauses + ")";
    return ok;
  }

  // True when the rule reaches a macro whose own check failed (already reported).
  bool uses_broken_macro(const parsed_condition& p) {
    std::vector<std::size_t> todo;
    std::vector<char> seen(c.macros.size(), 0);
    auto visit = [&](const parsed_condition& q) {
      for (const parsed_node& n : q.nodes)
        if (n.kind == parsed_kind::macro_ref)
          if (auto j = macro_at(n.name); j && !seen[*j]) seen[*j] = 1, todo.push_back(*j);
    };
    visit(p);
    while (!todo.empty()) {
      std::size_t j = todo.back();
      todo.pop_back();
      if (!macro_ok[j]) return true;
      visit(macro_trees[j]);
    }
    return false;
  }

  // Every %field of the output must be a field of the rule's source.
  void check_output(const rule_def& r, const field_table& fields) {
    const std::string& s = r.output.text;
    std::optional<condition_origin> origin;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '%') continue;
      std::size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '_')) ++j;
      if (j == i + 1) continue;
      std::string_view name = std::string_view(s).substr(i + 1, j - i - 1);
      while (!name.empty() && name.back() == '.') name.remove_suffix(1);   // "%proc.name." ends a sentence
      std::string_view dotted;
      if (name == "container.info" || fields.find(name, &dotted)) {
        i = j - 1;
        continue;
      }
      if (!origin) origin = origin_of(c, r.output, r.name);
      const located at = locate(*origin, s, static_cast<std::uint32_t>(i));
      c.add("bad-output", severity::error, {std::string(at.file), at.pos.line, at.pos.column}, "rule", r.name,
            fmt::format("invalid formatting token {}", name));
      i = j - 1;
    }
  }

  void compile_rule(std::size_t k, const std::vector<std::string>& sources) {
    const rule_def& r = c.rules[k];
    rule_info info;
    info.name = r.name;
    info.source = r.source;
    info.priority = r.priority;
    info.enabled = r.enabled;
    info.desc = r.desc;
    info.output = r.output.text;
    info.condition = r.condition.text;
    info.tags = r.tags;
    info.position = r.position;
    out.conditions.emplace_back();
    const field_table* fields = fields_for_source(r.source);
    if (!fields || std::find(sources.begin(), sources.end(), r.source) == sources.end()) {
      c.add("unknown-source", severity::warning, r.position, "rule", r.name,
            fmt::format("Unknown source {}, skipping", r.source));
      out.rules.push_back(std::move(info));
      return;
    }
    std::string clauses;
    if (!exception_text(r, fields, clauses)) {
      out.rules.push_back(std::move(info));
      return;
    }
    located_text cond = r.condition;
    if (!clauses.empty()) {
      // The clauses are built text: they map to the first exception's position.
      cond.text = "(" + cond.text + ") and not " + clauses;
      for (auto& p : cond.pieces) p.offset += 1;
      info.condition = cond.text;
    }
    condition_origin origin = origin_of(c, cond, r.name);
    if (!clauses.empty()) {
      const rule_position& at = r.exceptions.front().position;
      origin.segments.push_back({static_cast<std::uint32_t>(r.condition.text.size() + 2), at.file,
                                 {static_cast<std::uint32_t>(at.line), static_cast<std::uint32_t>(at.column)}});
    }
    std::vector<diagnostic> ds;
    parsed_condition parsed = parse_condition(cond.text, origin, ds);
    take(ds, "rule");
    if (!parsed.ok() || uses_broken_macro(parsed)) {
      out.rules.push_back(std::move(info));
      return;
    }
    binder_context ctx;
    ctx.source = r.source;
    ctx.fields = fields;
    ctx.skip_if_unknown_filter = r.skip_if_unknown_filter;
    ctx.macro = [&](std::string_view name) -> const parsed_condition* {
      auto j = macro_at(name);
      return j ? &macro_trees[*j] : nullptr;
    };
    ctx.list = [&](std::string_view name) -> std::optional<list_definition> {
      auto it = c.list_index.find(std::string(name));
      if (it == c.list_index.end()) return std::nullopt;
      // The list as resolve_lists expanded it: expanded once here, not again per use.
      return list_definition{out.lists[it->second].items, static_cast<std::uint32_t>(it->second + 1), true,
                             list_broken[it->second] != 0};
    };
    bound_condition bound = rules::bind_condition(parsed, ctx, ds);
    take(ds, "rule");
    for (const std::string& m : bound.macros_used)
      if (auto j = macro_at(m)) macro_used[*j] = 1;
    for (const std::string& l : bound.lists_used)
      if (auto it = c.list_index.find(l); it != c.list_index.end()) list_used[it->second] = 1;
    if (bound.ok() && !bound.skipped) {
      check_output(r, *fields);
      info.compiled = true;
      if (r.source == "syscall") {
        event_type_set types = event_types(bound);
        info.all_event_types = types.all;
        if (!types.all) info.event_types = std::move(types.names);
        // Falco's threshold: no event type, or more than 100 of them.
        if ((types.all || info.event_types.size() > 100) && r.warn_evttypes)
          c.add("no-event-type", severity::warning, r.position, "rule", r.name,
                "Rule matches too many evt.type values. This has a significant performance penalty.");
      }
      out.conditions.back() = std::move(bound);
    }
    out.rules.push_back(std::move(info));
  }

  void run(const rule_load_options& options) {
    std::vector<std::string> sources = options.sources;
    if (sources.empty())
      for (std::string_view s : known_sources()) sources.emplace_back(s);
    macro_ok.assign(c.macros.size(), 0);
    macro_used.assign(c.macros.size(), 0);
    list_used.assign(c.lists.size(), 0);
    list_broken.assign(c.lists.size(), 0);
    resolve_lists();
    check_macros();
    // A list named inside a macro's condition counts as used even when the macro is not.
    for (const parsed_condition& p : macro_trees)
      for (const parsed_node& n : p.nodes)
        for (const parsed_value& v : n.values)
          if (auto it = c.list_index.find(v.text); it != c.list_index.end() && !v.quoted) list_used[it->second] = 1;
    for (std::size_t k = 0; k < c.rules.size(); ++k) compile_rule(k, sources);
    for (std::size_t i = 0; i < c.macros.size(); ++i) {
      rule_macro_info m{c.macros[i].name, c.macros[i].condition.text, c.macros[i].position, macro_used[i] != 0};
      if (!m.used)
        c.add("unused-macro", severity::warning, m.position, "macro", m.name,
              "Macro not referenced by any other rule/macro");
      out.macros.push_back(std::move(m));
    }
    for (std::size_t i = 0; i < out.lists.size(); ++i) {
      out.lists[i].used = list_used[i] != 0;
      if (!out.lists[i].used)
        c.add("unused-list", severity::warning, out.lists[i].position, "list", out.lists[i].name,
              "List not referenced by any other rule/macro");
    }
  }
};

}  // namespace

std::shared_ptr<const rule_set::impl> compile(collection&& c, const rule_load_options& options) {
  auto out = std::make_shared<rule_set::impl>();
  compiler comp{c, *out, {}, {}, {}, {}, {}};
  comp.run(options);
  out->plugins = std::move(c.plugins);
  out->list_index = std::move(c.list_index);
  out->macro_index = std::move(c.macro_index);
  out->rule_index = std::move(c.rule_index);
  out->files = c.files.size();
  // Diagnostics in file order, then position; items keep their report order within a position.
  std::vector<std::size_t> order(c.diags.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<std::size_t> file_rank(c.diags.size(), 0);
  for (std::size_t i = 0; i < c.diags.size(); ++i)
    for (std::size_t f = 0; f < c.files.size(); ++f)
      if (c.files[f].name == c.diags[i].file) {
        file_rank[i] = f;
        break;
      }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const diagnostic &x = c.diags[a], &y = c.diags[b];
    return std::tie(file_rank[a], x.line, x.column) < std::tie(file_rank[b], y.line, y.column);
  });
  for (std::size_t i : order) {
    out->diags.push_back(std::move(c.diags[i]));
    out->kinds.push_back(std::move(c.kinds[i]));
  }
  return out;
}

}  // namespace mitrekg::rules
