/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Requests handed to a daemon and waiting for its COAP_CMD_RESPONSE.
 */
#ifndef _KCOAP_REQUEST_H
#define _KCOAP_REQUEST_H

#include <linux/timer.h>
#include <linux/types.h>

struct kcoap_daemon;
struct kcoap_endpoint;
struct kcoap_net;
struct kcoap_peer;
struct kcoap_reply;
struct kcoap_bw_pending;
struct kcoap_resource;
struct coap_msg;

/* The daemon's answer, as parsed from COAP_CMD_RESPONSE. */
struct kcoap_response {
	u8 code;
	unsigned int nopts;
	struct coap_opt_out *opts;	/* sorted by the callee */
	const void *payload;
	u32 payload_len;
};

int kcoap_requests_module_init(void);
void kcoap_requests_module_exit(void);
void kcoap_requests_init(struct kcoap_net *kn);
/* After every endpoint is closed: frees the remaining records. */
void kcoap_requests_exit(struct kcoap_net *kn);
/* stats gauges: dedup_entries, exchanges */
u64 kcoap_dedup_gauge(struct kcoap_net *kn);
u64 kcoap_exchanges_gauge(struct kcoap_net *kn);
/* Softirq.  Either forwards (returns true) or fills reply (5.03). */
bool kcoap_request_forward(struct kcoap_endpoint *ep,
			   const struct kcoap_peer *peer,
			   const struct coap_msg *req,
			   struct kcoap_resource *res,
			   const struct kcoap_bw_pending *bw,
			   struct kcoap_reply *reply);
/*
 * Softirq: a duplicate of a request that went to a daemon?  Then it has
 * been answered (the cached ACK again) or ignored, and counted.
 */
bool kcoap_request_duplicate(struct kcoap_endpoint *ep,
			     const struct kcoap_peer *peer,
			     const struct coap_msg *req);
/*
 * Softirq: open the exchange for a request that an application socket
 * (its pseudo-daemon app) reads from its receive queue; true when the
 * caller may deliver it, false with reply set (5.03) when refused.
 * sep_non: a late answer to a CON goes out as NON.
 */
bool kcoap_request_to_app(struct kcoap_endpoint *ep,
			  const struct kcoap_peer *peer,
			  const struct coap_msg *req, struct kcoap_daemon *app,
			  bool sep_non, struct kcoap_reply *reply);
/*
 * Process context: the application's answer to the request from peer
 * with this token.  -ENOENT when none is open (answered, timed out).
 */
int kcoap_request_respond_app(struct kcoap_endpoint *ep,
			      struct kcoap_daemon *app,
			      const struct kcoap_peer *peer, const u8 *token,
			      u8 tkl, struct kcoap_response *resp);
/*
 * Process context: a daemon's answer.  -ENOENT for no such handle, -EPERM
 * when the handle is another daemon's (checked before anything else),
 * -EMSGSIZE when resp cannot be sent (the request stays open).
 */
int kcoap_request_respond(struct kcoap_net *kn, u32 portid,
			  const struct sock *nlsk, u64 handle,
			  struct kcoap_response *resp);
/*
 * Process context, kcoap_net.lock held: finish every pending request of
 * daemon d, resource r or endpoint ep (each may be NULL); those of d or r
 * are answered 5.03, those of a closing endpoint just freed.
 */
void kcoap_requests_purge(struct kcoap_net *kn, struct kcoap_daemon *d,
			  struct kcoap_resource *r, struct kcoap_endpoint *ep);
/* kcoap_net.lock held: refuse new requests for d from now on. */
void kcoap_requests_mark_dead(struct kcoap_net *kn, struct kcoap_daemon *d);

#endif /* _KCOAP_REQUEST_H */
