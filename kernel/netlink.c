// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "coap": the daemon and operator interface.  The
 * contract (commands, attributes, errors) is documented in
 * include/uapi/linux/coap.h; policies are at the top of this file.
 */
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "kcoap.h"
#include "observe.h"
#include "request.h"
#include "resource.h"
#include "stats.h"

static const struct nla_policy kcoap_nl_option_policy[COAP_OPTION_A_MAX + 1] = {
	[COAP_OPTION_A_NUM]	= { .type = NLA_U16 },
	[COAP_OPTION_A_VALUE]	= { .type = NLA_BINARY, .len = COAP_PUBLISH_MAX },
};

/* the ranges of params.c */
#define KCOAP_NL_PARAM(i) NLA_POLICY_FULL_RANGE(NLA_U32, &kcoap_param_range[i])
static const struct nla_policy kcoap_nl_param_policy[COAP_PARAM_A_MAX + 1] = {
	[COAP_PARAM_A_ACK_TIMEOUT_MS] = KCOAP_NL_PARAM(COAP_PARAM_A_ACK_TIMEOUT_MS),
	[COAP_PARAM_A_ACK_RANDOM_FACTOR] = KCOAP_NL_PARAM(COAP_PARAM_A_ACK_RANDOM_FACTOR),
	[COAP_PARAM_A_MAX_RETRANSMIT] = KCOAP_NL_PARAM(COAP_PARAM_A_MAX_RETRANSMIT),
	[COAP_PARAM_A_NSTART] = KCOAP_NL_PARAM(COAP_PARAM_A_NSTART),
	[COAP_PARAM_A_DEFAULT_LEISURE_MS] = KCOAP_NL_PARAM(COAP_PARAM_A_DEFAULT_LEISURE_MS),
	[COAP_PARAM_A_PROBING_RATE] = KCOAP_NL_PARAM(COAP_PARAM_A_PROBING_RATE),
	[COAP_PARAM_A_MAX_LATENCY_MS] = KCOAP_NL_PARAM(COAP_PARAM_A_MAX_LATENCY_MS),
	[COAP_PARAM_A_ACK_DELAY_MS] = KCOAP_NL_PARAM(COAP_PARAM_A_ACK_DELAY_MS),
};

static const struct nla_policy kcoap_nl_policy[COAP_A_MAX + 1] = {
	[COAP_A_ADDR]		= NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[COAP_A_FD]		= { .type = NLA_U32 },
	[COAP_A_PATH]		= { .type = NLA_NUL_STRING,
				    .len = COAP_PATH_MAX - 1 },
	/* GET, POST, PUT, DELETE, FETCH, PATCH, iPATCH */
	[COAP_A_METHODS]	= NLA_POLICY_MASK(NLA_U32, 0xfe),
	[COAP_A_RT]		= { .type = NLA_NUL_STRING,
				    .len = COAP_ATTR_MAX - 1 },
	[COAP_A_IF]		= { .type = NLA_NUL_STRING,
				    .len = COAP_ATTR_MAX - 1 },
	[COAP_A_TITLE]		= { .type = NLA_NUL_STRING,
				    .len = COAP_ATTR_MAX - 1 },
	[COAP_A_CT]		= { .type = NLA_U16 },
	[COAP_A_SZ]		= { .type = NLA_U32 },
	[COAP_A_OBSERVABLE]	= { .type = NLA_FLAG },
	/* every Nth notification confirmable: 1 (all) to 255 */
	[COAP_A_NOTIFY_CON]	= NLA_POLICY_RANGE(NLA_U32, 1, 255),
	[COAP_A_PAYLOAD]	= { .type = NLA_BINARY,
				    .len = COAP_PUBLISH_MAX },
	[COAP_A_CONTENT_FORMAT]	= { .type = NLA_U16 },
	[COAP_A_MAX_AGE]	= { .type = NLA_U32 },
	[COAP_A_ETAG]		= NLA_POLICY_RANGE(NLA_BINARY, 1,
						   COAP_ETAG_MAX),
	[COAP_A_HANDLE]		= { .type = NLA_U64 },
	/* response classes 2 to 5 */
	[COAP_A_CODE]		= NLA_POLICY_RANGE(NLA_U8, 2 << 5,
						   (5 << 5) | 31),
	[COAP_A_OPTIONS]	= NLA_POLICY_NESTED_ARRAY(kcoap_nl_option_policy),
	[COAP_A_PARAMS]		= NLA_POLICY_NESTED(kcoap_nl_param_policy),
};

static struct genl_family kcoap_genl_family;
static const struct kcoap_owner_ops kcoap_nl_owner_ops;

/* A required attribute: missing means EINVAL and a message naming it. */
static bool kcoap_nl_missing(struct genl_info *info, int type, const char *msg)
{
	if (!GENL_REQ_ATTR_CHECK(info, type))
		return false;
	/* msg is a string literal, as NL_SET_ERR_MSG would require */
	if (info->extack)
		info->extack->_msg = msg;
	return true;
}

static struct kcoap_net *kcoap_nl_kn(struct genl_info *info)
{
	return kcoap_pernet(genl_info_net(info));
}

/* The sending socket: with the port id, a daemon's name (resource.h). */
static const struct sock *kcoap_nl_sk(const struct sk_buff *skb)
{
	return NETLINK_CB(skb).sk;
}

/* A sockaddr_in or sockaddr_in6 from attr into ss. */
static int kcoap_nl_addr(struct nlattr *attr, struct sockaddr_storage *ss,
			 struct netlink_ext_ack *extack)
{
	const struct sockaddr *sa = nla_data(attr);
	int len = nla_len(attr);

	memset(ss, 0, sizeof(*ss));
	if (sa->sa_family == AF_INET && len == sizeof(struct sockaddr_in)) {
		memcpy(ss, sa, len);
	} else if (sa->sa_family == AF_INET6 &&
		   len == sizeof(struct sockaddr_in6)) {
		memcpy(ss, sa, len);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "not a sockaddr_in or sockaddr_in6");
		return -EINVAL;
	}
	/* port 0 means the default CoAP port */
	if (!((struct sockaddr_in *)ss)->sin_port)
		((struct sockaddr_in *)ss)->sin_port = htons(COAP_DEFAULT_PORT);
	return 0;
}

static int kcoap_nl_put_addr(struct sk_buff *skb, int type,
			     const struct sockaddr_storage *ss)
{
	return nla_put(skb, type, ss->ss_family == AF_INET ?
		       sizeof(struct sockaddr_in) :
		       sizeof(struct sockaddr_in6), ss);
}

/*
 * COAP_A_PARAMS over *p: the fields given replace those in *p, and the
 * result must be consistent.
 */
static int kcoap_nl_params(struct genl_info *info, struct kcoap_params *p)
{
	struct nlattr *tb[COAP_PARAM_A_MAX + 1];
	int err, i;

	err = nla_parse_nested(tb, COAP_PARAM_A_MAX, info->attrs[COAP_A_PARAMS],
			       kcoap_nl_param_policy, info->extack);
	if (err)
		return err;
	for (i = 1; i <= COAP_PARAM_A_MAX; i++)
		if (tb[i])
			*kcoap_param(p, i) = nla_get_u32(tb[i]);
	if (kcoap_params_check(p)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[COAP_A_PARAMS],
				    "COAP_PARAM_A_ACK_DELAY_MS must be below COAP_PARAM_A_ACK_TIMEOUT_MS");
		return -EINVAL;
	}
	return 0;
}

static int kcoap_nl_endpoint_add(struct sk_buff *skb, struct genl_info *info)
{
	struct kcoap_net *kn = kcoap_nl_kn(info);
	struct nlattr **a = info->attrs;
	struct kcoap_endpoint *ep;
	struct sockaddr_storage ss;
	struct kcoap_params p;
	struct net *net;
	int err;

	if (!!a[COAP_A_ADDR] == !!a[COAP_A_FD]) {
		NL_SET_ERR_MSG(info->extack,
			       "exactly one of COAP_A_ADDR and COAP_A_FD is required");
		return -EINVAL;
	}
	if (a[COAP_A_FD]) {
		ep = kcoap_endpoint_adopt(kn, nla_get_u32(a[COAP_A_FD]));
		if (IS_ERR(ep))
			NL_SET_ERR_MSG_ATTR(info->extack, a[COAP_A_FD],
					    "cannot adopt this socket");
		return PTR_ERR_OR_ZERO(ep);
	}
	err = kcoap_nl_addr(a[COAP_A_ADDR], &ss, info->extack);
	if (err)
		return err;
	/*
	 * What inet_bind() asks of a user socket, asked here explicitly: the
	 * endpoint's kernel socket must not be a way around it.
	 */
	net = genl_info_net(info);
	if (inet_port_requires_bind_service(net, ntohs(((struct sockaddr_in *)&ss)->sin_port)) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[COAP_A_ADDR],
				    "a port below ip_unprivileged_port_start needs CAP_NET_BIND_SERVICE");
		return -EACCES;
	}
	/* in force from the first datagram: nothing runs on the defaults */
	kcoap_params_default(&p);
	if (a[COAP_A_PARAMS]) {
		err = kcoap_nl_params(info, &p);
		if (err)
			return err;
	}
	ep = kcoap_endpoint_open(kn, (struct sockaddr *)&ss, &p);
	if (IS_ERR(ep)) {
		if (PTR_ERR(ep) == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, a[COAP_A_ADDR],
					    "endpoint already open");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, a[COAP_A_ADDR],
					    "cannot bind this address");
		return PTR_ERR(ep);
	}
	return 0;
}

static int kcoap_nl_endpoint_del(struct sk_buff *skb, struct genl_info *info)
{
	struct kcoap_net *kn = kcoap_nl_kn(info);
	struct sockaddr_storage ss;
	int err;

	if (kcoap_nl_missing(info, COAP_A_ADDR,
			     "COAP_A_ADDR is required"))
		return -EINVAL;
	err = kcoap_nl_addr(info->attrs[COAP_A_ADDR], &ss, info->extack);
	if (err)
		return err;
	err = kcoap_endpoint_close_addr(kn, (struct sockaddr *)&ss);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[COAP_A_ADDR],
				    "no endpoint with this address");
	return err;
}

static int kcoap_nl_put_params(struct sk_buff *skb,
			       struct kcoap_params *params)
{
	struct nlattr *nest = nla_nest_start(skb, COAP_A_PARAMS);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= COAP_PARAM_A_MAX; i++)
		if (nla_put_u32(skb, i, READ_ONCE(*kcoap_param(params, i))))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The endpoint's counters; the namespace-wide gauges are left out. */
static int kcoap_nl_put_ep_stats(struct sk_buff *skb,
				 struct kcoap_endpoint *ep)
{
	struct nlattr *nest = nla_nest_start(skb, COAP_A_STATS);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i < COAP_STATS_A_DEDUP_ENTRIES; i++)
		if (nla_put_u64_64bit(skb, i, kcoap_stats_sum(ep->stats, i),
				      COAP_STATS_A_UNSPEC))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int kcoap_nl_endpoint_set(struct sk_buff *skb, struct genl_info *info)
{
	struct kcoap_net *kn = kcoap_nl_kn(info);
	struct kcoap_endpoint *ep;
	struct sockaddr_storage ss;
	struct kcoap_params p;
	int err, i;

	if (kcoap_nl_missing(info, COAP_A_ADDR, "COAP_A_ADDR is required") ||
	    kcoap_nl_missing(info, COAP_A_PARAMS, "COAP_A_PARAMS is required"))
		return -EINVAL;
	err = kcoap_nl_addr(info->attrs[COAP_A_ADDR], &ss, info->extack);
	if (err)
		return err;

	mutex_lock(&kn->lock);
	ep = kcoap_endpoint_find(kn, (struct sockaddr *)&ss);
	if (!ep) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[COAP_A_ADDR],
				    "no endpoint with this address");
		err = -ENOENT;
		goto out;
	}
	p = ep->params;
	err = kcoap_nl_params(info, &p);
	if (err)
		goto out;
	/* readers take fields one at a time; each is a single u32 store */
	for (i = 1; i <= COAP_PARAM_A_MAX; i++)
		WRITE_ONCE(*kcoap_param(&ep->params, i),
			   *kcoap_param(&p, i));
out:
	mutex_unlock(&kn->lock);
	return err;
}

static int kcoap_nl_endpoint_dump(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct kcoap_net *kn = kcoap_pernet(sock_net(skb->sk));
	struct kcoap_endpoint *ep;
	long idx = 0;
	void *hdr;

	/* resumed by index: a change since the last part is flagged */
	cb->seq = READ_ONCE(kn->dump_gen);
	rcu_read_lock();
	list_for_each_entry_rcu(ep, &kn->endpoints, node) {
		if (idx++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &kcoap_genl_family,
				  NLM_F_MULTI, COAP_CMD_ENDPOINT_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (kcoap_nl_put_addr(skb, COAP_A_ADDR, &ep->bound) ||
		    (ep->adopted && nla_put_flag(skb, COAP_A_ADOPTED)) ||
		    kcoap_nl_put_params(skb, &ep->params) ||
		    kcoap_nl_put_ep_stats(skb, ep)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	rcu_read_unlock();
	return skb->len;
}

static int kcoap_nl_path(struct genl_info *info, const char **path)
{
	struct nlattr *attr = info->attrs[COAP_A_PATH];

	if (kcoap_nl_missing(info, COAP_A_PATH,
			     "COAP_A_PATH is required"))
		return -EINVAL;
	*path = nla_data(attr);
	if (!kcoap_path_valid(*path)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "path must be /seg[/seg...] of letters, digits and -._~!$&()*+=:@, without empty, . or .. segments");
		return -EINVAL;
	}
	return 0;
}

/*
 * Link-format strings end up inside quotes: no quote, backslash or
 * control byte, so nothing ends or escapes them early.
 */
static const char *kcoap_nl_linkstr(struct genl_info *info, int type,
				    int *err)
{
	struct nlattr *attr = info->attrs[type];
	const char *s, *c;

	if (!attr)
		return NULL;
	s = nla_data(attr);
	for (c = s; *c; c++) {
		if (*c == '"' || *c == '\\' || (u8)*c < 0x20 || *c == 0x7f) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "link-format value may not contain '\"', '\\' or control bytes");
			*err = -EINVAL;
			break;
		}
	}
	return s;
}

static int kcoap_nl_resource_add(struct sk_buff *skb, struct genl_info *info)
{
	struct kcoap_resource_spec spec = {
		.methods = COAP_METHOD_BIT(COAP_METHOD_GET),
		.ct = -1,
	};
	struct nlattr **a = info->attrs;
	int err = 0;

	err = kcoap_nl_path(info, &spec.path);
	if (err)
		return err;
	if (!strcmp(spec.path, "/.well-known/core")) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[COAP_A_PATH],
				    "/.well-known/core is the kernel's");
		return -EEXIST;
	}
	spec.rt = kcoap_nl_linkstr(info, COAP_A_RT, &err);
	spec.if_ = kcoap_nl_linkstr(info, COAP_A_IF, &err);
	spec.title = kcoap_nl_linkstr(info, COAP_A_TITLE, &err);
	if (err)
		return err;
	if (a[COAP_A_METHODS])
		spec.methods = nla_get_u32(a[COAP_A_METHODS]);
	if (!spec.methods) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[COAP_A_METHODS],
				    "at least one method is needed");
		return -EINVAL;
	}
	if (a[COAP_A_CT])
		spec.ct = nla_get_u16(a[COAP_A_CT]);
	if (a[COAP_A_SZ])
		spec.sz = nla_get_u32(a[COAP_A_SZ]);
	spec.obs = nla_get_flag(a[COAP_A_OBSERVABLE]);
	if (a[COAP_A_NOTIFY_CON])
		spec.notify_con = nla_get_u32(a[COAP_A_NOTIFY_CON]);

	err = kcoap_resource_add(kcoap_nl_kn(info), info->snd_portid,
				 kcoap_nl_sk(skb), &kcoap_nl_owner_ops, &spec);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, a[COAP_A_PATH],
				    "path already registered");
	else if (err == -ENOSPC)
		NL_SET_ERR_MSG(info->extack,
			       "resource limit reached (max_resources)");
	return err;
}

/* Errors of operations on an owned resource, named by COAP_A_PATH. */
static void kcoap_nl_owner_err(struct genl_info *info, int err)
{
	struct nlattr *attr = info->attrs[COAP_A_PATH];

	if (err == -EPERM)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "resource belongs to another socket");
	else if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no such resource");
}

static int kcoap_nl_resource_del(struct sk_buff *skb, struct genl_info *info)
{
	const char *path;
	int err;

	err = kcoap_nl_path(info, &path);
	if (err)
		return err;
	err = kcoap_resource_del(kcoap_nl_kn(info), info->snd_portid,
				 kcoap_nl_sk(skb), path);
	kcoap_nl_owner_err(info, err);
	return err;
}

static int kcoap_nl_put_resource(struct sk_buff *skb, struct kcoap_net *kn,
				 struct kcoap_resource *r)
{
	const struct kcoap_link *l = &r->link;
	const struct kcoap_repr *repr = rcu_dereference(r->repr);

	if (nla_put_string(skb, COAP_A_PATH, l->path) ||
	    nla_put_u32(skb, COAP_A_METHODS, r->methods) ||
	    nla_put_u32(skb, COAP_A_OWNER, r->owner->portid) ||
	    (l->rt && nla_put_string(skb, COAP_A_RT, l->rt)) ||
	    (l->if_ && nla_put_string(skb, COAP_A_IF, l->if_)) ||
	    (l->title && nla_put_string(skb, COAP_A_TITLE, l->title)) ||
	    (l->ct >= 0 && nla_put_u16(skb, COAP_A_CT, l->ct)) ||
	    (l->sz && nla_put_u32(skb, COAP_A_SZ, l->sz)) ||
	    (l->obs && nla_put_flag(skb, COAP_A_OBSERVABLE)) ||
	    (l->obs && (nla_put_u32(skb, COAP_A_NOTIFY_CON, r->obs.con_every) ||
			nla_put_u32(skb, COAP_A_OBSERVERS,
				    kcoap_observe_count(kn, r)))))
		return -EMSGSIZE;
	if (repr &&
	    (nla_put_u16(skb, COAP_A_CONTENT_FORMAT, repr->ct) ||
	     nla_put_u32(skb, COAP_A_MAX_AGE, repr->max_age) ||
	     nla_put_u32(skb, COAP_A_PAYLOAD_LEN, repr->len) ||
	     (repr->etag_len &&
	      nla_put(skb, COAP_A_ETAG, repr->etag_len, repr->etag))))
		return -EMSGSIZE;
	return 0;
}

static int kcoap_nl_resource_dump(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct kcoap_net *kn = kcoap_pernet(sock_net(skb->sk));
	struct kcoap_resource *r;
	long idx = 0;
	void *hdr;

	/* resumed by index: a change since the last part is flagged */
	cb->seq = READ_ONCE(kn->dump_gen);
	rcu_read_lock();
	list_for_each_entry_rcu(r, &kn->res_list, node) {
		if (idx++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &kcoap_genl_family,
				  NLM_F_MULTI, COAP_CMD_RESOURCE_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (kcoap_nl_put_resource(skb, kn, r)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	rcu_read_unlock();
	return skb->len;
}

static int kcoap_nl_publish(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct kcoap_repr *repr = NULL;
	const char *path;
	int err;

	err = kcoap_nl_path(info, &path);
	if (err)
		return err;
	if (a[COAP_A_PAYLOAD]) {
		u32 len = nla_len(a[COAP_A_PAYLOAD]);

		/*
		 * charged to the caller's memory cgroup; at its limit the
		 * caller gets ENOMEM rather than an OOM kill and a warning
		 */
		repr = kvzalloc(struct_size(repr, data, len),
				GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
				__GFP_NOWARN);
		if (!repr)
			return -ENOMEM;
		repr->len = len;
		nla_memcpy(repr->data, a[COAP_A_PAYLOAD], len);
		repr->ct = a[COAP_A_CONTENT_FORMAT] ?
			   nla_get_u16(a[COAP_A_CONTENT_FORMAT]) :
			   COAP_CT_TEXT_PLAIN;
		repr->max_age = a[COAP_A_MAX_AGE] ?
				nla_get_u32(a[COAP_A_MAX_AGE]) : 60;
		if (a[COAP_A_ETAG]) {
			repr->etag_len = nla_len(a[COAP_A_ETAG]);
			nla_memcpy(repr->etag, a[COAP_A_ETAG], COAP_ETAG_MAX);
		}
	}
	/* publish takes repr in every case */
	err = kcoap_resource_publish(kcoap_nl_kn(info), info->snd_portid,
				     kcoap_nl_sk(skb), path, repr);
	kcoap_nl_owner_err(info, err);
	return err;
}

/* Options of COAP_CMD_RESPONSE plus the convenience attributes. */
static int kcoap_nl_response_opts(struct genl_info *info,
				  struct kcoap_response *resp, u8 *scratch)
{
	struct nlattr *tb[COAP_OPTION_A_MAX + 1];
	struct nlattr **a = info->attrs;
	unsigned int n = 0, max = 3;
	struct nlattr *opt;
	int rem, err;

	/* bounded before any work: the options are sorted later */
	if (a[COAP_A_OPTIONS])
		nla_for_each_nested(opt, a[COAP_A_OPTIONS], rem)
			if (++n > COAP_RESPONSE_OPTIONS_MAX) {
				NL_SET_ERR_MSG_ATTR(info->extack,
						    a[COAP_A_OPTIONS],
						    "more than COAP_RESPONSE_OPTIONS_MAX entries in COAP_A_OPTIONS");
				return -EINVAL;
			}
	max += n;
	n = 0;
	resp->opts = kcalloc(max, sizeof(*resp->opts), GFP_KERNEL);
	if (!resp->opts)
		return -ENOMEM;
	if (a[COAP_A_OPTIONS]) {
		nla_for_each_nested(opt, a[COAP_A_OPTIONS], rem) {
			err = nla_parse_nested(tb, COAP_OPTION_A_MAX, opt,
					       kcoap_nl_option_policy,
					       info->extack);
			if (err)
				return err;
			if (!tb[COAP_OPTION_A_NUM]) {
				NL_SET_ERR_MSG_ATTR(info->extack, opt,
						    "option without COAP_OPTION_A_NUM");
				return -EINVAL;
			}
			resp->opts[n].num = nla_get_u16(tb[COAP_OPTION_A_NUM]);
			if (tb[COAP_OPTION_A_VALUE]) {
				resp->opts[n].len = nla_len(tb[COAP_OPTION_A_VALUE]);
				resp->opts[n].val = nla_data(tb[COAP_OPTION_A_VALUE]);
			}
			n++;
		}
	}
	/* scratch holds the uint encodings: 4 bytes each */
	if (a[COAP_A_CONTENT_FORMAT]) {
		resp->opts[n].num = COAP_OPT_CONTENT_FORMAT;
		resp->opts[n].len = coap_uint_encode(nla_get_u16(a[COAP_A_CONTENT_FORMAT]),
						     scratch);
		resp->opts[n++].val = scratch;
	}
	if (a[COAP_A_MAX_AGE]) {
		resp->opts[n].num = COAP_OPT_MAX_AGE;
		resp->opts[n].len = coap_uint_encode(nla_get_u32(a[COAP_A_MAX_AGE]),
						     scratch + 4);
		resp->opts[n++].val = scratch + 4;
	}
	if (a[COAP_A_ETAG]) {
		resp->opts[n].num = COAP_OPT_ETAG;
		resp->opts[n].len = nla_len(a[COAP_A_ETAG]);
		resp->opts[n++].val = nla_data(a[COAP_A_ETAG]);
	}
	resp->nopts = n;
	return 0;
}

static int kcoap_nl_response(struct sk_buff *skb, struct genl_info *info)
{
	struct kcoap_response resp = {};
	struct nlattr **a = info->attrs;
	u8 scratch[8];
	int err;

	if (kcoap_nl_missing(info, COAP_A_HANDLE,
			     "COAP_A_HANDLE is required") ||
	    kcoap_nl_missing(info, COAP_A_CODE,
			     "COAP_A_CODE is required"))
		return -EINVAL;
	resp.code = nla_get_u8(a[COAP_A_CODE]);
	if (a[COAP_A_PAYLOAD]) {
		resp.payload = nla_data(a[COAP_A_PAYLOAD]);
		resp.payload_len = nla_len(a[COAP_A_PAYLOAD]);
	}
	err = kcoap_nl_response_opts(info, &resp, scratch);
	if (!err) {
		err = kcoap_request_respond(kcoap_nl_kn(info),
					    info->snd_portid, kcoap_nl_sk(skb),
					    nla_get_u64(a[COAP_A_HANDLE]),
					    &resp);
		if (err == -EPERM)
			NL_SET_ERR_MSG_ATTR(info->extack, a[COAP_A_HANDLE],
					    "request was delivered to another socket");
		else if (err == -EMSGSIZE)
			NL_SET_ERR_MSG(info->extack,
				       "response does not fit a datagram");
		else if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, a[COAP_A_HANDLE],
					    "no pending request with this handle");
	}
	kfree(resp.opts);
	return err;
}

static int kcoap_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct kcoap_net *kn = kcoap_nl_kn(info);
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i;

	msg = genlmsg_new(nla_total_size(0) + __COAP_STATS_A_MAX *
			  nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kcoap_genl_family, 0,
				COAP_CMD_STATS_GET);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(msg, COAP_A_STATS);
	if (!nest)
		goto nospace;
	for (i = 1; i < __COAP_STATS_A_MAX; i++)
		if (nla_put_u64_64bit(msg, i, kcoap_stat_read(kn, i),
				      COAP_STATS_A_UNSPEC))
			goto nospace;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops kcoap_nl_ops[] = {
	{
		.cmd = COAP_CMD_ENDPOINT_ADD,
		.doit = kcoap_nl_endpoint_add,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = COAP_CMD_ENDPOINT_DEL,
		.doit = kcoap_nl_endpoint_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = COAP_CMD_ENDPOINT_GET,
		.dumpit = kcoap_nl_endpoint_dump,
	}, {
		.cmd = COAP_CMD_RESOURCE_ADD,
		.doit = kcoap_nl_resource_add,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = COAP_CMD_RESOURCE_DEL,
		.doit = kcoap_nl_resource_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = COAP_CMD_RESOURCE_GET,
		.dumpit = kcoap_nl_resource_dump,
	}, {
		.cmd = COAP_CMD_PUBLISH,
		.doit = kcoap_nl_publish,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = COAP_CMD_RESPONSE,
		.doit = kcoap_nl_response,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = COAP_CMD_STATS_GET,
		.doit = kcoap_nl_stats,
	}, {
		.cmd = COAP_CMD_ENDPOINT_SET,
		.doit = kcoap_nl_endpoint_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family kcoap_genl_family __ro_after_init = {
	.name = COAP_GENL_NAME,
	.version = COAP_GENL_VERSION,
	.maxattr = COAP_A_MAX,
	.policy = kcoap_nl_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = kcoap_nl_ops,
	.n_small_ops = ARRAY_SIZE(kcoap_nl_ops),
	/*
	 * .resv_start_op left at 0: every command is a new one, so genetlink
	 * rejects a nonzero genlmsghdr.reserved and nlmsg_flags it cannot
	 * give a meaning to, and validates attributes strictly.
	 */
};

/* The kernel does block-wise transfer: the daemon sees whole bodies. */
static bool kcoap_nl_block_opt(u16 num)
{
	return num == COAP_OPT_BLOCK1 || num == COAP_OPT_BLOCK2 ||
	       num == COAP_OPT_SIZE1 || num == COAP_OPT_SIZE2;
}

/*
 * The size of the COAP_CMD_REQUEST message kcoap_nl_put_request() builds
 * for req: every attribute it puts, with the same walk over the options
 * (the addresses counted as sockaddr_in6, the larger of the two).
 */
static size_t kcoap_nl_request_size(const struct coap_msg *req,
				    const struct kcoap_resource *res)
{
	size_t size = nla_total_size_64bit(sizeof(u64)) +	/* handle */
		      2 * nla_total_size(sizeof(u8)) +		/* code, type */
		      nla_total_size(res->path_len + 1) +	/* path */
		      2 * nla_total_size(sizeof(struct sockaddr_in6)) +
		      nla_total_size(0);			/* options */
	struct coap_opt_iter it;
	struct coap_opt opt;
	u32 v;

	coap_opt_iter_init(&it, req);
	while (coap_opt_next(&it, &opt)) {
		if (!kcoap_nl_block_opt(opt.num))
			size += nla_total_size(0) +		/* option */
				nla_total_size(sizeof(u16)) +
				nla_total_size(opt.len);
		if (opt.num == COAP_OPT_URI_QUERY)
			size += nla_total_size(opt.len + 1);
		else if ((opt.num == COAP_OPT_CONTENT_FORMAT ||
			  opt.num == COAP_OPT_ACCEPT) && coap_opt_uint(&opt, &v))
			size += nla_total_size(sizeof(u16));
	}
	if (req->payload)
		size += nla_total_size(req->payload_len);
	return size;
}

static int kcoap_nl_put_request(struct sk_buff *skb, u64 handle,
				struct kcoap_endpoint *ep,
				const struct kcoap_peer *peer,
				const struct coap_msg *req,
				const struct kcoap_resource *res)
{
	__be16 lport = inet_sk(ep->sk)->inet_sport;
	struct sockaddr_storage ss;
	struct coap_opt_iter it;
	struct nlattr *nest, *o;
	struct coap_opt opt;
	u32 v;

	if (nla_put_u64_64bit(skb, COAP_A_HANDLE, handle, COAP_A_PAD) ||
	    nla_put_u8(skb, COAP_A_CODE, req->code) ||
	    nla_put_u8(skb, COAP_A_TYPE, req->type) ||
	    nla_put_string(skb, COAP_A_PATH, res->link.path))
		return -EMSGSIZE;
	kcoap_peer_to_sockaddr(peer, false, peer->port, &ss);
	if (kcoap_nl_put_addr(skb, COAP_A_PEER, &ss))
		return -EMSGSIZE;
	kcoap_peer_to_sockaddr(peer, true, lport, &ss);
	if (kcoap_nl_put_addr(skb, COAP_A_LOCAL, &ss))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, COAP_A_OPTIONS);
	if (!nest)
		return -EMSGSIZE;
	coap_opt_iter_init(&it, req);
	while (coap_opt_next(&it, &opt)) {
		if (kcoap_nl_block_opt(opt.num))
			continue;
		o = nla_nest_start(skb, COAP_A_OPTION);
		if (!o || nla_put_u16(skb, COAP_OPTION_A_NUM, opt.num) ||
		    nla_put(skb, COAP_OPTION_A_VALUE, opt.len, opt.val))
			return -EMSGSIZE;
		nla_nest_end(skb, o);
	}
	nla_nest_end(skb, nest);

	/* the convenience copies: queries, Content-Format, Accept */
	coap_opt_iter_init(&it, req);
	while (coap_opt_next(&it, &opt)) {
		int err = 0;

		if (opt.num == COAP_OPT_URI_QUERY) {
			o = nla_reserve(skb, COAP_A_QUERY, opt.len + 1);
			if (!o)
				return -EMSGSIZE;
			memcpy(nla_data(o), opt.val, opt.len);
			((char *)nla_data(o))[opt.len] = '\0';
		} else if (opt.num == COAP_OPT_CONTENT_FORMAT &&
			   coap_opt_uint(&opt, &v)) {
			err = nla_put_u16(skb, COAP_A_CONTENT_FORMAT, v);
		} else if (opt.num == COAP_OPT_ACCEPT &&
			   coap_opt_uint(&opt, &v)) {
			err = nla_put_u16(skb, COAP_A_ACCEPT, v);
		}
		if (err)
			return err;
	}
	if (req->payload &&
	    nla_put(skb, COAP_A_PAYLOAD, req->payload_len, req->payload))
		return -EMSGSIZE;
	return 0;
}

static struct sk_buff *kcoap_nl_request_msg(struct kcoap_net *kn, u64 handle,
					    struct kcoap_endpoint *ep,
					    const struct kcoap_peer *peer,
					    const struct coap_msg *req,
					    const struct kcoap_resource *res)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(kcoap_nl_request_size(req, res), GFP_ATOMIC);
	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &kcoap_genl_family, 0,
			  COAP_CMD_REQUEST);
	if (!hdr || kcoap_nl_put_request(skb, handle, ep, peer, req, res)) {
		/* kcoap_nl_request_size() is wrong if this happens */
		WARN_ON_ONCE(1);
		nlmsg_free(skb);
		return NULL;
	}
	genlmsg_end(skb, hdr);
	return skb;
}

static int kcoap_nl_deliver(struct kcoap_net *kn, struct sk_buff *msg,
			    const struct kcoap_daemon *d)
{
	return genlmsg_unicast(kn->net, msg, d->portid);
}

/*
 * Any context, obs_lock held: res now has count observers (0 or 1).
 * Best effort: a daemon whose socket buffer is full misses it, as it
 * would miss any datagram.
 */
static void kcoap_nl_observers_event(struct kcoap_net *kn,
				     const struct kcoap_resource *res,
				     unsigned int count)
{
	struct sk_buff *skb;
	void *hdr;

	/* its port id may be another socket's by now */
	if (kcoap_daemon_closing(res->owner))
		return;
	skb = genlmsg_new(nla_total_size(res->path_len + 1) +
			  nla_total_size(sizeof(u32)), GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &kcoap_genl_family, 0,
			  COAP_CMD_OBSERVERS);
	if (!hdr || nla_put_string(skb, COAP_A_PATH, res->link.path) ||
	    nla_put_u32(skb, COAP_A_OBSERVERS, count)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_unicast(kn->net, skb, res->owner->portid);
}

/* How the message layers reach a daemon (struct kcoap_daemon.ops). */
static const struct kcoap_owner_ops kcoap_nl_owner_ops = {
	.request_msg = kcoap_nl_request_msg,
	.deliver = kcoap_nl_deliver,
	.observers = kcoap_nl_observers_event,
};

/* A netlink socket closed: if it was a daemon, its resources go. */
static int kcoap_nl_notify(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		kcoap_daemon_release(kcoap_pernet(n->net), n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block kcoap_nl_notifier = {
	.notifier_call = kcoap_nl_notify,
};

int __init kcoap_netlink_init(void)
{
	int err;

	err = netlink_register_notifier(&kcoap_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&kcoap_genl_family);
	if (err)
		netlink_unregister_notifier(&kcoap_nl_notifier);
	return err;
}

void kcoap_netlink_exit(void)
{
	genl_unregister_family(&kcoap_genl_family);
	netlink_unregister_notifier(&kcoap_nl_notifier);
}
