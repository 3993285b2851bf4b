// SPDX-License-Identifier: GPL-2.0
/*
 * CoAP transmission parameters and derived times (RFC 7252 section 4.8).
 * PROCESSING_DELAY is taken as ACK_TIMEOUT, as the RFC does.
 */
#include "params.h"

/* v[] is in the order of the netlink attributes and socket options */
#define KCOAP_PARAM_AT(f, attr) \
	static_assert(offsetof(struct kcoap_params, f) == ((attr) - 1) * sizeof(u32))
KCOAP_PARAM_AT(ack_timeout_ms, COAP_PARAM_A_ACK_TIMEOUT_MS);
KCOAP_PARAM_AT(ack_random_factor, COAP_PARAM_A_ACK_RANDOM_FACTOR);
KCOAP_PARAM_AT(max_retransmit, COAP_PARAM_A_MAX_RETRANSMIT);
KCOAP_PARAM_AT(nstart, COAP_PARAM_A_NSTART);
KCOAP_PARAM_AT(default_leisure_ms, COAP_PARAM_A_DEFAULT_LEISURE_MS);
KCOAP_PARAM_AT(probing_rate, COAP_PARAM_A_PROBING_RATE);
KCOAP_PARAM_AT(max_latency_ms, COAP_PARAM_A_MAX_LATENCY_MS);
KCOAP_PARAM_AT(ack_delay_ms, COAP_PARAM_A_ACK_DELAY_MS);
/* both enums count up from 1 in the same order: the ends suffice */
static_assert((int)COAP_SO_ACK_TIMEOUT == (int)COAP_PARAM_A_ACK_TIMEOUT_MS &&
	      (int)COAP_SO_ACK_DELAY == (int)COAP_PARAM_A_ACK_DELAY_MS);
static_assert(KCOAP_NPARAMS == COAP_PARAM_A_MAX);

void kcoap_params_default(struct kcoap_params *p)
{
	p->ack_timeout_ms = 2000;
	p->ack_random_factor = 1500;
	p->max_retransmit = 4;
	p->nstart = 1;
	p->default_leisure_ms = 5000;
	p->probing_rate = 1;
	p->max_latency_ms = 100000;
	p->ack_delay_ms = 1000;
}

struct netlink_range_validation kcoap_param_range[KCOAP_NPARAMS + 1] = {
	{}, /* 0 names no parameter */
	{ KCOAP_ACK_TIMEOUT_MIN, KCOAP_ACK_TIMEOUT_MAX },
	{ KCOAP_RANDOM_FACTOR_MIN, KCOAP_RANDOM_FACTOR_MAX },
	{ 0, KCOAP_MAX_RETRANSMIT_MAX },
	{ KCOAP_NSTART_MIN, KCOAP_NSTART_MAX },
	{ 0, KCOAP_LEISURE_MAX },
	{ KCOAP_PROBING_RATE_MIN, KCOAP_PROBING_RATE_MAX },
	{ KCOAP_MAX_LATENCY_MIN, KCOAP_MAX_LATENCY_MAX },
	{ 0, KCOAP_ACK_TIMEOUT_MAX - 1 },
};

int kcoap_params_check(const struct kcoap_params *p)
{
	int i;

	for (i = 1; i <= KCOAP_NPARAMS; i++)
		if (p->v[i - 1] < kcoap_param_range[i].min ||
		    p->v[i - 1] > kcoap_param_range[i].max)
			return i;
	/* the empty ACK must leave before the client retransmits */
	if (p->ack_delay_ms >= p->ack_timeout_ms)
		return 8;
	return 0;
}

u32 kcoap_rto_initial(const struct kcoap_params *p, u32 rnd)
{
	u64 span = (u64)p->ack_timeout_ms * (p->ack_random_factor - 1000) /
		   1000;

	/* rnd is uniform in [0, 2^32): scale it onto [0, span] */
	return p->ack_timeout_ms + (u32)((span + 1) * rnd >> 32);
}

u32 kcoap_rto_backoff(u32 rto_ms)
{
	return rto_ms > 0x7fffffff ? 0xffffffff : rto_ms * 2;
}

u64 kcoap_max_transmit_span(const struct kcoap_params *p)
{
	/* ACK_TIMEOUT * ((2 ** MAX_RETRANSMIT) - 1) * ACK_RANDOM_FACTOR */
	return (u64)p->ack_timeout_ms * ((1ULL << p->max_retransmit) - 1) *
	       p->ack_random_factor / 1000;
}

u64 kcoap_max_transmit_wait(const struct kcoap_params *p)
{
	/* ACK_TIMEOUT * ((2 ** (MAX_RETRANSMIT + 1)) - 1) * ACK_RANDOM_FACTOR */
	return (u64)p->ack_timeout_ms * ((2ULL << p->max_retransmit) - 1) *
	       p->ack_random_factor / 1000;
}

u64 kcoap_exchange_lifetime(const struct kcoap_params *p)
{
	return kcoap_max_transmit_span(p) + 2ULL * p->max_latency_ms +
	       p->ack_timeout_ms;
}

u64 kcoap_non_lifetime(const struct kcoap_params *p)
{
	return kcoap_max_transmit_span(p) + p->max_latency_ms;
}
