// Reading JSON with simdjson On-Demand (shared by the readers): strings as views, validating skips, error positions.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace mitrekg {

constexpr bool is_json_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Deepest nesting of arrays and objects accepted in an input file (documented
// in docs/limits.md); deeper input is invalid JSON (DEPTH_ERROR) at its position.
inline constexpr std::size_t max_json_depth = 1024;

// The inside of a string token (quotes off), as written in the file, into
// `inner`; `escaped` tells whether it holds escapes (then it must be decoded).
// False, `v` left unread, when `v` is not a string.
inline bool json_string_inner(simdjson::ondemand::value v, std::string_view& inner, bool& escaped) {
  std::string_view tok = v.raw_json_token();
  while (!tok.empty() && is_json_space(tok.back())) tok.remove_suffix(1);
  if (tok.size() < 2 || tok.front() != '"') return false;
  inner = tok.substr(1, tok.size() - 2);
  escaped = inner.find('\\') != std::string_view::npos;
  return true;
}

// The same, throwing simdjson_error(INCORRECT_TYPE) when `v` is not a string.
inline std::string_view json_string_token(simdjson::ondemand::value v, bool& escaped) {
  std::string_view inner;
  if (!json_string_inner(v, inner, escaped)) throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
  return inner;
}

// A field's key as written: quotes off, escapes left undecoded. Its end is
// found back from the value, since On-Demand has checked that only whitespace
// and the colon lie between the key's closing quote and the value; the key's
// own bytes are not scanned (profiled: a byte loop looking for that quote was
// an eighth of a cold load's instructions). Call before reading the value.
inline std::string_view json_raw_key(simdjson::ondemand::field& f) {
  const char* const start = f.key().raw();
  const char* p = nullptr;
  if (!f.value().current_location().get(p) && p > start) {
    // The usual layouts first, `"key":value` and `"key": value`; a key has at
    // least its opening quote and a '{' or ',' before it, so p[-3] is readable.
    if (p[-1] == ':' && p[-2] == '"' && p - 2 >= start)
      return std::string_view(start, static_cast<std::size_t>(p - 2 - start));
    if (p[-1] == ' ' && p[-2] == ':' && p[-3] == '"' && p - 3 >= start)
      return std::string_view(start, static_cast<std::size_t>(p - 3 - start));
    do --p; while (p > start && is_json_space(*p));
    if (*p == ':') {
      do --p; while (p >= start && is_json_space(*p));
      if (p >= start && *p == '"') return std::string_view(start, static_cast<std::size_t>(p - start));
    }
  }
  // Not laid out as expected (never for a field On-Demand has read): scan
  // forward to the closing quote, stepping over escapes; stage 1 has seen every
  // string closed.
  p = start;
  while (*p != '"') p += *p == '\\' ? 2 : 1;
  return std::string_view(start, static_cast<std::size_t>(p - start));
}

// A field's key decoded, given `raw` (json_raw_key's): raw itself when it holds
// no escape (almost always: read in place, sparing simdjson's unescaping copy),
// else decoded into the parser's buffer (valid until its next document) as
// unescaped_key() does, which consumes the key: once per field. Throws
// simdjson_error on a bad escape. A caller that compares raw with names of its
// own first (names hold no backslash) need only decode the keys that match none.
inline std::string_view json_key(simdjson::ondemand::field& f, std::string_view raw) {
  if (raw.find('\\') == std::string_view::npos) return raw;
  return f.unescaped_key().value();
}
inline std::string_view json_key(simdjson::ondemand::field& f) { return json_key(f, json_raw_key(f)); }

// A string value, borrowed: a view into the file buffer when it has no escapes
// (almost always), else into the parser's buffer of unescaped strings (valid
// until the parser reads its next document). Throws as json_string_token.
inline std::string_view json_string_borrowed(simdjson::ondemand::value v) {
  bool escaped = false;
  std::string_view inner = json_string_token(v, escaped);
  return escaped ? std::string_view(v.get_string()) : inner;
}

// The same without throwing: false when `v` is not a string (left unread) or
// holds a broken escape. An unescaped value read this way leaves the parser's
// string buffer untouched, which a decoded copy of "bundle" would fault in;
// an escaped one is decoded there (valid until the parser's next document).
inline bool json_string_borrowed(simdjson::ondemand::value v, std::string_view& out) {
  std::string_view inner;
  bool escaped = false;
  if (!json_string_inner(v, inner, escaped)) return false;
  if (!escaped) {
    out = inner;
    return true;
  }
  return !v.get_string().get(out);
}

// Decodes the escapes of a string (a value's or a key's raw_json_string, whose
// text between the quotes is `length` bytes) into a scratch buffer of this
// thread's: `out` is valid until the next call on the same thread. Not into
// the document parser's string buffer, which only grows while a document is
// read, so a few escaped strings would fault in a page (a huge page) of it per
// parser. Returns simdjson's error for a broken escape (MEMALLOC if this
// thread's decoder could not be allocated).
simdjson::error_code json_decode_escaped(simdjson::ondemand::raw_json_string raw, std::size_t length,
                                         std::string_view& out);
// The same, stored in `arena` (whose elements never move); throws simdjson_error.
std::string_view json_decode_escaped(simdjson::ondemand::raw_json_string raw, std::size_t length,
                                     std::deque<std::string>& arena);

// A string value: a view into the file buffer when it has no escapes (almost
// always), else its decoded copy stored in `arena`. Throws as
// json_string_token, or simdjson_error for a broken escape.
inline std::string_view json_string(simdjson::ondemand::value v, std::deque<std::string>& arena) {
  bool escaped = false;
  std::string_view inner = json_string_token(v, escaped);
  return escaped ? json_decode_escaped(v.get_raw_json_string(), inner.size(), arena) : inner;
}

// A simdjson error found by validate_json where the iterator has already
// moved on (a bad escape is found after the string is read): `at` is the
// start of the broken value. The readers report `at` when they catch one.
struct located_json_error : simdjson::simdjson_error {
  const char* at;
  located_json_error(simdjson::error_code code, const char* where) : simdjson::simdjson_error(code), at(where) {}
};

// Consumes `v` whole, checking that it is valid JSON: On-Demand skips a value
// it is not asked for without looking inside ("[1 2 tru nul]" would pass), so
// the readers hand every value they do not read to this. `depth` is the
// nesting of `v`; deeper than max_json_depth throws DEPTH_ERROR. Throws
// simdjson_error at the first invalid token (the iterator's location is
// there), or located_json_error (see above).
void validate_json(simdjson::ondemand::value v, std::size_t depth = 1);

// Length of a UTF-8 byte order mark at the start of `text` (3), else 0. The
// readers skip it: editors on Windows write one, and it is not part of the JSON.
std::size_t bom_length(std::string_view text) noexcept;

// Where simdjson's first stage failed, for the errors it reports without a
// position (UNCLOSED_STRING, UTF8_ERROR, UNESCAPED_CHARS): the offset of the
// first invalid UTF-8 byte, of the first unescaped control character inside a
// string, or of the opening quote of a string the text ends inside — whichever
// comes first; npos when none is found.
std::size_t stage1_error_offset(std::string_view text) noexcept;

// Offset just past the first complete object or array in `text` (strings
// skipped), or npos when the text ends before it closes: where a root that
// On-Demand refuses (its last token does not close it) really goes wrong.
std::size_t json_root_end(std::string_view text) noexcept;

}  // namespace mitrekg
