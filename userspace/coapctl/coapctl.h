/* SPDX-License-Identifier: GPL-2.0 */
/* coapctl: shared declarations of the subcommands. */
#ifndef COAPCTL_H
#define COAPCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "kcoap.h"

/* Exit statuses, as documented in --help. */
enum {
	EXIT_FAILED = 1,	/* the kernel refused (or output failed) */
	EXIT_USAGE = 2,
	EXIT_NOMODULE = 3,
};

extern bool json_output;

int cmd_endpoint(int argc, char **argv);
int cmd_resource(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int hold_resource(struct kcoap *k, const char *path,
		  const struct kcoap_representation *rep);

/* util.c */
bool matches(const char *arg, const char *word);
bool is_help(const char *arg);
int help(const char *text);
int usage_error(const char *text, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct kcoap *ctl_open(int *status);
int kernel_error(struct kcoap *k, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int parse_u32(const char *s, uint32_t max, uint32_t *v);
int output_done(void);

struct json;
/*
 * The body of every "... list" subcommand: open the module, run fetch
 * (which calls a kcoap_*_list with its own printer) inside a JSON array
 * when -j is given, report errors as "WHAT: ...".  Returns an exit code.
 */
int ctl_list(const char *what, int (*fetch)(struct kcoap *k, struct json *j));

#endif /* COAPCTL_H */
