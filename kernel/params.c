// SPDX-License-Identifier: GPL-2.0
/*
 * CoAP transmission parameters and derived times (RFC 7252 section 4.8).
 * PROCESSING_DELAY is taken as ACK_TIMEOUT, as the RFC does.
 */
#include "params.h"

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

int kcoap_params_check(const struct kcoap_params *p)
{
	if (p->ack_timeout_ms < KCOAP_ACK_TIMEOUT_MIN ||
	    p->ack_timeout_ms > KCOAP_ACK_TIMEOUT_MAX)
		return 1;
	if (p->ack_random_factor < KCOAP_RANDOM_FACTOR_MIN ||
	    p->ack_random_factor > KCOAP_RANDOM_FACTOR_MAX)
		return 2;
	if (p->max_retransmit > KCOAP_MAX_RETRANSMIT_MAX)
		return 3;
	if (p->nstart < KCOAP_NSTART_MIN || p->nstart > KCOAP_NSTART_MAX)
		return 4;
	if (p->default_leisure_ms > KCOAP_LEISURE_MAX)
		return 5;
	if (p->probing_rate < KCOAP_PROBING_RATE_MIN ||
	    p->probing_rate > KCOAP_PROBING_RATE_MAX)
		return 6;
	if (p->max_latency_ms < KCOAP_MAX_LATENCY_MIN ||
	    p->max_latency_ms > KCOAP_MAX_LATENCY_MAX)
		return 7;
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
