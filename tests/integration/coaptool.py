#!/usr/bin/env python3
"""Raw CoAP test client for kcoap's integration tests.

Builds exact datagrams (well-formed or not), sends them over UDP and reports
what came back, so tests can check the module byte for byte.  Independent
of the module's codec on purpose: it is written from RFC 7252 directly.

  coaptool.py req HOST PORT [--type con|non] [--code 0.01] [--path a/b]
                            [--query Q] [--opt NUM=HEX] [--payload TEXT]
                            [--mid N] [--token HEX] [--timeout S] [--sport N]
  coaptool.py raw HOST PORT HEX          send HEX, print the reply (or none)
  coaptool.py fuzz HOST PORT COUNT SEED  send COUNT random/mutated datagrams
  coaptool.py separate HOST PORT PATH SECONDS [--rst]
                                         count separate-response copies
  coaptool.py stats                      /proc/net/coap_stats as JSON
  coaptool.py blockget HOST PORT PATH SZX [--code C] [--late] [--sport N]
                                         fetch PATH block by block (RFC 7959)
  coaptool.py blockput HOST PORT PATH SZX NBYTES [--code C] [--sport N]
                                         upload pattern(NBYTES) in Block1 blocks,
                                         then fetch the answer's further blocks

req also takes --pattern OFF:LEN (payload = pattern()[OFF:OFF+LEN]).
Replies carry decoded "block1"/"block2" ([NUM, M, SZX]), "size1", "size2"
and "etag" when those options are present.

Replies are printed as one JSON object per line.  Exit status: 0 when a
reply arrived (or none was expected), 1 on a timeout, 2 on bad usage.
"""
import json
import os
import random
import socket
import sys
import time

TYPES = {"con": 0, "non": 1, "ack": 2, "rst": 3}
TYPE_NAMES = {v: k.upper() for k, v in TYPES.items()}


def ext(v):
    """(nibble, extension bytes) for an option delta or length."""
    if v < 13:
        return v, b""
    if v < 269:
        return 13, bytes([v - 13])
    return 14, (v - 269).to_bytes(2, "big")


def build(mtype, code, mid, token=b"", opts=(), payload=b""):
    out = bytearray([0x40 | (mtype << 4) | len(token), code,
                     mid >> 8, mid & 0xFF])
    out += token
    prev = 0
    for num, val in sorted(opts, key=lambda o: o[0]):
        dn, de = ext(num - prev)
        ln, le = ext(len(val))
        out.append((dn << 4) | ln)
        out += de + le + val
        prev = num
    if payload:
        out.append(0xFF)
        out += payload
    return bytes(out)


def parse(data):
    """Parse a datagram; returns a dict or raises ValueError."""
    if len(data) < 4 or data[0] >> 6 != 1:
        raise ValueError("bad header")
    tkl = data[0] & 0xF
    if tkl > 8 or len(data) < 4 + tkl:
        raise ValueError("bad token")
    msg = {
        "type": TYPE_NAMES[(data[0] >> 4) & 3],
        "code": "%d.%02d" % (data[1] >> 5, data[1] & 0x1F),
        "mid": (data[2] << 8) | data[3],
        "token": data[4:4 + tkl].hex(),
        "options": [],
        "payload": "",
    }
    i, num = 4 + tkl, 0
    while i < len(data) and data[i] != 0xFF:
        b = data[i]
        i += 1
        vals = []
        for nib in (b >> 4, b & 0xF):
            if nib == 13:
                vals.append(13 + data[i])
                i += 1
            elif nib == 14:
                vals.append(269 + int.from_bytes(data[i:i + 2], "big"))
                i += 2
            elif nib == 15:
                raise ValueError("nibble 15")
            else:
                vals.append(nib)
        num += vals[0]
        val = data[i:i + vals[1]]
        if len(val) != vals[1]:
            raise ValueError("truncated option")
        i += vals[1]
        msg["options"].append([num, val.hex()])
    if i < len(data):
        if i + 1 == len(data):
            raise ValueError("marker without payload")
        msg["payload"] = data[i + 1:].decode("utf-8", "replace")
    return msg


def pattern(n):
    """n bytes whose every 6-byte line names its own position."""
    return "".join("%05d\n" % k for k in range(n // 6 + 1))[:n].encode()


def block_val(num, more, szx):
    v = (num << 4) | (8 if more else 0) | szx
    return v.to_bytes((v.bit_length() + 7) // 8, "big")


def decorate(msg):
    """Decoded block-wise options (RFC 7959) next to the raw ones."""
    for num, hexval in msg["options"]:
        v = int(hexval, 16) if hexval else 0
        if num in (23, 27):
            msg["block2" if num == 23 else "block1"] = [v >> 4, (v >> 3) & 1,
                                                        v & 7]
        elif num in (28, 60):
            msg["size2" if num == 28 else "size1"] = v
        elif num == 4:
            msg["etag"] = hexval
    return msg


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


SEEN = {}


def exchange(host, port, data, timeout=2.0, sport=0, separate=True):
    """Send data; return the reply.  An empty ACK to a CON request means a
    separate response follows (RFC 7252 section 5.2.2): wait for it, ACK it
    if it is a CON, and return it (SEEN["empty_ack"] records the ACK)."""
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    if sport:
        # a fixed source port: several runs look like one client
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::" if ":" in host else "0.0.0.0", sport))
    s.settimeout(timeout)
    s.sendto(data, (host, port))
    try:
        reply, addr = s.recvfrom(65535)
        if (separate and len(reply) == 4 and reply[0] >> 4 == 0x6 and
                reply[1] == 0 and data[0] >> 4 == 0x4 and data[1] != 0):
            SEEN["empty_ack"] = True
            try:
                reply, addr = s.recvfrom(65535)
            except socket.timeout:
                # no separate response within the timeout: report the ACK
                SEEN["empty_ack"] = False
                return reply
            if reply[0] >> 4 & 3 == 0:         # CON: acknowledge it
                s.sendto(bytes([0x60, 0, reply[2], reply[3]]), addr)
    except (socket.timeout, ConnectionRefusedError):
        # nothing answered, or ICMP port unreachable: no CoAP reply either way
        return None
    finally:
        s.close()
    return reply


def parse_code(text):
    c, d = text.split(".")
    return (int(c) << 5) | int(d)


def cmd_req(args):
    host, port = args[0], int(args[1])
    mtype, code, mid = 0, 1, random.randrange(65536)
    token, opts, payload, timeout, sport = os.urandom(4), [], b"", 2.0, 0
    it = iter(args[2:])
    for a in it:
        if a == "--type":
            mtype = TYPES[next(it)]
        elif a == "--code":
            code = parse_code(next(it))
        elif a == "--mid":
            mid = int(next(it))
        elif a == "--token":
            token = bytes.fromhex(next(it))
        elif a == "--path":
            for seg in next(it).split("/"):
                if seg:
                    opts.append((11, seg.encode()))
        elif a == "--query":
            opts.append((15, next(it).encode()))
        elif a == "--opt":
            num, val = next(it).split("=", 1)
            opts.append((int(num), bytes.fromhex(val)))
        elif a == "--payload":
            payload = next(it).encode()
        elif a == "--pattern":
            off, ln = (int(x) for x in next(it).split(":"))
            payload = pattern(off + ln)[off:]
        elif a == "--timeout":
            timeout = float(next(it))
        elif a == "--sport":
            sport = int(next(it))
        else:
            sys.exit("coaptool: unknown argument %s" % a)
    data = build(mtype, code, mid, token, opts, payload)
    return report(exchange(host, port, data, timeout, sport), mid)


def report(reply, mid=None):
    if reply is None:
        print(json.dumps({"reply": None}))
        return 1
    try:
        msg = decorate(parse(reply))
    except ValueError as e:
        msg = {"malformed": str(e), "hex": reply.hex()}
    if mid is not None:
        msg["sent_mid"] = mid
    if SEEN.get("empty_ack"):
        msg["separate"] = True
    print(json.dumps(msg))
    return 0


def mutate(rng, seeds):
    """A random datagram: pure noise, or a valid message with damage."""
    if rng.random() < 0.3:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
    d = bytearray(rng.choice(seeds))
    for _ in range(rng.randrange(1, 5)):
        op = rng.randrange(5)
        if op == 0 and d:
            d[rng.randrange(len(d))] = rng.randrange(256)
        elif op == 1 and d:
            del d[rng.randrange(len(d)):]
        elif op == 2:
            d.insert(rng.randrange(len(d) + 1), rng.randrange(256))
        elif op == 3 and d:
            d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)
        else:
            d += bytes([rng.choice((0xFF, 0xDD, 0xEE, 0xD0, 0xE0, 0xF0))])
    return bytes(d)


def fuzz_seeds():
    return [
        build(0, 1, 1, b"ab", [(11, b".well-known"), (11, b"core")]),
        build(1, 1, 2, b"", [(11, b"x")]),
        build(0, 0, 3),
        build(0, 2, 4, b"12345678", [(12, b"\x00"), (60, b"\x10")], b"hi"),
        build(0, 0x45, 5, b"t", [(14, b"\x3c")], b"payload"),
        build(0, 1, 6, b"", [(269, b"x" * 13), (300, b"y" * 270)]),
        build(2, 0, 7),
        build(3, 0, 8),
    ]


def cmd_fuzz(args):
    host, port, count, seed = args[0], int(args[1]), int(args[2]), int(args[3])
    rng = random.Random(seed)
    seeds = fuzz_seeds()
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    s.setblocking(False)
    replies = {"RST": 0, "ACK": 0, "NON": 0, "CON": 0, "malformed": 0}
    sent = 0

    def drain():
        while True:
            try:
                r, _ = s.recvfrom(65535)
            except BlockingIOError:
                return
            try:
                replies[parse(r)["type"]] += 1
            except ValueError:
                replies["malformed"] += 1

    for i in range(count):
        s.sendto(mutate(rng, seeds), (host, port))
        sent += 1
        if i % 64 == 63:
            time.sleep(0.002)  # stay within the socket buffers
            drain()
    # a reply over loopback is queued before sendto returns: everything is
    # in the socket buffer now; the 2 s are only a bound for stragglers
    deadline = time.time() + 2.0
    while time.time() < deadline:
        drain()
        time.sleep(0.05)
    print(json.dumps({"sent": sent, "replies": replies}))
    return 0


def cmd_separate(args):
    """separate HOST PORT PATH LISTEN [--rst] [--until FILE]: a CON GET
    whose answer comes separately; never ACK it (or RST the first copy)
    and count the copies of the separate response that arrive within
    LISTEN seconds, or until FILE exists (the caller creates it once the
    kernel shows the exchange is over: then no further copy can come)."""
    host, port, path, listen = args[0], int(args[1]), args[2], float(args[3])
    rst = "--rst" in args
    until = args[args.index("--until") + 1] if "--until" in args else None
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    mid = random.randrange(65536)
    tok = os.urandom(4)
    s.sendto(build(0, 1, mid, tok, [(11, p.encode()) for p in path.split("/")]),
             (host, port))
    out = {"empty_ack": False, "copies": 0, "mids": [], "codes": []}
    end = time.time() + listen
    while time.time() < end:
        s.settimeout(max(0.01, min(0.05 if until else listen,
                                   end - time.time())))
        try:
            d, addr = s.recvfrom(65535)
        except socket.timeout:
            if until and os.path.exists(until):
                break
            continue
        m = parse(d)
        if m["type"] == "ACK" and m["code"] == "0.00" and m["mid"] == mid:
            out["empty_ack"] = True
        elif m["token"] == tok.hex():
            out["copies"] += 1
            out["mids"].append(m["mid"])
            out["codes"].append(m["type"] + " " + m["code"])
            if rst:
                s.sendto(bytes([0x70, 0, d[2], d[3]]), addr)
                rst = False
    print(json.dumps(out))
    return 0


class Client:
    """One socket for a whole block-wise transfer (same source port)."""

    def __init__(self, host, port, sport=0, timeout=3.0):
        self.s = socket.socket(family_of(host), socket.SOCK_DGRAM)
        if sport:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.s.bind(("::" if ":" in host else "0.0.0.0", sport))
        self.s.settimeout(timeout)
        self.dst = (host, port)

    def request(self, code, opts, payload=b""):
        mid = random.randrange(65536)
        self.s.sendto(build(0, code, mid, os.urandom(4), opts, payload),
                      self.dst)
        while True:
            d, addr = self.s.recvfrom(65535)
            m = parse(d)
            if m["type"] == "ACK" and m["code"] == "0.00":
                continue            # separate response follows
            if m["type"] == "CON":
                self.s.sendto(bytes([0x60, 0, d[2], d[3]]), addr)
            if m["type"] == "ACK" and m["mid"] != mid:
                continue
            return decorate(m), m["payload"].encode()


def fetch_rest(cl, code, uri, first, first_raw, out):
    """Follow Block2 from the first response; out gets blocks and body."""
    body = first_raw
    m = first
    while m.get("block2") and m["block2"][1]:
        num, _, szx = m["block2"]
        m, raw = cl.request(code, uri + [(23, block_val(num + 1, False, szx))])
        out["codes"].append(m["code"])
        if "block2" not in m:
            break
        out["blocks"].append(m["block2"] + [len(m["payload"])])
        out["etags"].append(m.get("etag"))
        body += raw
    return body


def cmd_blockget(args):
    host, port, path, szx = args[0], int(args[1]), args[2], int(args[3])
    code, late, sport = 1, "--late" in args, 0
    if "--code" in args:
        code = parse_code(args[args.index("--code") + 1])
    if "--sport" in args:
        sport = int(args[args.index("--sport") + 1])
    cl = Client(host, port, sport)
    uri = [(11, p.encode()) for p in path.split("/") if p]
    opts = uri if late else uri + [(23, block_val(0, False, szx))]
    m, raw = cl.request(code, opts)
    out = {"codes": [m["code"]], "first": m, "blocks": [], "etags": []}
    if "block2" in m:
        out["blocks"].append(m["block2"] + [len(m["payload"])])
        out["etags"].append(m.get("etag"))
    body = fetch_rest(cl, code, uri, m, raw, out)
    out["len"] = len(body)
    out["body"] = body.decode("utf-8", "replace")
    print(json.dumps(out))
    return 0


def cmd_blockput(args):
    host, port, path = args[0], int(args[1]), args[2]
    szx, n = int(args[3]), int(args[4])
    code, sport = 3, 0
    if "--code" in args:
        code = parse_code(args[args.index("--code") + 1])
    if "--sport" in args:
        sport = int(args[args.index("--sport") + 1])
    cl = Client(host, port, sport)
    uri = [(11, p.encode()) for p in path.split("/") if p]
    data = pattern(n)
    out = {"sent": [], "codes": [], "block1": [], "blocks": [], "etags": []}
    off = 0
    while True:
        size = 16 << szx
        chunk = data[off:off + size]
        more = off + size < n
        num = off // size
        out["sent"].append([num, int(more), szx, len(chunk)])
        m, raw = cl.request(code, uri + [(27, block_val(num, more, szx))],
                            chunk)
        out["codes"].append(m["code"])
        out["block1"].append(m.get("block1"))
        if not more or m["code"] != "2.31":
            break
        off += len(chunk)
        szx = min(szx, m["block1"][2]) if m.get("block1") else szx
    out["final"] = m
    if "block2" in m:
        out["blocks"].append(m["block2"] + [len(m["payload"])])
        out["etags"].append(m.get("etag"))
    body = fetch_rest(cl, code, uri, m, raw, out)
    out["len"] = len(body)
    out["body"] = body.decode("utf-8", "replace")
    print(json.dumps(out))
    return 0


def read_stats():
    stats = {}
    with open("/proc/net/coap_stats") as f:
        for line in f:
            k, v = line.split()
            stats[k] = int(v)
    return stats


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "req":
        return cmd_req(args)
    if cmd == "raw":
        return report(exchange(args[0], int(args[1]), bytes.fromhex(args[2]),
                               float(args[3]) if len(args) > 3 else 1.0))
    if cmd == "fuzz":
        return cmd_fuzz(args)
    if cmd == "separate":
        return cmd_separate(args)
    if cmd == "blockget":
        return cmd_blockget(args)
    if cmd == "blockput":
        return cmd_blockput(args)
    if cmd == "stats":
        print(json.dumps(read_stats()))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
