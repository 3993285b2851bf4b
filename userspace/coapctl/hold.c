// SPDX-License-Identifier: GPL-2.0
/*
 * coapctl resource add --hold: keep the registration alive until SIGINT
 * or SIGTERM, answering the requests the kernel forwards meanwhile.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "coapctl.h"

struct hold {
	const char *path;
	const struct kcoap_representation *rep;	/* NULL: nothing published */
};

static void reply(struct kcoap *k, const struct kcoap_request *req,
		  uint8_t code, const char *text, int ct)
{
	char peer[KCOAP_ADDRSTRLEN] = "?";
	const char *method = kcoap_method_name(req->code);
	struct kcoap_response r = {
		.code = code,
		.content_format = ct,
		.max_age = -1,
		.payload = text,
		.payload_len = text ? strlen(text) : 0,
	};
	int err;

	kcoap_addr_format((const struct sockaddr *)&req->peer, req->peer_len,
			  peer, sizeof(peer));
	fprintf(stderr, "coapctl: %s %s from %s: %u.%02u\n",
		method ?: "?", req->path, peer, code >> 5, code & 31);
	err = kcoap_respond(k, req->handle, &r);
	if (err)
		fprintf(stderr, "coapctl: response: %s\n", kcoap_last_error(k));
}

static void answer(struct kcoap *k, const struct kcoap_request *req,
		   void *arg)
{
	const struct kcoap_representation *rep = ((struct hold *)arg)->rep;
	int ct = rep && rep->content_format >= 0 ? rep->content_format : 0;

	if (req->code != COAP_METHOD_GET) {
		reply(k, req, COAP_CODE(5, 1), "coapctl only holds this resource", -1);
	} else if (!rep) {
		reply(k, req, COAP_CODE(4, 4), "nothing published", -1);
	} else if (req->accept >= 0 && req->accept != ct) {
		reply(k, req, COAP_CODE(4, 6), NULL, -1);
	} else {
		/* the kernel serves GET itself; this is a fallback */
		struct kcoap_response r = {
			.code = COAP_CODE(2, 5),
			.content_format = ct,
			.max_age = rep->max_age,
			.etag = rep->etag,
			.etag_len = rep->etag_len,
			.payload = rep->payload ?: "",
			.payload_len = rep->len,
		};

		if (kcoap_respond(k, req->handle, &r))
			fprintf(stderr, "coapctl: response: %s\n",
				kcoap_last_error(k));
	}
}

static int loop(struct kcoap *k, int sfd, struct hold *h)
{
	struct pollfd p[2] = {
		{ .fd = kcoap_fd(k), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	int n;

	for (;;) {
		/* control calls may have queued requests: no poll then */
		if (!kcoap_pending(k)) {
			n = poll(p, 2, -1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				perror("coapctl: poll");
				return EXIT_FAILED;
			}
			if (p[1].revents)
				return 0;
		}
		n = kcoap_dispatch(k, answer, h);
		if (n == -ENOBUFS) {
			fprintf(stderr, "coapctl: %s\n", kcoap_last_error(k));
		} else if (n < 0) {
			fprintf(stderr, "coapctl: receiving requests: %s\n",
				kcoap_last_error(k));
			return EXIT_FAILED;
		}
	}
}

int hold_resource(struct kcoap *k, const char *path,
		  const struct kcoap_representation *rep)
{
	struct hold h = { .path = path, .rep = rep };
	sigset_t mask;
	int sfd, status;

	/* the signals arrive through the fd, so none is lost between polls */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL)) {
		perror("coapctl: sigprocmask");
		return EXIT_FAILED;
	}
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("coapctl: signalfd");
		return EXIT_FAILED;
	}
	fprintf(stderr, "coapctl: holding %s until SIGINT or SIGTERM\n", path);
	status = loop(k, sfd, &h);
	fprintf(stderr, "coapctl: releasing %s\n", path);
	close(sfd);
	return status;
}
