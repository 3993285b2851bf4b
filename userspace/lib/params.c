// SPDX-License-Identifier: LGPL-2.1-or-later
/* struct kcoap_params: its fields by COAP_PARAM_A_x, and their names. */
#include <errno.h>
#include <stddef.h>

#include "internal.h"

#define P(x, field)	[COAP_PARAM_A_##x] = { #field, \
			 offsetof(struct kcoap_params, field) }
static const struct {
	const char *name;
	size_t off;
} fields[] = {
	P(ACK_TIMEOUT_MS, ack_timeout_ms),
	P(ACK_RANDOM_FACTOR, ack_random_factor),
	P(MAX_RETRANSMIT, max_retransmit),
	P(NSTART, nstart),
	P(DEFAULT_LEISURE_MS, default_leisure_ms),
	P(PROBING_RATE, probing_rate),
	P(MAX_LATENCY_MS, max_latency_ms),
	P(ACK_DELAY_MS, ack_delay_ms),
};
#undef P

/* A parameter added at the end of the enum without a field fails here. */
_Static_assert(sizeof(fields) / sizeof(fields[0]) == COAP_PARAM_A_MAX + 1,
	       "parameter table out of date");
_Static_assert(COAP_PARAM_A_MAX < 32, "struct kcoap_params.set too small");

static bool valid(int attr)
{
	return attr > COAP_PARAM_A_UNSPEC && attr <= COAP_PARAM_A_MAX;
}

const char *kcoap_param_name(int attr)
{
	return valid(attr) ? fields[attr].name : NULL;
}

int kcoap_param_set(struct kcoap_params *p, int attr, uint32_t v)
{
	if (!valid(attr))
		return -EINVAL;
	*(uint32_t *)((char *)p + fields[attr].off) = v;
	p->set |= KCOAP_PARAM_BIT(attr);
	return 0;
}

int kcoap_param_get(const struct kcoap_params *p, int attr, uint32_t *v)
{
	if (!valid(attr))
		return -EINVAL;
	if (!(p->set & KCOAP_PARAM_BIT(attr)))
		return -ENOENT;
	*v = *(const uint32_t *)((const char *)p + fields[attr].off);
	return 0;
}
