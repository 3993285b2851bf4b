/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kcoap: the Constrained Application Protocol (RFC 7252) in the kernel.
 *
 * This header is the contract between the coap module and userspace: the
 * protocol constants, the generic netlink family through which resource
 * daemons register resources and answer requests, and the counters.
 *
 * Generic netlink family COAP_GENL_NAME, version COAP_GENL_VERSION
 * ==================================================================
 *
 * The family works in every network namespace; all state (endpoints,
 * resources, pending requests, counters) belongs to the namespace of the
 * netlink socket.  Commands marked [admin] need CAP_NET_ADMIN in the user
 * namespace that owns the network namespace.  A rejected command returns a
 * negative errno and an extended-ack message naming the attribute at fault.
 *
 * Addresses (COAP_A_ADDR, COAP_A_PEER, COAP_A_LOCAL) are a struct
 * sockaddr_in or struct sockaddr_in6, told apart by length and family.
 * Paths (COAP_A_PATH) are absolute, "/" separated, without query, e.g.
 * "/temp/celcius": 1 to COAP_PATH_MAX - 1 bytes, no empty segment, no
 * trailing "/", no "." or ".." segment.
 *
 * COAP_CMD_ENDPOINT_ADD [admin]
 *	Open a CoAP endpoint.  Exactly one of:
 *	  COAP_A_ADDR	local address and port to bind (port 0: 5683)
 *	  COAP_A_FD	NLA_U32, a bound UDP socket of the caller to adopt;
 *			the endpoint lives while the socket does: the last
 *			close of its descriptors ends it, and deleting the
 *			endpoint (or unloading the module) gives the socket
 *			back as plain UDP.  The kernel holds no reference,
 *			so an adopted socket never keeps a namespace alive.
 *	With COAP_A_ADDR, an optional COAP_A_PARAMS (as for
 *	COAP_CMD_ENDPOINT_SET) is in force from the first datagram.
 *	Errors: EEXIST (same address already open), EADDRINUSE, EINVAL,
 *	EBADF/ENOTSOCK/EPROTOTYPE (fd is not a UDP socket).
 *
 * COAP_CMD_ENDPOINT_DEL [admin]
 *	COAP_A_ADDR: the endpoint's bound address.  ENOENT if none.
 *
 * COAP_CMD_ENDPOINT_GET (dump)
 *	One message per endpoint: COAP_A_ADDR (the socket's bound address),
 *	COAP_A_ADOPTED (flag) when it came from COAP_A_FD, COAP_A_PARAMS,
 *	and COAP_A_STATS with the counters of what this endpoint received
 *	and sent (every counter but the per-namespace gauges and the few
 *	events no endpoint owns: dedup_evicted, req_answered,
 *	req_daemon_gone, req_aborted, drop_no_endpoint, block1_timeout,
 *	block2_cache_evicted, block2_cache_expired, and block2_sent and
 *	block_bad_option for daemons' answers).
 *
 * COAP_CMD_ENDPOINT_SET [admin]
 *	COAP_A_ADDR and COAP_A_PARAMS: change some of the endpoint's
 *	transmission parameters (enum coap_param_attr); the others keep
 *	their values.  Out of range: ERANGE naming the attribute; an
 *	ACK_DELAY_MS not below ACK_TIMEOUT_MS: EINVAL.  New exchanges use
 *	the new values.
 *
 * COAP_CMD_RESOURCE_ADD [admin]
 *	Register a resource owned by the calling netlink socket:
 *	  COAP_A_PATH		required: "/" or "/seg[/seg...]", each
 *				segment of letters, digits and
 *				-._~!$&()*+=:@ (RFC 3986 pchar that
 *				link-format carries unescaped and clients
 *				send back as it is), not "." or ".."
 *	  COAP_A_METHODS	NLA_U32, bit (1 << code) for each allowed
 *				method: COAP_METHOD_BIT(COAP_METHOD_GET) ...
 *				(default: GET only)
 *	  COAP_A_RT, COAP_A_IF	strings for link-format rt= and if=
 *	  COAP_A_TITLE		string for title=
 *	  COAP_A_CT		NLA_U16, link-format ct=
 *	  COAP_A_SZ		NLA_U32, link-format sz=
 *	  COAP_A_OBSERVABLE	flag, link-format obs; the kernel then keeps
 *				its observers (see Observe below)
 *	  COAP_A_NOTIFY_CON	NLA_U32 1..255: every Nth notification is
 *				confirmable (1: all); default: module
 *				parameter notify_con_every
 *	Link-format strings are at most COAP_ATTR_MAX - 1 bytes and may not
 *	contain '"', '\\' or control bytes (below 0x20, 0x7f).  Errors:
 *	EEXIST (path registered), ENOSPC (more than the namespace's
 *	resource limit), EINVAL.
 *
 * COAP_CMD_RESOURCE_DEL [admin]
 *	COAP_A_PATH.  ENOENT if not registered, EPERM if registered by
 *	another socket.  Requests pending for it are answered 5.03.
 *
 * COAP_CMD_RESOURCE_GET (dump)
 *	One message per resource: COAP_A_PATH, COAP_A_METHODS, COAP_A_OWNER
 *	(NLA_U32 netlink port id of the owner), the link-format attributes
 *	that are set, for an observable one COAP_A_NOTIFY_CON and
 *	COAP_A_OBSERVERS (NLA_U32, its observers now), and, when a
 *	representation is published,
 *	COAP_A_CONTENT_FORMAT, COAP_A_MAX_AGE, COAP_A_ETAG (if any) and
 *	COAP_A_PAYLOAD_LEN (NLA_U32).
 *
 * COAP_CMD_PUBLISH [admin]
 *	Set the representation the kernel serves for GET on a resource the
 *	caller owns:
 *	  COAP_A_PATH		required
 *	  COAP_A_PAYLOAD	required (may be empty), at most
 *				COAP_PUBLISH_MAX bytes
 *	  COAP_A_CONTENT_FORMAT	NLA_U16 (default 0, text/plain)
 *	  COAP_A_MAX_AGE	NLA_U32 seconds (default 60)
 *	  COAP_A_ETAG		1 to 8 bytes (default: none)
 *	A publish without COAP_A_PAYLOAD withdraws the representation, so
 *	GETs go to the daemon again.  EPERM if another socket owns it.
 *	While a representation is published the kernel answers GET by
 *	itself: 2.05 with Content-Format, Max-Age, ETag and the payload, or
 *	2.03 Valid when the request's ETag matches.  A GET whose Accept
 *	differs from the published Content-Format goes to the daemon.
 *	Representations larger than 1024 bytes, or than the block the
 *	client asks for, are served block-wise (see Block-wise transfer).
 *
 * COAP_CMD_REQUEST (kernel to daemon, unicast to the owner's socket)
 *	A request the kernel could not answer by itself:
 *	  COAP_A_HANDLE		NLA_U64, quote it in the response
 *	  COAP_A_CODE		NLA_U8, the method code
 *	  COAP_A_TYPE		NLA_U8, COAP_TYPE_CON or COAP_TYPE_NON
 *	  COAP_A_PATH		the resource's path
 *	  COAP_A_QUERY		string, once per Uri-Query option, in order
 *	  COAP_A_PEER		the client's address
 *	  COAP_A_LOCAL		the address the request reached
 *	  COAP_A_CONTENT_FORMAT	NLA_U16 if the request has one
 *	  COAP_A_ACCEPT		NLA_U16 if the request has one
 *	  COAP_A_OPTIONS	nested COAP_A_OPTION, every option of the
 *				request in order (Uri-Path/Query included)
 *	  COAP_A_PAYLOAD	if the request has one; a body sent in
 *				Block1 blocks arrives here whole, once
 *	The block-wise options (Block1, Block2, Size1, Size2) are not
 *	passed on: the kernel does block-wise transfer for the daemon.
 *	A daemon that does not answer within the request timeout (module
 *	parameter request_timeout_ms) has the kernel answer 5.03.  At most
 *	the per-daemon queue limit (module parameter max_pending) requests
 *	wait for one daemon; beyond it clients get 5.03 with Max-Age
 *	COAP_BUSY_MAX_AGE and req_queue_full moves.  When the owner's
 *	socket closes, its resources are removed and every request pending
 *	for it is answered 5.03 Service Unavailable.
 *
 * COAP_CMD_RESPONSE [admin]
 *	The daemon's answer:
 *	  COAP_A_HANDLE		required, from COAP_CMD_REQUEST
 *	  COAP_A_CODE		required, NLA_U8 response code (class 2 to 5)
 *	  COAP_A_CONTENT_FORMAT, COAP_A_MAX_AGE, COAP_A_ETAG	optional
 *	  COAP_A_OPTIONS	optional nested COAP_A_OPTION (e.g.
 *				Location-Path), at most
 *				COAP_RESPONSE_OPTIONS_MAX of them (beyond:
 *				EINVAL); options above are merged in
 *	  COAP_A_PAYLOAD	optional
 *	ENOENT when the handle is unknown or already answered (timed out),
 *	EPERM when the request was delivered to another socket, EMSGSIZE
 *	when the response would not fit in a datagram.  A payload larger
 *	than 1024 bytes, or than the block the client asked for, goes out
 *	block-wise; a response that carries Block2 itself is sent as it is.
 *
 * COAP_CMD_STATS_GET
 *	Reply: COAP_A_STATS, nested, one NLA_U64 per enum coap_stats_attr.
 *
 * COAP_CMD_OBSERVERS (kernel to daemon, unicast to the owner's socket)
 *	COAP_A_PATH and COAP_A_OBSERVERS: the resource gained its first
 *	observer (1) or lost its last (0).  Best effort, like any datagram.
 *
 * Observe (RFC 7641)
 * ==================
 *
 * A GET with Observe 0 on an observable resource that the kernel answers
 * from its published representation registers the client (its address,
 * port and token; the same pair again refreshes the entry) and the 2.05
 * carries Observe.  Each later COAP_CMD_PUBLISH sends every observer a
 * notification: 2.05 with Observe (a 24-bit sequence number that moves at
 * every publish), ETag, Content-Format, Max-Age and the payload, or its
 * first Block2 block (with Size2) when it is larger than the block size
 * the client asked for or than 1024 bytes.  Notifications are NON except
 * every COAP_A_NOTIFY_CON-th and at least one a day, which are CON and
 * retransmitted like any CON; so is a notification that would take the
 * NON traffic to an observer since it last registered or acknowledged
 * over the endpoint's PROBING_RATE (RFC 7252 section 4.7: obs_probe).
 * At most one CON is in flight per observer;
 * a newer state meanwhile is sent as its retransmission or after its ACK
 * (RFC 7641 section 4.5.2).  An observer is removed by an RST to any
 * notification (obs_reset), by a GET with Observe 1 (obs_cancelled), or
 * when a CON notification runs out of retransmissions (obs_timeout).
 * Removing the resource sends each observer 4.04 without Observe; a
 * publish whose Content-Format differs from a client's Accept sends it
 * 4.06 without Observe; either ends the observation.  At most
 * max_observers per resource, max_observers_per_addr per client address
 * and max_observers_net per namespace (module parameters); beyond, the
 * client gets the plain response without Observe
 * (obs_refused).  A withdrawn representation notifies nobody.  An
 * observer costs 128 bytes of kernel memory (plus a retransmission copy
 * while a CON is in flight).
 *
 * Counters
 * ========
 *
 * Every received datagram moves rx_datagrams and exactly one of
 * rx_requests, rx_pings, rx_acks, rx_resets (an ACK or RST that matched one of
 * our separate responses or notifications, or a CoAP socket's request),
 * rx_responses (a response delivered to a CoAP socket) or drop_<reason>,
 * so rx_datagrams is their sum.  sock_errors counts the failed requests
 * of CoAP sockets reported on their error queues.
 * A drop_* of a Confirmable message that the RFC says to reject also sends
 * a Reset, counted in tx_rst.  Every request (rx_requests) is then either
 * answered by the kernel (req_local: discovery, errors, the published
 * fast path, which also moves req_fast), forwarded to a daemon
 * (req_forwarded), a retransmission of one still pending (req_duplicate),
 * or refused because the daemon's queue is full (req_queue_full) or it
 * could not be reached (req_deliver_failed).  A forwarded request ends as
 * req_answered, req_timeout, req_daemon_gone (its owner closed its socket
 * or removed the resource; the client got 5.03) or req_aborted (the
 * endpoint it came in on was closed; nobody is answered).
 *
 * Deduplication (RFC 7252 section 4.5): every request that goes to a
 * daemon is remembered for EXCHANGE_LIFETIME (CON) or NON_LIFETIME (NON),
 * derived from the endpoint's transmission parameters; a duplicate moves
 * req_duplicate and gets the same ACK again (CON) or nothing (NON).  Records
 * are bounded per client address and port (module parameter
 * max_dedup_per_peer) and per namespace (max_dedup); at a bound the oldest
 * finished record goes (dedup_evicted); if all are still open the client
 * gets 5.03 with Max-Age COAP_BUSY_MAX_AGE (req_queue_full).
 *
 * Separate responses (section 5.2.2): a CON request the daemon has not
 * answered within the endpoint's ack_delay_ms gets an empty ACK
 * (req_separate); the answer then goes out as a CON, retransmitted with
 * exponential back-off (tx_retransmit) until the client's ACK (rx_acks) or
 * RST (rx_resets), or until MAX_RETRANSMIT runs out (exchange_timeout).
 * At most NSTART such CONs are outstanding to one peer; the rest wait in
 * order (tx_queued) and go as earlier ones end (section 4.7).
 *
 * Block-wise transfer (RFC 7959)
 * ==============================
 *
 * Block2: a representation the kernel serves (published, or
 * /.well-known/core up to 8 KiB) or a daemon's answer goes out in blocks
 * when the request carries Block2 (early negotiation: that block, in at
 * most 2^(block_szx+4) bytes; a larger SZX is answered with ours, section
 * 2.4) or when it is larger than 1024 bytes (late negotiation: block 0,
 * SZX block_szx, M=1).  The first block carries Size2, so does any block
 * of a request with Size2; every block carries the ETag (the published or
 * daemon's one, else a hash of the content).  A block past the end gets
 * 4.02, SZX 7, a Block option longer than 3 bytes or a repeated one 4.00
 * (block_bad_option).  Each block sent moves block2_sent.  A daemon's
 * answer larger than one block is kept whole, keyed by endpoint, client
 * address and port, method and request URI, so that the client's requests
 * for the further blocks are answered without the daemon
 * (block2_cache_hit); at most block2_cache_max such answers per namespace
 * (at the bound the oldest goes: block2_cache_evicted), each for
 * block_timeout_ms (block2_cache_expired; 0: the endpoint's
 * EXCHANGE_LIFETIME).  After that the request goes to the daemon again.
 *
 * Block1: the blocks of a request body (any method but GET) are collected
 * by the kernel under the same key; each but the last is answered 2.31
 * Continue with Block1 (NUM echoed, M=1, SZX the smaller of the client's
 * and block_szx: block1_continue).  The last block (M=0) sends the whole
 * request to the daemon once (block1_assembled), and its answer carries
 * Block1 (last NUM, M=0).  A block that does not start where the body
 * received so far ends gets 4.08 and the body is dropped
 * (block1_incomplete); block 0 starts a body afresh, and the last block
 * received again is answered 2.31 again without being appended.  A
 * non-final block that is not exactly 2^(SZX+4) bytes gets 4.00.  A body
 * beyond block1_max_body bytes, or a Size1 announcing one, gets 4.13 with
 * Size1 = block1_max_body (block1_too_large).  At most block1_max_buffers
 * bodies are collected per namespace; beyond (block1_buffers_full), a new
 * body evicts the least recently active one if it has had no block for
 * block1_protect_ms (default 2000), else it gets 5.03 with Max-Age
 * COAP_BUSY_MAX_AGE.  A body with no block for
 * block_timeout_ms is dropped (block1_timeout).  All of these are module
 * parameters, writable at run time.  Buffers and cached answers go when
 * their endpoint closes and when the namespace goes.  Timeouts, expiry
 * and eviction are counted for the namespace only.
 *
 * dedup_entries, exchanges and observers are gauges: the records, open
 * exchanges and observers that exist now; block1_buffers and block2_cached
 * the Block1 bodies being collected and the answers cached for their
 * further blocks.  The same counters are in /proc/net/coap_stats as
 * "name value" lines.
 */
#ifndef _UAPI_LINUX_COAP_H
#define _UAPI_LINUX_COAP_H

#include <linux/types.h>

/*
 * CoAP sockets
 * ============
 *
 * socket(AF_INET or AF_INET6, SOCK_DGRAM, IPPROTO_COAP) is a UDP socket
 * whose messages the kernel's CoAP message layer handles; the module loads
 * on first use.  Each send() or sendmsg() carries one CoAP message in wire
 * form (RFC 7252 section 3), each recv() or recvmsg() returns one, with the
 * peer's address.  bind(), connect(), poll/epoll, blocking and non-blocking
 * use, SO_RCVBUF (datagrams beyond it are dropped, as for UDP) behave as on
 * a UDP socket; an IPv6 socket also talks to IPv4-mapped peers.  What
 * the kernel sends for the socket (requests, retransmissions, ACKs, RSTs,
 * responses) leaves as the socket's own datagrams: routed with its
 * SO_MARK, owner uid and SO_BINDTODEVICE device, and seen as the
 * socket's by cgroup egress programs and netfilter.  A request that
 * cannot be routed at all fails sendmsg() with the routing error (EACCES
 * for a prohibit rule, ENETUNREACH, ...), as UDP's sendmsg does.
 *
 * Sending a request (code 0.01 to 0.31, type CON or NON): the kernel sets
 * the Message ID; a CON is retransmitted (ACK_TIMEOUT, back-off,
 * MAX_RETRANSMIT) until the peer's ACK; at most NSTART CONs are
 * outstanding per peer, later ones wait in order.  The response, matched
 * by peer and token, is delivered once: piggybacked (as the ACK), or
 * separate, which the kernel acknowledges (a duplicate is acknowledged
 * again, not delivered).  A request whose token is already outstanding to
 * that peer gets EBUSY; more than max_sock_requests outstanding, ENOBUFS.
 * Each request is kept, for retransmission, until its response or its
 * failure, and that copy counts against the socket's SO_SNDBUF as a UDP
 * datagram in flight does: with the buffer full, sendmsg() of a request
 * waits for room (up to SO_SNDTIMEO, then EAGAIN), or fails at once with
 * EAGAIN when non-blocking (MSG_DONTWAIT, O_NONBLOCK); poll() reports
 * POLLOUT when there is room again.
 * A request that fails is reported on the error queue: recvmsg() with
 * MSG_ERRQUEUE returns the request as sent, the peer's address and a
 * control message (SOL_COAP, COAP_CMSG_ERROR) holding struct
 * coap_sock_err: error ETIMEDOUT (no ACK after MAX_RETRANSMIT
 * retransmissions, or no response within EXCHANGE_LIFETIME for a CON,
 * NON_LIFETIME for a NON) or ECONNRESET (the peer answered RST).  poll()
 * reports POLLERR while the error queue is not empty; reports count
 * against SO_RCVBUF, and one that does not fit is dropped.  The error queue
 * holds only these reports: the kernel takes ICMP errors for the socket
 * (IP_RECVERR and IPV6_RECVERR add nothing to it).
 *
 * Serving: requests arrive deduplicated (a retransmitted CON gets the
 * cached ACK again; the application sees each request once); sending a
 * response (code 2.00 to 5.31) whose token and peer match a request
 * answers it, piggybacked on the ACK when within the ACK delay (the
 * endpoint parameter ack_delay_ms, 1000 ms), else after the kernel's empty
 * ACK as a separate response: CON retransmitted until acknowledged, or NON
 * when COAP_SO_DEFAULT_TYPE says so.  The response's own type and Message
 * ID are replaced.  ENOENT when no request with that token from that peer
 * is open (answered already, or timed out: the kernel answers 5.03 after
 * request_timeout_ms, as for daemons).  Pings are answered with RST.
 *
 * Any other message (an empty one, a RST, a malformed one) gets EINVAL.  close()
 * with exchanges open frees them; the module cannot be removed while CoAP
 * sockets exist.
 *
 * Socket options, level SOL_COAP, int values (out of range: EINVAL):
 * COAP_SO_ACK_TIMEOUT (ms), COAP_SO_ACK_RANDOM_FACTOR (x1000),
 * COAP_SO_MAX_RETRANSMIT, COAP_SO_NSTART, COAP_SO_DEFAULT_LEISURE (ms),
 * COAP_SO_PROBING_RATE (bytes/s), COAP_SO_MAX_LATENCY (ms),
 * COAP_SO_ACK_DELAY (ms) with the ranges of enum coap_param_attr;
 * COAP_SO_DEFAULT_TYPE, COAP_TYPE_CON (default) or COAP_TYPE_NON, the
 * type of separate responses; COAP_SO_STATS, read only, struct
 * coap_sock_stats.  Level SOL_UDP: UDP_ENCAP and UDP_GRO get ENOPROTOOPT
 * (the message layer is the socket's encapsulation receive hook and takes
 * one datagram at a time).
 *
 * The protocol number: 253, one of the two numbers RFC 3692 leaves for
 * experiments.  No kernel protocol registers it, and it never appears on
 * the wire (the datagrams are UDP).  It must stay below the kernel's
 * IPPROTO_MAX (263), which rules out unused numbers above 255.  The module
 * parameter sock_proto chooses another one (0: no CoAP sockets); the
 * module then loads on first use only for 253.
 */
#define IPPROTO_COAP		253
#define SOL_COAP		5683

enum coap_sockopt {
	COAP_SO_ACK_TIMEOUT = 1,
	COAP_SO_ACK_RANDOM_FACTOR,
	COAP_SO_MAX_RETRANSMIT,
	COAP_SO_NSTART,
	COAP_SO_DEFAULT_LEISURE,
	COAP_SO_PROBING_RATE,
	COAP_SO_MAX_LATENCY,
	COAP_SO_ACK_DELAY,
	COAP_SO_DEFAULT_TYPE,
	COAP_SO_STATS,
};

#define COAP_CMSG_ERROR		1

struct coap_sock_err {
	__u32 error;		/* ETIMEDOUT or ECONNRESET */
	__u16 mid;		/* the request's, as the kernel sent it */
	__u8 tkl;
	__u8 token[8];
	__u8 pad;
};

struct coap_sock_stats {
	__u64 rx_datagrams;
	__u64 rx_requests;	/* delivered, duplicates excluded */
	__u64 rx_responses;	/* delivered */
	__u64 rx_duplicates;	/* retransmitted requests and responses */
	__u64 rx_dropped;	/* malformed, unmatched, bounds */
	__u64 tx_datagrams;
	__u64 tx_retransmit;
	__u64 timeouts;		/* requests reported ETIMEDOUT */
	__u64 resets;		/* requests reported ECONNRESET */
};

/* Default UDP port (RFC 7252 section 6.1). */
#define COAP_DEFAULT_PORT	5683

/* Message types (section 3). */
#define COAP_TYPE_CON		0
#define COAP_TYPE_NON		1
#define COAP_TYPE_ACK		2
#define COAP_TYPE_RST		3

/* Method codes, class 0 (section 12.1.1). */
#define COAP_METHOD_GET		1
#define COAP_METHOD_POST	2
#define COAP_METHOD_PUT		3
#define COAP_METHOD_DELETE	4
#define COAP_METHOD_BIT(m)	(1U << (m))

/* Option numbers (section 12.2, RFC 7641, RFC 7959). */
enum coap_option_num {
	COAP_OPT_IF_MATCH	= 1,
	COAP_OPT_URI_HOST	= 3,
	COAP_OPT_ETAG		= 4,
	COAP_OPT_IF_NONE_MATCH	= 5,
	COAP_OPT_OBSERVE	= 6,
	COAP_OPT_URI_PORT	= 7,
	COAP_OPT_LOCATION_PATH	= 8,
	COAP_OPT_URI_PATH	= 11,
	COAP_OPT_CONTENT_FORMAT	= 12,
	COAP_OPT_MAX_AGE	= 14,
	COAP_OPT_URI_QUERY	= 15,
	COAP_OPT_ACCEPT		= 17,
	COAP_OPT_LOCATION_QUERY	= 20,
	COAP_OPT_BLOCK2		= 23,
	COAP_OPT_BLOCK1		= 27,
	COAP_OPT_SIZE2		= 28,
	COAP_OPT_PROXY_URI	= 35,
	COAP_OPT_PROXY_SCHEME	= 39,
	COAP_OPT_SIZE1		= 60,
};

/* Content-Formats (section 12.3). */
#define COAP_CT_TEXT_PLAIN	0
#define COAP_CT_LINK_FORMAT	40
#define COAP_CT_XML		41
#define COAP_CT_OCTET_STREAM	42
#define COAP_CT_EXI		47
#define COAP_CT_JSON		50
#define COAP_CT_CBOR		60

#define COAP_GENL_NAME		"coap"
#define COAP_GENL_VERSION	1

#define COAP_PATH_MAX		256	/* including the NUL */
#define COAP_ATTR_MAX		128	/* link-format strings, with NUL */
#define COAP_PUBLISH_MAX	65000	/* representation bytes */
#define COAP_RESPONSE_OPTIONS_MAX 256	/* entries in a response's COAP_A_OPTIONS */
#define COAP_ETAG_MAX		8
#define COAP_BUSY_MAX_AGE	2	/* seconds, on 5.03 for a full queue */

enum coap_cmd {
	COAP_CMD_UNSPEC,
	COAP_CMD_ENDPOINT_ADD,
	COAP_CMD_ENDPOINT_DEL,
	COAP_CMD_ENDPOINT_GET,
	COAP_CMD_RESOURCE_ADD,
	COAP_CMD_RESOURCE_DEL,
	COAP_CMD_RESOURCE_GET,
	COAP_CMD_PUBLISH,
	COAP_CMD_REQUEST,
	COAP_CMD_RESPONSE,
	COAP_CMD_STATS_GET,
	COAP_CMD_ENDPOINT_SET,
	COAP_CMD_OBSERVERS,
	__COAP_CMD_MAX
};

#define COAP_CMD_MAX (__COAP_CMD_MAX - 1)

enum coap_attr {
	COAP_A_UNSPEC,
	COAP_A_ADDR,		/* binary: sockaddr_in or sockaddr_in6 */
	COAP_A_FD,		/* u32 */
	COAP_A_ADOPTED,		/* flag */
	COAP_A_PATH,		/* string */
	COAP_A_METHODS,		/* u32 */
	COAP_A_RT,		/* string */
	COAP_A_IF,		/* string */
	COAP_A_TITLE,		/* string */
	COAP_A_CT,		/* u16 */
	COAP_A_SZ,		/* u32 */
	COAP_A_OBSERVABLE,	/* flag */
	COAP_A_OWNER,		/* u32 */
	COAP_A_PAYLOAD,		/* binary */
	COAP_A_PAYLOAD_LEN,	/* u32 */
	COAP_A_CONTENT_FORMAT,	/* u16 */
	COAP_A_MAX_AGE,		/* u32 */
	COAP_A_ETAG,		/* binary, 1..8 */
	COAP_A_ACCEPT,		/* u16 */
	COAP_A_HANDLE,		/* u64 */
	COAP_A_CODE,		/* u8 */
	COAP_A_TYPE,		/* u8 */
	COAP_A_QUERY,		/* string */
	COAP_A_PEER,		/* binary: sockaddr_in or sockaddr_in6 */
	COAP_A_LOCAL,		/* binary: sockaddr_in or sockaddr_in6 */
	COAP_A_OPTIONS,		/* nested: COAP_A_OPTION... */
	COAP_A_STATS,		/* nested: enum coap_stats_attr */
	COAP_A_PAD,
	COAP_A_PARAMS,		/* nested: enum coap_param_attr */
	COAP_A_OBSERVERS,	/* u32 */
	COAP_A_NOTIFY_CON,	/* u32 */
	__COAP_A_MAX
};

#define COAP_A_MAX (__COAP_A_MAX - 1)

/* Inside COAP_A_OPTIONS: one nested COAP_A_OPTION per CoAP option. */
enum coap_option_attr {
	COAP_OPTION_A_UNSPEC,
	COAP_OPTION_A_NUM,	/* u16 */
	COAP_OPTION_A_VALUE,	/* binary, may be empty */
	__COAP_OPTION_A_MAX
};

#define COAP_OPTION_A_MAX (__COAP_OPTION_A_MAX - 1)
#define COAP_A_OPTION		1	/* type of each entry in COAP_A_OPTIONS */

/*
 * Transmission parameters of an endpoint (RFC 7252 section 4.8), each an
 * NLA_U32 inside COAP_A_PARAMS, with their defaults and valid ranges.
 */
enum coap_param_attr {
	COAP_PARAM_A_UNSPEC,
	COAP_PARAM_A_ACK_TIMEOUT_MS,	/* 2000, 10..60000 */
	COAP_PARAM_A_ACK_RANDOM_FACTOR,	/* x1000: 1500, 1000..4000 */
	COAP_PARAM_A_MAX_RETRANSMIT,	/* 4, 0..10 */
	COAP_PARAM_A_NSTART,		/* 1, 1..32 */
	COAP_PARAM_A_DEFAULT_LEISURE_MS,	/* 5000, 0..60000 */
	COAP_PARAM_A_PROBING_RATE,	/* bytes/s: 1, 1..1000000 */
	COAP_PARAM_A_MAX_LATENCY_MS,	/* 100000, 1..300000 */
	COAP_PARAM_A_ACK_DELAY_MS,	/* 1000, below ACK_TIMEOUT */
	__COAP_PARAM_A_MAX
};

#define COAP_PARAM_A_MAX (__COAP_PARAM_A_MAX - 1)

/*
 * Counters, each an NLA_U64 in COAP_A_STATS and a line in
 * /proc/net/coap_stats (the name is the enum name after COAP_STATS_A_,
 * lower case).
 */
enum coap_stats_attr {
	COAP_STATS_A_UNSPEC,
	COAP_STATS_A_RX_DATAGRAMS,
	COAP_STATS_A_RX_REQUESTS,
	COAP_STATS_A_RX_PINGS,
	/* format errors (RFC 7252 section 3), one per codec error */
	COAP_STATS_A_DROP_SHORT,
	COAP_STATS_A_DROP_VERSION,
	COAP_STATS_A_DROP_TOKEN_LENGTH,
	COAP_STATS_A_DROP_TRUNCATED_TOKEN,
	COAP_STATS_A_DROP_EMPTY_NOT_EMPTY,
	COAP_STATS_A_DROP_OPTION_NIBBLE_15,
	COAP_STATS_A_DROP_OPTION_TRUNCATED,
	COAP_STATS_A_DROP_OPTION_NUMBER,
	COAP_STATS_A_DROP_MARKER_NO_PAYLOAD,
	/* well-formed but not acceptable here (sections 4.2, 4.3) */
	COAP_STATS_A_DROP_RST_NOT_EMPTY,
	COAP_STATS_A_DROP_ACK_WITH_REQUEST,
	COAP_STATS_A_DROP_EMPTY_NON,
	COAP_STATS_A_DROP_RESERVED_CODE,
	COAP_STATS_A_DROP_UNMATCHED_ACK,
	COAP_STATS_A_DROP_UNMATCHED_RST,
	COAP_STATS_A_DROP_RESPONSE_NO_CONTEXT,
	COAP_STATS_A_DROP_BAD_OPTION_NON,
	COAP_STATS_A_DROP_NOMEM,
	COAP_STATS_A_DROP_NO_ENDPOINT,
	COAP_STATS_A_TX_DATAGRAMS,
	COAP_STATS_A_TX_RST,
	COAP_STATS_A_TX_ERRORS,
	/* what became of requests (see the Counters section) */
	COAP_STATS_A_REQ_LOCAL,
	COAP_STATS_A_REQ_FAST,
	COAP_STATS_A_REQ_FORWARDED,
	COAP_STATS_A_REQ_DUPLICATE,
	COAP_STATS_A_REQ_QUEUE_FULL,
	COAP_STATS_A_REQ_DELIVER_FAILED,
	COAP_STATS_A_REQ_ANSWERED,
	COAP_STATS_A_REQ_TIMEOUT,
	COAP_STATS_A_REQ_DAEMON_GONE,
	COAP_STATS_A_REQ_ABORTED,
	/* the message layer (section 4) */
	COAP_STATS_A_RX_ACKS,
	COAP_STATS_A_RX_RESETS,
	COAP_STATS_A_REQ_SEPARATE,
	COAP_STATS_A_TX_RETRANSMIT,
	COAP_STATS_A_EXCHANGE_TIMEOUT,
	COAP_STATS_A_DEDUP_EVICTED,
	COAP_STATS_A_TX_QUEUED,
	/* observe (RFC 7641) */
	COAP_STATS_A_OBS_REGISTERED,
	COAP_STATS_A_OBS_REFUSED,
	COAP_STATS_A_OBS_CANCELLED,
	COAP_STATS_A_OBS_RESET,
	COAP_STATS_A_OBS_TIMEOUT,
	COAP_STATS_A_OBS_NOTIFICATIONS,
	COAP_STATS_A_OBS_PROBE,
	/* block-wise transfer (RFC 7959, see the Block-wise section) */
	COAP_STATS_A_BLOCK2_SENT,
	COAP_STATS_A_BLOCK2_CACHE_HIT,
	COAP_STATS_A_BLOCK2_CACHE_EVICTED,
	COAP_STATS_A_BLOCK2_CACHE_EXPIRED,
	COAP_STATS_A_BLOCK1_CONTINUE,
	COAP_STATS_A_BLOCK1_ASSEMBLED,
	COAP_STATS_A_BLOCK1_INCOMPLETE,
	COAP_STATS_A_BLOCK1_TOO_LARGE,
	COAP_STATS_A_BLOCK1_BUFFERS_FULL,
	COAP_STATS_A_BLOCK1_TIMEOUT,
	COAP_STATS_A_BLOCK_BAD_OPTION,
	/* CoAP sockets (see CoAP sockets) */
	COAP_STATS_A_RX_RESPONSES,
	COAP_STATS_A_DROP_DUPLICATE_RESPONSE,
	COAP_STATS_A_SOCK_ERRORS,
	/* gauges: what exists now, not event counts */
	COAP_STATS_A_DEDUP_ENTRIES,
	COAP_STATS_A_EXCHANGES,
	COAP_STATS_A_OBSERVERS,
	COAP_STATS_A_BLOCK1_BUFFERS,
	COAP_STATS_A_BLOCK2_CACHED,
	__COAP_STATS_A_MAX
};

#define COAP_STATS_A_MAX (__COAP_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_COAP_H */
