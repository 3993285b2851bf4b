#!/usr/bin/env python3
"""A dump resumed across a change says so (NLM_F_DUMP_INTR).

usage: dumpcheck.py resource|endpoint N K

Creates N resources (or N endpoints on 127.0.0.1:21000+i), starts a dump,
reads its first part, removes the first K entries (already dumped) and
reads the rest.  Prints JSON: "parts" (datagrams read), "intr" (some
message carried NLM_F_DUMP_INTR), "missing" (entries that existed for the
whole dump and were not listed), then removes what it made.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nltool  # noqa: E402

NLM_F_DUMP_INTR = 0x10
kind, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
g = nltool.Genl()
if kind == "resource":
    key = "path"
    names = ["/dump/%d" % i for i in range(n)]
    g.batch("resource_add", [[("path", p), ("methods", "2")] for p in names])
    made = [[("path", p)] for p in names]
    del_cmd, get_cmd = "resource_del", "resource_get"
else:
    key = "addr"
    names = ["127.0.0.1:%d" % (21000 + i) for i in range(n)]
    g.batch("endpoint_add", [[("addr", "addr:" + a)] for a in names])
    made = [[("addr", "addr:" + a)] for a in names]
    del_cmd, get_cmd = "endpoint_del", "endpoint_get"
# every add has been processed once this answers
err = g.call("stats_get", [])[0]

d = nltool.Genl()
seq = d.send(d.fam, nltool.CMD[get_cmd], b"",
             nltool.NLM_F_REQUEST | nltool.NLM_F_DUMP)
seen, intr, parts, done = set(), False, 0, False
while not done:
    data = d.recv()
    parts += 1
    for typ, flags, mseq, body in d.messages(data):
        if mseq != seq:
            continue
        intr |= bool(flags & NLM_F_DUMP_INTR)
        if typ in (nltool.NLMSG_DONE, nltool.NLMSG_ERROR):
            done = True
        elif typ == d.fam:
            v = nltool.decode(nltool.parse_attrs(body[4:])).get(key)
            seen.add(v)
    if parts == 1:
        g.batch(del_cmd, made[:k])
        g.call("stats_get", [])
out = {"setup_errno": err, "parts": parts, "intr": intr}
out["missing"] = sum(1 for x in names[k:] if x not in seen)
g.batch(del_cmd, made[k:])
g.call("stats_get", [])
print(json.dumps(out))
