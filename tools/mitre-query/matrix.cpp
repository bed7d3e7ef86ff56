// mitre-query matrix: tactics as columns in the matrix's order, techniques under
// them with their sub-technique counts. The table form pages the columns in
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

void write_grid(context& ctx, const mitrekg::knowledge_graph& g, const std::vector<mitrekg::matrix_column>& cols) {
  constexpr std::size_t gap = 2, min_col = 18, max_col = 32;
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
      std::vector<std::string> h = wrap(g[cols[c].tactic].name, colw);
      h.push_back(truncate(fmt::format("{} technique{}", cols[c].cells.size(), cols[c].cells.size() == 1 ? "" : "s"), colw));
      head_height = std::max(head_height, h.size());
      head.push_back(std::move(h));
      std::vector<std::string> b;
      for (const auto& cell : cols[c].cells) {
        std::string text(g[cell.technique].name);
        if (cell.subtechniques) text += fmt::format(" ({})", cell.subtechniques);
        auto lines = wrap(text, colw);
        if (lines.size() > 1) lines = wrap(text, colw - 2);   // continuation lines are indented two spaces
        for (std::size_t i = 0; i < lines.size(); ++i) b.push_back(i ? "  " + lines[i] : lines[i]);
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

int run_matrix(context& ctx) {
  const auto& g = ctx.graph();
  const std::string platform = platform_flag(ctx);
  const auto cols = mitrekg::matrix(g, pick_domain(ctx, g), platform, ctx.lookup);
  if (cols.empty()) return exit_nothing;

  switch (ctx.fmt) {
    case format::json: {
      array out;
      for (const auto& col : cols) {
        array techniques;
        for (const auto& cell : col.cells)
          techniques.push_back(object{{"id", g[cell.technique].id},
                                      {"name", g[cell.technique].name},
                                      {"subtechniques", cell.subtechniques}});
        out.push_back(object{{"id", g[col.tactic].id},
                             {"name", g[col.tactic].name},
                             {"shortname", g[col.tactic].shortname},
                             {"techniques", std::move(techniques)}});
      }
      write_json(ctx.out, value(std::move(out)));
      break;
    }
    case format::csv: {
      array rows;
      for (const auto& col : cols)
        for (const auto& cell : col.cells)
          rows.push_back(object{{"tactic_id", g[col.tactic].id},
                                {"tactic", g[col.tactic].name},
                                {"id", g[cell.technique].id},
                                {"name", g[cell.technique].name},
                                {"subtechniques", cell.subtechniques}});
      write_csv(ctx.out, {{"tactic_id"}, {"tactic"}, {"id"}, {"name"}, {"subtechniques"}}, rows);
      break;
    }
    case format::table: write_grid(ctx, g, cols); break;
  }
  return exit_found;
}

}  // namespace mq
