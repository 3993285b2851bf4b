#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regenerate the seed corpus for fuzz_codec in corpus/codec/.

Each seed is a small CoAP datagram (RFC 7252 section 3): valid requests,
responses and Empty messages, one per malformed class the parser reports,
and option encodings at the nibble boundaries.  The directory is owned by
this script: it is emptied and rewritten, so commit both.

    python3 tests/fuzz/make-corpus.py [OUTDIR]
"""
import os
import sys

CON, NON, ACK, RST = range(4)


def code(c, d):
    return (c << 5) | d


def hdr(type_=CON, code_=code(0, 1), mid=0x1234, token=b"", tkl=None,
        ver=1):
    if tkl is None:
        tkl = len(token)
    return bytes([(ver << 6) | (type_ << 4) | tkl, code_,
                  mid >> 8, mid & 0xff]) + token


def ext(v):
    """Nibble and extension bytes for a delta or length."""
    if v < 13:
        return v, b""
    if v < 269:
        return 13, bytes([v - 13])
    return 14, (v - 269).to_bytes(2, "big")


def opts(*pairs):
    """Encode (number, value) pairs, which must be sorted."""
    out, prev = b"", 0
    for num, val in pairs:
        dn, de = ext(num - prev)
        ln, le = ext(len(val))
        out += bytes([(dn << 4) | ln]) + de + le + val
        prev = num
    return out


def raw_opt(dnib, lnib, rest=b""):
    return bytes([(dnib << 4) | lnib]) + rest


def payload(p):
    return b"\xff" + p


def uint(v):
    return v.to_bytes((v.bit_length() + 7) // 8, "big")


URI_HOST, ETAG, OBSERVE, URI_PORT, URI_PATH = 3, 4, 6, 7, 11
CONTENT_FORMAT, MAX_AGE, URI_QUERY, ACCEPT = 12, 14, 15, 17
BLOCK2, BLOCK1, SIZE2, SIZE1 = 23, 27, 28, 60

SEEDS = {
    # RFC 7252 Appendix A / section 2.2
    "valid-get-temperature": hdr(CON, 1, 0x7d34) +
    opts((URI_PATH, b"temperature")),
    "valid-content-ack": hdr(ACK, code(2, 5), 0x7d34) + payload(b"22.3 C"),
    "valid-get-token": hdr(CON, 1, 0x7d35, b"\x20") +
    opts((URI_PATH, b"temperature")),
    "valid-content-ack-token": hdr(ACK, code(2, 5), 0x7d35, b"\x20") +
    payload(b"22.5 C"),
    "valid-separate-con": hdr(CON, code(2, 5), 0x23bb, b"\x73") +
    payload(b"22.5 C"),
    "valid-non-get": hdr(NON, 1, 0x7a11, b"\x74") +
    opts((URI_PATH, b"temperature")),
    "valid-not-found": hdr(ACK, code(4, 4), 0x7d37, b"\x42") +
    payload(b"Not found"),
    "valid-wellknown-core": hdr(CON, 1, 0x0001, b"\xca\xfe") +
    opts((URI_HOST, b"example.net"), (URI_PORT, uint(5683)),
         (URI_PATH, b".well-known"), (URI_PATH, b"core"),
         (URI_QUERY, b"rt=x"), (ACCEPT, uint(40))),
    "valid-observe-notify": hdr(NON, code(2, 5), 0x0100,
                                b"\x01\x02\x03\x04") +
    opts((OBSERVE, uint(0x123456)), (CONTENT_FORMAT, uint(0)),
         (MAX_AGE, uint(60))) + payload(b"21.9"),
    "valid-block2": hdr(ACK, code(2, 5), 0x0200, b"\xbb") +
    opts((CONTENT_FORMAT, uint(40)), (BLOCK2, uint(0x1e)),
         (SIZE2, uint(1280))) + payload(b"<" + b"x" * 60 + b">"),
    "valid-post-block1": hdr(CON, code(0, 2), 0x0300, b"\xb1") +
    opts((URI_PATH, b"fw"), (BLOCK1, uint(0x0e)), (SIZE1, uint(4096))) +
    payload(bytes(range(64))),
    "valid-put-etag": hdr(CON, code(0, 3), 0x0400, b"tok") +
    opts((1, b"\x01\x02"), (ETAG, b"\xaa" * 8), (URI_PATH, b"cfg")) +
    payload(b"on"),
    "valid-delete": hdr(NON, code(0, 4), 0x0500) + opts((URI_PATH, b"x")),
    "valid-token-8": hdr(CON, 1, 0xffff, bytes(range(1, 9))) +
    opts((URI_PATH, b"t")),
    "valid-payload-ff": hdr(NON, code(2, 5), 0x0600) + payload(b"\xff\xff"),
    "valid-zero-length-opts": hdr(CON, 1, 0x0700) +
    opts((1, b""), (5, b""), (URI_PATH, b""), (URI_PATH, b"")),
    "valid-repeated-opts": hdr(CON, 1, 0x0800) +
    opts(*[(URI_PATH, bytes([0x61 + i])) for i in range(20)]),
    "valid-reserved-class": hdr(NON, code(7, 31), 0x0900) + payload(b"?"),
    # Empty messages (section 4.1)
    "empty-con-ping": hdr(CON, 0, 0x1000),
    "empty-non": hdr(NON, 0, 0x1001),
    "empty-ack": hdr(ACK, 0, 0x7a10),
    "empty-rst": hdr(RST, 0, 0x1002),
    # option boundary encodings
    "opt-delta-12": hdr() + opts((12, b"")),
    "opt-delta-13": hdr() + opts((13, b"")),
    "opt-delta-268": hdr() + opts((268, b"")),
    "opt-delta-269": hdr() + opts((269, b"")),
    "opt-delta-65535": hdr() + opts((65535, b"z")),
    "opt-cumulative-65535": hdr() + opts((65000, b""), (65535, b""),
                                         (65535, b"")),
    "opt-len-12": hdr() + opts((ETAG, b"e" * 12)),
    "opt-len-13": hdr() + opts((ETAG, b"e" * 13)),
    "opt-len-268": hdr() + opts((URI_QUERY, b"q" * 268)),
    "opt-len-269": hdr() + opts((URI_QUERY, b"q" * 269)) + payload(b"p"),
    "opt-delta-len-ext": hdr() + opts((527, b"v" * 13)),
    "opt-uint-5-bytes": hdr() + opts((MAX_AGE, b"\x00\x00\x00\x00\x01")),
    # malformed, one per parse error
    "err-short-0": b"",
    "err-short-3": hdr()[:3],
    "err-version-0": hdr(ver=0),
    "err-version-2": hdr(ver=2) + opts((URI_PATH, b"a")),
    "err-version-3": hdr(ver=3, tkl=15),
    "err-tkl-9": hdr(tkl=9) + bytes(9),
    "err-tkl-15": hdr(tkl=15),
    "err-trunc-token": hdr(tkl=8) + bytes(7),
    "err-empty-token": hdr(ACK, 0, 0x2000, b"\x01"),
    "err-empty-option": hdr(CON, 0, 0x2001) + opts((URI_PATH, b"a")),
    "err-empty-payload": hdr(RST, 0, 0x2002) + payload(b"x"),
    "err-nibble-delta-15": hdr() + raw_opt(15, 0),
    "err-nibble-delta-15-len-1": hdr() + raw_opt(15, 1, b"x"),
    "err-nibble-len-15": hdr() + raw_opt(1, 15),
    "err-nibble-len-15-after-opt": hdr() + opts((URI_PATH, b"a")) +
    raw_opt(12, 15),
    "err-trunc-delta13-ext": hdr() + raw_opt(13, 0),
    "err-trunc-delta14-ext": hdr() + raw_opt(14, 0, b"\x00"),
    "err-trunc-len13-ext": hdr() + raw_opt(0, 13),
    "err-trunc-len14-ext": hdr() + raw_opt(0, 14, b"\x01"),
    "err-trunc-value": hdr() + raw_opt(11, 5, b"tem"),
    "err-trunc-len-max": hdr() + raw_opt(11, 14, b"\xff\xff") + b"x" * 32,
    "err-optnum-65536": hdr() + raw_opt(14, 0, b"\xfe\xf3"),
    "err-optnum-cumulative": hdr() + opts((65535, b"")) + raw_opt(1, 0),
    "err-optnum-ext-max": hdr() + raw_opt(14, 0, b"\xff\xff"),
    "err-marker-no-payload": hdr() + b"\xff",
    "err-marker-no-payload-opt": hdr(token=b"\x01") +
    opts((URI_PATH, b"a")) + b"\xff",
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(here, "corpus", "codec")
    os.makedirs(outdir, exist_ok=True)
    for name in os.listdir(outdir):
        os.unlink(os.path.join(outdir, name))
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print(f"make-corpus: wrote {len(SEEDS)} seeds to {outdir}")


if __name__ == "__main__":
    main()
