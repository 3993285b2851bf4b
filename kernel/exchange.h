/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The message layer's exchanges (RFC 7252 section 4): every message an
 * endpoint originates and wants to hear about again.  A CON is sent, held
 * to NSTART per peer (section 4.7), retransmitted with back-off until an
 * ACK or RST names its Message ID or it runs out of attempts; a NON is
 * sent and stays findable by its Message ID so that an RST to it still
 * reaches its owner.  Each endpoint has one table of them, so one lookup
 * answers every ACK and RST it receives.
 *
 * The owner embeds (or allocates) a struct kcoap_exchange, gives it ops
 * and sends datagrams through it; the layer calls the ops with none of its
 * locks held, so an owner may take its own lock in them, and an owner may
 * call in here under its own lock.
 */
#ifndef _KCOAP_EXCHANGE_H
#define _KCOAP_EXCHANGE_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/timer.h>
#include <linux/types.h>

#include "peer.h"

struct coap_msg;
struct kcoap_endpoint;
struct kcoap_exchange;
struct kcoap_xtable;
struct sk_buff;

/*
 * acked, reset: softirq; the ACK (msg: empty, or a piggybacked response
 * with x's token) or RST for x's current Message ID arrived and x has
 * ended.  acked returns what rx_ops.ack would: 0 consumed (counted as
 * rx_acks), 1 deliver (the op counts what it delivers).  Either may be
 * NULL when the end of the message is all the owner needs.
 * timeout: timer; x's CON ran out of retransmissions, or the wait that
 * kcoap_exchange_wait set expired, and x has ended.
 * refresh (may be NULL): before a retransmission, or before a CON that
 * waited for NSTART goes out (any context, no lock of the layer held): a
 * newer datagram to send in its place, with *mid the Message ID written
 * in it (RFC 7641 section 4.5.2: a notification in flight carries the
 * newest state), or NULL to send the old one.
 * release: the last reference went (any context, no lock held).
 * Every op but release may race with the owner ending x itself: the owner
 * decides under its own lock which of them counts.
 */
struct kcoap_exchange_ops {
	int (*acked)(struct kcoap_exchange *x, const struct coap_msg *msg);
	void (*reset)(struct kcoap_exchange *x);
	void (*timeout)(struct kcoap_exchange *x);
	struct sk_buff *(*refresh)(struct kcoap_exchange *x, u16 *mid);
	void (*release)(struct kcoap_exchange *x);
};

enum {
	KCOAP_X_IDLE,		/* not in the table: new or ended */
	KCOAP_X_QUEUED,		/* a CON waiting for NSTART */
	KCOAP_X_CON,		/* a CON in flight, retransmitted */
	KCOAP_X_NON,		/* a NON sent: only an RST still matches */
	KCOAP_X_WAIT,		/* acknowledged; a deadline runs */
	KCOAP_X_ENDED,		/* its owner is done with it: no more sends */
};

/*
 * Every field but ref, ep, ops and peer is under its endpoint table's
 * lock.  References: the owner's (from kcoap_exchange_init), the table's
 * while x is in it, the timer's while armed, and each op call's.
 */
struct kcoap_exchange {
	struct hlist_node node;		/* table, by MID: CON and NON */
	struct list_head qnode;		/* its peer's NSTART queue, or WAIT */
	struct timer_list timer;
	struct kcoap_endpoint *ep;	/* held */
	const struct kcoap_exchange_ops *ops;
	struct sk_buff *skb;		/* a CON's datagram, for resending */
	unsigned long expires;		/* of the current attempt */
	struct kcoap_peer peer;
	refcount_t ref;
	u32 rto_ms;
	u16 mid;
	u8 retries;
	u8 state;
	bool waiting;			/* NON or WAIT: the timer is a deadline */
	u8 tkl;				/* the token a piggybacked answer bears */
	u8 token[8];
};

int kcoap_xtable_create(struct kcoap_endpoint *ep, gfp_t gfp);
/*
 * Process context, once the endpoint is dead and before its socket goes:
 * end every exchange (no op but release is called) and refuse new ones.
 */
void kcoap_xtable_close(struct kcoap_endpoint *ep);
/* The endpoint's last reference: frees the (closed) table. */
void kcoap_xtable_free(struct kcoap_endpoint *ep);

/* Takes a reference on ep (the caller holds one, or found it live). */
void kcoap_exchange_init(struct kcoap_exchange *x, struct kcoap_endpoint *ep,
			 const struct kcoap_peer *peer, const u8 *token, u8 tkl,
			 const struct kcoap_exchange_ops *ops);
/*
 * Any context.  Send skb (consumed; mid is the Message ID written in it)
 * as x's next message: a CON (con) is queued or sent and retransmitted, a
 * NON sent.  A NON that x sent before is forgotten.  -EBUSY (skb kept by
 * the caller) while x has a CON queued or in flight, -ESHUTDOWN (skb
 * freed) when the endpoint is closing or x ended, -ENOMEM (skb freed),
 * or why the first transmission failed (x is in flight all the same).
 */
int kcoap_exchange_send(struct kcoap_exchange *x, struct sk_buff *skb,
			u16 mid, bool con);
/*
 * Any context: end x's current message without calling its ops; true if
 * one was queued or in the table.
 */
bool kcoap_exchange_cancel(struct kcoap_exchange *x);
/*
 * Cancel, and refuse every later send.  sync (process context, never
 * from x's own ops): also wait for a timer callback still running.
 */
void kcoap_exchange_end(struct kcoap_exchange *x, bool sync);
/* Is x's CON waiting for NSTART (not sent yet)? */
bool kcoap_exchange_queued(struct kcoap_exchange *x);
/*
 * Any context: x's NON (still matched by RST), or x acknowledged (from its
 * acked op), times out at when (jiffies) unless its owner ends it first.
 * -EINVAL in any other state.
 */
int kcoap_exchange_wait(struct kcoap_exchange *x, unsigned long when);
void kcoap_exchange_hold(struct kcoap_exchange *x);
void kcoap_exchange_put(struct kcoap_exchange *x);

/*
 * Softirq, rcu_read_lock: an ACK or RST that ep received.  -1 when it
 * names none of ep's exchanges, else what the owner's op returned.
 */
int kcoap_exchange_rx(struct kcoap_endpoint *ep, const struct kcoap_peer *peer,
		      const struct coap_msg *msg);

#endif /* _KCOAP_EXCHANGE_H */
