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
 * Locking: everything here is under kcoap_net.obs_lock, taken _bh from
 * process context; never together with pending_lock.  Observers hold
 * their resource (detached ones hold none) and their endpoint: the
 * resource's unlink and the endpoint's close remove them first, under
 * kcoap_net.lock, and registration checks both under obs_lock.
 * CON notifications in flight sit on kcoap_net.obs_tx, served by one timer
 * per namespace, so teardown has a single timer to stop.
 */
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "kcoap.h"
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
 * One observer: 128 bytes on 64-bit.  What a CON in flight needs besides
 * lives in struct kcoap_obs_tx, allocated only for that time.
 */
struct kcoap_observer {
	struct list_head node;		/* kcoap_obs_list.head */
	struct hlist_node mid_node;	/* kcoap_net.obs_mid, at mid */
	struct kcoap_resource *res;	/* NULL once detached */
	struct kcoap_endpoint *ep;
	struct kcoap_obs_tx *tx;	/* our CON in flight, or NULL */
	u32 last_con;			/* jiffies of the last CON */
	u32 heard;			/* jiffies: registered or ACKed */
	u32 nonbytes;			/* NON bytes sent to it since */
	struct kcoap_peer peer;
	u8 token[COAP_MAX_TKL];
	u16 mid;			/* of the last notification */
	u16 accept;			/* KCOAP_OBS_ANY: no Accept */
	u8 tkl;
	s8 szx;				/* Block2 size asked for, or -1 */
	u8 since_con;			/* NON notifications since last CON */
	bool stale;			/* a newer state waits for tx */
};

#define KCOAP_OBS_ANY	0xffff

struct kcoap_obs_tx {
	struct list_head node;		/* kcoap_net.obs_tx */
	struct kcoap_observer *obs;
	struct sk_buff *skb;		/* what we retransmit */
	unsigned long expires;
	u32 rto_ms;
	u8 retries;
};

static void kcoap_obs_timer(struct timer_list *t);

void kcoap_observe_init(struct kcoap_net *kn)
{
	BUILD_BUG_ON(sizeof(struct kcoap_observer) > 128);
	spin_lock_init(&kn->obs_lock);
	hash_init(kn->obs_mid);
	INIT_LIST_HEAD(&kn->obs_tx);
	timer_setup(&kn->obs_timer, kcoap_obs_timer, 0);
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

/* obs_lock held.  Take o off its resource's list. */
static void kcoap_obs_detach(struct kcoap_net *kn, struct kcoap_observer *o)
{
	struct kcoap_resource *res = o->res;

	if (!res)
		return;
	list_del(&o->node);
	res->obs.n--;
	o->res = NULL;
	if (!res->obs.n)
		kcoap_obs_count_changed(kn, res);
}

static void kcoap_obs_tx_free(struct kcoap_observer *o)
{
	struct kcoap_obs_tx *tx = o->tx;

	if (!tx)
		return;
	list_del(&tx->node);
	kfree_skb(tx->skb);
	kfree(tx);
	o->tx = NULL;
}

/* obs_lock held. */
static void kcoap_obs_free(struct kcoap_net *kn, struct kcoap_observer *o)
{
	kcoap_obs_detach(kn, o);
	kcoap_obs_tx_free(o);
	if (!hlist_unhashed(&o->mid_node))
		hash_del(&o->mid_node);
	kn->nobservers--;
	kfree(o);
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

/* obs_lock held: o's last notification went as mid. */
static void kcoap_obs_set_mid(struct kcoap_net *kn, struct kcoap_observer *o,
			      u16 mid)
{
	if (!hlist_unhashed(&o->mid_node))
		hash_del(&o->mid_node);
	o->mid = mid;
	hash_add(kn->obs_mid, &o->mid_node, kcoap_peer_hash(&o->peer, mid));
}

static void kcoap_obs_xmit(struct kcoap_observer *o, struct sk_buff *skb)
{
	if (!READ_ONCE(o->ep->dead))
		kcoap_endpoint_xmit(o->ep, &o->peer, skb);
	else
		kfree_skb(skb);
}

/*
 * obs_lock and rcu_read_lock held.  Send o the current state (or final);
 * a CON in flight defers it.  Returns false when o had to be freed.
 */
static bool kcoap_obs_send(struct kcoap_net *kn, struct kcoap_observer *o,
			   const struct kcoap_repr *repr, u32 seq, u8 final)
{
	const struct kcoap_params *params = &o->ep->params;
	u32 con_every = o->res ? o->res->obs.con_every : 1;
	struct kcoap_obs_tx *tx = NULL;
	struct sk_buff *skb;
	bool con;
	u16 mid;

	if (o->tx && !final) {
		/* section 4.5.2: one CON at a time; the newest state follows */
		o->stale = true;
		return true;
	}
	kcoap_obs_tx_free(o);	/* a final message replaces anything */
	con = final || kcoap_obs_con_due(o->since_con, con_every, o->last_con,
					 (u32)jiffies);
	/* the size a NON would have, near enough: payload or one block */
	if (!con && kcoap_obs_probe_due(READ_ONCE(params->probing_rate),
					o->heard, (u32)jiffies, o->nonbytes,
					min_t(u32, repr->len, 1024) + 32)) {
		con = true;
		kcoap_ep_stat_inc(o->ep, OBS_PROBE);
	}
	if (con) {
		tx = kzalloc(sizeof(*tx), GFP_ATOMIC);
		if (!tx)
			goto fail;
	}
	mid = kcoap_ep_new_mid(o->ep);
	skb = kcoap_obs_build(o, repr, seq, con ? COAP_TYPE_CON : COAP_TYPE_NON,
			      mid, final);
	if (!skb)
		goto fail;
	kcoap_obs_set_mid(kn, o, mid);
	o->stale = false;
	kcoap_ep_stat_inc(o->ep, OBS_NOTIFICATIONS);
	if (con) {
		tx->skb = skb_copy(skb, GFP_ATOMIC);
		if (!tx->skb) {
			kfree_skb(skb);
			goto fail;
		}
		tx->obs = o;
		tx->rto_ms = kcoap_rto_initial(params, get_random_u32());
		tx->expires = jiffies + msecs_to_jiffies(tx->rto_ms);
		list_add_tail(&tx->node, &kn->obs_tx);
		o->tx = tx;
		o->since_con = 0;
		o->last_con = (u32)jiffies;
		timer_reduce(&kn->obs_timer, tx->expires);
	} else {
		if (o->since_con < U8_MAX)
			o->since_con++;
		o->nonbytes = min_t(u64, (u64)o->nonbytes + skb->len, U32_MAX);
	}
	kcoap_obs_xmit(o, skb);
	return true;
fail:
	/* an observer we cannot notify would miss states silently */
	kfree(tx);
	kcoap_ep_stat_inc(o->ep, DROP_NOMEM);
	kcoap_obs_free(kn, o);
	return false;
}

/* The current state of o's resource: Content-Format acceptable? */
static u8 kcoap_obs_final_for(const struct kcoap_observer *o,
			      const struct kcoap_repr *repr)
{
	if (o->accept != KCOAP_OBS_ANY && o->accept != repr->ct)
		return COAP_CODE(4, 6);
	return 0;
}

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

int kcoap_observe_register(struct kcoap_endpoint *ep,
			   const struct kcoap_peer *peer,
			   const struct coap_msg *req,
			   struct kcoap_resource *res, int accept, int szx,
			   u32 *seq)
{
	struct kcoap_obs_list *ol = &res->obs;
	struct kcoap_net *kn = ep->kn;
	struct kcoap_observer *o;
	int err = 0;

	spin_lock(&kn->obs_lock);
	if (ol->closed || READ_ONCE(ep->dead)) {
		err = -ENOENT;
		goto out;
	}
	/* section 4.1: the same endpoint and token replace the entry */
	list_for_each_entry(o, &ol->head, node) {
		if (o->tkl == req->tkl && !memcmp(o->token, req->token, o->tkl) &&
		    kcoap_peer_eq(&o->peer, peer)) {
			o->ep = ep;
			o->peer = *peer;
			goto set;
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

	spin_lock(&kn->obs_lock);
	list_for_each_entry(o, &res->obs.head, node) {
		if (o->tkl == req->tkl && !memcmp(o->token, req->token, o->tkl) &&
		    kcoap_peer_eq(&o->peer, peer)) {
			kcoap_obs_free(kn, o);
			kcoap_ep_stat_inc(ep, OBS_CANCELLED);
			break;
		}
	}
	spin_unlock(&kn->obs_lock);
}

bool kcoap_observe_ack(struct kcoap_endpoint *ep,
		       const struct kcoap_peer *peer, u16 mid, bool reset)
{
	struct kcoap_net *kn = ep->kn;
	struct kcoap_observer *o;
	const struct kcoap_repr *repr;
	bool found = false;

	rcu_read_lock();
	spin_lock(&kn->obs_lock);
	hash_for_each_possible(kn->obs_mid, o, mid_node,
			       kcoap_peer_hash(peer, mid)) {
		if (o->mid != mid || !kcoap_peer_eq(&o->peer, peer))
			continue;
		if (reset) {
			/* section 3.6: the client is not interested any more */
			kcoap_obs_free(kn, o);
			kcoap_ep_stat_inc(ep, OBS_RESET);
			found = true;
			break;
		}
		if (!o->tx)
			break;	/* an ACK for a NON: not ours */
		found = true;
		kcoap_obs_tx_free(o);
		o->heard = (u32)jiffies;
		o->nonbytes = 0;
		if (!o->res) {
			kcoap_obs_free(kn, o);	/* its final message arrived */
			break;
		}
		repr = rcu_dereference(o->res->repr);
		if (o->stale && repr)
			kcoap_obs_send(kn, o, repr, o->res->obs.seq,
				       kcoap_obs_final_for(o, repr));
		break;
	}
	spin_unlock(&kn->obs_lock);
	rcu_read_unlock();
	if (found)
		kcoap_ep_stat_inc_nr(ep, reset ? COAP_STATS_A_RX_RESETS :
					       COAP_STATS_A_RX_ACKS);
	return found;
}

/* obs_lock held: retransmit tx, with the newest state if o is stale. */
static void kcoap_obs_retransmit(struct kcoap_net *kn, struct kcoap_obs_tx *tx)
{
	struct kcoap_observer *o = tx->obs;
	const struct kcoap_repr *repr = NULL;
	struct sk_buff *skb;
	u16 mid;

	tx->retries++;
	tx->rto_ms = kcoap_rto_backoff(tx->rto_ms);
	tx->expires = jiffies + msecs_to_jiffies(tx->rto_ms);
	if (o->stale && o->res)
		repr = rcu_dereference(o->res->repr);
	if (repr && !kcoap_obs_final_for(o, repr)) {
		/* section 4.5.2: the fresher state, counted as this attempt */
		mid = kcoap_ep_new_mid(o->ep);
		skb = kcoap_obs_build(o, repr, o->res->obs.seq, COAP_TYPE_CON,
				      mid, 0);
		if (skb) {
			kfree_skb(tx->skb);
			tx->skb = skb;
			kcoap_obs_set_mid(kn, o, mid);
			o->stale = false;
		}
	}
	kcoap_ep_stat_inc(o->ep, TX_RETRANSMIT);
	trace_coap_retransmit(&o->peer, tx->skb->data, tx->skb->len);
	skb = skb_copy(tx->skb, GFP_ATOMIC);
	if (skb)
		kcoap_obs_xmit(o, skb);
}

static void kcoap_obs_timer(struct timer_list *t)
{
	struct kcoap_net *kn = from_timer(kn, t, obs_timer);
	struct kcoap_obs_tx *tx, *tmp;
	unsigned long next = 0;
	struct kcoap_observer *o;

	rcu_read_lock();
	spin_lock(&kn->obs_lock);
	list_for_each_entry_safe(tx, tmp, &kn->obs_tx, node) {
		o = tx->obs;
		if (!time_before(jiffies, tx->expires) &&
		    tx->retries >= READ_ONCE(o->ep->params.max_retransmit)) {
			/* section 4.5: no ACK after retransmission, forget it */
			kcoap_ep_stat_inc(o->ep, OBS_TIMEOUT);
			trace_coap_timeout(&o->peer, tx->skb->data,
					   tx->skb->len);
			kcoap_obs_free(kn, o);
			continue;
		}
		if (!time_before(jiffies, tx->expires))
			kcoap_obs_retransmit(kn, tx);
		if (!next || time_before(tx->expires, next))
			next = tx->expires;
	}
	if (next)
		mod_timer(&kn->obs_timer, next);
	spin_unlock(&kn->obs_lock);
	rcu_read_unlock();
}

void kcoap_observe_notify(struct kcoap_net *kn, struct kcoap_resource *res)
{
	struct kcoap_observer *o, *tmp;
	const struct kcoap_repr *repr;

	lockdep_assert_held(&kn->lock);
	rcu_read_lock();
	spin_lock_bh(&kn->obs_lock);
	repr = rcu_dereference(res->repr);
	res->obs.seq = kcoap_obs_seq_next(res->obs.seq);
	/* a withdrawn representation notifies nobody: GETs go to the owner */
	if (repr) {
		list_for_each_entry_safe(o, tmp, &res->obs.head, node) {
			u8 final = kcoap_obs_final_for(o, repr);

			if (!kcoap_obs_send(kn, o, repr, res->obs.seq, final))
				continue;
			if (final)
				kcoap_obs_detach(kn, o);
		}
	}
	spin_unlock_bh(&kn->obs_lock);
	rcu_read_unlock();
}

void kcoap_observe_close(struct kcoap_net *kn, struct kcoap_resource *res)
{
	struct kcoap_observer *o, *tmp;

	lockdep_assert_held(&kn->lock);
	rcu_read_lock();
	spin_lock_bh(&kn->obs_lock);
	res->obs.closed = true;
	/* section 3.2: 4.04 without Observe tells them it is over */
	list_for_each_entry_safe(o, tmp, &res->obs.head, node)
		if (kcoap_obs_send(kn, o, NULL, 0, COAP_CODE(4, 4)))
			kcoap_obs_detach(kn, o);
	spin_unlock_bh(&kn->obs_lock);
	rcu_read_unlock();
}

void kcoap_observe_purge_ep(struct kcoap_net *kn, struct kcoap_endpoint *ep)
{
	struct kcoap_observer *o, *tmp;
	struct kcoap_obs_tx *tx, *ttmp;
	struct kcoap_resource *r;

	lockdep_assert_held(&kn->lock);
	spin_lock_bh(&kn->obs_lock);
	list_for_each_entry(r, &kn->res_list, node)
		list_for_each_entry_safe(o, tmp, &r->obs.head, node)
			if (o->ep == ep)
				kcoap_obs_free(kn, o);
	/* detached observers only live on through their final CON */
	list_for_each_entry_safe(tx, ttmp, &kn->obs_tx, node)
		if (tx->obs->ep == ep)
			kcoap_obs_free(kn, tx->obs);
	spin_unlock_bh(&kn->obs_lock);
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
	del_timer_sync(&kn->obs_timer);
	WARN_ON(kn->nobservers || !list_empty(&kn->obs_tx));
}
