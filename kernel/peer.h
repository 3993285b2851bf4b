/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A CoAP peer: the remote address and port a datagram came from, the local
 * address it reached and the interface it arrived on.  Pure functions of
 * their arguments: no state, no locks, any context.
 */
#ifndef _KCOAP_PEER_H
#define _KCOAP_PEER_H

#include <linux/in6.h>
#include <linux/siphash.h>
#include <linux/socket.h>
#include <linux/types.h>

struct sk_buff;

struct kcoap_peer {
	sa_family_t family;
	__be16 port;		/* remote port */
	int ifindex;		/* arrival interface, for link-local replies */
	union {
		__be32 v4;
		struct in6_addr v6;
	} addr, local;
};

/* A received UDP datagram's peer (headers already pulled by UDP). */
void kcoap_peer_from_skb(const struct sk_buff *skb, struct kcoap_peer *peer);
/* The remote (or, with local, the local) address as a sockaddr. */
void kcoap_peer_to_sockaddr(const struct kcoap_peer *peer, bool local,
			    __be16 port, struct sockaddr_storage *ss);
/*
 * Keyed (HalfSipHash, the table's own random key): senders choose their
 * address, port and Message IDs, and must not be able to choose buckets.
 * extra goes into the hash too (a MID).
 */
u32 kcoap_peer_hash(const struct kcoap_peer *peer, u32 extra,
		    const hsiphash_key_t *key);
bool kcoap_peer_eq(const struct kcoap_peer *a, const struct kcoap_peer *b);
/* One address of family (AF_INET: a __be32, else a struct in6_addr). */
bool kcoap_peer_addr_eq(u8 family, const void *a, const void *b);

#endif /* _KCOAP_PEER_H */
