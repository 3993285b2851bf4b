// SPDX-License-Identifier: GPL-2.0
/*
 * Block-wise state of a network namespace (RFC 7959): the knobs shared by
 * Block1 reassembly and the Block2 response cache, the key that identifies
 * a transfer, the expiry timer and teardown.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/random.h>

#include "kcoap.h"

static unsigned int block_szx = COAP_BLOCK_SZX_MAX;
module_param(block_szx, uint, 0644);
MODULE_PARM_DESC(block_szx, "Largest block the server sends or asks for, as SZX: 2^(SZX+4) bytes, 0..6 (default 6, 1024 bytes)");

static unsigned int block_timeout_ms;
module_param(block_timeout_ms, uint, 0644);
MODULE_PARM_DESC(block_timeout_ms, "Lifetime of a Block1 reassembly buffer after its last block, and of a cached large response (default 0: the endpoint's EXCHANGE_LIFETIME)");

u8 kcoap_block_szx(void)
{
	return min_t(unsigned int, READ_ONCE(block_szx), COAP_BLOCK_SZX_MAX);
}

unsigned long kcoap_block_lifetime(const struct kcoap_endpoint *ep)
{
	u64 ms = READ_ONCE(block_timeout_ms);

	if (!ms)
		ms = kcoap_exchange_lifetime(&ep->params);
	return msecs_to_jiffies(min_t(u64, ms, UINT_MAX));
}

/* The request URI (Uri-Path and Uri-Query, in order) as a keyed hash. */
u64 kcoap_block_uri(const struct kcoap_net *kn, const struct coap_msg *req)
{
	struct coap_opt_iter it;
	struct coap_opt opt;
	u64 h = 0;

	coap_opt_iter_init(&it, req);
	while (coap_opt_next(&it, &opt)) {
		if (opt.num != COAP_OPT_URI_PATH && opt.num != COAP_OPT_URI_QUERY)
			continue;
		h = siphash_2u64(h ^ opt.num,
				 siphash(opt.val, opt.len, &kn->block_key),
				 &kn->block_key);
	}
	return h;
}

void kcoap_bkey_init(struct kcoap_bkey *k, const struct kcoap_endpoint *ep,
		     const struct kcoap_peer *peer, u8 method, u64 uri)
{
	memset(k, 0, sizeof(*k));
	k->ep = ep;
	k->family = peer->family;
	k->port = peer->port;
	if (peer->family == AF_INET)
		k->addr.v4 = peer->addr.v4;
	else
		k->addr.v6 = peer->addr.v6;
	k->method = method;
	k->uri = uri;
}

/* block_lock held */
void kcoap_block_timer_arm(struct kcoap_net *kn, unsigned long t)
{
	if (!timer_pending(&kn->block_timer) ||
	    time_before(t, kn->block_timer.expires))
		mod_timer(&kn->block_timer, t);
}

static void kcoap_block_expire(struct kcoap_net *kn,
			       const struct kcoap_endpoint *ep, bool all)
{
	unsigned long n1 = 0, n2 = 0;
	unsigned int r1, r2;

	r1 = kcoap_block1_gc(kn, ep, all, &n1);
	r2 = kcoap_block2_gc(kn, ep, all, &n2);
	if (r1)
		kcoap_block_timer_arm(kn, n1);
	if (r2)
		kcoap_block_timer_arm(kn, n2);
}

static void kcoap_block_timer(struct timer_list *t)
{
	struct kcoap_net *kn = from_timer(kn, t, block_timer);

	spin_lock(&kn->block_lock);
	kcoap_block_expire(kn, NULL, false);
	spin_unlock(&kn->block_lock);
}

void kcoap_block_init(struct kcoap_net *kn)
{
	spin_lock_init(&kn->block_lock);
	hash_init(kn->b1_hash);
	hash_init(kn->b2_hash);
	INIT_LIST_HEAD(&kn->b1_lru);
	INIT_LIST_HEAD(&kn->b2_lru);
	kn->nb1 = 0;
	kn->nb2 = 0;
	get_random_bytes(&kn->block_key, sizeof(kn->block_key));
	timer_setup(&kn->block_timer, kcoap_block_timer, 0);
}

void kcoap_block_purge_ep(struct kcoap_net *kn,
			  const struct kcoap_endpoint *ep)
{
	spin_lock_bh(&kn->block_lock);
	kcoap_block_expire(kn, ep, false);
	spin_unlock_bh(&kn->block_lock);
}

/* After every endpoint is closed: nothing adds entries any more. */
void kcoap_block_exit(struct kcoap_net *kn)
{
	del_timer_sync(&kn->block_timer);
	spin_lock_bh(&kn->block_lock);
	kcoap_block_expire(kn, NULL, true);
	spin_unlock_bh(&kn->block_lock);
	del_timer_sync(&kn->block_timer);
	WARN_ON(kn->nb1 || kn->nb2);
}

void kcoap_block_gauges(struct kcoap_net *kn, u64 *b1, u64 *b2)
{
	spin_lock_bh(&kn->block_lock);
	*b1 = kn->nb1;
	*b2 = kn->nb2;
	spin_unlock_bh(&kn->block_lock);
}
