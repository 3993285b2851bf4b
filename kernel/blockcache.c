// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's store of block-wise state, Block1 reassembly buffers
 * (block1.c) and cached Block2 bodies (block2.c): its lock, its one expiry
 * timer and its teardown.  Both kinds are collected here, so neither file
 * calls the other and the helpers in blockwise.c call neither.
 */
#include <linux/jiffies.h>
#include <linux/random.h>

#include "blockwise.h"
#include "kcoap.h"

static void kcoap_block_expire(struct kcoap_net *kn,
			       const struct kcoap_endpoint *ep, bool all)
{
	unsigned long n1 = 0, n2 = 0;
	unsigned int r1, r2;

	r1 = kcoap_block1_gc(kn, ep, all, &n1);
	r2 = kcoap_block2_gc(kn, ep, all, &n2);
	if (r1)
		kcoap_block_timer_arm(kn, n1);
	if (r2)
		kcoap_block_timer_arm(kn, n2);
}

static void kcoap_block_timer(struct timer_list *t)
{
	struct kcoap_net *kn = from_timer(kn, t, block_timer);

	spin_lock(&kn->block_lock);
	kcoap_block_expire(kn, NULL, false);
	spin_unlock(&kn->block_lock);
}

void kcoap_block_init(struct kcoap_net *kn)
{
	spin_lock_init(&kn->block_lock);
	hash_init(kn->b1_hash);
	hash_init(kn->b2_hash);
	INIT_LIST_HEAD(&kn->b1_lru);
	INIT_LIST_HEAD(&kn->b2_lru);
	kn->nb1 = 0;
	kn->nb2 = 0;
	get_random_bytes(&kn->block_key, sizeof(kn->block_key));
	timer_setup(&kn->block_timer, kcoap_block_timer, 0);
}

void kcoap_block_purge_ep(struct kcoap_net *kn,
			  const struct kcoap_endpoint *ep)
{
	spin_lock_bh(&kn->block_lock);
	kcoap_block_expire(kn, ep, false);
	spin_unlock_bh(&kn->block_lock);
}

/* After every endpoint is closed: nothing adds entries any more. */
void kcoap_block_exit(struct kcoap_net *kn)
{
	del_timer_sync(&kn->block_timer);
	spin_lock_bh(&kn->block_lock);
	kcoap_block_expire(kn, NULL, true);
	spin_unlock_bh(&kn->block_lock);
	del_timer_sync(&kn->block_timer);
	WARN_ON(kn->nb1 || kn->nb2);
}

u64 kcoap_block1_gauge(struct kcoap_net *kn)
{
	/* a gauge, read racily: stale as soon as read anyway */
	return data_race(kn->nb1);
}

u64 kcoap_block2_gauge(struct kcoap_net *kn)
{
	/* a gauge, read racily: stale as soon as read anyway */
	return data_race(kn->nb2);
}
