// mitrekg/error.hpp: the one error type, its codes and its one-line message.
#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "mitrekg/error.hpp"

using mitrekg::errc;

namespace {
constexpr errc all_codes[] = {errc::no_data, errc::not_found, errc::io_error, errc::not_json,
                              errc::not_a_bundle, errc::wrong_type, errc::bad_value, errc::too_large};
}  // namespace

TEST_CASE("what() is FILE: POSITION: MESSAGE") {
  mitrekg::error e(errc::not_json, "data/enterprise.json", "line 3, column 7", "invalid JSON (x)");
  CHECK(std::string_view(e.what()) == "data/enterprise.json: line 3, column 7: invalid JSON (x)");
  CHECK(e.code() == errc::not_json);
  CHECK(e.file() == "data/enterprise.json");
  CHECK(e.position() == "line 3, column 7");
  CHECK(e.message() == "invalid JSON (x)");
}

TEST_CASE("without a position: FILE: MESSAGE; without a file: MESSAGE") {
  mitrekg::error e(errc::not_found, "missing.json", "", "no such file");
  CHECK(std::string_view(e.what()) == "missing.json: no such file");
  CHECK(e.position().empty());
  mitrekg::error f(errc::no_data, "", "", "no ATT&CK bundle given");
  CHECK(std::string_view(f.what()) == "no ATT&CK bundle given");
  CHECK(f.file().empty());
  CHECK(f.code() == errc::no_data);
}

TEST_CASE("the error is a std::runtime_error and copies keep everything") {
  try {
    throw mitrekg::error(errc::too_large, "big.json", "", "file is too large");
  } catch (const std::runtime_error& e) {
    CHECK(std::string_view(e.what()) == "big.json: file is too large");
    const auto* m = dynamic_cast<const mitrekg::error*>(&e);
    REQUIRE(m != nullptr);
    mitrekg::error copy = *m;
    CHECK(copy.code() == errc::too_large);
    CHECK(copy.file() == "big.json");
    CHECK(copy.message() == "file is too large");
    CHECK(std::string_view(copy.what()) == e.what());
  }
}

TEST_CASE("every code has its own non-empty name") {
  std::set<std::string_view> names;
  for (errc c : all_codes) {
    CAPTURE(static_cast<int>(c));
    CHECK_FALSE(mitrekg::to_string(c).empty());
    names.insert(mitrekg::to_string(c));
  }
  CHECK(names.size() == std::size(all_codes));
  CHECK(mitrekg::to_string(errc::not_found) == "not found");
  CHECK(mitrekg::to_string(errc::not_a_bundle) == "not a bundle");
}
