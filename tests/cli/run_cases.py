#!/usr/bin/env python3
"""Runs mitre-query on every CASES_DIR/cases/*.cmd and compares what it printed.

Usage: run_cases.py MITRE_QUERY DATA_DIR CASES_DIR [CASE...]   (prints TAP)
Used for tests/cli (answers) and tests/hostile (bad input: exit code, first stderr line).

A case file holds directives, one per line ('#' starts a comment):
  args: ...             the command line (shell words); @DATA@, @ATTACK@ (DATA/attack),
                        @FIXTURES@ (CASES_DIR/fixtures), @DIR@ (CASES_DIR), @TMP@ (a
                        fresh empty folder for this case, removed afterwards) and @MQ@
                        (the mitre-query binary, for run, setup and after steps) are replaced
                        here and in every directive below that holds text
  run: SHELL            instead of args: a bash command line run in @TMP@, @MQ@ being
                        mitre-query; for what args cannot say: redirections (`exec @MQ@
                        show T9999 2>&-`, `>/dev/full`, `<&-`), bytes that are not UTF-8
                        ($'\\xff'), huge argument lists ($(seq 20000)). Use `exec` so that
                        the exit code and signals are the program's own
  skip-unless: SHELL    run with bash in @TMP@ first; if it exits non-zero the case is
                        skipped (TAP "# SKIP", its stderr as the reason): for what the
                        machine may not allow (mounting a small tmpfs as root, ...)
  setup: SHELL          run with bash in @TMP@ before the command (repeatable, in order);
                        it must exit 0 (generate large inputs, mkfifo, chmod, ...)
  after: SHELL          run with bash in @TMP@ after the command; must exit 0 (repeatable):
                        check that a file is unchanged, that no temporary file is left, ...
  stdin: TEXT           standard input (Python escapes allowed: \n, \x00); default: none
  env: NAME=VALUE       set in the command's environment (repeatable); XDG_CACHE_HOME is
                        @TMP@/cache unless the suite's environment or the case sets it
  timeout: S            seconds before the command counts as hung (default 300), times
                        $MITREKG_TEST_TIMEOUT_SCALE (sanitizer builds run slower; default 1)
  exit: N               the expected exit code (default 0)
  stderr: TEXT          stderr must be exactly this one line
  stderr-first: TEXT    the first line of stderr must be exactly TEXT; `<none>`: stderr must
                        be empty (a case that closes stderr or sends it to /dev/full; the
                        one-line rule for exit 2 below then does not apply)
  stderr-contains: TEXT stderr must contain TEXT (repeatable)
  stdout-contains: TEXT stdout must contain TEXT (repeatable)
  check: EXPR           a Python expression that must be true; names: out, err, rc,
                        lines (stdout lines), j (stdout parsed as JSON, if it is),
                        rows (stdout parsed as CSV, a list of dicts, if it is), and
                        helpers reading the data folder at test time (paths relative
                        to DATA_DIR; nothing is copied into the repository):
                          tsv(P)          a TSV file as a list of dicts
                          words(P)        the non-empty lines of a text file
                          attack(P)       the techniques of an ATT&CK bundle: {id: {name,
                                          created, revoked, deprecated, revoked_by (the
                                          direct target), replaced_by (chains followed)}}
                          d3fend_ids(P)   the ATT&CK ids a D3FEND JSON-LD release lists
  pipe: N               read only N lines of stdout, then close the pipe (the
                        program must end quietly: exit 0, empty stderr)
and NAME.out beside it, when present, is the exact expected stdout.

Always checked: stderr lines start with "mitre-query: "; on exit 2 stderr is one line.
"""
import csv
import io
import json
import os
import shlex
import subprocess
import sys
import tempfile


def parse_case(path):
    case = {"exit": 0, "stderr-contains": [], "stdout-contains": [], "check": [], "setup": [], "after": [],
             "env": [], "skip-unless": [], "timeout": 300}
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key in ("stderr-contains", "stdout-contains", "check", "setup", "after", "env", "skip-unless"):
                case[key].append(value)
            elif key in ("exit", "pipe", "timeout"):
                case[key] = int(value)
            elif key in ("args", "run", "stderr", "stderr-first", "stdin"):
                case[key] = value
            else:
                raise ValueError(f"{path}: unknown directive {key!r}")
    if ("args" in case) == ("run" in case):
        raise ValueError(f"{path}: give either args or run")
    return case


class DataHelpers:
    """Readers for the check expressions, cached across cases (the bundles are large)."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.cache = {}

    def _path(self, rel):
        return os.path.join(self.data_dir, rel)

    def tsv(self, rel):
        with open(self._path(rel), encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f, delimiter="\t"))

    def words(self, rel):
        with open(self._path(rel), encoding="utf-8") as f:
            return [l.strip() for l in f if l.strip()]

    def attack(self, rel):
        if ("attack", rel) not in self.cache:
            with open(self._path(rel), encoding="utf-8") as f:
                objects = json.load(f)["objects"]
            ids = {}
            for o in objects:
                for r in o.get("external_references", []):
                    if r.get("source_name", "").startswith("mitre") and "external_id" in r:
                        ids[o["id"]] = r["external_id"]
                        break
            revoked_by = {o["source_ref"]: ids.get(o["target_ref"]) for o in objects
                          if o["type"] == "relationship" and o.get("relationship_type") == "revoked-by"}
            out = {}
            for o in objects:
                if o["type"] == "attack-pattern" and o["id"] in ids:
                    out[ids[o["id"]]] = {"name": o.get("name"), "created": o.get("created", ""),
                                         "revoked": bool(o.get("revoked")),
                                         "deprecated": bool(o.get("x_mitre_deprecated")),
                                         "revoked_by": revoked_by.get(o["id"])}
            for o in out.values():   # revoked-by chains followed to a technique that is not revoked
                r, seen = o["revoked_by"], set()
                while r in out and out[r]["revoked"] and r not in seen:
                    seen.add(r)
                    r = out[r]["revoked_by"]
                o["replaced_by"] = r
            self.cache[("attack", rel)] = out
        return self.cache[("attack", rel)]

    def d3fend_ids(self, rel):
        if ("d3fend", rel) not in self.cache:
            with open(self._path(rel), encoding="utf-8") as f:
                graph = json.load(f)["@graph"]
            self.cache[("d3fend", rel)] = {n["d3f:attack-id"] for n in graph
                                           if isinstance(n.get("d3f:attack-id"), str)
                                           and n["d3f:attack-id"].startswith("T")}
        return self.cache[("d3fend", rel)]


HELPERS = None
TIMEOUT_SCALE = float(os.environ.get("MITREKG_TEST_TIMEOUT_SCALE", "1") or 1)


class SkipCase(Exception):
    """A case whose skip-unless step failed: reported as a TAP skip."""


def run_case(binary, data_dir, cli_dir, name):
    with tempfile.TemporaryDirectory(prefix="mitrekg-case-") as tmp:
        return run_case_in(binary, data_dir, cli_dir, name, tmp)


def run_case_in(binary, data_dir, cli_dir, name, tmp):
    case = parse_case(os.path.join(cli_dir, "cases", name + ".cmd"))
    subst = {"@DATA@": data_dir, "@ATTACK@": os.path.join(data_dir, "attack"),
             "@FIXTURES@": os.path.join(cli_dir, "fixtures"), "@DIR@": cli_dir, "@TMP@": tmp, "@MQ@": os.path.abspath(binary)}

    def expand(text):
        for k, v in subst.items():
            text = text.replace(k, v)
        return text

    if "run" in case:
        command = ["bash", "-c", expand(case["run"])]
    else:
        command = [binary] + [expand(word) for word in shlex.split(case["args"])]
    env = dict(os.environ)
    env.pop("MITREKG_DATA", None)
    env.pop("COLUMNS", None)
    env.setdefault("XDG_CACHE_HOME", os.path.join(tmp, "cache"))   # tests/cli shares one cache
    for assignment in case["env"]:
        k, _, v = expand(assignment).partition("=")
        env[k] = v
    problems = []
    for cmd in case["skip-unless"]:
        p = subprocess.run(["bash", "-c", expand(cmd)], cwd=tmp, env=env, capture_output=True, timeout=600)
        if p.returncode != 0:
            reason = p.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SkipCase(f"{cmd!r} exited {p.returncode}" + (f": {reason[-1]}" if reason else ""))
    for cmd in case["setup"]:
        p = subprocess.run(["bash", "-c", expand(cmd)], cwd=tmp, env=env, capture_output=True, timeout=600)
        if p.returncode != 0:
            return [f"setup {cmd!r} exited {p.returncode}: {p.stderr.decode('utf-8', 'replace')[-400:]}"]
    stdin = None
    if "stdin" in case:
        stdin = expand(case["stdin"]).encode("utf-8").decode("unicode_escape").encode("latin-1")
    if "pipe" in case:
        p = subprocess.Popen(command, cwd=tmp if "run" in case else None, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        head = [p.stdout.readline() for _ in range(case["pipe"])]
        p.stdout.close()
        err = p.stderr.read().decode("utf-8", "replace")
        rc = p.wait(timeout=300)
        out = b"".join(head).decode("utf-8", "replace")
        if rc != 0:
            problems.append(f"closed pipe: exit {rc}, expected 0")
        if err:
            problems.append(f"closed pipe: stderr {err!r}, expected nothing")
    else:
        try:
            p = subprocess.run(command, cwd=tmp if "run" in case else None, capture_output=True, env=env,
                               timeout=case["timeout"] * TIMEOUT_SCALE,
                               input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return [f"hung: no exit within {case['timeout'] * TIMEOUT_SCALE:g} s"]
        if p.returncode < 0:
            problems.append(f"killed by signal {-p.returncode}")
        rc, out, err = p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        if rc != case["exit"]:
            problems.append(f"exit {rc}, expected {case['exit']}")
    err_lines = err.splitlines()
    for l in err_lines:
        if not l.startswith("mitre-query: "):
            problems.append(f"stderr line without prefix: {l!r}")
    if rc == 2 and len(err_lines) != 1 and case.get("stderr-first") != "<none>":
        problems.append(f"exit 2 with {len(err_lines)} stderr lines, expected 1")
    if "stderr" in case and err != expand(case["stderr"]) + "\n":
        problems.append(f"stderr {err!r}, expected {expand(case['stderr'])!r}")
    if "stderr-first" in case:
        first = err_lines[0] if err_lines else "<none>"
        if first != expand(case["stderr-first"]):
            problems.append(f"first stderr line {first!r}, expected {expand(case['stderr-first'])!r}")
    for cmd in case["after"]:
        p = subprocess.run(["bash", "-c", expand(cmd)], cwd=tmp, env=env, capture_output=True, timeout=600)
        if p.returncode != 0:
            problems.append(f"after {cmd!r} exited {p.returncode}: {p.stderr.decode('utf-8', 'replace')[-400:]}")
    for s in case["stderr-contains"]:
        s = expand(s)
        if s not in err:
            problems.append(f"stderr {err!r} lacks {s!r}")
    for s in case["stdout-contains"]:
        s = expand(s)
        if s not in out:
            problems.append(f"stdout lacks {s!r}")
    expected_path = os.path.join(cli_dir, "cases", name + ".out")
    if os.path.exists(expected_path):
        with open(expected_path, encoding="utf-8", newline="") as f:
            expected = f.read()
        if out != expected:
            got = out.splitlines()
            want = expected.splitlines()
            for i in range(max(len(got), len(want))):
                g = got[i] if i < len(got) else "<end>"
                w = want[i] if i < len(want) else "<end>"
                if g != w:
                    problems.append(f"stdout differs at line {i + 1}: got {g!r}, expected {w!r}")
                    break
            else:
                problems.append("stdout differs (line endings)")
    names = {"out": out, "err": err, "rc": rc, "lines": out.splitlines(), "j": None, "rows": None,
             "tsv": HELPERS.tsv, "words": HELPERS.words, "attack": HELPERS.attack, "d3fend_ids": HELPERS.d3fend_ids}
    try:
        names["j"] = json.loads(out)
    except ValueError:
        pass
    try:
        names["rows"] = list(csv.DictReader(io.StringIO(out, newline="")))
    except csv.Error:
        pass
    for expr in case["check"]:
        try:
            # Names as globals, so comprehensions inside the expression see them too.
            ok = eval(expand(expr), {"__builtins__": __builtins__, **names})
        except Exception as e:  # noqa: BLE001 - report any failure of the expression
            ok = False
            expr += f"  ({type(e).__name__}: {e})"
        if not ok:
            problems.append(f"check failed: {expr}")
    return problems


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    binary, data_dir, cli_dir = sys.argv[1:4]
    binary, data_dir, cli_dir = os.path.abspath(binary), os.path.abspath(data_dir), os.path.abspath(cli_dir)
    global HELPERS
    HELPERS = DataHelpers(data_dir)
    names = sys.argv[4:] or sorted(f[:-4] for f in os.listdir(os.path.join(cli_dir, "cases")) if f.endswith(".cmd"))
    print(f"1..{len(names)}")
    failed = 0
    for i, name in enumerate(names, 1):
        try:
            problems = run_case(binary, data_dir, cli_dir, name)
        except SkipCase as e:
            print(f"ok {i} - {name} # SKIP {e}")
            continue
        except Exception as e:  # noqa: BLE001 - a broken case is a failed case
            problems = [f"{type(e).__name__}: {e}"]
        failed += print_result(i, name, problems)
    return 1 if failed else 0


def print_result(i, name, problems):
    """Prints case i's TAP line and each problem as a comment under it; 1 when it failed, else 0.
    (tests/detect/falco_conformance.py reports its cases with it too.)"""
    if not problems:
        print(f"ok {i} - {name}")
        return 0
    print(f"not ok {i} - {name}")
    for p in problems:
        print(f"  # {p}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
