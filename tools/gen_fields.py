#!/usr/bin/env python3
"""Generates lib/rules/fields_data.cpp: the field tables and syscall event names the rule engine owns.

Usage: tools/gen_fields.py SHARED_FALCO_DIR [UNISTD_64_H] > lib/rules/fields_data.cpp

Run once by hand when the inputs change; the output is committed and the build
never reads ../shared. Inputs:
- SHARED_FALCO_DIR/fields/syscall_fields_sysdig-0.29.3.tsv (`sysdig --list-markdown`, types only);
- SHARED_FALCO_DIR/fields/plugin_fields.tsv (plugin README tables: type, list-valued, argument);
- SHARED_FALCO_DIR/fields/syscall_events_sysdig-0.29.3.txt (`sysdig -L`, the event names);
- UNISTD_64_H (default /usr/include/x86_64-linux-gnu/asm/unistd_64.h): every Linux x86-64
  syscall name, because Falco accepts any syscall name as an `evt.type` value (syscalls
  without their own event arrive as generic events);
- the tables below, written by hand: which sysdig 0.29.3 syscall fields take an argument
  (the tsv does not say), and the syscall fields newer than sysdig 0.29.3 that the current
  rule files use (falcosecurity/libs field names and types).
"""
import re
import sys

# sysdig 0.29.3 syscall fields that take an argument: name -> (arg kind, dotted form accepted).
SYSCALL_ARGS = {
    "evt.arg": ("index_or_key_required", True),      # evt.arg[0], evt.arg[name], evt.arg.name
    "evt.rawarg": ("key_required", True),            # evt.rawarg.res, evt.rawarg[res]
    "evt.type.is": ("key_required", True),           # evt.type.is.open
    "evt.around": ("index_required", False),
    "evt.abspath": ("key", True),                    # evt.abspath.src / .dst
    "proc.apid": ("index", False),
    "proc.aname": ("index", False),
    "proc.env": ("key", False),
    "thread.cgroup": ("key_required", True),         # thread.cgroup.cpuacct
    "container.mount": ("index_or_key_required", False),
    "container.mount.source": ("index_or_key_required", False),
    "container.mount.dest": ("index_or_key_required", False),
    "container.mount.mode": ("index_or_key_required", False),
    "container.mount.rdwr": ("index_or_key_required", False),
    "container.mount.propagation": ("index_or_key_required", False),
    "container.label": ("key_required", True),
    "k8s.pod.label": ("key_required", True),
    "k8s.rc.label": ("key_required", True),
    "k8s.svc.label": ("key_required", True),
    "k8s.ns.label": ("key_required", True),
    "k8s.rs.label": ("key_required", True),
    "k8s.deployment.label": ("key_required", True),
    "mesos.task.label": ("key_required", True),
    "marathon.app.label": ("key_required", True),
    "span.tag": ("index_or_key_required", True),
    "span.arg": ("index_or_key_required", True),
    "span.enterarg": ("index_or_key_required", True),
}
for scope in ("", ".p", ".s", ".m"):
    for what in ("tag", "arg"):
        SYSCALL_ARGS[f"evtin.span{scope}.{what}"] = ("index_or_key_required", True)

# Syscall fields newer than sysdig 0.29.3 (falcosecurity/libs), as the current rule files
# and their outputs use them: name, type, argument.
SYSCALL_NEWER = [
    ("evt.hostname", "CHARBUF", "none"),
    ("evt.source", "CHARBUF", "none"),
    ("evt.is_async", "BOOL", "none"),
    ("evt.asynctype", "CHARBUF", "none"),
    ("proc.pexe", "CHARBUF", "none"),
    ("proc.pexepath", "CHARBUF", "none"),
    ("proc.aexe", "CHARBUF", "index"),
    ("proc.aexepath", "CHARBUF", "index"),
    ("proc.acmdline", "CHARBUF", "index"),
    ("proc.pid.ts", "ABSTIME", "none"),
    ("proc.ppid.ts", "ABSTIME", "none"),
    ("proc.ppid.duration", "RELTIME", "none"),
    ("proc.pvpid", "INT64", "none"),
    ("proc.cmdnargs", "UINT64", "none"),
    ("proc.cmdlenargs", "UINT64", "none"),
    ("proc.is_exe_upper_layer", "BOOL", "none"),
    ("proc.is_exe_from_memfd", "BOOL", "none"),
    ("proc.is_vpgid_leader", "BOOL", "none"),
    ("proc.is_sid_leader", "BOOL", "none"),
    ("proc.exe_ino", "INT64", "none"),
    ("proc.exe_ino.ctime", "ABSTIME", "none"),
    ("proc.exe_ino.mtime", "ABSTIME", "none"),
    ("proc.exe_ino.ctime_duration_proc_start", "ABSTIME", "none"),
    ("proc.exe_ino.ctime_duration_pidns_start", "ABSTIME", "none"),
    ("proc.vpgid.name", "CHARBUF", "none"),
    ("proc.vpgid.exe", "CHARBUF", "none"),
    ("proc.vpgid.exepath", "CHARBUF", "none"),
    ("proc.sid.exe", "CHARBUF", "none"),
    ("proc.sid.exepath", "CHARBUF", "none"),
    ("proc.pidns_init_start_ts", "UINT64", "none"),
    ("proc.stdin.type", "CHARBUF", "none"),
    ("proc.stdout.type", "CHARBUF", "none"),
    ("proc.stderr.type", "CHARBUF", "none"),
    ("proc.stdin.name", "CHARBUF", "none"),
    ("proc.stdout.name", "CHARBUF", "none"),
    ("proc.stderr.name", "CHARBUF", "none"),
    ("thread.cap_permitted", "CHARBUF", "none"),
    ("thread.cap_inheritable", "CHARBUF", "none"),
    ("thread.cap_effective", "CHARBUF", "none"),
    ("fd.nameraw", "CHARBUF", "none"),
    ("fd.types", "CHARBUF", "index"),
    ("fd.ino", "INT64", "none"),
    ("fd.is_upper_layer", "BOOL", "none"),
    ("fd.is_lower_layer", "BOOL", "none"),
    ("fs.path.name", "CHARBUF", "none"),
    ("fs.path.nameraw", "CHARBUF", "none"),
    ("fs.path.source", "CHARBUF", "none"),
    ("fs.path.sourceraw", "CHARBUF", "none"),
    ("fs.path.target", "CHARBUF", "none"),
    ("fs.path.targetraw", "CHARBUF", "none"),
    ("user.euid", "UINT32", "none"),   # not in 0.29.3
    ("group.egid", "UINT32", "none"),
    ("container.info", "CHARBUF", "none"),  # the output placeholder the pinned rules use
]

SYSDIG_TYPES = {
    "CHARBUF": "string", "BYTEBUF": "bytes", "INT16": "int64", "INT32": "int64", "INT64": "int64",
    "UINT32": "uint64", "UINT64": "uint64", "PORT": "port", "BOOL": "boolean", "IPADDR": "ipaddr",
    "IPNET": "ipnet", "RELTIME": "reltime", "ABSTIME": "abstime", "DOUBLE": "double_",
    "DYNAMIC": "dynamic",
}
PLUGIN_TYPES = {"string": "string", "uint64": "uint64", "bool": "boolean", "reltime": "reltime",
                "abstime": "abstime"}
PLUGIN_ARGS = {
    "None": "none", "Index": "index", "Index, Required": "index_required",
    "Key, Required": "key_required", "Index, Key, Required": "index_or_key_required",
}
SOURCES = ["syscall", "k8s_audit", "aws_cloudtrail", "gcp_auditlog", "okta", "github", "json"]
JSON_SOURCES = {"k8s_audit", "aws_cloudtrail", "gcp_auditlog", "okta", "github", "json"}


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    header, body = rows[0], rows[1:]
    return [dict(zip(header, r)) for r in body if len(r) == len(header)]


def main():
    falco = sys.argv[1]
    unistd = sys.argv[2] if len(sys.argv) > 2 else "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
    tables = {s: {} for s in SOURCES}
    generic = {}

    def add(table, name, ftype, arg="none", is_list=False, dotted=False):
        table.setdefault(name, (ftype, arg, is_list, dotted))

    for r in read_tsv(f"{falco}/fields/syscall_fields_sysdig-0.29.3.tsv"):
        arg, dotted = SYSCALL_ARGS.get(r["field"], ("none", False))
        add(tables["syscall"], r["field"], SYSDIG_TYPES[r["type"]], arg, False, dotted)
        if r["scope"] == "all":
            add(generic, r["field"], SYSDIG_TYPES[r["type"]])
    add(generic, "evt.source", "string")
    for name, t, arg in SYSCALL_NEWER:
        add(tables["syscall"], name, SYSDIG_TYPES[t], arg, False, SYSCALL_ARGS.get(name, ("", False))[1])

    json_fields = []
    for r in read_tsv(f"{falco}/fields/plugin_fields.tsv"):
        t = r["type"]
        is_list = t.endswith("(list)")
        ftype = PLUGIN_TYPES[t.replace(" (list)", "")]
        arg = PLUGIN_ARGS[r["arg"]]
        src = r["source"]
        if r["plugin"] == "json":
            json_fields.append((r["field"], ftype, arg, is_list))
            continue
        if src.startswith("syscall"):
            # container and k8smeta plugins extract from syscall events; keep sysdig's
            # argument forms (dotted labels) for fields both know.
            old = tables["syscall"].get(r["field"])
            tables["syscall"][r["field"]] = (ftype, arg, is_list, SYSCALL_ARGS.get(r["field"], ("", old[3] if old else False))[1])
            continue
        add(tables[src], r["field"], ftype, arg, is_list)
    for src in JSON_SOURCES:
        for name, ftype, arg, is_list in json_fields:
            add(tables[src], name, ftype, arg, is_list)
    for src in SOURCES:
        if src != "syscall":
            for name, (ftype, arg, is_list, dotted) in generic.items():
                add(tables[src], name, ftype, arg, is_list, dotted)

    events = set()
    with open(f"{falco}/fields/syscall_events_sysdig-0.29.3.txt", encoding="utf-8") as f:
        for line in f:
            m = re.match(r"[<>] ([a-z0-9_]+)\(", line)
            if m:
                events.add(m.group(1))
    n_sysdig = len(events)
    with open(unistd, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#define __NR_([a-z0-9_]+) \d+", line)
            if m:
                events.add(m.group(1))

    out = sys.stdout
    out.write("// Generated by tools/gen_fields.py; do not edit. Field tables and syscall event names (origin below).\n")
    out.write("//\n// Origins: sysdig 0.29.3 `--list-markdown` (syscall fields, types), falcosecurity/plugins\n")
    out.write("// README tables (plugin fields; container and k8smeta extract from syscall events), the\n")
    out.write("// newer libs fields and argument kinds written in tools/gen_fields.py; event names from\n")
    out.write(f"// sysdig 0.29.3 `-L` ({n_sysdig}) and the Linux x86-64 syscall table (unistd_64.h).\n")
    out.write('#include "rules/fields_data.hpp"\n\nnamespace mitrekg::rules::data {\n\n')
    # Every name in one text, the rows referring to it by offset and size: the
    # tables hold no pointers, so a position-independent executable has none
    # of their pages to relocate (write) at every start-up.
    text = []
    offsets = {}
    def ref(word):
        if word not in offsets:
            offsets[word] = sum(len(t) for t in text)
            text.append(word)
        return f"{{{offsets[word]}, {len(word)}}}"
    rows = []
    for src in SOURCES:
        for name in sorted(tables[src]):
            ftype, arg, is_list, dotted = tables[src][name]
            rows.append(f'    {{{ref(src)}, {ref(name)}, field_type::{ftype}, field_arg::{arg}, '
                        f'{"true" if is_list else "false"}, {"true" if dotted else "false"}}},\n')
    event_rows = [f"    {ref(e)},\n" for e in sorted(events)]
    out.write("// constexpr and free of pointers: built at compile time, nothing to relocate at start-up\n")
    out.write("constexpr char field_text[] =\n")
    for i in range(0, len(text), 4):
        out.write("    " + " ".join(f'"{t}"' for t in text[i:i + 4]) + ("\n" if i + 4 < len(text) else ";\n"))
    out.write("\nconstexpr field_row field_rows[] = {\n")
    out.writelines(rows)
    out.write("};\n")
    out.write(f"const std::size_t field_row_count = {len(rows)};\n\n")
    out.write("constexpr text_ref event_names[] = {\n")
    out.writelines(event_rows)
    out.write("};\n")
    out.write(f"const std::size_t event_name_count = {len(events)};\n\n")
    out.write("}  // namespace mitrekg::rules::data\n")


if __name__ == "__main__":
    main()
