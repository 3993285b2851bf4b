// SPDX-License-Identifier: GPL-2.0
/*
 * coap-get HOST PATH [PORT]: GET a CoAP resource through a CoAP socket.
 * The kernel picks the Message ID, retransmits, acknowledges a separate
 * response and reports a failed request on the error queue; this program
 * only writes the request and reads the answer.  Exit 0 on 2.xx, 1 on
 * another code, 2 when the request failed, 3 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/coap.h>

/* Offset of the payload in a CoAP message (RFC 7252 section 3), or n. */
static size_t payload_at(const unsigned char *m, size_t n)
{
	size_t i = 4 + (m[0] & 15), ext[] = { 0, 0 };
	int k;

	while (i < n && m[i] != 0xff) {
		unsigned char b = m[i++];

		for (k = 0; k < 2; k++) {	/* delta, then length */
			unsigned int nib = k ? b & 15 : b >> 4;

			ext[k] = nib < 13 ? nib : nib == 13 ? 13u + m[i] :
				 269u + (m[i] << 8 | m[i + 1]);
			i += nib == 13 ? 1 : nib == 14 ? 2 : 0;
		}
		i += ext[1];
	}
	return i < n ? i + 1 : n;
}

int main(int argc, char **argv)
{
	unsigned char req[300] = { 0x42, COAP_METHOD_GET, 0, 0, 'k', 'c' };
	unsigned char resp[1500], ctl[128];
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	struct pollfd pfd = { .events = POLLIN };
	struct iovec iov = { resp, sizeof(resp) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	unsigned char delta = 11;	/* Uri-Path; then 0 for the rest */
	size_t len = 6, seg, at;
	ssize_t n;
	char *s;

	if (argc < 3 || strlen(argv[2]) > 250)
		return fprintf(stderr, "usage: coap-get HOST PATH [PORT]\n"), 3;
	sa.sin6_port = htons(argc > 3 ? atoi(argv[3]) : COAP_DEFAULT_PORT);
	if (inet_pton(AF_INET6, argv[1], &sa.sin6_addr) != 1) {
		/* an IPv4 address, IPv4-mapped for the IPv6 socket */
		sa.sin6_addr.s6_addr[10] = sa.sin6_addr.s6_addr[11] = 0xff;
		if (inet_pton(AF_INET, argv[1], &sa.sin6_addr.s6_addr[12]) != 1)
			return fprintf(stderr, "bad address %s\n", argv[1]), 3;
	}
	for (s = strtok(argv[2], "/"); s; s = strtok(NULL, "/"), delta = 0) {
		seg = strlen(s);
		req[len] = delta << 4 | (seg < 13 ? seg : 13);
		len++;
		if (seg >= 13)
			req[len++] = seg - 13;
		memcpy(req + len, s, seg);
		len += seg;
	}
	pfd.fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_COAP);
	if (pfd.fd < 0)
		return perror("socket(IPPROTO_COAP)"), 2;
	if (sendto(pfd.fd, req, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return perror("sendto"), 2;
	if (poll(&pfd, 1, 300000) != 1)
		return fprintf(stderr, "no answer\n"), 2;
	if (pfd.revents & POLLERR) {
		/* the kernel gave up: the error queue says why */
		struct coap_sock_err *e = NULL;
		struct cmsghdr *c;

		if (recvmsg(pfd.fd, &mh, MSG_ERRQUEUE) >= 0)
			for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
				if (c->cmsg_level == SOL_COAP &&
				    c->cmsg_type == COAP_CMSG_ERROR)
					e = (struct coap_sock_err *)CMSG_DATA(c);
		fprintf(stderr, "request failed: %s\n",
			strerror(e ? (int)e->error : EIO));
		return 2;
	}
	n = recv(pfd.fd, resp, sizeof(resp), 0);
	if (n < 4)
		return perror("recv"), 2;
	at = payload_at(resp, n);
	printf("%u.%02u %.*s\n", resp[1] >> 5, resp[1] & 31, (int)(n - at),
	       (char *)resp + at);
	return resp[1] >> 5 == 2 ? 0 : 1;
}
