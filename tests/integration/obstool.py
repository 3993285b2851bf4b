#!/usr/bin/env python3
"""Observe (RFC 7641) test client for kcoap's integration tests.

  obstool.py HOST PORT PATH [--type con|non] [--token HEX] [--accept N]
             [--block2 SZX] [--seconds S] [--count N] [--no-ack]
             [--rst-after K] [--cancel-after K] [--ready FILE] [--sport N]
             [--fetch-rest] [--keep] [--until FILE]
  obstool.py many HOST PORT PATH N [--seconds S] [--ready FILE]
             [--expect K]

Registers with GET Observe 0, then prints one JSON object per message
received: {"ev": "response"|"notification"|"cancel-response", ...} with the
parsed message, its Observe value ("observe", null without) and the
seconds since registration ("t").  CON notifications are acknowledged
unless --no-ack.  After the K-th notification --rst-after answers it with
RST instead, --cancel-after sends GET Observe 1 with the same token.  It
stops after --count notifications or --seconds, or once FILE exists
(--until; what has already arrived is read first), and prints
{"ev": "end", "notifications": n}.  Unless --keep, it then deregisters
(GET Observe 1), as a well-behaved client leaves.  --fetch-rest fetches the remaining
Block2 blocks of every notification and reports the whole body as
"body".

"many" registers N observers from N sockets, acknowledges every CON and
prints {"ev": "many", "registered": r, "counts": [...]}: how many
notifications each socket received (then all deregister); with --expect K it exits 0 only when
every observer got at least K.

Exit status: 0 on success, 1 when no response to the registration came.
"""
import json
import os
import random
import resource
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coaptool import TYPES, build, family_of, parse  # noqa: E402

OBSERVE, BLOCK2, ACCEPT, URI_PATH = 6, 23, 17, 11


def uint(v):
    return v.to_bytes((v.bit_length() + 7) // 8, "big") if v else b""


def opt_uint(msg, num):
    for n, v in msg["options"]:
        if n == num:
            return int(v, 16) if v else 0
    return None


def path_opts(path):
    return [(URI_PATH, s.encode()) for s in path.split("/") if s]


def ack(sock, addr, mid, rst=False):
    sock.sendto(bytes([0x70 if rst else 0x60, 0, mid >> 8, mid & 0xFF]), addr)


def fetch_rest(host, port, path, first):
    """Fetch blocks 1.. of a Block2 body whose block 0 is first."""
    b = opt_uint(first, BLOCK2)
    body = first["payload"].encode("latin-1", "replace")
    if b is None or not b & 8:
        return body.decode("utf-8", "replace")
    szx = b & 7
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    s.settimeout(2)
    num = 1
    try:
        while num < 4096:
            mid = random.randrange(65536)
            s.sendto(build(0, 1, mid, os.urandom(4), path_opts(path) +
                           [(BLOCK2, uint(num << 4 | szx))]), (host, port))
            m = parse(s.recvfrom(65535)[0])
            body += m["payload"].encode("utf-8", "replace")
            v = opt_uint(m, BLOCK2)
            if v is None or not v & 8:
                break
            num += 1
    except socket.timeout:
        return None
    finally:
        s.close()
    return body.decode("utf-8", "replace")


def leave(s, host, port, path, token):
    """Deregister: GET with Observe 1; wait briefly for its answer."""
    mid = random.randrange(65536)
    s.sendto(build(0, 1, mid, token, [(OBSERVE, b"\x01")] + path_opts(path)),
             (host, port))
    end = time.monotonic() + 1
    while time.monotonic() < end:
        if not select.select([s], [], [], end - time.monotonic())[0]:
            return
        data, addr = s.recvfrom(65535)
        m = parse(data)
        if m["type"] == "CON":
            ack(s, addr, m["mid"])
        if m["mid"] == mid:
            return


def observe(args):
    host, port, path = args[0], int(args[1]), args[2]
    mtype, token, extra = 0, os.urandom(4), []
    seconds, count, no_ack, sport = 10.0, 1 << 30, False, 0
    rst_after = cancel_after = None
    ready, rest, keep, until = None, False, False, None
    it = iter(args[3:])
    for a in it:
        if a == "--type":
            mtype = TYPES[next(it)]
        elif a == "--token":
            token = bytes.fromhex(next(it))
        elif a == "--accept":
            extra.append((ACCEPT, uint(int(next(it)))))
        elif a == "--block2":
            extra.append((BLOCK2, uint(int(next(it)))))
        elif a == "--seconds":
            seconds = float(next(it))
        elif a == "--count":
            count = int(next(it))
        elif a == "--no-ack":
            no_ack = True
        elif a == "--rst-after":
            rst_after = int(next(it))
        elif a == "--cancel-after":
            cancel_after = int(next(it))
        elif a == "--ready":
            ready = next(it)
        elif a == "--sport":
            sport = int(next(it))
        elif a == "--fetch-rest":
            rest = True
        elif a == "--keep":
            keep = True
        elif a == "--until":
            until = next(it)
        else:
            sys.exit("obstool: unknown argument %s" % a)
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    if sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::" if ":" in host else "0.0.0.0", sport))
    mid = random.randrange(65536)
    s.sendto(build(mtype, 1, mid, token,
                   [(OBSERVE, b"")] + path_opts(path) + extra), (host, port))
    start = time.monotonic()
    got_response, n, cancel_mid = False, 0, None
    while n < count:
        left = start + seconds - time.monotonic()
        if left <= 0:
            break
        if not select.select([s], [], [], min(left, 0.05) if until
                             else left)[0]:
            if until and os.path.exists(until):
                break
            continue
        data, addr = s.recvfrom(65535)
        m = parse(data)
        m["observe"] = opt_uint(m, OBSERVE)
        m["t"] = round(time.monotonic() - start, 3)
        if m["type"] == "ACK" and m["code"] == "0.00":
            continue        # empty ACK of a separate response
        if not got_response and m["token"] == token.hex():
            m["ev"] = "response"
            got_response = True
            if rest:
                m["body"] = fetch_rest(host, port, path, m)
            if m["type"] == "CON":
                ack(s, addr, m["mid"])
            if ready:
                open(ready, "w").close()
        elif cancel_mid is not None and m["mid"] == cancel_mid:
            m["ev"] = "cancel-response"
        else:
            n += 1
            m["ev"] = "notification"
            if rest:
                m["body"] = fetch_rest(host, port, path, m)
            if rst_after == n:
                ack(s, addr, m["mid"], rst=True)
                m["answered"] = "RST"
            elif m["type"] == "CON" and not no_ack:
                ack(s, addr, m["mid"])
                m["answered"] = "ACK"
            if cancel_after == n:
                cancel_mid = random.randrange(65536)
                s.sendto(build(0, 1, cancel_mid, token,
                               [(OBSERVE, b"\x01")] + path_opts(path)),
                         (host, port))
        print(json.dumps(m), flush=True)
    print(json.dumps({"ev": "end", "notifications": n}), flush=True)
    if not keep:
        leave(s, host, port, path, token)
    return 0 if got_response else 1


def many(args):
    host, port, path, nobs = args[0], int(args[1]), args[2], int(args[3])
    seconds, ready, expect = 10.0, None, None
    it = iter(args[4:])
    for a in it:
        if a == "--seconds":
            seconds = float(next(it))
        elif a == "--ready":
            ready = next(it)
        elif a == "--expect":
            expect = int(next(it))
        else:
            sys.exit("obstool: unknown argument %s" % a)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < nobs + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    socks = []
    for i in range(nobs):
        s = socket.socket(family_of(host), socket.SOCK_DGRAM)
        s.setblocking(False)
        s.sendto(build(0, 1, random.randrange(65536), i.to_bytes(4, "big"),
                       [(OBSERVE, b"")] + path_opts(path)), (host, port))
        socks.append(s)
    index = {s.fileno(): i for i, s in enumerate(socks)}
    registered, counts = [False] * nobs, [0] * nobs
    poll = select.poll()
    for s in socks:
        poll.register(s, select.POLLIN)
    start, signalled = time.monotonic(), False
    while time.monotonic() < start + seconds:
        for fd, _ in poll.poll(100):
            i = index[fd]
            try:
                data, addr = socks[i].recvfrom(65535)
            except BlockingIOError:
                continue
            m = parse(data)
            if m["type"] == "CON":
                ack(socks[i], addr, m["mid"])
            if opt_uint(m, OBSERVE) is None:
                continue
            if not registered[i]:
                registered[i] = True
            else:
                counts[i] += 1
        if ready and not signalled and all(registered):
            open(ready, "w").close()
            signalled = True
        if expect is not None and all(c >= expect for c in counts):
            break
    print(json.dumps({"ev": "many", "registered": sum(registered),
                      "counts": counts}), flush=True)
    for i, s in enumerate(socks):
        s.setblocking(True)
        leave(s, host, port, path, i.to_bytes(4, "big"))
    if expect is not None:
        return 0 if all(c >= expect for c in counts) else 1
    return 0


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    if sys.argv[1] == "many":
        return many(sys.argv[2:])
    return observe(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
