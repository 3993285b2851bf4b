// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the deduplication table (kernel/dedup.c, RFC 7252
 * section 4.5): lookup by client and Message ID, expiry in order, and
 * which record a bound evicts.  Times are plain numbers handed in, so no
 * case sleeps.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/jhash.h>

#include "kcoap.h"

#define NREC	8

struct dd_fixture {
	struct kcoap_dedup_table t;
	struct kcoap_dedup rec[NREC];
	struct kcoap_peer a, b, a6;
	struct kcoap_dedup_peer da, db, da6;	/* their entries */
};

static int dd_init(struct kunit *test)
{
	struct dd_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	kcoap_dedup_table_init(&f->t);
	f->a.family = AF_INET;
	f->a.addr.v4 = htonl(0x7f000001);
	f->a.port = htons(40000);
	f->b = f->a;
	f->b.port = htons(40001);		/* same host, another port */
	f->a6.family = AF_INET6;
	f->a6.addr.v6.s6_addr[15] = 1;		/* ::1 */
	f->a6.port = f->a.port;
	kcoap_dedup_peer_add(&f->t, &f->da, &f->a);
	kcoap_dedup_peer_add(&f->t, &f->db, &f->b);
	kcoap_dedup_peer_add(&f->t, &f->da6, &f->a6);
	test->priv = f;
	return 0;
}

static void dedup_lookup_by_peer_and_mid(struct kunit *test)
{
	struct dd_fixture *f = test->priv;

	kcoap_dedup_insert(&f->t, &f->rec[0], &f->da, 7, COAP_TYPE_CON, 100);
	kcoap_dedup_insert(&f->t, &f->rec[1], &f->da6, 7, COAP_TYPE_NON, 100);
	KUNIT_EXPECT_EQ(test, f->t.n, 2U);
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_lookup(&f->t, &f->a, 7),
			    &f->rec[0]);
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_lookup(&f->t, &f->a6, 7),
			    &f->rec[1]);
	/* the MID is per client: another port or MID is another message */
	KUNIT_EXPECT_NULL(test, kcoap_dedup_lookup(&f->t, &f->b, 7));
	KUNIT_EXPECT_NULL(test, kcoap_dedup_lookup(&f->t, &f->a, 8));
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_peer(&f->t, &f->a), &f->da);
	KUNIT_EXPECT_EQ(test, f->da.n, 1U);
	/* the client's last record goes: its entry is the caller's to free */
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_unlink(&f->t, &f->rec[0]),
			    &f->da);
	KUNIT_EXPECT_NULL(test, kcoap_dedup_peer(&f->t, &f->a));
	KUNIT_EXPECT_NULL(test, kcoap_dedup_lookup(&f->t, &f->a, 7));
	KUNIT_EXPECT_EQ(test, f->t.n, 1U);
}

static void dedup_expires_in_order(struct kunit *test)
{
	struct dd_fixture *f = test->priv;
	unsigned long next;

	/* CONs live EXCHANGE_LIFETIME, NONs the shorter NON_LIFETIME */
	kcoap_dedup_insert(&f->t, &f->rec[0], &f->da, 1, COAP_TYPE_CON, 100);
	kcoap_dedup_insert(&f->t, &f->rec[1], &f->da, 2, COAP_TYPE_CON, 200);
	kcoap_dedup_insert(&f->t, &f->rec[2], &f->da, 3, COAP_TYPE_NON, 150);
	kcoap_dedup_insert(&f->t, &f->rec[3], &f->da, 4, COAP_TYPE_CON, 300);
	KUNIT_EXPECT_NULL(test, kcoap_dedup_expired(&f->t, 99, &next));
	KUNIT_EXPECT_EQ(test, next, 100UL);
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_expired(&f->t, 100, &next),
			    &f->rec[0]);
	kcoap_dedup_unlink(&f->t, &f->rec[0]);
	/* at 160 the NON is due, not the CON of 200 */
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_expired(&f->t, 160, &next),
			    &f->rec[2]);
	kcoap_dedup_unlink(&f->t, &f->rec[2]);
	KUNIT_EXPECT_NULL(test, kcoap_dedup_expired(&f->t, 160, &next));
	KUNIT_EXPECT_EQ(test, next, 200UL);
	kcoap_dedup_unlink(&f->t, &f->rec[1]);
	kcoap_dedup_unlink(&f->t, &f->rec[3]);
	KUNIT_EXPECT_NULL(test, kcoap_dedup_expired(&f->t, 1000, &next));
	KUNIT_EXPECT_EQ(test, next, 0UL);	/* empty: no wake-up */
}

/* jiffies wrap between insertion and expiry. */
static void dedup_expiry_across_wrap(struct kunit *test)
{
	struct dd_fixture *f = test->priv;
	unsigned long next, exp = 5;	/* 16 jiffies after ULONG_MAX - 10 */

	kcoap_dedup_insert(&f->t, &f->rec[0], &f->da, 1, COAP_TYPE_CON, exp);
	KUNIT_EXPECT_NULL(test, kcoap_dedup_expired(&f->t, ULONG_MAX - 10,
						    &next));
	KUNIT_EXPECT_EQ(test, next, exp);
	KUNIT_EXPECT_NULL(test, kcoap_dedup_expired(&f->t, 4, &next));
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_expired(&f->t, 5, &next),
			    &f->rec[0]);
}

static void dedup_victim_is_oldest_idle(struct kunit *test)
{
	struct dd_fixture *f = test->priv;
	struct kcoap_pending *open = (void *)&f->rec;	/* any non-NULL */

	kcoap_dedup_insert(&f->t, &f->rec[0], &f->da, 1, COAP_TYPE_CON, 100);
	kcoap_dedup_insert(&f->t, &f->rec[1], &f->db, 2, COAP_TYPE_CON, 110);
	kcoap_dedup_insert(&f->t, &f->rec[2], &f->da, 3, COAP_TYPE_NON, 105);
	kcoap_dedup_insert(&f->t, &f->rec[3], &f->da, 4, COAP_TYPE_CON, 120);
	/* the namespace bound: the record closest to expiry */
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_victim(&f->t, NULL), &f->rec[0]);
	/* an exchange still open is never evicted */
	f->rec[0].pending = open;
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_victim(&f->t, NULL), &f->rec[2]);
	/* the per-client bound: only that client's records */
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_victim(&f->t, &f->db), &f->rec[1]);
	f->rec[2].pending = open;
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_victim(&f->t, &f->da), &f->rec[3]);
	f->rec[3].pending = open;
	/* all of a's are open: nothing to evict, the client gets 5.03 */
	KUNIT_EXPECT_NULL(test, kcoap_dedup_victim(&f->t, &f->da));
	KUNIT_EXPECT_PTR_EQ(test, kcoap_dedup_victim(&f->t, NULL), &f->rec[1]);
}

/* The bucket an unkeyed hash (jhash, the MID as seed) gave (peer, mid). */
static u32 dd_unkeyed(struct dd_fixture *f, const struct kcoap_peer *p,
		      u16 mid)
{
	u32 h = jhash_2words((__force u32)p->port, p->family, mid);

	return hash_min(jhash_1word((__force u32)p->addr.v4, h),
			HASH_BITS(f->t.hash));
}

/*
 * Senders choose address, port and MID.  64 of them that an unkeyed hash
 * put in one bucket are spread by the table's key; another table has
 * another key.
 */
static void dedup_hash_is_keyed(struct kunit *test)
{
	struct dd_fixture *f = test->priv;
	struct kcoap_dedup_table *t2;
	DECLARE_BITMAP(seen, 1 << 10);
	struct kcoap_peer p = f->a;
	unsigned int found = 0, port, mid;
	u32 target = dd_unkeyed(f, &p, 0);

	BUILD_BUG_ON(HASH_BITS(f->t.hash) != 10);
	bitmap_zero(seen, 1 << 10);
	for (mid = 0; mid < 8 && found < 64; mid++) {
		for (port = 1; port < 65536 && found < 64; port++) {
			p.port = htons(port);
			if (dd_unkeyed(f, &p, mid) != target)
				continue;
			found++;
			set_bit(hash_min(kcoap_peer_hash(&p, mid, &f->t.key),
					 HASH_BITS(f->t.hash)), seen);
		}
	}
	KUNIT_ASSERT_EQ(test, found, 64U);
	/* 64 random buckets of 1024: about 62 distinct, never near 1 */
	KUNIT_EXPECT_GT(test, bitmap_weight(seen, 1 << 10), 32U);
	t2 = kunit_kzalloc(test, sizeof(*t2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t2);
	kcoap_dedup_table_init(t2);
	KUNIT_EXPECT_NE(test, memcmp(&t2->key, &f->t.key, sizeof(t2->key)), 0);
}

static void dedup_record_size(struct kunit *test)
{
	/* the budget besides the cached reply (issue: at most 96 bytes) */
	KUNIT_EXPECT_LE(test, sizeof(struct kcoap_dedup), (size_t)96);
	kunit_info(test, "struct kcoap_dedup: %zu bytes\n",
		   sizeof(struct kcoap_dedup));
}

static struct kunit_case coap_dedup_cases[] = {
	KUNIT_CASE(dedup_lookup_by_peer_and_mid),
	KUNIT_CASE(dedup_expires_in_order),
	KUNIT_CASE(dedup_expiry_across_wrap),
	KUNIT_CASE(dedup_victim_is_oldest_idle),
	KUNIT_CASE(dedup_hash_is_keyed),
	KUNIT_CASE(dedup_record_size),
	{}
};

static struct kunit_suite coap_dedup_suite = {
	.name = "coap_dedup",
	.init = dd_init,
	.test_cases = coap_dedup_cases,
};

kunit_test_suite(coap_dedup_suite);
