// SPDX-License-Identifier: GPL-2.0
/* coapctl endpoint add|del|set|list */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "coapctl.h"
#include "json.h"

static const char usage[] =
"Usage: coapctl endpoint add ADDR[:PORT]\n"
"       coapctl endpoint del ADDR[:PORT]\n"
"       coapctl endpoint set ADDR[:PORT] PARAM VALUE [PARAM VALUE...]\n"
"       coapctl [-j] endpoint list [-s]\n"
"\n"
"An endpoint is a UDP socket in the kernel on which the module speaks CoAP.\n"
"The module opens 0.0.0.0:5683 and [::]:5683 when loaded (module parameters\n"
"port, addr4, addr6); more can be added and any can be removed.\n"
"\n"
"ADDR: 192.0.2.1, 192.0.2.1:5683, 2001:db8::1, [2001:db8::1]:5683 or\n"
"[fe80::1%eth0]:5683.  PORT defaults to 5683.\n"
"\n"
"set changes the endpoint's transmission parameters (RFC 7252 section 4.8);\n"
"those not given keep their values, and exchanges started afterwards use\n"
"the new ones.  PARAM (default, valid range):\n"
"  ack-timeout MS         ACK_TIMEOUT (2000, 10..60000)\n"
"  ack-random-factor F    ACK_RANDOM_FACTOR, up to 3 decimals (1.5, 1..4)\n"
"  max-retransmit N       MAX_RETRANSMIT (4, 0..10)\n"
"  nstart N               NSTART, separate CONs outstanding per peer (1, 1..32)\n"
"  default-leisure MS     DEFAULT_LEISURE (5000, 0..60000)\n"
"  probing-rate B         PROBING_RATE in bytes/s (1, 1..1000000)\n"
"  max-latency MS         MAX_LATENCY (100000, 1..300000)\n"
"  ack-delay MS           empty ACK for a CON request whose daemon has not\n"
"                         answered by then (1000, below ack-timeout)\n"
"\n"
"list prints each endpoint's address (and 'adopted' when it came from a\n"
"socket handed over by a process), then an indented line of its parameters\n"
"as set takes them; with -s (list -s) also its counters that are not zero\n"
"(what it received, sent, retransmitted, deduplicated, timed out and\n"
"dropped by reason; names as in 'coapctl stats').  With -j: an array of objects with family, address,\n"
"port, scope_id (IPv6 link-local), adopted and params, an object keyed by\n"
"the <linux/coap.h> names in their units (ack_timeout_ms,\n"
"ack_random_factor x 1000, ...), or null when the kernel sent none, and\n"
"stats, every counter of the endpoint by name (null when not sent).\n"
"\n"
"Errors: 'File exists' (already open), 'Address already in use' (another\n"
"socket has the port), 'No such file or directory' (del, set: not open),\n"
"'Numerical result out of range' (set: a value out of its range),\n"
"'Invalid argument' (set: ack-delay not below ack-timeout).\n";

/* The command-line names of the transmission parameters, in list order. */
static const struct {
	const char *name;
	int attr;
} params[] = {
	{ "ack-timeout", COAP_PARAM_A_ACK_TIMEOUT_MS },
	{ "ack-random-factor", COAP_PARAM_A_ACK_RANDOM_FACTOR },
	{ "max-retransmit", COAP_PARAM_A_MAX_RETRANSMIT },
	{ "nstart", COAP_PARAM_A_NSTART },
	{ "default-leisure", COAP_PARAM_A_DEFAULT_LEISURE_MS },
	{ "probing-rate", COAP_PARAM_A_PROBING_RATE },
	{ "max-latency", COAP_PARAM_A_MAX_LATENCY_MS },
	{ "ack-delay", COAP_PARAM_A_ACK_DELAY_MS },
};
#define NPARAMS	(sizeof(params) / sizeof(params[0]))

_Static_assert(NPARAMS == COAP_PARAM_A_MAX, "coapctl parameter names out of date");

/* "1", "1.5", "1.125" into thousandths: 0 or -EINVAL. */
static int parse_factor(const char *s, uint32_t *v)
{
	uint32_t whole, frac = 0, scale = 100;
	const char *dot = strchr(s, '.');
	char buf[16];
	size_t n = dot ? (size_t)(dot - s) : strlen(s);

	if (!n || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_u32(buf, UINT32_MAX / 1000, &whole))
		return -EINVAL;
	if (dot) {
		if (!dot[1] || strlen(dot + 1) > 3)
			return -EINVAL;
		for (s = dot + 1; *s; s++, scale /= 10) {
			if (*s < '0' || *s > '9')
				return -EINVAL;
			frac += (*s - '0') * scale;
		}
	}
	if (whole * 1000ULL + frac > UINT32_MAX)
		return -EINVAL;
	*v = whole * 1000 + frac;
	return 0;
}

/* Thousandths as "1.5", "2", "1.125". */
static void format_factor(uint32_t v, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%u.%03u", v / 1000, v % 1000);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

static int change(int argc, char **argv, bool add)
{
	struct sockaddr_storage ss;
	struct kcoap *k;
	int err, status;
	socklen_t len;

	if (argc != 1)
		return usage_error(usage, "endpoint %s needs one ADDR[:PORT]",
				   add ? "add" : "del");
	if (kcoap_addr_parse(argv[0], &ss, &len))
		return usage_error(usage, "bad address '%s'", argv[0]);
	k = ctl_open(&status);
	if (!k)
		return status;
	if (add)
		err = kcoap_endpoint_add(k, (struct sockaddr *)&ss, len);
	else
		err = kcoap_endpoint_del(k, (struct sockaddr *)&ss, len);
	status = err ? kernel_error(k, err, "endpoint %s %s",
				    add ? "add" : "del", argv[0]) : 0;
	kcoap_close(k);
	return status;
}

static int set(int argc, char **argv)
{
	struct kcoap_params p = { .set = 0 };
	struct sockaddr_storage ss;
	const char *addr;
	struct kcoap *k;
	int err, status, i;
	size_t n;
	socklen_t len;
	uint32_t v;

	if (argc < 1)
		return usage_error(usage, "endpoint set needs ADDR[:PORT] and parameters");
	addr = argv[0];
	if (kcoap_addr_parse(addr, &ss, &len))
		return usage_error(usage, "bad address '%s'", addr);
	if (argc == 1)
		return usage_error(usage, "endpoint set needs at least one parameter");
	for (i = 1; i < argc; i += 2) {
		for (n = 0; n < NPARAMS; n++)
			if (!strcmp(argv[i], params[n].name))
				break;
		if (n == NPARAMS)
			return usage_error(usage, "unknown endpoint parameter '%s'",
					   argv[i]);
		if (i + 1 == argc)
			return usage_error(usage, "'%s' needs a value", argv[i]);
		if (p.set & KCOAP_PARAM_BIT(params[n].attr))
			return usage_error(usage, "'%s' given twice", argv[i]);
		if (params[n].attr == COAP_PARAM_A_ACK_RANDOM_FACTOR)
			err = parse_factor(argv[i + 1], &v);
		else
			err = parse_u32(argv[i + 1], UINT32_MAX, &v);
		if (err)
			return usage_error(usage, "bad %s '%s' (%s)", argv[i],
					   argv[i + 1],
					   params[n].attr == COAP_PARAM_A_ACK_RANDOM_FACTOR ?
					   "a decimal number with at most 3 decimals" :
					   "a decimal integer");
		kcoap_param_set(&p, params[n].attr, v);
	}
	k = ctl_open(&status);
	if (!k)
		return status;
	err = kcoap_endpoint_set(k, (struct sockaddr *)&ss, len, &p);
	status = err ? kernel_error(k, err, "endpoint set %s", addr) : 0;
	kcoap_close(k);
	return status;
}

/* The indented second line of the text list: "ack-timeout 2000 ...". */
static void show_params(const struct kcoap_params *p)
{
	const char *sep = "\t";
	char buf[32];
	uint32_t v;
	size_t n;

	for (n = 0; n < NPARAMS; n++) {
		if (kcoap_param_get(p, params[n].attr, &v))
			continue;
		if (params[n].attr == COAP_PARAM_A_ACK_RANDOM_FACTOR)
			format_factor(v, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%u", v);
		printf("%s%s %s", sep, params[n].name, buf);
		sep = " ";
	}
	if (*sep == ' ')
		putchar('\n');
}

static bool show_stats;

static void show_counters(const struct kcoap_endpoint *ep)
{
	const char *sep = "    ";
	int i;

	for (i = 1; i <= COAP_STATS_A_MAX; i++) {
		if (!ep->stats[i] || !kcoap_stat_name(i))
			continue;
		printf("%s%s %llu", sep, kcoap_stat_name(i),
		       (unsigned long long)ep->stats[i]);
		sep = " ";
	}
	if (*sep == ' ')
		putchar('\n');
}

static int show(const struct kcoap_endpoint *ep, void *arg)
{
	const struct sockaddr_in6 *sin6 = (const void *)&ep->addr;
	const struct sockaddr_in *sin = (const void *)&ep->addr;
	char buf[KCOAP_ADDRSTRLEN];
	struct json *j = arg;
	bool v6 = ep->addr.ss_family == AF_INET6;

	if (!json_output) {
		if (kcoap_addr_format((const void *)&ep->addr, ep->addr_len,
				      buf, sizeof(buf)))
			strcpy(buf, "?");
		printf("%s%s\n", buf, ep->adopted ? " adopted" : "");
		if (ep->has_params)
			show_params(&ep->params);
		if (show_stats && ep->has_stats)
			show_counters(ep);
		return 0;
	}
	if (v6)
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
	else
		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
	json_object(j, NULL);
	json_string(j, "family", v6 ? "inet6" : "inet");
	json_string(j, "address", buf);
	json_uint(j, "port", ntohs(v6 ? sin6->sin6_port : sin->sin_port));
	if (v6 && sin6->sin6_scope_id)
		json_uint(j, "scope_id", sin6->sin6_scope_id);
	json_bool(j, "adopted", ep->adopted);
	if (ep->has_params) {
		uint32_t v;
		int i;

		json_object(j, "params");
		for (i = 1; i <= COAP_PARAM_A_MAX; i++)
			if (!kcoap_param_get(&ep->params, i, &v))
				json_uint(j, kcoap_param_name(i), v);
		json_end(j, '}');
	} else {
		json_null(j, "params");
	}
	if (ep->has_stats) {
		int i;

		json_object(j, "stats");
		/* the namespace gauges are not per endpoint */
		for (i = 1; i < COAP_STATS_A_DEDUP_ENTRIES; i++)
			if (kcoap_stat_name(i))
				json_uint(j, kcoap_stat_name(i), ep->stats[i]);
		json_end(j, '}');
	} else {
		json_null(j, "stats");
	}
	json_end(j, '}');
	return 0;
}

static int fetch(struct kcoap *k, struct json *j)
{
	return kcoap_endpoint_list(k, show, j);
}

static int list(int argc, char **argv)
{
	if (argc && !strcmp(argv[0], "-s")) {
		show_stats = true;
		argc--;
	}
	if (argc)
		return usage_error(usage, "endpoint list takes only -s");
	return ctl_list("endpoint list", fetch);
}

int cmd_endpoint(int argc, char **argv)
{
	if (!argc)
		return list(0, argv);	/* like 'ip addr': no command lists */
	if (is_help(argv[0]))
		return help(usage);
	if (matches(argv[0], "add"))
		return change(argc - 1, argv + 1, true);
	if (matches(argv[0], "del") || matches(argv[0], "delete"))
		return change(argc - 1, argv + 1, false);
	if (matches(argv[0], "list") || matches(argv[0], "show"))
		return list(argc - 1, argv + 1);
	/* after list/show: 's' stays 'show' */
	if (matches(argv[0], "set"))
		return set(argc - 1, argv + 1);
	return usage_error(usage, "unknown endpoint command '%s'", argv[0]);
}
