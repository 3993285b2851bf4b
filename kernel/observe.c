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
 * Each observer is a message-layer exchange (exchange.c): its
 * notifications, CON or NON, go out through it, so ACKs and RSTs find it
 * by the MID of its last one, and a CON's retransmission asks it for the
 * newest state (refresh).
 *
 * Locking: the observer lists, the detached list and every observer field
 * but the exchange are under kcoap_net.obs_lock, taken _bh from process
 * context; never together with pending_lock.  Observers hold their
 * resource (detached ones hold none); their exchange holds the endpoint.
 * The resource's unlink and the endpoint's close remove them first, under
 * kcoap_net.lock, and registration checks both under obs_lock.  Nothing is
 * sent and no exchange is ended under obs_lock: what a pass decides is
 * collected (struct kcoap_obs_batch) and carried out after unlocking.
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

unsigned int kcoap_notify_con_every(void)
{
	return clamp_val(READ_ONCE(notify_con_every), 1, 255);
}

/*
 * One observer, 232 bytes on 64-bit; its exchange carries the
 * endpoint, the peer, the MID of its last notification and a CON's
 * retransmission state.
 */
struct kcoap_observer {
	struct kcoap_exchange x;
	struct list_head node;		/* obs_list.head, or obs_detached */
	struct list_head reap;		/* a batch's, once forgotten */
	struct kcoap_resource *res;	/* NULL once detached */
	u32 last_con;			/* jiffies of the last CON */
	u32 heard;			/* jiffies: registered or ACKed */
	u32 nonbytes;			/* NON bytes sent to it since */
	u16 accept;			/* KCOAP_OBS_ANY: no Accept */
	s8 szx;				/* Block2 size asked for, or -1 */
	u8 since_con;			/* NON notifications since last CON */
	bool stale;			/* a newer state waits for the CON */
	bool gone;			/* forgotten: its ops do nothing */
};

#define KCOAP_OBS_ANY	0xffff

/*
 * What one pass under obs_lock decided, done after unlocking: datagrams
 * to send (each holding a reference on its observer, the details in cb)
 * and observers to end.
 */
struct kcoap_obs_batch {
	struct sk_buff_head tx;
	struct list_head reap;
};

struct kcoap_obs_cb {
	struct kcoap_observer *o;
	u16 mid;
	bool con;
	bool replace;			/* a final message: ends a CON first */
};

#define KCOAP_OBS_CB(skb) ((struct kcoap_obs_cb *)(skb)->cb)

static void kcoap_obs_batch_init(struct kcoap_obs_batch *b)
{
	__skb_queue_head_init(&b->tx);
	INIT_LIST_HEAD(&b->reap);
}

void kcoap_observe_init(struct kcoap_net *kn)
{
	/* a timer is 40 bytes, more in a debug kernel (lockdep) */
	BUILD_BUG_ON(sizeof(struct kcoap_observer) -
		     sizeof(struct timer_list) > 192);
	BUILD_BUG_ON(sizeof(struct kcoap_obs_cb) >
		     sizeof_field(struct sk_buff, cb));
	spin_lock_init(&kn->obs_lock);
	INIT_LIST_HEAD(&kn->obs_detached);
	kn->nobservers = 0;
}

static struct kcoap_net *kcoap_obs_net(const struct kcoap_observer *o)
{
	return o->x.ep->kn;
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

/* obs_lock held: o is no observer any more; b ends its exchange. */
static void kcoap_obs_forget(struct kcoap_net *kn, struct kcoap_observer *o,
			     struct kcoap_obs_batch *b)
{
	if (o->gone)
		return;
	kcoap_obs_detach(kn, o);
	list_del(&o->node);
	o->gone = true;
	kn->nobservers--;
	list_add_tail(&o->reap, &b->reap);
}

/*
 * No lock held: send what b holds, end what it forgot (sync: in process
 * context, waiting for their timers).
 */
static void kcoap_obs_flush_sync(struct kcoap_net *kn,
				 struct kcoap_obs_batch *b, bool sync)
{
	struct kcoap_observer *o, *tmp;
	struct kcoap_obs_cb *cb;
	struct sk_buff *skb;
	int err;

	while ((skb = __skb_dequeue(&b->tx))) {
		cb = KCOAP_OBS_CB(skb);
		o = cb->o;
		if (cb->replace)
			kcoap_exchange_cancel(&o->x);
		err = kcoap_exchange_send(&o->x, skb, cb->mid, cb->con);
		if (err == -EBUSY) {
			/* a CON went first: it carries this state later */
			kfree_skb(skb);
			spin_lock_bh(&kn->obs_lock);
			o->stale = true;
			spin_unlock_bh(&kn->obs_lock);
		}
		kcoap_exchange_put(&o->x);
	}
	list_for_each_entry_safe(o, tmp, &b->reap, reap) {
		kcoap_exchange_end(&o->x, sync);
		kcoap_exchange_put(&o->x);	/* the list's */
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
		.tkl = o->x.tkl,
		.token = o->x.token,
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
	kcoap_block2_local(o->x.ep, &r, &bw, repr->etag_len);
	out.code = r.code;
	out.payload = r.payload;
	out.payload_len = r.payload_len;
	coap_opts_sort(r.opts, r.nopts);
	out.opts = r.opts;
	out.nopts = r.nopts;
	return kcoap_msg_skb(&out);
}

/*
 * obs_lock and rcu_read_lock held.  Queue on b a notification of the
 * current state (or final) for o; a CON in flight defers it.  Returns
 * false when o had to be forgotten.
 */
static bool kcoap_obs_send(struct kcoap_net *kn, struct kcoap_observer *o,
			   const struct kcoap_repr *repr, u32 seq, u8 final,
			   struct kcoap_obs_batch *b)
{
	const struct kcoap_params *params = &o->x.ep->params;
	u32 con_every = o->res ? o->res->obs.con_every : 1;
	struct kcoap_obs_cb *cb;
	struct sk_buff *skb;
	bool con;
	u16 mid;

	if (!final && kcoap_exchange_busy(&o->x)) {
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
		kcoap_ep_stat_inc(o->x.ep, OBS_PROBE);
	}
	mid = kcoap_ep_new_mid(o->x.ep);
	skb = kcoap_obs_build(o, repr, seq, con ? COAP_TYPE_CON : COAP_TYPE_NON,
			      mid, final);
	if (!skb) {
		/* an observer we cannot notify would miss states silently */
		kcoap_ep_stat_inc(o->x.ep, DROP_NOMEM);
		kcoap_obs_forget(kn, o, b);
		return false;
	}
	o->stale = false;
	kcoap_ep_stat_inc(o->x.ep, OBS_NOTIFICATIONS);
	if (con) {
		o->since_con = 0;
		o->last_con = (u32)jiffies;
	} else {
		if (o->since_con < U8_MAX)
			o->since_con++;
		o->nonbytes = min_t(u64, (u64)o->nonbytes + skb->len, U32_MAX);
	}
	cb = KCOAP_OBS_CB(skb);
	cb->o = o;
	cb->mid = mid;
	cb->con = con;
	cb->replace = final;
	kcoap_exchange_hold(&o->x);
	__skb_queue_tail(&b->tx, skb);
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

static struct kcoap_observer *kcoap_obs_of(struct kcoap_exchange *x)
{
	return container_of(x, struct kcoap_observer, x);
}

/* Softirq: the client acknowledged a CON notification. */
static int kcoap_obs_acked(struct kcoap_exchange *x, const struct coap_msg *msg)
{
	struct kcoap_observer *o = kcoap_obs_of(x);
	struct kcoap_net *kn = kcoap_obs_net(o);
	const struct kcoap_repr *repr;
	struct kcoap_obs_batch b;

	kcoap_obs_batch_init(&b);
	rcu_read_lock();
	spin_lock_bh(&kn->obs_lock);
	if (o->gone)
		goto out;
	o->heard = (u32)jiffies;
	o->nonbytes = 0;
	if (!o->res) {
		kcoap_obs_forget(kn, o, &b);	/* its final message arrived */
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
	return 0;
}

/* Softirq: an RST to any notification (section 3.6), or no ACK (4.5). */
static void kcoap_obs_end(struct kcoap_exchange *x, int stat)
{
	struct kcoap_observer *o = kcoap_obs_of(x);
	struct kcoap_net *kn = kcoap_obs_net(o);
	struct kcoap_obs_batch b;

	kcoap_obs_batch_init(&b);
	spin_lock_bh(&kn->obs_lock);
	if (!o->gone) {
		kcoap_ep_stat_inc_nr(x->ep, stat);
		kcoap_obs_forget(kn, o, &b);
	}
	spin_unlock_bh(&kn->obs_lock);
	kcoap_obs_flush(kn, &b);
}

static void kcoap_obs_reset(struct kcoap_exchange *x)
{
	kcoap_obs_end(x, COAP_STATS_A_OBS_RESET);
}

static void kcoap_obs_timeout(struct kcoap_exchange *x)
{
	kcoap_obs_end(x, COAP_STATS_A_OBS_TIMEOUT);
}

/* Timer, before a retransmission: the fresher state (section 4.5.2). */
static struct sk_buff *kcoap_obs_refresh(struct kcoap_exchange *x, u16 *mid)
{
	struct kcoap_observer *o = kcoap_obs_of(x);
	struct kcoap_net *kn = kcoap_obs_net(o);
	const struct kcoap_repr *repr = NULL;
	struct sk_buff *skb = NULL;

	rcu_read_lock();
	spin_lock_bh(&kn->obs_lock);
	if (!o->gone && o->stale && o->res)
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
	kfree(kcoap_obs_of(x));
}

static const struct kcoap_exchange_ops kcoap_obs_ops = {
	.acked = kcoap_obs_acked,
	.reset = kcoap_obs_reset,
	.timeout = kcoap_obs_timeout,
	.refresh = kcoap_obs_refresh,
	.release = kcoap_obs_release,
};

/*
 * An observer is kept for the resource's owner: charged to the owner's
 * memory cgroup, though a remote peer asked for it in softirq.
 */
static struct kcoap_observer *kcoap_obs_alloc(struct kcoap_daemon *owner)
{
	struct kcoap_observer *o;
	struct mem_cgroup *old;

	old = set_active_memcg(owner->memcg);
	o = kzalloc(sizeof(*o), GFP_ATOMIC | __GFP_ACCOUNT);
	set_active_memcg(old);
	return o;
}

/* The same client (section 4.1) reaching the same endpoint and address. */
static bool kcoap_obs_same(const struct kcoap_observer *o,
			   struct kcoap_endpoint *ep,
			   const struct kcoap_peer *peer)
{
	return o->x.ep == ep && o->x.peer.ifindex == peer->ifindex &&
	       kcoap_peer_addr_eq(peer->family, &o->x.peer.local,
				  &peer->local);
}

int kcoap_observe_register(struct kcoap_endpoint *ep,
			   const struct kcoap_peer *peer,
			   const struct coap_msg *req,
			   struct kcoap_resource *res, int accept, int szx,
			   u32 *seq)
{
	struct kcoap_obs_list *ol = &res->obs;
	struct kcoap_net *kn = ep->kn;
	struct kcoap_observer *o;
	struct kcoap_obs_batch b;
	int err = 0;

	kcoap_obs_batch_init(&b);
	spin_lock(&kn->obs_lock);
	if (ol->closed || READ_ONCE(ep->dead)) {
		err = -ENOENT;
		goto out;
	}
	/* section 4.1: the same endpoint and token replace the entry */
	list_for_each_entry(o, &ol->head, node) {
		if (o->x.tkl == req->tkl &&
		    !memcmp(o->x.token, req->token, req->tkl) &&
		    kcoap_peer_eq(&o->x.peer, peer)) {
			if (kcoap_obs_same(o, ep, peer))
				goto set;
			/* by another of our addresses: answer from there */
			kcoap_obs_forget(kn, o, &b);
			break;
		}
	}
	if (ol->n >= READ_ONCE(max_observers) ||
	    kn->nobservers >= READ_ONCE(max_observers_net)) {
		err = -ENOSPC;
		kcoap_ep_stat_inc(ep, OBS_REFUSED);
		goto out;
	}
	o = kcoap_obs_alloc(res->owner);
	if (!o) {
		err = -ENOMEM;
		goto out;
	}
	kcoap_exchange_init(&o->x, ep, peer, req->token, req->tkl,
			    &kcoap_obs_ops);
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
	kcoap_obs_flush(kn, &b);
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
		if (o->x.tkl == req->tkl &&
		    !memcmp(o->x.token, req->token, req->tkl) &&
		    kcoap_peer_eq(&o->x.peer, peer)) {
			kcoap_obs_forget(kn, o, &b);
			kcoap_ep_stat_inc(ep, OBS_CANCELLED);
			break;
		}
	}
	spin_unlock(&kn->obs_lock);
	kcoap_obs_flush(kn, &b);
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
			if (o->x.ep == ep)
				kcoap_obs_forget(kn, o, &b);
	/* detached observers only live on through their final CON */
	list_for_each_entry_safe(o, tmp, &kn->obs_detached, node)
		if (o->x.ep == ep)
			kcoap_obs_forget(kn, o, &b);
	spin_unlock_bh(&kn->obs_lock);
	kcoap_obs_flush_sync(kn, &b, true);
}

unsigned int kcoap_observe_count(struct kcoap_net *kn,
				 struct kcoap_resource *res)
{
	unsigned int n;

	spin_lock_bh(&kn->obs_lock);
	n = res->obs.n;
	spin_unlock_bh(&kn->obs_lock);
	return n;
}

u64 kcoap_observe_gauge(struct kcoap_net *kn)
{
	u64 n;

	spin_lock_bh(&kn->obs_lock);
	n = kn->nobservers;
	spin_unlock_bh(&kn->obs_lock);
	return n;
}

void kcoap_observe_exit(struct kcoap_net *kn)
{
	/* every observer went with its endpoint */
	WARN_ON(kn->nobservers || !list_empty(&kn->obs_detached));
}
