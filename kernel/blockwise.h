/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block-wise transfer (RFC 7959) on the server side: what a request asks
 * for, Block1 reassembly (block1.c) and the cache of large daemon
 * responses served block by block (block2.c).  Daemons see whole bodies
 * and answer whole representations; the kernel does the blocks.
 *
 * Both tables live in struct kcoap_net under block_lock (softirq, and
 * _bh from process context).  Their entries point at the endpoint only to
 * compare it: a closing endpoint purges its entries first.
 */
#ifndef _KCOAP_BLOCKWISE_H
#define _KCOAP_BLOCKWISE_H

#include <linux/in6.h>
#include <linux/jhash.h>
#include <linux/siphash.h>
#include <linux/types.h>

#include "block.h"

struct kcoap_endpoint;
struct kcoap_net;
struct kcoap_peer;
struct kcoap_reply;
struct kcoap_response;
struct coap_msg;

/* A payload up to this size goes whole when the client asked for no block. */
#define KCOAP_BLOCK_WHOLE_MAX	1024

/* The block-wise options of a request, from kcoap_req_scan. */
struct kcoap_bw {
	bool bad;		/* malformed Block1/Block2, or SZX 7: 4.00 */
	bool b1, b2;		/* option present */
	bool size1_set;
	bool size2;		/* Size2 asked for (section 4) */
	u32 size1;
	struct coap_block blk1, blk2;
};

/* What a forwarded request's answer needs (kept in its kcoap_pending). */
struct kcoap_bw_pending {
	u64 uri;		/* kcoap_block_uri() of the request */
	u8 method;
	bool b1, b2, size2;
	struct coap_block blk1;	/* the final Block1, echoed */
	struct coap_block blk2;	/* the block the client asked for */
};

/* Identifies a transfer: client, method and request URI. */
struct kcoap_bkey {
	const struct kcoap_endpoint *ep;	/* compared, never followed */
	union {
		__be32 v4;
		struct in6_addr v6;
	} addr;
	__be16 port;
	u8 family;
	u8 method;
	u64 uri;
};

static inline u32 kcoap_bkey_hash(const struct kcoap_bkey *k)
{
	return jhash(k, sizeof(*k), 0);
}

/* The largest block we send or ask for (module parameter block_szx). */
u8 kcoap_block_szx(void);
u64 kcoap_block_uri(const struct kcoap_net *kn, const struct coap_msg *req);
void kcoap_bkey_init(struct kcoap_bkey *k, const struct kcoap_endpoint *ep,
		     const struct kcoap_peer *peer, u8 method, u64 uri);
unsigned long kcoap_block_lifetime(const struct kcoap_endpoint *ep);

/* pernet: init, purge of a closing endpoint (process context), exit */
void kcoap_block_init(struct kcoap_net *kn);
void kcoap_block_purge_ep(struct kcoap_net *kn,
			  const struct kcoap_endpoint *ep);
void kcoap_block_exit(struct kcoap_net *kn);
/* stats gauges: block1_buffers, block2_cached */
u64 kcoap_block1_gauge(struct kcoap_net *kn);
u64 kcoap_block2_gauge(struct kcoap_net *kn);
/* block_lock held: re-arm the expiry timer for an entry expiring at t */
void kcoap_block_timer_arm(struct kcoap_net *kn, unsigned long t);

/* block1.c, all in softirq */
enum kcoap_b1_result {
	KCOAP_B1_REPLY,		/* reply is filled: send it */
	KCOAP_B1_FORWARD,	/* the whole request is here: forward it */
};

/*
 * A request with Block1 or Size1.  On KCOAP_B1_FORWARD *body is the
 * reassembled body (kfree it after forwarding) or NULL when the request's
 * own payload is the whole body.
 */
enum kcoap_b1_result kcoap_block1_rx(struct kcoap_endpoint *ep,
				     const struct kcoap_peer *peer,
				     const struct coap_msg *req,
				     const struct kcoap_bw *bw,
				     struct kcoap_reply *reply,
				     u8 **body, u32 *body_len);
/*
 * block_lock held: free the buffers of ep (if set), every buffer (all) or
 * the expired ones; returns how many remain, *next the earliest expiry.
 */
unsigned int kcoap_block1_gc(struct kcoap_net *kn,
			     const struct kcoap_endpoint *ep, bool all,
			     unsigned long *next);

/* block2.c */
/* Softirq: a request for block NUM > 0 of a cached response?  Answered. */
bool kcoap_block2_cached(struct kcoap_endpoint *ep,
			 const struct kcoap_peer *peer,
			 const struct coap_msg *req, const struct kcoap_bw *bw);

/* The daemon's answer cut to the client's block, with options added. */
struct kcoap_bw_out {
	u8 code;
	struct coap_opt_out *opts;	/* kfree after sending */
	unsigned int nopts;
	const void *payload;
	u32 payload_len;
	u8 b1val[3], b2val[3], size2val[4], etag[8];
};

/* Process context: fills out from resp; -ENOMEM leaves resp to be sent. */
int kcoap_block2_response(struct kcoap_net *kn,
			  const struct kcoap_endpoint *ep,
			  const struct kcoap_peer *peer,
			  const struct kcoap_bw_pending *bw,
			  const struct kcoap_response *resp,
			  struct kcoap_bw_out *out);
/* block_lock held: as kcoap_block1_gc, for cached responses */
unsigned int kcoap_block2_gc(struct kcoap_net *kn,
			     const struct kcoap_endpoint *ep, bool all,
			     unsigned long *next);
/*
 * Softirq: cut a representation the kernel serves itself (published or
 * /.well-known/core, reply code 2.05) to the block the request asks for,
 * or to block 0 when it is too large to go whole; adds Block2, Size2 and,
 * when etag_len is 0, an ETag of the content.  4.02 when NUM is past it.
 */
void kcoap_block2_local(struct kcoap_endpoint *ep, struct kcoap_reply *reply,
			const struct kcoap_bw *bw, bool has_etag);

#endif /* _KCOAP_BLOCKWISE_H */
