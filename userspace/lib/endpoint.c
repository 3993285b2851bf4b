// SPDX-License-Identifier: LGPL-2.1-or-later
/* COAP_CMD_ENDPOINT_ADD, _DEL, _SET and _GET. */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include "internal.h"

static int endpoint_cmd(struct kcoap *k, uint8_t cmd, const struct sockaddr *sa,
			socklen_t len)
{
	struct nl_msg *msg;
	int err;

	err = kc_enter(k);
	if (err)
		return err;
	msg = kc_msg_new(k, cmd, 0, nla_total_size(sizeof(struct sockaddr_in6)));
	if (!msg)
		return -ENOMEM;
	err = kc_put_addr(k, msg, COAP_A_ADDR, sa, len);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return kc_transact(k, msg, NULL, NULL);
}

int kcoap_endpoint_add(struct kcoap *k, const struct sockaddr *sa,
		       socklen_t len)
{
	return endpoint_cmd(k, COAP_CMD_ENDPOINT_ADD, sa, len);
}

int kcoap_endpoint_del(struct kcoap *k, const struct sockaddr *sa,
		       socklen_t len)
{
	return endpoint_cmd(k, COAP_CMD_ENDPOINT_DEL, sa, len);
}

int kcoap_endpoint_adopt(struct kcoap *k, int udp_fd)
{
	struct nl_msg *msg;
	int err;

	err = kc_enter(k);
	if (err)
		return err;
	if (udp_fd < 0)
		return kc_fail(k, -EBADF, "negative file descriptor");
	msg = kc_msg_new(k, COAP_CMD_ENDPOINT_ADD, 0, nla_total_size(4));
	if (!msg)
		return -ENOMEM;
	err = kc_put_u32(k, msg, COAP_A_FD, udp_fd);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return kc_transact(k, msg, NULL, NULL);
}

int kcoap_endpoint_set(struct kcoap *k, const struct sockaddr *sa,
		       socklen_t len, const struct kcoap_params *p)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	uint32_t v;
	int err, i;

	err = kc_enter(k);
	if (err)
		return err;
	if (!p || !p->set)
		return kc_fail(k, -EINVAL, "no parameter to set");
	if (p->set & ~KCOAP_PARAM_ALL)
		return kc_fail(k, -EINVAL, "unknown parameter bit in set (0x%x)",
			       p->set & ~KCOAP_PARAM_ALL);
	msg = kc_msg_new(k, COAP_CMD_ENDPOINT_SET, 0,
			 nla_total_size(sizeof(struct sockaddr_in6)) +
			 nla_total_size(COAP_PARAM_A_MAX * nla_total_size(4)));
	if (!msg)
		return -ENOMEM;
	err = kc_put_addr(k, msg, COAP_A_ADDR, sa, len);
	if (err)
		goto fail;
	/* the kernel parses nests strictly: NLA_F_NESTED is required */
	nest = nla_nest_start(msg, COAP_A_PARAMS | NLA_F_NESTED);
	if (!nest) {
		err = kc_fail(k, -EMSGSIZE, "parameters do not fit");
		goto fail;
	}
	for (i = 1; i <= COAP_PARAM_A_MAX; i++) {
		if (kcoap_param_get(p, i, &v))
			continue;	/* not set */
		err = kc_put_u32(k, msg, i, v);
		if (err)
			goto fail;
	}
	nla_nest_end(msg, nest);
	return kc_transact(k, msg, NULL, NULL);
fail:
	nlmsg_free(msg);
	return err;
}

/* COAP_A_PARAMS of an endpoint dump; parameters newer than this header
 * and malformed ones are skipped. */
static void parse_params(const struct nlattr *nest, struct kcoap_params *p)
{
	struct nlattr *nla;
	int rem;

	nla_for_each_nested(nla, nest, rem)
		if (nla_len(nla) >= 4)
			kcoap_param_set(p, nla_type(nla), nla_get_u32(nla));
}

struct list_ctx {
	kcoap_endpoint_fn fn;
	void *arg;
};

static int endpoint_reply(struct kcoap *k, struct nlmsghdr *nlh, void *arg)
{
	struct kcoap_endpoint ep = { .addr_len = 0 };
	struct list_ctx *ctx = arg;
	struct nlattr *nla;
	int len, rem, ret;

	nla = kc_attrs(nlh, &len);
	if (!nla)
		return 0;
	nla_for_each_attr(nla, nla, len, rem) {
		switch (nla_type(nla)) {
		case COAP_A_ADDR:
			if (kc_attr_addr(nla, &ep.addr, &ep.addr_len))
				ep.addr_len = 0;
			break;
		case COAP_A_ADOPTED:
			ep.adopted = true;
			break;
		case COAP_A_PARAMS:
			ep.has_params = true;
			parse_params(nla, &ep.params);
			break;
		case COAP_A_STATS:
			ep.has_stats = true;
			kc_parse_stats(nla, ep.stats);
			break;
		}
	}
	if (!ep.addr_len)
		return 0;	/* nothing to show without an address */
	k->in_list = true;
	ret = ctx->fn(&ep, ctx->arg);
	k->in_list = false;
	return ret;
}

int kcoap_endpoint_list(struct kcoap *k, kcoap_endpoint_fn fn, void *arg)
{
	struct list_ctx ctx = { fn, arg };
	struct nl_msg *msg;
	int err;

	err = kc_enter(k);
	if (err)
		return err;
	msg = kc_msg_new(k, COAP_CMD_ENDPOINT_GET, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	return kc_transact(k, msg, endpoint_reply, &ctx);
}
