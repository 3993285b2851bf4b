#!/usr/bin/env python3
"""Markdown tables from a tests/bench/run result file.

usage: report.py ENV_FILE RESULTS_JSONL

ENV_FILE holds key=value lines (machine, kernel, settings); RESULTS_JSONL
one JSON object per measurement as tests/bench/run writes them.  Figures
come only from runs coapload reported ("ok": true); a refused run shows
its reason instead.
"""
import json
import re
import sys

FLAT_TOLERANCE = 0.10   # "flat": 100,000 resources within 10 % of 1


def load(env_path, res_path):
    env = {}
    with open(env_path) as f:
        for line in f:
            if '=' in line:
                k, v = line.rstrip('\n').split('=', 1)
                env[k] = v
    runs, mem = {}, {}
    with open(res_path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            if r['id'].startswith('mem-') and 'resources' in r:
                mem[r['resources']] = r
            else:
                runs.setdefault(r['id'], []).append(r)
    # each measurement is represented by its median run (by requests/s);
    # the others only give the range
    picked = {}
    for rid, reps in runs.items():
        if all(r['load'].get('ok') for r in reps):
            reps = sorted(reps, key=lambda r: r['load']['rps'])
            picked[rid] = dict(reps[len(reps) // 2])
            picked[rid]['range'] = (reps[0]['load']['rps'],
                                    reps[-1]['load']['rps'], len(reps))
        else:
            picked[rid] = next(r for r in reps if not r['load'].get('ok'))
    return env, picked, mem


def ok(runs, rid):
    r = runs.get(rid)
    return r is not None and r['load'].get('ok')


def rps(runs, rid):
    return runs[rid]['load']['rps'] if ok(runs, rid) else None


def rps_cell(runs, rid):
    """Median requests/s, with the range when there were several runs."""
    if not ok(runs, rid):
        return why(runs, rid)
    lo, hi, n = runs[rid]['range']
    if n < 2:
        return f_rps(rps(runs, rid))
    return '{} ({}–{})'.format(f_rps(rps(runs, rid)), f_rps(lo), f_rps(hi))


def lat(runs, rid, p):
    return runs[rid]['load']['latency_us'][p] if ok(runs, rid) else None


def why(runs, rid):
    r = runs.get(rid)
    if r is None:
        return 'not run'
    return 'refused: ' + r['load'].get('error', '?')


def f_rps(v):
    return '{:,.0f}'.format(v) if v is not None else '—'


def f_us(v):
    if v is None:
        return '—'
    return '{:,.0f}'.format(v) if v >= 100 else '{:.1f}'.format(v)


def f_x(a, b):
    if a is None or b is None or b == 0:
        return '—'
    return '{:.2f}×'.format(a / b)


def yes_no(cond):
    if cond is None:
        return 'unknown (a run was refused)'
    return '**yes**' if cond else '**no**'


def main():
    env, runs, mem = load(sys.argv[1], sys.argv[2])
    o = []
    w = o.append
    ports = next((k for k in runs if re.fullmatch(r'ports-\d+', k) and
                  k != 'ports-1'), 'ports-10000')
    nports = int(ports.split('-')[1])
    big = max(mem) if mem else 100000

    w('### Environment')
    w('')
    w('- kernel: {}; host kernel {}'.format(env.get('mode', '?'),
                                             env.get('kernel', '?')))
    w('- CPU: {}, {} cores on the host; load average at start {}'.format(
        env.get('cpu', '?'), env.get('cores', '?'), env.get('loadavg', '?')))
    w('- date {}; libcoap {}'.format(env.get('date', '?'),
                                     env.get('libcoap', '?')))
    w('- one generator (tests/bench/coapload): CON GET, {} requests in flight, '
      'batches of {}, {} s measured after {} s warm-up per run, every answer '
      'checked (token, type, MID, code 2.05, payload "{}")'.format(
          env.get('window', '?'), env.get('batch', '?'),
          env.get('seconds', '?'), env.get('warmup', '?'),
          env.get('payload', '?')))
    w('- req/s: median of {} runs (range in brackets; (a), (b), (b\'), (c), '
      '(d) interleaved); '
      'latencies and ratios from the median run; half-load runs once each'
      .format(env.get('repeat', '1')))
    w('')

    w('### Throughput and latency')
    w('')
    w('| path | req/s | vs libcoap (c) | vs echo (d) | p50 µs | p99 µs '
      '| p99.9 µs | p99 µs at 50 % load |')
    w('|---|--:|--:|--:|--:|--:|--:|--:|')
    names = {
        'a': '(a) kernel fast path: published resource, answered by coap.ko '
             'in softirq',
        'b': '(b) daemon path: unpublished resource, kernel → netlink → '
             'kcoapbenchd (libkcoap) → kernel',
        'b-coapd': '(b\') coapd: unpublished `file` resource /bench/coapd, '
                   'kernel → netlink → coapd (reads the payload file at '
                   'each GET) → kernel',
        'c': '(c) libcoap coap-server-notls, /example_data, port 5684',
        'd': '(d) userspace ceiling: coapecho (recvmmsg/sendmmsg, fixed '
             'answer), port 5685',
    }
    rows = ('a', 'b', 'b-coapd', 'c', 'd')
    short = {'b-coapd': "b'"}
    c, d = rps(runs, 'c'), rps(runs, 'd')
    for k in rows:
        if not ok(runs, k):
            w('| {} | {} | | | | | | |'.format(names[k], why(runs, k)))
            continue
        v = rps(runs, k)
        half = (f_us(lat(runs, k + '-half', 'p99')) if ok(runs, k + '-half')
                else why(runs, k + '-half'))
        w('| {} | {} | {} | {} | {} | {} | {} | {} |'.format(
            names[k], rps_cell(runs, k), f_x(v, c), f_x(v, d),
            f_us(lat(runs, k, 'p50')), f_us(lat(runs, k, 'p99')),
            f_us(lat(runs, k, 'p999')), half))
    w('')
    w('"50 % load": the same run paced to half the requests/s the full run '
      'reached ({}).'.format(', '.join(
          '{} {}'.format(short.get(k, k),
                         f_rps(runs[k + '-half']['load']['rate_limit']))
          for k in rows if ok(runs, k + '-half'))))
    w('')

    w('### Kernel counters during (a), (b) and (b\')')
    w('')
    cols = ('req_fast', 'req_forwarded', 'req_answered', 'req_separate',
            'req_duplicate', 'req_queue_full', 'req_timeout')
    w('| run | requests sent | ' + ' | '.join(cols) + ' | drop_* |')
    w('|---|--:|' + '--:|' * (len(cols) + 1))
    for k in ('a', 'b', 'b-coapd', 'a-half', 'b-half', 'b-coapd-half'):
        r = runs.get(k)
        if not r or 'kstats_after' not in r:
            continue
        b4, af = r['kstats_before'], r['kstats_after']

        def delta(name):
            return str(af[name] - b4.get(name, 0)) if name in af else '—'
        drops = sum(af[n] - b4.get(n, 0) for n in af if n.startswith('drop_'))
        w('| {} | {} | {} | {} |'.format(
            k.replace('b-coapd', "b'"), r['load'].get('sent', '?'),
            ' | '.join(delta(c) for c in cols), drops))
    w('')
    w('"—": the module has no such counter.')
    w('')

    w('### Growth')
    w('')
    w('| path (a) with | req/s | vs the group\'s first row | p50 µs | p99 µs '
      '| note |')
    w('|---|--:|--:|--:|--:|---|')
    base = rps(runs, 'res-1')
    for n in sorted(mem):
        rid = 'res-{}'.format(n)
        note = 'registered in {} s'.format(mem[n]['register_s'])
        if not ok(runs, rid):
            w('| {:,} registered resource{} | {} | | | | {} |'.format(
                n, 's' if n > 1 else '', why(runs, rid), note))
            continue
        w('| {:,} registered resource{} | {} | {} | {} | {} | {} |'.format(
            n, 's' if n > 1 else '', rps_cell(runs, rid), f_x(rps(runs, rid), base),
            f_us(lat(runs, rid, 'p50')), f_us(lat(runs, rid, 'p99')), note))
    base = rps(runs, 'ports-1')
    for rid, label, note in (
            ('ports-1', '1 client source port', 'batches of {} per '
             'sendmmsg/recvmmsg'.format(env.get('batch', '?'))),
            ('ports-1-b1', '1 client source port, batch 1',
             'control: the generator makes one sendmmsg and one recvmmsg '
             'per request, as it must with many ports'),
            (ports, '{:,} client source ports'.format(nports),
             'one socket per port, requests round robin: one sendmmsg per '
             'request, epoll, one recvmmsg per answer')):
        if rid not in runs:
            continue
        if not ok(runs, rid):
            w('| {} | {} | | | | |'.format(label, why(runs, rid)))
            continue
        w('| {} | {} | {} | {} | {} | {} |'.format(
            label, rps_cell(runs, rid), f_x(rps(runs, rid), base),
            f_us(lat(runs, rid, 'p50')), f_us(lat(runs, rid, 'p99')), note))
    w('')

    w('| kernel memory | per item | how |')
    w('|---|--:|---|')

    def slab_cells(m, n):
        """Live slab bytes per item, meminfo Slab per item, growers."""
        live = (m['slab_active_after'] - m['slab_active_before']) / n
        pages = (m['after']['Slab'] - m['before']['Slab']) * 1024 / n
        vm = (m['after'].get('VmallocUsed', 0) -
              m['before'].get('VmallocUsed', 0)) * 1024 / n
        own = ', '.join('{} {:,.0f} B'.format(k, v / n) for k, v in
                        m.get('slab_coap', {}).items() if round(v / n))
        if own:
            own = 'of which in the module\'s own caches: ' + own + '; '
        return live, pages, vm, own
    if big in mem:
        live, pages, vm, growers = slab_cells(mem[big], big)
        w('| per registered resource | **{:,.0f} B** | live slab objects '
          '(/proc/slabinfo active objects × object size, all caches) after '
          '− before registering {:,} resources, divided; {}/proc/meminfo '
          'Slab (pages, noisier) gives {:,.0f} B, VmallocUsed {:,.0f} '
          'B |'.format(live, big, growers, pages, vm))
    else:
        w('| per registered resource | — | the {:,}-resource run did not '
          'complete |'.format(big))
    dd = runs.get('mem-dedup')
    if dd is None:
        w('| per dedup entry | n/a — not implemented yet | |')
    else:
        n = (dd['kstats_after'].get('dedup_entries', 0) -
             dd['kstats_before'].get('dedup_entries', 0))
        if n > 0 and dd['load'].get('ok'):
            live, pages, vm, growers = slab_cells(dd, n)
            w('| per dedup entry (record + cached reply) | **{:,.0f} B** | '
              'the same, over {:,} GETs to the daemon from one client '
              '(dedup bounds raised for the run) that left {:,} more records '
              '(dedup_entries gauge); {}/proc/meminfo Slab (pages, '
              'noisier) gives {:,.0f} B |'.format(
                  live, dd['load']['sent'], n, growers, pages))
        else:
            w('| per dedup entry | — | the dedup run failed or left no '
              'records: {} |'.format(dd['load'].get('error', '')))
    observe = any('observ' in k for r in runs.values()
                  for k in r.get('kstats_after', {}))
    state = ('implemented, not measured by this bench yet' if observe
             else 'n/a — not implemented yet')
    w('| per observer | {} | |'.format(state))
    w('| observe fan-out (notifications/s) | {} | |'.format(state))
    w('')

    w('### Targets (from the issue; reported, never asserted)')
    w('')
    w('| target | measured | met? |')
    w('|---|---|---|')
    a, b, bc = rps(runs, 'a'), rps(runs, 'b'), rps(runs, 'b-coapd')

    def ratio_row(label, x, y, want):
        if x is None or y is None:
            w('| {} | — | {} |'.format(label, yes_no(None)))
            return
        w('| {} | {:.2f}× ({} vs {} req/s) | {} |'.format(
            label, x / y, f_rps(x), f_rps(y), yes_no(x / y >= want)))
    ratio_row('(a) ≥ 10× libcoap throughput', a, c, 10)
    ratio_row('(a) ≥ 1.5× the userspace echo ceiling', a, d, 1.5)
    # (b) is "GET answered by coapd through netlink": stated for the
    # libkcoap responder (b) and for coapd itself (b')
    ratio_row('(b) ≥ 2× libcoap throughput — libkcoap responder '
              '(kcoapbenchd), row (b)', b, c, 2)
    ratio_row('(b) ≥ 2× libcoap throughput — coapd (`file` resource), '
              'row (b\')', bc, c, 2)
    lc = lat(runs, 'c-half', 'p99')
    for k, label in (
            ('a', '(a) p99 at 50 % load ≤ libcoap\'s'),
            ('b', '(b) p99 at 50 % load ≤ libcoap\'s — libkcoap responder, '
                  'row (b)'),
            ('b-coapd', '(b) p99 at 50 % load ≤ libcoap\'s — coapd, '
                        'row (b\')')):
        la = lat(runs, k + '-half', 'p99')
        if la is None or lc is None:
            w('| {} | — | {} |'.format(label, yes_no(None)))
        else:
            w('| {} | {} µs vs {} µs | {} |'.format(label, f_us(la), f_us(lc),
                                                   yes_no(la <= lc)))
    r1, rn = rps(runs, 'res-1'), rps(runs, 'res-{}'.format(big))
    label = 'lookup cost flat from 1 to {:,} resources'.format(big)
    if r1 is None or rn is None:
        w('| {} | — | {} |'.format(label, yes_no(None)))
    else:
        w('| {} | {:,} resources: {:.2f}× the throughput with 1 (flat: within '
          '{:.0f} %) | {} |'.format(label, big, rn / r1, FLAT_TOLERANCE * 100,
                                    yes_no(rn / r1 >= 1 - FLAT_TOLERANCE)))
    print('\n'.join(o))


if __name__ == '__main__':
    main()
