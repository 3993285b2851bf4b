/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcoap internals shared between the kernel/ files.  Non-static symbols are
 * prefixed coap_ (the codec) or kcoap_ (everything else).
 */
#ifndef _KCOAP_H
#define _KCOAP_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "codec.h"
#include "compat.h"
#include "stats.h"

/* Per network namespace state. */
struct kcoap_net {
	struct net *net;
	/* endpoints; written under lock (process context), read under RCU */
	struct mutex lock;
	struct list_head endpoints;
	struct kcoap_stats __percpu *stats;
};

/* Where a datagram came from and which local address it reached. */
struct kcoap_peer {
	sa_family_t family;
	__be16 port;		/* remote port */
	int ifindex;		/* arrival interface, for link-local replies */
	union {
		__be32 v4;
		struct in6_addr v6;
	} addr, local;
};

/*
 * A kernel UDP socket speaking CoAP.  Created and destroyed in process
 * context under kcoap_net.lock; the receive path finds it through
 * sk_user_data under RCU, and udp_tunnel_sock_release() waits for readers
 * before the endpoint is freed.
 */
struct kcoap_endpoint {
	struct list_head node;		/* in kcoap_net.endpoints */
	struct kcoap_net *kn;
	struct socket *sock;
	struct sockaddr_storage bound;	/* what was asked for */
	atomic_t next_mid;		/* MIDs for messages we originate */
};

extern unsigned int kcoap_net_id;

static inline struct kcoap_net *kcoap_pernet(const struct net *net)
{
	return net_generic(net, kcoap_net_id);
}

/* endpoint.c */
struct kcoap_endpoint *kcoap_endpoint_open(struct kcoap_net *kn,
					   const struct sockaddr *addr);
void kcoap_endpoint_close(struct kcoap_endpoint *ep);
void kcoap_endpoints_close_all(struct kcoap_net *kn);
int kcoap_endpoint_send(struct kcoap_endpoint *ep,
			const struct kcoap_peer *peer,
			const struct coap_msg_out *msg);

/* rx.c: encap_rcv of every endpoint socket (softirq) */
int kcoap_udp_recv(struct sock *sk, struct sk_buff *skb);

/* resource.c: what the server answers to a request */
#define KCOAP_REPLY_MAX_OPTS	4

struct kcoap_reply {
	u8 code;
	unsigned int nopts;
	struct coap_opt_out opts[KCOAP_REPLY_MAX_OPTS];
	u8 optval[KCOAP_REPLY_MAX_OPTS][4];
	const void *payload;
	u32 payload_len;
};

void kcoap_reply_add_uint(struct kcoap_reply *r, u16 num, u32 val);
void kcoap_resource_handle(struct kcoap_net *kn, const struct coap_msg *req,
			   struct kcoap_reply *reply);

#endif /* _KCOAP_H */
