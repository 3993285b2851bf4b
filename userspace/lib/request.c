// SPDX-License-Identifier: LGPL-2.1-or-later
/* Receiving COAP_CMD_REQUEST messages and handing them to the daemon. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Requests per kcoap_dispatch() call, so one handle cannot starve a loop. */
#define KC_DISPATCH_BUDGET	64

/* The queries and options arrays of one request, in one allocation. */
struct req_arrays {
	const char **queries;
	struct kcoap_option *options;
};

static int u16_attr(const struct nlattr *nla)
{
	return nla_len(nla) >= 2 ? nla_get_u16(nla) : -1;
}

static int parse_option(const struct nlattr *opt, struct kcoap_option *o)
{
	struct nlattr *nla;
	int rem, num = -1;

	o->len = 0;
	o->value = NULL;
	nla_for_each_nested(nla, opt, rem) {
		switch (nla_type(nla)) {
		case COAP_OPTION_A_NUM:
			num = u16_attr(nla);
			break;
		case COAP_OPTION_A_VALUE:
			o->len = nla_len(nla);
			o->value = nla_data(nla);
			break;
		}
	}
	if (num < 0)
		return -EINVAL;
	o->num = num;
	return 0;
}

static void count(struct nlattr *attrs, int len, size_t *nq, size_t *no)
{
	struct nlattr *nla, *opt;
	int rem, orem;

	*nq = 0;
	*no = 0;
	nla_for_each_attr(nla, attrs, len, rem) {
		if (nla_type(nla) == COAP_A_QUERY)
			(*nq)++;
		else if (nla_type(nla) == COAP_A_OPTIONS)
			nla_for_each_nested(opt, nla, orem)
				(*no)++;
	}
}

/* Second pass: everything but the arrays' sizes, already counted. */
static int fill(struct nlattr *attrs, int len, struct kcoap_request *req,
		struct req_arrays *a)
{
	struct nlattr *nla, *opt;
	int rem, orem;

	nla_for_each_attr(nla, attrs, len, rem) {
		switch (nla_type(nla)) {
		case COAP_A_CODE:
			if (nla_len(nla) < 1)
				return -EINVAL;
			req->code = nla_get_u8(nla);
			break;
		case COAP_A_TYPE:
			if (nla_len(nla) >= 1)
				req->type = nla_get_u8(nla);
			break;
		case COAP_A_PATH:
			req->path = kc_attr_str(nla);
			break;
		case COAP_A_QUERY:
			a->queries[req->nqueries] = kc_attr_str(nla);
			if (!a->queries[req->nqueries++])
				return -EINVAL;
			break;
		case COAP_A_PEER:
			if (kc_attr_addr(nla, &req->peer, &req->peer_len))
				return -EINVAL;
			break;
		case COAP_A_LOCAL:
			if (kc_attr_addr(nla, &req->local, &req->local_len))
				return -EINVAL;
			break;
		case COAP_A_CONTENT_FORMAT:
			req->content_format = u16_attr(nla);
			break;
		case COAP_A_ACCEPT:
			req->accept = u16_attr(nla);
			break;
		case COAP_A_OPTIONS:
			nla_for_each_nested(opt, nla, orem)
				if (parse_option(opt, &a->options[req->noptions++]))
					return -EINVAL;
			break;
		case COAP_A_PAYLOAD:
			req->payload = nla_data(nla);
			req->payload_len = nla_len(nla);
			break;
		}
	}
	return req->path && req->code ? 0 : -EINVAL;
}

/*
 * Parse @nlh into @req; *@mem is what to free afterwards.  On error,
 * *has_handle says whether the request can still be answered.
 */
static int parse_request(struct nlmsghdr *nlh, struct kcoap_request *req,
			 void **mem, bool *has_handle)
{
	struct nlattr *attrs, *nla;
	struct req_arrays a;
	size_t nq, no;
	int len;

	*mem = NULL;
	*has_handle = false;
	memset(req, 0, sizeof(*req));
	req->content_format = -1;
	req->accept = -1;
	attrs = kc_attrs(nlh, &len);
	if (!attrs)
		return -EINVAL;
	/* the handle first: with it, any later failure can be answered */
	nla = nla_find(attrs, len, COAP_A_HANDLE);
	if (!nla || nla_len(nla) < 8)
		return -EINVAL;
	req->handle = nla_get_u64(nla);
	*has_handle = true;

	count(attrs, len, &nq, &no);
	/* 16-byte options, then query pointers: both aligned; +1: no malloc(0) */
	*mem = malloc(no * sizeof(*a.options) + nq * sizeof(*a.queries) + 1);
	if (!*mem)
		return -ENOMEM;
	a.options = *mem;
	a.queries = (const char **)(a.options + no);
	req->queries = a.queries;
	req->options = a.options;
	return fill(attrs, len, req, &a);
}

/* Answer 5.00 for a request we cannot hand over. */
static void reject(struct kcoap *k, uint64_t handle)
{
	struct kcoap_response r = {
		.code = COAP_CODE(5, 0),
		.content_format = -1,
		.max_age = -1,
	};

	kcoap_respond(k, handle, &r);
}

void kcoap_on_observers(struct kcoap *k, kcoap_observers_fn fn, void *arg)
{
	k->obs_fn = fn;
	k->obs_arg = arg;
}

static void observers_event(struct kcoap *k, struct nlmsghdr *nlh)
{
	struct nlattr *tb[COAP_A_MAX + 1] = { NULL };
	const char *path;

	if (!k->obs_fn ||
	    nla_parse(tb, COAP_A_MAX, genlmsg_attrdata(nlmsg_data(nlh), 0),
		      genlmsg_attrlen(nlmsg_data(nlh), 0), NULL) < 0 ||
	    !tb[COAP_A_PATH] || !tb[COAP_A_OBSERVERS] ||
	    nla_len(tb[COAP_A_OBSERVERS]) < 4)
		return;
	path = nla_data(tb[COAP_A_PATH]);
	if (!memchr(path, '\0', nla_len(tb[COAP_A_PATH])))
		return;
	k->obs_fn(k, path, nla_get_u32(tb[COAP_A_OBSERVERS]), k->obs_arg);
}

/* Returns 1 if a request was delivered to @fn, else 0. */
static int deliver(struct kcoap *k, struct nlmsghdr *nlh, kcoap_request_fn fn,
		   void *arg)
{
	struct kcoap_request req;
	bool has_handle;
	void *mem;
	int err;

	if (((struct genlmsghdr *)nlmsg_data(nlh))->cmd == COAP_CMD_OBSERVERS) {
		observers_event(k, nlh);
		return 0;
	}
	err = parse_request(nlh, &req, &mem, &has_handle);
	if (err) {
		if (has_handle)
			reject(k, req.handle);
		free(mem);
		return 0;
	}
	fn(k, &req, arg);
	free(mem);
	return 1;
}

bool kcoap_pending(const struct kcoap *k)
{
	return k->stash != NULL;
}

static struct kc_stashed *unstash(struct kcoap *k)
{
	struct kc_stashed *s = k->stash;

	if (s) {
		k->stash = s->next;
		if (!k->stash)
			k->stash_tail = &k->stash;
	}
	return s;
}

static int dispatch(struct kcoap *k, struct kc_rxbuf *buf, kcoap_request_fn fn,
		    void *arg)
{
	int n, len, delivered = 0;
	struct kc_stashed *s;

	while (delivered < KC_DISPATCH_BUDGET) {
		/* stashed requests are older than what the socket holds */
		s = unstash(k);
		if (s) {
			delivered += deliver(k, (struct nlmsghdr *)s->msg, fn,
					     arg);
			free(s);
			continue;
		}
		n = kc_recv(k, buf, 0);
		if (n == -EAGAIN)
			break;
		if (n == -ENOBUFS) {
			k->overrun = true;
			continue;
		}
		if (n < 0)
			return kc_fail(k, n, "receiving requests");
		len = n;
		for (struct nlmsghdr *h = buf->data; nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len))
			if (kc_is_request(k, h))
				delivered += deliver(k, h, fn, arg);
	}
	if (k->overrun) {
		k->overrun = false;
		return kc_fail(k, -ENOBUFS,
			       "socket buffer overflowed, requests were lost");
	}
	return delivered;
}

int kcoap_dispatch(struct kcoap *k, kcoap_request_fn fn, void *arg)
{
	struct kc_rxbuf buf;
	int ret;

	if (k->in_dispatch || k->in_list)
		return kc_fail(k, -EBUSY, "kcoap_dispatch() called from a callback");
	if (!fn)
		return kc_fail(k, -EINVAL, "no request handler");
	/* handlers' control calls read replies into a buffer of their own */
	buf = k->rx;
	k->rx = (struct kc_rxbuf){ NULL, 0 };
	k->in_dispatch = true;
	ret = dispatch(k, &buf, fn, arg);
	k->in_dispatch = false;
	if (k->rx.data)
		free(buf.data);
	else
		k->rx = buf;
	return ret;
}
