// SPDX-License-Identifier: GPL-2.0
/*
 * The UDP side of an endpoint: CoAP messages into skbs and out through the
 * UDP tunnel transmit helpers, which never sleep, so every layer can send
 * from softirq and timers as well as from process context.
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "kcoap.h"
#include "stats.h"
#include "trace.h"
#include "udp.h"

/* Room for the network and link headers in front of a CoAP message. */
#define KCOAP_TX_HEADROOM (LL_MAX_HEADER + sizeof(struct ipv6hdr) + \
			   sizeof(struct udphdr))

/*
 * The datagram leaves as the socket's own: routed with its mark, uid and
 * bound device, owned by it (so cgroup egress programs and netfilter's
 * owner match see it, and the send buffer is charged while it is in
 * flight), with its mark and priority.  For a kernel endpoint these are
 * those of a kernel socket: no mark, uid 0, no device, unless an adopted
 * socket was given them by its owner.
 */
static void kcoap_skb_own(struct sock *sk, struct sk_buff *skb)
{
	skb_set_owner_w(skb, sk);
	skb->mark = READ_ONCE(sk->sk_mark);
	skb->priority = READ_ONCE(sk->sk_priority);
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
		.flowi4_oif = READ_ONCE(sk->sk_bound_dev_if),
		.flowi4_mark = READ_ONCE(sk->sk_mark),
		.flowi4_uid = sock_net_uid(sock_net(sk), sk),
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
	kcoap_skb_own(sk, skb);
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
		.flowi6_oif = READ_ONCE(sk->sk_bound_dev_if),
		.flowi6_mark = READ_ONCE(sk->sk_mark),
		.flowi6_uid = sock_net_uid(sock_net(sk), sk),
	};
	struct dst_entry *dst;

	if (ipv6_addr_is_multicast(&fl.saddr))
		fl.saddr = in6addr_any;
	/* a socket bound to a device sends there only, as UDP's does */
	if (!fl.flowi6_oif && ipv6_addr_type(&fl.daddr) & IPV6_ADDR_LINKLOCAL)
		fl.flowi6_oif = peer->ifindex;
	dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl, NULL);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return PTR_ERR(dst);
	}
	kcoap_skb_own(sk, skb);
	skb->ignore_df = 1;
	/*
	 * No device: with one, the helper counts tunnel statistics in its
	 * per-CPU tstats, which a real device such as lo does not have.
	 */
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, &fl.saddr, &fl.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl.fl6_sport,
			     fl.fl6_dport, false);
	return 0;
#else
	kfree_skb(skb);
	return -EAFNOSUPPORT;
#endif
}

/* An skb holding len bytes of CoAP message, with room for the headers. */
struct sk_buff *kcoap_skb_alloc(u32 len)
{
	struct sk_buff *skb = alloc_skb(KCOAP_TX_HEADROOM + len, GFP_ATOMIC);

	if (skb)
		skb_reserve(skb, KCOAP_TX_HEADROOM);
	return skb;
}

/* Send the CoAP message in skb (consumed) to peer.  Never sleeps. */
int kcoap_endpoint_xmit(struct kcoap_endpoint *ep,
			const struct kcoap_peer *peer, struct sk_buff *skb)
{
	bool rst = skb->len >= 1 && (skb->data[0] & 0x30) == 0x30;
	struct sock *sk = ep->sk;
	int err;

	/* closing waits for senders that saw !dead before sk goes */
	trace_coap_tx(peer, skb->data, skb->len);
	if (peer->family == AF_INET)
		err = kcoap_send4(sk, skb, peer);
	else
		err = kcoap_send6(sk, skb, peer);
	if (err) {
		kcoap_ep_stat_inc(ep, TX_ERRORS);
		return err;
	}
	kcoap_ep_stat_inc(ep, TX_DATAGRAMS);
	if (rst)
		kcoap_ep_stat_inc(ep, TX_RST);
	return 0;
}

/* Encode msg into a new skb; NULL if it cannot be encoded or allocated. */
struct sk_buff *kcoap_msg_skb(const struct coap_msg_out *msg)
{
	struct sk_buff *skb;
	long len;

	len = coap_msg_size(msg);
	if (len < 0 || len > KCOAP_MAX_DATAGRAM)
		return NULL;
	skb = kcoap_skb_alloc(len);
	if (skb && coap_msg_write(msg, skb_put(skb, len), len) != len) {
		kfree_skb(skb);
		skb = NULL;
	}
	return skb;
}

/* Encode msg and send it to peer.  Any context; never sleeps. */
int kcoap_endpoint_send(struct kcoap_endpoint *ep,
			const struct kcoap_peer *peer,
			const struct coap_msg_out *msg)
{
	struct sk_buff *skb = kcoap_msg_skb(msg);

	if (!skb) {
		kcoap_ep_stat_inc(ep, TX_ERRORS);
		return -ENOMEM;
	}
	return kcoap_endpoint_xmit(ep, peer, skb);
}
