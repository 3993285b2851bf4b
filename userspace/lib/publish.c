// SPDX-License-Identifier: LGPL-2.1-or-later
/* COAP_CMD_PUBLISH: set or withdraw the representation the kernel serves. */
#include <errno.h>
#include <string.h>

#include "internal.h"

static int put_rep(struct kcoap *k, struct nl_msg *msg, const char *path,
		   const struct kcoap_representation *rep)
{
	int err;

	err = kc_put_str(k, msg, COAP_A_PATH, path);
	if (!err)
		err = kc_put(k, msg, COAP_A_PAYLOAD, rep->payload, rep->len);
	if (!err && rep->content_format >= 0)
		err = kc_put_u16(k, msg, COAP_A_CONTENT_FORMAT,
				 rep->content_format);
	if (!err && rep->max_age >= 0)
		err = kc_put_u32(k, msg, COAP_A_MAX_AGE, rep->max_age);
	if (!err && rep->etag_len)
		err = kc_put(k, msg, COAP_A_ETAG, rep->etag, rep->etag_len);
	return err;
}

int kcoap_publish(struct kcoap *k, const char *path,
		  const struct kcoap_representation *rep)
{
	struct nl_msg *msg;
	size_t size;
	int err;

	err = kc_enter(k);
	if (err)
		return err;
	if (!path || !rep || (rep->len && !rep->payload) ||
	    (rep->etag_len && !rep->etag))
		return kc_fail(k, -EINVAL, "missing path, payload or etag");
	if (rep->len > COAP_PUBLISH_MAX)
		return kc_fail(k, -EMSGSIZE, "payload of %zu bytes, at most %d",
			       rep->len, COAP_PUBLISH_MAX);
	if (rep->etag_len > COAP_ETAG_MAX)
		return kc_fail(k, -EINVAL, "etag of %zu bytes, at most %d",
			       rep->etag_len, COAP_ETAG_MAX);
	if (rep->content_format > UINT16_MAX || rep->max_age > UINT32_MAX)
		return kc_fail(k, -EINVAL, "content format or max-age out of range");

	size = nla_total_size(strlen(path) + 1) + nla_total_size(rep->len) +
	       nla_total_size(COAP_ETAG_MAX) + 2 * nla_total_size(4);
	msg = kc_msg_new(k, COAP_CMD_PUBLISH, 0, size);
	if (!msg)
		return -ENOMEM;
	err = put_rep(k, msg, path, rep);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return kc_transact(k, msg, NULL, NULL);
}

int kcoap_withdraw(struct kcoap *k, const char *path)
{
	/* a publish without COAP_A_PAYLOAD withdraws */
	return kc_path_cmd(k, COAP_CMD_PUBLISH, path);
}
