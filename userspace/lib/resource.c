// SPDX-License-Identifier: LGPL-2.1-or-later
/* COAP_CMD_RESOURCE_ADD, _DEL and _GET. */
#include <errno.h>
#include <string.h>

#include "internal.h"

static size_t str_size(const char *s)
{
	return s ? nla_total_size(strlen(s) + 1) : 0;
}

static int put_opt_str(struct kcoap *k, struct nl_msg *msg, int type,
		       const char *s)
{
	return s ? kc_put_str(k, msg, type, s) : 0;
}

static int put_resource(struct kcoap *k, struct nl_msg *msg,
			const struct kcoap_resource *r)
{
	int err;

	err = kc_put_str(k, msg, COAP_A_PATH, r->path);
	if (!err && r->methods)
		err = kc_put_u32(k, msg, COAP_A_METHODS, r->methods);
	if (!err)
		err = put_opt_str(k, msg, COAP_A_RT, r->rt);
	if (!err)
		err = put_opt_str(k, msg, COAP_A_IF, r->if_);
	if (!err)
		err = put_opt_str(k, msg, COAP_A_TITLE, r->title);
	if (!err && r->ct >= 0)
		err = kc_put_u16(k, msg, COAP_A_CT, r->ct);
	if (!err && r->sz)
		err = kc_put_u32(k, msg, COAP_A_SZ, r->sz);
	if (!err && r->observable && nla_put_flag(msg, COAP_A_OBSERVABLE) < 0)
		err = kc_fail(k, -EMSGSIZE, NULL);
	if (!err && r->notify_con)
		err = kc_put_u32(k, msg, COAP_A_NOTIFY_CON, r->notify_con);
	return err;
}

int kcoap_resource_add(struct kcoap *k, const struct kcoap_resource *r)
{
	struct nl_msg *msg;
	size_t size;
	int err;

	err = kc_enter(k);
	if (err)
		return err;
	if (!r || !r->path)
		return kc_fail(k, -EINVAL, "no path");
	if (r->ct > UINT16_MAX)
		return kc_fail(k, -EINVAL, "ct %d out of range", r->ct);
	size = str_size(r->path) + str_size(r->rt) + str_size(r->if_) +
	       str_size(r->title) + 4 * nla_total_size(4);
	msg = kc_msg_new(k, COAP_CMD_RESOURCE_ADD, 0, size);
	if (!msg)
		return -ENOMEM;
	err = put_resource(k, msg, r);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return kc_transact(k, msg, NULL, NULL);
}

/* COAP_CMD_RESOURCE_DEL, and COAP_CMD_PUBLISH without payload (withdraw) */
int kc_path_cmd(struct kcoap *k, uint8_t cmd, const char *path)
{
	struct nl_msg *msg;
	int err;

	err = kc_enter(k);
	if (err)
		return err;
	if (!path)
		return kc_fail(k, -EINVAL, "no path");
	msg = kc_msg_new(k, cmd, 0, str_size(path));
	if (!msg)
		return -ENOMEM;
	err = kc_put_str(k, msg, COAP_A_PATH, path);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return kc_transact(k, msg, NULL, NULL);
}

int kcoap_resource_del(struct kcoap *k, const char *path)
{
	return kc_path_cmd(k, COAP_CMD_RESOURCE_DEL, path);
}

struct list_ctx {
	kcoap_resource_fn fn;
	void *arg;
};

static int u32_attr(const struct nlattr *nla, uint32_t *v)
{
	if (nla_len(nla) < 4)
		return -EINVAL;
	*v = nla_get_u32(nla);
	return 0;
}

/* Fill @info from one dump message; -EINVAL if it has no valid path. */
static int parse_info(struct nlmsghdr *nlh, struct kcoap_resource_info *info)
{
	struct nlattr *nla;
	uint32_t v;
	int len, rem;

	nla = kc_attrs(nlh, &len);
	if (!nla)
		return -EINVAL;
	info->res.ct = -1;
	info->content_format = -1;
	nla_for_each_attr(nla, nla, len, rem) {
		switch (nla_type(nla)) {
		case COAP_A_PATH:
			info->res.path = kc_attr_str(nla);
			break;
		case COAP_A_METHODS:
			u32_attr(nla, &info->res.methods);
			break;
		case COAP_A_RT:
			info->res.rt = kc_attr_str(nla);
			break;
		case COAP_A_IF:
			info->res.if_ = kc_attr_str(nla);
			break;
		case COAP_A_TITLE:
			info->res.title = kc_attr_str(nla);
			break;
		case COAP_A_CT:
			if (nla_len(nla) >= 2)
				info->res.ct = nla_get_u16(nla);
			break;
		case COAP_A_SZ:
			u32_attr(nla, &info->res.sz);
			break;
		case COAP_A_OBSERVABLE:
			info->res.observable = true;
			break;
		case COAP_A_NOTIFY_CON:
			u32_attr(nla, &info->res.notify_con);
			break;
		case COAP_A_OBSERVERS:
			u32_attr(nla, &info->observers);
			break;
		case COAP_A_OWNER:
			u32_attr(nla, &info->owner);
			break;
		case COAP_A_CONTENT_FORMAT:
			if (nla_len(nla) >= 2)
				info->content_format = nla_get_u16(nla);
			break;
		case COAP_A_MAX_AGE:
			u32_attr(nla, &info->max_age);
			break;
		case COAP_A_ETAG:
			if (nla_len(nla) <= COAP_ETAG_MAX) {
				info->etag_len = nla_len(nla);
				memcpy(info->etag, nla_data(nla), info->etag_len);
			}
			break;
		case COAP_A_PAYLOAD_LEN:
			/* present exactly when a representation is published */
			if (!u32_attr(nla, &v)) {
				info->payload_len = v;
				info->published = true;
			}
			break;
		}
	}
	return info->res.path ? 0 : -EINVAL;
}

static int resource_reply(struct kcoap *k, struct nlmsghdr *nlh, void *arg)
{
	struct kcoap_resource_info info = { .owner = 0 };
	struct list_ctx *ctx = arg;
	int ret;

	if (parse_info(nlh, &info))
		return 0;
	k->in_list = true;
	ret = ctx->fn(&info, ctx->arg);
	k->in_list = false;
	return ret;
}

int kcoap_resource_list(struct kcoap *k, kcoap_resource_fn fn, void *arg)
{
	struct list_ctx ctx = { fn, arg };
	struct nl_msg *msg;
	int err;

	err = kc_enter(k);
	if (err)
		return err;
	msg = kc_msg_new(k, COAP_CMD_RESOURCE_GET, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	return kc_transact(k, msg, resource_reply, &ctx);
}
