// mitre-query output writers: JSON, CSV, aligned tables, buffered stdout.
#include "output.hpp"

#include "support/text.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <unistd.h>

namespace mq {

const value* value::get(std::string_view key) const noexcept {
  for (const auto& [k, v] : fields_)
    if (k == key) return &v;
  return nullptr;
}

void value::push_back(value v) {
  if (kind_ == kind::null) kind_ = kind::array;
  items_.push_back(std::move(v));
}

// ---------------------------------------------------------------- output

output::~output() {
  try {
    flush();
  } catch (...) {
    // Destruction during unwinding: the error was already reported or is a closed pipe.
  }
}

void output::flush() {
  if (into_ != this) {   // a batch line's: the batch writes, at once unless it holds
    if (!into_->hold_) into_->flush();
    return;
  }
  const char* p = buf_.data();
  std::size_t left = buf_.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      buf_.clear();
      if (e == EPIPE) throw closed_pipe{};
      throw std::system_error(e, std::generic_category(), "cannot write to standard output");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  buf_.clear();
}

void output::escape_from(std::size_t start) {
  auto& b = into_->buf_;
  std::string_view piece(b.data() + start, b.size() - start);
  // Whether any byte needs a look: without a branch per byte (long descriptions).
  bool odd = false;
  for (char ch : piece) {
    auto u = static_cast<unsigned char>(ch);
    odd |= ((u < 0x20) & (u != '\n') & (u != '\t')) | (u >= 0x7F);
  }
  if (!odd) return;
  std::string shown;
  append_visible(shown, piece, true);
  b.resize(start);
  b.append(shown.data(), shown.data() + shown.size());
}

void write_stderr(std::string_view text) noexcept {
  while (!text.empty()) {
    ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;   // closed, full, …: nothing else can be said
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

// ---------------------------------------------------------------- control characters


std::string visible(std::string_view s, bool keep_layout) {
  std::string out;
  out.reserve(s.size());
  append_visible(out, s, keep_layout);
  return out;
}

// ---------------------------------------------------------------- JSON

namespace {

// replace_invalid: see mitrekg::append_json_string (lib/support/text.hpp).
void append_quoted(std::string& out, std::string_view s, bool replace_invalid) {
  mitrekg::append_json_string(out, s, replace_invalid);
}

// One line, python json.dumps style separators (", " and ": ").
void append_compact(std::string& out, const value& v) {
  switch (v.type()) {
    case value::kind::null: out += "null"; break;
    case value::kind::boolean: out += v.as_bool() ? "true" : "false"; break;
    case value::kind::integer: fmt::format_to(std::back_inserter(out), "{}", v.as_int()); break;
    case value::kind::string: append_quoted(out, v.as_string(), true); break;
    case value::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const value& item : v.items()) {
        if (!first) out += ", ";
        first = false;
        append_compact(out, item);
      }
      out.push_back(']');
      break;
    }
    case value::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, item] : v.fields()) {
        if (!first) out += ", ";
        first = false;
        append_quoted(out, k, true);
        out += ": ";
        append_compact(out, item);
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

std::string json_quote(std::string_view s) {
  std::string out;
  append_quoted(out, s, false);
  return out;
}

void write_json(output& out, const value& v) {
  std::string line;
  if (v.type() == value::kind::array && !v.items().empty()) {
    out.write("[\n");
    for (std::size_t i = 0; i < v.items().size(); ++i) {
      line.assign("  ");
      append_compact(line, v.items()[i]);
      line += i + 1 < v.items().size() ? ",\n" : "\n";
      out.write(line);
    }
    out.write("]\n");
  } else if (v.type() == value::kind::object && !v.fields().empty()) {
    out.write("{\n");
    for (std::size_t i = 0; i < v.fields().size(); ++i) {
      line.assign("  ");
      append_quoted(line, v.fields()[i].first, true);
      line += ": ";
      append_compact(line, v.fields()[i].second);
      line += i + 1 < v.fields().size() ? ",\n" : "\n";
      out.write(line);
    }
    out.write("}\n");
  } else {
    append_compact(line, v);
    line.push_back('\n');
    out.write(line);
  }
}

// ---------------------------------------------------------------- cells, CSV, tables

std::string cell_text(const value& v, std::string_view sep) {
  switch (v.type()) {
    case value::kind::null: return {};
    case value::kind::boolean: return v.as_bool() ? "true" : "false";
    case value::kind::integer: return fmt::format("{}", v.as_int());
    case value::kind::string: return v.as_string();
    case value::kind::array: {
      std::string out;
      for (const value& item : v.items()) {
        if (!out.empty()) out += sep;
        out += cell_text(item, sep);
      }
      return out;
    }
    case value::kind::object:
      if (const value* id = v.get("id"); id && id->type() == value::kind::string && !id->as_string().empty())
        return id->as_string();
      if (const value* name = v.get("name")) return cell_text(*name, sep);
      return {};
  }
  return {};
}

namespace {

// Appends `s` as a CSV field: as it is, or quoted (quotes doubled) when it holds , " CR or LF.
void append_csv_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string heading(const column& c) {
  if (!c.title.empty()) return c.title;
  std::string t = c.key;
  for (char& ch : t) ch = ch == '_' ? ' ' : static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
  return t;
}

// The header line of both CSV writers: the column keys.
std::string csv_header(const std::vector<column>& columns) {
  std::string line;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) line.push_back(',');
    append_csv_field(line, columns[i].key);
  }
  line.push_back('\n');
  return line;
}

}  // namespace

void write_csv(output& out, const std::vector<column>& columns, const array& rows) {
  std::string line = csv_header(columns);
  out.write(line);
  for (const value& row : rows) {
    line.clear();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) line.push_back(',');
      const value* v = row.get(columns[i].key);
      if (v) append_csv_field(line, cell_text(*v, ";"));
    }
    line.push_back('\n');
    out.write(line);
  }
}

namespace {

// Shortens the widest column, one step at a time, down to 8, until a row fits `width`.
void fit_widths(std::vector<std::size_t>& widths, std::optional<std::size_t> width) {
  if (!width || widths.empty()) return;
  auto total = [&] {
    std::size_t t = 2 * (widths.size() - 1);
    for (auto w : widths) t += w;
    return t;
  };
  while (total() > *width) {
    auto widest = std::max_element(widths.begin(), widths.end());
    if (*widest <= 8) break;
    --*widest;
  }
}

// Writes one table line: text_of(i) is the text of shown column i, already
// visible and on one line; padded to `widths`, cut with "…" when wider, no
// trailing spaces. `line` is scratch space.
template <class TextOf>
void write_line(output& out, const std::vector<std::size_t>& widths, std::string& line, TextOf text_of) {
  line.clear();
  for (std::size_t i = 0; i < widths.size(); ++i) {
    std::string_view text = text_of(i);
    std::size_t shown = display_width(text);
    if (shown <= widths[i]) {
      line += text;
    } else {
      std::string cut = truncate(text, widths[i]);
      line += cut;
      shown = display_width(cut);
    }
    if (i + 1 < widths.size()) {
      if (shown < widths[i]) line.append(widths[i] - shown, ' ');
      line += "  ";
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  line.push_back('\n');
  out.write(line);
}

// A cell's table text: newlines and tabs as spaces, other controls as visible escapes.
std::string table_text(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char ch) { return ch == '\n' || ch == '\r' || ch == '\t'; }, ' ');
  return visible(text);   // before measuring, so an escape keeps the columns aligned
}

// Printable ASCII only: its table text is itself, its width its size.
bool plain_text(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= 0x20 && ch < 0x7F; });
}

}  // namespace

void write_table(output& out, const std::vector<column>& columns, const array& rows,
                 std::optional<std::size_t> width) {
  std::vector<std::size_t> shown;
  std::vector<std::vector<std::string>> cells(rows.size());
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (!columns[c].in_table) continue;
    bool any = false;
    for (const value& row : rows) {
      const value* v = row.get(columns[c].key);
      if (v && !cell_text(*v, ", ").empty()) { any = true; break; }
    }
    if (any || rows.empty()) shown.push_back(c);
  }
  std::vector<std::string> head;
  std::vector<std::size_t> widths;
  for (std::size_t c : shown) {
    head.push_back(heading(columns[c]));
    widths.push_back(display_width(head.back()));
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < shown.size(); ++i) {
      const value* v = rows[r].get(columns[shown[i]].key);
      std::string text = table_text(v ? cell_text(*v, ", ") : std::string());
      widths[i] = std::max(widths[i], display_width(text));
      cells[r].push_back(std::move(text));
    }
  }
  fit_widths(widths, width);
  std::string line;
  write_line(out, widths, line, [&](std::size_t i) { return std::string_view(head[i]); });
  for (const auto& row : cells) write_line(out, widths, line, [&](std::size_t i) { return std::string_view(row[i]); });
}

// ---------------------------------------------------------------- lists of text cells

std::size_t write_json(output& out, const std::vector<column>& columns, const text_rows& rows) {
  std::size_t count = 0;
  std::string line;
  rows.each([&](const std::string_view* cells) {
    line.assign(count++ ? ",\n  {" : "[\n  {");   // the previous row ends here
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) line += ", ";
      append_quoted(line, columns[c].key, true);
      line += ": ";
      append_quoted(line, cells[c], true);
    }
    line.push_back('}');
    out.write(line);
  });
  out.write(count ? "\n]\n" : "[]\n");
  return count;
}

std::size_t write_csv(output& out, const std::vector<column>& columns, const text_rows& rows) {
  std::string line = csv_header(columns);
  out.write(line);
  std::size_t count = 0;
  rows.each([&](const std::string_view* cells) {
    ++count;
    line.clear();
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) line.push_back(',');
      append_csv_field(line, cells[c]);
    }
    line.push_back('\n');
    out.write(line);
  });
  return count;
}

std::size_t write_table(output& out, const std::vector<column>& columns, const text_rows& rows,
                        std::optional<std::size_t> width) {
  // First pass: which columns have text, their widths, and the cells whose
  // table text differs from their text (controls, non-ASCII) by position.
  std::vector<bool> any(columns.size());
  std::vector<std::size_t> column_widths(columns.size());
  std::vector<std::pair<std::size_t, std::string>> changed;
  std::size_t count = 0;
  rows.each([&](const std::string_view* cells) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (!columns[c].in_table || cells[c].empty()) continue;
      any[c] = true;
      if (plain_text(cells[c])) {
        column_widths[c] = std::max(column_widths[c], cells[c].size());
        continue;
      }
      changed.emplace_back(count * columns.size() + c, table_text(std::string(cells[c])));
      column_widths[c] = std::max(column_widths[c], display_width(changed.back().second));
    }
    ++count;
  });
  if (count == 0) return 0;
  std::vector<std::size_t> shown;
  std::vector<std::string> head;
  std::vector<std::size_t> widths;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (!columns[c].in_table || !any[c]) continue;
    shown.push_back(c);
    head.push_back(heading(columns[c]));
    widths.push_back(std::max(display_width(head.back()), column_widths[c]));
  }
  fit_widths(widths, width);
  std::string line;
  write_line(out, widths, line, [&](std::size_t i) { return std::string_view(head[i]); });
  std::size_t row = 0, next = 0;   // `changed` is in the order cells are written
  rows.each([&](const std::string_view* cells) {
    write_line(out, widths, line, [&](std::size_t i) -> std::string_view {
      const std::size_t at = row * columns.size() + shown[i];
      if (next < changed.size() && changed[next].first == at) return changed[next++].second;
      return cells[shown[i]];
    });
    ++row;
  });
  return count;
}

// ---------------------------------------------------------------- text helpers

namespace {
bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
}  // namespace

std::size_t display_width(std::string_view s) noexcept {
  std::size_t n = 0;
  for (char c : s)
    if (!continuation(c)) ++n;
  return n;
}

// Byte offset just past the first `count` code points.
static std::size_t prefix_bytes(std::string_view s, std::size_t count) {
  std::size_t i = 0, seen = 0;
  while (i < s.size()) {
    if (!continuation(s[i])) {
      if (seen == count) break;
      ++seen;
    }
    ++i;
  }
  return i;
}

std::string truncate(std::string_view s, std::size_t width) {
  if (display_width(s) <= width) return std::string(s);
  if (width == 0) return {};
  std::string out(s.substr(0, prefix_bytes(s, width - 1)));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out += "…";
  return out;
}

namespace {

// The end of a line that starts with the word s[a, j) (1 to `width` code points)
// and takes every following word that fits: the same line the word-by-word loop
// below builds, found with a few passes over the bytes instead of a branch per
// word. It equals that loop's only where the line is a slice of `s` (words single
// spaced up to where the line may end); elsewhere it returns j (just the word).
std::size_t line_end(std::string_view s, std::size_t a, std::size_t j, std::size_t width) {
  const std::size_t n = s.size();
  const auto* u = reinterpret_cast<const unsigned char*>(s.data());
  // lim: just past `width` code points from a (with the last one's continuation bytes).
  std::size_t lim = std::min(n, a + width);
  unsigned char high = 0;
  for (std::size_t k = a; k < lim; ++k) high |= u[k];
  if (high & 0x80) {
    std::size_t cps = 0;
    for (lim = a; lim < n; ++lim)
      if (!continuation(s[lim]) && cps++ == width) break;
  }
  while (lim < n && continuation(s[lim])) ++lim;
  // Two spaces before lim: the loop counts them as one; not a slice.
  bool doubled = false;
  for (std::size_t k = a + 1; k < lim; ++k) doubled |= (u[k] == ' ') & (u[k - 1] == ' ');
  if (doubled) return j;
  // The last word end at or before lim: lim itself, else the last space before it.
  if ((lim == n || s[lim] == ' ') && s[lim - 1] != ' ') return lim;
  std::size_t q = s.substr(j, lim - j).rfind(' ');
  return q == std::string_view::npos ? j : j + q;
}

// The word wrapping of wrap() and output::write_wrapped, told to a sink as it goes:
// extend(word) adds " word" to the current line, close() ends it, cut(piece) adds
// a line holding a piece of a word longer than the line (before the current one,
// whose text assign() then replaces), assign(word) makes the current line `word`,
// end(keep) ends the text (keep: the current line is one).
template <typename Sink>
void wrap_words(std::string_view s, std::size_t width, Sink& sink) {
  if (width == 0) width = 1;
  std::size_t line_w = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    // The word's end and its width in one pass.
    std::size_t j = i, w = 0;
    for (; j < s.size() && s[j] != ' '; ++j) w += continuation(s[j]) ? 0 : 1;
    if (j == i) break;
    std::string_view word = s.substr(i, j - i);
    const std::size_t a = i;
    i = j;
    if (line_w > 0 && line_w + 1 + w <= width) {
      sink.extend(word);
      line_w += 1 + w;
      continue;
    }
    if (line_w > 0) {
      sink.close();
      line_w = 0;
    }
    if (w > 0 && w <= width) {
      // A new line: it and the words that fit on it at once, when a slice of s.
      std::size_t e = line_end(s, a, j, width);
      if (e > j) {
        word = s.substr(a, e - a);
        w = display_width(word);
        i = e;
      }
    }
    while (w > width) {   // a word longer than the line: cut it
      std::size_t cut = prefix_bytes(word, width);
      sink.cut(word.substr(0, cut));
      word.remove_prefix(cut);
      w = display_width(word);
    }
    sink.assign(word);
    line_w = w;
  }
  sink.end(line_w > 0);
}

// wrap(): the lines as strings.
struct line_list {
  std::vector<std::string> lines;
  std::string line;
  void extend(std::string_view word) {
    line += ' ';
    line += word;
  }
  void close() {
    lines.push_back(std::move(line));
    line.clear();
  }
  void cut(std::string_view piece) { lines.emplace_back(piece); }
  void assign(std::string_view word) { line.assign(word); }
  void end(bool keep) {
    if (keep || lines.empty()) lines.push_back(std::move(line));
  }
};

// write_wrapped(): the lines appended to a buffer, each `indent` + line + '\n'; the
// current line is the buffer's end from `start` (borrows the buffer and indent).
struct line_buffer {
  fmt::memory_buffer& b;
  std::string_view indent;
  std::size_t start = 0;
  bool any = false;   // a line was ended
  line_buffer(fmt::memory_buffer& buf, std::string_view ind) : b(buf), indent(ind) { begin(); }
  void append(std::string_view s) { b.append(s.data(), s.data() + s.size()); }
  void begin() {
    append(indent);
    start = b.size();
  }
  void extend(std::string_view word) {
    b.push_back(' ');
    append(word);
  }
  void close() {
    b.push_back('\n');
    any = true;
    begin();
  }
  void cut(std::string_view piece) {
    b.resize(start);   // the current line's text: assign() replaces it next
    append(piece);
    close();
  }
  void assign(std::string_view word) {
    b.resize(start);
    append(word);
  }
  void end(bool keep) {
    if (keep || !any) b.push_back('\n');
    else b.resize(start - indent.size());
  }
};

}  // namespace

std::vector<std::string> wrap(std::string_view s, std::size_t width) {
  line_list sink;
  wrap_words(s, width, sink);
  return std::move(sink.lines);
}

void output::write_wrapped(std::string_view s, std::size_t width, std::string_view indent) {
  std::size_t start = into_->buf_.size();
  line_buffer sink(into_->buf_, indent);
  wrap_words(s, width, sink);
  done(start);
}

std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  std::size_t w = display_width(s);
  if (w < width) out.append(width - w, ' ');
  return out;
}

}  // namespace mq
