// SPDX-License-Identifier: GPL-2.0
/*
 * Block2 (RFC 7959 sections 2.2 to 2.4): representations larger than the
 * client's block, or than KCOAP_BLOCK_WHOLE_MAX when it asked for no
 * block, go out one block per request.
 *
 * What the kernel serves itself is cut per request (kcoap_block2_local).
 * A daemon's answer is cut when it arrives, and kept whole in a cache so
 * that the client's requests for the following blocks are answered here
 * without the daemon (kcoap_block2_cached).  The cache is keyed like a
 * Block1 buffer (endpoint, client, method, request URI), holds at most
 * block2_cache_max answers per namespace (at the bound the oldest goes,
 * block2_cache_evicted), and an answer lives block_timeout_ms
 * (block2_cache_expired).  A block past the end gets 4.02 Bad Option.
 * Every block carries an ETag, the daemon's or a hash of the content, so
 * a client sees when blocks of different versions would be mixed.  A
 * daemon that sets Block2 itself does its own blocks and is left alone.
 *
 * Locking: kcoap_net.block_lock; the cache is filled in process context
 * (the daemon's COAP_CMD_RESPONSE) and read in softirq.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "blockwise.h"
#include "kcoap.h"
#include "request.h"
#include "stats.h"
#include "udp.h"

static unsigned int block2_cache_max = 64;
module_param(block2_cache_max, uint, 0644);
MODULE_PARM_DESC(block2_cache_max, "Large daemon responses kept per network namespace for their further Block2 blocks; beyond, the oldest is dropped (default 64)");

/* Answers with more options than this are sent cut but not cached. */
#define KCOAP_B2_MAX_OPTS	16

struct kcoap_b2resp {
	struct hlist_node hnode;	/* kcoap_net.b2_hash */
	struct list_head lru;		/* kcoap_net.b2_lru, oldest first */
	struct kcoap_bkey key;
	unsigned long expires;
	u8 code;
	unsigned int nopts;
	u32 len;
	const u8 *payload;		/* in data[] after the option values */
	struct coap_opt_out opts[];	/* then the values, then the payload */
};

static struct kcoap_b2resp *kcoap_b2_find(struct kcoap_net *kn,
					  const struct kcoap_bkey *k)
{
	struct kcoap_b2resp *e;

	hash_for_each_possible(kn->b2_hash, e, hnode, kcoap_bkey_hash(k))
		if (!memcmp(&e->key, k, sizeof(*k)))
			return e;
	return NULL;
}

static void kcoap_b2_free(struct kcoap_net *kn, struct kcoap_b2resp *e)
{
	hash_del(&e->hnode);
	list_del(&e->lru);
	kfree(e);
	kn->nb2--;
}

unsigned int kcoap_block2_gc(struct kcoap_net *kn,
			     const struct kcoap_endpoint *ep, bool all,
			     unsigned long *next)
{
	struct kcoap_b2resp *e, *tmp;
	unsigned int left = 0;

	list_for_each_entry_safe(e, tmp, &kn->b2_lru, lru) {
		if (all || e->key.ep == ep) {
			kcoap_b2_free(kn, e);
		} else if (!time_before(jiffies, e->expires)) {
			kcoap_stat_inc(kn, BLOCK2_CACHE_EXPIRED);
			kcoap_b2_free(kn, e);
		} else {
			if (!left++ || time_before(e->expires, *next))
				*next = e->expires;
		}
	}
	return left;
}

static void kcoap_add_opt(struct coap_opt_out *o, unsigned int *n, u16 num,
			  const void *val, u32 len)
{
	o[*n].num = num;
	o[*n].val = val;
	o[*n].len = len;
	(*n)++;
}

/* An ETag for content that has none: stable while the content is. */
static void kcoap_block_etag(struct kcoap_net *kn, const void *data, u32 len,
			     u8 *etag)
{
	u64 h = siphash(data, len, &kn->block_key);

	memcpy(etag, &h, sizeof(h));
}

void kcoap_block2_local(struct kcoap_endpoint *ep, struct kcoap_reply *reply,
			const struct kcoap_bw *bw, bool has_etag)
{
	u32 total = reply->payload_len, off, len;
	struct coap_block blk = { .szx = COAP_BLOCK_SZX_MAX };
	u8 val[COAP_ETAG_MAX];

	if (reply->code != COAP_CODE(2, 5))
		return;
	if (!bw->b2 && total <= KCOAP_BLOCK_WHOLE_MAX) {
		if (bw->size2)
			kcoap_reply_add_uint(reply, COAP_OPT_SIZE2, total);
		return;
	}
	if (bw->b2)
		blk = bw->blk2;
	if (!coap_block2_slice(total, kcoap_block_szx(), &blk, &off, &len)) {
		kcoap_ep_stat_inc(ep, BLOCK_BAD_OPTION);
		reply->code = COAP_CODE(4, 2);
		reply->nopts = 0;
		reply->payload = NULL;
		reply->payload_len = 0;
		return;
	}
	if (!has_etag) {
		kcoap_block_etag(ep->kn, reply->payload, total, val);
		kcoap_reply_add_opaque(reply, COAP_OPT_ETAG, val, COAP_ETAG_MAX);
	}
	kcoap_reply_add_opaque(reply, COAP_OPT_BLOCK2, val,
			       coap_block_encode(&blk, val));
	if (!blk.num || bw->size2)
		kcoap_reply_add_uint(reply, COAP_OPT_SIZE2, total);
	reply->payload = (const u8 *)reply->payload + off;
	reply->payload_len = len;
	kcoap_ep_stat_inc(ep, BLOCK2_SENT);
}

bool kcoap_block2_cached(struct kcoap_endpoint *ep,
			 const struct kcoap_peer *peer,
			 const struct coap_msg *req, const struct kcoap_bw *bw)
{
	struct coap_opt_out opts[KCOAP_B2_MAX_OPTS + 2];
	struct kcoap_net *kn = ep->kn;
	struct coap_block blk = bw->blk2;
	struct coap_msg_out out = {
		.tkl = req->tkl,
		.token = req->token,
		.opts = opts,
	};
	u8 b2val[3], s2val[4];
	struct kcoap_b2resp *e;
	struct sk_buff *skb;
	struct kcoap_bkey key;
	u32 off, len;

	if (!bw->b2 || !blk.num)
		return false;
	kcoap_bkey_init(&key, ep, peer, req->code, kcoap_block_uri(kn, req));
	spin_lock(&kn->block_lock);
	e = kcoap_b2_find(kn, &key);
	if (!e || !time_before(jiffies, e->expires)) {
		spin_unlock(&kn->block_lock);
		return false;	/* the daemon answers again */
	}
	if (!coap_block2_slice(e->len, kcoap_block_szx(), &blk, &off, &len)) {
		kcoap_ep_stat_inc(ep, BLOCK_BAD_OPTION);
		out.code = COAP_CODE(4, 2);
	} else {
		out.code = e->code;
		memcpy(opts, e->opts, e->nopts * sizeof(*opts));
		out.nopts = e->nopts;
		kcoap_add_opt(opts, &out.nopts, COAP_OPT_BLOCK2, b2val,
			      coap_block_encode(&blk, b2val));
		if (bw->size2)
			kcoap_add_opt(opts, &out.nopts, COAP_OPT_SIZE2, s2val,
				      coap_uint_encode(e->len, s2val));
		coap_opts_sort(opts, out.nopts);
		out.payload = e->payload + off;
		out.payload_len = len;
		kcoap_ep_stat_inc(ep, BLOCK2_CACHE_HIT);
		kcoap_ep_stat_inc(ep, BLOCK2_SENT);
	}
	if (req->type == COAP_TYPE_CON) {
		out.type = COAP_TYPE_ACK;	/* piggybacked */
		out.mid = req->mid;
	} else {
		out.type = COAP_TYPE_NON;
		out.mid = kcoap_ep_new_mid(ep);
	}
	/* built under the lock: the option values live in the entry */
	skb = kcoap_msg_skb(&out);
	spin_unlock(&kn->block_lock);
	if (skb)
		kcoap_endpoint_xmit(ep, peer, skb);
	return true;
}

/* Keep the whole answer for the client's further blocks. */
static void kcoap_b2_store(struct kcoap_net *kn,
			   const struct kcoap_endpoint *ep,
			   const struct kcoap_bkey *key, u8 code,
			   const struct coap_opt_out *opts, unsigned int nopts,
			   const void *payload, u32 len)
{
	size_t size = sizeof(struct kcoap_b2resp) + nopts * sizeof(*opts) + len;
	struct kcoap_b2resp *e, *old;
	unsigned int i;
	u8 *p;

	if (nopts > KCOAP_B2_MAX_OPTS || !READ_ONCE(block2_cache_max))
		return;
	for (i = 0; i < nopts; i++)
		size += opts[i].len;
	e = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!e)
		return;		/* the client's next block goes to the daemon */
	e->key = *key;
	e->code = code;
	e->nopts = nopts;
	e->len = len;
	p = (u8 *)&e->opts[nopts];
	for (i = 0; i < nopts; i++) {
		e->opts[i] = opts[i];
		if (opts[i].len)
			memcpy(p, opts[i].val, opts[i].len);
		e->opts[i].val = p;
		p += opts[i].len;
	}
	memcpy(p, payload, len);
	e->payload = p;

	rcu_read_lock();
	spin_lock_bh(&kn->block_lock);
	/* a closing endpoint purges under this lock after setting dead */
	if (READ_ONCE(ep->dead)) {
		spin_unlock_bh(&kn->block_lock);
		rcu_read_unlock();
		kfree(e);
		return;
	}
	e->expires = jiffies + kcoap_block_lifetime(ep);
	old = kcoap_b2_find(kn, key);
	if (old)
		kcoap_b2_free(kn, old);
	while (kn->nb2 && kn->nb2 >= READ_ONCE(block2_cache_max)) {
		old = list_first_entry(&kn->b2_lru, struct kcoap_b2resp, lru);
		kcoap_b2_free(kn, old);
		kcoap_stat_inc(kn, BLOCK2_CACHE_EVICTED);
	}
	hash_add(kn->b2_hash, &e->hnode, kcoap_bkey_hash(key));
	list_add_tail(&e->lru, &kn->b2_lru);
	kn->nb2++;
	kcoap_block_timer_arm(kn, e->expires);
	spin_unlock_bh(&kn->block_lock);
	rcu_read_unlock();
}

int kcoap_block2_response(struct kcoap_net *kn,
			  const struct kcoap_endpoint *ep,
			  const struct kcoap_peer *peer,
			  const struct kcoap_bw_pending *bw,
			  const struct kcoap_response *resp,
			  struct kcoap_bw_out *out)
{
	struct coap_block blk = { .szx = COAP_BLOCK_SZX_MAX };
	u32 total = resp->payload_len, off, len;
	bool has_etag = false, own_b2 = false;
	struct kcoap_bkey key;
	unsigned int i, n = 0;

	out->code = resp->code;
	out->payload = resp->payload;
	out->payload_len = total;
	out->opts = kmalloc_array(resp->nopts + 4, sizeof(*out->opts),
				  GFP_KERNEL);
	if (!out->opts)
		return -ENOMEM;
	for (i = 0; i < resp->nopts; i++) {
		/* Block1 is ours to set: the daemon saw the whole body */
		if (resp->opts[i].num == COAP_OPT_BLOCK1)
			continue;
		own_b2 |= resp->opts[i].num == COAP_OPT_BLOCK2;
		has_etag |= resp->opts[i].num == COAP_OPT_ETAG;
		out->opts[n++] = resp->opts[i];
	}
	if (own_b2 || (!bw->b2 && total <= KCOAP_BLOCK_WHOLE_MAX)) {
		if (bw->size2 && !own_b2)
			kcoap_add_opt(out->opts, &n, COAP_OPT_SIZE2,
				      out->size2val,
				      coap_uint_encode(total, out->size2val));
		goto block1;
	}
	if (bw->b2)
		blk = bw->blk2;
	if (!coap_block2_slice(total, kcoap_block_szx(), &blk, &off, &len)) {
		kcoap_stat_inc(kn, BLOCK_BAD_OPTION);
		out->code = COAP_CODE(4, 2);
		out->payload = NULL;
		out->payload_len = 0;
		n = 0;
		goto block1;
	}
	if (!has_etag) {
		kcoap_block_etag(kn, resp->payload, total, out->etag);
		kcoap_add_opt(out->opts, &n, COAP_OPT_ETAG, out->etag,
			      COAP_ETAG_MAX);
	}
	if (total > coap_block_size(blk.szx)) {
		kcoap_bkey_init(&key, ep, peer, bw->method, bw->uri);
		kcoap_b2_store(kn, ep, &key, resp->code, out->opts, n,
			       resp->payload, total);
	}
	kcoap_add_opt(out->opts, &n, COAP_OPT_BLOCK2, out->b2val,
		      coap_block_encode(&blk, out->b2val));
	if (!blk.num || bw->size2)
		kcoap_add_opt(out->opts, &n, COAP_OPT_SIZE2, out->size2val,
			      coap_uint_encode(total, out->size2val));
	out->payload = (const u8 *)resp->payload + off;
	out->payload_len = len;
	kcoap_stat_inc(kn, BLOCK2_SENT);
block1:
	if (bw->b1)
		kcoap_add_opt(out->opts, &n, COAP_OPT_BLOCK1, out->b1val,
			      coap_block_encode(&bw->blk1, out->b1val));
	out->nopts = n;
	return 0;
}
