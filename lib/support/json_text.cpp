// Validating skips of On-Demand values, and positions for simdjson's first-stage errors.
#include "support/json_text.hpp"

#include <cstdint>
#include <vector>

namespace mitrekg {

namespace od = simdjson::ondemand;

simdjson::error_code json_decode_escaped(od::raw_json_string raw, std::size_t length, std::string_view& out) {
  // The decoded text is at most as long as the token; the decoder may write its padding past it.
  thread_local std::vector<std::uint8_t> scratch;
  const std::size_t need = length + simdjson::SIMDJSON_PADDING;
  if (scratch.size() < need) scratch.resize(need);
  // A parser only for its decoder (parser::unescape), allocated at the smallest size.
  thread_local od::parser decoder;
  thread_local const simdjson::error_code ready = decoder.allocate(64);
  if (ready) return ready;
  std::uint8_t* at = scratch.data();
  return decoder.unescape(raw, at).get(out);
}

std::string_view json_decode_escaped(od::raw_json_string raw, std::size_t length, std::deque<std::string>& arena) {
  std::string_view decoded;
  if (auto err = json_decode_escaped(raw, length, decoded)) throw simdjson::simdjson_error(err);
  return arena.emplace_back(decoded);
}

namespace {

// Checks a string value's escapes by decoding it (json_decode_escaped), not
// into the document parser's string buffer, which only grows while a document
// is read: values nobody keeps would fill pages of it (a huge page per parser,
// faulted in for the few escaped strings a reader skips). Consumes `v`;
// `token`: its raw token.
simdjson::error_code check_escapes(od::value v, std::string_view token) {
  od::raw_json_string raw;
  if (auto err = v.get_raw_json_string().get(raw)) return err;
  std::string_view decoded;
  return json_decode_escaped(raw, token.size(), decoded);
}

}  // namespace

void validate_json(od::value v, std::size_t depth) {
  if (depth > max_json_depth) throw simdjson::simdjson_error(simdjson::DEPTH_ERROR);
  switch (v.type().value()) {
    case od::json_type::object:
      for (auto field : v.get_object()) {
        if (field.error()) throw simdjson::simdjson_error(field.error());
        od::field& f = field.value_unsafe();
        (void)json_key(f);   // checks the key's escapes
        validate_json(f.value(), depth + 1);
      }
      break;
    case od::json_type::array:
      for (auto element : v.get_array()) validate_json(element.value(), depth + 1);  // value() throws on a broken element
      break;
    case od::json_type::string:
      // Stage 1 checked UTF-8 and control characters; escapes are checked by decoding.
    {
      const std::string_view token = v.raw_json_token();
      if (token.find('\\') == std::string_view::npos) break;   // nothing more to check
      if (auto err = check_escapes(v, token)) throw located_json_error(err, token.data());
      break;
    }
    case od::json_type::number: {
      // Named as the broken value it is, not as a type mismatch.
      if (v.get_number().error()) throw simdjson::simdjson_error(simdjson::NUMBER_ERROR);
      break;
    }
    case od::json_type::boolean: {
      const bool starts_t = std::string_view(v.raw_json_token()).substr(0, 1) == "t";
      if (v.get_bool().error()) throw simdjson::simdjson_error(starts_t ? simdjson::T_ATOM_ERROR : simdjson::F_ATOM_ERROR);
      break;
    }
    case od::json_type::null:
      if (bool null = false; v.is_null().get(null) || !null) throw simdjson::simdjson_error(simdjson::N_ATOM_ERROR);
      break;
  }
}

std::size_t bom_length(std::string_view text) noexcept {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

namespace {
// Length of the valid UTF-8 sequence starting at `i`, or 0 (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  auto byte = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  auto cont = [&](std::size_t k) { return (byte(k) & 0xC0u) == 0x80u; };
  unsigned c = byte(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return byte(1) >= lo && byte(1) <= hi && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return byte(1) >= lo && byte(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
}  // namespace

std::size_t stage1_error_offset(std::string_view text) noexcept {
  bool in_string = false;
  std::size_t string_start = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t n = utf8_length(text, i);
      if (n == 0) return i;
      i += n;
      continue;
    }
    if (in_string) {
      if (c < 0x20) return i;
      if (c == '\\') {   // an escape: skip the escaped character when it is ASCII
        i += i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0x80 ? 2 : 1;
        continue;
      }
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      string_start = i;
    }
    ++i;
  }
  return in_string ? string_start : std::string_view::npos;
}

std::size_t json_root_end(std::string_view text) noexcept {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace mitrekg
