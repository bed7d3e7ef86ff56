// Unified diffs of a file before and after --fix (Myers' O((N+M)D) algorithm on lines).
#include <fmt/format.h>

#include "mitrekg/tags.hpp"

namespace mitrekg {
namespace {

// Lines with their line ending kept, so CRLF and a missing final newline show.
std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < s.size()) {
    std::size_t nl = s.find('\n', at);
    std::size_t end = nl == std::string_view::npos ? s.size() : nl + 1;
    out.push_back(s.substr(at, end - at));
    at = end;
  }
  return out;
}

enum class op : char { keep = ' ', del = '-', add = '+' };

// The edit script from a to b, shortest first (Myers 1986, greedy forward pass with the V arrays kept).
std::vector<std::pair<op, std::string_view>> edit_script(const std::vector<std::string_view>& a,
                                                         const std::vector<std::string_view>& b) {
  const long n = static_cast<long>(a.size()), m = static_cast<long>(b.size()), max = n + m;
  std::vector<long> v(2 * static_cast<std::size_t>(max) + 2, 0);
  std::vector<std::vector<long>> trace;
  long found_d = -1;
  for (long d = 0; d <= max && found_d < 0; ++d) {
    trace.push_back(v);
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max])) ? v[k + 1 + max] : v[k - 1 + max] + 1;
      long y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[k + max] = x;
      if (x >= n && y >= m) { found_d = d; break; }
    }
  }
  std::vector<std::pair<op, std::string_view>> script;
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const auto& pv = trace[d];
    long k = x - y;
    long prev_k = (k == -d || (k != d && pv[k - 1 + max] < pv[k + 1 + max])) ? k + 1 : k - 1;
    long prev_x = pv[prev_k + max], prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) script.push_back({op::keep, a[--x]}), --y;
    if (x == prev_x) script.push_back({op::add, b[--y]});
    else script.push_back({op::del, a[--x]});
  }
  while (x > 0 && y > 0) script.push_back({op::keep, a[--x]}), --y;
  return {script.rbegin(), script.rend()};
}

void append_line(std::string& out, op o, std::string_view line) {
  out += static_cast<char>(o);
  out.append(line);
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string unified_diff(std::string_view file, std::string_view before, std::string_view after) {
  if (before == after) return {};
  auto a = split_lines(before), b = split_lines(after);
  auto script = edit_script(a, b);
  std::string out = fmt::format("--- a/{}\n+++ b/{}\n", file, file);
  constexpr std::size_t context = 3;
  std::size_t i = 0;
  while (i < script.size()) {
    if (script[i].first == op::keep) { ++i; continue; }
    // A hunk: from `context` lines before this change to `context` after the last change closer than 2*context.
    std::size_t start = i >= context ? i - context : 0;
    std::size_t end = i;
    while (end < script.size()) {
      std::size_t next = end;
      while (next < script.size() && script[next].first == op::keep) ++next;
      if (next == script.size() || next - end > 2 * context) { end = std::min(script.size(), end + context); break; }
      end = next + 1;
      while (end < script.size() && script[end].first != op::keep) ++end;
    }
    std::size_t a_line = 1, b_line = 1;
    for (std::size_t j = 0; j < start; ++j) {
      if (script[j].first != op::add) ++a_line;
      if (script[j].first != op::del) ++b_line;
    }
    std::size_t a_count = 0, b_count = 0;
    for (std::size_t j = start; j < end; ++j) {
      if (script[j].first != op::add) ++a_count;
      if (script[j].first != op::del) ++b_count;
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_count ? a_line : a_line - 1, a_count, b_count ? b_line : b_line - 1, b_count);
    for (std::size_t j = start; j < end; ++j) append_line(out, script[j].first, script[j].second);
    i = end;
  }
  return out;
}

}  // namespace mitrekg
