// SPDX-License-Identifier: GPL-2.0
/*
 * Command resources: each GET runs the command under /bin/sh -c with its
 * stdout on a pipe that the main poll() loop reads, so a slow command
 * never holds up other requests.  A command that outlives its timeout or
 * writes more than OUTPUT_MAX bytes is killed with its whole process
 * group and the client gets 5.00.  At most MAX_JOBS run at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "coapd.h"

static void join_queries(const struct kcoap_request *req, char *buf,
			 size_t size)
{
	size_t i, used = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < req->nqueries; i++) {
		n = snprintf(buf + used, size - used, "%s%s", i ? "&" : "",
			     req->queries[i]);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += n;
	}
}

/* In the child: set up stdio, signals and environment, then exec. */
static void __attribute__((noreturn))
child(const char *command, int out, const struct kcoap_request *req)
{
	char peer[KCOAP_ADDRSTRLEN] = "", query[1024];
	const char *method = kcoap_method_name(req->code);
	sigset_t none;
	int null;

	setpgid(0, 0);	/* so that a timeout kills what it spawned too */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0)
		_exit(126);

	/* what the request was; the values come from the network */
	kcoap_addr_format((const void *)&req->peer, req->peer_len, peer,
			  sizeof(peer));
	join_queries(req, query, sizeof(query));
	setenv("COAP_METHOD", method ?: "", 1);
	setenv("COAP_PATH", req->path, 1);
	setenv("COAP_QUERY", query, 1);
	setenv("COAP_PEER", peer, 1);

	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

int job_start(struct coapd *d, const struct resource *r,
	      const struct kcoap_request *req, const char *what)
{
	struct job *j = NULL;
	int fds[2], i, err;
	pid_t pid;

	for (i = 0; i < MAX_JOBS && !j; i++)
		if (!d->jobs[i].pid)
			j = &d->jobs[i];
	if (!j) {
		log_err("%s: %d commands already running", what, MAX_JOBS);
		return -EBUSY;
	}
	j->out = malloc(OUTPUT_MAX + 1);
	if (!j->out) {
		log_err("%s: out of memory", what);
		return -ENOMEM;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		err = -errno;
		log_err("%s: pipe: %s", what, strerror(-err));
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		log_err("%s: fork: %s", what, strerror(-err));
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	if (!pid)
		child(r->conf->command, fds[1], req);

	setpgid(pid, pid);	/* also here: no race with kill(-pid) */
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	j->pid = pid;
	j->fd = fds[0];
	j->exited = false;
	j->answered = false;
	j->handle = req->handle;
	j->res = r;
	j->len = 0;
	j->deadline = now_ms() + r->conf->timeout * 1000;
	snprintf(j->what, sizeof(j->what), "%s", what);
	log_info("%s: started '%s' (pid %d)", what, r->conf->command, pid);
	return 0;
fail:
	free(j->out);
	j->out = NULL;
	return err;
}

/* Free the slot once the child is reaped and its pipe closed. */
static void settle(struct coapd *d, struct job *j)
{
	if (!j->exited || j->fd >= 0)
		return;
	if (!j->answered) {
		if (WIFEXITED(j->status) && !WEXITSTATUS(j->status)) {
			reply_content(d, j->handle, j->what, COAP_CODE(2, 5),
				      j->res, j->out, j->len);
		} else {
			if (WIFEXITED(j->status))
				log_err("%s: command exited with status %d",
					j->what, WEXITSTATUS(j->status));
			else
				log_err("%s: command killed by signal %d",
					j->what, WTERMSIG(j->status));
			reply_error(d, j->handle, j->what, COAP_CODE(5, 0),
				    NULL);
		}
	}
	free(j->out);
	memset(j, 0, sizeof(*j));	/* pid 0: free */
}

/* Kill the command's process group and answer 5.00 now. */
static void abort_job(struct coapd *d, struct job *j, const char *why)
{
	log_err("%s: %s, killing it", j->what, why);
	kill(-j->pid, SIGKILL);
	if (j->fd >= 0) {
		close(j->fd);
		j->fd = -1;
	}
	j->answered = true;
	reply_error(d, j->handle, j->what, COAP_CODE(5, 0), NULL);
	settle(d, j);
}

/* The pipes to poll; owner[i] is the job of pfd[i]. */
int jobs_pollfds(struct coapd *d, struct pollfd *pfd, struct job **owner)
{
	int i, n = 0;

	for (i = 0; i < MAX_JOBS; i++) {
		if (!d->jobs[i].pid || d->jobs[i].fd < 0)
			continue;
		pfd[n] = (struct pollfd){ .fd = d->jobs[i].fd, .events = POLLIN };
		owner[n++] = &d->jobs[i];
	}
	return n;
}

static void read_output(struct coapd *d, struct job *j)
{
	ssize_t n;

	for (;;) {
		n = read(j->fd, j->out + j->len, OUTPUT_MAX + 1 - j->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			abort_job(d, j, strerror(errno));
			return;
		}
		j->len += n;
		if (j->len > OUTPUT_MAX) {
			abort_job(d, j, "output too large");
			return;
		}
		if (!n) {
			close(j->fd);
			j->fd = -1;
			settle(d, j);
			return;
		}
	}
}

void jobs_io(struct coapd *d, const struct pollfd *pfd, struct job **owner,
	     int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pfd[i].revents && owner[i]->pid && owner[i]->fd == pfd[i].fd)
			read_output(d, owner[i]);
}

/* Collect exited children (after SIGCHLD, or any time: it never blocks). */
void jobs_reap(struct coapd *d)
{
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < MAX_JOBS; i++) {
			if (d->jobs[i].pid != pid)
				continue;
			d->jobs[i].exited = true;
			d->jobs[i].status = status;
			settle(d, &d->jobs[i]);
			break;
		}
	}
}

void jobs_expire(struct coapd *d)
{
	int64_t now = now_ms();
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (d->jobs[i].pid && !d->jobs[i].answered &&
		    d->jobs[i].deadline <= now)
			abort_job(d, &d->jobs[i], "timed out");
}

/* Milliseconds until the next command times out; -1: none is running. */
int jobs_timeout(const struct coapd *d)
{
	int64_t next = -1, left;
	int i;

	for (i = 0; i < MAX_JOBS; i++) {
		if (!d->jobs[i].pid || d->jobs[i].answered)
			continue;
		left = d->jobs[i].deadline - now_ms();
		if (left < 0)
			left = 0;
		if (next < 0 || left < next)
			next = left;
	}
	return next;
}

/* At exit: nothing may outlive coapd. */
void jobs_kill_all(struct coapd *d)
{
	struct job *j;
	int i;

	for (i = 0; i < MAX_JOBS; i++) {
		j = &d->jobs[i];
		if (!j->pid)
			continue;
		kill(-j->pid, SIGKILL);
		if (!j->exited)
			waitpid(j->pid, NULL, 0);
		if (j->fd >= 0)
			close(j->fd);
		free(j->out);
		memset(j, 0, sizeof(*j));
	}
}
