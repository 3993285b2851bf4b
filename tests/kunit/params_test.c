// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the transmission parameters and the retransmission
 * schedule (kernel/params.c, RFC 7252 section 4.8).  The schedule is pure
 * arithmetic on a random input, so no case sleeps.
 */
#include <kunit/test.h>

#include "params.h"

static void defaults_are_the_rfc_values(struct kunit *test)
{
	struct kcoap_params p;

	kcoap_params_default(&p);
	KUNIT_EXPECT_EQ(test, p.ack_timeout_ms, 2000U);
	KUNIT_EXPECT_EQ(test, p.ack_random_factor, 1500U);
	KUNIT_EXPECT_EQ(test, p.max_retransmit, 4U);
	KUNIT_EXPECT_EQ(test, p.nstart, 1U);
	KUNIT_EXPECT_EQ(test, p.default_leisure_ms, 5000U);
	KUNIT_EXPECT_EQ(test, p.probing_rate, 1U);
	KUNIT_EXPECT_EQ(test, p.max_latency_ms, 100000U);
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 0);
}

/* Section 4.8.2: the derived times for the default parameters. */
static void derived_times_match_the_rfc(struct kunit *test)
{
	struct kcoap_params p;

	kcoap_params_default(&p);
	KUNIT_EXPECT_EQ(test, kcoap_max_transmit_span(&p), 45000ULL);
	KUNIT_EXPECT_EQ(test, kcoap_max_transmit_wait(&p), 93000ULL);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_lifetime(&p), 247000ULL);
	KUNIT_EXPECT_EQ(test, kcoap_non_lifetime(&p), 145000ULL);
}

static void derived_times_follow_the_parameters(struct kunit *test)
{
	struct kcoap_params p;

	kcoap_params_default(&p);
	p.ack_timeout_ms = 200;
	p.max_retransmit = 3;
	p.max_latency_ms = 1000;
	/* 200 * 7 * 1.5 = 2100; + 2 * 1000 + 200 */
	KUNIT_EXPECT_EQ(test, kcoap_max_transmit_span(&p), 2100ULL);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_lifetime(&p), 4300ULL);
	KUNIT_EXPECT_EQ(test, kcoap_non_lifetime(&p), 3100ULL);
	p.max_retransmit = 0;
	KUNIT_EXPECT_EQ(test, kcoap_max_transmit_span(&p), 0ULL);
	KUNIT_EXPECT_EQ(test, kcoap_max_transmit_wait(&p), 300ULL);
}

/* The initial timeout spans [ACK_TIMEOUT, ACK_TIMEOUT * factor]. */
static void initial_timeout_bounds(struct kunit *test)
{
	struct kcoap_params p;

	kcoap_params_default(&p);
	KUNIT_EXPECT_EQ(test, kcoap_rto_initial(&p, 0), 2000U);
	KUNIT_EXPECT_EQ(test, kcoap_rto_initial(&p, 0xffffffff), 3000U);
	KUNIT_EXPECT_EQ(test, kcoap_rto_initial(&p, 0x80000000), 2500U);
}

static void initial_timeout_always_in_range(struct kunit *test)
{
	struct kcoap_params p;
	u32 rnd = 12345, t, lo = ~0U, hi = 0;
	int i;

	kcoap_params_default(&p);
	for (i = 0; i < 10000; i++) {
		rnd = rnd * 1664525 + 1013904223;	/* any spread will do */
		t = kcoap_rto_initial(&p, rnd);
		KUNIT_ASSERT_GE(test, t, 2000U);
		KUNIT_ASSERT_LE(test, t, 3000U);
		lo = min(lo, t);
		hi = max(hi, t);
	}
	/* and it really spreads over the interval */
	KUNIT_EXPECT_LT(test, lo, 2050U);
	KUNIT_EXPECT_GT(test, hi, 2950U);
}

static void factor_one_means_no_randomness(struct kunit *test)
{
	struct kcoap_params p;

	kcoap_params_default(&p);
	p.ack_random_factor = 1000;
	KUNIT_EXPECT_EQ(test, kcoap_rto_initial(&p, 0), 2000U);
	KUNIT_EXPECT_EQ(test, kcoap_rto_initial(&p, 0xffffffff), 2000U);
}

/* Section 4.2: doubled on every retransmission, MAX_RETRANSMIT times. */
static void backoff_doubles(struct kunit *test)
{
	static const u32 want[] = { 2000, 4000, 8000, 16000, 32000 };
	u32 t = 2000, total = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		KUNIT_EXPECT_EQ(test, t, want[i]);
		total += t;
		t = kcoap_rto_backoff(t);
	}
	/* last transmission at 2+4+8+16 = 30 s; gave up after 62 s */
	KUNIT_EXPECT_EQ(test, total, 62000U);
}

static void backoff_saturates(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kcoap_rto_backoff(0x7fffffff), 0xfffffffeU);
	KUNIT_EXPECT_EQ(test, kcoap_rto_backoff(0x80000000), 0xffffffffU);
	KUNIT_EXPECT_EQ(test, kcoap_rto_backoff(0xffffffff), 0xffffffffU);
}

/* The worst-case schedule stays within MAX_TRANSMIT_SPAN. */
static void schedule_within_transmit_span(struct kunit *test)
{
	struct kcoap_params p;
	u64 last = 0;
	u32 t;
	unsigned int i;

	kcoap_params_default(&p);
	t = kcoap_rto_initial(&p, 0xffffffff);
	for (i = 0; i < p.max_retransmit; i++) {
		last += t;
		t = kcoap_rto_backoff(t);
	}
	KUNIT_EXPECT_EQ(test, last, kcoap_max_transmit_span(&p));
	KUNIT_EXPECT_EQ(test, last + t, kcoap_max_transmit_wait(&p));
}

static void check_rejects_each_bad_field(struct kunit *test)
{
	struct kcoap_params p;

	kcoap_params_default(&p);
	p.ack_timeout_ms = KCOAP_ACK_TIMEOUT_MIN - 1;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 1);
	kcoap_params_default(&p);
	p.ack_timeout_ms = KCOAP_ACK_TIMEOUT_MAX + 1;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 1);
	kcoap_params_default(&p);
	p.ack_random_factor = 999;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 2);
	kcoap_params_default(&p);
	p.max_retransmit = KCOAP_MAX_RETRANSMIT_MAX + 1;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 3);
	kcoap_params_default(&p);
	p.nstart = 0;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 4);
	kcoap_params_default(&p);
	p.default_leisure_ms = KCOAP_LEISURE_MAX + 1;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 5);
	kcoap_params_default(&p);
	p.probing_rate = 0;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 6);
	kcoap_params_default(&p);
	p.max_latency_ms = 0;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 7);
	kcoap_params_default(&p);
	p.ack_delay_ms = p.ack_timeout_ms;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 8);
	p.ack_delay_ms = p.ack_timeout_ms - 1;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 0);
}

static void check_accepts_the_bounds(struct kunit *test)
{
	struct kcoap_params p;

	kcoap_params_default(&p);
	p.ack_timeout_ms = KCOAP_ACK_TIMEOUT_MAX;
	p.ack_random_factor = KCOAP_RANDOM_FACTOR_MAX;
	p.max_retransmit = KCOAP_MAX_RETRANSMIT_MAX;
	p.nstart = KCOAP_NSTART_MAX;
	p.probing_rate = KCOAP_PROBING_RATE_MAX;
	p.max_latency_ms = KCOAP_MAX_LATENCY_MAX;
	KUNIT_EXPECT_EQ(test, kcoap_params_check(&p), 0);
	/* the largest span still fits in 64 bits with room to spare */
	KUNIT_EXPECT_EQ(test, kcoap_max_transmit_span(&p),
			60000ULL * 1023 * 4);
}

static struct kunit_case coap_params_cases[] = {
	KUNIT_CASE(defaults_are_the_rfc_values),
	KUNIT_CASE(derived_times_match_the_rfc),
	KUNIT_CASE(derived_times_follow_the_parameters),
	KUNIT_CASE(initial_timeout_bounds),
	KUNIT_CASE(initial_timeout_always_in_range),
	KUNIT_CASE(factor_one_means_no_randomness),
	KUNIT_CASE(backoff_doubles),
	KUNIT_CASE(backoff_saturates),
	KUNIT_CASE(schedule_within_transmit_span),
	KUNIT_CASE(check_rejects_each_bad_field),
	KUNIT_CASE(check_accepts_the_bounds),
	{}
};

static struct kunit_suite coap_params_suite = {
	.name = "coap_params",
	.test_cases = coap_params_cases,
};

kunit_test_suite(coap_params_suite);
