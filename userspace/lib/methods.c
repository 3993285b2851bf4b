// SPDX-License-Identifier: LGPL-2.1-or-later
/* Method names, for configuration files and command lines. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kcoap.h"

static const char *const names[] = {
	[COAP_METHOD_GET] = "GET",
	[COAP_METHOD_POST] = "POST",
	[COAP_METHOD_PUT] = "PUT",
	[COAP_METHOD_DELETE] = "DELETE",
};

#define NMETHODS	(sizeof(names) / sizeof(names[0]))

const char *kcoap_method_name(unsigned int code)
{
	return code < NMETHODS ? names[code] : NULL;
}

static int method_code(const char *s, size_t n)
{
	unsigned int i;

	for (i = 1; i < NMETHODS; i++)
		if (strlen(names[i]) == n && !strncasecmp(s, names[i], n))
			return i;
	return -EINVAL;
}

int kcoap_methods_parse(const char *list, uint32_t *mask)
{
	const char *p = list, *comma;
	uint32_t m = 0;
	size_t n;
	int code;

	do {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		code = method_code(p, n);
		if (code < 0)
			return code;
		m |= COAP_METHOD_BIT(code);
		p = comma + 1;
	} while (comma);
	*mask = m;
	return 0;
}

int kcoap_methods_format(uint32_t mask, char *buf, size_t size)
{
	size_t used = 0;
	unsigned int i;
	int n;

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 1; i < NMETHODS; i++) {
		if (!(mask & COAP_METHOD_BIT(i)))
			continue;
		n = snprintf(buf + used, size - used, "%s%s", used ? "," : "",
			     names[i]);
		if (n < 0 || (size_t)n >= size - used)
			return -ENOSPC;
		/* lower case, the way commands and configs spell them */
		for (; buf[used]; used++)
			buf[used] = tolower((unsigned char)buf[used]);
	}
	return 0;
}
