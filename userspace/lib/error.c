// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Error reporting: the last failure of a handle, and the kernel's
 * extended ack.  libnl 3.7 neither requests nor parses extack, so the TLVs
 * after struct nlmsgerr (or the int of NLMSG_DONE) are read here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/errno.h>

#include "internal.h"

#define A(x)	[COAP_A_##x] = "COAP_A_" #x
static const char *const attr_names[COAP_A_MAX + 1] = {
	A(ADDR), A(FD), A(ADOPTED), A(PATH), A(METHODS), A(RT), A(IF),
	A(TITLE), A(CT), A(SZ), A(OBSERVABLE), A(OWNER), A(PAYLOAD),
	A(PAYLOAD_LEN), A(CONTENT_FORMAT), A(MAX_AGE), A(ETAG), A(ACCEPT),
	A(HANDLE), A(CODE), A(TYPE), A(QUERY), A(PEER), A(LOCAL), A(OPTIONS),
	A(STATS), A(PAD), A(PARAMS),
};
#undef A

#define P(x)	[COAP_PARAM_A_##x] = "COAP_PARAM_A_" #x
static const char *const param_names[COAP_PARAM_A_MAX + 1] = {
	P(ACK_TIMEOUT_MS), P(ACK_RANDOM_FACTOR), P(MAX_RETRANSMIT), P(NSTART),
	P(DEFAULT_LEISURE_MS), P(PROBING_RATE), P(MAX_LATENCY_MS),
	P(ACK_DELAY_MS),
};
#undef P

static void attr_name(char *buf, size_t size, unsigned int type)
{
	if (type <= COAP_A_MAX && attr_names[type])
		snprintf(buf, size, "%s", attr_names[type]);
	else
		snprintf(buf, size, "attribute %u", type);
}

/*
 * The attribute nested in COAP_A_PARAMS @nest that holds byte @off of
 * @nlh, into @buf; false if none does.
 */
static bool param_name(char *buf, size_t size, struct nlmsghdr *nlh,
		       struct nlattr *nest, uint32_t off)
{
	struct nlattr *nla;
	unsigned int type;
	size_t at;
	int rem;

	nla_for_each_nested(nla, nest, rem) {
		at = (char *)nla - (char *)nlh;
		if (off < at || off >= at + NLA_ALIGN(nla->nla_len))
			continue;
		type = nla_type(nla);
		if (type <= COAP_PARAM_A_MAX && param_names[type])
			snprintf(buf, size, "%s", param_names[type]);
		else
			snprintf(buf, size, "COAP_A_PARAMS attribute %u", type);
		return true;
	}
	return false;
}

/* Record a failure found by the library; @fmt may be NULL. Returns @err. */
int kc_fail(struct kcoap *k, int err, const char *fmt, ...)
{
	va_list ap;

	k->last_err = err;
	k->detail[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(k->detail, sizeof(k->detail), fmt, ap);
		va_end(ap);
	}
	snprintf(k->errtext, sizeof(k->errtext), "%s%s%s", strerror(-err),
		 k->detail[0] ? ": " : "", k->detail);
	return err;
}

/* Which top-level attribute of @sent starts at or contains byte @off. */
static void offset_name(char *buf, size_t size, const struct nl_msg *sent,
			uint32_t off)
{
	struct nlmsghdr *nlh = nlmsg_hdr((struct nl_msg *)sent);
	struct nlattr *nla;
	int len, rem;
	size_t at;

	buf[0] = '\0';
	nla = kc_attrs(nlh, &len);
	if (!nla || off >= nlh->nlmsg_len)
		return;
	nla_for_each_attr(nla, nla, len, rem) {
		at = (char *)nla - (char *)nlh;
		if (off < at || off >= at + NLA_ALIGN(nla->nla_len))
			continue;
		if (off != at && nla_type(nla) == COAP_A_PARAMS &&
		    param_name(buf, size, nlh, nla, off))
			return;
		attr_name(buf, size, nla_type(nla));
		if (off != at)	/* something nested in it */
			strncat(buf, " (nested)", size - strlen(buf) - 1);
		return;
	}
}

/*
 * What NLMSGERR_ATTR_POLICY says the rejected attribute may be: ", valid
 * 10..60000" or ", length 1..8", appended to @buf; nothing when the
 * kernel sent no range.
 */
static void policy_range(char *buf, size_t size, struct nlattr *pol)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1] = { NULL };
	size_t n = strlen(buf);

	if (nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX, pol, NULL) < 0)
		return;
#define GOT(x, bytes)	(tb[NL_POLICY_TYPE_ATTR_##x] && \
			 nla_len(tb[NL_POLICY_TYPE_ATTR_##x]) >= (bytes))
	if (GOT(MIN_VALUE_U, 8) && GOT(MAX_VALUE_U, 8))
		snprintf(buf + n, size - n, ", valid %llu..%llu",
			 (unsigned long long)nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]),
			 (unsigned long long)nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]));
	else if (GOT(MIN_VALUE_S, 8) && GOT(MAX_VALUE_S, 8))
		snprintf(buf + n, size - n, ", valid %lld..%lld",
			 (long long)nla_get_s64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]),
			 (long long)nla_get_s64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]));
	else if (GOT(MIN_LENGTH, 4) && GOT(MAX_LENGTH, 4))
		snprintf(buf + n, size - n, ", length %u..%u",
			 nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH]),
			 nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]));
	else if (GOT(MIN_LENGTH, 4))
		snprintf(buf + n, size - n, ", length at least %u",
			 nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH]));
#undef GOT
}

/*
 * The errno of an NLMSG_ERROR or NLMSG_DONE message (0 for an ACK or a
 * clean end of dump), recording its extack; @sent is the request it
 * answers, used to name the attribute an offset points at.
 */
int kc_nl_error(struct kcoap *k, struct nlmsghdr *nlh,
		const struct nl_msg *sent)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	char *data = nlmsg_data(nlh);
	int dlen = nlmsg_datalen(nlh);
	const struct nlmsgerr *e;
	char name[96] = "";
	const char *text;
	size_t hlen;
	int err;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (dlen < (int)sizeof(int))
			return 0;
		memcpy(&err, data, sizeof(err));
		hlen = sizeof(int);
	} else {
		if (dlen < (int)sizeof(*e))
			return kc_fail(k, -EPROTO, "truncated netlink error");
		e = (const struct nlmsgerr *)data;
		err = e->error;
		hlen = sizeof(*e);
		/* without NETLINK_CAP_ACK the request is echoed first */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len > NLMSG_HDRLEN)
			hlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	if (err >= 0)
		return err ? kc_fail(k, -EPROTO, "positive netlink error") : 0;

	hlen = NLMSG_ALIGN(hlen);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && hlen < (size_t)dlen)
		nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)(data + hlen),
			  dlen - hlen, NULL);

	text = tb[NLMSGERR_ATTR_MSG] ? kc_attr_str(tb[NLMSGERR_ATTR_MSG]) : NULL;
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4) {
		attr_name(name, sizeof(name),
			  nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
		if (tb[NLMSGERR_ATTR_MISS_NEST])
			strncat(name, " (nested)", sizeof(name) - strlen(name) - 1);
		return kc_fail(k, err, "%s%smissing %s", text ?: "",
			       text ? ", " : "", name);
	}
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4 &&
	    sent)
		offset_name(name, sizeof(name), sent,
			    nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (name[0] && tb[NLMSGERR_ATTR_POLICY])
		policy_range(name, sizeof(name), tb[NLMSGERR_ATTR_POLICY]);
	if (text && name[0])
		return kc_fail(k, err, "%s (%s)", text, name);
	if (text || name[0])
		return kc_fail(k, err, "%s", text ?: name);
	return kc_fail(k, err, NULL);
}

/* The errno for a libnl error code (libnl functions used at open). */
int kc_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_INTR:		return -EINTR;
	case NLE_BAD_SOCK:	return -EBADF;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_BUSY:		return -EBUSY;
	case NLE_EXIST:		return -EEXIST;
	default:		return -EIO;
	}
}

const char *kcoap_last_error(const struct kcoap *k)
{
	return k->errtext;
}

const char *kcoap_last_extack(const struct kcoap *k)
{
	return k->detail[0] ? k->detail : NULL;
}
