#!/usr/bin/env python3
"""GET a CoAP resource through the kernel: a CoAP socket does the
retransmission, ACKs and deduplication; this script only builds and reads
messages.  Needs the coap module (loaded on first use).

  coap_get.py HOST[:PORT] PATH [--timeout SECONDS]

Prints the response code and payload; exit 0 on 2.xx, 1 on another
code, 2 when the request failed (no answer after the retransmissions, or
the server reset it), 3 on bad usage.
"""
import os
import select
import socket
import struct
import sys

IPPROTO_COAP, SOL_COAP, COAP_CMSG_ERROR = 253, 5683, 1
COAP_SO_MAX_RETRANSMIT = 3


def request(path, token):
    """CON GET with Uri-Path options (RFC 7252 section 3); MID 0: the
    kernel sets it."""
    msg = bytearray([0x40 | len(token), 0x01, 0, 0]) + token
    prev = 0
    for seg in [s.encode() for s in path.split("/") if s]:
        delta, n = 11 - prev, len(seg)     # option 11: Uri-Path
        assert n < 269
        msg += bytes([(min(delta, 13) << 4) | (n if n < 13 else 13)])
        if delta >= 13:
            msg.append(delta - 13)
        if n >= 13:
            msg.append(n - 13)
        msg += seg
        prev = 11
    return bytes(msg)


def payload(data):
    """The payload after the 0xFF marker, skipping token and options."""
    i = 4 + (data[0] & 0x0F)
    while i < len(data) and data[i] != 0xFF:
        b = data[i]
        i += 1
        for nib in (b >> 4, b & 0x0F):
            if nib == 13:
                i += 1
            elif nib == 14:
                i += 2
        length = b & 0x0F
        if length == 13:
            length = data[i - 1] + 13
        elif length == 14:
            length = int.from_bytes(data[i - 2:i], "big") + 269
        i += length
    return data[i + 1:] if i < len(data) else b""


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 3
    target = sys.argv[1]
    if target.startswith("["):                  # [v6]:port or [v6]
        host, _, port = target[1:].partition("]")
        port = port.lstrip(":")
    elif target.count(":") == 1:                # v4:port
        host, port = target.split(":")
    else:                                       # v4, v6 or a name
        host, port = target, ""
    timeout = 60.0
    if len(sys.argv) > 4 and sys.argv[3] == "--timeout":
        timeout = float(sys.argv[4])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM, IPPROTO_COAP)
    s.setsockopt(SOL_COAP, COAP_SO_MAX_RETRANSMIT, 3)
    s.connect((host, int(port or 5683)))
    token = os.urandom(4)
    s.send(request(sys.argv[2], token))
    poll = select.poll()
    poll.register(s, select.POLLIN)
    while True:
        events = poll.poll(timeout * 1000)
        if not events:
            print("no response", file=sys.stderr)
            return 2
        if events[0][1] & select.POLLERR:
            # the kernel gave up: the failure waits on the error queue
            _, anc, _, _ = s.recvmsg(65535, 64, socket.MSG_ERRQUEUE)
            for level, kind, blob in anc:
                if level == SOL_COAP and kind == COAP_CMSG_ERROR:
                    err = struct.unpack_from("I", blob)[0]
                    print("request failed: %s" % os.strerror(err),
                          file=sys.stderr)
            return 2
        data = s.recv(65535)
        if data[4:4 + (data[0] & 0x0F)] == token:
            break
    code = data[1]
    print("%d.%02d %s" % (code >> 5, code & 31,
                          payload(data).decode("utf-8", "replace")))
    return 0 if code >> 5 == 2 else 1


if __name__ == "__main__":
    sys.exit(main())
