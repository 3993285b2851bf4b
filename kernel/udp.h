/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sending CoAP messages on an endpoint's UDP socket (udp.c).  Any context;
 * never sleeps.  The caller has seen the endpoint live (not dead) under
 * rcu_read_lock or holds a reference taken that way: teardown waits a
 * grace period before the socket goes.
 */
#ifndef _KCOAP_UDP_H
#define _KCOAP_UDP_H

#include <linux/types.h>

struct coap_msg_out;
struct kcoap_endpoint;
struct kcoap_peer;
struct sk_buff;

/* An skb with room for len bytes of message after the headers. */
struct sk_buff *kcoap_skb_alloc(u32 len);
/* msg encoded into a new skb; NULL if it cannot be encoded or allocated. */
struct sk_buff *kcoap_msg_skb(const struct coap_msg_out *msg);
/* skb (consumed) to peer, as the endpoint socket's own datagram. */
int kcoap_endpoint_xmit(struct kcoap_endpoint *ep,
			const struct kcoap_peer *peer, struct sk_buff *skb);
/* msg encoded and sent to peer. */
int kcoap_endpoint_send(struct kcoap_endpoint *ep,
			const struct kcoap_peer *peer,
			const struct coap_msg_out *msg);

#endif /* _KCOAP_UDP_H */
