#!/usr/bin/env python3
"""Churn: traffic from many ports while endpoints, resources, daemons,
CoAP sockets and namespaces come and go, all at random (seeded).

  churntool.py SECONDS [--seed S]

Run inside a network namespace of its own: it opens endpoints on
127.0.0.1 and ::1 ports 5700-5703 with short protocol times, so that
whatever the churn leaves behind expires within seconds.  Three processes:
traffic (GETs, observe registrations, Block1 first blocks, pings, stray
ACK/RST, from 64 ports), CoAP sockets (servers that never answer and
clients, opened and closed), and the operator (endpoints, daemons that
answer some requests now, some later and some never, resources, publishes,
namespaces with a flood inside).  Prints one JSON line of operation counts.
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coaptool import build  # noqa: E402
from racetool import call, genl  # noqa: E402

PORTS = range(5700, 5704)
SOCK_PORTS = range(5710, 5714)
IPPROTO_COAP, SOL_COAP = 253, 5683
# RFC 7252 times cut down: EXCHANGE_LIFETIME about 1.6 s
FAST = [("param.ack_delay_ms", "50"), ("param.ack_timeout_ms", "100"),
        ("param.max_retransmit", "2"), ("param.max_latency_ms", "500")]
GET, PUT = 1, 3
CON, NON, ACK, RST = range(4)


def uri(path):
    return [(11, s.encode()) for s in path.strip("/").split("/")]


def traffic(rnd, end):
    socks = []
    for i in range(64):
        fam = socket.AF_INET6 if i % 4 == 0 else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind(("::1" if fam == socket.AF_INET6 else "127.0.0.1", 0))
        s.setblocking(False)
        socks.append(s)
    n = 0
    while time.time() < end:
        s = rnd.choice(socks)
        host = "::1" if s.family == socket.AF_INET6 else "127.0.0.1"
        port = rnd.choice(list(PORTS) + list(SOCK_PORTS))
        mid = rnd.randrange(65536)
        tok = rnd.randbytes(rnd.randrange(9))
        k = rnd.random()
        if k < 0.45:
            m = build(rnd.choice((CON, NON)), GET, mid, tok,
                      uri("/c/%d" % rnd.randrange(6)))
        elif k < 0.6:
            m = build(CON, GET, mid, tok, [(6, b"")] + uri("/obs"))
        elif k < 0.75:
            # Block1 first block of a body that never completes
            m = build(CON, PUT, mid, tok, uri("/up") + [(27, b"\x0a")],
                      rnd.randbytes(64))
        elif k < 0.85:
            m = build(CON, 0, mid)
        elif k < 0.95:
            m = build(rnd.choice((ACK, RST)), 0, mid)
        else:
            m = rnd.randbytes(rnd.randrange(1, 40))
        try:
            s.sendto(m, (host, port))
            n += 1
        except OSError:
            pass
        for x in socks[:8]:
            try:
                x.recv(4096)
            except OSError:
                pass
    return {"datagrams": n}


def sockets(rnd, end):
    live = {}
    n = 0
    while time.time() < end:
        port = rnd.choice(SOCK_PORTS)
        if port in live and rnd.random() < 0.5:
            live.pop(port).close()
        elif port not in live:
            try:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM,
                                  IPPROTO_COAP)
                # ACK_DELAY below ACK_TIMEOUT first, as the kernel demands
                for opt, val in ((8, 50), (1, 100), (3, 2), (7, 500)):
                    s.setsockopt(SOL_COAP, opt, val)
                s.bind(("127.0.0.1", port))
                s.setblocking(False)
                live[port] = s
            except OSError:
                continue
        for s in list(live.values()):
            try:
                # as a client: a request to an endpoint that may be gone
                s.sendto(build(rnd.choice((CON, NON)), GET, 0,
                               rnd.randbytes(4), uri("/c/1")),
                         ("127.0.0.1", rnd.choice(PORTS)))
            except OSError:
                pass
            for flags in (0, socket.MSG_ERRQUEUE):
                try:
                    s.recvmsg(2048, 256, flags)
                except OSError:
                    pass
        n += 1
        time.sleep(rnd.uniform(0, 0.02))
    for s in live.values():
        s.close()
    return {"socket_rounds": n}


class Daemon:
    def __init__(self):
        self.g = genl()
        self.later = []

    def serve(self, rnd):
        try:
            reqs = list(self.g.requests(0.001))
        except OSError:         # ENOBUFS: requests were dropped
            reqs = []
        for req in reqs:
            if "handle" not in req:     # an observers event
                continue
            k = rnd.random()
            if k < 0.5:
                self.answer(req["handle"], rnd)
            elif k < 0.8:
                self.later.append(req["handle"])
        if self.later and rnd.random() < 0.3:
            self.answer(self.later.pop(0), rnd)

    def call(self, cmd, attrs):
        return call(self.g, cmd, attrs)

    def answer(self, handle, rnd):
        self.call("response", [("handle", handle), ("code", 69),
                               ("payload", "x" * rnd.randrange(200))])


def netns_cycle(name, rnd):
    """A namespace with an endpoint, a silent daemon and a flood, killed."""
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run(["ip", "netns", "add", name], check=True)
    subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "netns", "exec", name, sys.executable,
                    os.path.join(here, "nltool.py"), "call", "endpoint_add",
                    "addr=addr:127.0.0.1:5683"], stdout=subprocess.DEVNULL,
                   check=True)
    p = subprocess.Popen(["ip", "netns", "exec", name, sys.executable,
                          os.path.join(here, "racetool.py"), "hold"],
                         stdout=subprocess.PIPE, start_new_session=True)
    p.stdout.readline()
    time.sleep(rnd.uniform(0.05, 0.5))
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    subprocess.run(["ip", "netns", "delete", name], check=True)


def operator(rnd, end):
    g = genl()
    daemons = []
    counts = {}
    nns = 0
    next_ns = time.time() + 5

    def op(name):
        counts[name] = counts.get(name, 0) + 1

    while time.time() < end:
        k = rnd.random()
        port = rnd.choice(PORTS)
        host = rnd.choice(("127.0.0.1", "[::1]"))
        addr = "addr:%s:%d" % (host, port)
        if k < 0.15:
            call(g, "endpoint_add", [("addr", addr)] + FAST)
            op("endpoint_add")
        elif k < 0.25:
            call(g, "endpoint_del", [("addr", addr)])
            op("endpoint_del")
        elif k < 0.35 or not daemons:
            d = Daemon()
            for p in rnd.sample(["/c/%d" % i for i in range(6)], 3):
                d.call("resource_add", [("path", p), ("methods", "2")])
            if rnd.random() < 0.5:
                d.call("resource_add", [("path", "/obs"), ("methods", "2"),
                                          ("observable", "flag")])
                d.call("publish", [("path", "/obs"), ("payload", "0")])
            if rnd.random() < 0.5:
                d.call("resource_add", [("path", "/up"), ("methods", "8")])
            daemons.append(d)
            op("daemon")
        elif k < 0.45:
            d = daemons.pop(rnd.randrange(len(daemons)))
            d.g.s.close()
            op("daemon_close")
        elif k < 0.6:
            d = rnd.choice(daemons)
            d.call("publish", [("path", "/obs"),
                                 ("payload", str(rnd.randrange(10 ** 6)))])
            op("publish")
        elif k < 0.7:
            d = rnd.choice(daemons)
            d.call("resource_del", [("path", "/c/%d" % rnd.randrange(6))])
            op("resource_del")
        if time.time() > next_ns:
            nns += 1
            netns_cycle("kchurn%d" % nns, rnd)
            op("netns")
            next_ns = time.time() + 5
        for d in daemons:
            d.serve(rnd)
        time.sleep(rnd.uniform(0, 0.01))
    for d in daemons:
        d.g.s.close()
    return counts


def child(fn, rnd, end, out):
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            with open(out, "w") as f:
                json.dump(fn(rnd, end), f)
        except Exception as e:      # a crash of the tool fails the run
            print("churntool: %s: %r" % (fn.__name__, e), file=sys.stderr)
            code = 1
        os._exit(code)
    return pid


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    secs = float(args[0])
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else \
        random.randrange(1 << 30)
    end = time.time() + secs
    # not named by our pid: /tmp is the host's, shared with any other test
    # kernel running at the same time, whose pids are the same small ones
    tmpdir = tempfile.mkdtemp(prefix="churn.")
    tmp = os.path.join(tmpdir, "out")
    pids = [child(fn, random.Random(seed + i), end, "%s.%d" % (tmp, i))
            for i, fn in enumerate((traffic, sockets, operator))]
    bad = 0
    for pid in pids:
        bad += os.waitpid(pid, 0)[1] != 0
    out = {"seed": seed, "seconds": secs, "failed": bad}
    for i in range(3):
        try:
            with open("%s.%d" % (tmp, i)) as f:
                out.update(json.load(f))
            os.unlink("%s.%d" % (tmp, i))
        except OSError:
            pass
    shutil.rmtree(tmpdir, ignore_errors=True)
    print(json.dumps(out), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
