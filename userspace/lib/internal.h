/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libkcoap internals shared by the files of the library. */
#ifndef KCOAP_INTERNAL_H
#define KCOAP_INTERNAL_H

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "kcoap.h"

/* How long a control call waits for the kernel's answer. */
#define KC_REPLY_TIMEOUT_MS	5000

/* Receive buffer: grown to fit the largest message seen. */
struct kc_rxbuf {
	void *data;
	size_t size;
};

/*
 * A request that arrived while a control call waited for its reply.  The
 * kernel's per-daemon queue limit (max_pending) bounds how many there are.
 */
struct kc_stashed {
	struct kc_stashed *next;
	unsigned char msg[];	/* one netlink message */
};

struct kcoap {
	struct nl_sock *sk;
	int fd;
	int family;
	uint32_t portid;
	struct kc_rxbuf rx;	/* empty while kcoap_dispatch() borrows it */
	struct kc_stashed *stash, **stash_tail;
	bool overrun;		/* ENOBUFS seen by a control call */
	bool in_dispatch;
	bool in_list;		/* a list callback is running */
	kcoap_observers_fn obs_fn;	/* kcoap_on_observers() */
	void *obs_arg;
	int last_err;
	char detail[256];	/* extack or library message, "" if none */
	char errtext[320];	/* "strerror: detail", kcoap_last_error() */
};

/*
 * Called for each reply message of a control call (not for ACK/DONE);
 * a negative return is kept as the call's result, later replies of the
 * call are then still read but not passed on.
 */
typedef int (*kc_reply_fn)(struct kcoap *k, struct nlmsghdr *nlh, void *arg);

/* stats.c: a nested COAP_A_STATS into out[COAP_STATS_A_MAX + 1] */
void kc_parse_stats(const struct nlattr *nest, uint64_t *out);

/* msg.c */
struct nl_msg *kc_msg_new(struct kcoap *k, uint8_t cmd, int flags,
			  size_t attr_bytes);
int kc_put(struct kcoap *k, struct nl_msg *msg, int type, const void *data,
	   size_t len);
int kc_put_str(struct kcoap *k, struct nl_msg *msg, int type, const char *s);
int kc_put_u16(struct kcoap *k, struct nl_msg *msg, int type, uint16_t v);
int kc_put_u32(struct kcoap *k, struct nl_msg *msg, int type, uint32_t v);
int kc_put_addr(struct kcoap *k, struct nl_msg *msg, int type,
		const struct sockaddr *sa, socklen_t len);
int kc_put_options(struct kcoap *k, struct nl_msg *msg,
		   const struct kcoap_option *opts, size_t n);
const char *kc_attr_str(const struct nlattr *nla);
int kc_attr_addr(const struct nlattr *nla, struct sockaddr_storage *ss,
		 socklen_t *len);
struct nlattr *kc_attrs(struct nlmsghdr *nlh, int *len);

/* xfer.c */
int kc_transact(struct kcoap *k, struct nl_msg *msg, kc_reply_fn fn,
		void *arg);
int kc_recv(struct kcoap *k, struct kc_rxbuf *buf, int64_t deadline);
bool kc_is_request(const struct kcoap *k, const struct nlmsghdr *nlh);
int kc_enter(struct kcoap *k);

/* resource.c */
int kc_path_cmd(struct kcoap *k, uint8_t cmd, const char *path);

/* error.c */
int kc_fail(struct kcoap *k, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kc_nl_error(struct kcoap *k, struct nlmsghdr *nlh,
		const struct nl_msg *sent);
int kc_errno(int nlerr);

#endif /* KCOAP_INTERNAL_H */
