// SPDX-License-Identifier: LGPL-2.1-or-later
/* "ADDR[:PORT]" <-> sockaddr, the way coapctl and coapd write addresses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "kcoap.h"

static int parse_port(const char *s, in_port_t *port)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535)
		return -EINVAL;
	*port = htons(v);
	return 0;
}

/* "addr" or "addr%scope" (link-local) into @sin6. */
static int parse_v6(const char *s, size_t n, struct sockaddr_in6 *sin6)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	char *scope, *end;

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	scope = strchr(buf, '%');
	if (scope) {
		*scope++ = '\0';
		sin6->sin6_scope_id = if_nametoindex(scope);
		if (!sin6->sin6_scope_id) {	/* or a number */
			sin6->sin6_scope_id = strtoul(scope, &end, 10);
			if (!sin6->sin6_scope_id || *end)
				return -EINVAL;
		}
	}
	if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1)
		return -EINVAL;
	sin6->sin6_family = AF_INET6;
	return 0;
}

int kcoap_addr_parse(const char *s, struct sockaddr_storage *ss,
		     socklen_t *len)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char buf[INET_ADDRSTRLEN];
	const char *colon, *end;
	in_port_t port = htons(COAP_DEFAULT_PORT);

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {			/* [v6] or [v6]:port */
		end = strchr(s, ']');
		if (!end || (end[1] && (end[1] != ':' || parse_port(end + 2, &port))))
			return -EINVAL;
		if (parse_v6(s + 1, end - s - 1, sin6))
			return -EINVAL;
		sin6->sin6_port = port;
		*len = sizeof(*sin6);
		return 0;
	}
	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':')) {	/* bare v6: no port */
		if (parse_v6(s, strlen(s), sin6))
			return -EINVAL;
		sin6->sin6_port = port;
		*len = sizeof(*sin6);
		return 0;
	}
	if (colon && parse_port(colon + 1, &port))
		return -EINVAL;
	end = colon ? colon : s + strlen(s);
	if ((size_t)(end - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, end - s);
	buf[end - s] = '\0';
	if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1)
		return -EINVAL;
	sin->sin_family = AF_INET;
	sin->sin_port = port;
	*len = sizeof(*sin);
	return 0;
}

int kcoap_addr_format(const struct sockaddr *sa, socklen_t len, char *buf,
		      size_t size)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	char host[INET6_ADDRSTRLEN], scope[IF_NAMESIZE + 2] = "";
	int n;

	if (sa->sa_family == AF_INET && len >= sizeof(*sin)) {
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		n = snprintf(buf, size, "%s:%u", host, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6 && len >= sizeof(*sin6)) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		if (sin6->sin6_scope_id) {
			char name[IF_NAMESIZE];

			if (if_indextoname(sin6->sin6_scope_id, name))
				snprintf(scope, sizeof(scope), "%%%s", name);
			else
				snprintf(scope, sizeof(scope), "%%%u",
					 sin6->sin6_scope_id);
		}
		n = snprintf(buf, size, "[%s%s]:%u", host, scope,
			     ntohs(sin6->sin6_port));
	} else {
		return -EAFNOSUPPORT;
	}
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}
