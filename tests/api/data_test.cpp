// mitrekg/data.hpp: finding the newest release of each domain, MITREKG_DATA, version order.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>   // getpid, setenv, unsetenv

#include "mitrekg/data.hpp"
#include "mitrekg/error.hpp"

namespace fs = std::filesystem;
using mitrekg::domain;
using mitrekg::errc;

namespace {

const fs::path data = MITREKG_TEST_DATA;

// A fresh, empty folder under the system temp dir, removed at the end of its scope.
struct temp_dir {
  fs::path path;
  explicit temp_dir(const std::string& name) {
    path = fs::temp_directory_path() / ("mitrekg-data-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void touch(const fs::path& rel) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << "{}";
  }
};

std::optional<mitrekg::error> discover_error(const fs::path& dir, mitrekg::domain_set d = mitrekg::all_domains) {
  try {
    mitrekg::discover_data(dir, d);
  } catch (const mitrekg::error& e) {
    return e;
  }
  return std::nullopt;
}

std::vector<std::string> names(const std::vector<fs::path>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(p.filename().string());
  return out;
}

// Sets or clears an environment variable for one scope, restoring it after.
struct env_var {
  std::string name;
  std::optional<std::string> old;
  env_var(std::string n, const char* value) : name(std::move(n)) {
    if (const char* v = std::getenv(name.c_str())) old = v;
    if (value) ::setenv(name.c_str(), value, 1);
    else ::unsetenv(name.c_str());
  }
  ~env_var() {
    if (old) ::setenv(name.c_str(), old->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};

}  // namespace

TEST_CASE("version_less orders releases numerically") {
  using mitrekg::version_less;
  CHECK(version_less("9.0", "17.1"));       // not as text: "9.0" > "17.1" there
  CHECK_FALSE(version_less("17.1", "9.0"));
  CHECK(version_less("17.1", "18.1"));
  CHECK_FALSE(version_less("18.1", "17.1"));
  CHECK(version_less("17.9", "17.10"));
  CHECK(version_less("0.16.0", "0.17.0"));
  CHECK_FALSE(version_less("18.1", "18.1"));
  CHECK_FALSE(version_less("18", "18.0"));   // a missing part counts as 0
  CHECK_FALSE(version_less("18.0", "18"));
  CHECK(version_less("18", "18.1"));
  CHECK_FALSE(version_less("", ""));
  CHECK(version_less("", "1"));
}

TEST_CASE("discover_data on the shared data picks 18.1 and finds mobile, ics and D3FEND") {
  // data/README.md: attack/ holds enterprise 17.1 and 18.1, mobile 18.1, ics 18.1;
  // d3fend/ holds d3fend-0.17.0.json (and a .ttl, .tsv and .txt that are not bundles).
  auto o = mitrekg::discover_data(data);
  CHECK(names(o.attack_files) == std::vector<std::string>{"enterprise-attack-18.1.json", "mobile-attack-18.1.json",
                                                          "ics-attack-18.1.json"});
  for (const auto& p : o.attack_files) CHECK(fs::is_regular_file(p));
  CHECK(o.d3fend_file.filename() == "d3fend-0.17.0.json");
  CHECK(fs::equivalent(o.d3fend_file, data / "d3fend" / "d3fend-0.17.0.json"));
}

TEST_CASE("discover_data limits the domains") {
  auto m = mitrekg::discover_data(data, mitrekg::bit(domain::mobile));
  CHECK(names(m.attack_files) == std::vector<std::string>{"mobile-attack-18.1.json"});
  auto ei = mitrekg::discover_data(data, mitrekg::bit(domain::enterprise) | mitrekg::bit(domain::ics));
  CHECK(names(ei.attack_files) == std::vector<std::string>{"enterprise-attack-18.1.json", "ics-attack-18.1.json"});
}

TEST_CASE("discover_data compares releases as numbers and ignores other files") {
  temp_dir t("versions");
  t.touch("attack/enterprise-attack-9.0.json");
  t.touch("attack/enterprise-attack-17.1.json");
  t.touch("attack/enterprise-attack-10.1.json");
  t.touch("attack/mobile-attack-9.0.json");
  t.touch("attack/enterprise-attack-99.json.bak");
  t.touch("attack/enterprise-attack-latest.json");
  t.touch("attack/pre-attack-20.0.json");
  t.touch("attack/notes.txt");
  fs::create_directories(t.path / "attack" / "ics-attack-30.0.json");   // a folder, not a file
  t.touch("d3fend/d3fend-0.9.0.json");
  t.touch("d3fend/d3fend-0.17.0.json");
  t.touch("d3fend/d3fend-0.17.0.ttl");
  t.touch("d3fend/d3fend-mappings-1.0.json");
  auto o = mitrekg::discover_data(t.path);
  CHECK(names(o.attack_files) == std::vector<std::string>{"enterprise-attack-17.1.json", "mobile-attack-9.0.json"});
  CHECK(o.d3fend_file.filename() == "d3fend-0.17.0.json");
}

TEST_CASE("discover_data without D3FEND leaves the D3FEND file empty") {
  temp_dir t("no-d3fend");
  t.touch("attack/ics-attack-18.1.json");
  auto o = mitrekg::discover_data(t.path);
  CHECK(names(o.attack_files) == std::vector<std::string>{"ics-attack-18.1.json"});
  CHECK(o.d3fend_file.empty());
}

TEST_CASE("discover_data errors: a missing folder is not_found, a folder without bundles no_data") {
  auto missing = data / "no-such-folder";
  auto e = discover_error(missing);
  REQUIRE(e);
  CHECK(e->code() == errc::not_found);
  CHECK(std::string(e->what()).find(missing.string()) != std::string::npos);
  CHECK(std::string(e->what()).find('\n') == std::string::npos);

  // A file where a folder is expected is not a data folder either.
  auto file = discover_error(data / "README.md");
  REQUIRE(file);
  CHECK(file->code() == errc::not_found);

  temp_dir t("empty");
  auto none = discover_error(t.path);
  REQUIRE(none);
  CHECK(none->code() == errc::no_data);
  t.touch("attack/README.md");
  t.touch("d3fend/d3fend-0.17.0.json");
  auto only_d3fend = discover_error(t.path);
  REQUIRE(only_d3fend);
  CHECK(only_d3fend->code() == errc::no_data);
  // Bundles exist, but not of the asked domain.
  t.touch("attack/mobile-attack-18.1.json");
  CHECK_FALSE(discover_error(t.path));
  auto other = discover_error(t.path, mitrekg::bit(domain::ics));
  REQUIRE(other);
  CHECK(other->code() == errc::no_data);
}

TEST_CASE("default_data_dir: MITREKG_DATA when set, else the folder fixed at build time") {
  {
    env_var v("MITREKG_DATA", "/opt/somewhere/else");
    CHECK(mitrekg::default_data_dir() == fs::path("/opt/somewhere/else"));
  }
  {
    env_var v("MITREKG_DATA", "");   // empty counts as unset
    CHECK(fs::equivalent(mitrekg::default_data_dir(), MITREKG_BUILT_IN_DATA));
  }
  {
    env_var v("MITREKG_DATA", nullptr);
    auto d = mitrekg::default_data_dir();
    // The tests are configured with the library's built-in folder (the build
    // tree's embedded data, which exists while the tests run).
    CHECK(fs::equivalent(d, MITREKG_BUILT_IN_DATA));
    CHECK(d == d.lexically_normal());
    CHECK(names(mitrekg::discover_data(d).attack_files).size() == 3);
  }
}
