// SPDX-License-Identifier: GPL-2.0
/* coapctl stats: the namespace's counters. */
#include <inttypes.h>
#include <stdio.h>

#include "coapctl.h"
#include "json.h"

static const char usage[] =
"Usage: coapctl [-j] stats\n"
"\n"
"Print the counters of this network namespace, one \"name value\" line each\n"
"(the same as /proc/net/coap_stats), or a JSON object with -j.  What each\n"
"counter means is documented in <linux/coap.h>.\n";

int cmd_stats(int argc, char **argv)
{
	uint64_t v[COAP_STATS_A_MAX + 1];
	const char *name;
	struct kcoap *k;
	struct json j;
	int err, i, status;

	if (argc && is_help(argv[0]))
		return help(usage);
	if (argc)
		return usage_error(usage, "stats takes no arguments");
	k = ctl_open(&status);
	if (!k)
		return status;
	err = kcoap_stats(k, v);
	if (err) {
		status = kernel_error(k, err, "stats");
		kcoap_close(k);
		return status;
	}
	kcoap_close(k);

	json_init(&j, stdout);
	if (json_output)
		json_object(&j, NULL);
	for (i = 1; i <= COAP_STATS_A_MAX; i++) {
		name = kcoap_stat_name(i);
		if (!name)
			continue;
		if (json_output)
			json_uint(&j, name, v[i]);
		else
			printf("%-26s %" PRIu64 "\n", name, v[i]);
	}
	if (json_output)
		json_end(&j, '}');
	return output_done();
}
