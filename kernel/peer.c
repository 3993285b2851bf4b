// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: addresses taken from received datagrams, hashed, compared and
 * turned back into socket addresses (see peer.h).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "peer.h"

void kcoap_peer_from_skb(const struct sk_buff *skb, struct kcoap_peer *peer)
{
	const struct udphdr *uh = udp_hdr(skb);

	peer->port = uh->source;
	peer->ifindex = skb->skb_iif;
	if (skb->protocol == htons(ETH_P_IP)) {
		peer->family = AF_INET;
		peer->addr.v4 = ip_hdr(skb)->saddr;
		peer->local.v4 = ip_hdr(skb)->daddr;
	} else {
		peer->family = AF_INET6;
		peer->addr.v6 = ipv6_hdr(skb)->saddr;
		peer->local.v6 = ipv6_hdr(skb)->daddr;
	}
}

void kcoap_peer_to_sockaddr(const struct kcoap_peer *peer, bool local,
			    __be16 port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (peer->family == AF_INET) {
		struct sockaddr_in *sin = (void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = port;
		sin->sin_addr.s_addr = local ? peer->local.v4 : peer->addr.v4;
	} else {
		struct sockaddr_in6 *sin6 = (void *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		sin6->sin6_addr = local ? peer->local.v6 : peer->addr.v6;
		if (ipv6_addr_type(&sin6->sin6_addr) & IPV6_ADDR_LINKLOCAL)
			sin6->sin6_scope_id = peer->ifindex;
	}
}

u32 kcoap_peer_hash(const struct kcoap_peer *peer, u32 extra,
		    const hsiphash_key_t *key)
{
	u32 pf = (__force u32)peer->port << 16 | peer->family;
	struct {
		struct in6_addr a;
		u32 pf, extra;
	} __aligned(HSIPHASH_ALIGNMENT) k;

	if (peer->family == AF_INET)
		return hsiphash_3u32((__force u32)peer->addr.v4, pf, extra,
				     key);
	k.a = peer->addr.v6;
	k.pf = pf;
	k.extra = extra;
	return hsiphash(&k, sizeof(k), key);
}

bool kcoap_peer_addr_eq(u8 family, const void *a, const void *b)
{
	if (family == AF_INET)
		return *(const __be32 *)a == *(const __be32 *)b;
	return ipv6_addr_equal(a, b);
}

bool kcoap_peer_eq(const struct kcoap_peer *a, const struct kcoap_peer *b)
{
	return a->family == b->family && a->port == b->port &&
	       kcoap_peer_addr_eq(a->family, &a->addr, &b->addr);
}
