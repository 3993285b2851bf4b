// SPDX-License-Identifier: LGPL-2.1-or-later
/* COAP_CMD_RESPONSE: a daemon's answer to a request. */
#include <errno.h>

#include "internal.h"

static size_t options_size(const struct kcoap_option *opts, size_t n)
{
	size_t size = nla_total_size(0), i;

	for (i = 0; i < n; i++)
		size += nla_total_size(0) + nla_total_size(2) +
			nla_total_size(opts[i].len);
	return size;
}

static int check(struct kcoap *k, const struct kcoap_response *r)
{
	if (!r)
		return kc_fail(k, -EINVAL, "no response");
	if (r->code >> 5 < 2 || r->code >> 5 > 5)
		return kc_fail(k, -EINVAL, "code %u.%02u is not a response",
			       r->code >> 5, r->code & 31);
	if (r->payload_len && !r->payload)
		return kc_fail(k, -EINVAL, "payload length without payload");
	if (r->etag_len > COAP_ETAG_MAX || (r->etag_len && !r->etag))
		return kc_fail(k, -EINVAL, "etag must be 1 to %d bytes",
			       COAP_ETAG_MAX);
	if (r->noptions && !r->options)
		return kc_fail(k, -EINVAL, "option count without options");
	if (r->content_format > UINT16_MAX || r->max_age > UINT32_MAX)
		return kc_fail(k, -EINVAL, "content format or max-age out of range");
	return 0;
}

static int put_response(struct kcoap *k, struct nl_msg *msg, uint64_t handle,
			const struct kcoap_response *r)
{
	int err;

	err = kc_put(k, msg, COAP_A_HANDLE, &handle, sizeof(handle));
	if (!err)
		err = kc_put(k, msg, COAP_A_CODE, &r->code, 1);
	if (!err && r->content_format >= 0)
		err = kc_put_u16(k, msg, COAP_A_CONTENT_FORMAT,
				 r->content_format);
	if (!err && r->max_age >= 0)
		err = kc_put_u32(k, msg, COAP_A_MAX_AGE, r->max_age);
	if (!err && r->etag_len)
		err = kc_put(k, msg, COAP_A_ETAG, r->etag, r->etag_len);
	if (!err)
		err = kc_put_options(k, msg, r->options, r->noptions);
	if (!err && r->payload)
		err = kc_put(k, msg, COAP_A_PAYLOAD, r->payload,
			     r->payload_len);
	return err;
}

int kcoap_respond(struct kcoap *k, uint64_t handle,
		  const struct kcoap_response *r)
{
	struct nl_msg *msg;
	size_t size;
	int err;

	err = kc_enter(k);
	if (!err)
		err = check(k, r);
	if (err)
		return err;
	size = 2 * nla_total_size(8) + 3 * nla_total_size(4) +
	       nla_total_size(r->etag_len) + nla_total_size(r->payload_len) +
	       options_size(r->options, r->noptions);
	msg = kc_msg_new(k, COAP_CMD_RESPONSE, 0, size);
	if (!msg)
		return -ENOMEM;
	err = put_response(k, msg, handle, r);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return kc_transact(k, msg, NULL, NULL);
}
