/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resources and the daemons that own them, as data: what the exchange
 * layers (request.c, observe.c) read of them and resource.c keeps.  The
 * functions on them are resource.c's (resource.h).
 */
#ifndef _KCOAP_OWNER_H
#define _KCOAP_OWNER_H

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <net/sock.h>

#include "linkformat.h"

struct coap_msg;
struct kcoap_daemon;
struct kcoap_endpoint;
struct kcoap_net;
struct kcoap_peer;
struct kcoap_resource;
struct sk_buff;

/* The observers of one resource; every field under kcoap_net.obs_lock. */
struct kcoap_obs_list {
	struct list_head head;		/* of struct kcoap_observer */
	unsigned int n;
	u32 seq;			/* of the current state */
	u32 con_every;			/* every Nth notification is a CON */
	bool closed;			/* resource going: no new observers */
};

static inline void kcoap_obs_list_init(struct kcoap_obs_list *ol,
				       u32 con_every)
{
	INIT_LIST_HEAD(&ol->head);
	ol->n = 0;
	ol->seq = 0;
	ol->con_every = con_every;
	ol->closed = false;
}

/*
 * How a daemon is reached, given by the front end that registered it
 * (netlink.c), so that the message layers never call a front end.  Any
 * context, never sleeping.
 *
 * request_msg: the message telling the daemon of req under handle (NULL
 * if it cannot be built; kfree_skb frees one not delivered).
 * deliver: msg (consumed) to the daemon, queued or refused at once.
 * observers: res now has count observers (its first came or its last went).
 */
struct kcoap_owner_ops {
	struct sk_buff *(*request_msg)(struct kcoap_net *kn, u64 handle,
				       struct kcoap_endpoint *ep,
				       const struct kcoap_peer *peer,
				       const struct coap_msg *req,
				       const struct kcoap_resource *res);
	int (*deliver)(struct kcoap_net *kn, struct sk_buff *msg,
		       const struct kcoap_daemon *d);
	void (*observers)(struct kcoap_net *kn,
			  const struct kcoap_resource *res,
			  unsigned int count);
};

/*
 * A daemon: the netlink socket (port id) that registered resources.
 * Lives while it owns a resource; freed after an RCU grace period so the
 * receive path may follow resource->owner under rcu_read_lock.
 */
struct kcoap_daemon {
	struct list_head node;		/* kcoap_net.daemons, under lock */
	struct rcu_head rcu;
	/*
	 * The registering process's memory cgroup (a reference; NULL for a
	 * CoAP socket's pseudo-daemon): what peers make the kernel keep for
	 * this daemon's resources, observers, is charged to it.
	 */
	struct mem_cgroup *memcg;
	/* NULL for a CoAP socket's pseudo-daemon, which owns no resource */
	const struct kcoap_owner_ops *ops;
	u32 portid;
	/*
	 * The netlink socket that registered, as an identity: netlink frees a
	 * port id before it notifies the socket's release, so meanwhile
	 * another socket may bind the same id and must not act as this
	 * daemon.  Only read for SOCK_DEAD while this record is listed, which
	 * ends in that socket's NETLINK_URELEASE, before it can be freed.
	 * NULL for a CoAP socket's pseudo-daemon.
	 */
	const struct sock *nlsk;
	unsigned int nres;		/* under kcoap_net.lock */
	/* under kcoap_net.pending_lock: */
	unsigned int npending;
	bool dead;
};

/* A published representation; replaced whole and freed after RCU. */
struct kcoap_repr {
	struct rcu_head rcu;
	u16 ct;
	u8 etag_len;
	u8 etag[8];
	u32 max_age;
	u32 len;
	u8 data[];
};

struct kcoap_resource {
	struct rhash_head hnode;	/* kcoap_net.resources, by path */
	struct list_head node;		/* kcoap_net.res_list, RCU */
	struct rcu_head rcu;
	struct kcoap_daemon *owner;
	/* set under kcoap_net.lock before the purges of unlink */
	bool dead;
	u32 methods;			/* COAP_METHOD_BIT() mask */
	u32 path_len;
	struct kcoap_link link;		/* strings point into strs[] */
	struct kcoap_repr __rcu *repr;	/* NULL: GETs go to the owner */
	struct kcoap_obs_list obs;	/* observers, under obs_lock */
	char strs[];
};

/*
 * Any context, with d reachable (under RCU or a table lock): d's socket
 * has closed and its release is under way; nothing more goes to its port
 * id, which another socket may hold by now.
 */
static inline bool kcoap_daemon_closing(const struct kcoap_daemon *d)
{
	return d->nlsk && sock_flag(d->nlsk, SOCK_DEAD);
}

/* Is d the daemon of the netlink caller (portid, nlsk)? */
static inline bool kcoap_daemon_is(const struct kcoap_daemon *d, u32 portid,
				   const struct sock *nlsk)
{
	return d->portid == portid && d->nlsk == nlsk;
}

#endif /* _KCOAP_OWNER_H */
