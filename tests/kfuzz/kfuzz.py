#!/usr/bin/env python3
"""kfuzz: seeded random operations against the coap module, run inside the
test kernel (tests/kfuzz/run boots it; see README.md, "Kernel fuzzing").

  kfuzz.py worker --name W --seed S --dir D [--ops N] [--seconds T]
                  [--netns] [--final] [--priv]
      one sequence of operations, generated from (S, W) alone; each is
      written to D/W.ops (and fsync'ed) before it runs, its result after.
  kfuzz.py drive --seed S --dir D [--ops N] [--seconds T]
                 [--workers w0,w1,w2] [--module coap.ko] [--no-final]
      the workers in parallel: w0 and w1 root in the initial namespaces,
      w2 an unprivileged user (65534) as root of a fresh user and network
      namespace (unshare -Urn); then module unload and reload while a last
      worker (netlink, adopted sockets, datagrams) is running.

Operations are drawn from the seed only, never from what the kernel
answered, so a seed replays the same operation lists (what the kernel does
with them may still differ from run to run: timers, interleaving).  Kernel
answers (errno values, short reads) are results, recorded; a Python
exception is a defect of this fuzzer and ends the run with status 1.

Reused: netlink encoding from tests/integration/nltool.py, CoAP encoding
from coaptool.py, socket constants from socktest.py.
"""
import argparse
import ctypes
import errno
import fcntl
import json
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
# the uapi header next to this file (a world-readable copy for w2), not
# the checkout the runner names
os.environ["KCOAP_TOP"] = os.path.join(HERE, "..", "..")
import nltool  # noqa: E402
from nltool import (ATTR, CMD, PARAM, NLA_F_NESTED, NLM_F_ACK,  # noqa: E402
                    NLM_F_DUMP, NLM_F_REQUEST, attr, sockaddr)
import coaptool  # noqa: E402
from coaptool import block_val, build, parse, pattern  # noqa: E402
from socktest import COAP_CMSG_ERROR, IPPROTO_COAP, SOL_COAP  # noqa: E402

# ---- what the operations draw from ------------------------------------------

EP_PORTS = [5700, 5701, 5702, 5703, 5704, 5705]
CS_PORTS = [5710, 5711, 5712, 5713, 5714]
CLOSED_PORT = 9             # nothing listens: ICMP port unreachable
EP_HOSTS = ["127.0.0.1", "::1", "0.0.0.0", "::", "127.0.0.2",
            "::ffff:127.0.0.1"]
PATHS = ["/r0", "/r1", "/r2", "/a/b", "/a/b/c", "/obs0", "/obs1", "/obs2",
         "/big", "/q/x"]
ODD_PATHS = [b"/", b"", b"r0", b"//x", b"/x/", b"/./x", b"/../x", b"/x/..",
             b"/\xff\xfe", b"/x y", b"/a\x01b", b"/" + b"s" * 254,
             b"/" + b"s" * 255, b"/.well-known/core", b"/%2e%2e",
             b"/" + b"/".join([b"z"] * 100)]
TOKENS = [b"", b"\x01", b"\x01\x02", b"tok", b"\xaa" * 8]
NSLOTS_GENL, NSLOTS_CS, NSLOTS_RAW, NSLOTS_ADOPT = 3, 5, 12, 4
PAYLOAD_SIZES = [0, 1, 7, 100, 512, 1023, 1024, 1025, 2000, 3000, 4096, 6000]
PARAM_RANGES = {       # enum coap_param_attr: (min, max) of each
    "ack_timeout_ms": (10, 60000), "ack_random_factor": (1000, 4000),
    "max_retransmit": (0, 10), "nstart": (1, 32),
    "default_leisure_ms": (0, 60000), "probing_rate": (1, 1000000),
    "max_latency_ms": (1, 300000), "ack_delay_ms": (0, 59999)}
SO_RANGES = [None, (10, 60000), (1000, 4000), (0, 10), (1, 32), (0, 60000),
             (1, 1000000), (1, 300000), (0, 59999), (0, 1), None]
SOL_UDP, SOL_IP, SOL_IPV6 = 17, 0, 41
# (level, option, values): SOL_UDP includes UDP_ENCAP (100), which on a
# CoAP or adopted socket must be refused or harmless
SOCK_OPTS = [
    (SOL_UDP, 1, [0, 1]),                   # UDP_CORK
    (SOL_UDP, 100, [0, 1, 2, 3, 4, 5, 6, 7]),  # UDP_ENCAP
    (SOL_UDP, 101, [0, 1]), (SOL_UDP, 102, [0, 1]),  # NO_CHECK6_TX/RX
    (SOL_UDP, 103, [0, 100, 1400, 65535]),  # UDP_SEGMENT
    (SOL_UDP, 104, [0, 1]),                 # UDP_GRO
    (SOL_IP, 1, [0, 0x10, 0xff]),           # IP_TOS
    (SOL_IP, 2, [1, 64, 255]),              # IP_TTL
    (SOL_IP, 8, [0, 1]),                    # IP_PKTINFO
    (SOL_IP, 10, [0, 1, 2, 3]),             # IP_MTU_DISCOVER
    (SOL_IP, 11, [0, 1]),                   # IP_RECVERR
    (SOL_IP, 15, [0, 1]),                   # IP_FREEBIND
    (SOL_IPV6, 23, [0, 1, 2]),              # IPV6_MTU_DISCOVER
    (SOL_IPV6, 25, [0, 1]),                 # IPV6_RECVERR
    (SOL_IPV6, 26, [0, 1]),                 # IPV6_V6ONLY
    (SOL_IPV6, 49, [0, 1]),                 # IPV6_RECVPKTINFO
    (socket.SOL_SOCKET, socket.SO_RCVBUF, [0, 256, 2048, 1 << 20]),
    (socket.SOL_SOCKET, socket.SO_SNDBUF, [0, 256, 4096]),
    (socket.SOL_SOCKET, socket.SO_REUSEADDR, [0, 1]),
    (socket.SOL_SOCKET, socket.SO_REUSEPORT, [0, 1]),
    (socket.SOL_SOCKET, 29, [0, 1]),        # SO_TIMESTAMP
    (socket.SOL_SOCKET, 12, [0, 6, 7]),     # SO_PRIORITY
    (socket.SOL_SOCKET, 60, [0, 1]),        # SO_ZEROCOPY
]
MODULE_PARAMS = {      # documented ranges, and values beyond them
    "request_timeout_ms": [50, 200, 5000], "max_pending": [1, 4, 256],
    "max_dedup": [1, 16, 8192], "max_dedup_per_peer": [1, 4, 256],
    "max_observers": [1, 2, 1024], "max_observers_net": [1, 8, 65536],
    "notify_con_every": [1, 2, 20, 255], "max_sock_requests": [1, 3, 256],
    "block_szx": [0, 2, 6], "block_timeout_ms": [0, 100, 2000],
    "block1_max_buffers": [0, 1, 64], "block1_max_body": [16, 1024, 16384],
    "block2_cache_max": [0, 1, 64], "max_resources": [1, 5, 100000],
}
PARAM_BEYOND = {"notify_con_every": [0, 256], "block_szx": [7, 8],
                "block1_max_body": [65000, 65001, 0]}
MUT = 0.15              # fraction of operations that are deliberately wrong

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def errname(e):
    if isinstance(e, socket.timeout):
        return "timeout"
    return errno.errorcode.get(e.errno, "E%s" % e.errno)


def lo_up():
    """ip link set lo up, by ioctl."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifr = struct.pack("16sH14x", b"lo", 0)
    flags = struct.unpack("16sH14x", fcntl.ioctl(s, 0x8913, ifr))[1]
    fcntl.ioctl(s, 0x8914, struct.pack("16sH14x", b"lo", flags | 1))
    s.close()


def host_for(fam, v4mapped=False):
    if fam == socket.AF_INET:
        return "127.0.0.1"
    return "::ffff:127.0.0.1" if v4mapped else "::1"


def sa_raw(host, port, scope=0):
    b = sockaddr(host, port)
    if scope and len(b) == 28:
        b = b[:24] + struct.pack("=I", scope)
    return b


class Fatal(Exception):
    """A defect of the fuzzer (or a child that crashed): end the run."""


# ---- the worker --------------------------------------------------------------

class Worker:
    def __init__(self, name, seed, logfd, ops, seconds, netns=False,
                 final=False, priv=False, child=False, skip=()):
        self.name = name
        self.rng = random.Random("%s:%s" % (seed, name))
        self.seed = seed
        self.logfd = logfd
        self.max_ops = ops
        self.seconds = seconds
        self.netns = netns          # own namespace: no load-time endpoints
        self.final = final          # module may go away: no CoAP sockets
        self.priv = priv            # may write module parameters, tracing
        self.child = child
        widx = sum(name.encode()) % 8
        self.raw_base = 41000 + widx * 32
        # w0 and w1 share a namespace: each mostly uses paths and ports of
        # its own, and sometimes the shared ones (EEXIST, EPERM, EADDRINUSE)
        if name in ("w0", "w1"):
            self.paths = ["/" + name + p for p in PATHS]
            half = len(EP_PORTS) // 2
            self.ports = EP_PORTS[:half] if name == "w0" else EP_PORTS[half:]
        else:
            self.paths, self.ports = PATHS, EP_PORTS
        self.obs_paths = [p for p in self.paths if "/obs" in p]
        self.big_path = [p for p in self.paths if p.endswith("/big")][0]
        # generation-side model: what this sequence asked for (not what
        # the kernel did), so that generation depends on the seed alone
        self.m_paths = {}           # path -> genl slot that added it
        self.m_eps = []
        self.m_cs = set()           # CoAP socket slots opened
        self.m_adopt = set()        # adopted socket slots held
        self.m_raw = set()          # raw socket slots used
        self.m_children = 0
        # execution-side state
        self.genl = [None] * NSLOTS_GENL
        self.pend = [[] for _ in range(NSLOTS_GENL)]
        self.answered = []
        self.cs = [None] * NSLOTS_CS
        self.cs_reqs = [[] for _ in range(NSLOTS_CS)]
        self.raw = [None] * NSLOTS_RAW
        self.raw_seen = [None] * NSLOTS_RAW     # last CON/response seen
        self.adopted = [None] * NSLOTS_ADOPT
        self.hist = {}
        self.nops = 0
        weights = {
            "nl_ep_add": 4, "nl_ep_del": 2, "nl_ep_set": 3, "nl_adopt": 2,
            "adopted_op": 3, "nl_res_add": 6, "nl_res_del": 3,
            "nl_publish": 8, "daemon_poll": 7, "daemon_answer": 8,
            "daemon_close": 0.5, "nl_dump": 2, "nl_raw": 4,
            "cs_open": 3, "cs_opt": 5, "cs_getopt": 2, "cs_send": 10,
            "cs_recv": 8, "cs_answer": 4, "cs_connect": 1, "cs_close": 2,
            "cs_poll": 1, "raw_send": 35, "raw_drain": 8, "raw_rebind": 2,
            "netns_child": 1, "sleep": 2, "param": 1, "trace": 1,
            "proc": 1,
        }
        if final:
            for k in list(weights):
                if k.startswith("cs_"):
                    del weights[k]
        if final or child:
            weights.pop("netns_child", None)
        if not priv:
            weights.pop("param", None)
            weights.pop("trace", None)
        self.skip = skip
        for k in skip:
            weights.pop(k, None)
        self.ops = sorted(weights)
        self.weights = [weights[k] for k in self.ops]

    # -- logging --

    def log(self, obj):
        def enc(o):
            if isinstance(o, (bytes, bytearray)):
                return "h:" + (o[:48].hex() + ("..%d" % len(o)
                               if len(o) > 48 else ""))
            return str(o)
        os.write(self.logfd, (json.dumps(obj, default=enc,
                                         separators=(",", ":")) +
                              "\n").encode())

    def run(self):
        t0 = time.time()
        self.deadline = t0 + self.seconds
        for n in range(self.max_ops):
            if time.time() - t0 > self.seconds:
                break
            op = self.rng.choices(self.ops, self.weights)[0]
            args = getattr(self, "g_" + op)(self.rng)
            tag = "%s.%d" % (self.name, n)
            self.log({"n": tag, "op": op, "a": args})
            os.fsync(self.logfd)    # on the host before the kernel sees it
            t = time.time()
            try:
                res = getattr(self, "x_" + op)(args)
            except OSError as e:
                res = errname(e)
            self.log({"n": tag, "r": res, "t": round(time.time() - t, 3)})
            h = self.hist.setdefault(op, {})
            k = res if isinstance(res, str) and res.isupper() else "ok"
            h[k] = h.get(k, 0) + 1
            self.nops += 1
        return time.time() - t0

    # -- helpers --

    def g_slot(self, r, n):
        return r.randrange(n)

    def genl_sock(self, slot):
        g = self.genl[slot]
        if g is None:
            try:
                g = nltool.Genl()
            except SystemExit:          # no "coap" family (module gone)
                return None
            g.s.settimeout(3)
            self.genl[slot] = g
            self.pend[slot] = []
        return g

    def nl(self, slot, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK):
        g = self.genl_sock(slot)
        if g is None:
            return "nofamily"
        seq = g.send(g.fam, cmd, payload, flags)
        try:
            err, msg, replies = g.wait(seq)
        except (KeyError, IndexError, struct.error) as e:
            # nltool could not decode what the kernel sent: worth a look,
            # but a result of the kernel's, not a defect here
            return "UNDECODABLE:%r" % e
        if err:
            return errno.errorcode.get(err, "E%d" % err)
        return "ok" if not replies else "ok:%d" % len(replies)

    def target(self, r, fam=False):
        """(port, v4-mapped) of something to send to: mostly an endpoint
        this sequence opened (or the load-time one); with fam, also the
        address family that reaches it ("4" or "6")."""
        x = r.random()
        f = r.choice("46")
        if self.m_eps and x < (0.4 if not self.netns else 0.8):
            host, port = r.choice(self.m_eps)
            port = port or 5683
            f = "6" if ":" in host and "ffff" not in host else "4"
        elif not self.netns and x < 0.8:
            port = 5683
        else:
            port = r.choice(EP_PORTS + CS_PORTS + [CLOSED_PORT])
        mapped = r.random() < 0.1
        if fam:
            return (port, mapped and f == "4"), f
        return port, mapped

    def port(self, r):
        return r.choice(self.ports) if r.random() > MUT else \
            r.choice(EP_PORTS)

    def cs_slot(self, r):
        if self.m_cs and r.random() < 0.85:
            return r.choice(sorted(self.m_cs))
        return r.randrange(NSLOTS_CS)

    def adopt_slot(self, r):
        if self.m_adopt and r.random() < 0.85:
            return r.choice(sorted(self.m_adopt))
        return r.randrange(NSLOTS_ADOPT)

    # -- netlink: endpoints --

    def g_nl_ep_add(self, r):
        a = {"slot": r.randrange(NSLOTS_GENL), "host": r.choice(EP_HOSTS),
             "port": self.port(r) if r.random() < 0.95 else 0,
             "mut": None}
        if r.random() < MUT:
            a["mut"] = r.choice(["short", "long", "family", "both", "none",
                                 "scope", "nonlocal", "u16"])
        else:
            self.m_eps.append((a["host"], a["port"]))
        return a

    def x_nl_ep_add(self, a):
        host, mut = a["host"], a["mut"]
        if mut == "nonlocal":
            host = "192.0.2.1" if ":" not in host else "2001:db8::1"
        b = sa_raw(host, a["port"], 1 if mut == "scope" else 0)
        if mut == "short":
            b = b[:len(b) - 1]
        elif mut == "long":
            b = b + b"\0" * 12
        elif mut == "family":
            b = struct.pack("=H", socket.AF_UNIX) + b[2:]
        elif mut == "u16":
            b = b[:2]
        p = attr(ATTR["addr"], b)
        if mut == "both":
            p += attr(ATTR["fd"], struct.pack("I", 0))
        elif mut == "none":
            p = b""
        return self.nl(a["slot"], CMD["endpoint_add"], p)

    def g_nl_ep_del(self, r):
        if self.m_eps and r.random() < 0.8:
            host, port = r.choice(self.m_eps)
        else:
            host, port = r.choice(EP_HOSTS), r.choice(EP_PORTS + [5683, 0])
        if (host, port) in self.m_eps and r.random() < 0.8:
            self.m_eps.remove((host, port))
        return {"slot": r.randrange(NSLOTS_GENL), "host": host, "port": port}

    def x_nl_ep_del(self, a):
        return self.nl(a["slot"], CMD["endpoint_del"],
                       attr(ATTR["addr"], sa_raw(a["host"], a["port"])))

    def g_nl_ep_set(self, r):
        params = []
        for name in r.sample(sorted(PARAM_RANGES), r.randrange(1, 4)):
            lo, hi = PARAM_RANGES[name]
            if r.random() < MUT / 3:
                v = r.choice([lo - 1, hi + 1, 0, 0xffffffff])
            elif r.random() < 0.5:
                v = r.choice([lo, hi, lo + 1])
            else:
                v = r.randint(lo, min(hi, lo + 3000))
            params.append((PARAM[name], max(0, v)))
        if self.m_eps and r.random() < 0.8:
            host, port = r.choice(self.m_eps)
        else:
            host, port = r.choice(EP_HOSTS), r.choice(EP_PORTS + [5683])
        a = {"slot": r.randrange(NSLOTS_GENL), "host": host, "port": port,
             "params": params, "mut": None}
        if r.random() < MUT:
            a["mut"] = r.choice(["u16", "unknown", "flat", "noaddr",
                                 "noparams"])
        return a

    def x_nl_ep_set(self, a):
        inner = b""
        for t, v in a["params"]:
            inner += attr(t, struct.pack("H", v & 0xffff) if a["mut"] == "u16"
                          else struct.pack("I", v))
        if a["mut"] == "unknown":
            inner += attr(len(PARAM) + 2, struct.pack("I", 1))
        ptype = ATTR["params"] | (0 if a["mut"] == "flat" else NLA_F_NESTED)
        p = attr(ptype, inner)
        if a["mut"] == "noparams":
            p = b""
        if a["mut"] != "noaddr":
            p = attr(ATTR["addr"], sa_raw(a["host"], a["port"])) + p
        return self.nl(a["slot"], CMD["endpoint_set"], p)

    # -- netlink: adopted UDP sockets --

    def g_nl_adopt(self, r):
        a = {"slot": r.randrange(NSLOTS_ADOPT), "gslot":
             r.randrange(NSLOTS_GENL),
             "fam": r.choice(["4", "6"]), "port": self.port(r),
             "mut": None}
        if r.random() < 2 * MUT:
            a["mut"] = r.choice(["unbound", "coapsock", "tcp", "netlink",
                                 "badfd", "connected", "again", "reuseport",
                                 "v6only0"])
        if a["mut"] not in ("coapsock", "netlink", "badfd", "again"):
            self.m_adopt.add(a["slot"])
            if a["mut"] is None:
                host = "127.0.0.1" if a["fam"] == "4" else "::1"
                self.m_eps.append((host, a["port"]))
        return a

    def x_nl_adopt(self, a):
        mut = a["mut"]
        fam = socket.AF_INET if a["fam"] == "4" else socket.AF_INET6
        host = host_for(fam)
        fd, keep = None, None
        if mut == "again":
            cur = self.adopted[a["slot"]]
            if cur is None:
                return "noslot"
            fd = cur.fileno()
        elif mut == "coapsock":
            cs = self.cs[a["slot"] % NSLOTS_CS]
            if cs is None:
                return "noslot"
            fd = cs.fileno()
        elif mut == "netlink":
            g = self.genl_sock(a["gslot"])
            fd = g.s.fileno() if g else 0
        elif mut == "badfd":
            fd = 1000 + a["port"]
        else:
            kind = socket.SOCK_STREAM if mut == "tcp" else socket.SOCK_DGRAM
            s = socket.socket(fam, kind)
            s.setblocking(False)
            try:
                if mut == "reuseport":
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                if mut == "v6only0" and fam == socket.AF_INET6:
                    s.setsockopt(SOL_IPV6, 26, 0)
                    host = "::"
                if mut != "unbound":
                    s.bind((host, a["port"]))
                if mut == "connected":
                    s.connect((host, CLOSED_PORT))
            except OSError as e:
                s.close()
                return "bind:" + errname(e)
            fd, keep = s.fileno(), s
        res = self.nl(a["gslot"], CMD["endpoint_add"],
                      attr(ATTR["fd"], struct.pack("I", fd)))
        if keep is not None:
            old = self.adopted[a["slot"]]
            if old is not None:
                old.close()
            self.adopted[a["slot"]] = keep
        return res

    def g_adopted_op(self, r):
        what = r.choice(["close", "close", "encap", "send", "recv",
                         "shutdown", "connect", "opt", "del"])
        a = {"slot": self.adopt_slot(r), "what": what,
             "gslot": r.randrange(NSLOTS_GENL)}
        if what == "close":
            self.m_adopt.discard(a["slot"])
        if what == "encap":
            a["val"] = r.choice([0, 1, 2, 3, 4, 5, 6])
        elif what == "send":
            a["dst"] = self.target(r)
            a["data"] = build(r.randrange(4), r.choice([0, 1, 0x45]),
                              r.randrange(65536), r.choice(TOKENS),
                              [(11, b"r0")])
        elif what == "opt":
            a["opt"] = r.randrange(len(SOCK_OPTS))
            a["val"] = r.choice(SOCK_OPTS[a["opt"]][2])
        return a

    def x_adopted_op(self, a):
        s = self.adopted[a["slot"]]
        if s is None:
            return "noslot"
        w = a["what"]
        if w == "close":
            s.close()
            self.adopted[a["slot"]] = None
            return "ok"
        if w == "encap":
            s.setsockopt(SOL_UDP, 100, a["val"])
        elif w == "send":
            port, mapped = a["dst"]
            s.sendto(a["data"], (host_for(s.family, mapped), port))
        elif w == "recv":
            n = 0
            while n < 16:
                try:
                    s.recv(2048, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                n += 1
            return "n=%d" % n
        elif w == "shutdown":
            s.shutdown(socket.SHUT_RDWR)
        elif w == "connect":
            s.connect((host_for(s.family), CLOSED_PORT))
        elif w == "opt":
            lvl, opt, _ = SOCK_OPTS[a["opt"]]
            s.setsockopt(lvl, opt, a["val"])
        elif w == "del":
            try:
                name = s.getsockname()
            except OSError as e:
                return errname(e)
            return self.nl(a["gslot"], CMD["endpoint_del"],
                           attr(ATTR["addr"], sa_raw(name[0], name[1])))
        return "ok"

    # -- netlink: resources and daemons --

    def g_path(self, r, owned_bias=0.8):
        if r.random() < MUT / 2:
            return r.choice(ODD_PATHS)
        if self.m_paths and r.random() < owned_bias:
            return r.choice(sorted(self.m_paths))
        return r.choice(self.paths if r.random() > MUT else PATHS)

    def path_attr(self, path, mut=None):
        b = path.encode() if isinstance(path, str) else path
        if mut == "nonul":
            return attr(ATTR["path"], b)
        if mut == "innernul":
            return attr(ATTR["path"], b[:2] + b"\0" + b[2:] + b"\0")
        return attr(ATTR["path"], b + b"\0")

    def g_nl_res_add(self, r):
        free = [p for p in self.paths if p not in self.m_paths]
        if free and r.random() < 0.8:
            path = r.choice(free)
        else:
            path = self.g_path(r, owned_bias=0.1)
        slot = r.randrange(NSLOTS_GENL)
        obs = isinstance(path, str) and "/obs" in path or r.random() < 0.1
        a = {"slot": slot, "path": path, "obs": obs,
             "methods": r.choice([None, 0x2, 0xe, 0xe, 0x1e, 0xfe]),
             "rt": r.choice([None, "temp", "x" * 127]),
             "ct": r.choice([None, 0, 40, 65535]),
             "sz": r.choice([None, 0, 5000]),
             "notify": r.choice([None, None, 1, 2, 255]) if obs else None,
             "mut": None}
        if r.random() < MUT:
            a["mut"] = r.choice(["nonul", "innernul", "methods0",
                                 "methodsbad", "quote", "rtlong", "notify0",
                                 "notify256", "ctu32", "nopath",
                                 "unknown", "flagdata"])
        elif isinstance(path, str):
            self.m_paths[path] = slot
        return a

    def x_nl_res_add(self, a):
        mut = a["mut"]
        p = b"" if mut == "nopath" else self.path_attr(a["path"], mut)
        meth = a["methods"]
        if mut == "methods0":
            meth = 0
        elif mut == "methodsbad":
            meth = 0x101
        if meth is not None:
            p += attr(ATTR["methods"], struct.pack("I", meth))
        rt = a["rt"]
        if mut == "quote":
            rt = 'a"b\\'
        elif mut == "rtlong":
            rt = "y" * 128
        if rt is not None:
            p += attr(ATTR["rt"], rt.encode() + b"\0")
        if a["ct"] is not None:
            p += attr(ATTR["ct"], struct.pack("I" if mut == "ctu32" else "H",
                                              a["ct"]))
        if a["sz"] is not None:
            p += attr(ATTR["sz"], struct.pack("I", a["sz"]))
        if a["obs"]:
            p += attr(ATTR["observable"], b"x" if mut == "flagdata" else b"")
        nc = {"notify0": 0, "notify256": 256}.get(mut, a["notify"])
        if nc is not None:
            p += attr(ATTR["notify_con"], struct.pack("I", nc))
        if mut == "unknown":
            p += attr(len(ATTR) + 3, b"abcd")
        return self.nl(a["slot"], CMD["resource_add"], p)

    def g_nl_res_del(self, r):
        path = self.g_path(r)
        slot = self.m_paths.get(path, r.randrange(NSLOTS_GENL)) \
            if r.random() < 0.8 else r.randrange(NSLOTS_GENL)
        if isinstance(path, str) and self.m_paths.get(path) == slot:
            del self.m_paths[path]
        return {"slot": slot, "path": path}

    def x_nl_res_del(self, a):
        return self.nl(a["slot"], CMD["resource_del"],
                       self.path_attr(a["path"]))

    def g_nl_publish(self, r):
        path = self.g_path(r)
        slot = self.m_paths.get(path, 0) if r.random() < 0.85 \
            else r.randrange(NSLOTS_GENL)
        a = {"slot": slot, "path": path,
             "size": None if r.random() < 0.1 else r.choice(PAYLOAD_SIZES),
             "ct": r.choice([None, 0, 42, 50, 60, 1000, 65535]),
             "max_age": r.choice([None, 0, 1, 60, 0xffffffff]),
             "etag": r.choice([None, None, 1, 4, 8]), "mut": None,
             "fill": r.randrange(256)}
        if path == self.big_path and a["size"] is not None:
            a["size"] = r.choice([1025, 3000, 6000, 20000])
        if r.random() < MUT:
            a["mut"] = r.choice(["etag0", "etag9", "huge", "ctu8",
                                 "maxageu16", "nopath"])
        return a

    def x_nl_publish(self, a):
        mut = a["mut"]
        p = b"" if mut == "nopath" else self.path_attr(a["path"])
        size = 65001 if mut == "huge" else a["size"]
        if size is not None:
            body = pattern(size) if a["fill"] < 128 else \
                bytes([a["fill"]]) * size
            p += attr(ATTR["payload"], body)
        if a["ct"] is not None:
            p += attr(ATTR["content_format"],
                      struct.pack("B" if mut == "ctu8" else "H",
                                  a["ct"] & 0xff if mut == "ctu8" else a["ct"]))
        if a["max_age"] is not None:
            p += attr(ATTR["max_age"],
                      struct.pack("H", 1) if mut == "maxageu16" else
                      struct.pack("I", a["max_age"]))
        etag = {"etag0": 0, "etag9": 9}.get(mut, a["etag"])
        if etag is not None:
            p += attr(ATTR["etag"], bytes(range(1, etag + 1)))
        return self.nl(a["slot"], CMD["publish"], p)

    def g_daemon_poll(self, r):
        return {"slot": r.randrange(NSLOTS_GENL),
                "wait": r.choice([0, 0, 0.01, 0.05, 0.2])}

    def collect(self, slot, body):
        if body[0] == CMD["request"]:
            try:
                req = nltool.decode(nltool.parse_attrs(body[4:]))
            except (KeyError, IndexError, struct.error):
                return 0
            if "handle" not in req:
                return 0
            self.pend[slot].append(req["handle"])
            del self.pend[slot][:-64]       # the rest: never answered
            return 1
        return 0

    def x_daemon_poll(self, a):
        slot = a["slot"]
        g = self.genl[slot]
        if g is None:
            return "nosock"
        n = 0
        while g.backlog:
            n += self.collect(slot, g.backlog.pop(0))
        end = time.time() + a["wait"]
        for _ in range(256):
            r, _, _ = select.select([g.s], [], [], max(0, end - time.time()))
            if not r:
                break
            data = g.s.recv(1 << 20, socket.MSG_DONTWAIT)
            for typ, flags, seq, body in g.messages(data):
                if typ == g.fam and seq == 0:
                    n += self.collect(slot, body)
        return "req=%d pend=%d" % (n, len(self.pend[slot]))

    def g_daemon_answer(self, r):
        a = {"slot": r.randrange(NSLOTS_GENL), "pick": r.randrange(1 << 16),
             "keep": r.random() < 0.1,
             "code": r.choice([0x45, 0x45, 0x44, 0x41, 0x84, 0xa0, 0xa3]),
             "size": r.choice([None, 0, 5, 100, 1024, 1025, 3000, 8000]),
             "opts": r.choice([None, None, None, "locpath", "huge", "bigval",
                               "block2", "observe", "random", "etag"]),
             "ct": r.choice([None, 0, 50]),
             "max_age": r.choice([None, 0, 30]),
             "etag": r.choice([None, None, 2]),
             "mut": None, "optseed": r.randrange(1 << 30)}
        if r.random() < MUT:
            a["mut"] = r.choice(["stale", "wrongsock", "code0", "code_hi",
                                 "nohandle", "nocode", "handleu32",
                                 "twice", "badnest", "optnonum",
                                 "optu8"])
        return a

    def options_attr(self, kind, seed, mut):
        r = random.Random(seed)
        opts = []
        if kind == "locpath":
            opts = [(8, b"loc"), (8, b"x" * r.randrange(1, 40))]
        elif kind == "huge":
            opts = [(r.choice([8, 15, 20, 2048, 65000]), b"v" *
                     r.randrange(4)) for _ in range(r.randrange(50, 400))]
        elif kind == "bigval":
            opts = [(8, b"L" * r.choice([270, 1000, 3000, 65000]))]
        elif kind == "block2":
            opts = [(23, block_val(r.randrange(8), r.random() < 0.5,
                                   r.randrange(8)))]
        elif kind == "observe":
            opts = [(6, r.randrange(1 << 24).to_bytes(3, "big"))]
        elif kind == "random":
            opts = [(r.randrange(65536), bytes(r.randrange(256) for _ in
                                               range(r.randrange(20))))
                    for _ in range(r.randrange(1, 10))]
        elif kind == "etag":
            opts = [(4, b"\x01\x02")]
        inner = b""
        for num, val in opts:
            if mut == "optnonum":
                e = attr(2, val)
            elif mut == "optu8":
                e = attr(1, struct.pack("B", num & 0xff)) + attr(2, val)
            else:
                e = attr(1, struct.pack("H", num)) + attr(2, val)
            inner += attr(1 | (0 if mut == "badnest" else NLA_F_NESTED), e)
        if mut == "badnest" and not opts:
            inner = b"\x05\x00"
        return attr(ATTR["options"] | NLA_F_NESTED, inner) if \
            (opts or mut == "badnest") else b""

    def x_daemon_answer(self, a):
        slot, mut = a["slot"], a["mut"]
        for k in range(NSLOTS_GENL):    # what has arrived by now
            if self.genl[k] is not None:
                self.x_daemon_poll({"slot": k, "wait": 0})
        for k in range(NSLOTS_GENL):    # the first daemon with requests
            if self.pend[(slot + k) % NSLOTS_GENL]:
                slot = (slot + k) % NSLOTS_GENL
                break
        pend = self.pend[slot]
        if mut == "stale" or (not pend and self.answered and a["keep"]):
            if not self.answered:
                return "nostale"
            handle = self.answered[a["pick"] % len(self.answered)]
        elif pend:
            i = a["pick"] % len(pend)
            handle = pend[i] if a["keep"] else pend.pop(i)
        else:
            return "nopending"
        self.answered = (self.answered + [handle])[-8:]
        if mut == "wrongsock":
            slot = (slot + 1) % NSLOTS_GENL
        code = {"code0": 0, "code_hi": 0xc0}.get(mut, a["code"])
        p = b""
        if mut != "nohandle":
            p += attr(ATTR["handle"], struct.pack(
                "I" if mut == "handleu32" else "Q", handle & 0xffffffff
                if mut == "handleu32" else handle))
        if mut != "nocode":
            p += attr(ATTR["code"], struct.pack("B", code))
        if a["size"] is not None:
            p += attr(ATTR["payload"], pattern(a["size"]))
        if a["ct"] is not None:
            p += attr(ATTR["content_format"], struct.pack("H", a["ct"]))
        if a["max_age"] is not None:
            p += attr(ATTR["max_age"], struct.pack("I", a["max_age"]))
        if a["etag"]:
            p += attr(ATTR["etag"], b"\xee" * a["etag"])
        p += self.options_attr(a["opts"], a["optseed"], mut)
        res = self.nl(slot, CMD["response"], p)
        if mut == "twice":
            res += "," + self.nl(slot, CMD["response"], p)
        return res

    def g_daemon_close(self, r):
        slot = r.randrange(NSLOTS_GENL)
        # its resources go with it
        for p in [p for p, k in self.m_paths.items() if k == slot]:
            del self.m_paths[p]
        return {"slot": slot}

    def x_daemon_close(self, a):
        g = self.genl[a["slot"]]
        if g is None:
            return "nosock"
        g.s.close()
        self.genl[a["slot"]] = None
        self.pend[a["slot"]] = []
        return "ok"

    def g_nl_dump(self, r):
        return {"slot": r.randrange(NSLOTS_GENL),
                "cmd": r.choice(["endpoint_get", "resource_get",
                                 "stats_get", "stats_get", "publish",
                                 "endpoint_add"]),
                "dump": r.random() < 0.7}

    def x_nl_dump(self, a):
        flags = NLM_F_REQUEST | NLM_F_ACK
        if a["dump"]:
            flags |= NLM_F_DUMP
        return self.nl(a["slot"], CMD[a["cmd"]], b"", flags)

    def g_rand_attr(self, r, depth=0):
        t = r.randrange(len(ATTR) + 3)
        shape = r.randrange(8)
        if shape == 0:
            v = b""
        elif shape == 1:
            v = struct.pack(r.choice(["B", "H", "I", "Q"]),
                            r.randrange(256))
        elif shape == 2:
            v = r.choice(self.paths).encode() + b"\0"
        elif shape == 3:
            v = sa_raw(r.choice(["127.0.0.1", "::1"]), r.choice(EP_PORTS))
        elif shape == 4 and depth < 2:
            v = b"".join(self.g_rand_attr(r, depth + 1)
                         for _ in range(r.randrange(4)))
            t |= NLA_F_NESTED
        elif shape == 5:
            v = bytes([r.randrange(256)]) * r.choice([3, 100, 1000, 70000])
        else:
            v = bytes(r.randrange(256) for _ in range(r.randrange(40)))
        if len(v) > 65531:
            v = v[:65531]
        return attr(t, v)

    def g_nl_raw(self, r):
        attrs = b"".join(self.g_rand_attr(r) for _ in range(r.randrange(6)))
        return {"slot": r.randrange(NSLOTS_GENL),
                "cmd": r.randrange(CMD["observers"] + 4),
                "version": r.choice([1, 1, 0, 2, 255]),
                "flags": NLM_F_REQUEST | NLM_F_ACK |
                (NLM_F_DUMP if r.random() < 0.2 else 0),
                "attrs": attrs, "lenmut": r.choice([0] * 8 + [-1, -4, 3])}

    def x_nl_raw(self, a):
        g = self.genl_sock(a["slot"])
        if g is None:
            return "nofamily"
        g.seq += 1
        body = struct.pack("BBH", a["cmd"], a["version"], 0) + a["attrs"]
        ln = 16 + len(body) + a["lenmut"]
        msg = struct.pack("IHHII", max(ln, 0), g.fam, a["flags"], g.seq, 0) \
            + body
        g.s.send(msg)
        old = g.s.gettimeout()
        g.s.settimeout(0.5)
        try:
            err, msg, replies = g.wait(g.seq)
        except socket.timeout:
            return "noack"
        finally:
            g.s.settimeout(old)
        return errno.errorcode.get(err, "ok") if err else "ok"

    # -- CoAP sockets --

    def g_cs_open(self, r):
        slot = r.randrange(NSLOTS_CS)
        self.m_cs.add(slot)
        return {"slot": slot, "fam": r.choice(["4", "6"]),
                "bind": r.choice([None, None] + CS_PORTS),
                "connect": self.target(r) if r.random() < 0.3 else None,
                "fast": r.random() < 0.6}

    def x_cs_open(self, a):
        slot = a["slot"]
        if self.cs[slot] is not None:
            self.cs[slot].close()
            self.cs[slot] = None
        fam = socket.AF_INET if a["fam"] == "4" else socket.AF_INET6
        s = socket.socket(fam, socket.SOCK_DGRAM, IPPROTO_COAP)
        self.cs[slot] = s
        self.cs_reqs[slot] = []
        tv = struct.pack("ll", 0, 200000)       # blocking, bounded
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, tv)
        res = []
        if a["fast"]:
            for opt, val in ((8, 50), (1, 100), (3, 2), (7, 500)):
                s.setsockopt(SOL_COAP, opt, val)
        if a["bind"]:
            try:
                s.bind((host_for(fam) if fam == socket.AF_INET else "::",
                        a["bind"]))
            except OSError as e:
                res.append("bind:" + errname(e))
        if a["connect"]:
            port, mapped = a["connect"]
            try:
                s.connect((host_for(fam, mapped), port))
            except OSError as e:
                res.append("connect:" + errname(e))
        return ",".join(res) or "ok"

    def g_cs_opt(self, r):
        a = {"slot": self.cs_slot(r)}
        if r.random() < 0.6:
            opt = r.randrange(0, 12)
            rng = SO_RANGES[opt] if opt < len(SO_RANGES) else None
            if rng and r.random() > MUT:
                v = r.choice([rng[0], rng[1], r.randint(*rng)])
            else:
                v = r.choice([-1, 0, 1, 2, 1 << 31, 0x7fffffff, 65536])
                v = v if v < (1 << 31) else -(1 << 31)
            a.update(level=SOL_COAP, opt=opt, val=v,
                     vlen=r.choice([4] * 9 + [1, 2, 8]))
        else:
            lvl, opt, vals = r.choice(SOCK_OPTS)
            a.update(level=lvl, opt=opt, val=r.choice(vals), vlen=4)
        return a

    def x_cs_opt(self, a):
        s = self.cs[a["slot"]]
        if s is None:
            return "noslot"
        v = struct.pack("i", a["val"])
        if a["vlen"] != 4:
            v = (v + b"\0" * 4)[:a["vlen"]]
        s.setsockopt(a["level"], a["opt"], v)
        return "ok"

    def g_cs_getopt(self, r):
        if r.random() < 0.7:
            lvl, opt = SOL_COAP, r.randrange(0, 12)
        else:
            lvl, opt, _ = r.choice(SOCK_OPTS)
        return {"slot": self.cs_slot(r), "level": lvl, "opt": opt,
                "len": r.choice([0, 1, 4, 4, 8, 72, 100])}

    def x_cs_getopt(self, a):
        s = self.cs[a["slot"]]
        if s is None:
            return "noslot"
        v = s.getsockopt(a["level"], a["opt"], a["len"]) if a["len"] else \
            s.getsockopt(a["level"], a["opt"])
        return "len=%d" % (len(v) if isinstance(v, bytes) else 4)

    def g_coap_request(self, r):
        """A request datagram (type, code, token, options, payload)."""
        kind = r.choice(["get", "get", "obs", "obs_cancel", "put", "post",
                         "block1", "block2", "wk", "manyopts", "oddpath",
                         "nonreq", "delete", "fetch"])
        if self.m_paths and r.random() < 0.7:
            path = r.choice(sorted(self.m_paths))
        else:
            path = r.choice(self.paths)
        uri = [(11, seg.encode()) for seg in path.split("/") if seg]
        tok = r.choice(TOKENS) if r.random() < 0.7 else \
            bytes(r.randrange(256) for _ in range(r.randrange(9)))
        mtype = 0 if r.random() < 0.7 else 1
        code, opts, payload = 1, list(uri), b""
        obs_uri = [(11, seg.encode()) for seg in
                   r.choice(self.obs_paths).split("/") if seg]
        if kind == "obs":
            opts = obs_uri + [(6, b"")]
            if r.random() < 0.3:
                opts.append((17, struct.pack("B", r.choice([0, 50]))))
        elif kind == "obs_cancel":
            opts = obs_uri + [(6, b"\x01")]
        elif kind in ("put", "post", "fetch"):
            code = {"put": 3, "post": 2, "fetch": 5}[kind]
            payload = pattern(r.choice([1, 10, 200, 1100]))
            if r.random() < 0.3:
                opts.append((12, b"\x32"))
        elif kind == "delete":
            code = 4
        elif kind == "block1":
            code = r.choice([2, 3])
            szx = r.randrange(7)
            num = 0 if r.random() < 0.6 else r.randrange(1, 20)
            more = r.random() < 0.8
            size = 16 << szx
            if r.random() < MUT:
                size = r.choice([0, size - 1, size + 1])
            opts.append((27, block_val(num, more, szx)))
            if r.random() < 0.2:
                opts.append((60, struct.pack(">I", r.choice([100, 70000]))))
            payload = pattern(size)
        elif kind == "block2":
            opts = [(11, seg.encode()) for seg in self.big_path.split("/")
                    if seg] if r.random() < 0.6 else list(uri)
            v = block_val(r.randrange(30), False, r.randrange(8))
            if r.random() < MUT:
                v = b"\x01\x02\x03\x04"
            opts.append((23, v))
            if r.random() < 0.3:
                opts.append((28, b""))
        elif kind == "wk":
            opts = [(11, b".well-known"), (11, b"core")]
            if r.random() < 0.5:
                opts.append((15, r.choice([b"rt=temp", b"href=/r*",
                                           b"obs", b"ct=40", b"x=" + b"y" *
                                           200])))
            if r.random() < 0.3:
                opts.append((23, block_val(r.randrange(4), False,
                                           r.randrange(7))))
        elif kind == "manyopts":
            n = r.randrange(20, 300)
            opts = opts + [(r.choice([15, 11, 2049, 9, 65000]), b"q" *
                            r.randrange(5)) for _ in range(n)]
        elif kind == "oddpath":
            opts = [(11, bytes(r.randrange(256) for _ in
                               range(r.randrange(6))))
                    for _ in range(r.randrange(1, 5))]
        elif kind == "nonreq":
            code = r.choice([0x08, 0x1f, 0x45])
        if r.random() < 0.1:
            opts.append((r.choice([1, 4, 5, 3, 7, 35, 39, 9]),
                         b"z" * r.randrange(4)))
        return kind, mtype, code, tok, opts, payload

    def g_cs_send(self, r):
        a = {"slot": self.cs_slot(r),
             "dst": None if r.random() < 0.15 else self.target(r),
             "flags": r.choice([0, 0, socket.MSG_DONTWAIT, socket.MSG_OOB,
                                socket.MSG_MORE, socket.MSG_CONFIRM]),
             "cmsg": r.random() < 0.1, "kind": None}
        x = r.random()
        if x < 0.6:
            kind, mtype, code, tok, opts, payload = self.g_coap_request(r)
            a["kind"] = kind
            a["data"] = build(mtype, code, r.randrange(65536), tok, opts,
                              payload)
        elif x < 0.75:
            a["kind"] = "resp"
            a["data"] = build(r.randrange(4), r.choice([0x45, 0x44, 0x84]),
                              r.randrange(65536), r.choice(TOKENS),
                              [], b"x" * r.randrange(10))
        elif x < 0.85:
            a["kind"] = "garbage"
            a["data"] = coaptool.mutate(r, coaptool.fuzz_seeds())
        elif x < 0.95:
            a["kind"] = r.choice(["ping", "rst", "ack"])
            t = {"ping": 0, "rst": 3, "ack": 2}[a["kind"]]
            a["data"] = build(t, 0, r.randrange(65536))
        else:
            a["kind"] = "huge"
            a["data"] = b"\x40\x01\x00\x01" + b"\xff" + b"h" * \
                r.choice([1500, 65000, 70000])
        return a

    def x_cs_send(self, a):
        s = self.cs[a["slot"]]
        if s is None:
            return "noslot"
        anc = []
        if a["cmsg"]:
            if s.family == socket.AF_INET:
                anc = [(SOL_IP, 2, struct.pack("i", 9))]    # IP_TTL
            else:
                anc = [(SOL_IPV6, 67, struct.pack("i", 9))]  # IPV6_TCLASS
            anc.append((SOL_COAP, COAP_CMSG_ERROR, b"\0" * 16))
        if a["dst"] is None:
            n = s.sendmsg([a["data"]], anc, a["flags"])
        else:
            port, mapped = a["dst"]
            n = s.sendmsg([a["data"]], anc, a["flags"],
                          (host_for(s.family, mapped), port))
        return "n=%d" % n

    def g_cs_recv(self, r):
        flags = 0
        for f, p in ((socket.MSG_DONTWAIT, 0.6), (socket.MSG_PEEK, 0.2),
                     (socket.MSG_ERRQUEUE, 0.3), (socket.MSG_TRUNC, 0.1),
                     (socket.MSG_WAITALL, 0.05)):
            if r.random() < p:
                flags |= f
        return {"slot": self.cs_slot(r), "flags": flags,
                "buf": r.choice([0, 1, 4, 16, 2048, 2048, 70000]),
                "anc": r.choice([0, 1, 16, 24, 256, 256])}

    def x_cs_recv(self, a):
        s = self.cs[a["slot"]]
        if s is None:
            return "noslot"
        data, anc, flags, addr = s.recvmsg(a["buf"], a["anc"], a["flags"])
        if not (a["flags"] & socket.MSG_ERRQUEUE) and len(data) >= 4:
            try:            # short buffers truncate: parse may fail
                m = parse(data)
            except (ValueError, IndexError):
                m = None
            if m and m["code"].startswith("0.") and m["code"] != "0.00" \
                    and m["type"] in ("CON", "NON"):
                self.cs_reqs[a["slot"]].append(
                    (addr, bytes.fromhex(m["token"])))
                del self.cs_reqs[a["slot"]][:-16]
        return "n=%d anc=%d f=%#x" % (len(data), len(anc), flags)

    def g_cs_answer(self, r):
        return {"slot": self.cs_slot(r), "pick": r.randrange(1 << 16),
                "code": r.choice([0x45, 0x44, 0x41, 0x84, 0xa0]),
                "type": r.randrange(4), "size": r.choice([0, 10, 1100]),
                "twice": r.random() < 0.1, "keep": r.random() < 0.1,
                "wrongtok": r.random() < MUT / 2,
                "opts": r.choice([[], [], [(12, b"\x00")],
                                  [(8, b"l")] * r.randrange(1, 80)])}

    def x_cs_answer(self, a):
        s = self.cs[a["slot"]]
        reqs = self.cs_reqs[a["slot"]]
        if s is None:
            return "noslot"
        for _ in range(8):      # what has arrived by now
            try:
                self.x_cs_recv({"slot": a["slot"], "buf": 2048, "anc": 0,
                                "flags": socket.MSG_DONTWAIT})
            except OSError:
                break
        if not reqs:
            return "nopending"
        i = a["pick"] % len(reqs)
        addr, tok = reqs[i] if a["keep"] else reqs.pop(i)
        if a["wrongtok"]:
            tok = b"\x99" + tok
        d = build(a["type"], a["code"], 0, tok[:8], a["opts"],
                  pattern(a["size"]))
        res = "n=%d" % s.sendto(d, addr)
        if a["twice"]:
            try:
                s.sendto(d, addr)
                res += ",again"
            except OSError as e:
                res += "," + errname(e)
        return res

    def g_cs_connect(self, r):
        return {"slot": self.cs_slot(r),
                "dst": self.target(r) if r.random() < 0.7 else None}

    def x_cs_connect(self, a):
        s = self.cs[a["slot"]]
        if s is None:
            return "noslot"
        if a["dst"] is None:        # connect(AF_UNSPEC): dissolve
            sa = struct.pack("=H14x", 0)
            rc = libc.connect(s.fileno(), sa, len(sa))
            return "ok" if rc == 0 else errno.errorcode.get(
                ctypes.get_errno(), "E?")
        port, mapped = a["dst"]
        s.connect((host_for(s.family, mapped), port))
        return "ok"

    def g_cs_close(self, r):
        slot = self.cs_slot(r)
        self.m_cs.discard(slot)
        return {"slot": slot, "shut": r.random() < 0.2}

    def x_cs_close(self, a):
        s = self.cs[a["slot"]]
        if s is None:
            return "noslot"
        if a["shut"]:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        s.close()
        self.cs[a["slot"]] = None
        return "ok"

    def g_cs_poll(self, r):
        return {"slot": self.cs_slot(r), "ms": r.choice([0, 10, 50])}

    def x_cs_poll(self, a):
        s = self.cs[a["slot"]]
        if s is None:
            return "noslot"
        p = select.poll()
        p.register(s, select.POLLIN | select.POLLERR | select.POLLOUT)
        ev = p.poll(a["ms"])
        return "ev=%#x" % (ev[0][1] if ev else 0)

    # -- raw datagrams from plain UDP sockets --

    def raw_sock(self, slot):
        s = self.raw[slot]
        if s is None:
            fam = socket.AF_INET if slot % 2 == 0 else socket.AF_INET6
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.setblocking(False)
            if slot < 4:            # a few stable source ports
                try:
                    s.bind(("127.0.0.1" if fam == socket.AF_INET else "::1",
                            self.raw_base + slot))
                except OSError:
                    pass
            self.raw[slot] = s
        return s

    def g_raw_send(self, r):
        dst, fam = self.target(r, fam=True)
        # even slots are IPv4 sockets, odd ones IPv6 (v4-mapped included)
        slot = r.randrange(NSLOTS_RAW // 2) * 2 + \
            (1 if fam == "6" or dst[1] else 0)
        self.m_raw.add(slot)
        a = {"slot": slot, "dst": dst, "dup": r.random() < 0.1,
             "kind": None, "data": None}
        x = r.random()
        if x < 0.7:
            kind, mtype, code, tok, opts, payload = self.g_coap_request(r)
            a["kind"] = kind
            mid = r.randrange(65536) if r.random() < 0.8 else r.randrange(4)
            a["data"] = build(mtype, code, mid, tok, opts, payload)
        elif x < 0.8:
            a["kind"] = r.choice(["ack", "rst", "ack_seen", "rst_seen",
                                  "ping"])
            t = 3 if "rst" in a["kind"] else 2 if "ack" in a["kind"] else 0
            a["data"] = build(t, 0, r.randrange(65536))
        elif x < 0.95:
            a["kind"] = "garbage"
            a["data"] = coaptool.mutate(r, coaptool.fuzz_seeds())
        else:
            a["kind"] = "resp"
            a["data"] = build(r.randrange(3), 0x45, r.randrange(65536),
                              r.choice(TOKENS), [(6, b"\x05")], b"n")
        if slot % 2 == 0 and a["dst"][1]:
            a["dst"] = (a["dst"][0], False)
        return a

    def x_raw_send(self, a):
        s = self.raw_sock(a["slot"])
        d = a["data"]
        if a["kind"] in ("ack_seen", "rst_seen"):
            seen = self.raw_seen[a["slot"]]
            if seen is None:
                return "nothing_seen"
            d = d[:2] + seen
        port, mapped = a["dst"]
        dst = (host_for(s.family, mapped), port)
        try:
            s.sendto(d, dst)
            if a["dup"]:
                s.sendto(d, dst)
        except BlockingIOError:
            return "EAGAIN"
        except ConnectionRefusedError:  # an earlier ICMP, reported now
            return "ECONNREFUSED"
        return "ok"

    def g_raw_drain(self, r):
        return {"slot": r.choice(sorted(self.m_raw)) if self.m_raw and
                r.random() < 0.9 else r.randrange(NSLOTS_RAW),
                "mode": r.choice(["ack", "ack", "rst", "ignore"]),
                "wait": r.choice([0, 0, 0.02, 0.1])}

    def x_raw_drain(self, a):
        s = self.raw[a["slot"]]
        if s is None:
            return "noslot"
        n = con = 0
        end = time.time() + a["wait"]
        for _ in range(64):
            r, _, _ = select.select([s], [], [], max(0, end - time.time()))
            if not r:
                break
            try:
                d, addr = s.recvfrom(65535)
            except (BlockingIOError, ConnectionRefusedError):
                continue
            n += 1
            if len(d) >= 4 and d[0] >> 6 == 1:
                self.raw_seen[a["slot"]] = d[2:4]
                if (d[0] >> 4) & 3 == 0:
                    con += 1
                    if a["mode"] != "ignore":
                        t = 0x60 if a["mode"] == "ack" else 0x70
                        s.sendto(bytes([t, 0, d[2], d[3]]), addr)
        return "n=%d con=%d" % (n, con)

    def g_raw_rebind(self, r):
        return {"slot": r.randrange(NSLOTS_RAW)}

    def x_raw_rebind(self, a):
        if self.raw[a["slot"]] is not None:
            self.raw[a["slot"]].close()
        self.raw[a["slot"]] = None
        self.raw_seen[a["slot"]] = None
        self.raw_sock(a["slot"])
        return "ok"

    # -- namespaces, time, module knobs --

    def g_netns_child(self, r):
        self.m_children += 1
        return {"seed": r.randrange(1 << 30), "ops": r.randrange(10, 120),
                "secs": r.choice([1, 2, 4]),
                "end": r.choice(["exit", "_exit", "kill"]),
                "k": self.m_children}

    def x_netns_child(self, a):
        """A child in a network namespace of its own runs a short
        sequence and leaves everything open as the namespace goes."""
        name = "%s.c%d" % (self.name, a["k"])
        if time.time() + a["secs"] + 2 > self.deadline:
            return "late"       # would overrun the worker's time
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                if libc.unshare(CLONE_NEWNET) != 0:
                    os._exit(3)
                lo_up()
                w = Worker(name, "%s:%d" % (self.seed, a["seed"]),
                           self.logfd, a["ops"], a["secs"], netns=True,
                           final=self.final, child=True, skip=self.skip)
                w.run()
                if a["end"] == "exit":
                    w.close_all()
            except Exception:
                traceback.print_exc()
                sys.stderr.flush()
                code = 1
            os._exit(code)
        deadline = time.time() + a["secs"] + 15
        killed = False
        while True:
            wpid, st = os.waitpid(pid, os.WNOHANG)
            if wpid:
                break
            if a["end"] == "kill" and not killed and \
                    time.time() > deadline - 15 - a["secs"] / 2:
                os.kill(pid, signal.SIGKILL)
                killed = True
            if time.time() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise Fatal("netns child %s did not finish" % name)
            time.sleep(0.01)
        if os.WIFEXITED(st) and os.WEXITSTATUS(st) == 1:
            raise Fatal("netns child %s crashed" % name)
        if os.WIFEXITED(st) and os.WEXITSTATUS(st) == 3:
            return "unshare:" + errno.errorcode.get(ctypes.get_errno(), "?")
        return "exit=%d" % (os.WEXITSTATUS(st) if os.WIFEXITED(st)
                            else -os.WTERMSIG(st))

    def g_sleep(self, r):
        return {"s": r.choice([0.01, 0.05, 0.2, 0.5, 1.2])}

    def x_sleep(self, a):
        time.sleep(a["s"])
        return "ok"

    def g_param(self, r):
        name = r.choice(sorted(MODULE_PARAMS))
        vals = MODULE_PARAMS[name]
        if name in PARAM_BEYOND and r.random() < 0.2:
            vals = PARAM_BEYOND[name]
        return {"name": name, "val": r.choice(vals)}

    def x_param(self, a):
        try:
            with open("/sys/module/coap/parameters/" + a["name"], "w") as f:
                f.write("%d\n" % a["val"])
        except FileNotFoundError:
            return "nomodule"
        return "ok"

    def g_trace(self, r):
        return {"on": r.random() < 0.6}

    def x_trace(self, a):
        for base in ("/sys/kernel/tracing", "/sys/kernel/debug/tracing"):
            p = base + "/events/coap/enable"
            if os.path.exists(p):
                with open(p, "w") as f:
                    f.write("1\n" if a["on"] else "0\n")
                return "ok"
        return "notrace"

    def g_proc(self, r):
        return {"what": r.choice(["/proc/net/coap_stats",
                                  "/proc/net/protocols", "/proc/net/udp",
                                  "/proc/net/udp6"])}

    def x_proc(self, a):
        try:
            with open(a["what"]) as f:
                return "len=%d" % len(f.read())
        except FileNotFoundError:
            return "nofile"

    def close_all(self):
        for lst in (self.cs, self.raw, self.adopted):
            for i, s in enumerate(lst):
                if s is not None:
                    s.close()
                    lst[i] = None
        for i, g in enumerate(self.genl):
            if g is not None:
                g.s.close()
                self.genl[i] = None


# ---- entry points ------------------------------------------------------------

def cmd_worker(o):
    if o.lo_up:
        lo_up()
    fd = os.open(os.path.join(o.dir, o.name + ".ops"),
                 os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    w = Worker(o.name, o.seed, fd, o.ops, o.seconds, netns=o.netns,
               final=o.final, priv=o.priv,
               skip=[x for x in o.skip_ops.split(",") if x])
    secs = w.run()
    try:        # the namespace's counters: what the operations reached
        stats = coaptool.read_stats()
    except (OSError, ValueError):
        stats = {}
    end = w.rng.choice(["close", "exit"])   # tidy, or leave it to exit
    if end == "close":
        w.close_all()
    with open(os.path.join(o.dir, o.name + ".json"), "w") as f:
        json.dump({"name": o.name, "seed": o.seed, "ops": w.nops,
                   "seconds": round(secs, 1), "hist": w.hist,
                   "stats": stats}, f)
    print("kfuzz: %s: %d operations in %.1f s" % (o.name, w.nops, secs))
    return 0


WORKERS = {     # name: (command prefix, worker options)
    "w0": ([], ["--priv"]),
    "w1": ([], []),
    "w2": (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "unshare", "-Urn"], ["--netns", "--lo-up"]),
}


def spawn(o, name, seconds, ops, extra=()):
    prefix, opts = WORKERS.get(name, ([], []))
    for ext in ("ops", "json", "err"):
        p = os.path.join(o.dir, "%s.%s" % (name, ext))
        open(p, "a").close()
        os.chmod(p, 0o666)
    cmd = prefix + [sys.executable, os.path.abspath(__file__), "worker",
                    "--name", name, "--seed", str(o.seed), "--dir", o.dir,
                    "--ops", str(ops), "--seconds", str(seconds),
                    "--skip-ops", o.skip_ops] + opts + list(extra)
    err = open(os.path.join(o.dir, name + ".err"), "w")
    return subprocess.Popen(cmd, stdout=err, stderr=subprocess.STDOUT)


def wait_all(procs, deadline):
    """Wait for the workers; one that outlives the deadline hangs in the
    kernel (every operation here is bounded): show where, then fail."""
    bad = []
    while procs:
        for name, p in list(procs.items()):
            if p.poll() is not None:
                del procs[name]
                if p.returncode != 0:
                    bad.append((name, p.returncode))
        if procs and time.time() > deadline:
            for name, p in procs.items():
                print("kfuzz: worker %s (pid %d) did not finish: kernel "
                      "stack:" % (name, p.pid), flush=True)
                for tid in os.listdir("/proc/%d/task" % p.pid):
                    try:
                        with open("/proc/%d/task/%s/stack" % (p.pid, tid)) as f:
                            print(f.read(), flush=True)
                    except OSError:
                        pass
                p.kill()
            return "hang", bad
        time.sleep(0.1)
    return None, bad


def pin_vmalloc():
    """UML's KASAN (without KASAN_VMALLOC) leaves an unloaded module's
    global redzones poisoned in the shadow of its vmalloc area; the next
    vmalloc there is reported (falsely), and insmod's file buffer lands
    there when the freed area is open-ended.  A process with a file table
    of 2^20 descriptors holds 8 MiB of vmalloc, placed above the loaded
    module: the area freed by rmmod is then too small for the file buffer
    and the module is loaded again where it was."""
    code = ("import os, resource, sys, time\n"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (1 << 20, 1 << 20))\n"
            "os.dup2(0, (1 << 20) - 1)\n"
            "print('pinned', flush=True)\n"
            "time.sleep(120)\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         text=True)
    if p.stdout.readline().strip() != "pinned":
        p.kill()
        return None
    return p


def rmmod(timeout=20):
    end = time.time() + timeout
    while True:
        r = subprocess.run(["rmmod", "coap"], capture_output=True, text=True)
        if r.returncode == 0:
            return None
        if time.time() > end:
            return r.stderr.strip()
        time.sleep(0.2)


def cmd_drive(o):
    os.chmod(o.dir, 0o777)
    if not o.no_panic:
        # stop at the first report, so that the operation logs end there
        with open("/proc/sys/kernel/panic_on_warn", "w") as f:
            f.write("1\n")
    names = o.workers.split(",")
    t0 = time.time()
    procs = {n: spawn(o, n, o.seconds, o.ops) for n in names}
    hang, bad = wait_all(procs, time.time() + o.seconds + 60)
    status = 0
    for name, rc in bad:
        print("kfuzz: worker %s FAILED (exit %d):" % (name, rc))
        with open(os.path.join(o.dir, name + ".err")) as f:
            sys.stdout.write(f.read()[-4000:])
        status = 1
    if hang:
        return 3
    if status or o.no_final or not grep_module():
        return status
    # unload while a worker is busy, then load again and use it
    wf = spawn(o, "wF", 6, o.ops, ["--final"])
    time.sleep(2)
    pin = pin_vmalloc() if o.module else None
    err = rmmod()
    if err:
        print("kfuzz: rmmod coap failed after every CoAP socket closed: " +
              err)
        wf.kill()
        return 4
    print("kfuzz: module unloaded under load")
    if o.module:
        r = subprocess.run(["insmod", o.module], capture_output=True,
                           text=True)
        if pin:
            pin.kill()
            pin.wait()
        if r.returncode:
            print("kfuzz: insmod after unload failed: " + r.stderr)
            wf.kill()
            return 4
    hang, bad = wait_all({"wF": wf}, time.time() + 60)
    if hang:
        return 3
    if o.module:
        hang, bad2 = wait_all({"wR": spawn(o, "wR", 3, o.ops)},
                              time.time() + 60)
        if hang:
            return 3
        bad += bad2
    for name, rc in bad:
        print("kfuzz: worker %s FAILED (exit %d):" % (name, rc))
        with open(os.path.join(o.dir, name + ".err")) as f:
            sys.stdout.write(f.read()[-4000:])
        return 1
    print("kfuzz: module reloaded; drive took %.0f s" % (time.time() - t0))
    return 0


def grep_module():
    with open("/proc/modules") as f:
        return any(line.startswith("coap ") for line in f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("worker")
    w.add_argument("--name", required=True)
    d = sub.add_parser("drive")
    d.add_argument("--workers", default="w0,w1,w2")
    d.add_argument("--module")
    d.add_argument("--no-final", action="store_true")
    d.add_argument("--no-panic", action="store_true",
                   help="keep running after a KASAN report or WARN")
    for p in (w, d):
        p.add_argument("--seed", required=True)
        p.add_argument("--dir", required=True)
        p.add_argument("--ops", type=int, default=1000000)
        p.add_argument("--seconds", type=float, default=30)
        p.add_argument("--skip-ops", default="",
                       help="operations left out (comma-separated names)")
    w.add_argument("--netns", action="store_true")
    w.add_argument("--lo-up", action="store_true")
    w.add_argument("--final", action="store_true")
    w.add_argument("--priv", action="store_true")
    o = ap.parse_args()
    if o.cmd == "worker":
        return cmd_worker(o)
    return cmd_drive(o)


if __name__ == "__main__":
    sys.exit(main())
