// SPDX-License-Identifier: GPL-2.0
/* coapctl endpoint add|del|list */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "coapctl.h"
#include "json.h"

static const char usage[] =
"Usage: coapctl endpoint add ADDR[:PORT]\n"
"       coapctl endpoint del ADDR[:PORT]\n"
"       coapctl [-j] endpoint list\n"
"\n"
"An endpoint is a UDP socket in the kernel on which the module speaks CoAP.\n"
"The module opens 0.0.0.0:5683 and [::]:5683 when loaded (module parameters\n"
"port, addr4, addr6); more can be added and any can be removed.\n"
"\n"
"ADDR: 192.0.2.1, 192.0.2.1:5683, 2001:db8::1, [2001:db8::1]:5683 or\n"
"[fe80::1%eth0]:5683.  PORT defaults to 5683.\n"
"\n"
"Errors: 'File exists' (already open), 'Address already in use' (another\n"
"socket has the port), 'No such file or directory' (del: not open).\n";

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
	json_end(j, '}');
	return 0;
}

static int fetch(struct kcoap *k, struct json *j)
{
	return kcoap_endpoint_list(k, show, j);
}

static int list(int argc)
{
	if (argc)
		return usage_error(usage, "endpoint list takes no arguments");
	return ctl_list("endpoint list", fetch);
}

int cmd_endpoint(int argc, char **argv)
{
	if (!argc)
		return list(0);	/* like 'ip addr': no command lists */
	if (is_help(argv[0]))
		return help(usage);
	if (matches(argv[0], "add"))
		return change(argc - 1, argv + 1, true);
	if (matches(argv[0], "del") || matches(argv[0], "delete"))
		return change(argc - 1, argv + 1, false);
	if (matches(argv[0], "list") || matches(argv[0], "show"))
		return list(argc - 1);
	return usage_error(usage, "unknown endpoint command '%s'", argv[0]);
}
