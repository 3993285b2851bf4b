/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the message layer, so one exchange can be followed with
 * the standard tools (trace-cmd, perf, tracefs events/coap/):
 * coap_rx, coap_tx, coap_retransmit, coap_duplicate and coap_timeout.
 * Each names the peer, the message type, code, MID and token.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM coap

#if !defined(_KCOAP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KCOAP_TRACE_H

#include <linux/in6.h>
#include <linux/tracepoint.h>

#include "codec.h"
#include "peer.h"

DECLARE_EVENT_CLASS(coap_msg,
	TP_PROTO(const struct kcoap_peer *peer, const u8 *msg, u32 len),
	TP_ARGS(peer, msg, len),
	TP_STRUCT__entry(
		__array(u8, addr, sizeof(struct sockaddr_in6))
		__field(u8, type)
		__field(u8, code)
		__field(u16, mid)
		__field(u8, tkl)
		__array(u8, token, COAP_MAX_TKL)
		__field(u32, len)
	),
	TP_fast_assign(
		struct sockaddr_storage ss;

		kcoap_peer_to_sockaddr(peer, false, peer->port, &ss);
		memcpy(__entry->addr, &ss, sizeof(__entry->addr));
		__entry->len = len;
		__entry->type = len >= 4 ? (msg[0] >> 4) & 3 : 0;
		__entry->code = len >= 4 ? msg[1] : 0;
		__entry->mid = len >= 4 ? (msg[2] << 8) | msg[3] : 0;
		__entry->tkl = len >= 4 ? min_t(u32, msg[0] & 15,
						min_t(u32, len - 4, COAP_MAX_TKL)) : 0;
		memset(__entry->token, 0, COAP_MAX_TKL);
		memcpy(__entry->token, msg + 4, __entry->tkl);
	),
	TP_printk("peer=%pISpc type=%s code=%u.%02u mid=%u token=%*phN len=%u",
		  __entry->addr,
		  __print_symbolic(__entry->type, { 0, "CON" }, { 1, "NON" },
				   { 2, "ACK" }, { 3, "RST" }),
		  __entry->code >> 5, __entry->code & 31, __entry->mid,
		  __entry->tkl, __entry->token, __entry->len)
);

DEFINE_EVENT(coap_msg, coap_rx,
	TP_PROTO(const struct kcoap_peer *peer, const u8 *msg, u32 len),
	TP_ARGS(peer, msg, len));
DEFINE_EVENT(coap_msg, coap_tx,
	TP_PROTO(const struct kcoap_peer *peer, const u8 *msg, u32 len),
	TP_ARGS(peer, msg, len));
DEFINE_EVENT(coap_msg, coap_retransmit,
	TP_PROTO(const struct kcoap_peer *peer, const u8 *msg, u32 len),
	TP_ARGS(peer, msg, len));
DEFINE_EVENT(coap_msg, coap_duplicate,
	TP_PROTO(const struct kcoap_peer *peer, const u8 *msg, u32 len),
	TP_ARGS(peer, msg, len));
DEFINE_EVENT(coap_msg, coap_timeout,
	TP_PROTO(const struct kcoap_peer *peer, const u8 *msg, u32 len),
	TP_ARGS(peer, msg, len));
/* a daemon did not answer in time: msg is the request's header and token */
DEFINE_EVENT(coap_msg, coap_daemon_timeout,
	TP_PROTO(const struct kcoap_peer *peer, const u8 *msg, u32 len),
	TP_ARGS(peer, msg, len));

#endif /* _KCOAP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
