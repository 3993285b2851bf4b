// SPDX-License-Identifier: GPL-2.0
/*
 * Requests forwarded to daemons: the exchange, its deduplication record
 * and the separate response (RFC 7252 sections 4.2, 4.5, 5.2.2).
 *
 * Every request that goes to a daemon gets a dedup record (struct
 * kcoap_dedup), kept EXCHANGE_LIFETIME for a CON and NON_LIFETIME for a
 * NON.  A duplicate is answered from it: the cached ACK (piggybacked
 * response or empty ACK) is sent again, a NON is ignored, and the daemon
 * never sees the request twice.  Records are bounded per peer and per
 * namespace; at a bound the oldest finished record of that peer (or of the
 * namespace) is evicted, which is the one closest to expiry, and
 * dedup_evicted moves; when every record is still open the client gets
 * 5.03.
 *
 * While the daemon works, a struct kcoap_pending holds the exchange.  A
 * CON whose answer takes longer than ack_delay_ms gets an empty ACK; the
 * answer then goes out as a CON of its own: a message-layer exchange
 * (exchange.c) embedded in the pending one, retransmitted until the client
 * ACKs or resets it or MAX_RETRANSMIT runs out.
 *
 * Locking: everything here is under kcoap_net.pending_lock (_bh from
 * process context).  A pending exchange is reference counted: one
 * reference while it is hashed by handle, one while its timer is armed
 * and one while its separate CON is in the message layer, so any context
 * can cancel it without waiting.  Senders check ep->dead under
 * rcu_read_lock (see struct kcoap_endpoint).
 */
#include <linux/module.h>
#include <linux/random.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "blockwise.h"
#include "exchange.h"
#include "kcoap.h"
#include "request.h"
#include "owner.h"
#include "stats.h"
#include "trace.h"
#include "udp.h"

static unsigned int request_timeout_ms = 5000;
module_param(request_timeout_ms, uint, 0644);
MODULE_PARM_DESC(request_timeout_ms, "How long a daemon may take to answer before the client gets 5.03 (default 5000)");

static unsigned int max_pending = 256;
module_param(max_pending, uint, 0644);
MODULE_PARM_DESC(max_pending, "Requests that may wait for one daemon; beyond, clients get 5.03 (default 256)");

static unsigned int max_dedup = 8192;
module_param(max_dedup, uint, 0644);
MODULE_PARM_DESC(max_dedup, "Deduplication records per network namespace (default 8192)");

static unsigned int max_dedup_per_peer = 256;
module_param(max_dedup_per_peer, uint, 0644);
MODULE_PARM_DESC(max_dedup_per_peer, "Deduplication records per client address and port (default 256)");

static struct kmem_cache *kcoap_dedup_cache __read_mostly;

enum {
	KCOAP_WAIT_DAEMON,	/* hashed by handle */
	KCOAP_DONE,
};

struct kcoap_pending {
	struct hlist_node hnode;	/* pend_handle */
	struct list_head purge;		/* private list of a purge */
	struct timer_list timer;
	refcount_t ref;
	struct kcoap_net *kn;
	struct kcoap_endpoint *ep;
	struct kcoap_daemon *owner;	/* while KCOAP_WAIT_DAEMON */
	/* followed only at open, under RCU; compared by purges after that */
	const struct kcoap_resource *res;
	struct kcoap_dedup *dd;		/* NULL once the record expired */
	u64 handle;
	unsigned long deadline;		/* of the daemon's answer */
	struct kcoap_peer peer;
	u8 state;
	bool acked;			/* empty ACK sent */
	u8 type;
	u8 code;			/* the request's method */
	u8 tkl;
	u8 token[COAP_MAX_TKL];
	u16 mid;
	bool sep_non;			/* a late answer to a CON goes as NON */
	struct kcoap_bw_pending bw;	/* block-wise options of the request */
	struct kcoap_exchange sep;	/* our separate CON response */
};

int __init kcoap_requests_module_init(void)
{
	/* the budget a record may cost besides its cached reply */
	BUILD_BUG_ON(sizeof(struct kcoap_dedup) > 96);
	kcoap_dedup_cache = KMEM_CACHE(kcoap_dedup, 0);
	return kcoap_dedup_cache ? 0 : -ENOMEM;
}

void kcoap_requests_module_exit(void)
{
	kmem_cache_destroy(kcoap_dedup_cache);
}

static void kcoap_dedup_gc(struct timer_list *t);

void kcoap_requests_init(struct kcoap_net *kn)
{
	spin_lock_init(&kn->pending_lock);
	hash_init(kn->pend_handle);
	kcoap_dedup_table_init(&kn->dedup);
	timer_setup(&kn->dedup_timer, kcoap_dedup_gc, 0);
	atomic64_set(&kn->next_handle, 0);
}

static void kcoap_dedup_free(struct kcoap_net *kn, struct kcoap_dedup *dd)
{
	if (dd->pending)
		dd->pending->dd = NULL;
	/* the client's entry goes with its last record */
	kfree(kcoap_dedup_unlink(&kn->dedup, dd));
	kfree(dd->reply);
	kmem_cache_free(kcoap_dedup_cache, dd);
}

/* Evict the oldest finished record, of one client if dp is set. */
static bool kcoap_dedup_evict(struct kcoap_net *kn,
			      const struct kcoap_dedup_peer *dp)
{
	struct kcoap_dedup *victim = kcoap_dedup_victim(&kn->dedup, dp);

	if (!victim)
		return false;
	kcoap_dedup_free(kn, victim);
	kcoap_stat_inc(kn, DEDUP_EVICTED);
	return true;
}

static struct kcoap_dedup *kcoap_dedup_add(struct kcoap_net *kn,
					   const struct kcoap_params *params,
					   const struct kcoap_peer *peer,
					   const struct coap_msg *req)
{
	unsigned int per_peer = READ_ONCE(max_dedup_per_peer);
	bool con = req->type == COAP_TYPE_CON;
	struct kcoap_dedup_peer *dp;
	struct kcoap_dedup *dd;
	u64 life;

	if (!per_peer)
		return NULL;
	/* a bound lowered at run time may need more than one eviction */
	while (kn->dedup.n >= READ_ONCE(max_dedup))
		if (!kcoap_dedup_evict(kn, NULL))
			return NULL;
	/* evicting the client's last record frees its entry: look again */
	while ((dp = kcoap_dedup_peer(&kn->dedup, peer)) && dp->n >= per_peer)
		if (!kcoap_dedup_evict(kn, dp))
			return NULL;
	dd = kmem_cache_zalloc(kcoap_dedup_cache, GFP_ATOMIC);
	if (!dd)
		return NULL;
	if (!dp) {
		dp = kzalloc(sizeof(*dp), GFP_ATOMIC);
		if (!dp) {
			kmem_cache_free(kcoap_dedup_cache, dd);
			return NULL;
		}
		kcoap_dedup_peer_add(&kn->dedup, dp, peer);
	}
	life = con ? kcoap_exchange_lifetime(params) :
		     kcoap_non_lifetime(params);
	kcoap_dedup_insert(&kn->dedup, dd, dp, req->mid, req->type,
			   jiffies + msecs_to_jiffies(min_t(u64, life,
							    UINT_MAX)));
	/* a NON record expires before the CONs ahead of it */
	timer_reduce(&kn->dedup_timer, dd->expires);
	return dd;
}

/* Free what has expired, oldest first, and wake up for the next one. */
static void kcoap_dedup_expire(struct kcoap_net *kn, bool all)
{
	unsigned long next;
	struct kcoap_dedup *dd;

	/* all: as if the end of time had come */
	while ((dd = kcoap_dedup_expired(&kn->dedup, all ?
					 jiffies + MAX_JIFFY_OFFSET : jiffies,
					 &next)))
		kcoap_dedup_free(kn, dd);
	if (next)
		mod_timer(&kn->dedup_timer, next);
}

static void kcoap_dedup_gc(struct timer_list *t)
{
	struct kcoap_net *kn = from_timer(kn, t, dedup_timer);

	spin_lock(&kn->pending_lock);
	kcoap_dedup_expire(kn, false);
	spin_unlock(&kn->pending_lock);
}

/* Keep a copy of what a duplicate of this CON should get. */
static void kcoap_dedup_set_reply(struct kcoap_dedup *dd,
				  const struct sk_buff *skb)
{
	struct kcoap_reply_copy *r;

	if (!dd || dd->type != COAP_TYPE_CON)
		return;
	r = kmalloc(sizeof(*r) + skb->len, GFP_ATOMIC);
	if (!r)
		return;		/* duplicates then go unanswered; rare */
	r->len = skb->len;
	memcpy(r->data, skb->data, skb->len);
	kfree(dd->reply);
	dd->reply = r;
}

bool kcoap_request_duplicate(struct kcoap_endpoint *ep,
			     const struct kcoap_peer *peer,
			     const struct coap_msg *req)
{
	struct kcoap_net *kn = ep->kn;
	struct sk_buff *skb = NULL;
	struct kcoap_dedup *dd;

	spin_lock(&kn->pending_lock);
	dd = kcoap_dedup_lookup(&kn->dedup, peer, req->mid);
	if (dd && req->type == COAP_TYPE_CON && dd->reply) {
		skb = kcoap_skb_alloc(dd->reply->len);
		if (skb)
			skb_put_data(skb, dd->reply->data, dd->reply->len);
	}
	spin_unlock(&kn->pending_lock);
	if (!dd)
		return false;
	kcoap_ep_stat_inc(ep, RX_REQUESTS);
	kcoap_ep_stat_inc(ep, REQ_DUPLICATE);
	trace_coap_duplicate(peer, req->buf, req->len);
	/* section 4.5: the same ACK again; a NON or one still open: nothing */
	if (skb)
		kcoap_endpoint_xmit(ep, peer, skb);
	return true;
}

/* An exchange that was never opened, or whose last reference went. */
static void kcoap_pending_free(struct kcoap_pending *p)
{
	kcoap_endpoint_put(p->ep);
	kfree(p);
}

/* Never called with pending_lock held. */
static void kcoap_pending_put(struct kcoap_pending *p)
{
	struct kcoap_net *kn = p->kn;

	if (!refcount_dec_and_test(&p->ref))
		return;
	/* the record stays (until it expires); it just is not open any more */
	spin_lock_bh(&kn->pending_lock);
	if (p->dd)
		p->dd->pending = NULL;
	spin_unlock_bh(&kn->pending_lock);
	kcoap_pending_free(p);
}

/* pending_lock held.  The timer holds a reference while armed. */
static void kcoap_pending_arm(struct kcoap_pending *p, unsigned long when)
{
	if (!mod_timer(&p->timer, when))
		refcount_inc(&p->ref);
}

static void kcoap_pending_disarm(struct kcoap_pending *p)
{
	if (del_timer(&p->timer))
		refcount_dec(&p->ref);	/* never the last: hashed or owned */
}

/*
 * pending_lock held.  Take p out of its table and detach it from its
 * record; the caller inherits the table's reference.
 */
static void kcoap_pending_unhash(struct kcoap_pending *p)
{
	hash_del(&p->hnode);
	p->owner->npending--;
	p->owner = NULL;
	p->res = NULL;
	p->state = KCOAP_DONE;
	p->kn->npending--;
	kcoap_pending_disarm(p);
}

static bool kcoap_pending_live(struct kcoap_pending *p)
{
	return !READ_ONCE(p->ep->dead);
}

/* Send an empty ACK for p's request and remember it for duplicates. */
static struct sk_buff *kcoap_empty_ack(struct kcoap_pending *p)
{
	struct coap_msg_out ack = {
		.type = COAP_TYPE_ACK,
		.code = COAP_CODE_EMPTY,
		.mid = p->mid,
	};
	struct sk_buff *skb = kcoap_msg_skb(&ack);

	if (skb)
		kcoap_dedup_set_reply(p->dd, skb);
	p->acked = true;
	return skb;
}

/*
 * The answer to p's request is ready (p owned, out of its table, lock
 * held).  Returns the skb to send after unlocking; *con when it is a
 * separate CON, which the message layer is to carry (p->sep).
 */
static struct sk_buff *kcoap_pending_finish(struct kcoap_pending *p,
					    struct coap_msg_out *out,
					    bool *con)
{
	struct sk_buff *skb;

	out->tkl = p->tkl;
	out->token = p->token;
	if (p->type == COAP_TYPE_CON && !p->acked) {
		/* in time: piggybacked on the ACK (section 5.2.1) */
		out->type = COAP_TYPE_ACK;
		out->mid = p->mid;
	} else if (p->type == COAP_TYPE_CON && !p->sep_non) {
		/* separate response, confirmable like its request (5.2.2) */
		out->type = COAP_TYPE_CON;
		out->mid = kcoap_ep_new_mid(p->ep);
	} else {
		out->type = COAP_TYPE_NON;
		out->mid = kcoap_ep_new_mid(p->ep);
	}
	skb = kcoap_msg_skb(out);
	if (skb && out->type == COAP_TYPE_ACK)
		kcoap_dedup_set_reply(p->dd, skb);
	*con = skb && out->type == COAP_TYPE_CON;
	if (*con)
		p->kn->npending++;	/* until the exchange's release */
	return skb;
}

static void kcoap_sep_timeout(struct kcoap_exchange *x)
{
	kcoap_ep_stat_inc(x->ep, EXCHANGE_TIMEOUT);
}

/* The separate CON ended and nobody holds it: the pending one goes too. */
static void kcoap_sep_release(struct kcoap_exchange *x)
{
	struct kcoap_pending *p = container_of(x, struct kcoap_pending, sep);

	spin_lock_bh(&p->kn->pending_lock);
	p->kn->npending--;
	spin_unlock_bh(&p->kn->pending_lock);
	kcoap_pending_put(p);
}

static const struct kcoap_exchange_ops kcoap_sep_ops = {
	.timeout = kcoap_sep_timeout,
	.release = kcoap_sep_release,
};

/* Build the answer with code/options/payload and send it; drops p's ref. */
static void kcoap_pending_answer(struct kcoap_pending *p, u8 code,
				 struct coap_opt_out *opts,
				 unsigned int nopts, const void *payload,
				 u32 len)
{
	struct coap_msg_out out = {
		.code = code,
		.opts = opts,
		.nopts = nopts,
		.payload = payload,
		.payload_len = len,
	};
	struct kcoap_net *kn = p->kn;
	struct sk_buff *skb = NULL;
	bool con = false;

	if (nopts)
		coap_opts_sort(opts, nopts);
	rcu_read_lock();
	spin_lock_bh(&kn->pending_lock);
	if (kcoap_pending_live(p))
		skb = kcoap_pending_finish(p, &out, &con);
	spin_unlock_bh(&kn->pending_lock);
	if (skb && !con)
		kcoap_endpoint_xmit(p->ep, &p->peer, skb);
	rcu_read_unlock();
	if (!con) {
		kcoap_pending_put(p);
		return;
	}
	/* p's reference goes to the exchange, dropped by its release */
	kcoap_exchange_init(&p->sep, p->ep, &p->peer, p->token, p->tkl,
			    &kcoap_sep_ops);
	kcoap_exchange_send(&p->sep, skb, out.mid, true);
	kcoap_exchange_put(&p->sep);
}

/* The request's identity (type, code, MID, token) for the tracepoint. */
static void kcoap_trace_daemon_timeout(const struct kcoap_pending *p)
{
	u8 hdr[COAP_HDR_LEN + COAP_MAX_TKL];

	if (!trace_coap_daemon_timeout_enabled())
		return;
	hdr[0] = (COAP_VERSION << 6) | (p->type << 4) | p->tkl;
	hdr[1] = p->code;
	hdr[2] = p->mid >> 8;
	hdr[3] = p->mid;
	memcpy(hdr + COAP_HDR_LEN, p->token, p->tkl);
	trace_coap_daemon_timeout(&p->peer, hdr, COAP_HDR_LEN + p->tkl);
}

/* Timer: the empty ACK, or the daemon's deadline. */
static void kcoap_pending_timer(struct timer_list *t)
{
	struct kcoap_pending *p = from_timer(p, t, timer);
	struct kcoap_net *kn = p->kn;
	struct sk_buff *skb = NULL;
	bool timeout = false;

	rcu_read_lock();
	spin_lock(&kn->pending_lock);
	if (p->state == KCOAP_WAIT_DAEMON) {
		if (!time_before(jiffies, p->deadline)) {
			kcoap_pending_unhash(p);
			kcoap_ep_stat_inc(p->ep, REQ_TIMEOUT);
			kcoap_trace_daemon_timeout(p);
			timeout = true;
		} else {
			if (p->type == COAP_TYPE_CON && !p->acked) {
				skb = kcoap_empty_ack(p);
				kcoap_ep_stat_inc(p->ep, REQ_SEPARATE);
			}
			kcoap_pending_arm(p, p->deadline);
		}
	}
	spin_unlock(&kn->pending_lock);
	if (skb && kcoap_pending_live(p))
		kcoap_endpoint_xmit(p->ep, &p->peer, skb);
	else
		kfree_skb(skb);
	rcu_read_unlock();
	if (timeout)
		kcoap_pending_answer(p, COAP_CODE(5, 3), NULL, 0, NULL, 0);
	kcoap_pending_put(p);	/* the timer's reference */
}

/* A new exchange for req, to be answered by d (a daemon or a socket). */
static struct kcoap_pending *kcoap_pending_new(struct kcoap_endpoint *ep,
					       const struct kcoap_peer *peer,
					       const struct coap_msg *req,
					       struct kcoap_daemon *d)
{
	struct kcoap_pending *p = kzalloc(sizeof(*p), GFP_ATOMIC);

	if (!p)
		return NULL;
	refcount_set(&p->ref, 1);
	p->kn = ep->kn;
	/* the caller found ep live under rcu_read_lock: its owner's ref holds */
	kcoap_endpoint_hold(ep);
	p->ep = ep;
	p->owner = d;
	p->peer = *peer;
	p->mid = req->mid;
	p->type = req->type;
	p->code = req->code;
	p->tkl = req->tkl;
	memcpy(p->token, req->token, req->tkl);
	p->handle = atomic64_inc_return(&ep->kn->next_handle);
	p->deadline = jiffies +
		      msecs_to_jiffies(READ_ONCE(request_timeout_ms));
	timer_setup(&p->timer, kcoap_pending_timer, 0);
	return p;
}

/*
 * pending_lock held: admit p (its owner's queue bound, a dedup record) and
 * hash it.  -ENOSPC at a bound, -ECONNREFUSED when its endpoint, resource
 * or owner is going: each sets its dead flag before it purges this table,
 * so what is hashed here is either refused or found by that purge.
 */
static int kcoap_pending_open(struct kcoap_pending *p,
			      const struct coap_msg *req)
{
	struct kcoap_daemon *d = p->owner;
	struct kcoap_net *kn = p->kn;

	if (d->dead || kcoap_daemon_closing(d) || READ_ONCE(p->ep->dead) ||
	    (p->res && READ_ONCE(p->res->dead)))
		return -ECONNREFUSED;
	if (d->npending >= READ_ONCE(max_pending))
		return -ENOSPC;
	p->dd = kcoap_dedup_add(kn, &p->ep->params, &p->peer, req);
	if (!p->dd)
		return -ENOSPC;
	p->dd->pending = p;
	hash_add(kn->pend_handle, &p->hnode, p->handle);
	d->npending++;
	kn->npending++;
	return 0;
}

/* pending_lock held: the empty ACK (CON) or the deadline, whichever first. */
static void kcoap_pending_start(struct kcoap_pending *p)
{
	unsigned long ack = jiffies +
		msecs_to_jiffies(READ_ONCE(p->ep->params.ack_delay_ms));

	kcoap_pending_arm(p, p->type == COAP_TYPE_CON &&
			  time_before(ack, p->deadline) ? ack : p->deadline);
}

/* 5.03 with Max-Age: try again shortly (a queue or the records are full). */
static void kcoap_reply_busy(struct kcoap_endpoint *ep,
			     struct kcoap_reply *reply)
{
	kcoap_ep_stat_inc(ep, REQ_QUEUE_FULL);
	reply->code = COAP_CODE(5, 3);
	kcoap_reply_add_uint(reply, COAP_OPT_MAX_AGE, COAP_BUSY_MAX_AGE);
}

bool kcoap_request_forward(struct kcoap_endpoint *ep,
			   const struct kcoap_peer *peer,
			   const struct coap_msg *req,
			   struct kcoap_resource *res,
			   const struct kcoap_bw_pending *bw,
			   struct kcoap_reply *reply)
{
	struct kcoap_daemon *d = res->owner;
	struct kcoap_net *kn = ep->kn;
	struct kcoap_pending *p;
	struct sk_buff *msg;
	int err;

	p = kcoap_pending_new(ep, peer, req, d);
	if (!p)
		goto fail;
	p->res = res;
	p->bw = *bw;
	msg = d->ops->request_msg(kn, p->handle, ep, peer, req, res);
	if (!msg)
		goto fail_free;

	spin_lock(&kn->pending_lock);
	err = kcoap_pending_open(p, req);
	if (err == -ENOSPC) {
		spin_unlock(&kn->pending_lock);
		kfree_skb(msg);
		kcoap_pending_free(p);
		kcoap_reply_busy(ep, reply);
		return false;
	}
	if (!err) {
		/* never sleeps: the message is queued or refused at once */
		err = d->ops->deliver(kn, msg, d);
		msg = NULL;
		if (err) {
			/* not delivered: nobody will answer, forget it all */
			kcoap_pending_unhash(p);
			kcoap_dedup_free(kn, p->dd);	/* clears p->dd */
		} else {
			kcoap_pending_start(p);
		}
	}
	spin_unlock(&kn->pending_lock);
	if (!err) {
		kcoap_ep_stat_inc(ep, REQ_FORWARDED);
		return true;
	}
	kfree_skb(msg);
fail_free:
	kcoap_pending_free(p);
fail:
	kcoap_ep_stat_inc(ep, REQ_DELIVER_FAILED);
	reply->code = COAP_CODE(5, 3);
	return false;
}

/*
 * Refuse what cannot be sent before the request is consumed: sort the
 * options and size the answer with the longest token.
 */
static int kcoap_response_check(struct kcoap_response *resp)
{
	struct coap_msg_out out = {
		.code = resp->code,
		.tkl = COAP_MAX_TKL,
		.opts = resp->opts,
		.nopts = resp->nopts,
		.payload_len = resp->payload_len,
	};
	long size;

	coap_opts_sort(resp->opts, resp->nopts);
	size = coap_msg_size(&out);
	return size < 0 || size > KCOAP_MAX_DATAGRAM ? -EMSGSIZE : 0;
}

bool kcoap_request_to_app(struct kcoap_endpoint *ep,
			  const struct kcoap_peer *peer,
			  const struct coap_msg *req, struct kcoap_daemon *app,
			  bool sep_non, struct kcoap_reply *reply)
{
	struct kcoap_net *kn = ep->kn;
	struct kcoap_pending *p;
	int err;

	p = kcoap_pending_new(ep, peer, req, app);
	if (!p) {
		kcoap_ep_stat_inc(ep, REQ_DELIVER_FAILED);
		reply->code = COAP_CODE(5, 3);
		return false;
	}
	p->sep_non = sep_non;
	spin_lock(&kn->pending_lock);
	err = kcoap_pending_open(p, req);
	if (!err)
		kcoap_pending_start(p);
	spin_unlock(&kn->pending_lock);
	if (!err) {
		kcoap_ep_stat_inc(ep, REQ_FORWARDED);
		return true;
	}
	kcoap_pending_free(p);
	if (err == -ENOSPC) {
		kcoap_reply_busy(ep, reply);
	} else {
		kcoap_ep_stat_inc(ep, REQ_DELIVER_FAILED);
		reply->code = COAP_CODE(5, 3);
	}
	return false;
}

int kcoap_request_respond_app(struct kcoap_endpoint *ep,
			      struct kcoap_daemon *app,
			      const struct kcoap_peer *peer, const u8 *token,
			      u8 tkl, struct kcoap_response *resp)
{
	struct kcoap_net *kn = ep->kn;
	struct kcoap_pending *p;
	int bkt, err;

	err = kcoap_response_check(resp);
	if (err)
		return err;
	err = -ENOENT;
	spin_lock_bh(&kn->pending_lock);
	/* by token and peer (section 5.3.2); a socket has few open at once */
	hash_for_each(kn->pend_handle, bkt, p, hnode) {
		if (p->owner == app && p->tkl == tkl &&
		    !memcmp(p->token, token, tkl) &&
		    kcoap_peer_eq(&p->peer, peer)) {
			kcoap_pending_unhash(p);
			err = 0;
			break;
		}
	}
	spin_unlock_bh(&kn->pending_lock);
	if (err)
		return err;
	kcoap_stat_inc(kn, REQ_ANSWERED);
	kcoap_pending_answer(p, resp->code, resp->opts, resp->nopts,
			     resp->payload, resp->payload_len);
	return 0;
}

/* pending_lock held: the exchange with this handle, if the caller owns it. */
static struct kcoap_pending *kcoap_pending_owned(struct kcoap_net *kn,
						 u32 portid,
						 const struct sock *nlsk,
						 u64 handle, int *err)
{
	struct kcoap_pending *p;

	lockdep_assert_held(&kn->pending_lock);
	hash_for_each_possible(kn->pend_handle, p, hnode, handle) {
		if (p->handle != handle)
			continue;
		if (!kcoap_daemon_is(p->owner, portid, nlsk)) {
			*err = -EPERM;
			return NULL;
		}
		return p;
	}
	*err = -ENOENT;
	return NULL;
}

int kcoap_request_respond(struct kcoap_net *kn, u32 portid,
			  const struct sock *nlsk, u64 handle,
			  struct kcoap_response *resp)
{
	struct kcoap_pending *p;
	struct kcoap_bw_out bo;
	int err;

	/* whose it is first: a stranger's options are never sorted */
	spin_lock_bh(&kn->pending_lock);
	p = kcoap_pending_owned(kn, portid, nlsk, handle, &err);
	spin_unlock_bh(&kn->pending_lock);
	if (!p)
		return err;
	/* a refused answer leaves the request open for a better one */
	err = kcoap_response_check(resp);
	if (err)
		return err;
	spin_lock_bh(&kn->pending_lock);
	p = kcoap_pending_owned(kn, portid, nlsk, handle, &err);
	if (p)
		kcoap_pending_unhash(p);
	spin_unlock_bh(&kn->pending_lock);
	if (!p)
		return err;

	kcoap_stat_inc(kn, REQ_ANSWERED);
	/* RFC 7959: cut to the client's block, Block1 echoed */
	if (kcoap_block2_response(kn, p->ep, &p->peer, &p->bw, resp, &bo)) {
		kcoap_pending_answer(p, resp->code, resp->opts, resp->nopts,
				     resp->payload, resp->payload_len);
		return 0;
	}
	kcoap_pending_answer(p, bo.code, bo.opts, bo.nopts, bo.payload,
			     bo.payload_len);
	kfree(bo.opts);
	return 0;
}

void kcoap_requests_mark_dead(struct kcoap_net *kn, struct kcoap_daemon *d)
{
	lockdep_assert_held(&kn->lock);
	spin_lock_bh(&kn->pending_lock);
	d->dead = true;
	spin_unlock_bh(&kn->pending_lock);
}

void kcoap_requests_purge(struct kcoap_net *kn, struct kcoap_daemon *d,
			  struct kcoap_resource *r, struct kcoap_endpoint *ep)
{
	struct kcoap_pending *p, *tmp;
	struct hlist_node *n;
	LIST_HEAD(victims);
	int bkt;

	lockdep_assert_held(&kn->lock);
	spin_lock_bh(&kn->pending_lock);
	hash_for_each_safe(kn->pend_handle, bkt, n, p, hnode) {
		if ((d && p->owner == d) || (r && p->res == r) ||
		    (ep && p->ep == ep)) {
			kcoap_pending_unhash(p);
			list_add_tail(&p->purge, &victims);
		}
	}
	spin_unlock_bh(&kn->pending_lock);

	list_for_each_entry_safe(p, tmp, &victims, purge) {
		/* a timer callback may still run; it finds p done */
		del_timer_sync(&p->timer);
		if (ep) {
			kcoap_stat_inc(kn, REQ_ABORTED);
			kcoap_pending_put(p);
		} else {
			kcoap_stat_inc(kn, REQ_DAEMON_GONE);
			kcoap_pending_answer(p, COAP_CODE(5, 3), NULL, 0,
					     NULL, 0);
		}
	}
}

void kcoap_requests_exit(struct kcoap_net *kn)
{
	/* endpoints are closed: nothing is pending, only records remain */
	del_timer_sync(&kn->dedup_timer);
	spin_lock_bh(&kn->pending_lock);
	kcoap_dedup_expire(kn, true);
	spin_unlock_bh(&kn->pending_lock);
	WARN_ON(kn->npending || kn->dedup.n);
}

u64 kcoap_dedup_gauge(struct kcoap_net *kn)
{
	/* a gauge, read racily: stale as soon as read anyway */
	return data_race(kn->dedup.n);
}

u64 kcoap_exchanges_gauge(struct kcoap_net *kn)
{
	/* a gauge, read racily: stale as soon as read anyway */
	return data_race(kn->npending);
}
