// SPDX-License-Identifier: GPL-2.0
/*
 * coapload: a CoAP (RFC 7252) load generator for the kcoap benchmarks.
 *
 * Keeps a fixed number of GET requests in flight (the window), each told
 * apart by its 8-byte token (slot number and generation), sends and
 * receives them in batches with sendmmsg/recvmmsg, optionally spreads them
 * over many source ports and paces them to a fixed rate, and records the
 * latency of every answer in a log-linear histogram (HdrHistogram-style:
 * 64 sub-buckets per power of two, under 1.6 % relative error).
 *
 * A CON request is answered by a piggybacked ACK (same Message ID) or by
 * an empty ACK and then a separate response, which coapload ACKs (RFC 7252
 * section 5.2.2).  It refuses to report (exit status 1, reason on stderr)
 * when anything went wrong: a request without an answer within the
 * timeout, an answer with an unknown or stale token, the wrong type,
 * Message ID, code or payload.  Numbers from a run that lost answers are
 * not numbers.
 *
 * Message IDs count up per source port and wrap after 65536 requests; a
 * server that remembered MIDs for all of EXCHANGE_LIFETIME (247 s) would
 * take a wrapped one for a duplicate.  Spread long fast runs over more
 * ports (-P) if a server does that.
 *
 * Run "coapload --help" for the options.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "coapmsg.h"

#define TOKEN_LEN	8
#define REQ_MAX		1100		/* header, token, Uri-Path options */
#define RX_BUF		2048
#define MAX_WINDOW	(1u << 20)
#define MAX_BATCH	1024
#define MAX_SOCKETS	60000
#define MAX_SECONDS	86400.0
#define EPOLL_EVENTS	256

/* ---- latency histogram ---- */

#define H_SUB_BITS	7
#define H_SUB		(1u << H_SUB_BITS)	/* exact below this (ns) */
#define H_HALF		(H_SUB / 2)		/* sub-buckets per power of 2 */
#define H_BUCKETS	(H_SUB + (64 - H_SUB_BITS) * H_HALF)

struct hist {
	uint64_t count[H_BUCKETS];
	uint64_t n, sum, max;
};

static unsigned int h_index(uint64_t v)
{
	unsigned int msb, shift;

	if (v < H_SUB)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - (H_SUB_BITS - 1);
	return H_SUB + (msb - H_SUB_BITS) * H_HALF +
	       (unsigned int)(v >> shift) - H_HALF;
}

/* The highest value that lands in bucket @i. */
static uint64_t h_upper(unsigned int i)
{
	unsigned int j, msb, top, shift;

	if (i < H_SUB)
		return i;
	j = i - H_SUB;
	msb = j / H_HALF + H_SUB_BITS;
	top = j % H_HALF + H_HALF;
	shift = msb - (H_SUB_BITS - 1);
	return (((uint64_t)top + 1) << shift) - 1;
}

static void h_record(struct hist *h, uint64_t v)
{
	h->count[h_index(v)]++;
	h->n++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

/* Value at percentile @p (0..100]: the bucket's highest value, or max. */
static uint64_t h_pct(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (!h->n)
		return 0;
	rank = (uint64_t)ceil(p / 100.0 * (double)h->n);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < H_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= rank)
			return h_upper(i) < h->max ? h_upper(i) : h->max;
	}
	return h->max;
}

/* ---- state ---- */

struct slot {
	uint64_t sent;		/* ns, CLOCK_MONOTONIC; valid when busy */
	uint32_t gen;		/* generation in the token of the last send */
	uint32_t sock;		/* index of the socket it went out on */
	uint16_t mid;
	bool busy;
	bool acked;		/* empty ACK seen: a separate response follows */
};

struct opts {
	const char *server;
	const char *path;
	double duration, warmup;
	unsigned int window, batch, nsock;
	double rate;
	bool non, json;
	const char *expect_payload;
	int expect_code;
	unsigned int timeout_ms;
	const char *label;
	uint64_t max_requests;
};

enum phase { WARMUP, MEASURE, DRAIN };

static struct opts o = {
	.server = "127.0.0.1:5683",
	.path = "/",
	.duration = 5.0,
	.warmup = 1.0,
	.window = 64,
	.batch = 32,
	.nsock = 1,
	.expect_code = CM_CODE(2, 5),
	.timeout_ms = 3000,
};

static struct sockaddr_storage srv;
static socklen_t srv_len;
static int *fds;
static uint16_t *sock_mid;
static struct slot *slots;
static uint32_t *freeq;			/* ring of free slot numbers */
static uint32_t free_head, free_count;
static uint32_t rr;			/* next socket, round robin */
static uint8_t req_tmpl[REQ_MAX];
static size_t req_len;
static struct mmsghdr *smsg, *rmsg;
static struct iovec *siov, *riov;
static uint8_t *sbuf, *rbuf;
static int epfd = -1;
static struct hist hist;
static volatile sig_atomic_t interrupted;
static bool have_pwait2 = true;		/* epoll_pwait2: ns timeouts */

static struct {
	uint64_t sent, answered, completed, lost;
	uint64_t bad_format, unknown_token, stale_token, wrong_sock;
	uint64_t wrong_type, wrong_mid, wrong_code, wrong_payload, rst;
	uint64_t empty_ack, truncated, send_stalls, separate, acks_sent;
	int first_wrong_code;
	size_t first_payload_len;
	char first_payload[64];
} st = { .first_wrong_code = -1 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("coapload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: coapload [OPTIONS]\n"
"\n"
"CoAP GET load generator: keeps WINDOW requests in flight against one\n"
"resource for a fixed time and reports throughput and latency -- or\n"
"refuses to, when any answer was lost or wrong.\n"
"\n"
"  -s, --server ADDR[:PORT]   server (default 127.0.0.1:5683); IPv6 as\n"
"                             [::1]:5683 or ::1\n"
"  -r, --resource PATH        path to GET, e.g. /bench/fast (default /)\n"
"  -d, --duration SECS        measured time (default 5; at most 86400)\n"
"  -w, --warmup SECS          load before measuring, not counted (default 1)\n"
"  -c, --window N             requests in flight (default 64; 1..1048576)\n"
"  -b, --batch N              messages per sendmmsg/recvmmsg (default 32;\n"
"                             1..1024)\n"
"  -n, --non                  Non-confirmable requests (default: CON,\n"
"                             answered by a piggybacked ACK, or by an empty\n"
"                             ACK and a separate response, which is ACKed)\n"
"  -P, --ports N              spread requests over N client sockets, i.e.\n"
"                             N source ports, round robin per request\n"
"                             (default 1; at most 60000)\n"
"  -R, --rate N               at most N requests/s (default 0: as fast as\n"
"                             the window allows); for latency at part load\n"
"  -e, --expect-payload TEXT  every answer must carry exactly TEXT\n"
"  -E, --expect-code C.DD     every answer must have this code (default 2.05)\n"
"  -N, --requests N           send at most N requests (warm-up included),\n"
"                             then stop: the measured time ends there\n"
"  -t, --timeout MS           an answer later than this is lost (default\n"
"                             3000); lost answers make the run fail\n"
"  -l, --label TEXT           name of the run, copied to the output\n"
"  -j, --json                 one JSON object on stdout instead of text\n"
"  -h, --help                 this text\n"
"\n"
"Latency is taken from just before the sendmmsg() that carried a request\n"
"to just after the recvmmsg() that read its answer; throughput counts the\n"
"correct answers read during the measured time.  After the measured time\n"
"no new request is sent and the ones in flight are waited for (at most\n"
"the timeout), so every request sent is accounted for.\n"
"\n"
"exit status: 0 report printed; 1 refused: answers lost or mismatched (the\n"
"reason is printed; with -j also a JSON object with \"ok\": false and the\n"
"counts, without figures); 2 usage; 3 system error (socket, server\n"
"unreachable); 130 interrupted.\n");
}

static double parse_num(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, "coapload: %s: '%s' is not a number in %g..%g\n",
			opt, s, lo, hi);
		exit(2);
	}
	return v;
}

static void parse_server(const char *s)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	};
	char host[256], port[16] = "5683";
	struct addrinfo *ai;
	const char *colon;
	int err;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || (size_t)(rb - s - 1) >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = '\0';
		if (rb[1] == ':')
			snprintf(port, sizeof(port), "%s", rb + 2);
		else if (rb[1])
			goto bad;
	} else if ((colon = strchr(s, ':')) && !strchr(colon + 1, ':')) {
		if ((size_t)(colon - s) >= sizeof(host))
			goto bad;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		snprintf(port, sizeof(port), "%s", colon + 1);
	} else {
		if (strlen(s) >= sizeof(host))
			goto bad;
		strcpy(host, s);
	}
	err = getaddrinfo(host, port, &hints, &ai);
	if (err) {
		fprintf(stderr, "coapload: --server '%s': %s\n", s,
			gai_strerror(err));
		exit(2);
	}
	memcpy(&srv, ai->ai_addr, ai->ai_addrlen);
	srv_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return;
bad:
	fprintf(stderr, "coapload: --server '%s': expected ADDR[:PORT]\n", s);
	exit(2);
}

static int parse_code(const char *s)
{
	unsigned int c, d;
	char tail;

	if (sscanf(s, "%u.%2u%c", &c, &d, &tail) != 2 || c > 7 || d > 31) {
		fprintf(stderr, "coapload: --expect-code '%s': expected C.DD, e.g. 2.05\n",
			s);
		exit(2);
	}
	return CM_CODE(c, d);
}

/* The request without MID and token: CON/NON GET with Uri-Path options. */
static void build_template(void)
{
	uint8_t *p = req_tmpl + 4 + TOKEN_LEN;
	const char *s = o.path, *e;
	uint32_t last = 0;

	if (s[0] != '/') {
		fprintf(stderr, "coapload: --resource '%s': must start with '/'\n",
			s);
		exit(2);
	}
	req_tmpl[0] = (uint8_t)(0x40 | (o.non ? CM_NON : CM_CON) << 4 |
				TOKEN_LEN);
	req_tmpl[1] = CM_GET;
	s++;
	while (*s) {
		size_t n;

		e = strchrnul(s, '/');
		n = (size_t)(e - s);
		if (!n || n > 255 ||
		    (size_t)(p - req_tmpl) + n + 4 > sizeof(req_tmpl)) {
			fprintf(stderr, "coapload: --resource '%s': empty or too long segment\n",
				o.path);
			exit(2);
		}
		p = cm_put_opt(p, &last, CM_OPT_URI_PATH, s, (uint32_t)n);
		s = *e ? e + 1 : e;
	}
	req_len = (size_t)(p - req_tmpl);
}

static void open_sockets(void)
{
	struct rlimit rl;
	struct timeval tv = { .tv_usec = 10000 };
	unsigned int i;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < o.nsock + 64) {
		rl.rlim_cur = o.nsock + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die(3, "%u sockets need %u open files: %s (raise 'ulimit -n')",
			    o.nsock, o.nsock + 64, strerror(errno));
	}
	fds = calloc(o.nsock, sizeof(*fds));
	sock_mid = calloc(o.nsock, sizeof(*sock_mid));
	if (!fds || !sock_mid)
		die(3, "out of memory");
	if (o.nsock > 1) {
		epfd = epoll_create1(EPOLL_CLOEXEC);
		if (epfd < 0)
			die(3, "epoll_create1: %s", strerror(errno));
	}
	for (i = 0; i < o.nsock; i++) {
		int fd = socket(srv.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die(3, "socket %u of %u: %s", i + 1, o.nsock,
			    strerror(errno));
		/* connected: the kernel filters other sources, and an ICMP
		 * port unreachable comes back as ECONNREFUSED */
		if (connect(fd, (struct sockaddr *)&srv, srv_len))
			die(3, "connect: %s", strerror(errno));
		/* a blocking wait never lasts more than 10 ms */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		fds[i] = fd;
		sock_mid[i] = (uint16_t)random();
		if (epfd >= 0) {
			struct epoll_event ev = {
				.events = EPOLLIN, .data.u32 = i,
			};

			if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
				die(3, "epoll_ctl: %s", strerror(errno));
		}
	}
}

static void alloc_state(void)
{
	unsigned int i;

	slots = calloc(o.window, sizeof(*slots));
	freeq = calloc(o.window, sizeof(*freeq));
	smsg = calloc(o.batch, sizeof(*smsg));
	rmsg = calloc(o.batch, sizeof(*rmsg));
	siov = calloc(o.batch, sizeof(*siov));
	riov = calloc(o.batch, sizeof(*riov));
	sbuf = calloc(o.batch, REQ_MAX);
	rbuf = calloc(o.batch, RX_BUF);
	if (!slots || !freeq || !smsg || !rmsg || !siov || !riov || !sbuf ||
	    !rbuf)
		die(3, "out of memory");
	for (i = 0; i < o.window; i++)
		freeq[i] = i;
	free_head = 0;
	free_count = o.window;
	for (i = 0; i < o.batch; i++) {
		siov[i].iov_base = sbuf + (size_t)i * REQ_MAX;
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
		riov[i].iov_base = rbuf + (size_t)i * RX_BUF;
		riov[i].iov_len = RX_BUF;
		rmsg[i].msg_hdr.msg_iov = &riov[i];
		rmsg[i].msg_hdr.msg_iovlen = 1;
	}
}

static void slot_free(uint32_t s)
{
	slots[s].busy = false;
	slots[s].acked = false;
	freeq[(free_head + free_count) % o.window] = s;
	free_count++;
}

static void fatal_errno(const char *what, int err)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (srv.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&srv;

		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		port = ntohs(sin->sin_port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&srv;

		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		port = ntohs(sin6->sin6_port);
	}
	if (err == ECONNREFUSED)
		die(3, "%s: connection refused (ICMP port unreachable): nothing listens on %s port %u",
		    what, a, port);
	die(3, "%s to %s port %u: %s", what, a, port, strerror(err));
}

/*
 * Send up to @budget new requests from the free slots.  Returns how many
 * went out.
 */
static unsigned int send_some(unsigned int budget)
{
	unsigned int i, n, done = 0;
	uint64_t t;

	if (budget > free_count)
		budget = free_count;
	if (budget > o.batch)
		budget = o.batch;
	if (!budget)
		return 0;
	for (i = 0; i < budget; i++) {
		uint32_t s = freeq[(free_head + i) % o.window];
		uint32_t sock = (rr + i) % o.nsock;
		struct slot *sl = &slots[s];
		uint8_t *b = siov[i].iov_base;

		memcpy(b, req_tmpl, req_len);
		sl->sock = sock;
		sl->mid = sock_mid[sock]++;
		sl->gen++;
		b[2] = (uint8_t)(sl->mid >> 8);
		b[3] = (uint8_t)sl->mid;
		b[4] = (uint8_t)(s >> 24);
		b[5] = (uint8_t)(s >> 16);
		b[6] = (uint8_t)(s >> 8);
		b[7] = (uint8_t)s;
		b[8] = (uint8_t)(sl->gen >> 24);
		b[9] = (uint8_t)(sl->gen >> 16);
		b[10] = (uint8_t)(sl->gen >> 8);
		b[11] = (uint8_t)sl->gen;
		siov[i].iov_len = req_len;
	}
	t = now_ns();
	/* runs of requests on the same socket go out in one sendmmsg */
	while (done < budget) {
		uint32_t sock = (rr + done) % o.nsock;
		int r;

		n = 1;
		while (done + n < budget && (rr + done + n) % o.nsock == sock)
			n++;
		r = sendmmsg(fds[sock], smsg + done, n, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EAGAIN || errno == ENOBUFS ||
			    errno == EINTR) {
				st.send_stalls++;
				break;
			}
			fatal_errno("sendmmsg", errno);
		}
		done += (unsigned int)r;
		if ((unsigned int)r < n) {
			st.send_stalls++;
			break;
		}
	}
	for (i = 0; i < done; i++) {
		uint32_t s = freeq[(free_head + i) % o.window];

		slots[s].busy = true;
		slots[s].sent = t;
	}
	free_head = (free_head + done) % o.window;
	free_count -= done;
	rr = (rr + done) % o.nsock;
	st.sent += done;
	return done;
}

static void note_payload(const struct cm_msg *m)
{
	if (st.first_payload_len || !m->payload_len)
		return;
	st.first_payload_len = m->payload_len < sizeof(st.first_payload) - 1 ?
			       m->payload_len : sizeof(st.first_payload) - 1;
	memcpy(st.first_payload, m->payload, st.first_payload_len);
}

/* The request in flight on socket @sock with Message ID @mid, if any. */
static struct slot *find_mid(uint32_t sock, uint16_t mid)
{
	uint32_t i;

	for (i = 0; i < o.window; i++)
		if (slots[i].busy && slots[i].sock == sock &&
		    slots[i].mid == mid)
			return &slots[i];
	return NULL;
}

/* Acknowledge a Confirmable message from the server (a separate response). */
static void send_ack(uint32_t sock, uint16_t mid)
{
	uint8_t ack[4] = { 0x40 | CM_ACK << 4, 0, (uint8_t)(mid >> 8),
			   (uint8_t)mid };

	if (send(fds[sock], ack, sizeof(ack), MSG_DONTWAIT) == sizeof(ack))
		st.acks_sent++;
}

/* One datagram from socket @sock, read at @t. */
static void handle(uint32_t sock, const uint8_t *buf, size_t len, bool trunc,
		   uint64_t t, uint64_t t_measure, uint64_t t_end)
{
	struct slot *sl;
	struct cm_msg m;
	uint32_t s, gen;
	bool bad = false;

	if (trunc) {
		st.truncated++;
		return;
	}
	if (!cm_parse(buf, len, &m)) {
		st.bad_format++;
		return;
	}
	if (m.type == CM_RST) {
		st.rst++;
		return;
	}
	if (m.type == CM_CON)
		send_ack(sock, m.mid);	/* a separate response: ACK it */
	if (m.code == 0) {
		/* an empty ACK: a separate response follows */
		if (!o.non && m.type == CM_ACK && !m.tkl &&
		    (sl = find_mid(sock, m.mid)) && !sl->acked) {
			sl->acked = true;
			st.separate++;
		} else {
			st.empty_ack++;
		}
		return;
	}
	if (m.tkl != TOKEN_LEN) {
		st.unknown_token++;
		return;
	}
	s = (uint32_t)m.token[0] << 24 | (uint32_t)m.token[1] << 16 |
	    (uint32_t)m.token[2] << 8 | m.token[3];
	gen = (uint32_t)m.token[4] << 24 | (uint32_t)m.token[5] << 16 |
	      (uint32_t)m.token[6] << 8 | m.token[7];
	if (s >= o.window) {
		st.unknown_token++;
		return;
	}
	sl = &slots[s];
	if (!sl->busy || gen != sl->gen) {
		/* an earlier request of this slot: answered twice, or late
		 * after it was counted lost */
		if (gen <= sl->gen)
			st.stale_token++;
		else
			st.unknown_token++;
		return;
	}
	/*
	 * CON requests: a piggybacked ACK with the request's MID, or a
	 * separate response (CON or NON, own MID).  NON requests: NON or
	 * CON.
	 */
	if (sock != sl->sock) {
		st.wrong_sock++;
		bad = true;
	} else if (o.non && m.type == CM_ACK) {
		st.wrong_type++;
		bad = true;
	} else if (!o.non && m.type == CM_ACK && m.mid != sl->mid) {
		st.wrong_mid++;
		bad = true;
	} else if (m.code != o.expect_code) {
		st.wrong_code++;
		if (st.first_wrong_code < 0)
			st.first_wrong_code = m.code;
		note_payload(&m);
		bad = true;
	} else if (o.expect_payload &&
		   (m.payload_len != strlen(o.expect_payload) ||
		    memcmp(m.payload, o.expect_payload, m.payload_len))) {
		st.wrong_payload++;
		note_payload(&m);
		bad = true;
	}
	st.answered++;
	if (!bad && t >= t_measure && t < t_end) {
		st.completed++;
		h_record(&hist, t - sl->sent);
	}
	slot_free(s);
}

/*
 * Read what socket @sock has (one recvmmsg).  @flags: MSG_DONTWAIT, or
 * MSG_WAITFORONE to block (at most SO_RCVTIMEO) for the first datagram.
 */
static int recv_some(uint32_t sock, int flags, uint64_t t_measure,
		     uint64_t t_end)
{
	uint64_t t;
	int i, n;

	for (i = 0; i < (int)o.batch; i++) {
		rmsg[i].msg_hdr.msg_flags = 0;
		riov[i].iov_len = RX_BUF;
	}
	n = recvmmsg(fds[sock], rmsg, o.batch, flags, NULL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		fatal_errno("recvmmsg", errno);
	}
	t = now_ns();
	for (i = 0; i < n; i++)
		handle(sock, rbuf + (size_t)i * RX_BUF, rmsg[i].msg_len,
		       rmsg[i].msg_hdr.msg_flags & MSG_TRUNC, t, t_measure,
		       t_end);
	return n;
}

/* Wait at most @ns for input on any socket (no wait when 0). */
static int wait_input(uint64_t ns, uint64_t t_measure, uint64_t t_end)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};
	struct epoll_event ev[EPOLL_EVENTS];
	int i, n, got = 0;

	if (o.nsock == 1) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };

		if (ns && ppoll(&p, 1, &ts, NULL) <= 0)
			return 0;
		return recv_some(0, MSG_DONTWAIT, t_measure, t_end);
	}
	n = -1;
	if (have_pwait2) {
		n = epoll_pwait2(epfd, ev, EPOLL_EVENTS, &ts, NULL);
		if (n < 0 && errno == ENOSYS)
			have_pwait2 = false;	/* before Linux 5.11 */
	}
	if (!have_pwait2)
		n = epoll_wait(epfd, ev, EPOLL_EVENTS,
			       ns ? (int)((ns + 999999) / 1000000) : 0);
	for (i = 0; i < n; i++)
		got += recv_some(ev[i].data.u32, MSG_DONTWAIT, t_measure,
				 t_end);
	return got;
}

/* Requests outstanding longer than the timeout (all: UINT64_MAX) are lost. */
static void expire(uint64_t t)
{
	uint64_t limit = (uint64_t)o.timeout_ms * 1000000ull;
	uint32_t i;

	for (i = 0; i < o.window; i++) {
		if (slots[i].busy && (t == UINT64_MAX ||
				      t - slots[i].sent > limit)) {
			st.lost++;
			slot_free(i);
		}
	}
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static uint64_t mismatched(void)
{
	return st.bad_format + st.unknown_token + st.stale_token +
	       st.wrong_sock + st.wrong_type + st.wrong_mid + st.wrong_code +
	       st.wrong_payload + st.rst + st.empty_ack + st.truncated;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_counts_json(void)
{
	printf("\"sent\":%" PRIu64 ",\"answered\":%" PRIu64
	       ",\"lost\":%" PRIu64 ",\"mismatched\":%" PRIu64
	       ",\"bad_format\":%" PRIu64 ",\"unknown_token\":%" PRIu64
	       ",\"stale_token\":%" PRIu64 ",\"wrong_socket\":%" PRIu64
	       ",\"wrong_type\":%" PRIu64 ",\"wrong_mid\":%" PRIu64
	       ",\"wrong_code\":%" PRIu64 ",\"wrong_payload\":%" PRIu64
	       ",\"rst\":%" PRIu64 ",\"empty_ack\":%" PRIu64
	       ",\"truncated\":%" PRIu64 ",\"send_stalls\":%" PRIu64
	       ",\"separate\":%" PRIu64 ",\"acks_sent\":%" PRIu64,
	       st.sent, st.answered, st.lost, mismatched(), st.bad_format,
	       st.unknown_token, st.stale_token, st.wrong_sock, st.wrong_type,
	       st.wrong_mid, st.wrong_code, st.wrong_payload, st.rst,
	       st.empty_ack, st.truncated, st.send_stalls, st.separate,
	       st.acks_sent);
}

static void print_config_json(void)
{
	printf("\"label\":");
	json_str(o.label ? o.label : "");
	printf(",\"server\":");
	json_str(o.server);
	printf(",\"resource\":");
	json_str(o.path);
	printf(",\"type\":\"%s\",\"window\":%u,\"batch\":%u,\"ports\":%u"
	       ",\"rate_limit\":%.0f,\"duration_s\":%.3f,\"warmup_s\":%.3f"
	       ",\"timeout_ms\":%u,",
	       o.non ? "NON" : "CON", o.window, o.batch, o.nsock, o.rate,
	       o.duration, o.warmup, o.timeout_ms);
}

static int refuse(void)
{
	char why[1024];
	int n = 0;

#define WHY(cond, ...)							\
	do {								\
		if ((cond) && n < (int)sizeof(why))			\
			n += snprintf(why + n, sizeof(why) - (size_t)n,	\
				      __VA_ARGS__);			\
	} while (0)
	WHY(st.lost, "%s%" PRIu64 " of %" PRIu64
	    " requests lost (no answer within %u ms)", n ? "; " : "",
	    st.lost, st.sent, o.timeout_ms);
	WHY(st.unknown_token, "%s%" PRIu64 " answers with an unknown token",
	    n ? "; " : "", st.unknown_token);
	WHY(st.stale_token, "%s%" PRIu64
	    " answers to requests already answered or counted lost",
	    n ? "; " : "", st.stale_token);
	WHY(st.wrong_code, "%s%" PRIu64 " answers with code %d.%02d, not %d.%02d",
	    n ? "; " : "", st.wrong_code, st.first_wrong_code >> 5,
	    st.first_wrong_code & 31, o.expect_code >> 5, o.expect_code & 31);
	WHY(st.wrong_payload, "%s%" PRIu64 " answers with the wrong payload",
	    n ? "; " : "", st.wrong_payload);
	WHY(st.first_payload_len, " (first: \"%.*s\")",
	    (int)st.first_payload_len, st.first_payload);
	WHY(st.wrong_type, "%s%" PRIu64 " answers of the wrong message type",
	    n ? "; " : "", st.wrong_type);
	WHY(st.wrong_mid, "%s%" PRIu64 " ACKs with the wrong Message ID",
	    n ? "; " : "", st.wrong_mid);
	WHY(st.wrong_sock, "%s%" PRIu64 " answers on the wrong source port",
	    n ? "; " : "", st.wrong_sock);
	WHY(st.rst, "%s%" PRIu64 " Resets", n ? "; " : "", st.rst);
	WHY(st.empty_ack, "%s%" PRIu64
	    " empty messages matching no request in flight",
	    n ? "; " : "", st.empty_ack);
	WHY(st.bad_format, "%s%" PRIu64 " malformed datagrams",
	    n ? "; " : "", st.bad_format);
	WHY(st.truncated, "%s%" PRIu64 " datagrams over %d bytes",
	    n ? "; " : "", st.truncated, RX_BUF);
	WHY(!n && !st.completed, "no correct answer during the measured time%s",
	    o.max_requests ? " (all --requests went out in the warm-up?)" : "");
#undef WHY
	fprintf(stderr, "coapload: %s%s%srefusing to report: %s\n",
		o.label ? "[" : "", o.label ? o.label : "",
		o.label ? "] " : "", why);
	if (o.json) {
		printf("{");
		print_config_json();
		printf("\"ok\":false,\"error\":");
		json_str(why);
		putchar(',');
		print_counts_json();
		printf("}\n");
	}
	return 1;
}

static void report(double measured_s)
{
	double rps = (double)st.completed / measured_s;
	double us[6] = {
		h_pct(&hist, 50) / 1e3, h_pct(&hist, 90) / 1e3,
		h_pct(&hist, 99) / 1e3, h_pct(&hist, 99.9) / 1e3,
		hist.max / 1e3, (double)hist.sum / (double)hist.n / 1e3,
	};

	if (o.json) {
		printf("{");
		print_config_json();
		printf("\"ok\":true,\"completed\":%" PRIu64
		       ",\"measured_s\":%.3f,\"rps\":%.1f"
		       ",\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f"
		       ",\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f"
		       ",\"mean\":%.1f},",
		       st.completed, measured_s, rps, us[0], us[1], us[2],
		       us[3], us[4], us[5]);
		print_counts_json();
		printf("}\n");
		return;
	}
	printf("coapload%s%s%s: %s %s, %s GET, window %u, batch %u, %u source port%s, ",
	       o.label ? " [" : "", o.label ? o.label : "",
	       o.label ? "]" : "", o.server, o.path, o.non ? "NON" : "CON",
	       o.window, o.batch, o.nsock, o.nsock == 1 ? "" : "s");
	if (o.rate > 0)
		printf("at most %.0f req/s\n", o.rate);
	else
		printf("unlimited rate\n");
	printf("  %.2f s measured after %.2f s warm-up: %" PRIu64
	       " answers, %.0f req/s\n", measured_s, o.warmup, st.completed,
	       rps);
	printf("  latency (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f\n",
	       us[0], us[1], us[2], us[3], us[4], us[5]);
	printf("  checked: %" PRIu64 " sent, %" PRIu64
	       " answered correctly (%" PRIu64 " as separate responses), 0 lost, 0 mismatched\n",
	       st.sent, st.answered, st.separate);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "server", required_argument, NULL, 's' },
		{ "resource", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "window", required_argument, NULL, 'c' },
		{ "batch", required_argument, NULL, 'b' },
		{ "non", no_argument, NULL, 'n' },
		{ "ports", required_argument, NULL, 'P' },
		{ "rate", required_argument, NULL, 'R' },
		{ "expect-payload", required_argument, NULL, 'e' },
		{ "expect-code", required_argument, NULL, 'E' },
		{ "timeout", required_argument, NULL, 't' },
		{ "requests", required_argument, NULL, 'N' },
		{ "label", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t t_start, t_measure, t_end, t_drain_end, t_next_check, t;
	uint64_t check_every;
	enum phase phase = WARMUP;
	struct sigaction sa = { .sa_handler = on_signal };
	int c;

	while ((c = getopt_long(argc, argv, "s:r:d:w:c:b:nP:R:e:E:t:N:l:jh", lo,
				NULL)) != -1) {
		switch (c) {
		case 's': o.server = optarg; break;
		case 'r': o.path = optarg; break;
		case 'd': o.duration = parse_num("--duration", optarg, 0.01, MAX_SECONDS); break;
		case 'w': o.warmup = parse_num("--warmup", optarg, 0, MAX_SECONDS); break;
		case 'c': o.window = (unsigned int)parse_num("--window", optarg, 1, MAX_WINDOW); break;
		case 'b': o.batch = (unsigned int)parse_num("--batch", optarg, 1, MAX_BATCH); break;
		case 'n': o.non = true; break;
		case 'P': o.nsock = (unsigned int)parse_num("--ports", optarg, 1, MAX_SOCKETS); break;
		case 'R': o.rate = parse_num("--rate", optarg, 0, 1e9); break;
		case 'e': o.expect_payload = optarg; break;
		case 'E': o.expect_code = parse_code(optarg); break;
		case 't': o.timeout_ms = (unsigned int)parse_num("--timeout", optarg, 1, 600000); break;
		case 'N': o.max_requests = (uint64_t)parse_num("--requests", optarg, 1, 1e15); break;
		case 'l': o.label = optarg; break;
		case 'j': o.json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "coapload: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	parse_server(o.server);
	build_template();
	srandom((unsigned int)(now_ns() ^ (uint64_t)getpid()));
	alloc_state();
	open_sockets();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	check_every = (uint64_t)o.timeout_ms * 1000000ull / 8;
	if (check_every < 5000000ull)
		check_every = 5000000ull;
	if (check_every > 500000000ull)
		check_every = 500000000ull;
	t_start = now_ns();
	t_measure = t_start + (uint64_t)(o.warmup * 1e9);
	t_end = t_measure + (uint64_t)(o.duration * 1e9);
	/* requests still out after this are lost anyway */
	t_drain_end = t_end + (uint64_t)o.timeout_ms * 1000000ull +
		      check_every + 100000000ull;
	t_next_check = t_start + check_every;

	for (;;) {
		unsigned int budget;
		uint64_t wait;

		t = now_ns();
		if (interrupted) {
			fprintf(stderr, "coapload: interrupted\n");
			return 130;
		}
		if (phase == WARMUP && t >= t_measure)
			phase = MEASURE;
		if (phase == MEASURE && t >= t_end)
			phase = DRAIN;
		if (phase != DRAIN && o.max_requests &&
		    st.sent >= o.max_requests) {
			/* all sent: the measured time ends now */
			if (phase == WARMUP)
				t_measure = t;
			t_end = t;
			t_drain_end = t + (uint64_t)o.timeout_ms * 1000000ull +
				      check_every + 100000000ull;
			phase = DRAIN;
		}
		if (phase == DRAIN && free_count == o.window)
			break;
		if (t >= t_next_check) {
			expire(t);
			t_next_check = t + check_every;
		}
		if (t >= t_drain_end) {
			expire(UINT64_MAX);	/* all outstanding: lost */
			break;
		}
		if (phase != DRAIN) {
			budget = free_count;
			if (o.max_requests && o.max_requests - st.sent < budget)
				budget = (unsigned int)(o.max_requests - st.sent);
			if (o.rate > 0) {
				/* request k is due at t_start + k / rate */
				uint64_t due = (uint64_t)((double)(t - t_start) *
							  o.rate / 1e9) + 1;

				if (due < st.sent + budget)
					budget = due > st.sent ?
						 (unsigned int)(due - st.sent) : 0;
			}
			send_some(budget);
		}
		if (o.nsock == 1 && o.rate <= 0) {
			/* block (at most 10 ms) when there is nothing to send */
			bool idle = phase == DRAIN || !free_count;

			recv_some(0, idle ? MSG_WAITFORONE : MSG_DONTWAIT,
				  t_measure, t_end);
			continue;
		}
		/*
		 * Paced or many sockets: wait for input until the next send is
		 * due (not at all when one is due now), at most 10 ms and not
		 * past the next phase or expiry check.
		 */
		wait = 10000000ull;
		if (phase != DRAIN && free_count) {
			if (o.rate > 0) {
				uint64_t next = t_start + (uint64_t)
					((double)st.sent * 1e9 / o.rate);

				t = now_ns();
				wait = next > t ? next - t : 0;
			} else {
				wait = 0;
			}
		}
		if (phase == WARMUP && t_measure > t && t_measure - t < wait)
			wait = t_measure - t;
		if (phase == MEASURE && t_end > t && t_end - t < wait)
			wait = t_end - t;
		if (t_next_check > t && t_next_check - t < wait)
			wait = t_next_check - t;
		wait_input(wait, t_measure, t_end);
	}

	if (st.lost || mismatched() || !st.completed)
		return refuse();
	report((double)(t_end - t_measure) / 1e9);	/* > 0: completed */
	return 0;
}
