// SPDX-License-Identifier: GPL-2.0
/*
 * hashflood: what a sender who chooses its ports and Message IDs can do
 * to the deduplication table's duplicate check.
 *
 * A CoAP socket serves on 127.0.0.1; plain UDP sockets send it NON GETs
 * from many source ports.  Each request it answers leaves a
 * deduplication record.  In "collide" mode the (port, MID) pairs are
 * chosen so that the unkeyed hash the module used before (jhash of port,
 * family and address with the MID as seed, 1024 buckets) puts every
 * record in one bucket; in "spread" mode they are the first MIDs of each
 * port.  Then every request is sent again, several rounds: each copy is
 * a duplicate, which the kernel looks up and drops without waking
 * anyone.  The time per duplicate (wall clock of the sending loop, and
 * the system time it took) is the cost of one lookup plus the path
 * around it.  A benchmark: it prints JSON and judges nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/coap.h>

#include "coapmsg.h"

#define BUCKET_BITS	10	/* the deduplication table's */
#define PER_PORT_MAX	64	/* well below max_dedup_per_peer (256) */

struct key {
	int fd;			/* the sender's socket, bound to port */
	uint16_t port;
	uint16_t mid;
};

static uint32_t rol32(uint32_t w, unsigned int s)
{
	return w << s | w >> (32 - s);
}

/* Bob Jenkins' lookup3 final mix over three words, as Linux's jhash. */
static uint32_t jfinal(uint32_t a, uint32_t b, uint32_t c)
{
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	c ^= b; c -= rol32(b, 16);
	a ^= c; a -= rol32(c, 4);
	b ^= a; b -= rol32(a, 14);
	c ^= b; c -= rol32(b, 24);
	return c;
}

/*
 * The bucket the unkeyed hash gave (127.0.0.1, port, mid): jhash_2words
 * (port as stored, AF_INET, seed mid), then jhash_1word of the address,
 * then hash_32 to BUCKET_BITS.
 */
static uint32_t old_bucket(uint16_t port, uint16_t mid)
{
	const uint32_t init = 0xdeadbeef;
	uint32_t pw = htons(port), addr = htonl(INADDR_LOOPBACK), h, v;

	v = mid + init + (2 << 2);
	h = jfinal(pw + v, AF_INET + v, v);
	v = h + init + (1 << 2);
	h = jfinal(addr + v, v, v);
	return (h * 0x61C88647u) >> (32 - BUCKET_BITS);
}

static int udp_bound(int type, int proto, uint16_t port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, type, proto);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "hashflood: socket on port %u: %s\n", port,
			strerror(errno));
		exit(2);
	}
	return fd;
}

/* A NON GET /f with a 2-byte token (the MID again) and the given MID. */
static size_t request(uint8_t *buf, uint16_t mid)
{
	uint8_t *p = buf;
	uint32_t last = 0;

	*p++ = 1 << 6 | CM_NON << 4 | 2;
	*p++ = CM_GET;
	*p++ = mid >> 8;
	*p++ = mid;
	*p++ = mid >> 8;
	*p++ = mid;
	p = cm_put_opt(p, &last, CM_OPT_URI_PATH, "f", 1);
	return p - buf;
}

static long long stat_of(const char *name)
{
	char line[128], key[64];
	long long v, found = -1;
	FILE *f = fopen("/proc/net/coap_stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", key, &v) == 2 && !strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static double sys_ns(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return r.ru_stime.tv_sec * 1e9 + r.ru_stime.tv_usec * 1e3;
}

/* The first n keys from port0 up: colliding ones, or each port's first. */
static struct key *choose(unsigned int n, uint16_t port0, bool collide,
			  unsigned int *nports)
{
	struct key *k = calloc(n, sizeof(*k));
	uint32_t target = old_bucket(port0, 0);
	unsigned int got = 0, per;
	uint32_t port, mid;

	if (!k)
		exit(2);
	for (port = port0; got < n && port < 65536; port++) {
		per = 0;
		for (mid = 0; mid < 65536 && per < PER_PORT_MAX && got < n;
		     mid++) {
			if (collide && old_bucket(port, mid) != target)
				continue;
			k[got].port = port;
			k[got].mid = mid;
			got++;
			per++;
		}
	}
	if (got < n) {
		fprintf(stderr, "hashflood: only %u keys below port 65536\n",
			got);
		exit(2);
	}
	*nports = port - port0;
	return k;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: hashflood [options]\n"
"  -m, --mode collide|spread  keys in one old bucket, or not (collide)\n"
"  -n, --records N            deduplication records to make (8192)\n"
"  -r, --rounds R             duplicates of each, in rounds (20)\n"
"  -p, --port P               the CoAP socket's port (5690)\n"
"  -s, --sport P              first source port (20000)\n"
"Prints one JSON line.  Needs the module loaded, with max_dedup at least\n"
"N (its default, 8192).  Exit 0 when every duplicate was counted as one\n"
"(req_duplicate), 1 when not, 2 on a setup error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", 1, NULL, 'm' }, { "records", 1, NULL, 'n' },
		{ "rounds", 1, NULL, 'r' }, { "port", 1, NULL, 'p' },
		{ "sport", 1, NULL, 's' }, { "help", 0, NULL, 'h' }, {}
	};
	unsigned int n = 8192, rounds = 20, nports, i, r, answered = 0;
	uint16_t port = 5690, sport = 20000;
	struct sockaddr_in to = { .sin_family = AF_INET };
	long long dup0, dup1, rec;
	double t0, t1, s0, s1;
	bool collide = true;
	uint8_t buf[64], in[1500];
	struct key *k;
	int c, srv;

	while ((c = getopt_long(argc, argv, "m:n:r:p:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': collide = !strcmp(optarg, "collide"); break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'r': rounds = strtoul(optarg, NULL, 0); break;
		case 'p': port = strtoul(optarg, NULL, 0); break;
		case 's': sport = strtoul(optarg, NULL, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!n || !rounds) {
		usage(stderr);
		return 2;
	}
	k = choose(n, sport, collide, &nports);
	srv = udp_bound(SOCK_DGRAM, IPPROTO_COAP, port);
	to.sin_port = htons(port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < n; i++)
		k[i].fd = i && k[i].port == k[i - 1].port ? k[i - 1].fd :
			  udp_bound(SOCK_DGRAM, 0, k[i].port);

	/* each request once: answered, so its record stays (NON_LIFETIME) */
	for (i = 0; i < n; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		struct cm_msg m;
		ssize_t len;

		len = request(buf, k[i].mid);
		sendto(k[i].fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
		len = recvfrom(srv, in, sizeof(in), 0, (struct sockaddr *)&from,
			       &fl);
		if (len < 0 || !cm_parse(in, len, &m))
			continue;
		/* 2.05, the request's token; the kernel picks type and MID */
		in[1] = CM_CODE(2, 5);
		if (sendto(srv, in, 4 + m.tkl, 0, (struct sockaddr *)&from,
			   fl) >= 0)
			answered++;
		recv(k[i].fd, in, sizeof(in), MSG_DONTWAIT);
	}
	rec = stat_of("dedup_entries");

	dup0 = stat_of("req_duplicate");
	t0 = now_ns();
	s0 = sys_ns();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++) {
			size_t len = request(buf, k[i].mid);

			sendto(k[i].fd, buf, len, 0, (struct sockaddr *)&to,
			       sizeof(to));
		}
	}
	s1 = sys_ns();
	t1 = now_ns();
	dup1 = stat_of("req_duplicate");

	printf("{\"mode\": \"%s\", \"records\": %u, \"answered\": %u, "
	       "\"dedup_entries\": %lld, \"ports\": %u, \"rounds\": %u, "
	       "\"duplicates\": %lld, \"wall_ns_per_dup\": %.0f, "
	       "\"sys_ns_per_dup\": %.0f}\n",
	       collide ? "collide" : "spread", n, answered, rec, nports,
	       rounds, dup1 - dup0, (t1 - t0) / ((double)n * rounds),
	       (s1 - s0) / ((double)n * rounds));
	return dup1 - dup0 == (long long)n * rounds ? 0 : 1;
}
