// SPDX-License-Identifier: GPL-2.0
/*
 * The units under test, compiled into coap_kunit.ko.  Including the
 * sources (rather than exporting their symbols from coap.ko) keeps coap.ko's
 * symbol table private and lets the suites run without the module loaded.
 *
 * resource.c calls into request.c; resource_test.c stubs those calls
 * rather than pulling in the request machinery (timers, netlink).
 */
#include "../../kernel/codec.c"
#include "../../kernel/linkformat.c"
#include "../../kernel/resource.c"
#include "../../kernel/params.c"
#include "../../kernel/peer.c"
#include "../../kernel/dedup.c"
#include "../../kernel/block.c"

#include "units.h"

unsigned int *kcoap_test_max_resources(void)
{
	return &max_resources;
}
