#!/usr/bin/env python3
"""Raw generic netlink client for the "coap" family, for tests.

Written from include/uapi/linux/coap.h with nothing but the socket module,
so tests can send exactly the attributes they mean (including wrong ones)
and see the errno and extended-ack message the kernel returns.

  nltool.py call CMD [ATTR=VALUE ...]   one command; prints {"errno", "msg"}
  nltool.py dump CMD                    prints one JSON object per message
  nltool.py daemon SPEC...              register resources and answer requests
  nltool.py adopt ADDR PORT [--hold] [--detach]
                                        bind a UDP socket, hand it over by fd;
                                        --hold keeps the descriptor (and so
                                        the endpoint) until SIGTERM; --detach
                                        then turns UDP_ENCAP off under us
  nltool.py script                      a daemon driven by stdin lines:
                                        CMD ATTR=VALUE... (resource_add,
                                        publish, resource_del, ...); prints
                                        each result and every observers event

ATTR names are the COAP_A_ suffixes in lower case; values: numbers, text,
hex:..., addr:HOST:PORT (sockaddr), flag (for flags).  Commands are the
COAP_CMD_ suffixes (endpoint_add, resource_add, publish, ...).  Two
pseudo-attributes change the headers instead: hdr.reserved=N (the
genlmsghdr reserved field) and hdr.flags=N (nlmsg_flags, in place of
NLM_F_REQUEST|NLM_F_ACK).  dump takes ATTR=VALUE too.
"""
import json
import os
import re
import select
import signal
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_CAP_ACK = 270, 11, 10
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLA_F_NESTED = 0x8000


def uapi_enum(prefix):
    """Read an enum's values from the uapi header: {name: value}."""
    top = os.environ.get("KCOAP_TOP") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    text = open(os.path.join(top, "include/uapi/linux/coap.h")).read()
    out, val = {}, 0
    for m in re.finditer(r"^\t(%s\w+)(?:\s*=\s*(\d+))?," % prefix, text, re.M):
        val = int(m.group(2)) if m.group(2) else val
        out[m.group(1)[len(prefix):].lower()] = val
        val += 1
    return out


CMD = uapi_enum("COAP_CMD_")
ATTR = uapi_enum("COAP_A_")
STATS = uapi_enum("COAP_STATS_A_")
PARAM = uapi_enum("COAP_PARAM_A_")
PARAM_NAME = {v: k for k, v in PARAM.items()}
ATTR_NAME = {v: k for k, v in ATTR.items()}
STAT_NAME = {v: k for k, v in STATS.items()}
U8 = {"code", "type"}
U16 = {"ct", "content_format", "accept"}
U32 = {"fd", "methods", "sz", "max_age", "owner", "payload_len", "observers",
       "notify_con"}
U64 = {"handle"}
STRS = {"path", "rt", "if", "title", "query"}
ADDRS = {"addr", "peer", "local"}


def attr(t, data):
    hdr = struct.pack("HH", 4 + len(data), t)
    return hdr + data + b"\0" * ((4 - len(data) % 4) % 4)


def sockaddr(host, port):
    if ":" in host:
        a = socket.inet_pton(socket.AF_INET6, host)
        return struct.pack("=H", socket.AF_INET6) + struct.pack(
            "!HI", port, 0) + a + struct.pack("=I", 0)
    return struct.pack("=H", socket.AF_INET) + struct.pack(
        "!H", port) + socket.inet_aton(host) + b"\0" * 8


def unsockaddr(b):
    fam = struct.unpack("=H", b[:2])[0]
    port = struct.unpack("!H", b[2:4])[0]
    if fam == socket.AF_INET:
        return "%s:%d" % (socket.inet_ntoa(b[4:8]), port)
    return "[%s]:%d" % (socket.inet_ntop(socket.AF_INET6, b[8:24]), port)


def encode(name, value):
    if re.fullmatch(r"attr\d+", name):     # a raw attribute type
        return attr(int(name[4:]), bytes.fromhex(value[4:]))
    t = ATTR[name]
    if name == "options" and isinstance(value, list):
        # nested COAP_A_OPTION (1) entries: COAP_OPTION_A_NUM, _VALUE
        return attr(t | NLA_F_NESTED, b"".join(
            attr(1 | NLA_F_NESTED, attr(1, struct.pack("H", n)) + attr(2, v))
            for n, v in value))
    if isinstance(value, bytes):
        return attr(t, value)
    if value == "flag":
        return attr(t, b"")
    if isinstance(value, str) and value.startswith("hex:"):
        return attr(t, bytes.fromhex(value[4:]))
    if isinstance(value, str) and value.startswith("addr:"):
        host, port = value[5:].rsplit(":", 1)
        return attr(t, sockaddr(host.strip("[]"), int(port)))
    if name in U8:
        return attr(t, struct.pack("B", int(value, 0) if isinstance(value, str) else value))
    if name in U16:
        return attr(t, struct.pack("H", int(value)))
    if name in U32:
        return attr(t, struct.pack("I", int(value)))
    if name in U64:
        return attr(t, struct.pack("Q", int(value)))
    if name in STRS:
        return attr(t, value.encode() + b"\0")
    return attr(t, value.encode() if isinstance(value, str) else value)


def parse_attrs(b):
    out = []
    i = 0
    while i + 4 <= len(b):
        ln, t = struct.unpack("HH", b[i:i + 4])
        if ln < 4:
            break
        out.append((t & ~NLA_F_NESTED, b[i + 4:i + ln]))
        i += (ln + 3) & ~3
    return out


def decode(attrs):
    d = {}
    for t, v in attrs:
        name = ATTR_NAME.get(t, str(t))
        if name in U8:
            val = v[0]
        elif name in U16:
            val = struct.unpack("H", v[:2])[0]
        elif name in U32:
            val = struct.unpack("I", v[:4])[0]
        elif name in U64:
            val = struct.unpack("Q", v[:8])[0]
        elif name in STRS:
            val = v.rstrip(b"\0").decode("utf-8", "replace")
        elif name in ADDRS:
            val = unsockaddr(v)
        elif name == "options":
            val = []
            for _, o in parse_attrs(v):
                od = dict(parse_attrs(o))
                val.append([struct.unpack("H", od[1][:2])[0], od.get(2, b"").hex()])
        elif name == "stats":
            # type 0 entries are alignment padding
            val = {STAT_NAME.get(k, str(k)): struct.unpack("Q", x[:8])[0]
                   for k, x in parse_attrs(v) if k}
        elif name == "params":
            val = {PARAM_NAME.get(k, str(k)): struct.unpack("I", x[:4])[0]
                   for k, x in parse_attrs(v)}
        elif name in ("adopted", "observable"):
            val = True
        elif name == "payload":
            val = v.decode("utf-8", "replace")
        elif name == "etag":
            val = v.hex()
        else:
            val = v.hex()
        if name == "query":
            d.setdefault("query", []).append(val)
        else:
            d[name] = val
    return d


class Genl:
    def __init__(self, portid=0):
        """portid 0: the kernel picks one; else bind that one (OSError
        if it is taken)."""
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((portid, 0))
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        # errors do not echo the request (a publish may be 64 KiB)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        # one receive buffer, every page touched now: a daemon near its
        # memory cgroup's limit needs no fresh pages to read an answer
        self.buf = bytearray(1 << 20)
        self.buf[::4096] = b"\1" * len(range(0, 1 << 20, 4096))
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.seq = 1
        self.backlog = []       # requests that arrived while waiting for ACKs
        self.fam = self.resolve("coap")

    def recv(self):
        n = self.s.recv_into(self.buf)
        return bytes(self.buf[:n])

    def portid(self):
        return self.s.getsockname()[0]

    def send(self, family, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK,
             reserved=0):
        self.seq += 1
        body = struct.pack("BBH", cmd, 1, reserved) + payload
        msg = struct.pack("IHHII", 16 + len(body), family, flags, self.seq, 0) + body
        self.s.send(msg)
        return self.seq

    def messages(self, data):
        i = 0
        while i + 16 <= len(data):
            ln, typ, flags, seq, pid = struct.unpack("IHHII", data[i:i + 16])
            yield typ, flags, seq, data[i + 16:i + ln]
            i += (ln + 3) & ~3

    def wait(self, seq, dump=False):
        """Collect replies to seq until its ACK/DONE; stash requests."""
        replies = []
        while True:
            data = self.recv()
            for typ, flags, mseq, body in self.messages(data):
                if mseq != seq:
                    if mseq == 0 and typ == self.fam:
                        self.backlog.append(body)
                    continue
                if typ == NLMSG_ERROR:
                    err = -struct.unpack("i", body[:4])[0]
                    msg = ""
                    if flags & NLM_F_ACK_TLVS:
                        olen = struct.unpack("I", body[4:8])[0]
                        capped = not err or flags & NLM_F_CAPPED
                        tl = body[4 + (16 if capped else olen):]
                        for t, v in parse_attrs(tl):
                            if t == NLMSGERR_ATTR_MSG:
                                msg = v.rstrip(b"\0").decode()
                    return err, msg, replies
                if typ == NLMSG_DONE:
                    return 0, "", replies
                replies.append(decode(parse_attrs(body[4:])))

    def resolve(self, name):
        seq = self.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                        attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        while True:
            data = self.recv()
            for typ, flags, mseq, body in self.messages(data):
                if typ == NLMSG_ERROR:
                    err = -struct.unpack("i", body[:4])[0]
                    if err:
                        raise SystemExit(json.dumps({"errno": err, "msg": "no coap family"}))
                    continue
                for t, v in parse_attrs(body[4:]):
                    if t == CTRL_ATTR_FAMILY_ID:
                        fam = struct.unpack("H", v[:2])[0]
                        self.wait(seq)
                        return fam

    def call(self, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK):
        # param.NAME=V pairs go into one nested COAP_A_PARAMS
        params = b"".join(attr(PARAM[k[6:]], struct.pack("I", int(v)))
                          for k, v in attrs if k.startswith("param."))
        hdr = {k[4:]: int(v, 0) for k, v in attrs if k.startswith("hdr.")}
        attrs = [(k, v) for k, v in attrs
                 if not k.startswith("param.") and not k.startswith("hdr.")]
        payload = b"".join(encode(k, v) for k, v in attrs)
        if params:
            payload += attr(ATTR["params"] | NLA_F_NESTED, params)
        seq = self.send(self.fam, CMD[cmd], payload,
                        hdr.get("flags", flags), hdr.get("reserved", 0))
        err, msg, replies = self.wait(seq)
        return err, msg, replies

    def batch(self, cmd, attr_lists):
        """cmd once per attribute list, many per datagram, no ACKs (an
        error still answers); returns the number sent."""
        buf, n = b"", 0
        for attrs in attr_lists:
            body = struct.pack("BBH", CMD[cmd], 1, 0) + \
                b"".join(encode(k, v) for k, v in attrs)
            self.seq += 1
            buf += struct.pack("IHHII", 16 + len(body), self.fam,
                               NLM_F_REQUEST, self.seq, 0) + body
            n += 1
            if len(buf) > 60000:
                self.s.send(buf)
                buf = b""
        if buf:
            self.s.send(buf)
        return n

    def dump(self, cmd, attrs=()):
        return self.call(cmd, list(attrs), NLM_F_REQUEST | NLM_F_DUMP)

    def requests(self, timeout):
        """Yield decoded COAP_CMD_REQUEST messages for timeout seconds."""
        end = time.time() + timeout
        while True:
            while self.backlog:
                yield decode(parse_attrs(self.backlog.pop(0)[4:]))
            left = end - time.time()
            if left <= 0:
                return
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return
            data = self.recv()
            for typ, flags, seq, body in self.messages(data):
                if typ == self.fam and body[0] == CMD["request"]:
                    yield decode(parse_attrs(body[4:]))


def pattern(n):
    """coaptool.py's pattern: n bytes, each 6-byte line its position."""
    return "".join("%05d\n" % k for k in range(n // 6 + 1))[:n].encode()


def kv(args):
    out = []
    for a in args:
        k, _, v = a.partition("=")
        out.append((k, v if v else "flag"))
    return out


def cmd_daemon(g, args):
    """daemon [--hold S] [--answer CODE[:PAYLOAD]] [--ignore] [--max N]
              (PAYLOAD @N: N bytes of coaptool's pattern)
              [--option NUM=TEXT] (added to each answer)
              [--publish-etag PATH=HEX] (publish with this ETag)
              [--delay S] (answer each request S seconds late)
              [--publish PATH=TEXT] resource_add-attrs... (';' separates)

    Registers the resources, prints {"ready": portid}, then answers each
    request (or ignores it with --ignore) and prints it as JSON.
    """
    hold, answer, ignore, maxn, delay = 5.0, "2.05:hello", False, None, 0.0
    publishes, groups, cur, ropts, etags = [], [], [], [], {}
    it = iter(args)
    for a in it:
        if a == "--hold":
            hold = float(next(it))
        elif a == "--answer":
            answer = next(it)
        elif a == "--ignore":
            ignore = True
        elif a == "--delay":
            delay = float(next(it))
        elif a == "--max":
            maxn = int(next(it))
        elif a == "--publish":
            publishes.append(next(it))
        elif a == "--publish-etag":
            path, _, hx = next(it).partition("=")
            etags[path] = bytes.fromhex(hx)
        elif a == "--option":
            num, _, text = next(it).partition("=")
            ropts.append((int(num), text.encode()))
        elif a == ";":
            groups.append(cur)
            cur = []
        else:
            cur.append(a)
    if cur:
        groups.append(cur)
    for grp in groups:
        err, msg, _ = g.call("resource_add", kv(grp))
        if err:
            print(json.dumps({"errno": err, "msg": msg}), flush=True)
            return 1
    for p in publishes:
        path, _, text = p.partition("=")
        body = pattern(int(text[1:])) if text.startswith("@") else text.encode()
        attrs = [("path", path), ("payload", body)]
        if path in etags:
            attrs.append(("etag", etags[path]))
        err, msg, _ = g.call("publish", attrs)
        if err:
            print(json.dumps({"errno": err, "msg": msg}), flush=True)
            return 1
    print(json.dumps({"ready": g.portid()}), flush=True)
    code, _, payload = answer.partition(":")
    c, d = code.split(".")
    n = 0
    for req in g.requests(hold):
        n += 1
        print(json.dumps({"request": req}), flush=True)
        if delay:
            time.sleep(delay)
        if not ignore:
            attrs = [("handle", req["handle"]), ("code", (int(c) << 5) | int(d))]
            if payload:
                attrs.append(("payload", pattern(int(payload[1:]))
                              if payload.startswith("@") else payload.encode()))
            if ropts:
                attrs.append(("options", ropts))
            err, msg, _ = g.call("response", attrs)
            if err:
                print(json.dumps({"respond_errno": err, "msg": msg}), flush=True)
        if maxn and n >= maxn:
            break
    print(json.dumps({"handled": n}), flush=True)
    return 0


def cmd_script(g):
    """One command per stdin line, e.g. "publish path=/obs payload=21";
    its result and every COAP_CMD_OBSERVERS event are printed as JSON.
    Requests are answered 5.00 (this daemon only publishes)."""
    def events():
        while g.backlog:
            body = g.backlog.pop(0)
            ev = decode(parse_attrs(body[4:]))
            if body[0] == CMD["observers"]:
                print(json.dumps({"event": "observers", **ev}), flush=True)
            elif body[0] == CMD["request"]:
                g.call("response", [("handle", ev["handle"]), ("code", 5 << 5)])
    print(json.dumps({"ready": g.portid()}), flush=True)
    pending, eof = b"", False
    while True:
        events()
        # whole lines from the raw fd: a buffered reader would hide lines
        # from select()
        while b"\n" in pending or (eof and pending):
            line, _, pending = pending.partition(b"\n")
            words = line.decode().split()
            if words:
                err, msg, _ = g.call(words[0], kv(words[1:]))
                print(json.dumps({"cmd": words[0], "errno": err, "msg": msg}),
                      flush=True)
            events()
        if eof:
            return 0
        r, _, _ = select.select([0, g.s], [], [])
        if g.s in r:
            data = g.recv()
            for typ, flags, seq, body in g.messages(data):
                if typ == g.fam and seq == 0:
                    g.backlog.append(body)
        if 0 in r:
            chunk = os.read(0, 65536)
            pending += chunk
            eof = not chunk

def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    g = Genl()
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "call":
        err, msg, replies = g.call(args[0], kv(args[1:]))
        print(json.dumps({"errno": err, "msg": msg, "replies": replies}))
        return 0
    if cmd == "dump":
        err, msg, replies = g.dump(args[0], kv(args[1:]))
        for r in replies:
            print(json.dumps(r))
        if err:
            print(json.dumps({"errno": err, "msg": msg}), file=sys.stderr)
        return 1 if err else 0
    if cmd == "daemon":
        return cmd_daemon(g, args)
    if cmd == "script":
        return cmd_script(g)
    if cmd == "adopt":
        host, port = args[0], int(args[1])
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((host, port))
        err, msg, _ = g.call("endpoint_add", [("fd", str(s.fileno()))])
        if "--detach" in args[2:]:
            # turn encapsulation off under the module (UDP_ENCAP 0)
            s.setsockopt(socket.IPPROTO_UDP, 100, 0)
        print(json.dumps({"errno": err, "msg": msg}), flush=True)
        if "--hold" in args[2:]:
            signal.pause()      # SIGTERM ends it (see main)
        s.close()   # the last descriptor: the endpoint ends with it
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
