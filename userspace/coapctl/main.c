// SPDX-License-Identifier: GPL-2.0
/*
 * coapctl: configure the kcoap kernel module and look at its state, in
 * the spirit of ip(8) and wg(8).
 */
#include <stdio.h>
#include <string.h>

#include "coapctl.h"

bool json_output;

static const char usage[] =
"Usage: coapctl [-j] OBJECT COMMAND [ARGS...]\n"
"\n"
"Configure the kcoap kernel CoAP module (RFC 7252) and show its state.\n"
"\n"
"  coapctl endpoint add ADDR[:PORT]     open a CoAP endpoint (UDP socket)\n"
"  coapctl endpoint del ADDR[:PORT]     close it\n"
"  coapctl endpoint set ADDR[:PORT] PARAM VALUE...\n"
"                                       change its transmission parameters:\n"
"                                       ack-timeout, ack-random-factor,\n"
"                                       max-retransmit, nstart, default-leisure,\n"
"                                       probing-rate, max-latency, ack-delay\n"
"                                       (see 'coapctl endpoint help')\n"
"  coapctl [-j] endpoint list           show the open endpoints and their\n"
"                                       parameters\n"
"  coapctl [-j] resource list           show the registered resources\n"
"  coapctl resource add PATH [ATTRS...] --hold\n"
"                                       register a resource and keep it until\n"
"                                       SIGINT/SIGTERM (see 'coapctl resource help')\n"
"  coapctl [-j] stats                   show the module's counters\n"
"\n"
"ADDR is an IPv4 or IPv6 address: 192.0.2.1, 192.0.2.1:5683, 2001:db8::1,\n"
"[2001:db8::1]:5683, [fe80::1%eth0]; PORT defaults to 5683.\n"
"Objects and commands may be abbreviated: 'coapctl e l' is 'endpoint list'.\n"
"\n"
"Options:\n"
"  -j, --json   print JSON instead of text\n"
"  -h, --help   this text; 'coapctl OBJECT help' explains one object\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  failure: the kernel refused the request (its error and reason are\n"
"     printed) or the output could not be written\n"
"  2  usage error\n"
"  3  the coap module is not loaded\n"
"\n"
"Changing state needs CAP_NET_ADMIN; listing and stats do not.\n";

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json_output = true;
		else if (is_help(argv[i]))
			return help(usage);
		else
			return usage_error(usage, "unknown option '%s'", argv[i]);
	}
	if (i == argc)
		return usage_error(usage, "no object given");
	if (is_help(argv[i]))
		return help(usage);
	if (matches(argv[i], "endpoint"))
		return cmd_endpoint(argc - i - 1, argv + i + 1);
	if (matches(argv[i], "resource"))
		return cmd_resource(argc - i - 1, argv + i + 1);
	if (matches(argv[i], "stats"))
		return cmd_stats(argc - i - 1, argv + i + 1);
	return usage_error(usage, "unknown object '%s'", argv[i]);
}
