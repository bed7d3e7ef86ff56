#!/usr/bin/env python3
"""The generated bash completion and man page cover every command of the CLI's table (prints TAP).

Usage: help_formats_test.py MITRE_QUERY COMPLETION_FILE MAN_PAGE
The command list comes from the binary (`--help-format=commands`), the flags of each
command from `mitre-query help COMMAND`: nothing here repeats the tables.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
import tap  # noqa: E402  (tests/tap.py)

results = []


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def complete(completion, cases):
    """Runs _mitre_query once per word list in one bash; returns the COMPREPLY of each."""
    script = [f"source {shlex.quote(completion)}"]
    for words in cases:
        # The word being completed is the last one (possibly empty).
        arr = " ".join(shlex.quote(w) for w in ["mitre-query"] + words)
        script.append(f"COMP_WORDS=({arr}); COMP_CWORD={len(words)}; COMPREPLY=(); _mitre_query; "
                      'echo "${COMPREPLY[*]}"')
    p = run(["bash", "--norc", "--noprofile", "-c", "\n".join(script)])
    lines = p.stdout.split("\n")
    if p.returncode != 0 or len(lines) < len(cases):
        sys.exit(f"bash failed ({p.returncode}): {p.stderr[-500:]}")
    return [set(line.split()) for line in lines[:len(cases)]]


def command_flags(mq, command):
    """The command's own flags, as `mitre-query help COMMAND` lists them."""
    p = run([mq, "help"] + command.split())
    part = p.stdout.split("Command options:")[1].split("\nOptions:")[0] if "Command options:" in p.stdout else ""
    return re.findall(r"--([a-z0-9-]+)", part)


def main():
    mq, completion, man_page = sys.argv[1:4]
    p = run([mq, "--help-format=commands"])
    commands = p.stdout.split("\n")[:-1]
    ok(p.returncode == 0 and len(commands) >= 25, "the binary lists its commands", f"{len(commands)} commands")
    ok({"show", "lint-tags", "cache", "cache clean", "cache prune"} <= set(commands), "the list has the cache commands")

    # The installed files are what the binary generates now.
    for fmt, path in (("bash", completion), ("man", man_page)):
        with open(path, encoding="utf-8") as f:
            ok(f.read() == run([mq, f"--help-format={fmt}"]).stdout, f"{os.path.basename(path)} is the binary's output")
    bad = run([mq, "--help-format=zsh"])
    ok(bad.returncode == 2 and bad.stderr == 'mitre-query: --help-format must be bash, man or commands, not "zsh"\n',
       "--help-format=zsh is a usage error", bad.stderr)
    ok("help-format" not in run([mq, "--help"]).stdout, "--help-format is not in --help")

    # Completion: each command from a prefix (its last word without its last letter), each
    # command's flags from "--", flag values, and a flag that belongs to another command.
    cases, expect = [], []
    for c in commands:
        words = c.split()
        cases.append(words[:-1] + [words[-1][:-1]])
        expect.append(("command", c, {words[-1]}, None))
    flags_of = {c: command_flags(mq, c) for c in commands}
    ok(flags_of["cache prune"] == ["max-size"] and flags_of["cache clean"] == ["all"], "help lists the cache flags",
       repr(flags_of["cache prune"]))
    for c in commands:
        cases.append(c.split() + ["--"])
        expect.append(("flags", c, {"--" + f for f in flags_of[c]} | {"--format", "--verbose", "--help"}, None))
    for words, want, unwanted in (
            (["--form"], {"--format"}, None),
            (["--format", "j"], {"json"}, None),
            (["--format", "cs"], {"csv"}, None),
            (["lint-tags", "--report", ""], {"text", "json", "sarif"}, None),
            (["--data", "/tmp/x", "cache", "prune", "--max"], {"--max-size"}, None),
            (["cache", ""], {"clean", "prune"}, None),
            (["-v", "--format", "json", "cach"], {"cache"}, None),
            (["show", "--max"], set(), {"--max-size"}),
            (["cache", "clean", "--al"], {"--all"}, None),
            (["lint-tags", "--dr"], {"--dry-run"}, None),
            (["--help-f"], set(), {"--help-format"})):
        cases.append(words)
        expect.append(("case", " ".join(words), want, unwanted))
    got = complete(completion, cases)
    ok(len(got) == len(cases), "one answer per completion", f"{len(got)} of {len(cases)}")
    for (kind, what, want, unwanted), reply in zip(expect, got):
        good = want <= reply and not (unwanted and unwanted & reply)
        if kind == "case" and not want:
            good = not reply
        ok(good, f"completion {kind}: {what!r}", f"got {sorted(reply)}, want {sorted(want)}")

    # The man page: renders without a warning, and names every command and every flag.
    man = shutil.which("man")
    if man:
        r = run([man, "--warnings", "-l", man_page], env=dict(os.environ, MANWIDTH="100", LC_ALL="C.UTF-8"))
    else:
        r = run(["groff", "-man", "-Tutf8", "-ww", man_page])
    ok(r.returncode == 0 and r.stderr == "", "the man page renders without warnings", r.stderr[:300])
    text = re.sub(r".\x08", "", r.stdout)   # no overstriking
    ok(all(s in text for s in ("NAME", "SYNOPSIS", "COMMANDS", "OPTIONS", "EXIT STATUS")), "man page sections")
    entries = set(re.findall(r"^ {7}([a-z0-9-]+(?: [a-z]+)?)(?: \[|  | [A-Z]|$)", text, re.M))
    for c in commands:
        ok(c in entries, f"man page has command {c!r}")
        for f in flags_of[c]:
            ok(f"--{f}" in text, f"man page has {c} --{f}")

    return tap.report(results)


if __name__ == "__main__":
    sys.exit(main())
