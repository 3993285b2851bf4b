// SPDX-License-Identifier: GPL-2.0
/*
 * Requests to the server: path lookup and the answer.  So far the only
 * resource is /.well-known/core (RFC 6690), whose link-format lists what
 * the endpoint serves; resources registered by daemons join it later.
 */
#include <linux/string.h>

#include "kcoap.h"
#include <uapi/linux/coap.h>

void kcoap_reply_add_uint(struct kcoap_reply *r, u16 num, u32 val)
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

/* Does the request's Uri-Path equal the segments in want[]? */
static bool kcoap_path_is(const struct coap_msg *req,
			  const char * const *want, unsigned int n)
{
	struct coap_opt_iter it;
	struct coap_opt opt;
	unsigned int i = 0;

	coap_opt_iter_init(&it, req);
	while (coap_opt_next(&it, &opt)) {
		if (opt.num < COAP_OPT_URI_PATH)
			continue;
		if (opt.num > COAP_OPT_URI_PATH)
			break;
		if (i >= n || opt.len != strlen(want[i]) ||
		    memcmp(opt.val, want[i], opt.len))
			return false;
		i++;
	}
	return i == n;
}

static const char * const kcoap_wellknown_core[] = { ".well-known", "core" };

void kcoap_resource_handle(struct kcoap_net *kn, const struct coap_msg *req,
			   struct kcoap_reply *reply)
{
	struct coap_opt opt;

	if (coap_msg_find_opt(req, COAP_OPT_PROXY_URI, &opt) ||
	    coap_msg_find_opt(req, COAP_OPT_PROXY_SCHEME, &opt)) {
		reply->code = COAP_CODE(5, 5);	/* Proxying Not Supported */
		return;
	}
	if (!kcoap_path_is(req, kcoap_wellknown_core,
			   ARRAY_SIZE(kcoap_wellknown_core))) {
		reply->code = COAP_CODE(4, 4);
		return;
	}
	if (req->code != COAP_METHOD_GET) {
		reply->code = COAP_CODE(4, 5);
		return;
	}
	/* no resources are registered yet: an empty link-format document */
	reply->code = COAP_CODE(2, 5);
	kcoap_reply_add_uint(reply, COAP_OPT_CONTENT_FORMAT,
			     COAP_CT_LINK_FORMAT);
}
