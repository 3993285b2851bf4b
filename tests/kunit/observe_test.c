// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the pure rules of observe (kernel/observe.h, RFC 7641):
 * the 24-bit sequence number and when a notification must be confirmable.
 */
#include <kunit/test.h>

#include "observe.h"
#include "owner.h"

static void seq_moves_by_one(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kcoap_obs_seq_next(0), 1U);
	KUNIT_EXPECT_EQ(test, kcoap_obs_seq_next(41), 42U);
}

/* Section 4.4: the Observe value is 24 bits and wraps to 0. */
static void seq_wraps_at_24_bits(struct kunit *test)
{
	u32 s = 0xfffffe;

	s = kcoap_obs_seq_next(s);
	KUNIT_EXPECT_EQ(test, s, 0xffffffU);
	s = kcoap_obs_seq_next(s);
	KUNIT_EXPECT_EQ(test, s, 0U);
	/* and never leaves 24 bits, whatever it starts from */
	KUNIT_EXPECT_EQ(test, kcoap_obs_seq_next(0xffffffff), 0U);
	KUNIT_EXPECT_LE(test, kcoap_obs_seq_next(0x12345678), 0xffffffU);
}

/* Section 4.4: after a wrap the new value must still look newer. */
static void seq_wrap_is_fresher_in_rfc_arithmetic(struct kunit *test)
{
	u32 v1 = 0xffffff, v2 = kcoap_obs_seq_next(v1);

	/* V1 > V2 and V1 - V2 > 2^23: V2 is fresher (section 3.4) */
	KUNIT_EXPECT_GT(test, v1, v2);
	KUNIT_EXPECT_GT(test, v1 - v2, 1U << 23);
}

static void every_one_con(struct kunit *test)
{
	u32 now = 1000;

	KUNIT_EXPECT_TRUE(test, kcoap_obs_con_due(0, 1, now, now));
	KUNIT_EXPECT_TRUE(test, kcoap_obs_con_due(0, 0, now, now));
}

/* Every Nth: N-1 NONs, then a CON. */
static void every_nth_con(struct kunit *test)
{
	u32 now = 5000;
	u32 i, cons = 0, since = 0;

	for (i = 0; i < 60; i++) {
		if (kcoap_obs_con_due(since, 20, now, now)) {
			cons++;
			since = 0;
		} else {
			since++;
		}
	}
	KUNIT_EXPECT_EQ(test, cons, 3U);
	KUNIT_EXPECT_FALSE(test, kcoap_obs_con_due(0, 20, now, now));
	KUNIT_EXPECT_FALSE(test, kcoap_obs_con_due(18, 20, now, now));
	KUNIT_EXPECT_TRUE(test, kcoap_obs_con_due(19, 20, now, now));
	KUNIT_EXPECT_TRUE(test, kcoap_obs_con_due(254, 255, now, now));
}

/* Section 4.5: at least one CON every 24 hours, jiffies wrap included. */
static void con_at_least_daily(struct kunit *test)
{
	u32 last = U32_MAX - 10;	/* the jiffies wrap in between */
	u32 day = KCOAP_OBS_CON_MAX_GAP;

	KUNIT_EXPECT_FALSE(test, kcoap_obs_con_due(1, 255, last, last + day - 1));
	KUNIT_EXPECT_TRUE(test, kcoap_obs_con_due(1, 255, last, last + day));
	KUNIT_EXPECT_TRUE(test, kcoap_obs_con_due(1, 255, last, last + 2 * day));
}

/* PROBING_RATE: NON bytes since the peer last spoke, against the rate. */
static void probe_budget(struct kunit *test)
{
	u32 heard = U32_MAX - HZ / 2;	/* across the jiffies wrap */
	u32 ten_s = heard + 10 * HZ;

	/* 1 byte/s (the default) for 10 s: 10 bytes */
	KUNIT_EXPECT_FALSE(test, kcoap_obs_probe_due(1, heard, ten_s, 0, 10));
	KUNIT_EXPECT_TRUE(test, kcoap_obs_probe_due(1, heard, ten_s, 0, 11));
	KUNIT_EXPECT_TRUE(test, kcoap_obs_probe_due(1, heard, ten_s, 5, 6));
	/* right after the peer spoke nothing is allowed yet */
	KUNIT_EXPECT_TRUE(test, kcoap_obs_probe_due(1000, heard, heard, 0, 1));
	/* a fast rate lets NONs through */
	KUNIT_EXPECT_FALSE(test, kcoap_obs_probe_due(1000000, heard, heard + HZ,
						     500000, 400000));
	/* the largest rate for a day stays in range (no overflow) */
	KUNIT_EXPECT_FALSE(test, kcoap_obs_probe_due(1000000, heard,
						     heard + KCOAP_OBS_CON_MAX_GAP,
						     U32_MAX - 2000, 1024));
}

static void list_starts_empty_and_open(struct kunit *test)
{
	struct kcoap_obs_list ol;

	memset(&ol, 0xa5, sizeof(ol));
	kcoap_obs_list_init(&ol, 7);
	KUNIT_EXPECT_TRUE(test, list_empty(&ol.head));
	KUNIT_EXPECT_EQ(test, ol.n, 0U);
	KUNIT_EXPECT_EQ(test, ol.seq, 0U);
	KUNIT_EXPECT_EQ(test, ol.con_every, 7U);
	KUNIT_EXPECT_FALSE(test, ol.closed);
}

static struct kunit_case coap_observe_cases[] = {
	KUNIT_CASE(seq_moves_by_one),
	KUNIT_CASE(seq_wraps_at_24_bits),
	KUNIT_CASE(seq_wrap_is_fresher_in_rfc_arithmetic),
	KUNIT_CASE(every_one_con),
	KUNIT_CASE(every_nth_con),
	KUNIT_CASE(con_at_least_daily),
	KUNIT_CASE(probe_budget),
	KUNIT_CASE(list_starts_empty_and_open),
	{}
};

static struct kunit_suite coap_observe_suite = {
	.name = "coap_observe",
	.test_cases = coap_observe_cases,
};

kunit_test_suite(coap_observe_suite);
