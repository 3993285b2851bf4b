// SPDX-License-Identifier: GPL-2.0
/*
 * Answering requests (softirq, from rx.c): discovery, the published fast
 * path, errors, or forwarding to the daemon that owns the resource.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "blockwise.h"
#include "kcoap.h"
#include "observe.h"
#include "request.h"
#include "resource.h"
#include "stats.h"
#include "udp.h"

/* Largest /.well-known/core document; links past it are left out. */
#define KCOAP_WK_MAX		8192
#define KCOAP_MAX_FILTERS	4

int kcoap_send_answer(struct kcoap_endpoint *ep, const struct kcoap_peer *peer,
		      const struct coap_msg *req, struct kcoap_reply *r)
{
	struct coap_msg_out out = {
		.code = r->code,
		.tkl = req->tkl,
		.token = req->token,
		.opts = r->opts,
		.nopts = r->nopts,
		.payload = r->payload,
		.payload_len = r->payload_len,
	};

	coap_opts_sort(r->opts, r->nopts);
	if (req->type == COAP_TYPE_CON) {
		/* piggybacked on the ACK (section 5.2.1) */
		out.type = COAP_TYPE_ACK;
		out.mid = req->mid;
	} else {
		/* a NON request gets a NON response with its own MID */
		out.type = COAP_TYPE_NON;
		out.mid = kcoap_ep_new_mid(ep);
	}
	return kcoap_endpoint_send(ep, peer, &out);
}

/*
 * Section 5.4.1: an unrecognised critical option rejects the request.
 * The options the server understands (or knowingly ignores) so far.
 */
static bool kcoap_opt_known(u16 num)
{
	switch (num) {
	case COAP_OPT_IF_MATCH:
	case COAP_OPT_URI_HOST:
	case COAP_OPT_ETAG:
	case COAP_OPT_IF_NONE_MATCH:
	case COAP_OPT_OBSERVE:
	case COAP_OPT_URI_PORT:
	case COAP_OPT_LOCATION_PATH:
	case COAP_OPT_URI_PATH:
	case COAP_OPT_CONTENT_FORMAT:
	case COAP_OPT_MAX_AGE:
	case COAP_OPT_URI_QUERY:
	case COAP_OPT_ACCEPT:
	case COAP_OPT_LOCATION_QUERY:
	case COAP_OPT_BLOCK2:
	case COAP_OPT_BLOCK1:
	case COAP_OPT_SIZE2:
	case COAP_OPT_PROXY_URI:
	case COAP_OPT_PROXY_SCHEME:
	case COAP_OPT_SIZE1:
		return true;
	}
	return false;
}

/* What the server needs from a request's options, in one walk. */
struct kcoap_req_info {
	char path[COAP_PATH_MAX];
	u32 path_len;
	bool path_bad;		/* too long, or a segment holding '/' */
	bool bad_critical;
	bool proxy;
	int accept;		/* -1: none */
	int observe;		/* -1: none */
	unsigned int netags;
	struct coap_opt etags[4];
	unsigned int nfilters;
	struct kcoap_filter filters[KCOAP_MAX_FILTERS];
	struct kcoap_bw bw;
};

/* Block1, Block2, Size1, Size2 (RFC 7959 sections 2.2 and 4) */
static void kcoap_req_scan_block(const struct coap_opt *opt,
				 struct kcoap_bw *bw)
{
	switch (opt->num) {
	case COAP_OPT_BLOCK1:
		/* section 2.2: a malformed or repeated Block option is 4.00 */
		bw->bad |= bw->b1 || !coap_block_decode(opt->val, opt->len,
							 &bw->blk1);
		bw->b1 = true;
		break;
	case COAP_OPT_BLOCK2:
		bw->bad |= bw->b2 || !coap_block_decode(opt->val, opt->len,
							 &bw->blk2);
		bw->b2 = true;
		break;
	case COAP_OPT_SIZE1:
		bw->size1_set = coap_opt_uint(opt, &bw->size1);
		bw->bad |= !bw->size1_set;
		break;
	case COAP_OPT_SIZE2:
		bw->size2 = true;
		break;
	}
}

static void kcoap_req_scan(const struct coap_msg *req,
			   struct kcoap_req_info *ri)
{
	struct coap_opt_iter it;
	struct coap_opt opt;
	u32 v;

	ri->path_len = 0;
	ri->path_bad = false;
	ri->bad_critical = false;
	ri->proxy = false;
	ri->accept = -1;
	ri->observe = -1;
	ri->netags = 0;
	ri->nfilters = 0;
	memset(&ri->bw, 0, sizeof(ri->bw));
	coap_opt_iter_init(&it, req);
	while (coap_opt_next(&it, &opt)) {
		switch (opt.num) {
		case COAP_OPT_BLOCK1:
		case COAP_OPT_BLOCK2:
		case COAP_OPT_SIZE1:
		case COAP_OPT_SIZE2:
			kcoap_req_scan_block(&opt, &ri->bw);
			break;
		case COAP_OPT_URI_PATH:
			if (ri->path_len + 1 + opt.len >= COAP_PATH_MAX ||
			    memchr(opt.val, '/', opt.len)) {
				ri->path_bad = true;
				break;
			}
			ri->path[ri->path_len++] = '/';
			memcpy(ri->path + ri->path_len, opt.val, opt.len);
			ri->path_len += opt.len;
			break;
		case COAP_OPT_URI_QUERY:
			if (ri->nfilters < KCOAP_MAX_FILTERS &&
			    kcoap_filter_parse(opt.val, opt.len,
					       &ri->filters[ri->nfilters]))
				ri->nfilters++;
			break;
		case COAP_OPT_ETAG:
			if (ri->netags < ARRAY_SIZE(ri->etags))
				ri->etags[ri->netags++] = opt;
			break;
		case COAP_OPT_ACCEPT:
			if (coap_opt_uint(&opt, &v))
				ri->accept = v;
			break;
		case COAP_OPT_OBSERVE:
			if (coap_opt_uint(&opt, &v))
				ri->observe = v;
			break;
		case COAP_OPT_PROXY_URI:
		case COAP_OPT_PROXY_SCHEME:
			ri->proxy = true;
			break;
		default:
			if (coap_opt_critical(opt.num) &&
			    !kcoap_opt_known(opt.num))
				ri->bad_critical = true;
		}
	}
	if (!ri->path_len)
		ri->path[ri->path_len++] = '/';	/* no Uri-Path: the root */
	ri->path[ri->path_len] = '\0';
}

static bool kcoap_link_selected(const struct kcoap_link *l,
				const struct kcoap_req_info *ri)
{
	unsigned int i;

	for (i = 0; i < ri->nfilters; i++)
		if (!kcoap_link_match(l, &ri->filters[i]))
			return false;
	return true;
}

/*
 * GET /.well-known/core: the registered resources as link-format, up to
 * KCOAP_WK_MAX bytes, in blocks when larger than a datagram should be.
 */
static void kcoap_wellknown(struct kcoap_endpoint *ep,
			    const struct kcoap_req_info *ri,
			    struct kcoap_reply *reply, char **buf)
{
	struct kcoap_net *kn = ep->kn;
	struct kcoap_resource *r;
	u32 len = 0, n;

	*buf = kmalloc(KCOAP_WK_MAX, GFP_ATOMIC);
	if (!*buf) {
		reply->code = COAP_CODE(5, 3);
		return;
	}
	list_for_each_entry_rcu(r, &kn->res_list, node) {
		if (!kcoap_link_selected(&r->link, ri))
			continue;
		n = kcoap_link_write(*buf + len, KCOAP_WK_MAX - len, &r->link,
				     !len);
		if (n >= KCOAP_WK_MAX - len)
			break;	/* whole links only */
		len += n;
	}
	reply->code = COAP_CODE(2, 5);
	kcoap_reply_add_uint(reply, COAP_OPT_CONTENT_FORMAT,
			     COAP_CT_LINK_FORMAT);
	reply->payload = *buf;
	reply->payload_len = len;
	kcoap_block2_local(ep, reply, &ri->bw, false);
}

/*
 * GET of a published representation, answered here.  Returns false when
 * the daemon must answer (nothing published, or another format wanted).
 */
static bool kcoap_fast_get(struct kcoap_endpoint *ep,
			   struct kcoap_resource *res,
			   const struct kcoap_req_info *ri,
			   struct kcoap_reply *reply)
{
	struct kcoap_repr *repr = rcu_dereference(res->repr);
	unsigned int i;

	if (!repr || (ri->accept >= 0 && ri->accept != repr->ct))
		return false;
	if (repr->etag_len)
		kcoap_reply_add_opaque(reply, COAP_OPT_ETAG, repr->etag,
				       repr->etag_len);
	kcoap_reply_add_uint(reply, COAP_OPT_MAX_AGE, repr->max_age);
	/* section 5.10.6.1: a matching ETag validates the client's copy */
	for (i = 0; repr->etag_len && i < ri->netags; i++) {
		if (ri->etags[i].len == repr->etag_len &&
		    !memcmp(ri->etags[i].val, repr->etag, repr->etag_len)) {
			reply->code = COAP_CODE(2, 3);
			return true;
		}
	}
	reply->code = COAP_CODE(2, 5);
	kcoap_reply_add_uint(reply, COAP_OPT_CONTENT_FORMAT, repr->ct);
	reply->payload = repr->data;
	reply->payload_len = repr->len;
	kcoap_block2_local(ep, reply, &ri->bw, repr->etag_len);
	return true;
}

/*
 * RFC 7641 section 3.1: a GET with Observe 0 on an observable resource
 * that the kernel answered 2.xx registers the client; beyond the bound it
 * just gets the plain response (section 4.1).
 */
static void kcoap_server_observe(struct kcoap_endpoint *ep,
				 const struct kcoap_peer *peer,
				 const struct coap_msg *req,
				 struct kcoap_resource *res,
				 const struct kcoap_req_info *ri,
				 struct kcoap_reply *reply)
{
	u32 seq;

	/* RFC 7959 section 2.6: only the request for the first block */
	if (ri->observe != 0 || (ri->bw.b2 && ri->bw.blk2.num) ||
	    !res->link.obs || COAP_CODE_CLASS(reply->code) != 2)
		return;
	if (!kcoap_observe_register(ep, peer, req, res, ri->accept,
				    ri->bw.b2 ? ri->bw.blk2.szx : -1, &seq))
		kcoap_reply_add_uint(reply, COAP_OPT_OBSERVE, seq);
}

/*
 * Hand the request to the resource's daemon, its Block1 body whole.
 * False when reply holds the answer instead: 2.31 Continue or a Block1
 * error (counted by block1.c, then req_local here) or a refusal
 * (counted by request.c).
 */
static bool kcoap_server_forward(struct kcoap_endpoint *ep,
				 const struct kcoap_peer *peer,
				 const struct coap_msg *req,
				 const struct kcoap_req_info *ri,
				 struct kcoap_resource *res,
				 struct kcoap_reply *reply)
{
	const struct kcoap_bw *bw = &ri->bw;
	struct kcoap_bw_pending bwp = {
		.method = req->code,
		.b1 = bw->b1 && req->code != COAP_METHOD_GET,
		.b2 = bw->b2,
		.size2 = bw->size2,
		.blk1 = bw->blk1,
		.blk2 = bw->blk2,
	};
	struct coap_msg whole = *req;
	u8 *body = NULL;
	u32 body_len;
	bool sent;

	if ((bwp.b1 || bw->size1_set) &&
	    kcoap_block1_rx(ep, peer, req, bw, reply, &body, &body_len) ==
	    KCOAP_B1_REPLY) {
		kcoap_ep_stat_inc(ep, REQ_LOCAL);
		return false;
	}
	if (body) {
		whole.payload = body;
		whole.payload_len = body_len;
	}
	bwp.uri = kcoap_block_uri(ep->kn, req);
	bwp.blk1.more = false;
	sent = kcoap_request_forward(ep, peer, &whole, res, &bwp, reply);
	kfree(body);
	return sent;
}

static void kcoap_server_request(struct kcoap_endpoint *ep,
				 const struct kcoap_peer *peer,
				 const struct coap_msg *req)
{
	struct kcoap_net *kn = ep->kn;
	struct kcoap_reply reply = {};
	struct kcoap_req_info *ri;
	struct kcoap_resource *res;
	char *buf = NULL;

	/* a duplicate of a request that went to a daemon (section 4.5) */
	if (kcoap_request_duplicate(ep, peer, req))
		return;
	/* 256-byte path and filters: too much for a softirq stack */
	ri = kmalloc(sizeof(*ri), GFP_ATOMIC);
	if (!ri) {
		kcoap_ep_stat_inc(ep, DROP_NOMEM);
		return;
	}
	kcoap_req_scan(req, ri);
	if (ri->bad_critical && req->type == COAP_TYPE_NON) {
		/* section 4.3: a rejected NON is silently ignored */
		kcoap_ep_stat_inc(ep, DROP_BAD_OPTION_NON);
		goto out;
	}
	kcoap_ep_stat_inc(ep, RX_REQUESTS);

	rcu_read_lock();
	if (ri->bad_critical) {
		reply.code = COAP_CODE(4, 2);
	} else if (ri->proxy) {
		reply.code = COAP_CODE(5, 5);	/* Proxying Not Supported */
	} else if (ri->path_bad) {
		reply.code = COAP_CODE(4, 4);
	} else if (ri->bw.bad) {
		kcoap_ep_stat_inc(ep, BLOCK_BAD_OPTION);
		reply.code = COAP_CODE(4, 0);
	} else if (!strcmp(ri->path, "/.well-known/core")) {
		if (req->code == COAP_METHOD_GET)
			kcoap_wellknown(ep, ri, &reply, &buf);
		else
			reply.code = COAP_CODE(4, 5);
	} else {
		res = kcoap_resource_lookup(kn, ri->path, ri->path_len);
		/* RFC 7641 section 3.6: Observe 1 ends it; then a plain GET */
		if (res && req->code == COAP_METHOD_GET && ri->observe == 1)
			kcoap_observe_deregister(ep, peer, req, res);
		if (!res) {
			reply.code = COAP_CODE(4, 4);
		} else if (req->code > 31 ||
			   !(res->methods & COAP_METHOD_BIT(req->code))) {
			reply.code = COAP_CODE(4, 5);
		} else if (req->code == COAP_METHOD_GET &&
			   kcoap_fast_get(ep, res, ri, &reply)) {
			kcoap_ep_stat_inc(ep, REQ_FAST);
			kcoap_server_observe(ep, peer, req, res, ri, &reply);
		} else if (kcoap_block2_cached(ep, peer, req, &ri->bw)) {
			/* a further block of a daemon's large answer: sent */
			kcoap_ep_stat_inc(ep, REQ_LOCAL);
			rcu_read_unlock();
			goto out;
		} else {
			if (kcoap_server_forward(ep, peer, req, ri, res, &reply)) {
				rcu_read_unlock();
				goto out;
			}
			/* answered here (2.31, 4.xx) or refused (5.03) */
			goto send;
		}
	}
	kcoap_ep_stat_inc(ep, REQ_LOCAL);
send:
	kcoap_send_answer(ep, peer, req, &reply);
	rcu_read_unlock();
out:
	kfree(buf);
	kfree(ri);
}

/* Past the message layer's table: an RST to a NON notification. */
static int kcoap_server_ack(struct kcoap_endpoint *ep,
			    const struct kcoap_peer *peer,
			    const struct coap_msg *msg)
{
	return kcoap_observe_ack(ep, peer, msg->mid,
				 msg->type == COAP_TYPE_RST) ? 0 : -1;
}

/* Answered here or by a daemon: an endpoint delivers nothing. */
static bool kcoap_server_rx_request(struct kcoap_endpoint *ep,
				    const struct kcoap_peer *peer,
				    const struct coap_msg *req)
{
	kcoap_server_request(ep, peer, req);
	return false;
}

/* What an endpoint's received messages become (kcoap_endpoint.rx_ops). */
const struct kcoap_rx_ops kcoap_server_rx_ops = {
	.ack = kcoap_server_ack,
	.request = kcoap_server_rx_request,
};
