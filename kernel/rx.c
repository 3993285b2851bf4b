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

#include "kcoap.h"

/* drop counter for each codec error, indexed by enum coap_parse_err */
static const u8 kcoap_format_drop[__COAP_ERR_MAX] = {
	[COAP_ERR_SHORT]	= KCOAP_STAT_DROP_SHORT,
	[COAP_ERR_VERSION]	= KCOAP_STAT_DROP_VERSION,
	[COAP_ERR_TKL]		= KCOAP_STAT_DROP_TOKEN_LENGTH,
	[COAP_ERR_TRUNC_TOKEN]	= KCOAP_STAT_DROP_TRUNCATED_TOKEN,
	[COAP_ERR_EMPTY]	= KCOAP_STAT_DROP_EMPTY_NOT_EMPTY,
	[COAP_ERR_OPT_NIBBLE]	= KCOAP_STAT_DROP_OPTION_NIBBLE,
	[COAP_ERR_OPT_TRUNC]	= KCOAP_STAT_DROP_OPTION_TRUNCATED,
	[COAP_ERR_OPT_NUM]	= KCOAP_STAT_DROP_OPTION_NUMBER,
	[COAP_ERR_NO_PAYLOAD]	= KCOAP_STAT_DROP_MARKER_NO_PAYLOAD,
};

static void kcoap_peer_from_skb(const struct sk_buff *skb,
				struct kcoap_peer *peer)
{
	const struct udphdr *uh = udp_hdr(skb);

	peer->port = uh->source;
	peer->ifindex = skb->skb_iif;
	if (skb->protocol == htons(ETH_P_IP)) {
		peer->family = AF_INET;
		peer->addr.v4 = ip_hdr(skb)->saddr;
		peer->local.v4 = ip_hdr(skb)->daddr;
	} else {
		peer->family = AF_INET6;
		peer->addr.v6 = ipv6_hdr(skb)->saddr;
		peer->local.v6 = ipv6_hdr(skb)->daddr;
	}
}

/* An empty message with type t echoing mid: RST or empty ACK. */
static void kcoap_send_empty(struct kcoap_endpoint *ep,
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
 * Section 5.4.1: an unrecognised critical option rejects the request.
 * The options the server understands (or knowingly ignores) so far.
 */
static bool kcoap_opt_known(u16 num)
{
	switch (num) {
	case 1:		/* If-Match */
	case 3:		/* Uri-Host */
	case 4:		/* ETag */
	case 5:		/* If-None-Match */
	case 6:		/* Observe */
	case 7:		/* Uri-Port */
	case 8:		/* Location-Path */
	case 11:	/* Uri-Path */
	case 12:	/* Content-Format */
	case 14:	/* Max-Age */
	case 15:	/* Uri-Query */
	case 17:	/* Accept */
	case 20:	/* Location-Query */
	case 23:	/* Block2 */
	case 27:	/* Block1 */
	case 28:	/* Size2 */
	case 35:	/* Proxy-Uri */
	case 39:	/* Proxy-Scheme */
	case 60:	/* Size1 */
		return true;
	}
	return false;
}

static bool kcoap_bad_critical(const struct coap_msg *msg)
{
	struct coap_opt_iter it;
	struct coap_opt opt;

	coap_opt_iter_init(&it, msg);
	while (coap_opt_next(&it, &opt))
		if (coap_opt_critical(opt.num) && !kcoap_opt_known(opt.num))
			return true;
	return false;
}

static void kcoap_handle_request(struct kcoap_endpoint *ep,
				 const struct kcoap_peer *peer,
				 const struct coap_msg *req)
{
	struct kcoap_net *kn = ep->kn;
	struct kcoap_reply reply = {};
	struct coap_msg_out out;

	if (kcoap_bad_critical(req)) {
		if (req->type == COAP_TYPE_NON) {
			/* section 4.3: a rejected NON is silently ignored */
			kcoap_stat_inc(kn, DROP_BAD_OPTION_NON);
			return;
		}
		reply.code = COAP_CODE(4, 2);
	} else {
		kcoap_resource_handle(kn, req, &reply);
	}
	kcoap_stat_inc(kn, RX_REQUESTS);

	out = (struct coap_msg_out){
		.code = reply.code,
		.tkl = req->tkl,
		.token = req->token,
		.opts = reply.opts,
		.nopts = reply.nopts,
		.payload = reply.payload,
		.payload_len = reply.payload_len,
	};
	if (req->type == COAP_TYPE_CON) {
		/* piggybacked on the ACK (section 5.2.1) */
		out.type = COAP_TYPE_ACK;
		out.mid = req->mid;
	} else {
		/* a NON request gets a NON response with its own MID */
		out.type = COAP_TYPE_NON;
		out.mid = (u16)atomic_inc_return(&ep->next_mid);
	}
	kcoap_endpoint_send(ep, peer, &out);
}

static void kcoap_dispatch(struct kcoap_endpoint *ep,
			   const struct kcoap_peer *peer,
			   const struct coap_msg *msg)
{
	struct kcoap_net *kn = ep->kn;
	u8 cls = COAP_CODE_CLASS(msg->code);
	int drop;

	switch (msg->type) {
	case COAP_TYPE_RST:
		/* section 4.2: a Reset must be empty; nothing to cancel yet */
		drop = msg->code ? KCOAP_STAT_DROP_RST_NOT_EMPTY :
				   KCOAP_STAT_DROP_UNMATCHED_RST;
		break;
	case COAP_TYPE_ACK:
		/* an ACK carries a response or nothing; we await none yet */
		drop = coap_code_is_request(msg->code) ?
			KCOAP_STAT_DROP_ACK_REQUEST :
			KCOAP_STAT_DROP_UNMATCHED_ACK;
		break;
	default:
		if (msg->code == COAP_CODE_EMPTY) {
			if (msg->type == COAP_TYPE_CON) {
				/* CoAP ping (section 4.3) */
				kcoap_stat_inc(kn, RX_PINGS);
				kcoap_send_empty(ep, peer, COAP_TYPE_RST,
						 msg->mid);
				return;
			}
			drop = KCOAP_STAT_DROP_EMPTY_NON;
			break;
		}
		if (cls == 0) {
			kcoap_handle_request(ep, peer, msg);
			return;
		}
		/* a response we have no exchange for, or a reserved class */
		drop = coap_code_is_response(msg->code) ?
			KCOAP_STAT_DROP_NO_CONTEXT :
			KCOAP_STAT_DROP_RESERVED_CODE;
		/* section 4.2: a CON that lacks context is rejected with RST */
		if (msg->type == COAP_TYPE_CON)
			kcoap_send_empty(ep, peer, COAP_TYPE_RST, msg->mid);
		break;
	}
	kcoap_stat_inc_nr(kn, drop);
}

int kcoap_udp_recv(struct sock *sk, struct sk_buff *skb)
{
	struct kcoap_endpoint *ep = rcu_dereference_sk_user_data(sk);
	struct kcoap_peer peer;
	struct coap_msg msg;
	struct kcoap_net *kn;
	const u8 *data;
	int err;

	if (unlikely(!ep)) {
		/* endpoint going away; nothing to count it in */
		kfree_skb(skb);
		return 0;
	}
	kn = ep->kn;
	kcoap_stat_inc(kn, RX_DATAGRAMS);
	if (skb_linearize(skb)) {
		kcoap_stat_inc(kn, DROP_NOMEM);
		kfree_skb(skb);
		return 0;
	}
	kcoap_peer_from_skb(skb, &peer);
	data = (const u8 *)(udp_hdr(skb) + 1);
	err = coap_parse(data, skb_tail_pointer(skb) - data, &msg);
	if (err) {
		kcoap_stat_inc_nr(kn, kcoap_format_drop[err]);
		/*
		 * Section 4.2: a malformed CON is rejected with a Reset; any
		 * other malformed message is silently ignored.
		 */
		if (err > COAP_ERR_VERSION && msg.type == COAP_TYPE_CON)
			kcoap_send_empty(ep, &peer, COAP_TYPE_RST, msg.mid);
	} else {
		kcoap_dispatch(ep, &peer, &msg);
	}
	consume_skb(skb);
	return 0;
}
