// SPDX-License-Identifier: GPL-2.0
/*
 * Requests forwarded to daemons.
 *
 * A pending request sits in two hash tables (by handle, for the daemon's
 * answer; by peer and MID, to recognise retransmissions) under
 * kcoap_net.pending_lock.  Whoever unhashes an entry owns it: the answer
 * (netlink, process context), its timer (softirq) or a purge (process
 * context).  Process-context owners then wait for the timer with
 * del_timer_sync() before freeing; the timer callback finds an unhashed
 * entry and leaves it alone.  The timer is armed only once the request has
 * reached the daemon, so a failed delivery is undone without racing it.
 *
 * Owners send under rcu_read_lock and check ep->dead, so an endpoint that
 * is closing (it sets dead, then waits for a grace period before freeing
 * its socket) is never used after it is gone.
 */
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "kcoap.h"

static unsigned int request_timeout_ms = 5000;
module_param(request_timeout_ms, uint, 0644);
MODULE_PARM_DESC(request_timeout_ms, "How long a daemon may take to answer before the client gets 5.03 (default 5000)");

static unsigned int max_pending = 256;
module_param(max_pending, uint, 0644);
MODULE_PARM_DESC(max_pending, "Requests that may wait for one daemon; beyond, clients get 5.03 (default 256)");

struct kcoap_pending {
	struct hlist_node hnode;	/* pend_handle */
	struct hlist_node mnode;	/* pend_mid */
	struct list_head purge;		/* private list of a purge */
	struct timer_list timer;
	struct kcoap_net *kn;
	struct kcoap_endpoint *ep;
	struct kcoap_daemon *owner;
	const struct kcoap_resource *res;	/* compared, not followed */
	u64 handle;
	struct kcoap_peer peer;
	u16 mid;
	u8 type;
	u8 tkl;
	u8 token[COAP_MAX_TKL];
};

void kcoap_requests_init(struct kcoap_net *kn)
{
	spin_lock_init(&kn->pending_lock);
	hash_init(kn->pend_handle);
	hash_init(kn->pend_mid);
	atomic64_set(&kn->next_handle, 0);
}

static u32 kcoap_mid_hash(const struct kcoap_peer *peer, u16 mid)
{
	u32 h = jhash_2words(peer->port, mid, peer->family);

	if (peer->family == AF_INET)
		return jhash_1word((__force u32)peer->addr.v4, h);
	return jhash(&peer->addr.v6, sizeof(peer->addr.v6), h);
}

static bool kcoap_peer_eq(const struct kcoap_peer *a,
			  const struct kcoap_peer *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	if (a->family == AF_INET)
		return a->addr.v4 == b->addr.v4;
	return ipv6_addr_equal(&a->addr.v6, &b->addr.v6);
}

/* pending_lock held. */
static void kcoap_pending_unhash(struct kcoap_pending *p)
{
	hash_del(&p->hnode);
	hash_del(&p->mnode);
	p->owner->npending--;
}

/* Answer the client on behalf of p (any context, p owned). */
static void kcoap_pending_answer(struct kcoap_pending *p, u8 code,
				 struct coap_opt_out *opts,
				 unsigned int nopts, const void *payload,
				 u32 len)
{
	struct kcoap_answer a = {
		.type = p->type,
		.mid = p->mid,
		.tkl = p->tkl,
		.token = p->token,
		.code = code,
		.opts = opts,
		.nopts = nopts,
		.payload = payload,
		.payload_len = len,
	};

	rcu_read_lock();
	if (!READ_ONCE(p->ep->dead))
		kcoap_send_answer(p->ep, &p->peer, &a);
	rcu_read_unlock();
}

static void kcoap_pending_expire(struct timer_list *t)
{
	struct kcoap_pending *p = from_timer(p, t, timer);
	struct kcoap_net *kn = p->kn;

	spin_lock(&kn->pending_lock);
	if (hlist_unhashed(&p->hnode)) {
		/* someone else owns it and waits for us */
		spin_unlock(&kn->pending_lock);
		return;
	}
	kcoap_pending_unhash(p);
	spin_unlock(&kn->pending_lock);
	kcoap_stat_inc(kn, REQ_TIMEOUT);
	kcoap_pending_answer(p, COAP_CODE(5, 3), NULL, 0, NULL, 0);
	kfree(p);
}

bool kcoap_request_pending(struct kcoap_net *kn,
			   const struct kcoap_peer *peer, u16 mid)
{
	u32 h = kcoap_mid_hash(peer, mid);
	struct kcoap_pending *p;
	bool found = false;

	spin_lock(&kn->pending_lock);
	hash_for_each_possible(kn->pend_mid, p, mnode, h) {
		if (p->mid == mid && kcoap_peer_eq(&p->peer, peer)) {
			found = true;
			break;
		}
	}
	spin_unlock(&kn->pending_lock);
	return found;
}

bool kcoap_request_forward(struct kcoap_endpoint *ep,
			   const struct kcoap_peer *peer,
			   const struct coap_msg *req,
			   struct kcoap_resource *res,
			   struct kcoap_reply *reply)
{
	struct kcoap_daemon *d = res->owner;
	struct kcoap_net *kn = ep->kn;
	struct kcoap_pending *p;
	struct sk_buff *msg;
	int err;

	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		goto fail;
	p->kn = kn;
	p->ep = ep;
	p->owner = d;
	p->res = res;
	p->peer = *peer;
	p->mid = req->mid;
	p->type = req->type;
	p->tkl = req->tkl;
	memcpy(p->token, req->token, req->tkl);
	p->handle = atomic64_inc_return(&kn->next_handle);
	timer_setup(&p->timer, kcoap_pending_expire, 0);

	msg = kcoap_nl_request_msg(kn, p->handle, ep, peer, req, res);
	if (!msg)
		goto fail;

	spin_lock(&kn->pending_lock);
	if (d->npending >= READ_ONCE(max_pending)) {
		spin_unlock(&kn->pending_lock);
		nlmsg_free(msg);
		kfree(p);
		kcoap_stat_inc(kn, REQ_QUEUE_FULL);
		reply->code = COAP_CODE(5, 3);
		kcoap_reply_add_uint(reply, COAP_OPT_MAX_AGE,
				     COAP_BUSY_MAX_AGE);
		return false;
	}
	err = d->dead ? -ECONNREFUSED : 0;
	if (!err) {
		hash_add(kn->pend_handle, &p->hnode, p->handle);
		hash_add(kn->pend_mid, &p->mnode, kcoap_mid_hash(peer, p->mid));
		d->npending++;
		/* never sleeps: the message is queued or refused at once */
		err = kcoap_nl_unicast(kn, msg, d->portid);
		msg = NULL;
		if (err)
			kcoap_pending_unhash(p);
		else
			mod_timer(&p->timer, jiffies +
				  msecs_to_jiffies(READ_ONCE(request_timeout_ms)));
	}
	spin_unlock(&kn->pending_lock);
	if (!err) {
		kcoap_stat_inc(kn, REQ_FORWARDED);
		return true;
	}
	nlmsg_free(msg);
fail:
	kfree(p);
	kcoap_stat_inc(kn, REQ_DELIVER_FAILED);
	reply->code = COAP_CODE(5, 3);
	return false;
}

int kcoap_request_respond(struct kcoap_net *kn, u32 portid, u64 handle,
			  struct kcoap_response *resp)
{
	struct coap_msg_out out = {
		.code = resp->code,
		.tkl = COAP_MAX_TKL,
		.opts = resp->opts,
		.nopts = resp->nopts,
		.payload_len = resp->payload_len,
	};
	struct kcoap_pending *p;
	int err = -ENOENT;
	long size;

	/* refuse what cannot be sent before the request is consumed */
	kcoap_opts_sort(resp->opts, resp->nopts);
	size = coap_msg_size(&out);
	if (size < 0 || size > KCOAP_MAX_DATAGRAM)
		return -EMSGSIZE;

	spin_lock_bh(&kn->pending_lock);
	hash_for_each_possible(kn->pend_handle, p, hnode, handle) {
		if (p->handle != handle)
			continue;
		if (p->owner->portid != portid) {
			err = -EPERM;
			break;
		}
		kcoap_pending_unhash(p);
		err = 0;
		break;
	}
	spin_unlock_bh(&kn->pending_lock);
	if (err)
		return err;

	kcoap_stat_inc(kn, REQ_ANSWERED);
	kcoap_pending_answer(p, resp->code, resp->opts, resp->nopts,
			     resp->payload, resp->payload_len);
	del_timer_sync(&p->timer);
	kfree(p);
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
		del_timer_sync(&p->timer);
		if (ep) {
			kcoap_stat_inc(kn, REQ_ABORTED);
		} else {
			kcoap_stat_inc(kn, REQ_DAEMON_GONE);
			kcoap_pending_answer(p, COAP_CODE(5, 3), NULL, 0,
					     NULL, 0);
		}
		kfree(p);
	}
}
