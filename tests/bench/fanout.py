#!/usr/bin/env python3
"""Observe fan-out benchmark for kcoap: N observers, one publish, timed.

  fanout.py [--observers N] [--publishes K] [--json FILE]

Runs where coap.ko is loaded (inside UML through tests/bench/fanout, or on
a real kernel as root).  A publisher (generic netlink, as a daemon would)
registers an observable resource /bench/fan with NON notifications,
tests/integration/obstool.py registers N observers from N sockets, then
the publisher publishes K new states one at a time.  Every notification
is sent inside the publish call, so the call's duration is the kernel's
fan-out time; the coap_tx tracepoint gives first-to-last transmit times
as a cross-check, and the observers report how many notifications they
received.  Memory per observer: growth of the kmalloc-128 and
kmalloc-cg-128 slabs (struct kcoap_observer, 128 bytes, charged to the
owner's memory cgroup) divided by N, next to the object size.  Prints a markdown table and, with --json, the raw numbers.
"""
import json
import os
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
integ = os.path.join(here, "..", "integration")
sys.path.insert(0, integ)
import nltool  # noqa: E402

TRACE = "/sys/kernel/debug/tracing"


# Observers are charged to the resource owner's memory cgroup, which puts
# them in kmalloc-cg-128 (kmalloc-128 when memory cgroups are off).
SLABS = ("kmalloc-128", "kmalloc-cg-128")


def slab(names=SLABS):
    """Active objects of the named caches together, and their object size."""
    n, size = None, None
    with open("/proc/slabinfo") as f:
        for line in f:
            w = line.split()
            if w and w[0] in names:
                n, size = (n or 0) + int(w[1]), int(w[3])
    return n, size


def stat(name):
    with open("/proc/net/coap_stats") as f:
        for line in f:
            k, v = line.split()
            if k == name:
                return int(v)
    return None


def tracing(on):
    if not os.path.isdir(TRACE + "/events"):
        subprocess.run(["mount", "-t", "tracefs", "tracefs", TRACE],
                       stderr=subprocess.DEVNULL)
    try:
        with open(TRACE + "/events/coap/coap_tx/enable", "w") as f:
            f.write("1" if on else "0")
        if on:
            open(TRACE + "/trace", "w").close()
        return True
    except OSError:
        return False


def trace_span():
    """Seconds between the first and last coap_tx event, and their count."""
    stamps = []
    with open(TRACE + "/trace") as f:
        for line in f:
            if "coap_tx:" in line:
                # "  task-pid [000] ..... 123.456789: coap_tx: ..."
                stamps.append(float(line.split("coap_tx:")[0].split()[-1]
                                    .rstrip(":")))
    if not stamps:
        return None, 0
    return max(stamps) - min(stamps), len(stamps)


def main():
    n, k, out = 1000, 10, None
    it = iter(sys.argv[1:])
    for a in it:
        if a == "--observers":
            n = int(next(it))
        elif a == "--publishes":
            k = int(next(it))
        elif a == "--json":
            out = next(it)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    g = nltool.Genl()
    # NON notifications as fast as they come: PROBING_RATE (1 byte/s by
    # default) would turn them into CONs for observers that never ACK
    g.call("endpoint_set", [("addr", "addr:0.0.0.0:5683"),
                            ("param.probing_rate", "1000000")])
    path = "/bench/fan"
    err, msg, _ = g.call("resource_add", [("path", path), ("observable", "flag"),
                                          ("notify_con", "255"), ("methods", "2")])
    if err:
        sys.exit("resource_add: %s %s" % (err, msg))
    g.call("publish", [("path", path), ("payload", b"0")])
    # an idle publish for the baseline: no observers
    t = time.perf_counter()
    g.call("publish", [("path", path), ("payload", b"idle")])
    idle = time.perf_counter() - t

    # every observer is 127.0.0.1's: the bound per address must allow them
    with open("/sys/module/coap/parameters/max_observers_per_addr", "w") as f:
        f.write(str(n + 64))
    slab0 = slab()
    ready = "/tmp/kcoap-fanout.ready"
    if os.path.exists(ready):
        os.unlink(ready)
    obs = subprocess.Popen([sys.executable, os.path.join(integ, "obstool.py"),
                            "many", "127.0.0.1", "5683", path.lstrip("/"),
                            str(n), "--seconds", str(30 + k), "--expect",
                            str(k), "--ready", ready],
                           stdout=subprocess.PIPE, text=True)
    for _ in range(600):
        if os.path.exists(ready):
            break
        time.sleep(0.05)
    observers = stat("observers")
    slab1 = slab()
    per_obs = None
    if slab0[0] is not None and observers:
        per_obs = (slab1[0] - slab0[0]) * slab1[1] / observers

    traced = tracing(True)
    durations = []
    for i in range(k):
        time.sleep(0.5)
        t = time.perf_counter()
        err, msg, _ = g.call("publish", [("path", path),
                                         ("payload", ("state %d" % i).encode())])
        durations.append(time.perf_counter() - t)
        if err:
            sys.exit("publish: %s %s" % (err, msg))
    span, ntx = trace_span() if traced else (None, 0)
    tracing(False)
    res = json.loads(obs.communicate()[0].strip().splitlines()[-1])
    got = res["counts"]
    r = {
        "observers": observers,
        "publishes": k,
        "publish_ms_idle": round(idle * 1e3, 3),
        "publish_ms_median": round(statistics.median(durations) * 1e3, 3),
        "publish_ms_max": round(max(durations) * 1e3, 3),
        "notifications_per_s": round(observers / statistics.median(durations)),
        "trace_tx_span_ms_all": round(span * 1e3, 3) if span else None,
        "trace_tx_events": ntx,
        "received_min": min(got),
        "received_all": sum(got),
        "slab_bytes_per_observer": round(per_obs, 1) if per_obs else None,
        "slab_object_size": slab1[1],
    }
    print("| observers | publish call, no observers | publish call = fan-out "
          "(median / max of %d) | notifications/s | every observer got all "
          "%d | kernel memory per observer (kmalloc-128 and -cg-128 growth / N) |" % (k, k))
    print("|--:|--:|--:|--:|:-:|--:|")
    print("| %d | %.3f ms | %.1f / %.1f ms | %s | %s (min %d) | %s B (object %d B) |"
          % (observers, r["publish_ms_idle"], r["publish_ms_median"],
             r["publish_ms_max"], format(r["notifications_per_s"], ","),
             "yes" if r["received_min"] >= k else "no", r["received_min"],
             r["slab_bytes_per_observer"], r["slab_object_size"]))
    if out:
        with open(out, "w") as f:
            json.dump(r, f, indent=1)
    return 0 if r["received_min"] >= k else 1


if __name__ == "__main__":
    sys.exit(main())
