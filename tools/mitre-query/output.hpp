// mitre-query output: a JSON-shaped value the commands build, and the writers
// that render it as JSON, CSV (RFC 4180) or an aligned text table.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "support/text.hpp"

namespace mq {

// What commands produce. Objects keep their keys in insertion order.
class value {
public:
  enum class kind : std::uint8_t { null, boolean, integer, string, array, object };
  using array_type = std::vector<value>;
  using object_type = std::vector<std::pair<std::string, value>>;

  value() = default;                          // null
  value(std::nullptr_t) {}
  value(bool b) : kind_(kind::boolean), int_(b ? 1 : 0) {}
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  value(T i) : kind_(kind::integer), int_(static_cast<std::int64_t>(i)) {}
  value(std::string s) : kind_(kind::string), str_(std::move(s)) {}
  value(std::string_view s) : kind_(kind::string), str_(s) {}
  value(const char* s) : kind_(kind::string), str_(s) {}
  value(array_type a) : kind_(kind::array), items_(std::move(a)) {}
  value(object_type o) : kind_(kind::object), fields_(std::move(o)) {}

  kind type() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == kind::null; }
  bool as_bool() const noexcept { return int_ != 0; }
  std::int64_t as_int() const noexcept { return int_; }
  const std::string& as_string() const noexcept { return str_; }
  const array_type& items() const noexcept { return items_; }
  const object_type& fields() const noexcept { return fields_; }
  // Object member by key; nullptr when absent or not an object.
  const value* get(std::string_view key) const noexcept;

  // Appends to an array value (a null value becomes an array).
  void push_back(value v);

private:
  kind kind_ = kind::null;
  std::int64_t int_ = 0;
  std::string str_;
  array_type items_;
  object_type fields_;
};

using object = value::object_type;
using array = value::array_type;

// Thrown by output when stdout is a closed pipe: the program ends quietly, exit 0.
struct closed_pipe {};

// Buffered stdout. Formatting goes through fmt into the buffer; the buffer is
// written with write(2). EPIPE throws closed_pipe; other write errors throw
// std::system_error. With escape_controls(true) (table output) every piece
// written goes through append_visible (newlines and tabs kept).
//
// batch: a line's output sends its pieces into the batch's (send_to), escaped by
// its own rule; while the batch's output holds (hold(true)), a line's flush()
// leaves them there, and the batch writes them when it is about to wait for input,
// at 64 KiB and at the end (docs/cli.md, "batch").
class output {
public:
  output() = default;
  output(const output&) = delete;
  output& operator=(const output&) = delete;
  ~output();

  template <typename... Args>
  void print(fmt::format_string<Args...> f, Args&&... args) {
    auto& b = into_->buf_;
    std::size_t start = b.size();
    fmt::format_to(std::back_inserter(b), f, std::forward<Args>(args)...);
    done(start);
  }
  void write(std::string_view s) {
    auto& b = into_->buf_;
    std::size_t start = b.size();
    b.append(s.data(), s.data() + s.size());
    done(start);
  }
  // Machine output that must stay byte for byte (a unified diff, SARIF): never escaped.
  void write_raw(std::string_view s) {
    into_->buf_.append(s.data(), s.data() + s.size());
    if (into_->buf_.size() >= flush_at) into_->flush();
  }
  // `s` word-wrapped to lines of at most `width` code points (as wrap()), each
  // line written as `indent`, the line, '\n'; built in the buffer itself.
  void write_wrapped(std::string_view s, std::size_t width, std::string_view indent);
  // Writes what is buffered; for an output that sends to another, flushes that
  // one unless it holds.
  void flush();
  void escape_controls(bool on) noexcept { escape_ = on; }
  // Pieces go into `into`'s buffer from now on (borrowed: it must outlive this one).
  void send_to(output& into) noexcept { into_ = &into; }
  // While on, flush() of the outputs that send here leaves their pieces buffered.
  void hold(bool on) noexcept { hold_ = on; }

private:
  // After a piece was appended at `start` of the buffer written into: escaping, flushing at 64 KiB.
  void done(std::size_t start) {
    if (escape_) escape_from(start);
    if (into_->buf_.size() >= flush_at) into_->flush();
  }
  // Makes the buffer's [start, end) visible; each piece is whole (no UTF-8 sequence is split).
  void escape_from(std::size_t start);
  static constexpr std::size_t flush_at = 1 << 16;
  fmt::memory_buffer buf_;
  output* into_ = this;   // whose buffer pieces go into: this one's, or a batch's
  bool escape_ = false;
  bool hold_ = false;
};

// Writes `text` to stderr with write(2). A failure (closed, /dev/full) is ignored:
// a message must never end the program; the exit code still tells.
void write_stderr(std::string_view text) noexcept;

// Terminal-safe text: mitrekg::append_visible (lib/support/text.hpp).
using mitrekg::append_visible;
std::string visible(std::string_view s, bool keep_layout = false);

// JSON. Containers at the top level get one member or element per line
// (indented two spaces); nested containers are written on one line, so a list
// prints one object per line. Strings are escaped per RFC 8259, and DEL, the C1
// and the bidirectional controls as \uNNNN too (safe to print on a terminal);
// a byte that is not UTF-8 (only user input can hold one) becomes \ufffd.
void write_json(output& out, const value& v);
// A JSON string literal for `s` (quotes included), for messages: bytes that are
// not UTF-8 are kept (note() shows them as \xNN).
std::string json_quote(std::string_view s);

// A value as one text cell: strings as they are, integers, true/false, null as
// empty, arrays joined with `sep`, objects as their "id" (else "name").
std::string cell_text(const value& v, std::string_view sep);

// One column of a list: the object key it shows and its table heading.
struct column {
  column(std::string k, std::string t = {}, bool table = true)
      : key(std::move(k)), title(std::move(t)), in_table(table) {}
  std::string key;
  std::string title;     // table heading; empty: the key in upper case
  bool in_table = true;  // CSV and JSON always carry every column
};

// CSV: a header row of keys, then one row per object; fields quoted per RFC 4180
// when they hold a comma, quote, CR or LF; records end with LF; arrays joined with ';'.
void write_csv(output& out, const std::vector<column>& columns, const array& rows);

// Aligned table: a heading row, then one row per object; arrays joined with
// ", ". Columns empty in every row are left out. With a width, the widest
// columns are shortened (ending in "…") until a row fits.
void write_table(output& out, const std::vector<column>& columns, const array& rows,
                 std::optional<std::size_t> width);

// A list whose every cell is text, given row by row: each(row) calls
// row(cells) for every row in order, `cells` one view per column (valid
// during the call); it may be called more than once (a table measures first).
// Written by the overloads below exactly as print_list writes the same rows as
// objects of strings, without building them (countermeasures --all streams its
// 4,121 rows; issue 13). They return the number of rows.
struct text_rows {
  std::size_t columns = 0;
  std::function<void(const std::function<void(const std::string_view* cells)>& row)> each;
};
std::size_t write_json(output& out, const std::vector<column>& columns, const text_rows& rows);
std::size_t write_csv(output& out, const std::vector<column>& columns, const text_rows& rows);
// Writes nothing when there are no rows.
std::size_t write_table(output& out, const std::vector<column>& columns, const text_rows& rows,
                        std::optional<std::size_t> width);

// Text helpers (UTF-8 aware: widths count code points).
std::size_t display_width(std::string_view s) noexcept;
// The first `width` code points of `s`, ending in "…" when cut.
std::string truncate(std::string_view s, std::size_t width);
// Word-wraps `s` to lines of at most `width` code points (long words are cut).
std::vector<std::string> wrap(std::string_view s, std::size_t width);
// Pads `s` with spaces to `width` code points.
std::string pad(std::string_view s, std::size_t width);

}  // namespace mq
