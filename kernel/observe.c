// SPDX-License-Identifier: GPL-2.0
/*
 * Observe (RFC 7641).  A GET with Observe 0 on an observable resource
 * whose representation the kernel serves adds the client (endpoint, peer,
 * token) to the resource's list; each publish by the owner becomes one
 * notification per observer, sent from here without waking anyone.
 *
 * Notifications are NON except every con_every-th one and at least one a
 * day (section 4.5), which are CON and retransmitted like any CON.  At
 * most one CON is in flight per observer (section 4.5.2): a newer state
 * meanwhile only marks the observer stale, and the retransmission (or the
 * notification after the ACK) carries the newest state with a new MID.
 * An RST to any notification, a CON that runs out of retransmissions, or
 * a GET with Observe 1 removes the observer; deleting the resource sends
 * 4.04 without Observe, a state whose Content-Format no longer matches
 * the client's Accept 4.06 without Observe, and forgets the observer
 * (ETSI TD_COAP_OBS_07/08).  Such a final CON keeps its observer,
 * detached from the resource, until it is acknowledged or times out.
 *
 * A CON notification is a message-layer exchange (exchange.c, struct
 * kcoap_obs_con, allocated while it is in flight): NSTART, retransmission
 * and its ACK or RST are the message layer's, and a retransmission asks
 * here for the newest state (refresh).  A NON notification is not: an
 * observer only remembers the MID of its last one, in kcoap_net.obs_mid,
 * for an RST to it; a table entry of the message layer's per NON would
 * double the 128 bytes an observer costs.
 *
 * Locking: observers, the lists that hold them, obs_mid and the link
 * between an observer and its CON (kcoap_observer.con, kcoap_obs_con.o)
 * are under kcoap_net.obs_lock, taken _bh from process context; never
 * together with pending_lock.  Observers hold their resource (detached
 * ones hold none); the resource's unlink and the endpoint's close remove
 * them first, under kcoap_net.lock, and registration checks both under
 * obs_lock.  An observer is freed under obs_lock at once: nothing outside
 * the lock points to it (its CON's ops find it through con->o, cleared
 * when it goes).  Nothing is sent and no exchange is ended under obs_lock:
 * what a pass decides is collected (struct kcoap_obs_batch) and carried
 * out after unlocking.
 */
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "blockwise.h"
#include "exchange.h"
#include "kcoap.h"
#include "observe.h"
#include "owner.h"
#include "stats.h"
#include "trace.h"
#include "udp.h"

static unsigned int max_observers = 1024;
module_param(max_observers, uint, 0644);
MODULE_PARM_DESC(max_observers, "Observers per resource; beyond, a registering client gets a plain response (default 1024)");

static unsigned int max_observers_net = 65536;
module_param(max_observers_net, uint, 0644);
MODULE_PARM_DESC(max_observers_net, "Observers per network namespace (default 65536)");

static unsigned int notify_con_every = 20;
module_param(notify_con_every, uint, 0644);
MODULE_PARM_DESC(notify_con_every, "Every Nth notification is confirmable unless the resource says otherwise; 1 (all) to 255 (default 20)");

static unsigned int max_observers_per_addr = 64;
module_param(max_observers_per_addr, uint, 0644);
MODULE_PARM_DESC(max_observers_per_addr, "Observers per client address (of any port, on any resource) in a network namespace; beyond, a registering client gets a plain response (default 64)");

unsigned int kcoap_notify_con_every(void)
{
	return clamp_val(READ_ONCE(notify_con_every), 1, 255);
}

/*
 * One observer: 128 bytes on 64-bit.  A CON in flight to it is a struct
 * kcoap_obs_con, allocated for that time.
 */
struct kcoap_observer {
	struct list_head node;		/* obs_list.head, or obs_detached */
	struct hlist_node mid_node;	/* kcoap_net.obs_mid, at mid (NON) */
	struct kcoap_resource *res;	/* NULL once detached */
	struct kcoap_endpoint *ep;
	struct kcoap_obs_con *con;	/* our CON queued or in flight */
	u32 last_con;			/* jiffies of the last CON */
	u32 heard;			/* jiffies: registered or ACKed */
	u32 nonbytes;			/* NON bytes sent to it since */
	struct kcoap_peer peer;
	u8 token[COAP_MAX_TKL];
	u16 mid;			/* of the last NON notification */
	u16 accept;			/* KCOAP_OBS_ANY: no Accept */
	u8 tkl;
	s8 szx;				/* Block2 size asked for, or -1 */
	u8 since_con;			/* NON notifications since last CON */
	bool stale;			/* a newer state waits for the CON */
};

#define KCOAP_OBS_ANY	0xffff

/*
 * The observers of one client address, whatever the port: a sender that
 * forges registrations for someone else's address gets no more than
 * max_observers_per_addr of them (obs_lock).
 */
struct kcoap_obs_addr {
	struct hlist_node node;		/* kcoap_net.obs_addr */
	struct kcoap_peer key;		/* family and addr only */
	unsigned int n;
};

/*
 * A CON notification.  o: its observer, or NULL once that is gone or has
 * moved on (obs_lock).  The observer's con pointer holds the owner's
 * reference; whoever clears the link drops it.
 */
struct kcoap_obs_con {
	struct kcoap_exchange x;
	struct kcoap_observer *o;
	struct list_head end;		/* a batch's, to be ended */
};

/*
 * What one pass under obs_lock decided, done after unlocking: CONs that
 * are over, CON notifications to send (each skb holding a reference on
 * its exchange, in cb) and NONs to send (endpoint held, peer in cb).
 */
struct kcoap_obs_batch {
	struct list_head end;
	struct sk_buff_head con;
	struct sk_buff_head non;
};

struct kcoap_obs_cb {
	union {
		struct {
			struct kcoap_obs_con *c;
			u16 mid;
		};
		struct {
			struct kcoap_endpoint *ep;
			struct kcoap_peer peer;
		};
	};
};

#define KCOAP_OBS_CB(skb) ((struct kcoap_obs_cb *)(skb)->cb)

static void kcoap_obs_batch_init(struct kcoap_obs_batch *b)
{
	INIT_LIST_HEAD(&b->end);
	__skb_queue_head_init(&b->con);
	__skb_queue_head_init(&b->non);
}

void kcoap_observe_init(struct kcoap_net *kn)
{
	BUILD_BUG_ON(sizeof(struct kcoap_observer) > 128);
	BUILD_BUG_ON(sizeof(struct kcoap_obs_cb) >
		     sizeof_field(struct sk_buff, cb));
	spin_lock_init(&kn->obs_lock);
	hash_init(kn->obs_mid);
	hash_init(kn->obs_addr);
	INIT_LIST_HEAD(&kn->obs_detached);
	kn->nobservers = 0;
}

/* Tell the owner when its resource gains its first or loses its last. */
static void kcoap_obs_count_changed(struct kcoap_net *kn,
				    struct kcoap_resource *res)
{
	/* a resource's owner registered it, so it has ops */
	if (res->obs.n <= 1)
		res->owner->ops->observers(kn, res, res->obs.n);
}

/* obs_lock held.  Take o off its resource's list, onto the detached one. */
static void kcoap_obs_detach(struct kcoap_net *kn, struct kcoap_observer *o)
{
	struct kcoap_resource *res = o->res;

	if (!res)
		return;
	list_move_tail(&o->node, &kn->obs_detached);
	res->obs.n--;
	o->res = NULL;
	if (!res->obs.n)
		kcoap_obs_count_changed(kn, res);
}

/* obs_lock held: o's CON, if any, is over; b ends it. */
static void kcoap_obs_con_drop(struct kcoap_observer *o,
			       struct kcoap_obs_batch *b)
{
	struct kcoap_obs_con *c = o->con;

	if (!c)
		return;
	c->o = NULL;
	o->con = NULL;
	list_add_tail(&c->end, &b->end);
}

/* obs_lock held: the count of peer's address, or NULL when it has none. */
static struct kcoap_obs_addr *kcoap_obs_addr(struct kcoap_net *kn,
					     const struct kcoap_peer *peer,
					     u32 *hash)
{
	struct kcoap_peer key = { .family = peer->family, .addr = peer->addr };
	struct kcoap_obs_addr *a;

	*hash = kcoap_peer_hash(&key, 0, &kn->hash_key);
	hash_for_each_possible(kn->obs_addr, a, node, *hash)
		if (a->key.family == key.family &&
		    kcoap_peer_addr_eq(key.family, &a->key.addr, &key.addr))
			return a;
	return NULL;
}

/* obs_lock held: o goes (its CON is ended by b). */
static void kcoap_obs_free(struct kcoap_net *kn, struct kcoap_observer *o,
			   struct kcoap_obs_batch *b)
{
	struct kcoap_obs_addr *a;
	u32 h;

	kcoap_obs_detach(kn, o);
	kcoap_obs_con_drop(o, b);
	a = kcoap_obs_addr(kn, &o->peer, &h);
	if (!WARN_ON_ONCE(!a) && !--a->n) {
		hash_del(&a->node);
		kfree(a);
	}
	if (!hlist_unhashed(&o->mid_node))
		hash_del(&o->mid_node);
	list_del(&o->node);
	kn->nobservers--;
	kfree(o);
}

/* No lock held: end the CONs b holds (sync: wait for their timers). */
static void kcoap_obs_end_cons(struct kcoap_obs_batch *b, bool sync)
{
	struct kcoap_obs_con *c, *tmp;

	list_for_each_entry_safe(c, tmp, &b->end, end) {
		list_del(&c->end);
		kcoap_exchange_end(&c->x, sync);
		kcoap_exchange_put(&c->x);	/* the observer's */
	}
}

/*
 * No lock held: carry out b.  sync (process context): wait for the timers
 * of the CONs it ends.
 */
static void kcoap_obs_flush_sync(struct kcoap_net *kn,
				 struct kcoap_obs_batch *b, bool sync)
{
	struct kcoap_obs_con *c;
	struct kcoap_obs_cb *cb;
	struct sk_buff *skb;

	/* first what is over: a final CON replacing one frees its NSTART */
	kcoap_obs_end_cons(b, sync);
	while ((skb = __skb_dequeue(&b->con))) {
		cb = KCOAP_OBS_CB(skb);
		c = cb->c;
		if (kcoap_exchange_send(&c->x, skb, cb->mid, true) == -ENOMEM) {
			/* an observer we cannot notify would miss states */
			spin_lock_bh(&kn->obs_lock);
			if (c->o) {
				kcoap_ep_stat_inc(c->x.ep, DROP_NOMEM);
				kcoap_obs_free(kn, c->o, b);
			}
			spin_unlock_bh(&kn->obs_lock);
		}
		kcoap_exchange_put(&c->x);	/* the queue's */
	}
	kcoap_obs_end_cons(b, sync);
	while ((skb = __skb_dequeue(&b->non))) {
		/* cb is the skb's: the transmit path writes over it */
		struct kcoap_peer peer = KCOAP_OBS_CB(skb)->peer;
		struct kcoap_endpoint *ep = KCOAP_OBS_CB(skb)->ep;

		rcu_read_lock();
		/* closing waits a grace period after dead before the socket goes */
		if (!READ_ONCE(ep->dead))
			kcoap_endpoint_xmit(ep, &peer, skb);
		else
			kfree_skb(skb);
		rcu_read_unlock();
		kcoap_endpoint_put(ep);
	}
}

static void kcoap_obs_flush(struct kcoap_net *kn, struct kcoap_obs_batch *b)
{
	kcoap_obs_flush_sync(kn, b, false);
}

/*
 * Build a notification of the resource's current state for o, or the
 * final code (4.04, 4.06) without Observe when final is set.
 */
static struct sk_buff *kcoap_obs_build(struct kcoap_observer *o,
				       const struct kcoap_repr *repr,
				       u32 seq, u8 type, u16 mid, u8 final)
{
	struct kcoap_reply r = {};
	struct coap_msg_out out = {
		.type = type,
		.mid = mid,
		.tkl = o->tkl,
		.token = o->token,
	};
	/* the Block2 size the client registered with, as if asked again */
	struct kcoap_bw bw = {
		.b2 = o->szx >= 0,
		.blk2.szx = o->szx >= 0 ? o->szx : 0,
	};

	if (final) {
		out.code = final;
		return kcoap_msg_skb(&out);
	}
	r.code = COAP_CODE(2, 5);
	kcoap_reply_add_uint(&r, COAP_OPT_OBSERVE, seq);
	if (repr->etag_len)
		kcoap_reply_add_opaque(&r, COAP_OPT_ETAG, repr->etag,
				       repr->etag_len);
	kcoap_reply_add_uint(&r, COAP_OPT_CONTENT_FORMAT, repr->ct);
	kcoap_reply_add_uint(&r, COAP_OPT_MAX_AGE, repr->max_age);
	r.payload = repr->data;
	r.payload_len = repr->len;
	/* RFC 7959 section 2.6: a large state goes as its first block */
	kcoap_block2_local(o->ep, &r, &bw, repr->etag_len);
	out.code = r.code;
	out.payload = r.payload;
	out.payload_len = r.payload_len;
	coap_opts_sort(r.opts, r.nopts);
	out.opts = r.opts;
	out.nopts = r.nopts;
	return kcoap_msg_skb(&out);
}

static const struct kcoap_exchange_ops kcoap_obs_con_ops;

/* obs_lock held: a new CON exchange for o (its previous one ended by b). */
static struct kcoap_obs_con *kcoap_obs_con_new(struct kcoap_observer *o,
					       struct kcoap_obs_batch *b)
{
	struct kcoap_obs_con *c = kzalloc(sizeof(*c), GFP_ATOMIC);

	if (!c)
		return NULL;
	kcoap_obs_con_drop(o, b);
	kcoap_exchange_init(&c->x, o->ep, &o->peer, o->token, o->tkl,
			    &kcoap_obs_con_ops);
	c->o = o;
	o->con = c;
	return c;
}

/*
 * obs_lock and rcu_read_lock held.  Queue on b a notification of the
 * current state (or final) for o; a CON in flight defers it.  Returns
 * false when o had to be freed.
 */
static bool kcoap_obs_send(struct kcoap_net *kn, struct kcoap_observer *o,
			   const struct kcoap_repr *repr, u32 seq, u8 final,
			   struct kcoap_obs_batch *b)
{
	const struct kcoap_params *params = &o->ep->params;
	u32 con_every = o->res ? o->res->obs.con_every : 1;
	struct kcoap_obs_con *c = NULL;
	struct kcoap_obs_cb *cb;
	struct sk_buff *skb;
	bool con;
	u16 mid;

	if (o->con && !final) {
		/* section 4.5.2: one CON at a time; the newest state follows */
		o->stale = true;
		return true;
	}
	con = final || kcoap_obs_con_due(o->since_con, con_every, o->last_con,
					 (u32)jiffies);
	/* the size a NON would have, near enough: payload or one block */
	if (!con && kcoap_obs_probe_due(READ_ONCE(params->probing_rate),
					o->heard, (u32)jiffies, o->nonbytes,
					min_t(u32, repr->len, 1024) + 32)) {
		con = true;
		kcoap_ep_stat_inc(o->ep, OBS_PROBE);
	}
	mid = kcoap_ep_new_mid(o->ep);
	skb = kcoap_obs_build(o, repr, seq, con ? COAP_TYPE_CON : COAP_TYPE_NON,
			      mid, final);
	/* a final message replaces whatever was in flight */
	if (skb && con)
		c = kcoap_obs_con_new(o, b);
	if (!skb || (con && !c)) {
		/* an observer we cannot notify would miss states silently */
		kfree_skb(skb);
		kcoap_ep_stat_inc(o->ep, DROP_NOMEM);
		kcoap_obs_free(kn, o, b);
		return false;
	}
	o->stale = false;
	kcoap_ep_stat_inc(o->ep, OBS_NOTIFICATIONS);
	if (!hlist_unhashed(&o->mid_node))
		hash_del(&o->mid_node);
	cb = KCOAP_OBS_CB(skb);
	if (con) {
		o->since_con = 0;
		o->last_con = (u32)jiffies;
		cb->c = c;
		cb->mid = mid;
		kcoap_exchange_hold(&c->x);
		__skb_queue_tail(&b->con, skb);
	} else {
		if (o->since_con < U8_MAX)
			o->since_con++;
		o->nonbytes = min_t(u64, (u64)o->nonbytes + skb->len, U32_MAX);
		/* an RST to it names o by this MID */
		o->mid = mid;
		hash_add(kn->obs_mid, &o->mid_node,
			 kcoap_peer_hash(&o->peer, mid, &kn->hash_key));
		cb->ep = o->ep;
		cb->peer = o->peer;
		kcoap_endpoint_hold(o->ep);
		__skb_queue_tail(&b->non, skb);
	}
	return true;
}

/* The current state of o's resource: Content-Format acceptable? */
static u8 kcoap_obs_final_for(const struct kcoap_observer *o,
			      const struct kcoap_repr *repr)
{
	if (o->accept != KCOAP_OBS_ANY && o->accept != repr->ct)
		return COAP_CODE(4, 6);
	return 0;
}

static struct kcoap_obs_con *kcoap_obs_con_of(struct kcoap_exchange *x)
{
	return container_of(x, struct kcoap_obs_con, x);
}

/*
 * obs_lock held: c's exchange ended; its observer, if still its own, is
 * returned with the link cleared and the owner's reference moved to *put.
 */
static struct kcoap_observer *kcoap_obs_con_ended(struct kcoap_obs_con *c,
						  bool *put)
{
	struct kcoap_observer *o = c->o;

	*put = o;
	if (o) {
		c->o = NULL;
		o->con = NULL;
	}
	return o;
}

/* Softirq: the client acknowledged a CON notification. */
static int kcoap_obs_acked(struct kcoap_exchange *x, const struct coap_msg *msg)
{
	struct kcoap_obs_con *c = kcoap_obs_con_of(x);
	struct kcoap_net *kn = x->ep->kn;
	const struct kcoap_repr *repr;
	struct kcoap_observer *o;
	struct kcoap_obs_batch b;
	bool put;

	kcoap_obs_batch_init(&b);
	rcu_read_lock();
	spin_lock_bh(&kn->obs_lock);
	o = kcoap_obs_con_ended(c, &put);
	if (!o)
		goto out;
	o->heard = (u32)jiffies;
	o->nonbytes = 0;
	if (!o->res) {
		kcoap_obs_free(kn, o, &b);	/* its final message arrived */
		goto out;
	}
	repr = rcu_dereference(o->res->repr);
	if (o->stale && repr)
		kcoap_obs_send(kn, o, repr, o->res->obs.seq,
			       kcoap_obs_final_for(o, repr), &b);
out:
	spin_unlock_bh(&kn->obs_lock);
	rcu_read_unlock();
	kcoap_obs_flush(kn, &b);
	if (put)
		kcoap_exchange_put(x);
	return 0;
}

/* An RST to a CON notification (section 3.6), or no ACK (4.5). */
static void kcoap_obs_con_end(struct kcoap_exchange *x, int stat)
{
	struct kcoap_obs_con *c = kcoap_obs_con_of(x);
	struct kcoap_net *kn = x->ep->kn;
	struct kcoap_observer *o;
	struct kcoap_obs_batch b;
	bool put;

	kcoap_obs_batch_init(&b);
	spin_lock_bh(&kn->obs_lock);
	o = kcoap_obs_con_ended(c, &put);
	if (o) {
		kcoap_ep_stat_inc_nr(x->ep, stat);
		kcoap_obs_free(kn, o, &b);
	}
	spin_unlock_bh(&kn->obs_lock);
	kcoap_obs_flush(kn, &b);
	if (put)
		kcoap_exchange_put(x);
}

static void kcoap_obs_reset(struct kcoap_exchange *x)
{
	kcoap_obs_con_end(x, COAP_STATS_A_OBS_RESET);
}

static void kcoap_obs_timeout(struct kcoap_exchange *x)
{
	kcoap_obs_con_end(x, COAP_STATS_A_OBS_TIMEOUT);
}

/* Before a retransmission or a kicked CON: the newest state (4.5.2). */
static struct sk_buff *kcoap_obs_refresh(struct kcoap_exchange *x, u16 *mid)
{
	struct kcoap_obs_con *c = kcoap_obs_con_of(x);
	struct kcoap_net *kn = x->ep->kn;
	const struct kcoap_repr *repr = NULL;
	struct kcoap_observer *o;
	struct sk_buff *skb = NULL;

	rcu_read_lock();
	spin_lock_bh(&kn->obs_lock);
	o = c->o;
	if (o && o->stale && o->res)
		repr = rcu_dereference(o->res->repr);
	if (repr && !kcoap_obs_final_for(o, repr)) {
		*mid = kcoap_ep_new_mid(x->ep);
		skb = kcoap_obs_build(o, repr, o->res->obs.seq, COAP_TYPE_CON,
				      *mid, 0);
		if (skb)
			o->stale = false;
	}
	spin_unlock_bh(&kn->obs_lock);
	rcu_read_unlock();
	return skb;
}

static void kcoap_obs_release(struct kcoap_exchange *x)
{
	kfree(kcoap_obs_con_of(x));
}

static const struct kcoap_exchange_ops kcoap_obs_con_ops = {
	.acked = kcoap_obs_acked,
	.reset = kcoap_obs_reset,
	.timeout = kcoap_obs_timeout,
	.refresh = kcoap_obs_refresh,
	.release = kcoap_obs_release,
};

/*
 * An observer is kept for the resource's owner: charged to the owner's
 * memory cgroup, though a remote peer asked for it in softirq; so is the
 * count of its address (*a) when it is the address's first.
 */
static struct kcoap_observer *kcoap_obs_alloc(struct kcoap_daemon *owner,
					      struct kcoap_obs_addr **a)
{
	struct kcoap_observer *o;
	struct mem_cgroup *old;

	old = set_active_memcg(owner->memcg);
	o = kzalloc(sizeof(*o), GFP_ATOMIC | __GFP_ACCOUNT);
	if (o && !*a) {
		*a = kzalloc(sizeof(**a), GFP_ATOMIC | __GFP_ACCOUNT);
		if (!*a) {
			kfree(o);
			o = NULL;
		}
	}
	set_active_memcg(old);
	return o;
}

int kcoap_observe_register(struct kcoap_endpoint *ep,
			   const struct kcoap_peer *peer,
			   const struct coap_msg *req,
			   struct kcoap_resource *res, int accept, int szx,
			   u32 *seq)
{
	struct kcoap_obs_list *ol = &res->obs;
	struct kcoap_net *kn = ep->kn;
	struct kcoap_obs_addr *a;
	struct kcoap_observer *o;
	int err = 0;
	u32 h;

	spin_lock(&kn->obs_lock);
	if (ol->closed || READ_ONCE(ep->dead)) {
		err = -ENOENT;
		goto out;
	}
	/* section 4.1: the same endpoint and token replace the entry */
	list_for_each_entry(o, &ol->head, node) {
		if (o->tkl == req->tkl && !memcmp(o->token, req->token, o->tkl) &&
		    kcoap_peer_eq(&o->peer, peer)) {
			/* a CON in flight keeps its own copy of the peer */
			o->ep = ep;
			o->peer = *peer;
			goto set;
		}
	}
	a = kcoap_obs_addr(kn, peer, &h);
	if (ol->n >= READ_ONCE(max_observers) ||
	    kn->nobservers >= READ_ONCE(max_observers_net) ||
	    (a ? a->n : 0) >= READ_ONCE(max_observers_per_addr)) {
		err = -ENOSPC;
		kcoap_ep_stat_inc(ep, OBS_REFUSED);
		goto out;
	}
	o = kcoap_obs_alloc(res->owner, &a);
	if (!o) {
		err = -ENOMEM;
		goto out;
	}
	if (!a->n) {
		a->key.family = peer->family;
		a->key.addr = peer->addr;
		hash_add(kn->obs_addr, &a->node, h);
	}
	a->n++;
	INIT_HLIST_NODE(&o->mid_node);
	o->ep = ep;
	o->peer = *peer;
	o->tkl = req->tkl;
	memcpy(o->token, req->token, req->tkl);
	o->last_con = (u32)jiffies;
	o->res = res;
	list_add_tail(&o->node, &ol->head);
	ol->n++;
	kn->nobservers++;
	kcoap_obs_count_changed(kn, res);
set:
	/* the client just spoke: a fresh PROBING_RATE budget */
	o->heard = (u32)jiffies;
	o->nonbytes = 0;
	o->accept = accept >= 0 ? accept : KCOAP_OBS_ANY;
	o->szx = szx;
	*seq = ol->seq;
	kcoap_ep_stat_inc(ep, OBS_REGISTERED);
out:
	spin_unlock(&kn->obs_lock);
	return err;
}

void kcoap_observe_deregister(struct kcoap_endpoint *ep,
			      const struct kcoap_peer *peer,
			      const struct coap_msg *req,
			      struct kcoap_resource *res)
{
	struct kcoap_net *kn = ep->kn;
	struct kcoap_observer *o;
	struct kcoap_obs_batch b;

	kcoap_obs_batch_init(&b);
	spin_lock(&kn->obs_lock);
	list_for_each_entry(o, &res->obs.head, node) {
		if (o->tkl == req->tkl && !memcmp(o->token, req->token, o->tkl) &&
		    kcoap_peer_eq(&o->peer, peer)) {
			kcoap_obs_free(kn, o, &b);
			kcoap_ep_stat_inc(ep, OBS_CANCELLED);
			break;
		}
	}
	spin_unlock(&kn->obs_lock);
	kcoap_obs_flush(kn, &b);
}

bool kcoap_observe_ack(struct kcoap_endpoint *ep,
		       const struct kcoap_peer *peer, u16 mid, bool reset)
{
	struct kcoap_net *kn = ep->kn;
	struct kcoap_observer *o;
	struct kcoap_obs_batch b;
	bool found = false;

	/* an ACK to a NON answers nothing (section 4.3) */
	if (!reset)
		return false;
	kcoap_obs_batch_init(&b);
	spin_lock(&kn->obs_lock);
	hash_for_each_possible(kn->obs_mid, o, mid_node,
			       kcoap_peer_hash(peer, mid, &kn->hash_key)) {
		if (o->mid == mid && o->ep == ep && kcoap_peer_eq(&o->peer, peer)) {
			/* section 3.6: the client is not interested any more */
			kcoap_obs_free(kn, o, &b);
			kcoap_ep_stat_inc(ep, OBS_RESET);
			found = true;
			break;
		}
	}
	spin_unlock(&kn->obs_lock);
	kcoap_obs_flush(kn, &b);
	if (found)
		kcoap_ep_stat_inc(ep, RX_RESETS);
	return found;
}

void kcoap_observe_notify(struct kcoap_net *kn, struct kcoap_resource *res)
{
	struct kcoap_observer *o, *tmp;
	const struct kcoap_repr *repr;
	struct kcoap_obs_batch b;

	lockdep_assert_held(&kn->lock);
	kcoap_obs_batch_init(&b);
	rcu_read_lock();
	spin_lock_bh(&kn->obs_lock);
	repr = rcu_dereference(res->repr);
	res->obs.seq = kcoap_obs_seq_next(res->obs.seq);
	/* a withdrawn representation notifies nobody: GETs go to the owner */
	if (repr) {
		list_for_each_entry_safe(o, tmp, &res->obs.head, node) {
			u8 final = kcoap_obs_final_for(o, repr);

			if (!kcoap_obs_send(kn, o, repr, res->obs.seq, final,
					    &b))
				continue;
			if (final)
				kcoap_obs_detach(kn, o);
		}
	}
	spin_unlock_bh(&kn->obs_lock);
	rcu_read_unlock();
	kcoap_obs_flush(kn, &b);
}

void kcoap_observe_close(struct kcoap_net *kn, struct kcoap_resource *res)
{
	struct kcoap_observer *o, *tmp;
	struct kcoap_obs_batch b;

	lockdep_assert_held(&kn->lock);
	kcoap_obs_batch_init(&b);
	rcu_read_lock();
	spin_lock_bh(&kn->obs_lock);
	res->obs.closed = true;
	/* section 3.2: 4.04 without Observe tells them it is over */
	list_for_each_entry_safe(o, tmp, &res->obs.head, node)
		if (kcoap_obs_send(kn, o, NULL, 0, COAP_CODE(4, 4), &b))
			kcoap_obs_detach(kn, o);
	spin_unlock_bh(&kn->obs_lock);
	rcu_read_unlock();
	kcoap_obs_flush(kn, &b);
}

void kcoap_observe_purge_ep(struct kcoap_net *kn, struct kcoap_endpoint *ep)
{
	struct kcoap_observer *o, *tmp;
	struct kcoap_resource *r;
	struct kcoap_obs_batch b;

	lockdep_assert_held(&kn->lock);
	kcoap_obs_batch_init(&b);
	spin_lock_bh(&kn->obs_lock);
	list_for_each_entry(r, &kn->res_list, node)
		list_for_each_entry_safe(o, tmp, &r->obs.head, node)
			if (o->ep == ep)
				kcoap_obs_free(kn, o, &b);
	/* detached observers only live on through their final CON */
	list_for_each_entry_safe(o, tmp, &kn->obs_detached, node)
		if (o->ep == ep)
			kcoap_obs_free(kn, o, &b);
	spin_unlock_bh(&kn->obs_lock);
	kcoap_obs_flush_sync(kn, &b, true);
}

unsigned int kcoap_observe_count(struct kcoap_net *kn,
				 struct kcoap_resource *res)
{
	/* a gauge, read racily: stale as soon as read anyway */
	return data_race(res->obs.n);
}

u64 kcoap_observe_gauge(struct kcoap_net *kn)
{
	/* a gauge, read racily: stale as soon as read anyway */
	return data_race(kn->nobservers);
}

void kcoap_observe_exit(struct kcoap_net *kn)
{
	/* every observer went with its endpoint */
	WARN_ON(kn->nobservers || !list_empty(&kn->obs_detached) ||
		!hash_empty(kn->obs_addr));
}
