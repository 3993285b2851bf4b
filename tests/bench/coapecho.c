// SPDX-License-Identifier: GPL-2.0
/*
 * coapecho: the fastest CoAP server userspace can be, as a yardstick.
 *
 * One UDP socket; datagrams are read with recvmmsg and answered with
 * sendmmsg in the same batch.  Every GET (CON or NON) is answered 2.05
 * with Content-Format 0, Max-Age 60 and a fixed payload -- piggybacked on
 * an ACK for CON, as a NON for NON -- whatever its Uri-Path: no resource
 * lookup, no state, no deduplication.  Other requests get 4.05, a CON
 * ping gets a Reset, anything else is dropped.  This is the ceiling for
 * any userspace server on the same machine and kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "coapmsg.h"

#define RX_BUF		1500
#define TX_BUF		1500
#define MAX_BATCH	1024

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: coapecho [-a ADDR] [-p PORT] [-P PAYLOAD] [-b BATCH]\n"
"\n"
"Answers every CoAP GET with 2.05, Content-Format 0, Max-Age 60 and\n"
"PAYLOAD, with recvmmsg/sendmmsg: the ceiling for a userspace server.\n"
"\n"
"  -a, --addr ADDR       address to bind (default :: , IPv4 and IPv6)\n"
"  -p, --port PORT       UDP port (default 5685)\n"
"  -P, --payload TEXT    payload of every answer (default \"hello\")\n"
"  -b, --batch N         datagrams per recvmmsg/sendmmsg (default 64)\n"
"  -h, --help            this text\n"
"\n"
"Runs until SIGINT or SIGTERM; prints \"ready\" on stdout once bound.\n");
}

/* Build the answer to @req in @out; returns its length, 0 for none. */
static size_t answer(const struct cm_msg *req, const char *payload,
		     size_t plen, uint16_t *next_mid, uint8_t *out)
{
	uint32_t last = 0;
	uint8_t *p;
	uint8_t type;
	uint16_t mid;

	if (req->type == CM_CON && req->code == 0 && !req->tkl) {
		out[0] = 0x40 | CM_RST << 4;	/* CoAP ping: Reset */
		out[1] = 0;
		out[2] = (uint8_t)(req->mid >> 8);
		out[3] = (uint8_t)req->mid;
		return 4;
	}
	if ((req->type != CM_CON && req->type != CM_NON) ||
	    req->code == 0 || req->code >= 32)
		return 0;	/* not a request */
	if (req->type == CM_CON) {
		type = CM_ACK;
		mid = req->mid;
	} else {
		type = CM_NON;
		mid = (*next_mid)++;
	}
	out[0] = (uint8_t)(0x40 | type << 4 | req->tkl);
	out[2] = (uint8_t)(mid >> 8);
	out[3] = (uint8_t)mid;
	memcpy(out + 4, req->token, req->tkl);
	p = out + 4 + req->tkl;
	if (req->code != CM_GET) {
		out[1] = CM_CODE(4, 5);
		return (size_t)(p - out);
	}
	out[1] = CM_CODE(2, 5);
	p = cm_put_uint(p, &last, CM_OPT_CONTENT_FORMAT, 0);
	p = cm_put_uint(p, &last, CM_OPT_MAX_AGE, 60);
	if (plen) {
		*p++ = 0xff;
		memcpy(p, payload, plen);
		p += plen;
	}
	return (size_t)(p - out);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "payload", required_argument, NULL, 'P' },
		{ "batch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
	};
	const char *addr = "::", *port = "5685", *payload = "hello";
	static struct sockaddr_storage peers[MAX_BATCH];
	static struct mmsghdr rm[MAX_BATCH], sm[MAX_BATCH];
	static struct iovec riov[MAX_BATCH], siov[MAX_BATCH];
	static uint8_t rbuf[MAX_BATCH][RX_BUF], sbuf[MAX_BATCH][TX_BUF];
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int batch = 64;
	struct addrinfo *ai;
	uint16_t next_mid;
	size_t plen;
	int c, fd, err, zero = 0, i;

	while ((c = getopt_long(argc, argv, "a:p:P:b:h", lo, NULL)) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'p': port = optarg; break;
		case 'P': payload = optarg; break;
		case 'b':
			batch = (unsigned int)atoi(optarg);
			if (batch < 1 || batch > MAX_BATCH) {
				fprintf(stderr, "coapecho: --batch: 1..%d\n",
					MAX_BATCH);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	plen = strlen(payload);
	if (plen > TX_BUF - 4 - 8 - 8 - 1) {
		fprintf(stderr, "coapecho: payload too long\n");
		return 2;
	}
	err = getaddrinfo(addr, port, &hints, &ai);
	if (err) {
		fprintf(stderr, "coapecho: %s port %s: %s\n", addr, port,
			gai_strerror(err));
		return 2;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("coapecho: socket");
		return 3;
	}
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen)) {
		fprintf(stderr, "coapecho: bind %s port %s: %s\n", addr, port,
			strerror(errno));
		return 3;
	}
	freeaddrinfo(ai);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (i = 0; i < (int)batch; i++) {
		riov[i].iov_base = rbuf[i];
		rm[i].msg_hdr.msg_iov = &riov[i];
		rm[i].msg_hdr.msg_iovlen = 1;
		rm[i].msg_hdr.msg_name = &peers[i];
		siov[i].iov_base = sbuf[i];
		sm[i].msg_hdr.msg_iov = &siov[i];
		sm[i].msg_hdr.msg_iovlen = 1;
	}
	next_mid = (uint16_t)getpid();
	printf("ready\n");
	fflush(stdout);

	while (!stop) {
		int n, out = 0, done = 0;

		for (i = 0; i < (int)batch; i++) {
			riov[i].iov_len = RX_BUF;
			rm[i].msg_hdr.msg_namelen = sizeof(peers[i]);
		}
		/* blocks for the first datagram only */
		n = recvmmsg(fd, rm, batch, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("coapecho: recvmmsg");
			return 3;
		}
		for (i = 0; i < n; i++) {
			struct cm_msg m;
			size_t len;

			if (!cm_parse(rbuf[i], rm[i].msg_len, &m))
				continue;
			len = answer(&m, payload, plen, &next_mid,
				     sbuf[out]);
			if (!len)
				continue;
			siov[out].iov_len = len;
			sm[out].msg_hdr.msg_name = &peers[i];
			sm[out].msg_hdr.msg_namelen = rm[i].msg_hdr.msg_namelen;
			out++;
		}
		while (done < out) {
			int r = sendmmsg(fd, sm + done, (unsigned int)(out - done), 0);

			if (r < 0) {
				if (errno == EINTR)
					continue;
				/* a peer gone (ICMP error) costs one answer */
				done++;
				continue;
			}
			done += r;
		}
	}
	return 0;
}
