// SPDX-License-Identifier: GPL-2.0
/*
 * Block1 reassembly (RFC 7959 section 2.5): the blocks of a PUT or POST
 * body are collected here, each answered 2.31 Continue, and the daemon
 * gets the whole request once, when the last block (M=0) arrives.
 *
 * A buffer is keyed by endpoint, client address and port, method and
 * request URI.  Blocks must come in order: a block is accepted when it
 * starts where the body collected so far ends (any SZX; a client that
 * follows our smaller SZX continues at the right NUM by itself).  The last
 * block received again (a retransmission, or a repeat after a lost 2.31)
 * is answered 2.31 again without being appended; block 0 always starts
 * the body afresh.
 *
 * Bounds: block1_max_buffers buffers per namespace, block1_max_body
 * bytes per body (beyond,
 * or a Size1 announcing more: 4.13 with Size1, block1_too_large), and a
 * buffer idle for block_timeout_ms is freed (block1_timeout).
 *
 * At block1_max_buffers, a new body evicts the least recently active
 * buffer if that one has seen no block for block1_protect_ms: a first
 * block costs an attacker one spoofable datagram, so buffers nobody
 * continues must not lock out everyone for a whole lifetime, while a
 * transfer in progress (a block every round trip) keeps its buffer.
 * Only when every buffer is younger than that is the client refused
 * (5.03 with Max-Age).  block1_buffers_full counts both cases.
 *
 * Locking: kcoap_net.block_lock; everything here runs in softirq.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "blockwise.h"
#include "kcoap.h"
#include "stats.h"

static unsigned int block1_max_buffers = 64;
module_param(block1_max_buffers, uint, 0644);
MODULE_PARM_DESC(block1_max_buffers, "Block1 reassembly buffers per network namespace; beyond, a new body evicts one idle for block1_protect_ms, or clients get 5.03 (default 64)");

static unsigned int block1_max_body = 16384;
module_param(block1_max_body, uint, 0644);
MODULE_PARM_DESC(block1_max_body, "Largest request body reassembled from Block1 blocks, in bytes, at most 65000; beyond, clients get 4.13 (default 16384)");

static unsigned int block1_protect_ms = 2000;
module_param(block1_protect_ms, uint, 0644);
MODULE_PARM_DESC(block1_protect_ms, "At block1_max_buffers, a buffer idle this long may be evicted for a new body (default 2000)");

struct kcoap_b1buf {
	struct hlist_node hnode;	/* kcoap_net.b1_hash */
	struct list_head lru;		/* kcoap_net.b1_lru, by last activity */
	struct kcoap_bkey key;
	unsigned long active;		/* jiffies of the last block taken */
	unsigned long expires;
	u32 len;			/* body bytes so far */
	u32 cap;			/* allocated */
	u32 last_num;			/* NUM and SZX of the last block taken */
	u8 last_szx;
	u8 *body;
};

static u32 kcoap_block1_max_body(void)
{
	return min_t(u32, READ_ONCE(block1_max_body), COAP_PUBLISH_MAX);
}

static struct kcoap_b1buf *kcoap_b1_find(struct kcoap_net *kn,
					 const struct kcoap_bkey *k)
{
	struct kcoap_b1buf *b;

	hash_for_each_possible(kn->b1_hash, b, hnode, kcoap_bkey_hash(k))
		if (!memcmp(&b->key, k, sizeof(*k)))
			return b;
	return NULL;
}

static void kcoap_b1_free(struct kcoap_net *kn, struct kcoap_b1buf *b)
{
	hash_del(&b->hnode);
	list_del(&b->lru);
	kfree(b->body);
	kfree(b);
	kn->nb1--;
}

unsigned int kcoap_block1_gc(struct kcoap_net *kn,
			     const struct kcoap_endpoint *ep, bool all,
			     unsigned long *next)
{
	struct kcoap_b1buf *b, *tmp;
	unsigned int left = 0;

	list_for_each_entry_safe(b, tmp, &kn->b1_lru, lru) {
		if (all || b->key.ep == ep) {
			kcoap_b1_free(kn, b);
		} else if (!time_before(jiffies, b->expires)) {
			kcoap_stat_inc(kn, BLOCK1_TIMEOUT);
			kcoap_b1_free(kn, b);
		} else {
			if (!left++ || time_before(b->expires, *next))
				*next = b->expires;
		}
	}
	return left;
}

/* Make room for need bytes; false when memory is short. */
static bool kcoap_b1_reserve(struct kcoap_b1buf *b, u32 need, u32 max)
{
	u32 cap;
	u8 *p;

	if (need <= b->cap)
		return true;
	cap = max_t(u32, need, min_t(u32, 2 * b->cap, max));
	p = krealloc(b->body, cap, GFP_ATOMIC | __GFP_NOWARN);
	if (!p)
		return false;
	b->body = p;
	b->cap = cap;
	return true;
}

static void kcoap_b1_answer(struct kcoap_reply *reply, u8 code,
			    const struct coap_block *blk)
{
	u8 val[3];

	reply->code = code;
	kcoap_reply_add_opaque(reply, COAP_OPT_BLOCK1, val,
			       coap_block_encode(blk, val));
}

static void kcoap_b1_too_large(struct kcoap_endpoint *ep,
			       struct kcoap_reply *reply, u32 max)
{
	kcoap_ep_stat_inc(ep, BLOCK1_TOO_LARGE);
	reply->code = COAP_CODE(4, 13);
	kcoap_reply_add_uint(reply, COAP_OPT_SIZE1, max);
}

static void kcoap_b1_incomplete(struct kcoap_endpoint *ep,
				struct kcoap_reply *reply)
{
	kcoap_ep_stat_inc(ep, BLOCK1_INCOMPLETE);
	reply->code = COAP_CODE(4, 8);
}

/* block_lock held.  A new buffer for block 0, or NULL with reply set. */
static struct kcoap_b1buf *kcoap_b1_new(struct kcoap_endpoint *ep,
					const struct kcoap_bkey *key,
					struct kcoap_reply *reply)
{
	struct kcoap_net *kn = ep->kn;
	struct kcoap_b1buf *b;

	if (kn->nb1 >= READ_ONCE(block1_max_buffers)) {
		kcoap_ep_stat_inc(ep, BLOCK1_BUFFERS_FULL);
		b = list_first_entry_or_null(&kn->b1_lru, struct kcoap_b1buf,
					     lru);
		if (b && time_after_eq(jiffies, b->active +
				       msecs_to_jiffies(READ_ONCE(block1_protect_ms))))
			kcoap_b1_free(kn, b);
	}
	if (kn->nb1 >= READ_ONCE(block1_max_buffers)) {
		reply->code = COAP_CODE(5, 3);
		kcoap_reply_add_uint(reply, COAP_OPT_MAX_AGE,
				     COAP_BUSY_MAX_AGE);
		return NULL;
	}
	b = kzalloc(sizeof(*b), GFP_ATOMIC);
	if (!b) {
		reply->code = COAP_CODE(5, 3);
		return NULL;
	}
	b->key = *key;
	b->active = jiffies;
	hash_add(kn->b1_hash, &b->hnode, kcoap_bkey_hash(key));
	list_add_tail(&b->lru, &kn->b1_lru);
	kn->nb1++;
	return b;
}

enum kcoap_b1_result kcoap_block1_rx(struct kcoap_endpoint *ep,
				     const struct kcoap_peer *peer,
				     const struct coap_msg *req,
				     const struct kcoap_bw *bw,
				     struct kcoap_reply *reply,
				     u8 **body, u32 *body_len)
{
	u32 max = kcoap_block1_max_body(), plen = req->payload_len, start;
	struct coap_block blk = bw->blk1, echo;
	struct kcoap_net *kn = ep->kn;
	struct kcoap_b1buf *b;
	struct kcoap_bkey key;

	*body = NULL;
	*body_len = 0;
	/* section 4: a Size1 beyond what we take is refused at once */
	if (bw->size1_set && bw->size1 > max) {
		kcoap_b1_too_large(ep, reply, max);
		return KCOAP_B1_REPLY;
	}
	if (!bw->b1)
		return KCOAP_B1_FORWARD;
	/* every block but the last is exactly 2^(SZX+4) bytes (2.2) */
	if (blk.more && plen != coap_block_size(blk.szx)) {
		reply->code = COAP_CODE(4, 0);
		kcoap_ep_stat_inc(ep, BLOCK_BAD_OPTION);
		return KCOAP_B1_REPLY;
	}
	start = blk.num << (blk.szx + 4);
	kcoap_bkey_init(&key, ep, peer, req->code, kcoap_block_uri(kn, req));
	spin_lock(&kn->block_lock);
	b = kcoap_b1_find(kn, &key);
	if (start + plen > max) {
		/* the whole body would not fit: forget it */
		if (b)
			kcoap_b1_free(kn, b);
		spin_unlock(&kn->block_lock);
		kcoap_b1_too_large(ep, reply, max);
		return KCOAP_B1_REPLY;
	}
	if (!blk.num && !blk.more) {
		/* a body in one block needs no buffer; it replaces any other */
		if (b)
			kcoap_b1_free(kn, b);
		spin_unlock(&kn->block_lock);
		return KCOAP_B1_FORWARD;
	}
	if (!blk.num) {
		if (b)
			b->len = 0;	/* block 0 starts the body afresh */
		else
			b = kcoap_b1_new(ep, &key, reply);
		if (!b)
			goto reply;
		if (bw->size1_set && bw->size1 > plen &&
		    !kcoap_b1_reserve(b, bw->size1, max))
			goto nomem;
	} else if (!b) {
		kcoap_b1_incomplete(ep, reply);
		goto reply;
	} else if (blk.more && blk.num == b->last_num &&
		   blk.szx == b->last_szx && start + plen == b->len) {
		/* the last block again: same 2.31, nothing appended */
		goto cont;
	} else if (start != b->len) {
		/* a gap or a block out of order: the body cannot be whole */
		kcoap_b1_free(kn, b);
		kcoap_b1_incomplete(ep, reply);
		goto reply;
	}
	if (!kcoap_b1_reserve(b, start + plen, max))
		goto nomem;
	memcpy(b->body + start, req->payload, plen);
	b->len = start + plen;
	b->last_num = blk.num;
	b->last_szx = blk.szx;
	if (!blk.more) {
		/* the last block: the body goes to the daemon with the request */
		*body = b->body;
		*body_len = b->len;
		b->body = NULL;
		kcoap_b1_free(kn, b);
		spin_unlock(&kn->block_lock);
		kcoap_ep_stat_inc(ep, BLOCK1_ASSEMBLED);
		return KCOAP_B1_FORWARD;
	}
cont:
	b->active = jiffies;
	b->expires = jiffies + kcoap_block_lifetime(ep);
	list_move_tail(&b->lru, &kn->b1_lru);
	kcoap_block_timer_arm(kn, b->expires);
	spin_unlock(&kn->block_lock);
	/* section 2.5: NUM echoed, M set, our preferred SZX if smaller */
	echo.num = blk.num;
	echo.more = true;
	echo.szx = min(blk.szx, kcoap_block_szx());
	kcoap_ep_stat_inc(ep, BLOCK1_CONTINUE);
	kcoap_b1_answer(reply, COAP_CODE(2, 31), &echo);
	return KCOAP_B1_REPLY;
nomem:
	kcoap_b1_free(kn, b);
	reply->code = COAP_CODE(5, 3);
reply:
	spin_unlock(&kn->block_lock);
	return KCOAP_B1_REPLY;
}
