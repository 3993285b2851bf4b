/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkcoap: the resource-daemon side of the kcoap generic netlink family
 * (see <linux/coap.h> for what each command means to the kernel).
 *
 * One struct kcoap is one netlink socket.  Resources registered through a
 * handle belong to that socket: they disappear when the handle is closed
 * or the process exits.  The socket's fd (kcoap_fd()) fits any event loop:
 * poll it for POLLIN and call kcoap_dispatch() to receive requests.
 *
 * Every function that can fail returns 0 (or a count) on success and a
 * negative errno on failure; none of them prints or exits.  After a failure
 * kcoap_last_error() describes it, with the kernel's extended-ack message
 * when there was one.
 *
 * Control calls (everything except kcoap_dispatch) block until the kernel
 * acknowledges them, at most a few seconds (-ETIMEDOUT otherwise).
 * Requests that arrive meanwhile are queued inside the handle and
 * delivered by the next kcoap_dispatch(): callers that wait for the fd
 * to become readable should call kcoap_dispatch() after every control
 * call as well, or use kcoap_pending().
 *
 * A handle is not thread-safe: use one per thread.
 */
#ifndef KCOAP_H
#define KCOAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/coap.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kcoap;

/* Handle
 * ====== */

/*
 * kcoap_open - open a netlink socket and resolve the "coap" family.
 * @err: set to a negative errno on failure (may be NULL)
 *
 * Returns the handle, or NULL with *err = -ENOENT when the coap module is
 * not loaded, -EPROTONOSUPPORT when the kernel lacks generic netlink,
 * -ENOMEM, or another negative errno.
 */
struct kcoap *kcoap_open(int *err);

/*
 * kcoap_close - close the socket and free the handle (NULL is fine; not
 * from inside a callback of the same handle).
 * The kernel then removes every resource the handle registered and answers
 * the requests still pending for it with 5.03.
 */
void kcoap_close(struct kcoap *k);

/*
 * kcoap_fd - the netlink socket, for poll()/epoll (POLLIN: call
 * kcoap_dispatch()).  Do not read from or write to it directly.
 */
int kcoap_fd(const struct kcoap *k);

/*
 * kcoap_portid - the socket's netlink port id, which is what
 * struct kcoap_resource_info.owner shows for resources this handle owns.
 */
uint32_t kcoap_portid(const struct kcoap *k);

/*
 * kcoap_last_error - text for the last failed call on this handle:
 * strerror() of its error, followed by ": " and the kernel's
 * extended-ack message when it sent one (or the library's explanation for
 * errors found before sending), e.g. "File exists: path already
 * registered (COAP_A_PATH)".  Valid until the next failure; "" if nothing
 * failed yet.
 */
const char *kcoap_last_error(const struct kcoap *k);

/*
 * kcoap_last_extack - just the detail message of the last failure (kernel
 * extended ack or library explanation), or NULL if there was none.
 */
const char *kcoap_last_extack(const struct kcoap *k);

/* Endpoints
 * ========= */

/*
 * Transmission parameters of an endpoint (RFC 7252 section 4.8), in the
 * units of enum coap_param_attr.  @set says which fields count: the bit
 * KCOAP_PARAM_BIT(COAP_PARAM_A_x) for each field given (to
 * kcoap_endpoint_set()) or reported (by kcoap_endpoint_list()); the other
 * fields are ignored.  kcoap_param_set() fills a field and its bit.
 */
#define KCOAP_PARAM_BIT(attr)	(1U << (attr))
#define KCOAP_PARAM_ALL		(((1U << (COAP_PARAM_A_MAX + 1)) - 1) & ~1U)

struct kcoap_params {
	uint32_t set;			/* KCOAP_PARAM_BIT() mask */
	uint32_t ack_timeout_ms;	/* ACK_TIMEOUT: 2000, 10..60000 */
	uint32_t ack_random_factor;	/* ACK_RANDOM_FACTOR x 1000: 1500,
					 * 1000..4000 */
	uint32_t max_retransmit;	/* MAX_RETRANSMIT: 4, 0..10 */
	uint32_t nstart;		/* NSTART: 1, 1..32 */
	uint32_t default_leisure_ms;	/* DEFAULT_LEISURE: 5000, 0..60000 */
	uint32_t probing_rate;		/* PROBING_RATE, bytes/s: 1,
					 * 1..1000000 */
	uint32_t max_latency_ms;	/* MAX_LATENCY: 100000, 1..300000 */
	uint32_t ack_delay_ms;		/* empty ACK for a CON request the
					 * daemon has not answered by then:
					 * 1000, below ack_timeout_ms */
};

struct kcoap_endpoint {
	struct sockaddr_storage addr;	/* bound address */
	socklen_t addr_len;
	bool adopted;			/* came from kcoap_endpoint_adopt() */
	bool has_params;		/* the kernel sent COAP_A_PARAMS (every
					 * kcoap module that has
					 * COAP_CMD_ENDPOINT_SET does) */
	struct kcoap_params params;	/* the endpoint's current values;
					 * params.set tells which were
					 * reported (0 without has_params) */
	bool has_stats;			/* the kernel sent COAP_A_STATS */
	/* this endpoint's counters, stats[COAP_STATS_A_x]; the gauges and
	 * the namespace-only counters stay 0 (see COAP_CMD_ENDPOINT_GET) */
	uint64_t stats[COAP_STATS_A_MAX + 1];
};

/*
 * kcoap_endpoint_add - open a CoAP endpoint bound to @sa (sockaddr_in or
 * sockaddr_in6; port 0 means 5683).  [CAP_NET_ADMIN]
 * Returns 0, -EEXIST if that address is already open, -EADDRINUSE,
 * -EINVAL, -EPERM, ...
 */
int kcoap_endpoint_add(struct kcoap *k, const struct sockaddr *sa,
		       socklen_t len);

/*
 * kcoap_endpoint_adopt - hand a bound UDP socket of this process to the
 * kernel as an endpoint.  The endpoint lasts while the socket is open:
 * keep @udp_fd (or a duplicate) open for as long as it should serve; the
 * last close ends the endpoint, and deleting the endpoint gives the socket
 * back as a plain UDP socket.
 * Returns 0 or -EBADF, -ENOTSOCK, -EPROTOTYPE, -EEXIST, ...
 */
int kcoap_endpoint_adopt(struct kcoap *k, int udp_fd);

/*
 * kcoap_endpoint_del - close the endpoint bound to @sa.
 * Returns 0 or -ENOENT if there is none.
 */
int kcoap_endpoint_del(struct kcoap *k, const struct sockaddr *sa,
		       socklen_t len);

/*
 * kcoap_endpoint_set - change some transmission parameters of the
 * endpoint bound to @sa: those whose bit is in @p->set (at least one);
 * the others keep their values.  Exchanges started afterwards use the new
 * values.  The kernel checks the ranges given with struct kcoap_params.
 * [CAP_NET_ADMIN]
 * Returns 0, -ENOENT (no endpoint with that address), -ERANGE (a value
 * out of range; the extended ack names it and gives the range), -EINVAL
 * (ack_delay_ms not below ack_timeout_ms, or @p->set empty or with bits
 * outside KCOAP_PARAM_ALL), -EPERM, ...
 */
int kcoap_endpoint_set(struct kcoap *k, const struct sockaddr *sa,
		       socklen_t len, const struct kcoap_params *p);

/*
 * kcoap_param_set - store @v in the field of @p for @attr (a
 * COAP_PARAM_A_x) and add its bit to @p->set.
 * Returns 0 or -EINVAL when @attr is not 1..COAP_PARAM_A_MAX.
 */
int kcoap_param_set(struct kcoap_params *p, int attr, uint32_t v);

/*
 * kcoap_param_get - the field of @p for @attr into *@v.
 * Returns 0, -ENOENT when its bit is not in @p->set, or -EINVAL when
 * @attr is not 1..COAP_PARAM_A_MAX.
 */
int kcoap_param_get(const struct kcoap_params *p, int attr, uint32_t *v);

/*
 * kcoap_param_name - "ack_timeout_ms", "ack_random_factor", ...: the
 * enum name after COAP_PARAM_A_, lower case, or NULL when @attr is not
 * 1..COAP_PARAM_A_MAX.
 */
const char *kcoap_param_name(int attr);

/*
 * Listing callbacks get one entry at a time, valid only during the call.
 * Return 0 to go on, or a negative errno to stop: the list function then
 * returns that value.  Callbacks may not call other kcoap functions on the
 * same handle (they fail with -EBUSY).
 */
typedef int (*kcoap_endpoint_fn)(const struct kcoap_endpoint *ep, void *arg);

/*
 * kcoap_endpoint_list - call @fn for every endpoint of the namespace.
 * Returns 0, the callback's negative value, or a negative errno.
 */
int kcoap_endpoint_list(struct kcoap *k, kcoap_endpoint_fn fn, void *arg);

/* Resources
 * ========= */

struct kcoap_resource {
	const char *path;	/* "/a/b": see COAP_A_PATH for the rules */
	uint32_t methods;	/* COAP_METHOD_BIT() mask; 0: GET only */
	const char *rt;		/* link-format attributes, NULL: none */
	const char *if_;
	const char *title;
	int ct;			/* link-format ct=, -1: none */
	uint32_t sz;		/* link-format sz=, 0: none */
	bool observable;	/* link-format obs */
	/* observable: every Nth notification confirmable (1..255), 0: default */
	uint32_t notify_con;
};

/*
 * kcoap_resource_add - register a resource owned by this handle.
 * [CAP_NET_ADMIN]  Until a representation is published, every request for
 * it reaches kcoap_dispatch().
 * Returns 0, -EEXIST (path taken), -ENOSPC (namespace limit), -EINVAL.
 */
int kcoap_resource_add(struct kcoap *k, const struct kcoap_resource *spec);

/*
 * kcoap_resource_del - unregister a resource this handle owns.
 * Returns 0, -ENOENT, or -EPERM (another socket owns it).
 */
int kcoap_resource_del(struct kcoap *k, const char *path);

struct kcoap_resource_info {
	struct kcoap_resource res;	/* strings valid during the callback */
	uint32_t owner;			/* netlink port id of the owner */
	uint32_t observers;		/* registered observers now */
	bool published;			/* the kernel serves GET itself */
	/* the published representation (when published is true) */
	int content_format;
	uint32_t max_age;
	uint8_t etag[COAP_ETAG_MAX];
	size_t etag_len;
	uint32_t payload_len;
};

typedef int (*kcoap_resource_fn)(const struct kcoap_resource_info *info,
				 void *arg);

/*
 * kcoap_resource_list - call @fn for every resource of the namespace,
 * whoever owns it.  Returns as kcoap_endpoint_list().
 */
int kcoap_resource_list(struct kcoap *k, kcoap_resource_fn fn, void *arg);

/* Published representations
 * ========================= */

struct kcoap_representation {
	const void *payload;	/* may be NULL when len is 0 */
	size_t len;		/* at most COAP_PUBLISH_MAX */
	int content_format;	/* -1: kernel default (0, text/plain) */
	int64_t max_age;	/* seconds, -1: kernel default (60) */
	const void *etag;	/* NULL or 1 to COAP_ETAG_MAX bytes */
	size_t etag_len;
};

/*
 * kcoap_publish - set the representation the kernel serves, by itself and
 * to observers, for GET on @path (which this handle owns).
 * Returns 0, -EPERM, -ENOENT, -EMSGSIZE (payload too large), -EINVAL.
 */
int kcoap_publish(struct kcoap *k, const char *path,
		  const struct kcoap_representation *rep);

/*
 * kcoap_withdraw - drop the published representation: GETs reach
 * kcoap_dispatch() again.  Returns as kcoap_publish().
 */
int kcoap_withdraw(struct kcoap *k, const char *path);

/* Counters
 * ======== */

/*
 * kcoap_stats - read the namespace's counters: out[COAP_STATS_A_x] for
 * every x; counters the kernel did not report are 0.
 * Returns 0 or a negative errno.
 */
int kcoap_stats(struct kcoap *k, uint64_t out[COAP_STATS_A_MAX + 1]);

/*
 * kcoap_stat_name - "rx_datagrams", "drop_option_nibble_15", ...: the
 * counter's name as in /proc/net/coap_stats, or NULL when @attr is not
 * 1..COAP_STATS_A_MAX.
 */
const char *kcoap_stat_name(int attr);

/* Requests and responses
 * ====================== */

struct kcoap_option {
	uint16_t num;		/* enum coap_option_num */
	uint16_t len;
	const void *value;
};

struct kcoap_request {
	uint64_t handle;		/* quote it in kcoap_respond() */
	uint8_t code;			/* COAP_METHOD_GET ... */
	uint8_t type;			/* COAP_TYPE_CON or COAP_TYPE_NON */
	const char *path;
	const char *const *queries;	/* Uri-Query values, in order */
	size_t nqueries;
	struct sockaddr_storage peer;	/* the client */
	socklen_t peer_len;
	struct sockaddr_storage local;	/* where it arrived (0 length if
					 * the kernel did not say) */
	socklen_t local_len;
	int content_format;		/* -1: absent */
	int accept;			/* -1: absent */
	const struct kcoap_option *options;	/* every option, in order */
	size_t noptions;
	const void *payload;		/* NULL when there is none */
	size_t payload_len;
};

/*
 * A request handler.  @req and everything it points to are valid only
 * during the call.  The handler may call kcoap_respond() (now, or later
 * with the saved handle) and any control function, but not
 * kcoap_dispatch().
 */
typedef void (*kcoap_request_fn)(struct kcoap *k,
				 const struct kcoap_request *req, void *arg);

/*
 * kcoap_dispatch - deliver queued requests, then read the socket without
 * blocking until it is empty, calling @fn for every request.  To keep one
 * busy handle from starving an event loop it returns after 64 requests:
 * with edge-triggered polling, call it until it returns 0.  Malformed
 * request messages are answered 5.00 by the library and not delivered.
 * Returns the number of requests delivered, -ENOBUFS when the socket's
 * receive buffer overflowed and requests were lost (the kernel answers
 * those 5.03 after its timeout; calling again is fine), -EBUSY when called
 * from a handler, or another negative errno.
 */
int kcoap_dispatch(struct kcoap *k, kcoap_request_fn fn, void *arg);

/*
 * An observer-count event: @path (owned by this handle) now has
 * @observers observers, 1 when it gained its first and 0 when it lost
 * its last (RFC 7641: a daemon may stop sampling an unobserved sensor).
 */
typedef void (*kcoap_observers_fn)(struct kcoap *k, const char *path,
				   uint32_t observers, void *arg);

/*
 * kcoap_on_observers - have kcoap_dispatch() call @fn for observer-count
 * events; NULL (the default) ignores them.  Events are best effort: one
 * lost to a full socket buffer is not repeated.
 */
void kcoap_on_observers(struct kcoap *k, kcoap_observers_fn fn, void *arg);

/*
 * kcoap_pending - true when requests are queued in the handle, i.e. the
 * next kcoap_dispatch() has work even if the fd is not readable.
 */
bool kcoap_pending(const struct kcoap *k);

struct kcoap_response {
	uint8_t code;		/* e.g. (2 << 5) | 5 for 2.05: COAP_CODE() */
	int content_format;	/* -1: none */
	int64_t max_age;	/* -1: none */
	const void *etag;	/* NULL or 1 to COAP_ETAG_MAX bytes */
	size_t etag_len;
	const struct kcoap_option *options;	/* extra options, e.g.
						 * Location-Path */
	size_t noptions;
	const void *payload;	/* NULL: no payload */
	size_t payload_len;
};

/* A response code from class and detail: COAP_CODE(2, 5) is 2.05. */
#define COAP_CODE(class, detail)	((uint8_t)(((class) << 5) | (detail)))

/*
 * kcoap_respond - answer a request delivered by kcoap_dispatch().
 * Returns 0, -ENOENT (unknown handle: already answered or timed out and
 * answered 5.03 by the kernel), -EPERM, -EMSGSIZE (does not fit a
 * datagram), -EINVAL.
 */
int kcoap_respond(struct kcoap *k, uint64_t handle,
		  const struct kcoap_response *resp);

/* Methods
 * ======= */

/* "GET", "POST", "PUT", "DELETE", or NULL for other codes. */
const char *kcoap_method_name(unsigned int code);

/*
 * kcoap_methods_parse - "get,put" (any case, comma-separated) into a
 * COAP_METHOD_BIT() mask.  Returns 0 or -EINVAL (unknown or empty name).
 */
int kcoap_methods_parse(const char *list, uint32_t *mask);

/*
 * kcoap_methods_format - a mask as "get,put" (lower case, in code order;
 * "" for 0).  Returns 0 or -ENOSPC.
 */
int kcoap_methods_format(uint32_t mask, char *buf, size_t size);

/* Addresses
 * ========= */

/* Enough for "[ffff:...:ffff%ifname]:65535" and the NUL. */
#define KCOAP_ADDRSTRLEN	72

/*
 * kcoap_addr_parse - parse "1.2.3.4", "1.2.3.4:5683", "::1", "[::1]",
 * "[fe80::1%eth0]:5683" into a sockaddr_in or sockaddr_in6; the port is
 * COAP_DEFAULT_PORT when not given.  Returns 0 or -EINVAL.
 */
int kcoap_addr_parse(const char *s, struct sockaddr_storage *ss,
		     socklen_t *len);

/*
 * kcoap_addr_format - "1.2.3.4:5683" or "[::1]:5683" into @buf.
 * Returns 0, -EAFNOSUPPORT (not an IPv4/IPv6 address) or -ENOSPC.
 */
int kcoap_addr_format(const struct sockaddr *sa, socklen_t len, char *buf,
		      size_t size);

#ifdef __cplusplus
}
#endif

#endif /* KCOAP_H */
