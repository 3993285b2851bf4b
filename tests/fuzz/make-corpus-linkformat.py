#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regenerate the seed corpus for fuzz_linkformat in corpus/linkformat/.

Each seed is a link and a discovery query in the layout fuzz_linkformat.c
describes: a flags byte, ct (2 bytes LE), sz (4 bytes LE), then
path NUL rt NUL if NUL title NUL query.  The seeds cover every attribute,
list and prefix matching, numeric compares, and the query forms the
parser treats specially.  The directory is owned by this script: it is
emptied and rewritten, so commit both.

    python3 tests/fuzz/make-corpus-linkformat.py [OUTDIR]
"""
import os
import struct
import sys

RT, IF, TITLE, CT, SZ, OBS, FIRST = (1 << i for i in range(7))


def seed(query, path="/a", rt=None, if_=None, title=None, ct=None, sz=0,
         obs=False, first=True):
    flags = ((RT if rt is not None else 0) |
             (IF if if_ is not None else 0) |
             (TITLE if title is not None else 0) |
             (CT if ct is not None else 0) |
             (SZ if sz else 0) | (OBS if obs else 0) |
             (FIRST if first else 0))
    fields = [path, rt or "", if_ or "", title or ""]
    head = bytes([flags]) + struct.pack("<HI", ct or 0, sz)
    return head + b"\0".join(f.encode() for f in fields) + b"\0" + query


FULL = dict(path="/sensors/temp", rt="temperature-c core.s",
            if_="sensor core.rp", title="Room temp", ct=40, sz=1234,
            obs=True)

SEEDS = {
    "empty": b"",
    "path-only": seed(b"href=/a"),
    "path-only-not-first": seed(b"href=/a*", first=False),
    "root": seed(b"href=/", path="/"),
    "full-rt-prefix": seed(b"rt=temp*", **FULL),
    "full-rt-second-item": seed(b"rt=core.s", **FULL),
    "full-if": seed(b"if=sensor", **FULL),
    "full-title": seed(b"title=Room temp", **FULL),
    "full-title-prefix": seed(b"title=Room*", **FULL),
    "full-obs": seed(b"obs", **FULL),
    "full-obs-empty": seed(b"obs=", **FULL),
    "full-sz-prefix": seed(b"sz=12*", **FULL),
    "full-not-first": seed(b"href=*", first=False, **FULL),
    "ct4-vs-40": seed(b"ct=4", ct=40),
    "ct4-prefix-40": seed(b"ct=4*", ct=40),
    "ct0": seed(b"ct=0", ct=0),
    "ct-max": seed(b"ct=65535", ct=65535),
    "sz-max": seed(b"sz=4294967295", sz=0xffffffff),
    "list-spaces": seed(b"rt=b", rt="  a   b ", if_=" "),
    "unknown-name": seed(b"foo=bar", **FULL),
    "empty-name": seed(b"=x", **FULL),
    "value-with-equals": seed(b"title=a=b", title="a=b"),
    "star-middle": seed(b"rt=a*b", rt="a*b"),
    "star-only": seed(b"rt=*", rt="x"),
    "nul-in-query": seed(b"rt=a\0b", rt="a"),
    "long-path": seed(b"href=/aaaa*", path="/" + "a" * 254),
    # a name without '=' against an empty value: kcoap_val_match() must
    # not hand memcmp() the NULL value such a filter has (UBSan)
    "title-no-value-empty-title": seed(b"title", title=""),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(here, "corpus", "linkformat")
    os.makedirs(outdir, exist_ok=True)
    for name in os.listdir(outdir):
        os.unlink(os.path.join(outdir, name))
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print(f"make-corpus-linkformat: wrote {len(SEEDS)} seeds to {outdir}")


if __name__ == "__main__":
    main()
