// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening and closing a handle: the socket, its options, the family. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/*
 * Requests queue up in the socket while the daemon is busy; a big buffer
 * turns bursts into latency rather than 5.03s.  Sends must fit a
 * COAP_PUBLISH_MAX payload plus attributes.
 */
#define KC_RCVBUF	(4 << 20)
#define KC_SNDBUF	(256 << 10)

static int set_buffers(int fd)
{
	int rcv = KC_RCVBUF, snd = KC_SNDBUF;

	/* FORCE works with CAP_NET_ADMIN; else settle for rmem_max */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)))
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd)))
		return -errno;
	return 0;
}

static int setup(struct kcoap *k)
{
	int one = 1, err, flags;

	k->sk = nl_socket_alloc();
	if (!k->sk)
		return -ENOMEM;
	err = genl_connect(k->sk);
	if (err)
		return kc_errno(err);
	k->fd = nl_socket_get_fd(k->sk);
	k->portid = nl_socket_get_local_port(k->sk);

	k->family = genl_ctrl_resolve(k->sk, COAP_GENL_NAME);
	if (k->family < 0)
		return kc_errno(k->family);

	/* from here on xfer.c asks for ACKs and reads them itself */
	nl_socket_disable_auto_ack(k->sk);
	/* extack is best effort: kernels before 4.12 lack it */
	setsockopt(k->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* errors then echo only the header, not a 64 KiB publish */
	setsockopt(k->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	/* daemons fork commands: the socket must not leak into them */
	flags = fcntl(k->fd, F_GETFD);
	if (flags < 0 || fcntl(k->fd, F_SETFD, flags | FD_CLOEXEC) < 0)
		return -errno;
	return set_buffers(k->fd);
}

struct kcoap *kcoap_open(int *errp)
{
	struct kcoap *k;
	int err;

	k = calloc(1, sizeof(*k));
	if (!k) {
		if (errp)
			*errp = -ENOMEM;
		return NULL;
	}
	k->fd = -1;
	k->stash_tail = &k->stash;
	err = setup(k);
	if (err) {
		kcoap_close(k);
		if (errp)
			*errp = err;
		return NULL;
	}
	return k;
}

void kcoap_close(struct kcoap *k)
{
	struct kc_stashed *s, *next;

	if (!k)
		return;
	for (s = k->stash; s; s = next) {
		next = s->next;
		free(s);
	}
	free(k->rx.data);
	if (k->sk)
		nl_socket_free(k->sk);	/* closes the fd */
	free(k);
}

int kcoap_fd(const struct kcoap *k)
{
	return k->fd;
}

uint32_t kcoap_portid(const struct kcoap *k)
{
	return k->portid;
}
