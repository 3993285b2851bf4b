/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replies the kernel builds itself (discovery, the published fast path,
 * errors, Block1/Block2 answers, notifications): a few options whose
 * values live in the reply, no allocation.  Any context.
 */
#ifndef _KCOAP_REPLY_H
#define _KCOAP_REPLY_H

#include <linux/bug.h>
#include <linux/string.h>

#include "codec.h"

#define KCOAP_REPLY_MAX_OPTS	6

struct kcoap_reply {
	u8 code;
	unsigned int nopts;
	struct coap_opt_out opts[KCOAP_REPLY_MAX_OPTS];
	u8 optval[KCOAP_REPLY_MAX_OPTS][COAP_ETAG_MAX];
	const void *payload;
	u32 payload_len;
};

static inline void kcoap_reply_add_uint(struct kcoap_reply *r, u16 num,
					u32 val)
{
	struct coap_opt_out *o;

	if (WARN_ON_ONCE(r->nopts >= KCOAP_REPLY_MAX_OPTS))
		return;
	o = &r->opts[r->nopts];
	o->num = num;
	o->len = coap_uint_encode(val, r->optval[r->nopts]);
	o->val = r->optval[r->nopts];
	r->nopts++;
}

static inline void kcoap_reply_add_opaque(struct kcoap_reply *r, u16 num,
					  const u8 *val, u8 len)
{
	struct coap_opt_out *o;

	if (WARN_ON_ONCE(r->nopts >= KCOAP_REPLY_MAX_OPTS ||
			 len > COAP_ETAG_MAX))
		return;
	o = &r->opts[r->nopts];
	memcpy(r->optval[r->nopts], val, len);
	o->num = num;
	o->len = len;
	o->val = r->optval[r->nopts];
	r->nopts++;
}

#endif /* _KCOAP_REPLY_H */
