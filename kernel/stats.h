/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-netns counters, indexed by enum coap_stats_attr (uapi), which also
 * documents what each one counts and the invariants between them.
 */
#ifndef _KCOAP_STATS_H
#define _KCOAP_STATS_H

#include <linux/percpu.h>
#include <uapi/linux/coap.h>

struct kcoap_stats {
	unsigned long v[__COAP_STATS_A_MAX];
};

/* this_cpu_inc is safe from softirq and process context alike */
#define kcoap_stat_inc(kn, id) this_cpu_inc((kn)->stats->v[COAP_STATS_A_##id])
#define kcoap_stat_inc_nr(kn, nr) this_cpu_inc((kn)->stats->v[nr])

/* An event on an endpoint: counted for it and for its namespace. */
#define kcoap_ep_stat_inc_nr(ep, nr) do {				\
		typeof(ep) __ep = (ep);					\
		int __nr = (nr);					\
									\
		this_cpu_inc(__ep->stats->v[__nr]);			\
		this_cpu_inc(__ep->kn->stats->v[__nr]);			\
	} while (0)
#define kcoap_ep_stat_inc(ep, id) kcoap_ep_stat_inc_nr(ep, COAP_STATS_A_##id)

struct kcoap_net;
typedef u64 (*kcoap_gauge_fn)(struct kcoap_net *kn);

/*
 * id's value is read from fn instead of counted (module init only).  A
 * gauge reads its count without the lock its writers take: the value is a
 * moment's, stale as soon as read either way.
 */
void kcoap_stats_gauge(int id, kcoap_gauge_fn fn);
int kcoap_stats_init(struct kcoap_net *kn);
void kcoap_stats_exit(struct kcoap_net *kn);
u64 kcoap_stat_read(struct kcoap_net *kn, int id);
u64 kcoap_stats_sum(struct kcoap_stats __percpu *stats, int id);

#endif /* _KCOAP_STATS_H */
