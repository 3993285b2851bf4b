#!/usr/bin/env python3
"""CoAP sockets (IPPROTO_COAP, SOL_COAP) from Python's standard socket
module, against libcoap's coap-server-notls (on LIBCOAP_PORT, started by
90-sockets.sh) and coap-client-notls, and against raw UDP peers written
here that misbehave on cue (never answer, reset, drop the ACK).

  socktest.py            the tests of 90-sockets.sh
  socktest.py T_NAME...  the named tests only (92-sock-safety.sh)

Prints "ok - NAME" / "not ok - NAME" per check and "# N passed, M failed".
"""
import errno
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coaptool import build, parse  # noqa: E402

IPPROTO_COAP, SOL_COAP, COAP_CMSG_ERROR = 253, 5683, 1
(ACK_TIMEOUT, ACK_RANDOM_FACTOR, MAX_RETRANSMIT, NSTART, DEFAULT_LEISURE,
 PROBING_RATE, MAX_LATENCY, ACK_DELAY, DEFAULT_TYPE, STATS) = range(1, 11)
STAT_NAMES = ("rx_datagrams", "rx_requests", "rx_responses", "rx_duplicates",
              "rx_dropped", "tx_datagrams", "tx_retransmit", "timeouts",
              "resets")
LIBCOAP = int(os.environ.get("LIBCOAP_PORT", "5690"))
PASS = FAIL = 0


def check(name, cond, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
        print("ok - " + name, flush=True)
    else:
        FAIL += 1
        print("not ok - " + name, flush=True)
        if detail:
            print("#   " + str(detail), flush=True)


def csock(family=socket.AF_INET, fast=False):
    s = socket.socket(family, socket.SOCK_DGRAM, IPPROTO_COAP)
    if fast:
        # short timeouts so that failures show in about a second
        s.setsockopt(SOL_COAP, ACK_DELAY, 50)
        s.setsockopt(SOL_COAP, ACK_TIMEOUT, 100)
        s.setsockopt(SOL_COAP, MAX_RETRANSMIT, 2)
        s.setsockopt(SOL_COAP, MAX_LATENCY, 500)
    return s


def stats(s):
    return dict(zip(STAT_NAMES, struct.unpack("9Q", s.getsockopt(
        SOL_COAP, STATS, 72))))


def kstat(name):
    with open("/proc/net/coap_stats") as f:
        for line in f:
            k, v = line.split()
            if k == name:
                return int(v)
    return None


def get(path, token, mtype=0, extra=()):
    opts = [(11, p.encode()) for p in path.split("/") if p] + list(extra)
    return build(mtype, 1, 0, token, opts)


def wait(s, ms=3000):
    p = select.poll()
    p.register(s, select.POLLIN)
    ev = p.poll(ms)
    return ev[0][1] if ev else 0


def errqueue(s):
    data, anc, flags, addr = s.recvmsg(2048, 256, socket.MSG_ERRQUEUE)
    for level, kind, blob in anc:
        if level == SOL_COAP and kind == COAP_CMSG_ERROR:
            e, mid, tkl = struct.unpack_from("IHB", blob)
            return {"error": e, "mid": mid, "token": blob[7:7 + tkl],
                    "data": data, "addr": addr, "flags": flags}
    return None


def until(cond, secs=60):
    """Wait for cond() to hold, at most secs; its last value."""
    end = time.monotonic() + secs
    while not cond() and time.monotonic() < end:
        time.sleep(0.05)
    return cond()


def silent_peer(family=socket.AF_INET):
    u = socket.socket(family, socket.SOCK_DGRAM)
    u.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    return u


def protocols_sockets():
    n = 0
    with open("/proc/net/protocols") as f:
        for line in f:
            w = line.split()
            if w and w[0] in ("COAP", "COAPv6"):
                n += int(w[2])
    return n


def t_options():
    s = csock()
    want = {ACK_TIMEOUT: 2000, ACK_RANDOM_FACTOR: 1500, MAX_RETRANSMIT: 4,
            NSTART: 1, DEFAULT_LEISURE: 5000, PROBING_RATE: 1,
            MAX_LATENCY: 100000, ACK_DELAY: 1000, DEFAULT_TYPE: 0}
    got = {k: s.getsockopt(SOL_COAP, k) for k in want}
    check("SOL_COAP options read the RFC 7252 defaults", got == want, got)
    bad = [(ACK_TIMEOUT, 9), (ACK_TIMEOUT, 60001), (ACK_TIMEOUT, 1000),
           (ACK_RANDOM_FACTOR, 999), (ACK_RANDOM_FACTOR, 4001),
           (MAX_RETRANSMIT, 11), (MAX_RETRANSMIT, -1), (NSTART, 0),
           (NSTART, 33), (DEFAULT_LEISURE, 60001), (PROBING_RATE, 0),
           (MAX_LATENCY, 0), (ACK_DELAY, 2000), (DEFAULT_TYPE, 2),
           (DEFAULT_TYPE, 3), (STATS, 0)]
    refused = []
    for opt, val in bad:
        try:
            s.setsockopt(SOL_COAP, opt, val)
        except OSError as e:
            refused.append(e.errno == errno.EINVAL)
    check("each out-of-range value gets EINVAL (%d cases, ACK_TIMEOUT not "
          "above ACK_DELAY included)" % len(bad),
          len(refused) == len(bad) and all(refused))
    check("  and nothing changed", {k: s.getsockopt(SOL_COAP, k)
                                    for k in want} == want)
    try:
        s.setsockopt(SOL_COAP, 99, 1)
        r = None
    except OSError as e:
        r = e.errno
    check("an unknown SOL_COAP option gets ENOPROTOOPT", r == errno.ENOPROTOOPT)
    try:
        s.setsockopt(SOL_COAP, NSTART, b"\x01")
        r = None
    except OSError as e:
        r = e.errno
    check("a short option value gets EINVAL", r == errno.EINVAL)
    for opt, val in [(ACK_DELAY, 100), (ACK_TIMEOUT, 300), (NSTART, 4),
                     (MAX_RETRANSMIT, 0), (DEFAULT_TYPE, 1)]:
        s.setsockopt(SOL_COAP, opt, val)
    check("valid values are taken", [s.getsockopt(SOL_COAP, o) for o in
                                     (ACK_DELAY, ACK_TIMEOUT, NSTART,
                                      MAX_RETRANSMIT, DEFAULT_TYPE)] ==
          [100, 300, 4, 0, 1])
    s.close()


def t_client_libcoap():
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        s = csock(fam)
        s.sendto(get("time", b"\x11\x22"), (host, LIBCOAP))
        ok = wait(s) & select.POLLIN
        m = parse(s.recv(2048)) if ok else {}
        check("client socket (%s) GET /time from libcoap: piggybacked 2.05, "
              "our token" % host, m.get("type") == "ACK" and
              m.get("code") == "2.05" and m.get("token") == "1122", m)
        s.close()
    s = csock()
    s.connect(("127.0.0.1", LIBCOAP))
    a0 = kstat("rx_acks")
    s.send(get("async", b"\x33"))
    ev = wait(s, 8000)
    m = parse(s.recv(2048)) if ev & select.POLLIN else {}
    check("separate response (libcoap /async): the empty ACK is taken by "
          "the kernel, the CON 2.05 delivered",
          m.get("type") == "CON" and m.get("code") == "2.05" and
          m.get("token") == "33" and kstat("rx_acks") > a0, m)
    check("  and delivered once (the kernel ACKed it: no retransmission "
          "within 3 s)", not wait(s, 3000))
    st = stats(s)
    check("COAP_SO_STATS: 1 response, 2 datagrams in, 1 out",
          st["rx_responses"] == 1 and st["rx_datagrams"] == 2 and
          st["tx_datagrams"] == 2, st)   # request and the ACK we sent
    s.close()


def t_error_timeout():
    u = silent_peer()
    s = csock(fast=True)
    t = time.monotonic()
    s.sendto(get("x", b"\xab\xcd"), u.getsockname())
    ev = wait(s, 5000)
    dt = time.monotonic() - t
    check("a request nobody answers: POLLERR after MAX_RETRANSMIT 2 "
          "(%.2f s)" % dt, ev & select.POLLERR and 0.3 < dt < 2.5, ev)
    e = errqueue(s) if ev & select.POLLERR else None
    sent = [u.recv(100) for _ in range(3)]
    check("  the peer saw 3 copies with the kernel's MID",
          len(set(sent)) == 1 and e and
          struct.unpack(">H", sent[0][2:4])[0] == e["mid"])
    check("  MSG_ERRQUEUE: ETIMEDOUT, token, MID, the request and the peer",
          e and e["error"] == errno.ETIMEDOUT and e["token"] == b"\xab\xcd" and
          e["data"] == sent[0] and e["addr"] == u.getsockname() and
          e["flags"] & socket.MSG_ERRQUEUE, e)
    st = stats(s)
    check("  COAP_SO_STATS: 2 retransmissions, 1 timeout",
          st["tx_retransmit"] == 2 and st["timeouts"] == 1, st)
    try:
        s.recvmsg(100, 100, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
        r = None
    except OSError as e2:
        r = e2.errno
    check("  the error queue is then empty (EAGAIN)", r == errno.EAGAIN)
    s.close()
    u.close()


def t_error_reset():
    u = silent_peer(socket.AF_INET6)

    def resetter():
        d, a = u.recvfrom(100)
        u.sendto(bytes([0x70, 0, d[2], d[3]]), a)
    th = threading.Thread(target=resetter)
    th.start()
    s = csock(socket.AF_INET6)
    s.sendto(get("x", b"\x01"), u.getsockname()[:2])
    ev = wait(s, 3000)
    e = errqueue(s) if ev & select.POLLERR else None
    check("a request the peer resets (IPv6): ECONNRESET on the error queue",
          e and e["error"] == errno.ECONNRESET and e["token"] == b"\x01", e)
    th.join()
    s.close()
    u.close()


def t_non_requests():
    """NON requests are exchanges too: the response ends one, an RST to
    its MID fails it (RFC 7252 section 4.3), silence times it out after
    NON_LIFETIME."""
    u = silent_peer()
    s = csock(fast=True)
    s.sendto(get("n", b"\x4e\x01", 1), u.getsockname())
    d, a = u.recvfrom(100)
    u.sendto(build(1, 0x45, struct.unpack(">H", d[2:4])[0] ^ 1, b"\x4e\x01",
                   [], b"non"), a)
    got = s.recv(100) if wait(s, 3000) & select.POLLIN else b""
    check("a NON request: its NON response is delivered",
          d[0] >> 4 & 3 == 1 and got.endswith(b"non"), (d, got))

    s.sendto(get("n", b"\x4e\x02", 1), u.getsockname())
    d, a = u.recvfrom(100)
    u.sendto(bytes([0x70, 0, d[2], d[3]]), a)
    ev = wait(s, 3000)
    e = errqueue(s) if ev & select.POLLERR else None
    check("  an RST to its MID: ECONNRESET on the error queue",
          e and e["error"] == errno.ECONNRESET and e["token"] == b"\x4e\x02",
          e)

    t = time.monotonic()
    s.sendto(get("n", b"\x4e\x03", 1), u.getsockname())
    ev = wait(s, 10000)
    dt = time.monotonic() - t
    e = errqueue(s) if ev & select.POLLERR else None
    check("  no answer: ETIMEDOUT after NON_LIFETIME (%.2f s)" % dt,
          e and e["error"] == errno.ETIMEDOUT and e["token"] == b"\x4e\x03"
          and dt > 0.9, e)
    check("  the peer got one copy of it, never retransmitted",
          len(u.recv(100)) > 0 and not wait(u, 0), None)
    s.close()
    u.close()


def t_client_duplicates():
    """A server that sends its separate CON response twice (its ACK got
    lost, say): the application sees it once, each copy is ACKed."""
    u = silent_peer()
    s = csock()
    s.sendto(get("d", b"\x0d"), u.getsockname())
    d, a = u.recvfrom(100)
    u.sendto(bytes([0x60, 0, d[2], d[3]]), a)           # empty ACK
    resp = build(0, 0x45, 0x7777, b"\x0d", [], b"twice")
    u.sendto(resp, a)
    u.sendto(resp, a)
    u.settimeout(2)
    acks = [u.recv(100), u.recv(100)]
    first = s.recv(100) if wait(s, 2000) & select.POLLIN else b""
    again = wait(s, 500)
    check("a separate response sent twice: delivered once",
          parse(first).get("payload") == "twice" and not again)
    check("  and both copies acknowledged with its MID",
          acks == [bytes([0x60, 0, 0x77, 0x77])] * 2, acks)
    # an unexpected CON response: RST; an unexpected NON: dropped
    u.sendto(build(0, 0x45, 0x7778, b"\x0e", [], b"?"), a)
    rst = u.recv(100)
    check("a CON response matching no request gets RST, not delivered",
          rst == bytes([0x70, 0, 0x77, 0x78]) and not wait(s, 300), rst)
    st = stats(s)
    check("  COAP_SO_STATS: 1 response, 1 duplicate, 1 dropped",
          st["rx_responses"] == 1 and st["rx_duplicates"] == 1 and
          st["rx_dropped"] == 1, st)
    s.close()
    u.close()


def t_client_rules():
    u = silent_peer()
    s = csock()
    s.sendto(get("a", b"\x07"), u.getsockname())
    try:
        s.sendto(get("b", b"\x07"), u.getsockname())
        r = None
    except OSError as e:
        r = e.errno
    check("a second request with an outstanding token to the same peer: "
          "EBUSY", r == errno.EBUSY)
    for bad, name in ((b"\x40\x00\x00\x00", "an empty message"),
                      (b"\x70\x00\x00\x01", "a RST"),
                      (b"\x41\x01\x00", "three bytes"),
                      (b"\x4f\x01\x00\x00", "a malformed header")):
        try:
            s.sendto(bad, u.getsockname())
            r = None
        except OSError as e:
            r = e.errno
        check("sending %s: EINVAL or EMSGSIZE" % name,
              r in (errno.EINVAL, errno.EMSGSIZE), r)
    c = csock()
    try:
        c.send(get("a", b"\x01"))
        r = None
    except OSError as e:
        r = e.errno
    check("send() without a destination: EDESTADDRREQ",
          r == errno.EDESTADDRREQ)
    try:
        c.recv(10, socket.MSG_DONTWAIT)
        r = None
    except OSError as e:
        r = e.errno
    check("non-blocking recv() with nothing queued: EAGAIN",
          r == errno.EAGAIN)
    c.close()
    s.close()
    # NSTART: one CON at a time to a peer, the rest wait in order
    u.close()
    u = silent_peer()
    s = csock()
    q0 = kstat("tx_queued")
    for i in range(3):
        s.sendto(get("n", bytes([0x50 + i])), u.getsockname())
    u.settimeout(0.3)
    first = u.recvfrom(100)
    try:
        u.recv(100)
        extra = True
    except socket.timeout:
        extra = False
    check("NSTART 1: of 3 CONs only the first is sent (2 queued)",
          not extra and first[0][4] == 0x50 and
          kstat("tx_queued") == q0 + 2)
    d, a = first
    u.sendto(bytes([0x60, 0, d[2], d[3]]), a)    # empty ACK
    nxt = u.recv(100)
    check("  the empty ACK lets the second go", nxt[4] == 0x51)
    s.close()
    # max_sock_requests
    with open("/sys/module/coap/parameters/max_sock_requests", "w") as f:
        f.write("2")
    s = csock()
    s.sendto(get("m", b"\x01"), u.getsockname())
    s.sendto(get("m", b"\x02"), u.getsockname())
    try:
        s.sendto(get("m", b"\x03"), u.getsockname())
        r = None
    except OSError as e:
        r = e.errno
    check("max_sock_requests 2: the third outstanding request gets ENOBUFS",
          r == errno.ENOBUFS)
    with open("/sys/module/coap/parameters/max_sock_requests", "w") as f:
        f.write("256")
    s.close()
    u.close()


def serve(s, count, delay=0.0, code=0x45, text=b"hi", seen=None):
    """Answer count requests on server socket s (in a thread)."""
    for _ in range(count):
        if not wait(s, 10000) & select.POLLIN:
            return
        d, a = s.recvfrom(2048)
        m = parse(d)
        if seen is not None:
            seen.append(m)
        time.sleep(delay)
        tok = bytes.fromhex(m["token"])
        s.sendto(build(1, code, 0, tok, [(12, b"")], text), a)


def libcoap_get(port, path, extra=()):
    r = subprocess.run(["coap-client-notls", "-B", "10", *extra,
                        "coap://127.0.0.1:%d/%s" % (port, path)],
                       capture_output=True, text=True, timeout=30)
    return r.stdout.strip()


def t_server():
    s = csock()
    s.bind(("127.0.0.1", 5700))
    seen = []
    th = threading.Thread(target=serve, args=(s, 1, 0.0, 0x45, b"hi", seen))
    th.start()
    out = libcoap_get(5700, "hello")
    th.join()
    check("server socket answers libcoap's coap-client-notls: 'hi'",
          out == "hi" and seen and seen[0]["code"] == "0.01", (out, seen))
    sep0 = kstat("req_separate")
    th = threading.Thread(target=serve, args=(s, 1, 1.5, 0x45, b"late"))
    th.start()
    out = libcoap_get(5700, "slow")
    th.join()
    check("an answer after ack_delay_ms: empty ACK then a CON separate "
          "response, which libcoap receives",
          out == "late" and kstat("req_separate") == sep0 + 1, out)
    # NON separate responses
    s.setsockopt(SOL_COAP, DEFAULT_TYPE, 1)
    th = threading.Thread(target=serve, args=(s, 1, 1.3, 0x45, b"non"))
    th.start()
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.settimeout(4)
    c.sendto(build(0, 1, 0x1234, b"\x99", [(11, b"x")]), ("127.0.0.1", 5700))
    first, second = parse(c.recv(100)), parse(c.recv(100))
    th.join()
    check("COAP_SO_DEFAULT_TYPE NON: the late answer goes as NON after the "
          "empty ACK", first["type"] == "ACK" and first["code"] == "0.00" and
          second["type"] == "NON" and second["payload"] == "non",
          (first, second))
    s.setsockopt(SOL_COAP, DEFAULT_TYPE, 0)
    # deduplication: the application sees a retransmitted CON once
    seen = []
    th = threading.Thread(target=serve, args=(s, 1, 0.2, 0x45, b"once", seen))
    th.start()
    c.sendto(build(0, 1, 0x2222, b"\x42", [(11, b"d")]), ("127.0.0.1", 5700))
    c.sendto(build(0, 1, 0x2222, b"\x42", [(11, b"d")]), ("127.0.0.1", 5700))
    r1 = parse(c.recv(100))
    c.sendto(build(0, 1, 0x2222, b"\x42", [(11, b"d")]), ("127.0.0.1", 5700))
    r2 = parse(c.recv(100))
    th.join()
    check("a CON sent 3 times reaches the application once",
          len(seen) == 1 and not wait(s, 500), seen)
    check("  the copy after the answer gets the same piggybacked ACK again",
          r1 == r2 and r1["payload"] == "once" and r1["mid"] == 0x2222, r2)
    # answering what was not asked
    try:
        s.sendto(build(1, 0x45, 0, b"\xde\xad", [], b"x"), ("127.0.0.1", 9))
        r = None
    except OSError as e:
        r = e.errno
    check("a response to no open request: ENOENT", r == errno.ENOENT)
    c.close()
    s.close()


def t_server_bounds():
    s = csock()
    s.bind(("127.0.0.1", 5701))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    full0, drops0 = kstat("req_queue_full"), udp_rcvbuf_errors()
    rx0 = kstat("rx_datagrams")
    for i in range(600):
        c.sendto(build(1, 1, i, i.to_bytes(2, "big"), [(11, b"f")]),
                 ("127.0.0.1", 5701))
    # every one has passed the message layer (queued, or dropped by UDP)
    until(lambda: kstat("rx_datagrams") >= rx0 + 600)
    n = 0
    while True:
        try:
            s.recv(2048, socket.MSG_DONTWAIT)
            n += 1
        except BlockingIOError:
            break
    check("a flood of 600 NON requests into SO_RCVBUF 2048: the queue held "
          "%d, UDP counted the rest as RcvbufErrors" % n,
          0 < n < 600 and udp_rcvbuf_errors() > drops0)
    check("  and open exchanges stop at max_pending (256): 5.03 for the "
          "rest", kstat("req_queue_full") > full0)
    c.close()
    s.close()


def udp_rcvbuf_errors():
    with open("/proc/net/snmp") as f:
        lines = [ln.split() for ln in f if ln.startswith("Udp:")]
    return int(lines[1][lines[0].index("RcvbufErrors")])


def t_epoll():
    s = csock(socket.AF_INET6)
    s.bind(("::1", 5702))
    s.setblocking(False)
    ep = select.epoll()
    ep.register(s, select.EPOLLIN)
    c = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    c.sendto(build(1, 1, 7, b"\x01", [(11, b"e")]), ("::1", 5702))
    ev = ep.poll(3)
    check("epoll: EPOLLIN on a server socket when a request arrives",
          ev and ev[0][1] & select.EPOLLIN)
    d, a = s.recvfrom(100)
    check("  recvfrom gives the request and the client's address",
          parse(d)["code"] == "0.01" and a[0] == "::1" and
          a[1] == c.getsockname()[1], a)
    ep.close()
    c.close()
    s.close()


def t_close_in_flight():
    base = protocols_sockets()
    u = silent_peer()
    socks = []
    for _ in range(3):
        s = csock()
        for i in range(3):
            s.sendto(get("c", bytes([i])), u.getsockname())
        socks.append(s)
    srv = csock()
    srv.bind(("127.0.0.1", 5703))
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.sendto(build(0, 1, 9, b"\x01", [(11, b"p")]), ("127.0.0.1", 5703))
    wait(srv, 2000)
    opened = kstat("exchanges")
    check("sockets with 9 requests out and one served request open",
          protocols_sockets() == base + 4 and opened >= 1, opened)
    for s in socks + [srv]:
        s.close()
    until(lambda: protocols_sockets() == base and kstat("exchanges") == 0)
    check("close() frees them: no CoAP socket, no open exchange left",
          protocols_sockets() == base and kstat("exchanges") == 0,
          (protocols_sockets(), kstat("exchanges")))
    c.close()
    u.close()


# ---- safety (92-sock-safety.sh runs these by name) ------------------------

SOL_UDP, UDP_ENCAP, UDP_GRO = 17, 100, 104
IP_RECVERR, IPV6_RECVERR = 11, 25


def closed_port(family, host):
    """A port nothing listens on: bound once, then closed."""
    u = socket.socket(family, socket.SOCK_DGRAM)
    u.bind((host, 0))
    dest = u.getsockname()[:2]
    u.close()
    return dest


def t_errqueue_foreign():
    """Only the module's own reports are read as CoAP reports: an ICMP
    error queued by UDP (IP_RECVERR, and UDP_ENCAP 0 turning the socket
    into plain UDP) must not be parsed as one."""
    for fam, host, lvl, opt in ((socket.AF_INET, "127.0.0.1", socket.SOL_IP,
                                 IP_RECVERR),
                                (socket.AF_INET6, "::1", socket.IPPROTO_IPV6,
                                 IPV6_RECVERR)):
        s = csock(fam, fast=True)
        s.setsockopt(lvl, opt, 1)
        refused = {}
        for name, o, v in (("UDP_ENCAP", UDP_ENCAP, 0), ("UDP_GRO", UDP_GRO, 1)):
            try:
                s.setsockopt(SOL_UDP, o, v)
                refused[name] = None
            except OSError as e:
                refused[name] = e.errno
        check("%s: UDP_ENCAP and UDP_GRO on a CoAP socket are refused with "
              "ENOPROTOOPT" % host,
              all(v == errno.ENOPROTOOPT for v in refused.values()), refused)
        dest = closed_port(fam, host)
        req = get("x", b"\x5a\xa5")
        s.sendto(req, dest)
        reads, bad, end = [], [], time.monotonic() + 5
        # read every report until ours (ETIMEDOUT) arrives, bounded
        while time.monotonic() < end and len(reads) < 20:
            p = select.poll()
            p.register(s, 0)
            if not p.poll(max(1, int((end - time.monotonic()) * 1000))):
                break
            try:
                data, anc, flags, addr = s.recvmsg(2048, 256,
                                                   socket.MSG_ERRQUEUE)
            except OSError as e:
                bad.append("recvmsg: %s" % e)
                break
            r = {"data": data.hex(), "addr": addr,
                 "cmsg": [(lv, k, b.hex()) for lv, k, b in anc]}
            reads.append(r)
            coap = [b for lv, k, b in anc
                    if lv == SOL_COAP and k == COAP_CMSG_ERROR]
            if coap:
                e, mid, tkl = struct.unpack_from("IHB", coap[0])
                if (addr[:2] != dest or data != req[:2] + data[2:4] + req[4:]
                        or e != errno.ETIMEDOUT or
                        coap[0][7:7 + tkl] != b"\x5a\xa5"):
                    bad.append(r)
                if e == errno.ETIMEDOUT:
                    break
            elif data != req[:2] + data[2:4] + req[4:]:
                bad.append(r)   # an IP-level report: the datagram as sent
        ours = [r for r in reads if any(c[0] == SOL_COAP for c in r["cmsg"])]
        check("  a request to a closed port: every MSG_ERRQUEUE read is well "
              "formed (%d read), the CoAP report names the peer and the "
              "request" % len(reads), not bad and len(ours) == 1,
              bad or reads)
        s.close()


def t_close_race():
    """CoAP pings flood a port while a CoAP socket bound to it is closed
    and reopened: the receive path must not use the closing socket."""
    port = 5710
    stop = threading.Event()
    sent = [0]

    def flood():
        u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        u4.setblocking(False)
        u6.setblocking(False)
        mid = 0
        while not stop.is_set():
            for u, a in ((u4, ("127.0.0.1", port)), (u6, ("::1", port))):
                mid = (mid + 1) & 0xFFFF
                try:
                    u.sendto(bytes([0x40, 0, mid >> 8, mid & 0xFF]), a)
                    sent[0] += 1
                except OSError:
                    pass
                try:
                    while True:
                        u.recv(16)      # the RSTs
                except OSError:
                    pass
        u4.close()
        u6.close()
    threads = [threading.Thread(target=flood) for _ in range(2)]
    for t in threads:
        t.start()
    cycles, errs, end = 0, [], time.monotonic() + 20
    while cycles < 400 and time.monotonic() < end:
        fam, host = ((socket.AF_INET6, "::") if cycles & 1 else
                     (socket.AF_INET, "0.0.0.0"))
        s = csock(fam)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            errs.append(e.errno)
        # a request out as well, so close also has an exchange to drop
        s.sendto(get("r", b"\x01"), ("127.0.0.1" if fam == socket.AF_INET
                                     else "::1", port))
        s.close()
        cycles += 1
    stop.set()
    for t in threads:
        t.join()
    check("%d close/reopen cycles of a CoAP socket on a port flooded with "
          "%d pings" % (cycles, sent[0]), cycles >= 50 and sent[0] > cycles,
          errs)
    s = csock()
    s.bind(("127.0.0.1", port))
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # a bound, not a measure: the flood's backlog may still be draining
    c.settimeout(30)
    c.sendto(b"\x40\x00\x12\x34", ("127.0.0.1", port))
    try:
        r = c.recv(16)
    except socket.timeout:
        r = b""
    check("  then a socket bound there answers a ping with RST",
          r == b"\x70\x00\x12\x34", r)
    c.close()
    s.close()


def listener(family=socket.AF_INET):
    u = silent_peer(family)
    u.settimeout(0.5)
    return u


def got(u):
    try:
        return u.recv(2048)
    except socket.timeout:
        return None


def send_err(s, data, dest):
    try:
        s.sendto(data, dest)
        return 0
    except OSError as e:
        return e.errno


def t_egress_mark():
    """`ip rule add fwmark 77 prohibit` (set up by the scenario): a CoAP
    socket with SO_MARK 77 gets nothing out, as a UDP socket does."""
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        u = listener(fam)
        dest = u.getsockname()[:2]
        p = socket.socket(fam, socket.SOCK_DGRAM)
        p.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, 77)
        perr = send_err(p, b"plain", dest)
        pgot = got(u)
        s = csock(fam, fast=True)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, 77)
        cerr = send_err(s, get("m", b"\x77", 1), dest)
        cgot = got(u)
        check("%s: SO_MARK 77 under 'fwmark 77 prohibit': UDP gets %s and "
              "sends nothing; the CoAP socket gets %s and sends nothing" %
              (host, errno.errorcode.get(perr, perr),
               errno.errorcode.get(cerr, cerr)),
              perr == errno.EACCES and pgot is None and cgot is None and
              cerr == errno.EACCES, (pgot, cgot))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, 0)
        ok0 = send_err(s, get("m", b"\x78", 1), dest) == 0 and got(u)
        check("  without the mark it goes out", bool(ok0))
        p.close()
        s.close()
        u.close()


def t_egress_uid():
    """`ip rule add uidrange 4242-4242 prohibit`: a CoAP socket opened by
    uid 4242 sends nothing, as that user's UDP socket does.  Runs the
    sockets in a child that drops to uid 4242."""
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        u = listener(fam)
        dest = u.getsockname()[:2]
        rd, wr = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rd)
            os.setresgid(4242, 4242, 4242)
            os.setresuid(4242, 4242, 4242)
            p = socket.socket(fam, socket.SOCK_DGRAM)
            perr = send_err(p, b"plain", dest)
            s = csock(fam, fast=True)
            cerr = send_err(s, get("u", b"\x42", 1), dest)
            os.write(wr, struct.pack("ii", perr, cerr))
            os._exit(0)
        os.close(wr)
        perr, cerr = struct.unpack("ii", os.read(rd, 8))
        os.waitpid(pid, 0)
        os.close(rd)
        seen = got(u)
        check("%s: uid 4242 under 'uidrange 4242-4242 prohibit': UDP gets "
              "%s, the CoAP socket %s, nothing reaches the peer" %
              (host, errno.errorcode.get(perr, perr),
               errno.errorcode.get(cerr, cerr)),
              perr == errno.EACCES and cerr == errno.EACCES and seen is None,
              seen)
        u.close()


def t_egress_bindtodevice():
    """SO_BINDTODEVICE to a device with no route to the listener (the
    scenario's veth kc0): the CoAP socket's datagram does not reach it,
    as a UDP socket's does not."""
    u = listener()
    dest = u.getsockname()
    p = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    p.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"kc0")
    perr = send_err(p, b"plain", dest)
    pgot = got(u)
    s = csock(fast=True)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"kc0")
    cerr = send_err(s, get("d", b"\x0d", 1), dest)
    cgot = got(u)
    check("SO_BINDTODEVICE kc0: UDP (%s) and the CoAP socket (%s) get "
          "nothing to 127.0.0.1" % (errno.errorcode.get(perr, perr),
                                    errno.errorcode.get(cerr, cerr)),
          pgot is None and cgot is None and perr == cerr, (pgot, cgot))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"")
    check("  unbound again it goes out",
          send_err(s, get("d", b"\x0e", 1), dest) == 0 and got(u))
    p.close()
    s.close()
    u.close()


def t_sndbuf():
    """Requests held for retransmission are charged to the socket's send
    buffer: with SO_SNDBUF small, a silent peer, and MSG_DONTWAIT, sendmsg
    fails with EAGAIN once the buffer is full; a blocking send waits for
    SO_SNDTIMEO, then EAGAIN; when the requests time out the room is back."""
    u = silent_peer()
    s = csock(fast=True)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    sndbuf = s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    size = 1000
    n, err = 0, None
    while n < 300:
        req = get("b", n.to_bytes(2, "big"), 0) + b"\xff" + b"p" * (size - 12)
        try:
            s.sendto(req, socket.MSG_DONTWAIT, u.getsockname())
            n += 1
        except OSError as e:
            err = e.errno
            break
    check("SO_SNDBUF %d: %d requests of %d bytes outstanding to a silent "
          "peer, then %s" % (sndbuf, n, len(req),
                             errno.errorcode.get(err, err)),
          err == errno.EAGAIN and 0 < n and (n - 1) * len(req) <= sndbuf)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO,
                 struct.pack("ll", 0, 300000))
    t = time.monotonic()
    try:
        s.sendto(get("b", b"\xff\xff", 0), u.getsockname())
        r = None
    except OSError as e:
        r = e.errno
    dt = time.monotonic() - t
    check("  a blocking send waits SO_SNDTIMEO (%.2f s), then EAGAIN" % dt,
          r == errno.EAGAIN and 0.2 < dt < 2.5, r)
    # they time out one by one (NSTART 1; MAX_RETRANSMIT 2, ACK_TIMEOUT
    # 100: about 1 s each)
    end = time.monotonic() + min(30, 5 + 2 * n)
    while time.monotonic() < end:
        try:
            while s.recvmsg(2048, 256, socket.MSG_ERRQUEUE |
                            socket.MSG_DONTWAIT):
                pass
        except OSError:
            pass
        if stats(s)["timeouts"] >= n:
            break
        time.sleep(0.05)
    check("  once they timed out, sending works again",
          send_err(s, get("b", b"\xfe\xfe", 0), u.getsockname()) == 0)
    s.close()
    u.close()


def main():
    tests = (t_options, t_client_libcoap, t_error_timeout, t_error_reset,
             t_non_requests, t_client_duplicates, t_client_rules, t_server, t_server_bounds,
             t_epoll, t_close_in_flight)
    if len(sys.argv) > 1:       # the named tests only
        tests = [globals()[n] for n in sys.argv[1:]]
    for t in tests:
        try:
            t()
        except Exception as e:      # a crash is a failed check, not a hang
            check("%s ran to the end" % t.__name__, False, repr(e))
    print("# %d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
