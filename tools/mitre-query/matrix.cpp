// mitre-query matrix: tactics as columns in the matrix's order, techniques under
// them with their sub-technique counts; with --domain d3fend, D3FEND's matrix
// (techniques indented by depth). The table form pages the columns in
// groups that fit the width and wraps long names inside a column.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "commands.hpp"
#include "mitrekg/query.hpp"

namespace mq {

namespace {

using mitrekg::domain;

domain pick_domain(context& ctx, const mitrekg::knowledge_graph& g) {
  const domain all[] = {domain::enterprise, domain::mobile, domain::ics};
  if (ctx.domains) {
    for (domain d : all)
      if (ctx.domains == mitrekg::bit(d)) return d;
    throw usage_error("matrix shows one domain: pass --domain enterprise, mobile or ics");
  }
  // The first loaded domain, in the order enterprise, mobile, ics.
  for (domain d : all)
    for (const auto& f : g.files())
      if (auto fd = mitrekg::parse_domain(f.domain); fd && *fd == d) return d;
  return domain::enterprise;
}

// JSON: one object per column (json_head's fields, then "techniques": each cell's
// fields); CSV: one row per cell (csv_head's fields of its column, then the cell's).
// Both matrices (ATT&CK and D3FEND) shape their data this way.
template <class Columns, class JsonHead, class CsvHead, class CellFields>
void write_matrix_data(context& ctx, const Columns& cols, JsonHead json_head, CsvHead csv_head, CellFields cell_fields,
                       const std::vector<column>& csv_columns) {
  array out;
  for (const auto& col : cols) {
    if (ctx.fmt == format::json) {
      array techniques;
      for (const auto& cell : col.cells) techniques.push_back(cell_fields(cell));
      object o = json_head(col);
      o.emplace_back("techniques", std::move(techniques));
      out.push_back(std::move(o));
    } else {
      for (const auto& cell : col.cells) {
        object row = csv_head(col);
        for (auto& field : cell_fields(cell)) row.push_back(std::move(field));
        out.push_back(std::move(row));
      }
    }
  }
  if (ctx.fmt == format::json)
    write_json(ctx.out, value(std::move(out)));
  else
    write_csv(ctx.out, csv_columns, out);
}

// A grid column's count line: "1 technique", "12 techniques".
std::string technique_count(std::size_t n) { return fmt::format("{} technique{}", n, n == 1 ? "" : "s"); }

// A column of the terminal grid: a heading, a count line, cells (text, indent in spaces).
struct grid_column {
  std::string title;
  std::string count;
  std::vector<std::pair<std::string, std::size_t>> cells;
};

// `min_col`: the narrowest column; `wrap_cells`: wrap long cells (continuation
// lines indented two spaces), else shorten them with "…" so a tree stays one line per node.
void write_grid(context& ctx, const std::vector<grid_column>& cols, std::size_t min_col, bool wrap_cells) {
  constexpr std::size_t gap = 2, max_col = 32;
  std::size_t width = 80;
  if (ctx.width) width = *ctx.width;
  else if (const char* c = std::getenv("COLUMNS"); c && std::atoi(c) > 0) width = static_cast<std::size_t>(std::atoi(c));
  width = std::max(width, min_col);

  const std::size_t n = cols.size();
  std::size_t per_page = std::clamp<std::size_t>((width + gap) / (min_col + gap), 1, n);
  const std::size_t pages = (n + per_page - 1) / per_page;
  per_page = (n + pages - 1) / pages;   // balance the pages
  const std::size_t colw = std::min(max_col, (width - gap * (per_page - 1)) / per_page);

  for (std::size_t first = 0; first < n; first += per_page) {
    const std::size_t last = std::min(n, first + per_page);
    std::vector<std::vector<std::string>> head, body;
    std::size_t head_height = 0, body_height = 0;
    for (std::size_t c = first; c < last; ++c) {
      std::vector<std::string> h = wrap(cols[c].title, colw);
      h.push_back(truncate(cols[c].count, colw));
      head_height = std::max(head_height, h.size());
      head.push_back(std::move(h));
      std::vector<std::string> b;
      for (const auto& [text, indent_wanted] : cols[c].cells) {
        // Deep cells keep at least 8 characters of text.
        const std::size_t indent = colw > 10 ? std::min(indent_wanted, colw - 10) : 0;
        const std::string lead(indent, ' ');
        if (!wrap_cells) {
          b.push_back(lead + truncate(text, colw - indent));
          continue;
        }
        auto lines = wrap(text, colw - indent);
        if (lines.size() > 1) lines = wrap(text, colw - indent - 2);   // continuation lines are indented two spaces
        for (std::size_t i = 0; i < lines.size(); ++i) b.push_back(lead + (i ? "  " + lines[i] : lines[i]));
      }
      body_height = std::max(body_height, b.size());
      body.push_back(std::move(b));
    }
    // `bottom`: the height to bottom-align to (headers, so the counts line up); 0: top-aligned.
    auto emit_row = [&](const std::vector<std::vector<std::string>>& part, std::size_t row, std::size_t bottom) {
      std::string line;
      for (std::size_t c = 0; c < part.size(); ++c) {
        const std::vector<std::string>& col = part[c];
        const std::size_t skip = bottom ? bottom - col.size() : 0;
        if (c) line.append(gap, ' ');
        if (row >= skip && row - skip < col.size()) line += pad(col[row - skip], colw);
        else line.append(colw, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      line.push_back('\n');
      ctx.out.write(line);
    };
    if (first) ctx.out.write("\n");
    for (std::size_t r = 0; r < head_height; ++r) emit_row(head, r, head_height);
    std::string rule;
    for (std::size_t c = first; c < last; ++c) {
      if (c > first) rule.append(gap, ' ');
      for (std::size_t i = 0; i < colw; ++i) rule += "─";
    }
    ctx.out.print("{}\n", rule);
    for (std::size_t r = 0; r < body_height; ++r) emit_row(body, r, 0);
  }
}

}  // namespace

// matrix --domain d3fend: D3FEND's tactics as columns, techniques indented by depth.
static int run_d3fend_matrix(context& ctx) {
  if (ctx.domains) throw usage_error("matrix shows one domain: pass --domain d3fend alone");
  if (ctx.has("platform")) throw usage_error("--platform does not apply to the D3FEND matrix");
  const auto& d = ctx.d3fend();
  struct column_cells {
    mitrekg::d3fend_tactic tactic;
    std::vector<mitrekg::d3fend_matrix_cell> cells;
  };
  std::vector<column_cells> cols;
  for (auto t : mitrekg::all_d3fend_tactics) cols.push_back({t, d.matrix_column(t)});
  auto label_of = [&](mitrekg::d3fend_node n) { return d[n].label.empty() ? d[n].name : d[n].label; };
  auto tactic_label = [&](mitrekg::d3fend_tactic t) -> std::string_view {
    auto n = d.tactic_node(t);
    return n && !d[*n].label.empty() ? d[*n].label : to_string(t);
  };
  if (ctx.fmt != format::table) {
    auto cell_fields = [&](const auto& cell) {
      return object{{"d3fend_id", d[cell.technique].d3fend_id},
                    {"d3fend_class", d[cell.technique].name},
                    {"d3fend_label", label_of(cell.technique)},
                    {"depth", cell.depth}};
    };
    write_matrix_data(
        ctx, cols,
        [&](const auto& col) { return object{{"tactic", to_string(col.tactic)}, {"label", tactic_label(col.tactic)}}; },
        [&](const auto& col) { return object{{"d3fend_tactic", to_string(col.tactic)}}; }, cell_fields,
        {{"d3fend_tactic"}, {"d3fend_id"}, {"d3fend_class"}, {"d3fend_label"}, {"depth"}});
    return exit_found;
  }
  std::vector<grid_column> grid;
  for (const auto& col : cols) {
    grid_column gc{std::string(tactic_label(col.tactic)), technique_count(col.cells.size()), {}};
    for (const auto& cell : col.cells) gc.cells.emplace_back(std::string(label_of(cell.technique)), 2 * cell.depth);
    grid.push_back(std::move(gc));
  }
  write_grid(ctx, grid, 24, false);
  return exit_found;
}

int run_matrix(context& ctx) {
  if (ctx.d3fend_domain) return run_d3fend_matrix(ctx);
  const auto& g = ctx.graph();
  const std::string platform = platform_flag(ctx);
  const auto cols = mitrekg::matrix(g, pick_domain(ctx, g), platform, ctx.lookup);
  if (cols.empty()) return exit_nothing;

  if (ctx.fmt != format::table) {
    write_matrix_data(
        ctx, cols,
        [&](const auto& col) {
          return object{{"id", g[col.tactic].id}, {"name", g[col.tactic].name}, {"shortname", g[col.tactic].shortname}};
        },
        [&](const auto& col) { return object{{"tactic_id", g[col.tactic].id}, {"tactic", g[col.tactic].name}}; },
        [&](const auto& cell) {
          return object{{"id", g[cell.technique].id},
                        {"name", g[cell.technique].name},
                        {"subtechniques", cell.subtechniques}};
        },
        {{"tactic_id"}, {"tactic"}, {"id"}, {"name"}, {"subtechniques"}});
    return exit_found;
  }
  std::vector<grid_column> grid;
  for (const auto& col : cols) {
    grid_column gc{std::string(g[col.tactic].name), technique_count(col.cells.size()), {}};
    for (const auto& cell : col.cells) {
      std::string text(g[cell.technique].name);
      if (cell.subtechniques) text += fmt::format(" ({})", cell.subtechniques);
      gc.cells.emplace_back(std::move(text), 0);
    }
    grid.push_back(std::move(gc));
  }
  write_grid(ctx, grid, 18, true);
  return exit_found;
}

}  // namespace mq
