/* SPDX-License-Identifier: GPL-2.0 */
/* coapd: state shared by the daemon's files. */
#ifndef COAPD_H
#define COAPD_H

#include <stdbool.h>
#include <stdint.h>
#include <poll.h>
#include <sys/types.h>

#include "kcoap.h"
#include "config.h"

/* Exit statuses, as documented in --help. */
enum {
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_NOMODULE = 3,
	EXIT_CONFIG = 4,
};

/* Largest file or command output coapd answers with: without block-wise
 * transfer a response must fit one datagram. */
#define OUTPUT_MAX	16384

#define ETAG_LEN	4

/* A configured resource at run time. */
struct resource {
	const struct res_conf *conf;
	char *content;		/* static, writable: what is served */
	size_t len;
	bool deleted;		/* writable: DELETEd, no PUT since */
};

#define MAX_JOBS	16

/* A command run for one GET. */
struct job {
	pid_t pid;		/* 0: free slot */
	int fd;			/* its stdout, -1 once at EOF */
	bool exited;
	int status;		/* from waitpid() */
	bool answered;		/* timed out or too much output */
	uint64_t handle;
	const struct resource *res;
	char *out;
	size_t len;
	int64_t deadline;	/* CLOCK_MONOTONIC ms */
	char what[128];		/* for messages */
};

struct coapd {
	struct kcoap *k;
	struct config conf;
	struct resource *res;
	size_t nres;
	struct job jobs[MAX_JOBS];
};

/* log.c */
extern bool verbose;
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int64_t now_ms(void);

/* resource.c */
int resources_start(struct coapd *d);
void resources_free(struct coapd *d);
void handle_request(struct kcoap *k, const struct kcoap_request *req,
		    void *arg);
void reply_error(struct coapd *d, uint64_t handle, const char *what,
		 uint8_t code, const char *diagnostic);
void reply_content(struct coapd *d, uint64_t handle, const char *what,
		   uint8_t code, const struct resource *r, const void *data,
		   size_t len);

/* command.c */
int job_start(struct coapd *d, const struct resource *r,
	      const struct kcoap_request *req, const char *what);
int jobs_pollfds(struct coapd *d, struct pollfd *pfd, struct job **owner);
void jobs_io(struct coapd *d, const struct pollfd *pfd, struct job **owner,
	     int n);
void jobs_reap(struct coapd *d);
void jobs_expire(struct coapd *d);
int jobs_timeout(const struct coapd *d);
void jobs_kill_all(struct coapd *d);

/* notify.c */
void notify_systemd(const char *state);

#endif /* COAPD_H */
