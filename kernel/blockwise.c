// SPDX-License-Identifier: GPL-2.0
/*
 * Block-wise helpers (RFC 7959) shared by Block1 reassembly and the Block2
 * response cache: their knobs, the key that identifies a transfer, the
 * arming of the expiry timer (blockcache.c owns the timer itself).
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/siphash.h>

#include "blockwise.h"
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
