// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: every datagram on an endpoint socket lands here in softirq
 * (encap_rcv, under rcu_read_lock), is parsed in place and either answered
 * or dropped per RFC 7252 sections 4.2 and 4.3.  Each datagram moves
 * exactly one outcome counter (see stats.h).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/udp_tunnel.h>

#include "exchange.h"
#include "kcoap.h"
#include "stats.h"
#include "trace.h"
#include "udp.h"

/* drop counter for each codec error, indexed by enum coap_parse_err */
static const u8 kcoap_format_drop[__COAP_ERR_MAX] = {
	[COAP_ERR_SHORT]	= COAP_STATS_A_DROP_SHORT,
	[COAP_ERR_VERSION]	= COAP_STATS_A_DROP_VERSION,
	[COAP_ERR_TKL]		= COAP_STATS_A_DROP_TOKEN_LENGTH,
	[COAP_ERR_TRUNC_TOKEN]	= COAP_STATS_A_DROP_TRUNCATED_TOKEN,
	[COAP_ERR_EMPTY]	= COAP_STATS_A_DROP_EMPTY_NOT_EMPTY,
	[COAP_ERR_OPT_NIBBLE]	= COAP_STATS_A_DROP_OPTION_NIBBLE_15,
	[COAP_ERR_OPT_TRUNC]	= COAP_STATS_A_DROP_OPTION_TRUNCATED,
	[COAP_ERR_OPT_NUM]	= COAP_STATS_A_DROP_OPTION_NUMBER,
	[COAP_ERR_NO_PAYLOAD]	= COAP_STATS_A_DROP_MARKER_NO_PAYLOAD,
};

/* An empty message with type t echoing mid: RST or empty ACK. */
void kcoap_send_empty(struct kcoap_endpoint *ep,
		      const struct kcoap_peer *peer, u8 type, u16 mid)
{
	struct coap_msg_out out = {
		.type = type,
		.code = COAP_CODE_EMPTY,
		.mid = mid,
	};

	kcoap_endpoint_send(ep, peer, &out);
}

/*
 * Sections 4.2 and 4.3 for every endpoint, CoAP sockets included: what is
 * malformed in context is counted and dropped (a CON answered with RST
 * where the rules say so), pings are answered, and the rest goes to the
 * endpoint's rx_ops.  True when the caller should deliver the datagram.
 */
bool kcoap_rx_dispatch(struct kcoap_endpoint *ep,
		       const struct kcoap_peer *peer,
		       const struct coap_msg *msg)
{
	const struct kcoap_rx_ops *ops = ep->rx_ops;
	int drop, ret;

	switch (msg->type) {
	case COAP_TYPE_RST:
	case COAP_TYPE_ACK:
		/* a Reset must be empty; an ACK carries a response or nothing */
		if (msg->type == COAP_TYPE_RST && msg->code) {
			drop = COAP_STATS_A_DROP_RST_NOT_EMPTY;
			break;
		}
		if (msg->type == COAP_TYPE_ACK &&
		    coap_code_is_request(msg->code)) {
			drop = COAP_STATS_A_DROP_ACK_WITH_REQUEST;
			break;
		}
		/* either one ends the exchange it names */
		ret = kcoap_exchange_rx(ep, peer, msg);
		if (ret < 0 && ops->ack)
			ret = ops->ack(ep, peer, msg);
		if (ret >= 0)
			return ret;
		drop = msg->type == COAP_TYPE_RST ?
		       COAP_STATS_A_DROP_UNMATCHED_RST :
		       COAP_STATS_A_DROP_UNMATCHED_ACK;
		break;
	default:
		if (msg->code == COAP_CODE_EMPTY) {
			if (msg->type == COAP_TYPE_CON) {
				/* CoAP ping (section 4.3) */
				kcoap_ep_stat_inc(ep, RX_PINGS);
				kcoap_send_empty(ep, peer, COAP_TYPE_RST,
						 msg->mid);
				return false;
			}
			drop = COAP_STATS_A_DROP_EMPTY_NON;
			break;
		}
		if (coap_code_is_request(msg->code))
			return ops->request(ep, peer, msg);
		if (coap_code_is_response(msg->code) && ops->response)
			return ops->response(ep, peer, msg);
		/* a response we have no exchange for, or a reserved class */
		drop = coap_code_is_response(msg->code) ?
			COAP_STATS_A_DROP_RESPONSE_NO_CONTEXT :
			COAP_STATS_A_DROP_RESERVED_CODE;
		/* section 4.2: a CON that lacks context is rejected with RST */
		if (msg->type == COAP_TYPE_CON)
			kcoap_send_empty(ep, peer, COAP_TYPE_RST, msg->mid);
		break;
	}
	kcoap_ep_stat_inc_nr(ep, drop);
	return false;
}

/*
 * The part of receiving every endpoint shares, sockets included: count,
 * linearize, trace, parse.  False when the datagram was handled here (a
 * malformed one is rejected as section 4.2 says); the caller still owns
 * skb either way.
 */
bool kcoap_rx_message(struct kcoap_endpoint *ep, struct sk_buff *skb,
		      struct kcoap_peer *peer, struct coap_msg *msg)
{
	const u8 *data;
	int err;

	kcoap_ep_stat_inc(ep, RX_DATAGRAMS);
	if (skb_linearize(skb)) {
		kcoap_ep_stat_inc(ep, DROP_NOMEM);
		return false;
	}
	kcoap_peer_from_skb(skb, peer);
	data = (const u8 *)(udp_hdr(skb) + 1);
	trace_coap_rx(peer, data, skb_tail_pointer(skb) - data);
	err = coap_parse(data, skb_tail_pointer(skb) - data, msg);
	if (!err)
		return true;
	kcoap_ep_stat_inc_nr(ep, kcoap_format_drop[err]);
	/*
	 * Section 4.2: a malformed CON is rejected with a Reset; any other
	 * malformed message is silently ignored.
	 */
	if (err > COAP_ERR_VERSION && msg->type == COAP_TYPE_CON)
		kcoap_send_empty(ep, peer, COAP_TYPE_RST, msg->mid);
	return false;
}

/* A datagram for a socket that is going away: counted, dropped. */
void kcoap_rx_orphan(struct sock *sk, struct sk_buff *skb)
{
	struct kcoap_net *kn = kcoap_pernet(sock_net(sk));

	/* the netns counters outlive the endpoint */
	kcoap_stat_inc(kn, RX_DATAGRAMS);
	kcoap_stat_inc(kn, DROP_NO_ENDPOINT);
	kfree_skb(skb);
}

int kcoap_udp_recv(struct sock *sk, struct sk_buff *skb)
{
	struct kcoap_endpoint *ep = rcu_dereference_sk_user_data(sk);
	struct kcoap_peer peer;
	struct coap_msg msg;

	if (unlikely(!ep)) {
		kcoap_rx_orphan(sk, skb);
		return 0;
	}
	/* an endpoint's own messages are never delivered anywhere */
	if (kcoap_rx_message(ep, skb, &peer, &msg))
		kcoap_rx_dispatch(ep, &peer, &msg);
	consume_skb(skb);
	return 0;
}
