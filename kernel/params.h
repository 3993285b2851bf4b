/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CoAP transmission parameters (RFC 7252 section 4.8) of an endpoint and
 * the times derived from them (section 4.8.2).  Pure arithmetic, so KUnit
 * checks the schedule without sleeping.
 */
#ifndef _KCOAP_PARAMS_H
#define _KCOAP_PARAMS_H

#include <net/netlink.h>

#include "codec.h"

/*
 * Every field a u32, in the order of enum coap_param_attr and of the
 * COAP_SO_* options (both from 1): v[i - 1] is parameter i.
 */
#define KCOAP_NPARAMS	8
struct kcoap_params {
	union {
		struct {
			u32 ack_timeout_ms;	/* ACK_TIMEOUT, 2000 */
			u32 ack_random_factor;	/* x 1000, 1500 */
			u32 max_retransmit;	/* MAX_RETRANSMIT, 4 */
			u32 nstart;		/* NSTART, 1 */
			u32 default_leisure_ms;	/* DEFAULT_LEISURE, 5000 */
			u32 probing_rate;	/* PROBING_RATE, bytes/s, 1 */
			u32 max_latency_ms;	/* MAX_LATENCY, 100000 */
			u32 ack_delay_ms;	/* empty ACK if the daemon is slower */
		};
		u32 v[KCOAP_NPARAMS];
	};
};

/* Valid ranges, [min, max] inclusive, enforced on every update. */
#define KCOAP_ACK_TIMEOUT_MIN		10
#define KCOAP_ACK_TIMEOUT_MAX		60000
#define KCOAP_RANDOM_FACTOR_MIN		1000
#define KCOAP_RANDOM_FACTOR_MAX		4000
#define KCOAP_MAX_RETRANSMIT_MAX	10
#define KCOAP_NSTART_MIN		1
#define KCOAP_NSTART_MAX		32
#define KCOAP_LEISURE_MAX		60000
#define KCOAP_PROBING_RATE_MIN		1
#define KCOAP_PROBING_RATE_MAX		1000000
#define KCOAP_MAX_LATENCY_MIN		1
#define KCOAP_MAX_LATENCY_MAX		300000

/*
 * The range of parameter i at kcoap_param_range[i], as netlink policies
 * take it; ack_delay_ms must also stay below ack_timeout_ms.
 */
extern struct netlink_range_validation kcoap_param_range[KCOAP_NPARAMS + 1];

/* Parameter i (1-based) of p, or NULL when i names none. */
static inline u32 *kcoap_param(struct kcoap_params *p, int i)
{
	return i >= 1 && i <= KCOAP_NPARAMS ? &p->v[i - 1] : NULL;
}

void kcoap_params_default(struct kcoap_params *p);
/* 0, or the index (1-based, in struct order) of the first bad field. */
int kcoap_params_check(const struct kcoap_params *p);

/* Initial retransmission timeout for a CON: uniform in [T, T * factor]. */
u32 kcoap_rto_initial(const struct kcoap_params *p, u32 rnd);
/* Timeout after the n-th retransmission: doubled each time. */
u32 kcoap_rto_backoff(u32 rto_ms);

/* Section 4.8.2, in milliseconds. */
u64 kcoap_max_transmit_span(const struct kcoap_params *p);
u64 kcoap_max_transmit_wait(const struct kcoap_params *p);
u64 kcoap_exchange_lifetime(const struct kcoap_params *p);
u64 kcoap_non_lifetime(const struct kcoap_params *p);

#endif /* _KCOAP_PARAMS_H */
