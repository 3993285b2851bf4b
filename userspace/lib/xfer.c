// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Talking to the kernel: send a command, read until its ACK or end of
 * dump.  Requests (COAP_CMD_REQUEST, unsolicited) share the socket with
 * these replies, so any that arrive meanwhile are set aside in the
 * handle's stash for kcoap_dispatch().  The receive loop is ours rather
 * than nl_recvmsgs(): it needs real errnos (ENOBUFS means lost requests),
 * extack, and messages of any size.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "internal.h"

#define KC_RXBUF_MIN	32768

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_readable(int fd, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int grow(struct kc_rxbuf *buf, size_t need)
{
	size_t size = need < KC_RXBUF_MIN ? KC_RXBUF_MIN : need;
	void *p;

	size = (size + 4095) & ~(size_t)4095;
	p = realloc(buf->data, size);
	if (!p)
		return -ENOMEM;
	buf->data = p;
	buf->size = size;
	return 0;
}

/*
 * Read one datagram from the kernel into @buf, growing it to fit.
 * @deadline: CLOCK_MONOTONIC ms to wait until, 0 not to wait.
 * Returns its length, -EAGAIN (nothing and no waiting), -ETIMEDOUT,
 * -ENOBUFS (the socket overflowed), or another negative errno.
 */
int kc_recv(struct kcoap *k, struct kc_rxbuf *buf, int64_t deadline)
{
	struct sockaddr_nl from;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int err;

	for (;;) {
		/* learn the size without consuming the datagram */
		iov = (struct iovec){ NULL, 0 };
		mh.msg_name = NULL;
		mh.msg_namelen = 0;
		n = recvmsg(k->fd, &mh, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN || !deadline)
				return -errno;
			err = wait_readable(k->fd, deadline);
			if (err)
				return err;
			continue;
		}
		if ((size_t)n > buf->size) {
			err = grow(buf, n);
			if (err)
				return err;
		}
		iov = (struct iovec){ buf->data, buf->size };
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		n = recvmsg(k->fd, &mh, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		/* only the kernel speaks for the family; ignore other ports */
		if (mh.msg_namelen == sizeof(from) && from.nl_pid == 0 &&
		    !(mh.msg_flags & MSG_TRUNC))
			return n;
	}
}

bool kc_is_request(const struct kcoap *k, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *gnlh;

	if (nlh->nlmsg_type != k->family ||
	    !genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return false;
	gnlh = nlmsg_data(nlh);
	/* both unsolicited: delivered by kcoap_dispatch() */
	return gnlh->cmd == COAP_CMD_REQUEST || gnlh->cmd == COAP_CMD_OBSERVERS;
}

/* Keep a copy of a request for kcoap_dispatch(); losing one is an overrun. */
static void stash(struct kcoap *k, struct nlmsghdr *nlh)
{
	struct kc_stashed *s = malloc(sizeof(*s) + nlh->nlmsg_len);

	if (!s) {
		k->overrun = true;
		return;
	}
	s->next = NULL;
	memcpy(s->msg, nlh, nlh->nlmsg_len);
	*k->stash_tail = s;
	k->stash_tail = &s->next;
}

static int send_msg(struct kcoap *k, struct nlmsghdr *nlh)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	ssize_t n;

	do {
		n = sendto(k->fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&to,
			   sizeof(to));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return kc_fail(k, -errno, "sending to the kernel");
	return 0;
}

int kc_enter(struct kcoap *k)
{
	if (k->in_list)
		return kc_fail(k, -EBUSY, "called from a list callback");
	return 0;
}

/*
 * Send @msg (consumed) and read until the kernel's ACK, error or end of
 * dump, passing every reply to @fn.  Returns 0, the kernel's negative
 * errno (recorded with its extack), or @fn's first negative return.
 */
int kc_transact(struct kcoap *k, struct nl_msg *msg, kc_reply_fn fn,
		void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err, ret = 0, n, len;
	int64_t deadline;
	bool done = false;
	uint32_t seq;

	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	nl_complete_msg(k->sk, msg);
	seq = nlh->nlmsg_seq;
	err = send_msg(k, nlh);
	if (err)
		goto out;

	deadline = now_ms() + KC_REPLY_TIMEOUT_MS;
	while (!done) {
		n = kc_recv(k, &k->rx, deadline);
		if (n == -ENOBUFS) {
			/* requests were lost; our reply may still come */
			k->overrun = true;
			continue;
		}
		if (n < 0) {
			err = kc_fail(k, n, n == -ETIMEDOUT ?
				      "no answer from the kernel" : NULL);
			goto out;
		}
		len = n;
		for (struct nlmsghdr *h = k->rx.data; nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len)) {
			if (kc_is_request(k, h)) {
				stash(k, h);
			} else if (h->nlmsg_seq != seq) {
				continue;	/* late reply to a failed call */
			} else if (h->nlmsg_type == NLMSG_ERROR ||
				   h->nlmsg_type == NLMSG_DONE) {
				err = kc_nl_error(k, h, msg);
				done = true;
			} else if (h->nlmsg_type >= NLMSG_MIN_TYPE && fn &&
				   ret >= 0) {
				ret = fn(k, h, arg);
			}
		}
	}
	if (!err)
		err = ret;
out:
	nlmsg_free(msg);
	return err;
}
