// SPDX-License-Identifier: GPL-2.0
/*
 * The deduplication table: lookup, insertion, expiry and eviction order
 * (see dedup.h).  Callers hold pending_lock.
 */
#include <linux/bits.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <uapi/linux/coap.h>

#include "dedup.h"

void kcoap_dedup_table_init(struct kcoap_dedup_table *t)
{
	hash_init(t->hash);
	hash_init(t->peers);
	get_random_bytes(&t->key, sizeof(t->key));
	INIT_LIST_HEAD(&t->fifo[0]);
	INIT_LIST_HEAD(&t->fifo[1]);
	t->n = 0;
}

struct kcoap_dedup *kcoap_dedup_lookup(struct kcoap_dedup_table *t,
				       const struct kcoap_peer *peer, u16 mid)
{
	struct kcoap_dedup *dd;

	hash_for_each_possible(t->hash, dd, hnode,
			       kcoap_peer_hash(peer, mid, &t->key))
		if (dd->mid == mid && kcoap_peer_eq(&dd->peer->key, peer))
			return dd;
	return NULL;
}

/* beyond any MID: a client's bucket is not one of its records' */
#define KCOAP_DEDUP_PEER	BIT(16)

struct kcoap_dedup_peer *kcoap_dedup_peer(struct kcoap_dedup_table *t,
					  const struct kcoap_peer *peer)
{
	struct kcoap_dedup_peer *dp;

	hash_for_each_possible(t->peers, dp, hnode,
			       kcoap_peer_hash(peer, KCOAP_DEDUP_PEER, &t->key))
		if (kcoap_peer_eq(&dp->key, peer))
			return dp;
	return NULL;
}

void kcoap_dedup_peer_add(struct kcoap_dedup_table *t,
			  struct kcoap_dedup_peer *dp,
			  const struct kcoap_peer *peer)
{
	dp->key.family = peer->family;
	dp->key.port = peer->port;
	dp->key.addr = peer->addr;
	INIT_LIST_HEAD(&dp->recs);
	hash_add(t->peers, &dp->hnode,
		 kcoap_peer_hash(peer, KCOAP_DEDUP_PEER, &t->key));
}

void kcoap_dedup_insert(struct kcoap_dedup_table *t, struct kcoap_dedup *dd,
			struct kcoap_dedup_peer *dp, u16 mid, u8 type,
			unsigned long expires)
{
	dd->peer = dp;
	dd->mid = mid;
	dd->type = type;
	dd->expires = expires;
	hash_add(t->hash, &dd->hnode, kcoap_peer_hash(&dp->key, mid, &t->key));
	list_add_tail(&dd->fifo, &t->fifo[type == COAP_TYPE_CON ? 0 : 1]);
	list_add_tail(&dd->pnode, &dp->recs);
	dp->n++;
	t->n++;
}

struct kcoap_dedup_peer *kcoap_dedup_unlink(struct kcoap_dedup_table *t,
					    struct kcoap_dedup *dd)
{
	struct kcoap_dedup_peer *dp = dd->peer;

	hash_del(&dd->hnode);
	list_del(&dd->fifo);
	list_del(&dd->pnode);
	t->n--;
	if (--dp->n)
		return NULL;
	hash_del(&dp->hnode);
	return dp;
}

/* The older (closer to expiry) of two candidates. */
static struct kcoap_dedup *kcoap_dedup_older(struct kcoap_dedup *a,
					     struct kcoap_dedup *b)
{
	return !a || (b && time_before(b->expires, a->expires)) ? b : a;
}

struct kcoap_dedup *kcoap_dedup_victim(struct kcoap_dedup_table *t,
				       const struct kcoap_dedup_peer *dp)
{
	struct kcoap_dedup *dd, *first[2] = {};
	int i;

	if (dp) {
		/* its first idle record of each type */
		list_for_each_entry(dd, &dp->recs, pnode) {
			i = dd->type == COAP_TYPE_CON ? 0 : 1;
			if (!dd->pending && !first[i])
				first[i] = dd;
			if (first[0] && first[1])
				break;
		}
		return kcoap_dedup_older(first[0], first[1]);
	}
	/* the first idle one of each FIFO is its oldest */
	for (i = 0; i < 2; i++) {
		list_for_each_entry(dd, &t->fifo[i], fifo) {
			if (!dd->pending) {
				first[i] = dd;
				break;
			}
		}
	}
	return kcoap_dedup_older(first[0], first[1]);
}

struct kcoap_dedup *kcoap_dedup_expired(struct kcoap_dedup_table *t,
					unsigned long now,
					unsigned long *next)
{
	struct kcoap_dedup *dd;
	int i;

	*next = 0;
	for (i = 0; i < 2; i++) {
		if (list_empty(&t->fifo[i]))
			continue;
		dd = list_first_entry(&t->fifo[i], struct kcoap_dedup, fifo);
		if (!time_before(now, dd->expires))
			return dd;
		if (!*next || time_before(dd->expires, *next))
			*next = dd->expires;
	}
	return NULL;
}
