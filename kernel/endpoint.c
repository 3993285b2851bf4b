// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints: kernel UDP sockets whose datagrams are taken in encap_rcv
 * (softirq) and answered from there, so transmission builds the skb and
 * hands it to the UDP tunnel transmit helpers instead of sendmsg (which
 * may sleep).
 */
#include <linux/inetdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "kcoap.h"

/* Room for the network and link headers in front of a CoAP message. */
#define KCOAP_TX_HEADROOM (LL_MAX_HEADER + sizeof(struct ipv6hdr) + \
			   sizeof(struct udphdr))

struct kcoap_endpoint *kcoap_endpoint_open(struct kcoap_net *kn,
					   const struct sockaddr *addr)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = kcoap_udp_recv,
	};
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

	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return ERR_PTR(-ENOMEM);
	ep->kn = kn;
	memcpy(&ep->bound, addr, addr->sa_family == AF_INET ?
	       sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	/* section 4.4: start MIDs at a random value */
	atomic_set(&ep->next_mid, get_random_u32());

	err = udp_sock_create(kn->net, &ucfg, &sock);
	if (err) {
		kfree(ep);
		return ERR_PTR(err);
	}
	ep->sock = sock;
	tcfg.sk_user_data = ep;
	setup_udp_tunnel_sock(kn->net, sock, &tcfg);

	mutex_lock(&kn->lock);
	list_add_tail_rcu(&ep->node, &kn->endpoints);
	mutex_unlock(&kn->lock);
	return ep;
}

/* Caller holds kn->lock. */
static void kcoap_endpoint_destroy(struct kcoap_endpoint *ep)
{
	list_del_rcu(&ep->node);
	/* clears sk_user_data and waits for receivers in an RCU grace period */
	udp_tunnel_sock_release(ep->sock);
	kfree(ep);
}

void kcoap_endpoint_close(struct kcoap_endpoint *ep)
{
	struct kcoap_net *kn = ep->kn;

	mutex_lock(&kn->lock);
	kcoap_endpoint_destroy(ep);
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

static int kcoap_send4(struct sock *sk, struct sk_buff *skb,
		       const struct kcoap_peer *peer)
{
	struct flowi4 fl = {
		.daddr = peer->addr.v4,
		.saddr = peer->local.v4,
		.fl4_dport = peer->port,
		.fl4_sport = inet_sk(sk)->inet_sport,
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt;

	/* reply from the address the request reached, unless it was a group */
	if (ipv4_is_multicast(fl.saddr) || ipv4_is_lbcast(fl.saddr))
		fl.saddr = 0;
	rt = ip_route_output_flow(sock_net(sk), &fl, sk);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	skb->ignore_df = 1;
	udp_tunnel_xmit_skb(rt, sk, skb, fl.saddr, fl.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl.fl4_sport,
			    fl.fl4_dport, false, false);
	return 0;
}

static int kcoap_send6(struct sock *sk, struct sk_buff *skb,
		       const struct kcoap_peer *peer)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct flowi6 fl = {
		.daddr = peer->addr.v6,
		.saddr = peer->local.v6,
		.fl6_dport = peer->port,
		.fl6_sport = inet_sk(sk)->inet_sport,
		.flowi6_proto = IPPROTO_UDP,
	};
	struct dst_entry *dst;

	if (ipv6_addr_is_multicast(&fl.saddr))
		fl.saddr = in6addr_any;
	if (ipv6_addr_type(&fl.daddr) & IPV6_ADDR_LINKLOCAL)
		fl.flowi6_oif = peer->ifindex;
	dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl, NULL);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return PTR_ERR(dst);
	}
	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sk, skb, dst->dev, &fl.saddr, &fl.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl.fl6_sport,
			     fl.fl6_dport, false);
	return 0;
#else
	kfree_skb(skb);
	return -EAFNOSUPPORT;
#endif
}

/* Encode msg and send it to peer.  Any context; never sleeps. */
int kcoap_endpoint_send(struct kcoap_endpoint *ep,
			const struct kcoap_peer *peer,
			const struct coap_msg_out *msg)
{
	struct kcoap_net *kn = ep->kn;
	struct sock *sk = ep->sock->sk;
	struct sk_buff *skb;
	long len;
	int err;

	len = coap_msg_size(msg);
	if (len < 0 || len > IP_MAX_MTU) {
		err = -EMSGSIZE;
		goto fail;
	}
	skb = alloc_skb(KCOAP_TX_HEADROOM + len, GFP_ATOMIC);
	if (!skb) {
		err = -ENOMEM;
		goto fail;
	}
	skb_reserve(skb, KCOAP_TX_HEADROOM);
	if (coap_msg_write(msg, skb_put(skb, len), len) != len) {
		kfree_skb(skb);
		err = -EINVAL;
		goto fail;
	}
	if (peer->family == AF_INET)
		err = kcoap_send4(sk, skb, peer);
	else
		err = kcoap_send6(sk, skb, peer);
	if (err)
		goto fail;
	kcoap_stat_inc(kn, TX_DATAGRAMS);
	if (msg->type == COAP_TYPE_RST)
		kcoap_stat_inc(kn, TX_RST);
	return 0;
fail:
	kcoap_stat_inc(kn, TX_ERRORS);
	return err;
}
