// SPDX-License-Identifier: GPL-2.0
/*
 * Exchanges (exchange.h): one retransmission discipline, one ACK/RST
 * table and NSTART for every message an endpoint originates.
 *
 * Locking: each endpoint's table has a spinlock, taken _bh in any context,
 * that guards its hashes, its peers and the state of its exchanges.
 * Owners call in holding their own locks (pending_lock, obs_lock and
 * kcoap_sock.lock come before it); ops and transmissions run only after it
 * is dropped.  A timer is armed only by kcoap_x_arm, which refuses once
 * the table is closed, so closing leaves no timer behind.
 */
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "exchange.h"
#include "kcoap.h"
#include "stats.h"
#include "trace.h"
#include "udp.h"

/* One peer's CONs in flight and the queue behind them (section 4.7). */
struct kcoap_xpeer {
	struct hlist_node node;		/* kcoap_xtable.peers */
	struct kcoap_peer key;
	unsigned int inflight;
	struct list_head queue;		/* of kcoap_exchange, QUEUED */
};

struct kcoap_xtable {
	spinlock_t lock;		/* everything here, see above */
	bool closed;			/* endpoint going: refuse */
	hsiphash_key_t key;		/* of both hashes: peers choose MIDs */
	DECLARE_HASHTABLE(by_mid, 6);	/* CON and NON, by (peer, MID) */
	DECLARE_HASHTABLE(peers, 4);	/* kcoap_xpeer */
	struct list_head waiting;	/* WAIT, by qnode */
};

int kcoap_xtable_create(struct kcoap_endpoint *ep, gfp_t gfp)
{
	struct kcoap_xtable *xt = kzalloc(sizeof(*xt), gfp);

	if (!xt)
		return -ENOMEM;
	spin_lock_init(&xt->lock);
	hash_init(xt->by_mid);
	hash_init(xt->peers);
	INIT_LIST_HEAD(&xt->waiting);
	get_random_bytes(&xt->key, sizeof(xt->key));
	ep->xt = xt;
	return 0;
}

void kcoap_xtable_free(struct kcoap_endpoint *ep)
{
	struct kcoap_xtable *xt = ep->xt;

	/* every exchange holds the endpoint: none can be left */
	WARN_ON(xt && (!hash_empty(xt->by_mid) || !hash_empty(xt->peers) ||
		       !list_empty(&xt->waiting)));
	kfree(xt);
}

static u32 kcoap_x_hash(const struct kcoap_xtable *xt,
			const struct kcoap_peer *peer, u16 mid)
{
	return kcoap_peer_hash(peer, mid, &xt->key);
}

/* lock held */
static struct kcoap_xpeer *kcoap_xpeer(struct kcoap_xtable *xt,
				       const struct kcoap_peer *peer,
				       bool create)
{
	/* beyond any MID: the two hashes are apart */
	u32 h = kcoap_peer_hash(peer, BIT(16), &xt->key);
	struct kcoap_xpeer *xp;

	hash_for_each_possible(xt->peers, xp, node, h)
		if (kcoap_peer_eq(&xp->key, peer))
			return xp;
	if (!create)
		return NULL;
	xp = kzalloc(sizeof(*xp), GFP_ATOMIC);
	if (!xp)
		return NULL;
	xp->key = *peer;
	INIT_LIST_HEAD(&xp->queue);
	hash_add(xt->peers, &xp->node, h);
	return xp;
}

/* lock held */
static void kcoap_xpeer_put(struct kcoap_xpeer *xp)
{
	if (!xp->inflight && list_empty(&xp->queue)) {
		hash_del(&xp->node);
		kfree(xp);
	}
}

/* lock held: the one place a timer is armed.  It holds a reference. */
static bool kcoap_x_arm(struct kcoap_xtable *xt, struct kcoap_exchange *x)
{
	if (xt->closed)
		return false;
	if (!mod_timer(&x->timer, x->expires))
		refcount_inc(&x->ref);
	return true;
}

/* The caller holds a reference besides the timer's. */
static void kcoap_x_disarm(struct kcoap_exchange *x)
{
	if (del_timer(&x->timer))
		refcount_dec(&x->ref);
}

/*
 * lock held: take x out of the table; the table's reference becomes the
 * caller's.  A timer callback already running finds x idle.
 */
static void kcoap_x_unlink(struct kcoap_xtable *xt, struct kcoap_exchange *x)
{
	struct kcoap_xpeer *xp = NULL;

	if (x->state == KCOAP_X_QUEUED || x->state == KCOAP_X_CON)
		xp = kcoap_xpeer(xt, &x->peer, false);
	if (x->state == KCOAP_X_QUEUED || x->state == KCOAP_X_WAIT)
		list_del_init(&x->qnode);
	else
		hash_del(&x->node);
	if (x->state == KCOAP_X_CON && !WARN_ON(!xp))
		xp->inflight--;
	if (xp)
		kcoap_xpeer_put(xp);
	x->state = KCOAP_X_IDLE;
	x->waiting = false;
	kcoap_x_disarm(x);
}

/* lock held: x's first transmission as a CON, counted against NSTART. */
static void kcoap_x_start(struct kcoap_xtable *xt, struct kcoap_exchange *x,
			  struct kcoap_xpeer *xp)
{
	x->state = KCOAP_X_CON;
	xp->inflight++;
	hash_add(xt->by_mid, &x->node, kcoap_x_hash(xt, &x->peer, x->mid));
	x->retries = 0;
	x->rto_ms = kcoap_rto_initial(&x->ep->params, get_random_u32());
	x->expires = jiffies + msecs_to_jiffies(x->rto_ms);
	kcoap_x_arm(xt, x);
}

/*
 * lock held, after a CON to peer ended: if NSTART allows, start the next
 * queued one.  Returns it with a reference, for kcoap_x_send_put to send
 * after unlocking.
 */
static struct kcoap_exchange *kcoap_x_kick(struct kcoap_xtable *xt,
					   const struct kcoap_peer *peer)
{
	struct kcoap_xpeer *xp = kcoap_xpeer(xt, peer, false);
	struct kcoap_exchange *x;

	if (!xp || list_empty(&xp->queue))
		return NULL;
	x = list_first_entry(&xp->queue, struct kcoap_exchange, qnode);
	if (xp->inflight >= READ_ONCE(x->ep->params.nstart))
		return NULL;
	list_del_init(&x->qnode);
	kcoap_x_start(xt, x, xp);
	refcount_inc(&x->ref);
	return x;
}

/* No lock held: put skb on the wire unless the endpoint is closing. */
static int kcoap_x_xmit(struct kcoap_exchange *x, struct sk_buff *skb)
{
	int err = -ENOTCONN;

	if (!skb) {
		kcoap_ep_stat_inc(x->ep, TX_ERRORS);
		return -ENOBUFS;
	}
	rcu_read_lock();
	/* closing waits a grace period after dead before the socket goes */
	if (!READ_ONCE(x->ep->dead))
		err = kcoap_endpoint_xmit(x->ep, &x->peer, skb);
	else
		kfree_skb(skb);
	rcu_read_unlock();
	return err;
}

/*
 * No lock held: send x's CON (again, when retransmit), or its owner's
 * newer datagram in its place: a CON that waited for NSTART or for its
 * retransmission carries the newest state (RFC 7641 section 4.5.2).
 */
static void kcoap_x_resend(struct kcoap_exchange *x, bool retransmit)
{
	struct kcoap_xtable *xt = x->ep->xt;
	struct sk_buff *fresh = NULL, *tx = NULL;
	bool con;
	u16 mid = 0;

	if (x->ops->refresh)
		fresh = x->ops->refresh(x, &mid);
	spin_lock_bh(&xt->lock);
	con = x->state == KCOAP_X_CON;
	if (con) {
		if (fresh) {
			hash_del(&x->node);
			x->mid = mid;
			hash_add(xt->by_mid, &x->node,
				 kcoap_x_hash(xt, &x->peer, mid));
			swap(x->skb, fresh);
		}
		if (retransmit) {
			kcoap_ep_stat_inc(x->ep, TX_RETRANSMIT);
			trace_coap_retransmit(&x->peer, x->skb->data,
					      x->skb->len);
		}
		tx = skb_copy(x->skb, GFP_ATOMIC);
	}
	spin_unlock_bh(&xt->lock);
	kfree_skb(fresh);	/* the datagram it replaced, or unused */
	if (con)
		kcoap_x_xmit(x, tx);
}

/* What kcoap_x_kick started: send it and drop its reference. */
static void kcoap_x_send_put(struct kcoap_exchange *x)
{
	if (!x)
		return;
	kcoap_x_resend(x, false);
	kcoap_exchange_put(x);
}

static void kcoap_x_timer(struct timer_list *t);

void kcoap_exchange_init(struct kcoap_exchange *x, struct kcoap_endpoint *ep,
			 const struct kcoap_peer *peer, const u8 *token, u8 tkl,
			 const struct kcoap_exchange_ops *ops)
{
	memset(x, 0, sizeof(*x));
	INIT_HLIST_NODE(&x->node);
	INIT_LIST_HEAD(&x->qnode);
	timer_setup(&x->timer, kcoap_x_timer, 0);
	kcoap_endpoint_hold(ep);
	x->ep = ep;
	x->ops = ops;
	x->peer = *peer;
	x->tkl = min_t(u8, tkl, sizeof(x->token));
	memcpy(x->token, token, x->tkl);
	refcount_set(&x->ref, 1);
	x->state = KCOAP_X_IDLE;
}

void kcoap_exchange_hold(struct kcoap_exchange *x)
{
	refcount_inc(&x->ref);
}

void kcoap_exchange_put(struct kcoap_exchange *x)
{
	struct kcoap_endpoint *ep = x->ep;

	if (!refcount_dec_and_test(&x->ref))
		return;
	kfree_skb(x->skb);
	x->ops->release(x);
	kcoap_endpoint_put(ep);
}

int kcoap_exchange_send(struct kcoap_exchange *x, struct sk_buff *skb,
			u16 mid, bool con)
{
	struct kcoap_xtable *xt = x->ep->xt;
	struct sk_buff *tx = NULL;
	struct kcoap_xpeer *xp;
	bool queued = false;
	int err = 0;

	spin_lock_bh(&xt->lock);
	if (x->state == KCOAP_X_QUEUED || x->state == KCOAP_X_CON) {
		spin_unlock_bh(&xt->lock);
		return -EBUSY;
	}
	if (xt->closed || x->state == KCOAP_X_ENDED) {
		err = -ESHUTDOWN;
		goto drop;
	}
	xp = con ? kcoap_xpeer(xt, &x->peer, true) : NULL;
	if (con && !xp) {
		err = -ENOMEM;
		goto drop;
	}
	/* in the table already: its reference carries over */
	if (x->state == KCOAP_X_NON)
		hash_del(&x->node);
	else if (x->state == KCOAP_X_WAIT)
		list_del_init(&x->qnode);
	else
		refcount_inc(&x->ref);
	x->state = KCOAP_X_IDLE;
	x->mid = mid;
	if (!con) {
		x->state = KCOAP_X_NON;
		hash_add(xt->by_mid, &x->node, kcoap_x_hash(xt, &x->peer, mid));
		tx = skb;
	} else {
		kfree_skb(x->skb);
		x->skb = skb;
		if (xp->inflight >= READ_ONCE(x->ep->params.nstart)) {
			/* section 4.7: NSTART reached, wait for our turn */
			x->state = KCOAP_X_QUEUED;
			queued = true;
			list_add_tail(&x->qnode, &xp->queue);
			kcoap_ep_stat_inc(x->ep, TX_QUEUED);
		} else {
			kcoap_x_start(xt, x, xp);
			tx = skb_copy(skb, GFP_ATOMIC);
		}
	}
	x->waiting = false;
	spin_unlock_bh(&xt->lock);
	return queued ? 0 : kcoap_x_xmit(x, tx);
drop:
	spin_unlock_bh(&xt->lock);
	kfree_skb(skb);
	return err;
}

static bool kcoap_x_cancel(struct kcoap_exchange *x, bool end)
{
	struct kcoap_xtable *xt = x->ep->xt;
	struct kcoap_exchange *next = NULL;
	bool was;

	spin_lock_bh(&xt->lock);
	was = x->state != KCOAP_X_IDLE && x->state != KCOAP_X_ENDED;
	if (was) {
		bool con = x->state == KCOAP_X_CON;

		kcoap_x_unlink(xt, x);
		if (con)
			next = kcoap_x_kick(xt, &x->peer);
	}
	if (end)
		x->state = KCOAP_X_ENDED;
	spin_unlock_bh(&xt->lock);
	kcoap_x_send_put(next);
	if (was)
		kcoap_exchange_put(x);	/* the table's */
	return was;
}

bool kcoap_exchange_cancel(struct kcoap_exchange *x)
{
	return kcoap_x_cancel(x, false);
}

void kcoap_exchange_end(struct kcoap_exchange *x, bool sync)
{
	kcoap_x_cancel(x, true);
	if (sync)
		del_timer_sync(&x->timer);
}

int kcoap_exchange_wait(struct kcoap_exchange *x, unsigned long when)
{
	struct kcoap_xtable *xt = x->ep->xt;
	int err = 0;

	spin_lock_bh(&xt->lock);
	if (x->state == KCOAP_X_IDLE && !xt->closed) {
		refcount_inc(&x->ref);	/* the table's */
		x->state = KCOAP_X_WAIT;
		list_add_tail(&x->qnode, &xt->waiting);
	} else if (x->state != KCOAP_X_NON) {
		err = -EINVAL;
	}
	if (!err) {
		x->waiting = true;
		x->expires = when;
		kcoap_x_arm(xt, x);
	}
	spin_unlock_bh(&xt->lock);
	return err;
}

bool kcoap_exchange_queued(struct kcoap_exchange *x)
{
	struct kcoap_xtable *xt = x->ep->xt;
	bool queued;

	spin_lock_bh(&xt->lock);
	queued = x->state == KCOAP_X_QUEUED;
	spin_unlock_bh(&xt->lock);
	return queued;
}

int kcoap_exchange_rx(struct kcoap_endpoint *ep, const struct kcoap_peer *peer,
		      const struct coap_msg *msg)
{
	bool rst = msg->type == COAP_TYPE_RST;
	struct kcoap_xtable *xt = ep->xt;
	struct kcoap_exchange *x, *found = NULL, *next = NULL;
	int ret = 0;
	bool con;

	spin_lock_bh(&xt->lock);
	hash_for_each_possible(xt->by_mid, x, node,
			       kcoap_x_hash(xt, peer, msg->mid)) {
		if (x->mid != msg->mid || !kcoap_peer_eq(&x->peer, peer))
			continue;
		/* an ACK to a NON is not an answer to anything (4.3) */
		if (x->state == KCOAP_X_NON && !rst)
			break;
		/* a piggybacked response answers the request it names */
		if (!rst && msg->code != COAP_CODE_EMPTY &&
		    (msg->tkl != x->tkl || memcmp(msg->token, x->token, x->tkl)))
			break;
		con = x->state == KCOAP_X_CON;
		kcoap_x_unlink(xt, x);
		if (con)
			next = kcoap_x_kick(xt, peer);
		found = x;
		break;
	}
	spin_unlock_bh(&xt->lock);
	kcoap_x_send_put(next);
	if (!found)
		return -1;
	/* section 4.2: an ACK or RST ends the retransmission either way */
	if (rst) {
		kcoap_ep_stat_inc(ep, RX_RESETS);
		if (found->ops->reset)
			found->ops->reset(found);
	} else {
		ret = found->ops->acked ? found->ops->acked(found, msg) : 0;
		if (!ret)
			kcoap_ep_stat_inc(ep, RX_ACKS);
	}
	kcoap_exchange_put(found);	/* the table's */
	return ret;
}

/* Timer: the next retransmission (section 4.2), or the end of them. */
static void kcoap_x_timer(struct timer_list *t)
{
	struct kcoap_exchange *x = from_timer(x, t, timer);
	struct kcoap_xtable *xt = x->ep->xt;
	struct kcoap_exchange *next = NULL;
	bool again = false, timeout = false;

	spin_lock_bh(&xt->lock);
	if (x->waiting) {
		/* a NON's or an acknowledged CON's deadline */
		if (time_before(jiffies, x->expires)) {
			kcoap_x_arm(xt, x);
		} else {
			kcoap_x_unlink(xt, x);
			timeout = true;
		}
	} else if (x->state != KCOAP_X_CON) {
		/* ended, or queued again by a new send */
	} else if (time_before(jiffies, x->expires)) {
		kcoap_x_arm(xt, x);	/* sent anew since this was armed */
	} else if (x->retries >= READ_ONCE(x->ep->params.max_retransmit)) {
		trace_coap_timeout(&x->peer, x->skb->data, x->skb->len);
		kcoap_x_unlink(xt, x);
		next = kcoap_x_kick(xt, &x->peer);
		timeout = true;
	} else {
		/* the same message, the timeout doubled */
		x->retries++;
		x->rto_ms = kcoap_rto_backoff(x->rto_ms);
		x->expires = jiffies + msecs_to_jiffies(x->rto_ms);
		again = kcoap_x_arm(xt, x);
	}
	spin_unlock_bh(&xt->lock);
	kcoap_x_send_put(next);
	if (again)
		kcoap_x_resend(x, true);
	if (timeout) {
		x->ops->timeout(x);
		kcoap_exchange_put(x);	/* the table's */
	}
	kcoap_exchange_put(x);		/* the timer's */
}

void kcoap_xtable_close(struct kcoap_endpoint *ep)
{
	struct kcoap_xtable *xt = ep->xt;
	struct kcoap_exchange *x, *tmp;
	struct kcoap_xpeer *xp;
	struct hlist_node *n;
	LIST_HEAD(victims);
	int bkt;

	might_sleep();
	spin_lock_bh(&xt->lock);
	xt->closed = true;
	hash_for_each_safe(xt->by_mid, bkt, n, x, node) {
		kcoap_x_unlink(xt, x);
		list_add_tail(&x->qnode, &victims);
	}
	list_for_each_entry_safe(x, tmp, &xt->waiting, qnode) {
		kcoap_x_unlink(xt, x);
		list_add_tail(&x->qnode, &victims);
	}
	/* what is left is queued: no CON is in flight any more */
	hash_for_each_safe(xt->peers, bkt, n, xp, node) {
		list_for_each_entry(x, &xp->queue, qnode)
			x->state = KCOAP_X_IDLE;
		list_splice_tail_init(&xp->queue, &victims);
		hash_del(&xp->node);
		kfree(xp);
	}
	spin_unlock_bh(&xt->lock);
	list_for_each_entry_safe(x, tmp, &victims, qnode) {
		list_del_init(&x->qnode);
		/* a callback still running finishes before the socket goes */
		del_timer_sync(&x->timer);
		kcoap_exchange_put(x);	/* the table's */
	}
}
