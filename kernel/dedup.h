/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The deduplication table (RFC 7252 section 4.5): one record per request
 * that went to a daemon or socket, found by client and Message ID, kept in
 * arrival order per message type so that expiry takes the oldest first,
 * and per client so that the per-client bound evicts among that client's
 * records only, without a walk over everyone's.  Both hashes are keyed
 * with the table's random key: clients choose their address, port and
 * Message IDs, not their buckets.  No allocation, no clock and no lock
 * here: request.c owns the memory of records and clients, passes the time
 * in, and holds pending_lock; KUnit drives the table with times of its
 * own.
 */
#ifndef _KCOAP_DEDUP_H
#define _KCOAP_DEDUP_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/siphash.h>
#include <linux/types.h>

#include "peer.h"

struct kcoap_pending;

/* The cached reply: length, then the datagram. */
struct kcoap_reply_copy {
	u16 len;
	u8 data[];
};

/* A client (address and port) that has records. */
struct kcoap_dedup_peer {
	struct hlist_node hnode;	/* kcoap_dedup_table.peers */
	struct kcoap_peer key;		/* family, port and addr only */
	struct list_head recs;		/* its records, oldest first */
	unsigned int n;
};

/*
 * A deduplication record: 88 bytes on 64-bit, plus the cached reply (the
 * ACK a duplicate gets, kmalloc'd; nothing for a NON).
 */
struct kcoap_dedup {
	struct hlist_node hnode;	/* kcoap_dedup_table.hash */
	struct list_head fifo;		/* .fifo[CON or NON], oldest first */
	struct list_head pnode;		/* its client's recs */
	struct kcoap_dedup_peer *peer;
	unsigned long expires;		/* jiffies */
	struct kcoap_pending *pending;	/* while the exchange is open */
	struct kcoap_reply_copy *reply;	/* what a duplicate CON gets */
	u16 mid;
	u8 type;
};

struct kcoap_dedup_table {
	DECLARE_HASHTABLE(hash, 10);
	DECLARE_HASHTABLE(peers, 8);
	hsiphash_key_t key;		/* random, of this table */
	struct list_head fifo[2];	/* CON, NON: each in expiry order */
	unsigned int n;
};

/* Empty, with a new random hash key. */
void kcoap_dedup_table_init(struct kcoap_dedup_table *t);
struct kcoap_dedup *kcoap_dedup_lookup(struct kcoap_dedup_table *t,
				       const struct kcoap_peer *peer, u16 mid);
/* peer's entry, or NULL when it has no record. */
struct kcoap_dedup_peer *kcoap_dedup_peer(struct kcoap_dedup_table *t,
					  const struct kcoap_peer *peer);
/* Add dp (zeroed by the caller) for peer, which has none yet. */
void kcoap_dedup_peer_add(struct kcoap_dedup_table *t,
			  struct kcoap_dedup_peer *dp,
			  const struct kcoap_peer *peer);
/*
 * Record dd (zeroed by the caller) for message mid of that type from dp's
 * client, until expires.  Each FIFO is in expiry order while every record
 * of a type gets the same lifetime (endpoints with other transmission
 * parameters make a later record wait for the ones ahead of it).
 */
void kcoap_dedup_insert(struct kcoap_dedup_table *t, struct kcoap_dedup *dd,
			struct kcoap_dedup_peer *dp, u16 mid, u8 type,
			unsigned long expires);
/*
 * Take dd out.  Returns its client's entry when that has no record left:
 * unhashed, for the caller to free.
 */
struct kcoap_dedup_peer *kcoap_dedup_unlink(struct kcoap_dedup_table *t,
					    struct kcoap_dedup *dd);
/*
 * The record to evict at a bound: of those not open (no pending), the one
 * closest to expiry, among dp's only when dp is set (a walk over that
 * client's records, which its own bound limits).  NULL if none.
 */
struct kcoap_dedup *kcoap_dedup_victim(struct kcoap_dedup_table *t,
				       const struct kcoap_dedup_peer *dp);
/*
 * A record expired at now (the oldest of its type), or NULL; then *next
 * is the earliest expiry still ahead (0 when the table is empty).
 */
struct kcoap_dedup *kcoap_dedup_expired(struct kcoap_dedup_table *t,
					unsigned long now,
					unsigned long *next);

#endif /* _KCOAP_DEDUP_H */
