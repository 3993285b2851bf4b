// SPDX-License-Identifier: GPL-2.0
/*
 * coapd: a CoAP resource daemon for the kcoap kernel module.  It registers
 * the resources of its configuration file, publishes what can be served
 * by the kernel alone, and answers the rest from a single poll() loop.
 * Foreground only, logs to stderr: made for systemd and the like.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "coapd.h"

#define DEFAULT_CONFIG	"/etc/coapd.conf"

static const char usage[] =
"Usage: coapd [-c FILE] [-n] [-v]\n"
"\n"
"Serve the CoAP resources described in FILE through the kcoap kernel\n"
"module.  Static and writable content is published to the kernel, which\n"
"answers GET by itself; file and command resources are read or run at\n"
"each GET.  coapd stays in the foreground, logs to stderr and exits\n"
"cleanly on SIGINT or SIGTERM; its resources vanish with it.\n"
"\n"
"Options:\n"
"  -c, --config FILE   configuration file (default " DEFAULT_CONFIG ")\n"
"  -n, --check         check the configuration and exit\n"
"  -v, --verbose       log every request and its answer\n"
"  -h, --help          this text\n"
"\n"
"The file format is documented in coapd.conf.5.md and the example\n"
"coapd.conf shipped with kcoap.\n"
"\n"
"Exit status:\n"
"  0  clean exit (signal, or -n and the configuration is valid)\n"
"  1  runtime error (the kernel refused a resource or an endpoint, ...)\n"
"  2  usage error\n"
"  3  the coap module is not loaded\n"
"  4  configuration error (printed as FILE:LINE: reason)\n";

/* mine[i]: coapd opened listen address i itself, and closes it at exit. */
static int open_endpoints(struct coapd *d, bool *mine)
{
	const struct listen_conf *l;
	size_t i;
	int err;

	for (i = 0; i < d->conf.nlisten; i++) {
		l = &d->conf.listen[i];
		err = kcoap_endpoint_add(d->k, (const void *)&l->addr, l->len);
		if (err == -EEXIST) {
			log_info("endpoint %s already open", l->text);
		} else if (err) {
			log_err("endpoint %s (line %d): %s", l->text, l->line,
				kcoap_last_error(d->k));
			return -1;
		} else {
			mine[i] = true;
			log_info("endpoint %s opened", l->text);
		}
	}
	return 0;
}

static void close_endpoints(struct coapd *d, const bool *mine)
{
	const struct listen_conf *l;
	size_t i;

	for (i = 0; i < d->conf.nlisten; i++) {
		l = &d->conf.listen[i];
		if (mine[i] &&
		    kcoap_endpoint_del(d->k, (const void *)&l->addr, l->len))
			log_err("closing endpoint %s: %s", l->text,
				kcoap_last_error(d->k));
	}
}

/* Drain the signalfd; true when it is time to stop. */
static bool signals(int sfd)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM) {
			log_info("signal %u, exiting", si.ssi_signo);
			stop = true;
		}
	}
	return stop;
}

static int loop(struct coapd *d, int sfd)
{
	struct pollfd pfd[2 + MAX_JOBS];
	struct job *owner[MAX_JOBS];
	int n, njobs, timeout;

	for (;;) {
		pfd[0] = (struct pollfd){ .fd = kcoap_fd(d->k), .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		njobs = jobs_pollfds(d, pfd + 2, owner);
		/* requests queued during our own control calls: no wait */
		timeout = kcoap_pending(d->k) ? 0 : jobs_timeout(d);
		n = poll(pfd, 2 + njobs, timeout);
		if (n < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return EXIT_RUNTIME;
		}
		if (n > 0 && pfd[1].revents && signals(sfd))
			return 0;
		if (n > 0)
			jobs_io(d, pfd + 2, owner, njobs);
		jobs_reap(d);
		jobs_expire(d);
		if ((n > 0 && pfd[0].revents) || kcoap_pending(d->k)) {
			n = kcoap_dispatch(d->k, handle_request, d);
			if (n == -ENOBUFS)
				log_err("%s", kcoap_last_error(d->k));
			else if (n < 0) {
				log_err("receiving requests: %s",
					kcoap_last_error(d->k));
				return EXIT_RUNTIME;
			}
		}
	}
}

/* The kernel tells us when a resource gains its first or loses its last. */
static void on_observers(struct kcoap *k, const char *path, uint32_t n,
			 void *arg)
{
	(void)k;
	(void)arg;
	log_info("%s: %s", path, n ? "observed" : "no longer observed");
}

/* Everything after the configuration is loaded. */
static int run(struct coapd *d)
{
	bool *mine = NULL;
	sigset_t mask;
	int err, sfd = -1, status = EXIT_RUNTIME;

	/* signals arrive through a fd so that poll() never misses one */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    (sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		log_err("signalfd: %s", strerror(errno));
		return EXIT_RUNTIME;
	}

	d->k = kcoap_open(&err);
	if (!d->k) {
		if (err == -ENOENT) {
			log_err("coap module not loaded (no \"%s\" generic netlink family)",
				COAP_GENL_NAME);
			status = EXIT_NOMODULE;
		} else {
			log_err("netlink: %s", strerror(-err));
		}
		goto out;
	}
	kcoap_on_observers(d->k, on_observers, d);
	mine = calloc(d->conf.nlisten + 1, sizeof(*mine));
	if (!mine) {
		log_err("out of memory");
		goto out;
	}
	if (open_endpoints(d, mine) || resources_start(d))
		goto out;
	log_info("ready: %zu resources", d->nres);
	notify_systemd("READY=1");
	status = loop(d, sfd);
	notify_systemd("STOPPING=1");
out:
	jobs_kill_all(d);
	if (mine)
		close_endpoints(d, mine);
	free(mine);
	/* closing the socket is what removes the resources */
	kcoap_close(d->k);
	resources_free(d);
	close(sfd);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = DEFAULT_CONFIG;
	struct coapd d = { .k = NULL };
	bool check = false;
	int c, status;

	while ((c = getopt_long(argc, argv, "c:nvh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			file = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return fflush(stdout) ? EXIT_RUNTIME : 0;
		default:
			fputs("Try 'coapd --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "coapd: unexpected argument '%s'\nTry 'coapd --help'.\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (config_load(file, &d.conf))
		return EXIT_CONFIG;
	if (check) {
		printf("%s: ok, %zu resources, %zu endpoints\n", file,
		       d.conf.nres, d.conf.nlisten);
		config_free(&d.conf);
		return fflush(stdout) ? EXIT_RUNTIME : 0;
	}
	status = run(&d);
	config_free(&d.conf);
	return status;
}
