/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcoap internals shared between the kernel/ files.  Non-static symbols are
 * prefixed coap_ (the codec) or kcoap_ (everything else).
 */
#ifndef _KCOAP_H
#define _KCOAP_H

#include <linux/hashtable.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "block.h"
#include "codec.h"
#include "compat.h"
#include "dedup.h"
#include "linkformat.h"
#include "params.h"
#include "peer.h"
#include "reply.h"

struct kcoap_stats;
struct kcoap_xtable;

/* Per network namespace state. */
struct kcoap_net {
	struct net *net;
	/*
	 * lock: process context only.  Serialises every change to endpoints,
	 * resources and daemons; the receive path reads them under RCU.
	 * Taken before pending_lock.
	 */
	struct mutex lock;
	struct list_head endpoints;	/* RCU */
	struct rhashtable resources;	/* by path, RCU lookups */
	struct list_head res_list;	/* registration order, RCU */
	unsigned int nresources;
	struct list_head daemons;
	/*
	 * Changes with every endpoint and resource added or removed (under
	 * lock; never 0): a dump resumed by index across a change sets
	 * NLM_F_DUMP_INTR (genl_dump_check_consistent).
	 */
	unsigned int dump_gen;
	/* random: the key of obs_mid and obs_addr, which senders choose */
	hsiphash_key_t hash_key;
	/* pending_lock: softirq and process (_bh) context; request.c */
	spinlock_t pending_lock;
	DECLARE_HASHTABLE(pend_handle, 8);	/* waiting for a daemon */
	struct kcoap_dedup_table dedup;
	struct timer_list dedup_timer;
	unsigned int npending;
	atomic64_t next_handle;
	/* obs_lock: softirq and process (_bh) context; observe.c */
	spinlock_t obs_lock;
	DECLARE_HASHTABLE(obs_mid, 8);		/* observers by last NON MID */
	DECLARE_HASHTABLE(obs_addr, 6);		/* observers per address */
	struct list_head obs_detached;		/* sending their final CON */
	unsigned int nobservers;
	/* block_lock: softirq and process (_bh) context; block*.c */
	spinlock_t block_lock;
	DECLARE_HASHTABLE(b1_hash, 6);		/* Block1 reassembly */
	DECLARE_HASHTABLE(b2_hash, 6);		/* large responses, by key */
	struct list_head b1_lru;		/* by last block, oldest first */
	struct list_head b2_lru;		/* oldest first */
	unsigned int nb1, nb2;
	struct timer_list block_timer;		/* expiry of both */
	siphash_key_t block_key;		/* URI keys, generated ETags */
	struct kcoap_stats __percpu *stats;
};

/* lock held: endpoints or resources were added or removed. */
static inline void kcoap_dump_gen_bump(struct kcoap_net *kn)
{
	lockdep_assert_held(&kn->lock);
	WRITE_ONCE(kn->dump_gen, kn->dump_gen + 1 ?: 1);
}

/*
 * A kernel UDP socket speaking CoAP.  Created and destroyed in process
 * context under kcoap_net.lock; the receive path finds it through
 * sk_user_data under RCU.
 *
 * Teardown (kcoap_endpoint_destroy) runs in this order: dead is set, then
 * each table that stores the endpoint is purged under its own lock (every
 * insert checks dead under that same lock, so nothing is added after its
 * purge), then the socket is released after an RCU grace period, so anyone
 * who checked !dead under rcu_read_lock may still send on it.
 *
 * ref: one for the owner (the endpoint list or the CoAP socket), dropped
 * after that grace period, and one per exchange (struct kcoap_pending,
 * struct kcoap_exchange) that names it, so an exchange taken out of its
 * table before the purge can still read the endpoint's counters, params
 * and exchange table.  The last
 * reference calls free; taking one needs an existing reference or
 * rcu_read_lock with the endpoint found live.
 */
struct kcoap_endpoint {
	struct list_head node;		/* in kcoap_net.endpoints */
	struct kcoap_net *kn;
	const struct kcoap_rx_ops *rx_ops;	/* set before it is hooked */
	/*
	 * sock: the socket we created (or the CoAP socket's), released at
	 * teardown; NULL for an adopted one, whose struct socket goes with
	 * its last descriptor.  sk: sock->sk, what the data path uses; an
	 * adopted socket's is held (sock_hold) until teardown, because its
	 * owner may detach it from us (setsockopt UDP_ENCAP 0) and close it
	 * without kcoap_encap_destroy ever running.
	 */
	struct socket *sock;
	struct sock *sk;
	struct sockaddr_storage bound;	/* what was asked for */
	refcount_t ref;
	void (*free)(struct kcoap_endpoint *ep);
	bool adopted;			/* socket came from userspace */
	bool dead;
	/* written under kcoap_net.lock, read locklessly field by field */
	struct kcoap_params params;
	/* this endpoint's share of the namespace's counters */
	struct kcoap_stats __percpu *stats;
	atomic_t next_mid;		/* MIDs for messages we originate */
	struct kcoap_xtable *xt;	/* exchange.c: its CONs and NONs */
};

/*
 * The Message ID of a message the endpoint originates (CON or NON): the
 * one place IDs are made, counting up from a random start (section 4.4).
 */
static inline u16 kcoap_ep_new_mid(struct kcoap_endpoint *ep)
{
	return (u16)atomic_inc_return(&ep->next_mid);
}

extern unsigned int kcoap_net_id;

static inline struct kcoap_net *kcoap_pernet(const struct net *net)
{
	return net_generic(net, kcoap_net_id);
}

/* Largest CoAP message we send: a UDP payload over IPv6 without jumbograms. */
#define KCOAP_MAX_DATAGRAM	(65535 - 8)

/* endpoint.c */
struct kcoap_endpoint *kcoap_endpoint_open(struct kcoap_net *kn,
					   const struct sockaddr *addr,
					   const struct kcoap_params *params);
struct kcoap_endpoint *kcoap_endpoint_adopt(struct kcoap_net *kn, int fd);
struct kcoap_endpoint *kcoap_endpoint_find(struct kcoap_net *kn,
					   const struct sockaddr *addr);
int kcoap_endpoint_close_addr(struct kcoap_net *kn,
			      const struct sockaddr *addr);
/* Namespace exit: first no new work on any endpoint, then all closed. */
void kcoap_endpoints_mark_dead(struct kcoap_net *kn);
void kcoap_endpoints_close_all(struct kcoap_net *kn);

int kcoap_endpoint_init_sock(struct kcoap_endpoint *ep, struct kcoap_net *kn,
			     struct socket *sock,
			     void (*free)(struct kcoap_endpoint *ep));
void kcoap_endpoint_release_sock(struct kcoap_endpoint *ep);

static inline void kcoap_endpoint_hold(struct kcoap_endpoint *ep)
{
	refcount_inc(&ep->ref);
}

/* Any context: the last reference frees the endpoint. */
static inline void kcoap_endpoint_put(struct kcoap_endpoint *ep)
{
	if (refcount_dec_and_test(&ep->ref))
		ep->free(ep);
}

/* sock.c: CoAP sockets */
int kcoap_sock_init_module(void);
void kcoap_sock_exit_module(void);

/*
 * What rx.c's dispatcher hands on from an endpoint (softirq, under
 * rcu_read_lock), after the RFC 7252 section 4.2/4.3 rules it applies to
 * every endpoint alike.  Given by the endpoint's owner (the server's for
 * endpoints, a CoAP socket's for its own), so the receive path calls no
 * layer above it.  "Deliver" means the caller queues the datagram to the
 * application (CoAP sockets); otherwise the message layer consumed it.
 *
 * ack: an ACK or RST (msg->type) for one of our CONs: -1 if it matched
 * nothing, 0 consumed, 1 deliver (a piggybacked response).
 * request: a request; true to deliver.
 * response: a CON or NON response; true to deliver.  NULL when the owner
 * sends no requests (then a response has no context).
 */
struct kcoap_rx_ops {
	int (*ack)(struct kcoap_endpoint *ep, const struct kcoap_peer *peer,
		   const struct coap_msg *msg);
	bool (*request)(struct kcoap_endpoint *ep,
			const struct kcoap_peer *peer,
			const struct coap_msg *req);
	bool (*response)(struct kcoap_endpoint *ep,
			 const struct kcoap_peer *peer,
			 const struct coap_msg *resp);
};

/* rx.c: encap_rcv of every endpoint socket (softirq) */
int kcoap_udp_recv(struct sock *sk, struct sk_buff *skb);
bool kcoap_rx_message(struct kcoap_endpoint *ep, struct sk_buff *skb,
		      struct kcoap_peer *peer, struct coap_msg *msg);
bool kcoap_rx_dispatch(struct kcoap_endpoint *ep,
		       const struct kcoap_peer *peer,
		       const struct coap_msg *msg);
void kcoap_rx_orphan(struct sock *sk, struct sk_buff *skb);
void kcoap_send_empty(struct kcoap_endpoint *ep,
		      const struct kcoap_peer *peer, u8 type, u16 mid);

/* server.c: answering requests */
/*
 * Answer req with r (its options sorted here): piggybacked on the ACK of
 * a CON, a NON with a MID of its own for a NON.
 */
int kcoap_send_answer(struct kcoap_endpoint *ep, const struct kcoap_peer *peer,
		      const struct coap_msg *req, struct kcoap_reply *r);
extern const struct kcoap_rx_ops kcoap_server_rx_ops;

/* netlink.c */
int kcoap_netlink_init(void);
void kcoap_netlink_exit(void);

/* observe.c */
unsigned int kcoap_notify_con_every(void);

#endif /* _KCOAP_H */
