/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The deduplication table (RFC 7252 section 4.5): one record per request
 * that went to a daemon or socket, found by client and Message ID, kept in
 * arrival order per message type so that expiry and eviction take the
 * oldest first.  No allocation, no clock and no lock here: request.c owns
 * the records' memory, passes the time in, and holds pending_lock; KUnit
 * drives the table with times of its own.
 */
#ifndef _KCOAP_DEDUP_H
#define _KCOAP_DEDUP_H

#include <linux/hashtable.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/types.h>

struct kcoap_peer;
struct kcoap_pending;

/* The cached reply: length, then the datagram. */
struct kcoap_reply_copy {
	u16 len;
	u8 data[];
};

/*
 * A deduplication record: 80 bytes on 64-bit, plus the cached reply (the
 * ACK a duplicate gets, kmalloc'd; nothing for a NON).
 */
struct kcoap_dedup {
	struct hlist_node hnode;	/* kcoap_dedup_table.hash */
	struct list_head fifo;		/* .fifo[CON or NON], oldest first */
	unsigned long expires;		/* jiffies */
	struct kcoap_pending *pending;	/* while the exchange is open */
	struct kcoap_reply_copy *reply;	/* what a duplicate CON gets */
	union {
		__be32 v4;
		struct in6_addr v6;
	} addr;
	__be16 port;
	u16 mid;
	u8 family;
	u8 type;
};

struct kcoap_dedup_table {
	DECLARE_HASHTABLE(hash, 10);
	struct list_head fifo[2];	/* CON, NON: each in expiry order */
	unsigned int n;
};

void kcoap_dedup_table_init(struct kcoap_dedup_table *t);
struct kcoap_dedup *kcoap_dedup_lookup(struct kcoap_dedup_table *t,
				       const struct kcoap_peer *peer, u16 mid);
/*
 * Record dd (zeroed by the caller) for message mid of that type from peer,
 * until expires.  Each FIFO is in expiry order while every record of a
 * type gets the same lifetime (endpoints with other transmission
 * parameters make a later record wait for the ones ahead of it).
 */
void kcoap_dedup_insert(struct kcoap_dedup_table *t, struct kcoap_dedup *dd,
			const struct kcoap_peer *peer, u16 mid, u8 type,
			unsigned long expires);
void kcoap_dedup_unlink(struct kcoap_dedup_table *t, struct kcoap_dedup *dd);
/*
 * The record to evict at a bound: of those not open (no pending), the one
 * closest to expiry, among peer's only when peer is set.  NULL if none.
 */
struct kcoap_dedup *kcoap_dedup_victim(struct kcoap_dedup_table *t,
				       const struct kcoap_peer *peer);
/*
 * A record expired at now (the oldest of its type), or NULL; then *next
 * is the earliest expiry still ahead (0 when the table is empty).
 */
struct kcoap_dedup *kcoap_dedup_expired(struct kcoap_dedup_table *t,
					unsigned long now,
					unsigned long *next);

#endif /* _KCOAP_DEDUP_H */
