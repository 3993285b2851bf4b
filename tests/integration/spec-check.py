#!/usr/bin/env python3
"""Check include/netlink/coap.yaml against include/uapi/linux/coap.h.

Every command, attribute and counter must appear in both, with the same
value (position), so the machine-readable spec cannot drift from the
header the kernel and libkcoap compile against.  Prints ok/not ok lines.
"""
import os
import re
import sys

import yaml

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
spec = yaml.safe_load(open(os.path.join(top, "include/netlink/coap.yaml")))
uapi = open(os.path.join(top, "include/uapi/linux/coap.h")).read()
fails = 0


def enum(prefix):
    vals, v = [], 0
    for m in re.finditer(r"^\t(%s\w+)(?:\s*=\s*(\d+))?," % prefix, uapi, re.M):
        v = int(m.group(2)) if m.group(2) else v
        vals.append((m.group(1)[len(prefix):].lower().replace("_", "-"), v))
        v += 1
    return vals


def check(name, cond, detail=""):
    global fails
    print(("ok - " if cond else "not ok - ") + name)
    if not cond:
        fails += 1
        print("#   " + detail)


sets = {s["name"]: s for s in spec["attribute-sets"]}
for set_name, prefix in (("coap", "COAP_A_"), ("option", "COAP_OPTION_A_"),
                         ("param", "COAP_PARAM_A_"),
                         ("stats", "COAP_STATS_A_")):
    want = [n for n, _ in enum(prefix)]
    got = [a["name"] for a in sets[set_name]["attributes"]]
    check("spec attribute set %s matches enum %s*" % (set_name, prefix),
          want == got, "header %s, spec %s" % (want, got))
ops = [o["name"] for o in spec["operations"]["list"]]
want = [n for n, _ in enum("COAP_CMD_")]
check("spec operations match enum coap_cmd", want == ops,
      "header %s, spec %s" % (want, ops))
check("spec family name matches COAP_GENL_NAME",
      '#define COAP_GENL_NAME\t\t"%s"' % spec["name"] in uapi)
sys.exit(1 if fails else 0)
