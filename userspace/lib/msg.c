// SPDX-License-Identifier: LGPL-2.1-or-later
/* Building coap genl messages and reading their attributes. */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include "internal.h"

/* Room for the netlink and genl headers and alignment slack. */
#define KC_MSG_OVERHEAD	(NLMSG_HDRLEN + GENL_HDRLEN + 64)

/*
 * A new request for @cmd with room for @attr_bytes of attributes
 * (nla_total_size() of each).  NULL, with the error recorded, on ENOMEM.
 */
struct nl_msg *kc_msg_new(struct kcoap *k, uint8_t cmd, int flags,
			  size_t attr_bytes)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(KC_MSG_OVERHEAD + attr_bytes);
	if (!msg) {
		kc_fail(k, -ENOMEM, NULL);
		return NULL;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0, flags,
			 cmd, COAP_GENL_VERSION)) {
		nlmsg_free(msg);
		kc_fail(k, -ENOMEM, NULL);
		return NULL;
	}
	return msg;
}

int kc_put(struct kcoap *k, struct nl_msg *msg, int type, const void *data,
	   size_t len)
{
	/* nla_len is 16 bits: bigger values cannot be expressed at all */
	if (len > UINT16_MAX - NLA_HDRLEN || nla_put(msg, type, len, data) < 0)
		return kc_fail(k, -EMSGSIZE,
			       "attribute %d of %zu bytes does not fit", type,
			       len);
	return 0;
}

int kc_put_str(struct kcoap *k, struct nl_msg *msg, int type, const char *s)
{
	return kc_put(k, msg, type, s, strlen(s) + 1);
}

int kc_put_u16(struct kcoap *k, struct nl_msg *msg, int type, uint16_t v)
{
	return kc_put(k, msg, type, &v, sizeof(v));
}

int kc_put_u32(struct kcoap *k, struct nl_msg *msg, int type, uint32_t v)
{
	return kc_put(k, msg, type, &v, sizeof(v));
}

static bool addr_ok(const struct sockaddr *sa, socklen_t len)
{
	return (len == sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) ||
	       (len == sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6);
}

int kc_put_addr(struct kcoap *k, struct nl_msg *msg, int type,
		const struct sockaddr *sa, socklen_t len)
{
	if (!sa || !addr_ok(sa, len))
		return kc_fail(k, -EINVAL,
			       "address must be a sockaddr_in or sockaddr_in6");
	return kc_put(k, msg, type, sa, len);
}

int kc_put_options(struct kcoap *k, struct nl_msg *msg,
		   const struct kcoap_option *opts, size_t n)
{
	struct nlattr *nest, *opt;
	size_t i;
	int err;

	if (!n)
		return 0;
	/* the kernel parses nests strictly: NLA_F_NESTED is required */
	nest = nla_nest_start(msg, COAP_A_OPTIONS | NLA_F_NESTED);
	if (!nest)
		return kc_fail(k, -EMSGSIZE, "options do not fit");
	for (i = 0; i < n; i++) {
		if (opts[i].len && !opts[i].value)
			return kc_fail(k, -EINVAL, "option %u has no value",
				       opts[i].num);
		opt = nla_nest_start(msg, COAP_A_OPTION | NLA_F_NESTED);
		if (!opt)
			return kc_fail(k, -EMSGSIZE, "options do not fit");
		err = kc_put_u16(k, msg, COAP_OPTION_A_NUM, opts[i].num);
		if (!err)
			err = kc_put(k, msg, COAP_OPTION_A_VALUE,
				     opts[i].value, opts[i].len);
		if (err)
			return err;
		nla_nest_end(msg, opt);
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* A string attribute's value, or NULL unless it is NUL-terminated. */
const char *kc_attr_str(const struct nlattr *nla)
{
	const char *s = nla_data(nla);
	int len = nla_len(nla);

	return len > 0 && s[len - 1] == '\0' ? s : NULL;
}

/* Copy an address attribute; -EINVAL unless it is a sockaddr_in(6). */
int kc_attr_addr(const struct nlattr *nla, struct sockaddr_storage *ss,
		 socklen_t *len)
{
	socklen_t n = nla_len(nla);

	if (n > sizeof(*ss) || n < sizeof(sa_family_t))
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, nla_data(nla), n);
	if (!addr_ok((struct sockaddr *)ss, n))
		return -EINVAL;
	*len = n;
	return 0;
}

/* The attributes of a genl message, or NULL if it is too short. */
struct nlattr *kc_attrs(struct nlmsghdr *nlh, int *len)
{
	struct genlmsghdr *gnlh;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NULL;
	gnlh = nlmsg_data(nlh);
	*len = genlmsg_attrlen(gnlh, 0);
	return genlmsg_attrdata(gnlh, 0);
}
