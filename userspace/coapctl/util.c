// SPDX-License-Identifier: GPL-2.0
/* coapctl helpers: argument matching, errors, the netlink handle. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coapctl.h"
#include "json.h"

/* Like ip(8): a command word may be abbreviated to any non-empty prefix. */
bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && n <= strlen(word) && !strncmp(arg, word, n);
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "help");
}

int help(const char *text)
{
	fputs(text, stdout);
	return output_done();
}

/* The message, then the synopsis (@text up to its first blank line). */
int usage_error(const char *text, const char *fmt, ...)
{
	const char *end = strstr(text, "\n\n");
	va_list ap;

	fputs("coapctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fwrite(text, 1, end ? (size_t)(end - text) + 1 : strlen(text), stderr);
	return EXIT_USAGE;
}

/* The handle, or NULL with *status set to the exit code to use. */
struct kcoap *ctl_open(int *status)
{
	struct kcoap *k;
	int err;

	k = kcoap_open(&err);
	if (k)
		return k;
	if (err == -ENOENT) {
		fprintf(stderr, "coapctl: coap module not loaded (no \"%s\" generic netlink family)\n",
			COAP_GENL_NAME);
		*status = EXIT_NOMODULE;
	} else {
		fprintf(stderr, "coapctl: cannot open netlink socket: %s\n",
			strerror(-err));
		*status = EXIT_FAILED;
	}
	return NULL;
}

/* "coapctl: WHAT: strerror: extack" on stderr; returns EXIT_FAILED. */
int kernel_error(struct kcoap *k, int err, const char *fmt, ...)
{
	const char *why = kcoap_last_extack(k);
	va_list ap;

	fputs("coapctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s%s%s\n", strerror(-err), why ? ": " : "",
		why ?: "");
	return EXIT_FAILED;
}

/* A decimal number in 0..max: 0 or -EINVAL. */
int parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n > max)
		return -EINVAL;
	*v = n;
	return 0;
}

/* Exit status once everything is printed: a full disk or closed pipe
 * must not look like success. */
int output_done(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "coapctl: writing output: %s\n",
			strerror(errno));
		return EXIT_FAILED;
	}
	return 0;
}

int ctl_list(const char *what, int (*fetch)(struct kcoap *k, struct json *j))
{
	struct kcoap *k;
	struct json j;
	int err, status = 0;

	k = ctl_open(&status);
	if (!k)
		return status;
	json_init(&j, stdout);
	if (json_output)
		json_array(&j, NULL);
	err = fetch(k, &j);
	if (json_output)
		json_end(&j, ']');
	if (err)
		status = kernel_error(k, err, "%s", what);
	kcoap_close(k);
	return output_done() ?: status;
}
