// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints: kernel UDP sockets whose datagrams are taken in encap_rcv
 * (softirq) and answered from there, so transmission builds the skb and
 * hands it to the UDP tunnel transmit helpers instead of sendmsg (which
 * may sleep).
 */
#include <linux/file.h>
#include <linux/inetdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "blockwise.h"
#include "exchange.h"
#include "kcoap.h"
#include "observe.h"
#include "request.h"
#include "stats.h"

static bool kcoap_addr_eq(const struct sockaddr_storage *a,
			  const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return false;
	if (b->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	} else {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       ipv6_addr_equal(&x->sin6_addr, &y->sin6_addr);
	}
}

/* Caller holds kn->lock. */
struct kcoap_endpoint *kcoap_endpoint_find(struct kcoap_net *kn,
					   const struct sockaddr *addr)
{
	struct kcoap_endpoint *ep;

	lockdep_assert_held(&kn->lock);
	list_for_each_entry(ep, &kn->endpoints, node)
		if (kcoap_addr_eq(&ep->bound, addr))
			return ep;
	return NULL;
}

void kcoap_endpoint_release_sock(struct kcoap_endpoint *ep)
{
	kcoap_xtable_free(ep);
	free_percpu(ep->stats);
}

static void kcoap_endpoint_free(struct kcoap_endpoint *ep)
{
	kcoap_endpoint_release_sock(ep);
	kfree(ep);
}

/* What every endpoint has, a CoAP socket's included. */
static int kcoap_endpoint_init(struct kcoap_endpoint *ep, struct kcoap_net *kn,
			       void (*free)(struct kcoap_endpoint *ep))
{
	/* made for the caller: charged to its memory cgroup */
	ep->stats = alloc_percpu_gfp(struct kcoap_stats, GFP_KERNEL_ACCOUNT);
	if (!ep->stats || kcoap_xtable_create(ep, GFP_KERNEL_ACCOUNT)) {
		free_percpu(ep->stats);
		return -ENOMEM;
	}
	ep->kn = kn;
	refcount_set(&ep->ref, 1);
	ep->free = free;
	INIT_LIST_HEAD(&ep->node);
	kcoap_params_default(&ep->params);
	/* section 4.4: start MIDs at a random value */
	atomic_set(&ep->next_mid, get_random_u32());
	return 0;
}

static struct kcoap_endpoint *kcoap_endpoint_alloc(struct kcoap_net *kn)
{
	struct kcoap_endpoint *ep = kzalloc(sizeof(*ep), GFP_KERNEL_ACCOUNT);

	if (ep && kcoap_endpoint_init(ep, kn, kcoap_endpoint_free)) {
		kfree(ep);
		return NULL;
	}
	if (ep)
		ep->rx_ops = &kcoap_server_rx_ops;
	return ep;
}

/* The endpoint of a CoAP socket (sock.c): not listed, not closed here. */
int kcoap_endpoint_init_sock(struct kcoap_endpoint *ep, struct kcoap_net *kn,
			     struct socket *sock,
			     void (*free)(struct kcoap_endpoint *ep))
{
	int err = kcoap_endpoint_init(ep, kn, free);

	if (!err) {
		ep->sock = sock;
		ep->sk = sock->sk;
	}
	return err;
}

static void kcoap_encap_destroy(struct sock *sk);

static void kcoap_endpoint_hook(struct kcoap_endpoint *ep)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = ep,
		.encap_type = 1,
		.encap_rcv = kcoap_udp_recv,
		.encap_destroy = ep->adopted ? kcoap_encap_destroy : NULL,
	};

	setup_udp_tunnel_sock(ep->kn->net, ep->sock, &tcfg);
	if (ep->adopted) {
		sock_hold(ep->sk);
		ep->sock = NULL;
	}
}

struct kcoap_endpoint *kcoap_endpoint_open(struct kcoap_net *kn,
					   const struct sockaddr *addr,
					   const struct kcoap_params *params)
{
	struct udp_port_cfg ucfg = {};
	struct kcoap_endpoint *ep;
	struct socket *sock;
	int err;

	if (addr->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)addr;

		ucfg.family = AF_INET;
		ucfg.local_ip = sin->sin_addr;
		ucfg.local_udp_port = sin->sin_port;
	} else if (addr->sa_family == AF_INET6 && IS_ENABLED(CONFIG_IPV6)) {
		const struct sockaddr_in6 *sin6 = (const void *)addr;

		ucfg.family = AF_INET6;
		ucfg.local_ip6 = sin6->sin6_addr;
		ucfg.local_udp_port = sin6->sin6_port;
		ucfg.ipv6_v6only = 1;
	} else {
		return ERR_PTR(-EAFNOSUPPORT);
	}

	ep = kcoap_endpoint_alloc(kn);
	if (!ep)
		return ERR_PTR(-ENOMEM);
	if (params)
		ep->params = *params;
	memcpy(&ep->bound, addr, addr->sa_family == AF_INET ?
	       sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));

	mutex_lock(&kn->lock);
	if (kcoap_endpoint_find(kn, addr)) {
		err = -EEXIST;
		goto fail;
	}
	err = udp_sock_create(kn->net, &ucfg, &sock);
	if (err)
		goto fail;
	ep->sock = sock;
	ep->sk = sock->sk;
	kcoap_endpoint_hook(ep);
	list_add_tail_rcu(&ep->node, &kn->endpoints);
	kcoap_dump_gen_bump(kn);
	mutex_unlock(&kn->lock);
	return ep;
fail:
	mutex_unlock(&kn->lock);
	kcoap_endpoint_free(ep);
	return ERR_PTR(err);
}

/*
 * Take over a bound UDP socket from userspace.  The endpoint lives as long
 * as the socket does and holds no file reference: that would keep the
 * socket, and with it its network namespace, alive after every process
 * there has gone.  Whoever holds a descriptor keeps the endpoint; the last
 * close ends it (kcoap_encap_destroy), and deleting the endpoint gives the
 * socket back as a plain UDP socket.  It does hold the struct sock, for an
 * owner who turns encapsulation off first: then no close reaches us and
 * the socket (and its namespace) stays until the endpoint is deleted or
 * the module unloads, as the owner asked for.
 */
struct kcoap_endpoint *kcoap_endpoint_adopt(struct kcoap_net *kn, int fd)
{
	struct kcoap_endpoint *ep;
	struct socket *sock;
	struct sock *sk;
	int err, len;

	sock = sockfd_lookup(fd, &err);
	if (!sock)
		return ERR_PTR(err);
	sk = sock->sk;
	err = -EPROTOTYPE;
	if (sk->sk_protocol != IPPROTO_UDP || sk->sk_type != SOCK_DGRAM ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		goto put;
	err = -EXDEV;
	if (!net_eq(sock_net(sk), kn->net))
		goto put;
	err = -ENOMEM;
	ep = kcoap_endpoint_alloc(kn);
	if (!ep)
		goto put;
	ep->adopted = true;
	ep->sock = sock;
	ep->sk = sk;
	len = kernel_getsockname(sock, (struct sockaddr *)&ep->bound);

	mutex_lock(&kn->lock);
	lock_sock(sk);
	err = -EBUSY;
	if (sk->sk_user_data || udp_sk(sk)->encap_type)
		goto unlock;
	err = -EINVAL;
	if (len < 0 || !inet_sk(sk)->inet_num)	/* must be bound */
		goto unlock;
	err = -EEXIST;
	if (kcoap_endpoint_find(kn, (struct sockaddr *)&ep->bound))
		goto unlock;
	release_sock(sk);
	kcoap_endpoint_hook(ep);
	list_add_tail_rcu(&ep->node, &kn->endpoints);
	kcoap_dump_gen_bump(kn);
	mutex_unlock(&kn->lock);
	sockfd_put(sock);
	return ep;
unlock:
	release_sock(sk);
	mutex_unlock(&kn->lock);
	kcoap_endpoint_free(ep);
put:
	sockfd_put(sock);
	return ERR_PTR(err);
}

/*
 * Give an adopted socket back in the state we found it.  Its owner may be
 * closing it at the same moment: kcoap_encap_destroy then waits for
 * kcoap_net.lock, which our caller holds, and finds nothing to do.
 */
static void kcoap_endpoint_unhook(struct kcoap_endpoint *ep)
{
	struct sock *sk = ep->sk;

	lock_sock(sk);
	WRITE_ONCE(udp_sk(sk)->encap_destroy, NULL);
	udp_sk(sk)->encap_type = 0;
	udp_sk(sk)->encap_rcv = NULL;
	rcu_assign_sk_user_data(sk, NULL);
	release_sock(sk);
	synchronize_rcu();
	sock_put(sk);
}

/* Caller holds kn->lock.  The order is the one struct kcoap_endpoint gives. */
static void kcoap_endpoint_destroy(struct kcoap_endpoint *ep)
{
	struct kcoap_net *kn = ep->kn;

	lockdep_assert_held(&kn->lock);
	list_del_rcu(&ep->node);
	kcoap_dump_gen_bump(kn);
	/* before any purge: each table checks it under its lock at insert */
	WRITE_ONCE(ep->dead, true);
	kcoap_requests_purge(kn, NULL, NULL, ep);
	kcoap_observe_purge_ep(kn, ep);
	kcoap_block_purge_ep(kn, ep);
	kcoap_xtable_close(ep);
	/* both wait for an RCU grace period: receivers and senders are done */
	if (ep->adopted)
		kcoap_endpoint_unhook(ep);
	else
		udp_tunnel_sock_release(ep->sock);
	kcoap_endpoint_put(ep);
}

/*
 * The last descriptor of an adopted socket was closed (udp_destroy_sock,
 * process context, no lock held): the endpoint ends with it, before the
 * socket is freed.
 */
static void kcoap_encap_destroy(struct sock *sk)
{
	struct kcoap_net *kn = kcoap_pernet(sock_net(sk));
	struct kcoap_endpoint *ep;

	mutex_lock(&kn->lock);
	/* cleared by an unhook that ran first; stable under kn->lock */
	rcu_read_lock();
	ep = rcu_dereference_sk_user_data(sk);
	rcu_read_unlock();
	if (ep)
		kcoap_endpoint_destroy(ep);
	mutex_unlock(&kn->lock);
}

int kcoap_endpoint_close_addr(struct kcoap_net *kn,
			      const struct sockaddr *addr)
{
	struct kcoap_endpoint *ep;

	mutex_lock(&kn->lock);
	ep = kcoap_endpoint_find(kn, addr);
	if (ep)
		kcoap_endpoint_destroy(ep);
	mutex_unlock(&kn->lock);
	return ep ? 0 : -ENOENT;
}

void kcoap_endpoints_mark_dead(struct kcoap_net *kn)
{
	struct kcoap_endpoint *ep;

	mutex_lock(&kn->lock);
	list_for_each_entry(ep, &kn->endpoints, node)
		WRITE_ONCE(ep->dead, true);
	mutex_unlock(&kn->lock);
}

void kcoap_endpoints_close_all(struct kcoap_net *kn)
{
	struct kcoap_endpoint *ep, *tmp;

	mutex_lock(&kn->lock);
	list_for_each_entry_safe(ep, tmp, &kn->endpoints, node)
		kcoap_endpoint_destroy(ep);
	mutex_unlock(&kn->lock);
}
