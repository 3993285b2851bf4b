// SPDX-License-Identifier: GPL-2.0
/*
 * kcoapbenchd: the resource daemon of the kcoap benchmarks, on libkcoap.
 *
 *   --publish PATH=TEXT  register PATH and publish TEXT: the kernel answers
 *                        GET by itself (the fast path, measurement a)
 *   --respond PATH=TEXT  register PATH without publishing: every GET is
 *                        forwarded over netlink and answered here with
 *                        2.05, Content-Format 0, Max-Age 60 and TEXT
 *                        (the daemon path, measurement b)
 *   --fill N             also register N resources /fill/0 ... /fill/N-1
 *                        (for the growth measurements)
 *   --endpoint ADDR      open a CoAP endpoint first (e.g. 127.0.0.1:5683 in
 *                        a network namespace that has none), closed again
 *                        on exit
 *
 * Once everything is registered it prints "ready N" (N: resources it
 * registered) on stdout and serves until SIGINT or SIGTERM; closing its
 * netlink socket then removes every resource.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kcoap.h>

#define MAX_PATHS	16

struct entry {
	char *path;
	const char *text;
	bool publish;
};

static volatile sig_atomic_t stop;
static struct entry entries[MAX_PATHS];
static unsigned int nentries;
static unsigned long answered, respond_errors, overruns;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: kcoapbenchd [--endpoint ADDR[:PORT]] [--publish PATH=TEXT]...\n"
"                   [--respond PATH=TEXT]... [--fill N]\n"
"\n"
"  -p, --publish PATH=TEXT  register PATH and publish TEXT (kernel answers)\n"
"  -r, --respond PATH=TEXT  register PATH; answer each GET over netlink\n"
"                           with 2.05 and TEXT\n"
"  -f, --fill N             register N more resources /fill/0.../fill/N-1\n"
"  -e, --endpoint ADDR      open this CoAP endpoint first (port default 5683)\n"
"                           and close it on exit; one already open is fine\n"
"  -h, --help               this text\n"
"\n"
"Prints \"ready N\" once N resources are registered, then serves until\n"
"SIGINT/SIGTERM.  Needs the coap module and CAP_NET_ADMIN.\n");
}

static void add_entry(const char *arg, bool publish)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || nentries == MAX_PATHS) {
		fprintf(stderr, "kcoapbenchd: expected PATH=TEXT (at most %d), got '%s'\n",
			MAX_PATHS, arg);
		exit(2);
	}
	entries[nentries].path = strndup(arg, (size_t)(eq - arg));
	entries[nentries].text = eq + 1;
	entries[nentries].publish = publish;
	nentries++;
}

static void on_request(struct kcoap *k, const struct kcoap_request *req,
		       void *arg)
{
	struct kcoap_response resp = {
		.code = COAP_CODE(2, 5),
		.content_format = COAP_CT_TEXT_PLAIN,
		.max_age = 60,
	};
	unsigned int i;

	(void)arg;
	for (i = 0; i < nentries; i++)
		if (!strcmp(entries[i].path, req->path))
			break;
	if (i == nentries || req->code != COAP_METHOD_GET) {
		resp.code = i == nentries ? COAP_CODE(4, 4) : COAP_CODE(4, 5);
		resp.content_format = -1;
		resp.max_age = -1;
	} else {
		resp.payload = entries[i].text;
		resp.payload_len = strlen(entries[i].text);
	}
	if (kcoap_respond(k, req->handle, &resp))
		respond_errors++;
	else
		answered++;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "publish", required_argument, NULL, 'p' },
		{ "respond", required_argument, NULL, 'r' },
		{ "fill", required_argument, NULL, 'f' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long fill = 0, i, registered = 0;
	const char *endpoint = NULL;
	struct sockaddr_storage ep;
	bool ep_opened = false;
	socklen_t ep_len = 0;
	struct kcoap *k;
	double t0;
	int c, err;

	while ((c = getopt_long(argc, argv, "p:r:f:e:h", lo, NULL)) != -1) {
		switch (c) {
		case 'e':
			endpoint = optarg;
			if (kcoap_addr_parse(optarg, &ep, &ep_len)) {
				fprintf(stderr, "kcoapbenchd: --endpoint: bad address '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'p': add_entry(optarg, true); break;
		case 'r': add_entry(optarg, false); break;
		case 'f': {
			char *end;

			errno = 0;
			fill = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || fill > 10000000) {
				fprintf(stderr, "kcoapbenchd: --fill: a count, got '%s'\n",
					optarg);
				return 2;
			}
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (!nentries && !fill)) {
		usage(stderr);
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	k = kcoap_open(&err);
	if (!k) {
		fprintf(stderr, "kcoapbenchd: kcoap_open: %s%s\n", strerror(-err),
			err == -ENOENT ? " (is coap.ko loaded?)" : "");
		return 3;
	}
	if (endpoint) {
		err = kcoap_endpoint_add(k, (struct sockaddr *)&ep, ep_len);
		if (err && err != -EEXIST) {
			fprintf(stderr, "kcoapbenchd: endpoint %s: %s\n", endpoint,
				kcoap_last_error(k));
			return 1;
		}
		ep_opened = !err;
	}
	for (i = 0; i < nentries; i++) {
		struct kcoap_resource res = { .path = entries[i].path, .ct = -1 };

		if (kcoap_resource_add(k, &res)) {
			fprintf(stderr, "kcoapbenchd: add %s: %s\n",
				entries[i].path, kcoap_last_error(k));
			return 1;
		}
		registered++;
		if (entries[i].publish) {
			struct kcoap_representation rep = {
				.payload = entries[i].text,
				.len = strlen(entries[i].text),
				.content_format = COAP_CT_TEXT_PLAIN,
				.max_age = 60,
			};

			if (kcoap_publish(k, entries[i].path, &rep)) {
				fprintf(stderr, "kcoapbenchd: publish %s: %s\n",
					entries[i].path, kcoap_last_error(k));
				return 1;
			}
		}
	}
	t0 = mono();
	for (i = 0; i < fill && !stop; i++) {
		char path[32];
		struct kcoap_resource res = { .path = path, .ct = -1 };

		snprintf(path, sizeof(path), "/fill/%lu", i);
		if (kcoap_resource_add(k, &res)) {
			fprintf(stderr, "kcoapbenchd: add %s (after %lu): %s\n",
				path, registered, kcoap_last_error(k));
			return 1;
		}
		registered++;
		/* requests that came meanwhile would wait in the handle */
		if (kcoap_pending(k))
			kcoap_dispatch(k, on_request, NULL);
	}
	if (fill)
		fprintf(stderr, "kcoapbenchd: registered %lu resources in %.2f s\n",
			fill, mono() - t0);
	printf("ready %lu\n", registered);
	fflush(stdout);

	while (!stop) {
		struct pollfd p = { .fd = kcoap_fd(k), .events = POLLIN };
		int n;

		if (!kcoap_pending(k) && poll(&p, 1, 200) <= 0)
			continue;
		n = kcoap_dispatch(k, on_request, NULL);
		if (n == -ENOBUFS)
			overruns++;
		else if (n < 0 && n != -EAGAIN && n != -EINTR)
			fprintf(stderr, "kcoapbenchd: dispatch: %s\n",
				kcoap_last_error(k));
	}
	if (ep_opened && kcoap_endpoint_del(k, (struct sockaddr *)&ep, ep_len))
		fprintf(stderr, "kcoapbenchd: closing endpoint %s: %s\n",
			endpoint, kcoap_last_error(k));
	kcoap_close(k);
	if (answered || respond_errors || overruns)
		fprintf(stderr, "kcoapbenchd: answered %lu, respond errors %lu, receive overruns %lu\n",
			answered, respond_errors, overruns);
	return 0;
}
