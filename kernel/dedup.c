// SPDX-License-Identifier: GPL-2.0
/*
 * The deduplication table: lookup, insertion, expiry and eviction order
 * (see dedup.h).  Callers hold pending_lock.
 */
#include <linux/jiffies.h>
#include <uapi/linux/coap.h>

#include "dedup.h"
#include "peer.h"

static bool kcoap_dedup_of(const struct kcoap_dedup *dd,
			   const struct kcoap_peer *peer)
{
	return dd->family == peer->family && dd->port == peer->port &&
	       kcoap_peer_addr_eq(dd->family, &dd->addr, &peer->addr);
}

void kcoap_dedup_table_init(struct kcoap_dedup_table *t)
{
	hash_init(t->hash);
	INIT_LIST_HEAD(&t->fifo[0]);
	INIT_LIST_HEAD(&t->fifo[1]);
	t->n = 0;
}

struct kcoap_dedup *kcoap_dedup_lookup(struct kcoap_dedup_table *t,
				       const struct kcoap_peer *peer, u16 mid)
{
	struct kcoap_dedup *dd;

	hash_for_each_possible(t->hash, dd, hnode, kcoap_peer_hash(peer, mid))
		if (dd->mid == mid && kcoap_dedup_of(dd, peer))
			return dd;
	return NULL;
}

void kcoap_dedup_insert(struct kcoap_dedup_table *t, struct kcoap_dedup *dd,
			const struct kcoap_peer *peer, u16 mid, u8 type,
			unsigned long expires)
{
	dd->family = peer->family;
	dd->port = peer->port;
	dd->addr.v6 = peer->addr.v6;
	dd->mid = mid;
	dd->type = type;
	dd->expires = expires;
	hash_add(t->hash, &dd->hnode, kcoap_peer_hash(peer, mid));
	list_add_tail(&dd->fifo, &t->fifo[type == COAP_TYPE_CON ? 0 : 1]);
	t->n++;
}

void kcoap_dedup_unlink(struct kcoap_dedup_table *t, struct kcoap_dedup *dd)
{
	hash_del(&dd->hnode);
	list_del(&dd->fifo);
	t->n--;
}

struct kcoap_dedup *kcoap_dedup_victim(struct kcoap_dedup_table *t,
				       const struct kcoap_peer *peer)
{
	struct kcoap_dedup *dd, *victim = NULL;
	int i;

	/* the first idle one of each FIFO is its oldest; take the older */
	for (i = 0; i < 2; i++) {
		list_for_each_entry(dd, &t->fifo[i], fifo) {
			if (dd->pending || (peer && !kcoap_dedup_of(dd, peer)))
				continue;
			if (!victim || time_before(dd->expires, victim->expires))
				victim = dd;
			break;
		}
	}
	return victim;
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
