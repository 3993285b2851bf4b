#!/usr/bin/env python3
"""A netlink port id taken over while its old socket is still closing.

usage: portidrace.py COAP_PORT NRES

netlink_release() frees a socket's port id before it tells the netlink
notifier chain that the socket is gone, so for a moment another socket can
bind the same port id while the kernel still holds the old daemon's
resources and requests.  This widens that moment: daemon C registers NRES
resources and closes; while C's release runs (it holds the module's
configuration lock), daemon S closes too, and S's release waits for that
lock.  B binds S's port id as soon as it is free and then, while S's
close has not returned:

  - answers the request that was delivered to S (its handle),
  - is sent a new request for S's resource by a client.

Prints one JSON object: "window" (S's close was still running when B was
done, i.e. the race window was really open), "b_bound", "answer_errno"
(B's COAP_CMD_RESPONSE), "b_requests" (requests B received), "first" and
"second" (what the two clients got, null for nothing within 3 s).
Needs several CPUs and a preemptible kernel: on one CPU C's release
finishes before anything else runs, and "window" is false.
"""
import errno
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coaptool  # noqa: E402
import nltool  # noqa: E402

port, nres = int(sys.argv[1]), int(sys.argv[2])
GET = 0x01
pid = 0x7c000000 | (os.getpid() & 0xFFFFFF)


def client():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", port))
    return s


def get(s, path, mid, token, wait):
    """CON GET; the first non-empty answer within wait seconds, or None."""
    opts = [(11, p.encode()) for p in path.strip("/").split("/")]
    s.send(coaptool.build(0, GET, mid, token, opts))
    return answer(s, wait)


def answer(s, wait):
    end = time.monotonic() + wait
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return None
        s.settimeout(left)
        try:
            m = coaptool.parse(s.recv(2048))
        except socket.timeout:
            return None
        if m["code"] != "0.00":
            return m


out = {"window": False, "b_bound": False}
c = nltool.Genl()
c.batch("resource_add", [[("path", "/c/%d" % i), ("methods", "2")]
                         for i in range(nres)])
err = c.call("publish", [("path", "/c/0"), ("payload", b"c")])[0]
n = len(nltool.Genl().dump("resource_get")[2])
if err or n < nres:
    raise SystemExit("setup: publish errno %d, %d of %d resources" % (err, n, nres))

s = nltool.Genl(pid)
s.call("resource_add", [("path", "/s"), ("methods", "2")])
first = client()
first.send(coaptool.build(0, GET, 0x100, b"first", [(11, b"s")]))
handle = next(s.requests(20))["handle"]

tc = threading.Thread(target=c.s.close)
ts = threading.Thread(target=s.s.close)
tc.start()
probe = client()
mid, end = 0x200, time.monotonic() + 60
while time.monotonic() < end:   # C's release has begun once /c/0 is gone
    mid += 1
    m = get(probe, "/c/0", mid, b"p", 1.0)
    if m and m["code"] == "4.04":
        break
ts.start()
b = None
end = time.monotonic() + 20
while time.monotonic() < end and b is None:
    try:
        b = nltool.Genl(pid)
    except OSError as e:
        if e.errno != errno.EADDRINUSE:
            raise
if b:
    out["b_bound"] = True
    out["answer_errno"] = b.call("response", [("handle", handle), ("code", 0x45),
                                              ("payload", b"from B")])[0]
    second = client()
    second.send(coaptool.build(0, GET, 0x300, b"second", [(11, b"s")]))
    # both happened while S's release had yet to run
    out["window"] = ts.is_alive()
    out["second"] = answer(second, 3)
    b.s.setblocking(False)
    try:
        while True:
            b.backlog += [m for t, _, _, m in b.messages(b.recv())
                          if t == b.fam]
    except BlockingIOError:
        pass
    out["b_requests"] = sum(1 for m in b.backlog
                            if m[0] == nltool.CMD["request"])
out["first"] = answer(first, 3)
tc.join()
ts.join()
print(json.dumps(out))
