/* SPDX-License-Identifier: GPL-2.0 */
/* coapd's configuration file: see coapd.conf.5.md for the format. */
#ifndef COAPD_CONFIG_H
#define COAPD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum res_kind {
	KIND_STATIC,	/* fixed content, published */
	KIND_FILE,	/* a file read at each GET */
	KIND_WRITABLE,	/* content changed by PUT/POST/DELETE, published */
	KIND_COMMAND,	/* a command's output at each GET */
};

struct res_conf {
	char *path;
	int line;		/* of its [resource] header */
	enum res_kind kind;
	char *content;		/* static, writable ("" if unset) */
	char *file;		/* file: absolute path */
	char *command;		/* command: run with /bin/sh -c */
	unsigned int timeout;	/* command: seconds */
	uint32_t methods;	/* COAP_METHOD_BIT() mask */
	char **allowed;		/* writable: accepted payloads, NULL: any */
	size_t nallowed;
	int ct;			/* -1: not set */
	char *rt, *if_, *title;
	uint32_t sz;		/* 0: not set */
	bool obs;
	int64_t max_age;	/* -1: not set */
	uint32_t notify_con;	/* 0: the kernel's default */
	uint32_t pad;		/* published size at least this, 0: none */
};

/* Largest pad: a representation the kernel accepts (COAP_PUBLISH_MAX). */
#define PAD_MAX		60000

struct listen_conf {
	struct sockaddr_storage addr;
	socklen_t len;
	char *text;		/* as written, for messages */
	int line;
};

struct config {
	struct res_conf *res;
	size_t nres;
	struct listen_conf *listen;
	size_t nlisten;
};

/* Default timeout of command resources, well under the module's default
 * request_timeout_ms (5 s) so that the client hears from coapd. */
#define COMMAND_TIMEOUT_DEFAULT	2
#define COMMAND_TIMEOUT_MAX	60

/*
 * Parse @file into @c.  Returns 0, or -1 after printing "FILE:LINE:
 * reason" (or "FILE: reason") to stderr; @c is then empty.
 */
int config_load(const char *file, struct config *c);
void config_free(struct config *c);

const char *kind_name(enum res_kind kind);

#endif /* COAPD_CONFIG_H */
