// SPDX-License-Identifier: GPL-2.0
/* Logging to stderr (the journal, under systemd) and the clock. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "coapd.h"

bool verbose;

static void vlog(const char *fmt, va_list ap)
{
	fputs("coapd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
