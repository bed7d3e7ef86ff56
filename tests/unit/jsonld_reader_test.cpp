// lib/d3fend: loading with a second thread (storing while reading, sorting while building) gives exactly what one thread gives.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "d3fend/ontology_impl.hpp"
#include "mitrekg/d3fend.hpp"
#include "mitrekg/error.hpp"

namespace fs = std::filesystem;
using namespace mitrekg;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

d3fend_ontology load(const std::string& json, bool threaded) {
  using d3fend_detail::load_threads;
  return d3fend_access::adopt(d3fend_detail::load_text("test.json", json, threaded ? load_threads::two : load_threads::one));
}

// The message a load throws, or nothing.
std::optional<std::string> failure(const std::string& json, bool threaded) {
  try {
    load(json, threaded);
    return std::nullopt;
  } catch (const error& e) {
    return std::string(e.what());
  }
}

// Both ways fail, with the same one-line error, which contains `expected`.
void check_same_failure(const std::string& json, std::string_view expected) {
  auto alone = failure(json, false);
  auto threaded = failure(json, true);
  REQUIRE(alone);
  REQUIRE(threaded);
  CAPTURE(*alone);
  CHECK(*alone == *threaded);
  CHECK(alone->find(expected) != std::string::npos);
}

// Nodes, texts, flags, raw links and the report, field by field.
void check_same(const d3fend_ontology& a, const d3fend_ontology& b) {
  const auto& x = d3fend_access::internals(a);
  const auto& y = d3fend_access::internals(b);
  REQUIRE(x.entries.size() == y.entries.size());
  for (std::size_t i = 0; i < x.entries.size(); ++i) {
    const auto& e = x.entries[i];
    const auto& f = y.entries[i];
    CHECK(e.id == f.id);
    CHECK(e.label == f.label);
    CHECK(e.definition == f.definition);
    CHECK(e.d3fend_id == f.d3fend_id);
    CHECK(e.attack_id == f.attack_id);
    CHECK(e.kb_article == f.kb_article);
    CHECK(e.kind == f.kind);
    CHECK(e.tactic == f.tactic);
    CHECK(x.extra[i].flags == y.extra[i].flags);
    CHECK(x.extra[i].offset == y.extra[i].offset);
    CHECK(x.rank[i] == y.rank[i]);
  }
  auto same_links = [](const std::vector<d3fend_detail::raw_link>& p, const std::vector<d3fend_detail::raw_link>& q) {
    if (p.size() != q.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (p[i].subject != q[i].subject || p[i].key != q[i].key || p[i].target != q[i].target) return false;
    return true;
  };
  CHECK(same_links(x.raw_subclass, y.raw_subclass));
  CHECK(same_links(x.raw_subproperty, y.raw_subproperty));
  CHECK(same_links(x.raw_inverse, y.raw_inverse));
  CHECK(same_links(x.raw_statements, y.raw_statements));
  CHECK(a.report().nodes == b.report().nodes);
  CHECK(a.report().malformed_nodes == b.report().malformed_nodes);
  CHECK(a.report().wrong_types == b.report().wrong_types);
  CHECK(a.report().samples == b.report().samples);
  CHECK(a.version() == b.version());
}

// n classes in a chain, with a long definition each; every 97th has a label of
// the wrong type (a warning), every 101st no "@id" (a warning); `fatal` puts a
// subclass link of the wrong type (an error) on that element.
std::string synthetic(int n, int fatal = -1) {
  std::string out = "{\"@graph\": [\n";
  for (int i = 0; i < n; ++i) {
    if (i) out += ",\n";
    out += "{";
    if (i % 101 != 100) out += fmt::format("\"@id\": \"d3f:C{}\", ", i);
    out += "\"@type\": \"owl:Class\", ";
    if (i % 97 == 96) {
      out += "\"rdfs:label\": 5, ";
    } else {
      out += fmt::format("\"rdfs:label\": \"Class \\\"{}\\\"\", ", i);  // escaped: unescaped by the reader
    }
    if (i == fatal) {
      out += "\"rdfs:subClassOf\": 7, ";
    } else if (i > 0) {
      out += fmt::format("\"rdfs:subClassOf\": [{{\"@id\": \"d3f:C{}\"}}, {{\"@id\": \"_:b{}\"}}], ", i - 1, i);
    }
    out += fmt::format("\"d3f:definition\": \"{}\"}}", std::string(200, 'x'));
    out += fmt::format(",\n{{\"@id\": \"_:b{}\", \"@type\": \"owl:Restriction\", \"owl:onProperty\": {{\"@id\": \"d3f:uses\"}}, "
                       "\"owl:someValuesFrom\": {{\"@id\": \"d3f:A{}\"}}}}",
                       i, i % 7);
  }
  out += "\n]}\n";
  return out;
}

}  // namespace

TEST_CASE("the real D3FEND release reads the same with and without the storing thread") {
  const fs::path file = fs::path(MITREKG_TEST_DATA) / "d3fend" / "d3fend-0.17.0.json";
  const std::string json = slurp(file);
  REQUIRE(json.size() >= d3fend_detail::threaded_read_from);  // load(path) takes the threaded path
  auto alone = load(json, false);
  auto threaded = load(json, true);
  check_same(alone, threaded);
  CHECK(alone.size() == 5298);
  CHECK(alone.attack_techniques().size() == 780);
  // And the inference over them.
  REQUIRE(alone.all_mappings().size() == threaded.all_mappings().size());
  CHECK(alone.all_mappings().size() == 5503);
  auto t = threaded.find_attack("T1562.001");
  REQUIRE(t);
  CHECK(threaded.countermeasures(*t).size() == alone.countermeasures(*alone.find_attack("T1562.001")).size());
}

TEST_CASE("warnings come in file order whichever way the elements are stored") {
  const std::string json = synthetic(3000);  // 6,000 elements: 24 batches
  auto alone = load(json, false);
  auto threaded = load(json, true);
  check_same(alone, threaded);
  CHECK(alone.report().nodes == 6000);
  CHECK(alone.report().wrong_types == 30);      // i = 96, 193, …, 2909
  CHECK(alone.report().malformed_nodes == 29);  // i = 100, 201, …, 2928
  REQUIRE(alone.report().samples.size() == 20);
  CHECK(alone.report().samples[0].find("\"rdfs:label\" is not text; ignored") != std::string::npos);
  CHECK(alone.report().samples[1].find("@graph element without \"@id\"; skipped") != std::string::npos);
  auto c5 = threaded.find("d3f:C5");
  REQUIRE(c5);
  CHECK(threaded[*c5].label == "Class \"5\"");
}

TEST_CASE("an error late in a large file is the same error, and stops the storing thread") {
  const std::string json = synthetic(3000, 2500);
  check_same_failure(json, "\"rdfs:subClassOf\" must be {\"@id\": …} or a list of them");
  check_same_failure(json.substr(0, json.size() * 2 / 3), "invalid JSON");  // cut at two thirds
}

// --- hardening (issue #8) ---------------------------------------------------------------

TEST_CASE("D3FEND errors name the real line and column, with and without the storing thread") {
  const std::string json = synthetic(3000);
  // Cut near the end (this used to say "line 1, column 1"): the end of the text.
  // (The real release cut so is tests/hostile/cases/reader-d3fend-cut-near-end.cmd.)
  const std::string cut = json.substr(0, json.size() - 3);
  std::size_t lines = 1, last = 0;
  for (std::size_t i = 0; i < cut.size(); ++i)
    if (cut[i] == '\n') { ++lines; last = i + 1; }
  check_same_failure(cut, fmt::format("test.json: line {}, column {}: invalid JSON (", lines, cut.size() - last + 1));
  // A string left open, invalid UTF-8, a NUL in a string: where they are.
  const std::string head = "{\"@graph\": [\n {\"@id\": \"d3f:A\", \"rdfs:label\": ";
  check_same_failure(head + "\"Open", "test.json: line 2, column 33: invalid JSON (A string is opened");
  check_same_failure(head + "\"Bad\xff\"}]}", "test.json: line 2, column 37: invalid JSON (The input is not valid UTF-8)");
  check_same_failure(head + std::string("\"N\0\"}]}", 6), "test.json: line 2, column 35: invalid JSON (Within strings");
  // Invalid JSON in what the reader skips: @context, keys it does not keep.
  check_same_failure("{\"@context\": {\"a\": [1 2]}, \"@graph\": []}", "test.json: line 1, column 23: invalid JSON");
  check_same_failure(head + "\"L\", \"x:other\": [tru]}]}", "test.json: line 2, column 50: invalid JSON");
  // … and in text values beside the text kept: an atom, a key after "@value", a later list element.
  check_same_failure(head + "tru}]}", "test.json: line 2, column 33: invalid JSON");
  check_same_failure(head + "{\"@value\": \"L\", \"@language\": [1 2]}}]}", "test.json: line 2, column 65: invalid JSON");
  check_same_failure(head + "[\"L\", nul]}]}", "test.json: line 2, column 39: invalid JSON");
  // A byte order mark is skipped.
  auto o = load("\xEF\xBB\xBF" + json, false);
  CHECK(o.size() == load(json, false).size());
}

TEST_CASE("escaped keys are decoded, at the top and in elements; a broken escape in a key is invalid JSON at the key") {
  // "@gr\u0061ph" is "@graph"; "rdfs:l\u0061bel" is "rdfs:label"; "d3f:d\u0065finition" is "d3f:definition".
  const std::string json =
      "{\"@context\": {\"d3f\": \"http://d3fend.mitre.org/ontologies/d3fend.owl#\"},\n"
      " \"@gr\\u0061ph\": [\n"
      "  {\"@id\": \"d3f:A\", \"@type\": \"owl:Class\", \"rdfs:l\\u0061bel\": \"Tab\\there \\u00e9\",\n"
      "   \"d3f:d\\u0065finition\": \"Said \\\"so\\\".\"},\n"
      "  {\"@id\": \"d3f:B\", \"@type\": \"owl:Class\", \"rdfs:label\": \"B\", \"rdfs:subClassOf\": {\"@id\": \"d3f:A\"}}\n"
      " ]}\n";
  for (bool threaded : {false, true}) {
    CAPTURE(threaded);
    auto o = load(json, threaded);
    REQUIRE(o.size() == 2);
    auto a = o.find("d3f:A");
    REQUIRE(a);
    CHECK(o[*a].label == "Tab\there \xc3\xa9");
    CHECK(o[*a].definition == "Said \"so\".");
    auto b = o.find("d3f:B");
    REQUIRE(b);
    CHECK(o[*b].label == "B");
  }
  std::string broken = json;
  broken.replace(broken.find("d3f:d\\u0065finition"), 19, "d3f:d\\uZZ65finition");
  check_same_failure(broken, "test.json: line 4, column 4: invalid JSON");   // at the key
}
