#!/usr/bin/env python3
"""How many bytes the module sends to an address that never answers, for
each byte it received from that address (RFC 7252 section 11.3).

  amptool.py [--port N] [--publishes N] [--quiet S]

Opens an endpoint on 127.0.0.1:PORT (default 5790) with fast retransmission
timers, registers resources through its own daemon, and for each path uses a
fresh UDP socket that sends its requests and then only counts: it never
acknowledges, so every CON sent to it is retransmitted until it runs out.

  get-large    GET of a published 1,100-byte representation (first block)
  block2       GET of its second block (Block2 1/0/6)
  discovery    GET /.well-known/core (20 resources with titles)
  observe      Observe registration on that representation, then the
               daemon publishes N new states (every 20th notification CON)
  separate     CON GET answered by the daemon after ack_delay: empty ACK,
               then a CON 2.05 of 500 bytes

Prints one JSON object: per path the bytes and datagrams sent and received
and their ratio.  Counting ends when the module has nothing left in flight
for the path (exchange and observer gauges at zero, or the observer gone)
and nothing arrived for --quiet seconds (default 1), or after 60 s.
Needs the module loaded and root (netlink admin commands).
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coaptool  # noqa: E402
import nltool  # noqa: E402

OPT_OBSERVE, OPT_URI_PATH, OPT_BLOCK2 = 6, 11, 23


def uri(path):
    return [(OPT_URI_PATH, seg.encode()) for seg in path.strip("/").split("/")]


class Victim:
    """A socket that sends requests and counts whatever comes back."""

    def __init__(self, port):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.dst = ("127.0.0.1", port)
        self.sent = self.sent_n = self.rcvd = self.rcvd_n = 0
        self.mid = 0x1000

    def send(self, code, opts, mtype=0):
        self.mid += 1
        d = coaptool.build(mtype, code, self.mid, b"\x42\x42", opts)
        self.s.sendto(d, self.dst)
        self.sent += len(d)
        self.sent_n += 1

    def drain(self, timeout):
        r, _, _ = select.select([self.s], [], [], timeout)
        while r:
            d = self.s.recv(65536)
            self.rcvd += len(d)
            self.rcvd_n += 1
            r, _, _ = select.select([self.s], [], [], 0)
        return bool(r)

    def settle(self, idle, quiet, deadline=60):
        """Count until idle() is true and nothing came for quiet s."""
        end = time.monotonic() + deadline
        last = time.monotonic()
        while time.monotonic() < end:
            before = self.rcvd_n
            self.drain(0.1)
            if self.rcvd_n != before:
                last = time.monotonic()
            elif idle() and time.monotonic() - last >= quiet:
                return True
        return False

    def result(self, settled):
        return {"sent": self.sent, "sent_datagrams": self.sent_n,
                "received": self.rcvd, "received_datagrams": self.rcvd_n,
                "factor": round(self.rcvd / self.sent, 1) if self.sent else None,
                "settled": settled}


def gauges():
    st = coaptool.read_stats()
    return st["exchanges"], st["observers"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=5790)
    ap.add_argument("--publishes", type=int, default=40)
    ap.add_argument("--quiet", type=float, default=1.0)
    o = ap.parse_args()

    g = nltool.Genl()
    fast = [("param.ack_timeout_ms", "200"), ("param.ack_delay_ms", "100"),
            ("param.max_latency_ms", "1000")]
    err, msg, _ = g.call("endpoint_add",
                         [("addr", "addr:127.0.0.1:%d" % o.port)] + fast)
    if err:
        sys.exit(json.dumps({"endpoint_add": err, "msg": msg}))
    adds = [[("path", "/amp/large"), ("observable", "flag")],
            [("path", "/amp/slow")]]
    adds += [[("path", "/amp/r%02d" % i), ("title", "resource %02d" % i),
              ("rt", "amp.test")] for i in range(20)]
    for a in adds:
        err, msg, _ = g.call("resource_add", a)
        if err:
            sys.exit(json.dumps({"resource_add": a[0][1], "errno": err,
                                 "msg": msg}))
    big = nltool.pattern(1100)
    g.call("publish", [("path", "/amp/large"), ("payload", big)])
    idle = lambda: gauges() == (0, 0)  # noqa: E731
    out = {}

    v = Victim(o.port)
    v.send(0x01, uri("/amp/large"))
    out["get-large"] = v.result(v.settle(idle, o.quiet))

    v = Victim(o.port)
    v.send(0x01, uri("/amp/large") + [(OPT_BLOCK2, bytes([0x16]))])
    out["block2"] = v.result(v.settle(idle, o.quiet))

    v = Victim(o.port)
    v.send(0x01, uri("/.well-known/core"))
    out["discovery"] = v.result(v.settle(idle, o.quiet))

    v = Victim(o.port)
    v.send(0x01, [(OPT_OBSERVE, b"")] + uri("/amp/large"))
    v.drain(1.0)
    for i in range(o.publishes):
        g.call("publish", [("path", "/amp/large"),
                           ("payload", big[:-4] + b"%04d" % i)])
        v.drain(0.02)
    # the observer goes when a CON notification runs out of retransmissions
    out["observe"] = v.result(v.settle(idle, o.quiet))

    v = Victim(o.port)
    v.send(0x01, uri("/amp/slow"))
    answered = False
    for req in g.requests(5):
        if "handle" not in req:
            continue        # an observers event left from the observe step
        time.sleep(0.3)     # past ack_delay (100 ms): the answer goes separately
        g.call("response", [("handle", req["handle"]), ("code", 0x45),
                            ("payload", nltool.pattern(500))])
        answered = True
        break
    res = v.result(v.settle(idle, o.quiet))
    res["answered"] = answered
    out["separate"] = res

    g.call("endpoint_del", [("addr", "addr:127.0.0.1:%d" % o.port)])
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
