#!/usr/bin/env python3
"""Teardown racing traffic: the module's objects go away while datagrams
that reach them keep arriving, from many source ports.

  racetool.py endpoint [--rounds N] [--port P] [--seed S]
      a daemon registers /slow and never answers; CON GETs flood it from
      64 ports while the endpoint is deleted and re-added N times at random
      moments
  racetool.py resource [--rounds N] [--port P] [--seed S]
      a daemon registers /gone (its only resource) and never answers; GETs
      flood it while it is deleted and re-registered N times, so the
      daemon record goes and comes back each time
  racetool.py hold [--port P]
      a daemon registers /slow and never answers, a flood runs against it;
      both run until killed (for namespace deletion under traffic)
  racetool.py many N
      one daemon registers N resources and exits (its socket closes, and
      every resource goes at once)
  racetool.py flood HOST PORT PATH SECONDS
      the flood alone

Each prints one JSON line: rounds done, datagrams sent, errors seen.  The
kernel's health is judged by the caller (uml-run scans the console).
"""
import errno
import json
import os
import random
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nltool  # noqa: E402

NSRC = 64


def get(path, mid, con=True):
    """A GET for path with a 2-byte token."""
    hdr = struct.pack("!BBH", (0x40 if con else 0x50) | 2, 0x01, mid)
    opts, prev = b"", 0
    for seg in path.strip("/").split("/"):
        s = seg.encode()
        delta = 11 - prev
        prev = 11
        opts += bytes([(delta << 4) | len(s)]) + s
    return hdr + struct.pack("!H", mid) + opts


def flood(host, port, path, seconds, stop=None):
    """Send CON GETs round-robin from NSRC ports until seconds pass."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks = []
    for _ in range(NSRC):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setblocking(False)
        s.bind(("::1" if fam == socket.AF_INET6 else "127.0.0.1", 0))
        socks.append(s)
    sent = mid = 0
    end = time.time() + seconds
    while time.time() < end and not (stop and os.path.exists(stop)):
        for s in socks:
            mid = (mid + 1) & 0xFFFF
            try:
                s.sendto(get(path, mid), (host, port))
                sent += 1
            except OSError:
                pass
            try:
                while True:
                    s.recv(2048)
            except OSError:
                pass
    return sent


def start_flood(host, port, path, seconds):
    pid = os.fork()
    if pid == 0:
        try:
            flood(host, port, path, seconds)
        finally:
            os._exit(0)
    return pid


def ok(err):
    if err[0]:
        raise SystemExit("netlink error %d: %s" % (err[0], err[1]))


def genl():
    """A netlink socket that gives up on a lost answer after 10 s."""
    g = nltool.Genl()
    g.s.settimeout(10)
    return g


def call(g, cmd, attrs):
    """The command's errno, or None when its answer was lost: a daemon that
    does not read its requests overflows its receive buffer (ENOBUFS), and
    the kernel then drops what it sends, acknowledgements included."""
    try:
        return g.call(cmd, attrs)[0]
    except OSError as e:        # socket.timeout has no errno
        if e.errno not in (errno.ENOBUFS, None):
            raise
        return None


def churn_endpoint(rounds, port, rnd):
    g = genl()
    addr = "addr:127.0.0.1:%d" % port
    ok(g.call("endpoint_add", [("addr", addr)]))
    daemon = genl()             # registers and never answers
    ok(daemon.call("resource_add", [("path", "/slow"), ("methods", "2")]))
    pid = start_flood("127.0.0.1", port, "/slow", 600)
    errors = 0
    try:
        for _ in range(rounds):
            time.sleep(rnd.uniform(0.01, 0.15))
            errors += g.call("endpoint_del", [("addr", addr)])[0] != 0
            time.sleep(rnd.uniform(0, 0.02))
            errors += g.call("endpoint_add", [("addr", addr)])[0] != 0
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    g.call("endpoint_del", [("addr", addr)])
    return {"rounds": rounds, "errors": errors}


def churn_resource(rounds, port, rnd):
    g = genl()
    addr = "addr:127.0.0.1:%d" % port
    ok(g.call("endpoint_add", [("addr", addr)]))
    pid = start_flood("127.0.0.1", port, "/gone", 600)
    errors = lost = 0
    try:
        for _ in range(rounds):
            daemon = genl()
            r = call(daemon, "resource_add", [("path", "/gone"),
                                              ("methods", "2")])
            time.sleep(rnd.uniform(0.01, 0.1))
            # its only resource: the daemon record goes with it
            r2 = call(daemon, "resource_del", [("path", "/gone")])
            errors += sum(1 for x in (r, r2) if x)
            lost += sum(1 for x in (r, r2) if x is None)
            if rnd.random() < 0.5:
                daemon.s.close()
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    g.call("endpoint_del", [("addr", addr)])
    return {"rounds": rounds, "errors": errors}


def many(n):
    g = nltool.Genl()
    for i in range(n):
        ok(g.call("resource_add", [("path", "/m/%d" % i), ("methods", "2")]))
    g.s.close()
    return {"registered": n}


def hold(port):
    g = nltool.Genl()
    ok(g.call("resource_add", [("path", "/slow"), ("methods", "2")]))
    start_flood("127.0.0.1", port, "/slow", 600)
    print(json.dumps({"ready": True}), flush=True)
    signal.pause()


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    cmd = args.pop(0)
    opts = {"--rounds": 40, "--port": 5683, "--seed": None}
    rest = []
    while args:
        a = args.pop(0)
        if a in opts:
            opts[a] = int(args.pop(0))
        else:
            rest.append(a)
    seed = opts["--seed"] if opts["--seed"] is not None else \
        random.randrange(1 << 30)
    rnd = random.Random(seed)
    if cmd == "endpoint":
        r = churn_endpoint(opts["--rounds"], opts["--port"], rnd)
    elif cmd == "resource":
        r = churn_resource(opts["--rounds"], opts["--port"], rnd)
    elif cmd == "hold":
        hold(opts["--port"])
        return 0
    elif cmd == "many":
        r = many(int(rest[0]))
    elif cmd == "flood":
        host, port, path, secs = rest
        r = {"sent": flood(host, int(port), path, float(secs))}
    else:
        print(__doc__)
        return 2
    r["seed"] = seed
    print(json.dumps(r), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
