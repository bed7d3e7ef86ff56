// mitrekg/version.hpp: the library version and the embedded data's releases.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "mitrekg/data.hpp"
#include "mitrekg/version.hpp"

TEST_CASE("the version is MAJOR.MINOR.PATCH") {
  std::string v(mitrekg::version());
  REQUIRE(!v.empty());
  CHECK(std::count(v.begin(), v.end(), '.') == 2);
  CHECK(v.find_first_not_of("0123456789.") == std::string::npos);
}

TEST_CASE("the embedded releases name the files the default data folder holds") {
  auto dir = mitrekg::default_data_dir();
  std::string attack(mitrekg::embedded_attack_release()), d3fend(mitrekg::embedded_d3fend_version());
  CHECK(attack == "18.1");
  CHECK(d3fend == "0.17.0");
  // The build decompressed exactly these releases into the default folder.
  for (const char* domain : {"enterprise", "mobile", "ics"})
    CHECK(std::filesystem::is_regular_file(dir / "attack" / (std::string(domain) + "-attack-" + attack + ".json")));
  CHECK(std::filesystem::is_regular_file(dir / "d3fend" / ("d3fend-" + d3fend + ".json")));
  auto found = mitrekg::discover_data(dir);
  CHECK(found.attack_files.size() == 3);
  CHECK(found.d3fend_file.filename() == "d3fend-" + d3fend + ".json");
}
