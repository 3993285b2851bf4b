// SPDX-License-Identifier: GPL-2.0
/*
 * The units under test, compiled into coap_kunit.ko.  Including the
 * sources (rather than exporting their symbols from coap.ko) keeps coap.ko's
 * symbol table private and lets the suites run without the module loaded.
 *
 * resource.c calls into request.c; resource_test.c stubs those calls
 * rather than pulling in the request machinery (timers, netlink).
 * exchange.c sends through udp.c, which exchange_test.c stubs; its
 * tracepoints belong to coap.ko and are empty here.
 */
#include "../../kernel/codec.c"
#include "../../kernel/linkformat.c"
#include "../../kernel/resource.c"
#include "../../kernel/params.c"
#include "../../kernel/peer.c"
#include "../../kernel/dedup.c"
#include "../../kernel/block.c"

/* trace.h skipped: the events exchange.c fires are coap.ko's */
#define _KCOAP_TRACE_H
#include "peer.h"
static inline void trace_coap_retransmit(const struct kcoap_peer *peer,
					 const u8 *msg, u32 len) {}
static inline void trace_coap_timeout(const struct kcoap_peer *peer,
				      const u8 *msg, u32 len) {}
#include "../../kernel/exchange.c"

#include "units.h"

unsigned int *kcoap_test_max_resources(void)
{
	return &max_resources;
}
