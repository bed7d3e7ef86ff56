// Public API of the detection runtime (mitrekg/engine.hpp): evaluation semantics, sources, malformed input, alerts and their ATT&CK/D3FEND enrichment.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "mitrekg/engine.hpp"

using namespace mitrekg;
namespace fs = std::filesystem;

namespace {

const fs::path data = MITREKG_TEST_DATA;

rule_set load(const std::string& yaml) {
  std::vector<rule_text> t{{"test.yaml", yaml}};
  rule_set s = rule_set::load(t);
  std::string why;
  for (const auto& d : s.diagnostics()) why += d.message + "\n";
  INFO(why);
  REQUIRE(s.ok());
  return s;
}

struct collected {
  std::vector<std::string> rules, outputs, json;
  alert_callback cb() {
    return [this](const alert& a) {
      rules.emplace_back(a.rule);
      outputs.emplace_back(a.output);
      json.push_back(a.json());
    };
  }
};

}  // namespace

TEST_CASE("json source: operators, missing fields, first matching rule") {
  rule_set rs = load(R"(
- list: shells
  items: [bash, sh, zsh]
- rule: shell
  desc: d
  condition: json.value[/proc] in (shells) and json.value[/path] pmatch (/etc, /root/.ssh)
  output: shell %json.value[/proc] on %json.value[/path]
  priority: WARNING
  source: json
- rule: regex
  desc: d
  condition: json.value[/proc] regex "py(thon)?[0-9.]*" and not json.value[/missing] = x
  output: r
  priority: NOTICE
  source: json
- rule: missing ne
  desc: d
  condition: json.value[/missing] != x
  output: never
  priority: ERROR
  source: json
- rule: exists
  desc: d
  condition: json.value[/user] exists and json.value[/user] glob "ad*"
  output: e %json.value[/nope]
  priority: INFO
  source: json
- rule: catch all
  desc: d
  condition: json.value[/proc] startswith ""
  output: all
  priority: DEBUG
  source: json
)");
  detection_engine eng(rs, nullptr);
  detection_session s(eng);
  collected c;
  CHECK(s.feed("json", R"({"proc":"bash","path":"/etc/shadow"})", c.cb()));
  CHECK(s.feed("json", R"({"proc":"bash","path":"/etcetera"})", c.cb()));        // pmatch stops at '/'
  CHECK(s.feed("json", R"({"proc":"python3.11","path":"/tmp"})", c.cb()));
  CHECK(s.feed("json", R"({"proc":"pythonX"})", c.cb()));                        // regex is a full match
  CHECK(s.feed("json", R"({"proc":"x","user":"admin"})", c.cb()));
  CHECK(s.feed("json", R"({"proc":"y","user":"root"})", c.cb()));              // glob fails
  CHECK(s.feed("json", R"({"other":1})", c.cb()));                               // no rule: every field missing
  REQUIRE(c.rules.size() == 6);
  CHECK(c.rules == std::vector<std::string>{"shell", "catch all", "regex", "catch all", "exists", "catch all"});
  CHECK(c.outputs[0] == "shell bash on /etc/shadow");
  CHECK(c.outputs[4] == "e <NA>");
  const auto& st = s.stats();
  CHECK(st.events == 7);
  CHECK(st.malformed == 0);
  CHECK(st.alerts == 6);
  REQUIRE(st.alerts_per_rule.size() == 4);
  CHECK(st.alerts_per_rule[1] == std::pair<std::string, std::uint64_t>{"regex", 1});
}

TEST_CASE("syscall JSON Lines: event-type index, dropped types, typed fields, exceptions, malformed lines") {
  rule_set rs = load(R"(
- rule: cat reads etc
  desc: d
  condition: evt.type in (open, openat) and proc.name = cat and fd.name startswith /etc and evt.rawres >= 0
  output: "%proc.name opened %fd.name (%evt.type) aname2=%proc.aname[2]"
  priority: WARNING
  exceptions:
    - name: trusted_parent
      fields: [proc.pname, fd.name]
      values: [[trusted, /etc/passwd]]
- rule: futexes
  desc: d
  condition: evt.type = futex and proc.name = cat
  output: futex
  priority: INFO
)");
  std::string good = R"({"evt.type":"openat","proc.name":"cat","fd.name":"/etc/passwd","evt.rawres":3,"proc.aname[2]":"bash"})";
  std::string deep(5000, '[');
  std::ostringstream in;
  in << good << "\n"
     << "not json\n"
     << R"({"evt.type":"openat","proc.name":"cat","fd.name":"/etc/x","evt.rawres":"three"})" << "\n"   // wrong type
     << "{\"evt.type\":\"openat\",\"proc.name\":\"c\xff\"}\n"                                          // invalid UTF-8
     << deep << "\n"
     << std::string(9u << 20, ' ') << "{}\n"                                                        // over 8 MiB
     << "\n"
     << R"({"evt.type":"futex","proc.name":"cat"})" << "\n"
     << R"({"evt.type":"execve","proc.name":"cat","fd.name":"/etc/passwd"})" << "\n"
     << R"({"evt.type":"open","proc.name":"cat","proc.pname":"trusted","fd.name":"/etc/passwd","evt.rawres":3})" << "\n"
     << good << "\n";
  engine_options o;
  detection_engine eng(rs, nullptr, o);
  std::vector<std::string> fields = eng.syscall_fields();
  CHECK(std::find(fields.begin(), fields.end(), "proc.aname[2]") != fields.end());
  detection_session s(eng);
  collected c;
  std::istringstream is(in.str());
  s.run(is, "syscall", c.cb());
  const auto& st = s.stats();
  INFO(st.first_malformed_reason);
  std::string ls;
  for (auto l : st.malformed_lines) ls += std::to_string(l) + " ";
  INFO(ls);
  CHECK(st.malformed == 5);
  CHECK(st.malformed_lines == std::vector<std::size_t>{2, 3, 4, 5, 6});
  CHECK(st.events == 5);   // the two good ones, the futex (dropped without all_events), the execve, the excepted one
  REQUIRE(c.rules.size() == 2);   // no good event lost among the bad lines
  CHECK(c.outputs[0] == "cat opened /etc/passwd (openat) aname2=bash");
  CHECK(c.json[1].find("\"output_fields\":{\"proc.name\":\"cat\",\"fd.name\":\"/etc/passwd\",\"evt.type\":\"openat\","
                       "\"proc.aname[2]\":\"bash\"}") != std::string::npos);

  o.all_events = true;
  detection_engine all(rs, nullptr, o);
  detection_session s2(all);
  collected c2;
  std::istringstream is2(in.str());
  s2.run(is2, "syscall", c2.cb());
  CHECK(c2.rules == std::vector<std::string>{"cat reads etc", "futexes", "cat reads etc"});
}

TEST_CASE("rule selection: priority, disabled names, tags") {
  rule_set rs = load(R"(
- rule: open_from_cat
  desc: d
  condition: json.value[/a] = 1
  output: o
  priority: WARNING
  source: json
  tags: [a]
- rule: second
  desc: d
  condition: json.value[/a] = 1
  output: o
  priority: INFO
  source: json
  tags: [b]
)");
  auto names = [&](engine_options o) {
    detection_engine e(rs, nullptr, o);
    std::vector<std::string> v;
    for (auto n : e.active_rules()) v.emplace_back(n);
    return v;
  };
  CHECK(names({}) == std::vector<std::string>{"open_from_cat", "second"});
  engine_options o;
  o.min_priority = rule_priority::warning;
  CHECK(names(o) == std::vector<std::string>{"open_from_cat"});
  o = {};
  o.disabled_rules = {"open_from"};   // a substring, as Falco's -D
  CHECK(names(o) == std::vector<std::string>{"second"});
  o = {};
  o.enabled_tags = {"b"};
  CHECK(names(o) == std::vector<std::string>{"second"});
  o = {};
  o.disabled_tags = {"b"};
  CHECK(names(o) == std::vector<std::string>{"open_from_cat"});
  o = {};
  o.sources = {"no_such_source"};
  CHECK_THROWS(detection_engine(rs, nullptr, o));
}

TEST_CASE("alerts carry ATT&CK techniques, tactics and D3FEND countermeasures from the rule's tags") {
  load_options lo;
  lo.attack_files = {data / "attack" / "enterprise-attack-18.1.json"};
  lo.d3fend_file = data / "d3fend" / "d3fend-0.17.0.json";
  const knowledge_graph g = knowledge_graph::load(lo);
  rule_set rs = load(R"(
- rule: tagged
  desc: d
  condition: ka.verb = create
  output: created %ka.target.name by %ka.user.name
  priority: WARNING
  source: k8s_audit
  tags: [k8s, mitre_privilege_escalation, T1611, T1086, T9999]
)");
  detection_engine eng(rs, &g);
  detection_session s(eng);
  collected c;
  CHECK(s.feed("k8s_audit",
               R"({"kind":"Event","verb":"create","objectRef":{"name":"p"},"user":{"username":"u"},"stageTimestamp":"2018-10-25T14:09:12.5Z"})",
               c.cb()));
  CHECK_FALSE(s.feed("k8s_audit", R"({"kind":0})", c.cb()));   // not an audit event
  REQUIRE(c.json.size() == 1);
  const std::string& j = c.json[0];
  CHECK(c.outputs[0] == "created p by u");
  CHECK(j.find("\"time\":\"2018-10-25T14:09:12.500000000Z\"") != std::string::npos);
  CHECK(j.find("{\"id\":\"T1611\",\"name\":\"Escape to Host\",\"tactics\":[\"TA0004\"]}") != std::string::npos);
  CHECK(j.find("{\"id\":\"TA0004\",\"shortname\":\"privilege-escalation\",\"name\":\"Privilege Escalation\"}") !=
        std::string::npos);
  CHECK(j.find("\"revoked\":[{\"tag\":\"T1086\",\"replaced_by\":\"T1059.001\"}]") != std::string::npos);
  CHECK(j.find("\"unknown_tags\":[\"T9999\"]") != std::string::npos);
  CHECK(j.find("\"d3fend\":{") != std::string::npos);
  CHECK(j.find("\"d3fend\":{}") == std::string::npos);
  CHECK(s.stats().malformed == 1);
  CHECK(s.stats().first_malformed_reason == "data not recognized as a k8s audit event");
}

TEST_CASE("threads: the same alerts in input order, the same statistics") {
  rule_set rs = load(R"(
- rule: etc
  desc: d
  condition: evt.type = openat and fd.name startswith /etc
  output: "%evt.num %fd.name"
  priority: WARNING
- rule: shells
  desc: d
  condition: evt.type = execve and proc.name in (bash, sh)
  output: "%evt.num %proc.name"
  priority: NOTICE
)");
  std::string in;
  const char* names[] = {"/etc/a", "/tmp/b", "/etc/c"};
  for (int i = 0; i < 20000; ++i) {
    if (i % 997 == 5) in += "garbage\n";
    else if (i % 3 == 0) in += std::string(R"({"evt.type":"openat","fd.name":")") + names[i % 3] + "\"}\n";
    else if (i % 3 == 1) in += R"({"evt.type":"execve","proc.name":"bash"})" "\n";
    else in += "\n";
  }
  detection_engine eng(rs, nullptr);
  auto run = [&](unsigned threads, detect_stats& st) {
    detection_session s(eng);
    std::istringstream is(in);
    std::vector<std::string> out;
    s.run(is, "syscall", [&](const alert& a) { out.push_back(a.json()); }, threads);
    st = s.stats();
    return out;
  };
  detect_stats one, two, three;
  auto a = run(1, one);
  auto b = run(3, three);
  REQUIRE(a.size() > 6000);
  CHECK(a == b);
  CHECK(run(2, two) == a);
  CHECK(two.malformed_lines == one.malformed_lines);
  CHECK(two.first_malformed_reason == one.first_malformed_reason);
  CHECK(three.first_malformed_reason == one.first_malformed_reason);
  CHECK(one.events == three.events);
  CHECK(one.malformed == three.malformed);
  CHECK(one.malformed == 21);
  CHECK(one.malformed_lines == three.malformed_lines);
  CHECK(one.alerts_per_rule == three.alerts_per_rule);
}

TEST_CASE("threads: blocks of lines cut anywhere give the answers of one thread") {
  rule_set rs = load(R"(
- rule: etc
  desc: d
  condition: evt.type = openat and fd.name startswith /etc
  output: "%fd.name %proc.cmdline"
  priority: WARNING
)");
  // Lines of every shape the block reader cuts: a malformed first line, CRLF,
  // blank lines of spaces, arrays, a 100 KB event (longer than a block), a line
  // over 8 MiB, and a last line without a line break.
  std::string in = "not json\n";
  auto ev = [](int i, const std::string& cmd = "x") {
    return R"({"evt.type":"openat","fd.name":"/etc/f)" + std::to_string(i) + R"(","proc.cmdline":")" + cmd + "\"}";
  };
  int expected = 0;
  std::vector<std::size_t> bad{1};   // line numbers of the malformed lines
  std::size_t line_no = 1;
  for (int i = 0; i < 30000; ++i) {
    ++line_no;
    if (i % 1999 == 7) {
      in += "{\"evt.type\":\n";   // malformed
      bad.push_back(line_no);
    } else if (i % 501 == 3) {
      in += " \t \r\n";
    } else if (i % 977 == 11) {
      in += '[';   // appended piece by piece: "[" + ev(i) trips g++ 12's -Wrestrict false positive
      in += ev(i) + "," + ev(-i) + "]\n";
      expected += 2;
    } else if (i % 3 == 0) {
      in += ev(i) + "\r\n";
      ++expected;
    } else {
      in += R"({"evt.type":"openat","fd.name":"/tmp/x"})" "\n";
    }
    if (i == 12345) {
      in += ev(i, std::string(100000, 'a')) + "\n";
      in += std::string(9u << 20, ' ') + "{}\n";
      line_no += 2;
      bad.push_back(line_no);
      ++expected;
    }
  }
  in += ev(99999);
  ++expected;
  detection_engine eng(rs, nullptr);
  struct result {
    std::vector<std::string> json;
    std::vector<std::uint64_t> numbers;
    detect_stats st;
  };
  auto run = [&](const std::string& text, unsigned threads) {
    detection_session s(eng);
    std::istringstream is(text);
    result r;
    s.run(is, "syscall", [&](const alert& a) {
      r.json.push_back(a.json());
      r.numbers.push_back(a.event_number);
    }, threads);
    r.st = s.stats();
    return r;
  };
  result one = run(in, 1);
  REQUIRE(one.json.size() == static_cast<std::size_t>(expected));
  std::sort(bad.begin(), bad.end());
  REQUIRE(bad.size() == 18);   // the first line, 16 cut objects, the 9 MiB line
  CHECK(one.st.malformed == 18);
  CHECK(one.st.first_malformed_reason.find("line longer") == std::string::npos);
  CHECK(one.st.malformed_lines == std::vector<std::size_t>(bad.begin(), bad.begin() + 10));
  for (unsigned threads : {2u, 3u}) {
    INFO(threads);
    result n = run(in, threads);
    CHECK(n.json == one.json);
    CHECK(n.st.malformed == one.st.malformed);
    CHECK(n.st.malformed_lines == one.st.malformed_lines);
    CHECK(n.st.first_malformed_reason == one.st.first_malformed_reason);
    CHECK(n.st.events == one.st.events);
    CHECK(n.st.alerts_per_rule == one.st.alerts_per_rule);
  }
  // An array's events are numbered from their line's ordinal with threads: the same on 2 and 3.
  CHECK(run(in, 2).numbers == run(in, 3).numbers);
  // A line over 8 MiB right after the first line: counted where it is.
  std::string tail = ev(1) + "\n" + std::string(9u << 20, 'x') + "\n\n" + ev(2);
  for (unsigned threads : {1u, 2u}) {
    result r = run(tail, threads);
    CHECK(r.json.size() == 2);
    CHECK(r.st.malformed_lines == std::vector<std::size_t>{2});
    CHECK(r.st.first_malformed_reason == "line longer than 8 MiB");
  }
  // Inputs of one and two lines.
  for (const std::string& small : {ev(5), ev(5) + "\n", ev(5) + "\n" + ev(6) + "\n", std::string("x\n") + ev(6)}) {
    result r1 = run(small, 1), r2 = run(small, 2), r3 = run(small, 3);
    CHECK(r2.json == r1.json);
    CHECK(r3.json == r1.json);
    CHECK(r2.st.malformed_lines == r1.st.malformed_lines);
    CHECK(r2.st.events == r1.st.events);
  }
  // A callback that throws: the exception reaches the caller, the workers are joined.
  for (unsigned threads : {2u, 3u}) {
    detection_session s(eng);
    std::istringstream is(in);
    int seen = 0;
    CHECK_THROWS_AS(s.run(is, "syscall", [&](const alert&) {
      if (++seen == 3000) throw std::runtime_error("stop");
    }, threads), std::runtime_error);
    CHECK(seen == 3000);
  }
}

TEST_CASE("a document that is not one: its lines are taken as JSON Lines takes them") {
  rule_set rs = load(R"(
- rule: etc
  desc: d
  condition: evt.type = openat and fd.name startswith /etc
  output: "%fd.name"
  priority: WARNING
)");
  auto ev = [](int i) { return R"({"evt.type":"openat","fd.name":"/etc/f)" + std::to_string(i) + "\"}"; };
  // After the first line: an event, a line of exactly 8 MiB (not cut: an
  // event), a line over 8 MiB (cut: malformed), a blank line, an event.
  std::string exact = std::string((std::size_t{8} << 20) - ev(2).size(), ' ') + ev(2);
  REQUIRE(exact.size() == std::size_t{8} << 20);
  std::string rest = ev(1) + "\n" + exact + "\n" + std::string(9u << 20, 'x') + "\n \n" + ev(3) + "\n";
  detection_engine eng(rs, nullptr);
  struct result {
    std::vector<std::string> out;
    std::vector<std::uint64_t> numbers;
    detect_stats st;
  };
  auto run = [&](const std::string& first) {
    detection_session s(eng);
    std::istringstream is(first + "\n" + rest);
    result r;
    s.run(is, "syscall", [&](const alert& a) {
      r.out.emplace_back(a.output);
      r.numbers.push_back(a.event_number);
    });
    r.st = s.stats();
    return r;
  };
  result lines = run("x");               // JSON Lines from the first line on
  result doc = run(R"({"evt.type":)");   // looks like a document over several lines, is not one
  REQUIRE(lines.out == std::vector<std::string>{"/etc/f1", "/etc/f2", "/etc/f3"});
  CHECK(lines.st.malformed_lines == std::vector<std::size_t>{1, 4});
  CHECK(doc.out == lines.out);
  CHECK(doc.numbers == lines.numbers);
  CHECK(doc.st.events == lines.st.events);
  CHECK(doc.st.malformed == lines.st.malformed);
  CHECK(doc.st.malformed_lines == lines.st.malformed_lines);
}

TEST_CASE("gcp_auditlog, okta, github: every plugin field their rule files use is extracted") {
  // The three rule files as shipped, with their disabled rules enabled (every field they name counts).
  const std::pair<const char*, const char*> files[] = {
      {"gcp_auditlog", "gcpaudit/gcp_auditlog_rules.yaml"}, {"okta", "okta/okta_rules.yaml"}, {"github", "github/github.yaml"}};
  std::vector<rule_text> texts;
  for (const auto& [source, file] : files) {
    std::ifstream in(data / "falco/rules/plugins" / file);
    REQUIRE(in);
    std::string text, line;
    while (std::getline(in, line))
      if (line.find("enabled: false") == std::string::npos) text += line + "\n";
    texts.push_back({file, text});
  }
  rule_set rs = rule_set::load(texts);
  REQUIRE(rs.ok());
  detection_engine eng(rs, nullptr);
  // The plugin's own fields (the rules also use evt.* and json.value[…], served as for every source).
  auto plugin_fields = [&](std::string_view source, std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& f : eng.fields(source))
      if (f.starts_with(prefix)) out.push_back(f);
    std::sort(out.begin(), out.end());
    return out;
  };
  auto gcp = plugin_fields("gcp_auditlog", "gcp.");
  auto okta = plugin_fields("okta", "okta.");
  auto gh = plugin_fields("github", "github.");
  CHECK(eng.fields("gcp_auditlog").size() == 16);   // and four json.value[/resource/labels/…]
  CHECK(gcp.size() == 12);
  CHECK(okta.size() == 10);
  CHECK(gh.size() == 19);
  CHECK(gcp == std::vector<std::string>{"gcp.authorizationInfo", "gcp.callerIP", "gcp.cloudfunctions.function",
                                        "gcp.cloudsql.databaseId", "gcp.methodName", "gcp.policyDelta", "gcp.projectId",
                                        "gcp.request", "gcp.serviceName", "gcp.storage.bucket", "gcp.user", "gcp.userAgent"});
  CHECK(okta == std::vector<std::string>{"okta.actor.name", "okta.client.geo.country", "okta.client.ip", "okta.evt.type",
                                         "okta.mfa.deny.countlast[300]", "okta.mfa.failure.countlast[300]", "okta.reason",
                                         "okta.target.app.alternateid", "okta.target.group.name", "okta.target.user.name"});
  CHECK(std::find(gh.begin(), gh.end(), "github.diff.committed_secrets.links") != gh.end());
  CHECK(std::find(gh.begin(), gh.end(), "github.workflow.has_miners") != gh.end());
  auto unresolved = eng.unresolved_fields();
  std::string list;
  for (const auto& u : unresolved) list += u + "\n";
  INFO(list);
  CHECK(unresolved.empty());

}

TEST_CASE("okta: the MFA counters count per actor within the window, in input order even with threads") {
  rule_set rs = load(R"(
- rule: denies
  desc: d
  condition: okta.mfa.deny.countlast[60] >= 2
  output: "%okta.actor.id %okta.mfa.deny.countlast[60]"
  priority: WARNING
  source: okta
)");
  detection_engine eng(rs, nullptr);
  std::string lines;
  auto deny = [](const char* actor, const char* t) {
    return std::string(R"({"eventType":"user.mfa.okta_verify.deny_push","actor":{"id":")") + actor +
           R"("},"outcome":{"result":"FAILURE"},"published":"2024-03-05T09:)" + t + R"(.000Z"}
)";
  };
  // a 00:00; b 00:05; a 00:30 (2 in 60 s: fires); a failed MFA login of b (another counter);
  // b 00:50 (fires); a 02:00 (1: no); a 02:10 (fires). Split in two halves on two threads, b 00:50
  // would miss b's first deny: the source is evaluated in order, on one thread.
  lines = deny("a", "00:00") + deny("b", "00:05") + deny("a", "00:30") +
          R"({"eventType":"user.authentication.auth_via_mfa","actor":{"id":"b"},"outcome":{"result":"FAILURE"},"published":"2024-03-05T09:00:35.000Z"})"
          "\n" + deny("b", "00:50") + deny("a", "02:00") + deny("a", "02:10");
  for (unsigned threads : {1u, 2u}) {
    detection_session s(eng);
    collected c;
    std::istringstream in(lines);
    s.run(in, "okta", c.cb(), threads);
    CHECK(c.outputs == std::vector<std::string>{"a 2", "b 2", "a 2"});
    CHECK(s.stats().events == 7);
  }
}

TEST_CASE("gcp_auditlog, okta, github: a missing member is \"\" or absent as in each plugin") {
  rule_set rs = load(R"(
- rule: gcp presence
  desc: d
  condition: gcp.user exists and gcp.user = "" and not gcp.serviceName exists and gcp.location = us-central1
  output: "%gcp.methodName|%gcp.serviceName|%gcp.location"
  priority: WARNING
  source: gcp_auditlog
- rule: okta presence
  desc: d
  condition: okta.actor.name = "" and not okta.target.user.name exists and okta.security.asnumber = 0 and okta.app = crm
  output: "%okta.evt.type|%okta.target.user.name|%okta.app"
  priority: WARNING
  source: okta
- rule: github presence
  desc: d
  condition: github.diff.has_secrets = "" and github.diff.committed_secrets.links = "" and not github.diff.committed_secrets.desc exists and github.repo.public = true and github.webhook.id = 0
  output: "%github.type|%github.diff.committed_secrets.desc|%github.user"
  priority: WARNING
  source: github
)");
  detection_engine eng(rs, nullptr);
  detection_session s(eng);
  collected c;
  CHECK(s.feed("gcp_auditlog", R"({"protoPayload":{"methodName":"m"},"resource":{"labels":{"zone":"us-central1-a"}}})", c.cb()));
  CHECK(s.feed("gcp_auditlog", R"({"protoPayload":{"methodName":"m","serviceName":"x"},"resource":{"labels":{"zone":"us-central1-a"}}})", c.cb()));
  CHECK(s.feed("okta", R"({"eventType":"user.session.start","debugContext":{"debugData":{"requestUri":"/app/crm/sso"}}})", c.cb()));
  CHECK(s.feed("okta", R"({"eventType":"e","target":[{"type":"User","displayName":"x"}],"debugContext":{"debugData":{"requestUri":"/app/crm/sso"}}})", c.cb()));
  CHECK(s.feed("github", R"({"webhook_type":"star","sender":{"login":"fan"},"repository":{"private":false}})", c.cb()));
  CHECK(s.feed("github", R"({"webhook_type":"push","files":[],"repository":{"private":false}})", c.cb()));
  CHECK(c.outputs == std::vector<std::string>{"m|<NA>|us-central1", "user.session.start|<NA>|crm", "star|<NA>|fan"});
}
