/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Observe (RFC 7641): the observers of each resource and the
 * notifications the kernel fans out when its owner publishes.
 */
#ifndef _KCOAP_OBSERVE_H
#define _KCOAP_OBSERVE_H

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/types.h>

struct coap_msg;
struct kcoap_endpoint;
struct kcoap_net;
struct kcoap_peer;
struct kcoap_resource;

/* Section 4.4: sequence numbers are 24 bits wide and wrap. */
#define KCOAP_OBS_SEQ_MASK	0xffffff
/*
 * Section 4.5: a confirmable notification at least every 24 hours.  Times
 * are 32-bit jiffies (observers are small); 24 hours is far below their
 * wrap.
 */
#define KCOAP_OBS_CON_MAX_GAP	((u32)(24UL * 60 * 60 * HZ))

static inline u32 kcoap_obs_seq_next(u32 seq)
{
	return (seq + 1) & KCOAP_OBS_SEQ_MASK;
}

/*
 * Is the next notification to an observer confirmable?  since_con counts
 * the NON notifications sent since its last CON, last_con is when that
 * CON went (32-bit jiffies).  Pure, so KUnit checks the rule.
 */
static inline bool kcoap_obs_con_due(u32 since_con, u32 con_every,
				     u32 last_con, u32 now)
{
	if (con_every <= 1 || since_con + 1 >= con_every)
		return true;
	return (s32)(now - last_con) >= (s32)KCOAP_OBS_CON_MAX_GAP;
}

/*
 * RFC 7252 section 4.7: to a peer that does not respond, at most
 * PROBING_RATE bytes per second on average.  An observer "responds" when
 * it registers or acknowledges a CON notification (at heard, 32-bit
 * jiffies); sent is what went to it as NON since.  True when another len
 * bytes of NON would exceed the rate: the notification then goes as a
 * CON, which the peer must answer, and of which only one is in flight.
 */
static inline bool kcoap_obs_probe_due(u32 rate, u32 heard, u32 now,
				       u32 sent, u32 len)
{
	u64 allowed = (u64)rate * jiffies_to_msecs(now - heard) / 1000;

	return (u64)sent + len > allowed;
}

void kcoap_observe_init(struct kcoap_net *kn);
/* After every endpoint and resource is gone. */
void kcoap_observe_exit(struct kcoap_net *kn);

/*
 * Softirq, rcu_read_lock held, res found by lookup.  Register (or
 * refresh) the request's sender as an observer of res; on success *seq is
 * the value for the response's Observe option.  -ENOSPC at a bound.
 */
int kcoap_observe_register(struct kcoap_endpoint *ep,
			   const struct kcoap_peer *peer,
			   const struct coap_msg *req,
			   struct kcoap_resource *res, int accept, int szx,
			   u32 *seq);
/* Softirq: GET with Observe 1 (section 3.6). */
void kcoap_observe_deregister(struct kcoap_endpoint *ep,
			      const struct kcoap_peer *peer,
			      const struct coap_msg *req,
			      struct kcoap_resource *res);
/* Softirq: an RST to one of our NON notifications? */
bool kcoap_observe_ack(struct kcoap_endpoint *ep,
		       const struct kcoap_peer *peer, u16 mid, bool reset);
/* Process context, kcoap_net.lock held: res has a new representation. */
void kcoap_observe_notify(struct kcoap_net *kn, struct kcoap_resource *res);
/* Process context, kcoap_net.lock held: res goes; observers get 4.04. */
void kcoap_observe_close(struct kcoap_net *kn, struct kcoap_resource *res);
/* Process context, kcoap_net.lock held, ep->dead set: forget its observers. */
void kcoap_observe_purge_ep(struct kcoap_net *kn, struct kcoap_endpoint *ep);
unsigned int kcoap_observe_count(struct kcoap_net *kn,
				 struct kcoap_resource *res);
u64 kcoap_observe_gauge(struct kcoap_net *kn);

#endif /* _KCOAP_OBSERVE_H */
