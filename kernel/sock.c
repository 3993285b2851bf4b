// SPDX-License-Identifier: GPL-2.0
/*
 * CoAP sockets: socket(AF_INET or AF_INET6, SOCK_DGRAM, IPPROTO_COAP).
 *
 * A CoAP socket is a UDP socket (UDP's proto and proto_ops, copied, with
 * a few methods replaced) whose datagrams pass through encap_rcv first:
 * the message layer consumes what is its business (ACKs, RSTs, pings,
 * duplicates) and lets UDP queue the rest, so receive-buffer accounting,
 * blocking, poll and MSG_PEEK are UDP's.  Each socket is an endpoint
 * (struct kcoap_endpoint) for the shared message layer: requests it
 * serves are exchanges of request.c with the socket's pseudo-daemon as
 * owner, so deduplication, piggybacked and separate responses are the
 * very code daemons use.  Requests it sends are client exchanges, below.
 *
 * Locking: struct kcoap_csock.lock (softirq and process, _bh) protects the
 * list of client exchanges; their messages are the message layer's
 * (exchange.c, whose lock comes after ours), and nothing is sent with ours
 * held.  request.c's state is under pending_lock as always.
 * The socket's sk_user_data points to its kcoap_csock.  Destroy sets
 * ep.dead and waits for a grace period before it purges anything, so a
 * receiver or timer that saw !dead under rcu_read_lock finishes (and
 * transmits) while the socket is whole; kcoap_csock itself is freed after
 * a further grace period.
 *
 * The error queue holds only the module's reports (kcoap_cx_fail), marked
 * by KCOAP_REPORT_INFO: UDP_ENCAP, which would let UDP queue ICMP errors,
 * is refused, and anything not marked is left to UDP's reader.
 */
#include <linux/errqueue.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "blockwise.h"
#include "exchange.h"
#include "kcoap.h"
#include "request.h"
#include "resource.h"
#include "stats.h"
#include "trace.h"
#include "udp.h"

static int sock_proto = IPPROTO_COAP;
module_param(sock_proto, int, 0444);
MODULE_PARM_DESC(sock_proto, "Protocol number of CoAP sockets, 1..262 and not one the kernel uses; 0: none (default 253)");

static unsigned int max_sock_requests = 256;
module_param(max_sock_requests, uint, 0644);
MODULE_PARM_DESC(max_sock_requests, "Requests one CoAP socket may have outstanding; beyond, sendmsg fails with ENOBUFS (default 256)");

/* loaded by socket(): 2 is SOCK_DGRAM, an enum the alias cannot spell */
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, IPPROTO_COAP, 2);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET6, IPPROTO_COAP, 2);

/* Room for the headers in front of a request, as kcoap_skb_alloc leaves. */
#define KCOAP_SOCK_HEADROOM (LL_MAX_HEADER + sizeof(struct ipv6hdr) + \
			     sizeof(struct udphdr))

/* ee_info of the module's reports on the error queue ("CoAP"). */
#define KCOAP_REPORT_INFO	0x436f4150

/* CON responses already delivered, to recognise their retransmissions. */
#define KCOAP_SEEN	32

/*
 * A request the application sent, until its response or failure: a
 * message-layer exchange (peer, token, MID, retransmission, and the
 * deadline for the response once acknowledged or sent as NON).
 */
struct kcoap_cx {
	struct kcoap_exchange x;
	struct list_head node;		/* kcoap_csock.cx, while open */
	struct kcoap_csock *cs;
	struct sk_buff *skb;		/* the request as sent, charged to sk */
	u8 type;
	bool acked;			/* an empty ACK came: response due */
};

struct kcoap_csock {
	struct kcoap_endpoint ep;	/* first: sk_user_data works as both */
	struct kcoap_daemon app;	/* owns the requests it serves */
	struct sock *sk;
	struct rcu_head rcu;
	spinlock_t lock;		/* everything below */
	struct list_head cx;
	unsigned int ncx;
	bool closing;
	u8 sep_type;			/* COAP_SO_DEFAULT_TYPE */
	struct {
		struct kcoap_peer peer;
		u16 mid;
	} seen[KCOAP_SEEN];
	unsigned int seen_next;
};

static struct proto kcoap_prot4, kcoap_prot6;
static const struct proto *udp_prot4, *udp_prot6;
static struct inet_protosw kcoap_protosw4, kcoap_protosw6;
static bool registered4, registered6;

/* Receive path, under rcu_read_lock. */
static struct kcoap_csock *kcoap_csock(const struct sock *sk)
{
	return rcu_dereference_sk_user_data(sk);
}

/* A system call on the socket: set at init, cleared only by destroy. */
static struct kcoap_csock *kcoap_csock_owned(const struct sock *sk)
{
	uintptr_t p = (uintptr_t)rcu_dereference_protected(__sk_user_data(sk),
							   1);

	return (struct kcoap_csock *)(p & SK_USER_DATA_PTRMASK);
}

static const struct proto *kcoap_udp_prot(const struct sock *sk)
{
	return sk->sk_family == AF_INET6 ? udp_prot6 : udp_prot4;
}

/* ---- client exchanges -------------------------------------------------- */

static u32 kcoap_cx_lifetime(const struct kcoap_csock *cs, u8 type)
{
	u64 ms = type == COAP_TYPE_CON ? kcoap_exchange_lifetime(&cs->ep.params) :
					 kcoap_non_lifetime(&cs->ep.params);

	return msecs_to_jiffies(min_t(u64, ms, UINT_MAX));
}

/* lock held: take cx off the open list; true if it was on it. */
static bool kcoap_cx_close(struct kcoap_csock *cs, struct kcoap_cx *cx)
{
	if (list_empty(&cx->node))
		return false;
	list_del_init(&cx->node);
	cs->ncx--;
	return true;
}

/*
 * lock held: report cx's failure on the error queue and close it.  The
 * error skb holds the peer's address, then the request as sent; the
 * queue charges it to SO_RCVBUF and drops it when that is full.
 */
static void kcoap_cx_fail(struct kcoap_csock *cs, struct kcoap_cx *cx,
			  int error)
{
	struct sock_exterr_skb *serr;
	struct sockaddr_storage ss;
	struct sk_buff *skb;

	if (!kcoap_cx_close(cs, cx))
		return;
	kcoap_ep_stat_inc(&cs->ep, SOCK_ERRORS);
	skb = alloc_skb(sizeof(ss) + cx->skb->len, GFP_ATOMIC);
	if (skb) {
		kcoap_peer_to_sockaddr(&cx->x.peer, false, cx->x.peer.port,
				       &ss);
		skb_put_data(skb, &ss, sizeof(ss));
		skb_put_data(skb, cx->skb->data, cx->skb->len);
		serr = SKB_EXT_ERR(skb);
		memset(serr, 0, sizeof(*serr));
		serr->ee.ee_errno = error;
		serr->ee.ee_origin = SO_EE_ORIGIN_LOCAL;
		serr->ee.ee_info = KCOAP_REPORT_INFO;
		if (sock_queue_err_skb(cs->sk, skb))
			kfree_skb(skb);	/* error queue over SO_RCVBUF */
	}
}

static struct kcoap_cx *kcoap_cx_of(struct kcoap_exchange *x)
{
	return container_of(x, struct kcoap_cx, x);
}

/* No lock held: the exchange and the list's reference go. */
static void kcoap_cx_end(struct kcoap_cx *cx, bool sync)
{
	kcoap_exchange_end(&cx->x, sync);
	kcoap_exchange_put(&cx->x);
}

/* Softirq: an ACK, empty or carrying the response (section 5.2.1). */
static int kcoap_cx_acked(struct kcoap_exchange *x, const struct coap_msg *msg)
{
	struct kcoap_cx *cx = kcoap_cx_of(x);
	struct kcoap_csock *cs = cx->cs;
	bool open, deliver = false;

	spin_lock_bh(&cs->lock);
	open = !list_empty(&cx->node);
	if (open && msg->code == COAP_CODE_EMPTY) {
		/* section 5.2.2: a separate response will follow */
		cx->acked = true;
		kcoap_exchange_wait(x, jiffies + kcoap_cx_lifetime(cs, cx->type));
	} else if (open) {
		kcoap_cx_close(cs, cx);
		deliver = true;
	}
	spin_unlock_bh(&cs->lock);
	if (!deliver)
		return 0;
	kcoap_ep_stat_inc(x->ep, RX_RESPONSES);
	kcoap_cx_end(cx, false);
	return 1;
}

static void kcoap_cx_failed(struct kcoap_exchange *x, int error)
{
	struct kcoap_cx *cx = kcoap_cx_of(x);
	struct kcoap_csock *cs = cx->cs;
	bool open;

	spin_lock_bh(&cs->lock);
	open = !list_empty(&cx->node);
	kcoap_cx_fail(cs, cx, error);
	spin_unlock_bh(&cs->lock);
	if (open)
		kcoap_cx_end(cx, false);
}

static void kcoap_cx_reset(struct kcoap_exchange *x)
{
	kcoap_cx_failed(x, ECONNRESET);
}

/* No ACK after MAX_RETRANSMIT, or no response in the exchange's lifetime. */
static void kcoap_cx_timeout(struct kcoap_exchange *x)
{
	struct kcoap_cx *cx = kcoap_cx_of(x);

	kcoap_ep_stat_inc(x->ep, EXCHANGE_TIMEOUT);
	/* the message layer traced a CON that was never acknowledged */
	if (cx->acked || cx->type != COAP_TYPE_CON)
		trace_coap_timeout(&x->peer, cx->skb->data, cx->skb->len);
	kcoap_cx_failed(x, ETIMEDOUT);
}

static void kcoap_cx_release(struct kcoap_exchange *x)
{
	struct kcoap_cx *cx = kcoap_cx_of(x);

	kfree_skb(cx->skb);
	kfree(cx);
}

static const struct kcoap_exchange_ops kcoap_cx_ops = {
	.acked = kcoap_cx_acked,
	.reset = kcoap_cx_reset,
	.timeout = kcoap_cx_timeout,
	.release = kcoap_cx_release,
};

/*
 * Process context: send the request in buf (its MID set here).  Its copy,
 * kept until the exchange ends, is charged to the socket's send buffer
 * the way UDP charges a datagram: with SO_SNDBUF full this waits for
 * room (SO_SNDTIMEO), or fails with EAGAIN when noblock.
 */
static int kcoap_cx_start(struct kcoap_csock *cs, const struct kcoap_peer *peer,
			  u8 *buf, u32 len, const struct coap_msg *m,
			  bool noblock)
{
	bool con = m->type == COAP_TYPE_CON;
	struct kcoap_cx *cx, *o;
	struct sk_buff *skb;
	int err = 0;
	u16 mid;

	cx = kzalloc(sizeof(*cx), GFP_KERNEL_ACCOUNT);
	if (!cx)
		return -ENOMEM;
	cx->skb = sock_alloc_send_skb(cs->sk, KCOAP_SOCK_HEADROOM + len,
				      noblock, &err);
	if (!cx->skb) {
		kfree(cx);
		return err;
	}
	skb_reserve(cx->skb, KCOAP_SOCK_HEADROOM);
	/* section 4.4: the kernel, not the application, picks the MID */
	mid = kcoap_ep_new_mid(&cs->ep);
	buf[2] = mid >> 8;
	buf[3] = mid;
	skb_put_data(cx->skb, buf, len);
	cx->cs = cs;
	cx->type = m->type;
	INIT_LIST_HEAD(&cx->node);
	kcoap_exchange_init(&cx->x, &cs->ep, peer, m->token, m->tkl,
			    &kcoap_cx_ops);

	err = 0;
	spin_lock_bh(&cs->lock);
	if (cs->closing) {
		err = -ENOTCONN;
	} else if (cs->ncx >= READ_ONCE(max_sock_requests)) {
		err = -ENOBUFS;
	} else {
		/* section 5.3.1: a token names one open request per peer */
		list_for_each_entry(o, &cs->cx, node) {
			if (o->x.tkl == m->tkl &&
			    !memcmp(o->x.token, m->token, m->tkl) &&
			    kcoap_peer_eq(&o->x.peer, peer)) {
				err = -EBUSY;
				break;
			}
		}
	}
	if (!err) {
		list_add_tail(&cx->node, &cs->cx);
		cs->ncx++;
	}
	spin_unlock_bh(&cs->lock);
	if (err) {
		kcoap_exchange_put(&cx->x);
		return err;
	}
	/*
	 * Ours until the end of this function: once sent, the answer may
	 * close cx and drop the list's reference on another CPU.
	 */
	kcoap_exchange_hold(&cx->x);
	/* the exchange keeps a CON to resend (copies of it go out) */
	skb = con ? skb_clone(cx->skb, GFP_KERNEL) : skb_copy(cx->skb, GFP_KERNEL);
	err = skb ? kcoap_exchange_send(&cx->x, skb, mid, con) : -ENOBUFS;
	if (!err && !con)
		err = kcoap_exchange_wait(&cx->x, jiffies +
					  kcoap_cx_lifetime(cs, m->type));
	if (err) {
		/*
		 * Not sent at all (no route: the socket's mark, uid or
		 * device may forbid it): the caller hears why, as from
		 * UDP, and nothing is left outstanding.
		 */
		spin_lock_bh(&cs->lock);
		if (!kcoap_cx_close(cs, cx))
			err = 0;	/* answered already: it went out */
		spin_unlock_bh(&cs->lock);
		if (err)
			kcoap_cx_end(cx, false);
	}
	kcoap_exchange_put(&cx->x);
	return err;
}

/* lock held: was this CON response from peer delivered already? */
static bool kcoap_seen(struct kcoap_csock *cs, const struct kcoap_peer *peer,
		       u16 mid, bool remember)
{
	unsigned int i;

	for (i = 0; i < KCOAP_SEEN; i++)
		if (cs->seen[i].mid == mid &&
		    kcoap_peer_eq(&cs->seen[i].peer, peer))
			return true;
	if (remember) {
		i = cs->seen_next++ % KCOAP_SEEN;
		cs->seen[i].peer = *peer;
		cs->seen[i].mid = mid;
	}
	return false;
}

/* Softirq: a CON or NON response.  True to deliver it. */
static bool kcoap_cx_response(struct kcoap_csock *cs,
			      const struct kcoap_peer *peer,
			      const struct coap_msg *msg)
{
	struct kcoap_endpoint *ep = &cs->ep;
	bool con = msg->type == COAP_TYPE_CON;
	struct kcoap_cx *cx, *found = NULL;
	bool dup = false;

	spin_lock(&cs->lock);
	if (con && kcoap_seen(cs, peer, msg->mid, false)) {
		dup = true;
	} else {
		list_for_each_entry(cx, &cs->cx, node) {
			if (cx->x.tkl == msg->tkl &&
			    !memcmp(cx->x.token, msg->token, msg->tkl) &&
			    kcoap_peer_eq(&cx->x.peer, peer) &&
			    !kcoap_exchange_queued(&cx->x)) {
				found = cx;
				break;
			}
		}
	}
	if (found) {
		kcoap_cx_close(cs, found);
		if (con)
			kcoap_seen(cs, peer, msg->mid, true);
	}
	spin_unlock(&cs->lock);
	/* the response also ends a CON whose ACK was lost (5.2.2) */
	if (found)
		kcoap_cx_end(found, false);

	if (found || dup) {
		/* section 4.2: acknowledge it, and each copy of it */
		if (con)
			kcoap_send_empty(ep, peer, COAP_TYPE_ACK, msg->mid);
		kcoap_ep_stat_inc_nr(ep, found ? COAP_STATS_A_RX_RESPONSES :
					COAP_STATS_A_DROP_DUPLICATE_RESPONSE);
		return found;
	}
	/* section 4.2: a CON we cannot place is rejected */
	if (con)
		kcoap_send_empty(ep, peer, COAP_TYPE_RST, msg->mid);
	kcoap_ep_stat_inc(ep, DROP_RESPONSE_NO_CONTEXT);
	return false;
}

/* ---- receive ------------------------------------------------------------ */

/* Softirq: a request for the application.  True to deliver it. */
static bool kcoap_sock_request(struct kcoap_csock *cs,
			       const struct kcoap_peer *peer,
			       const struct coap_msg *msg)
{
	struct kcoap_endpoint *ep = &cs->ep;
	struct kcoap_reply reply = {};

	/* a retransmission: the same ACK again, nothing for the reader */
	if (kcoap_request_duplicate(ep, peer, msg))
		return false;
	kcoap_ep_stat_inc(ep, RX_REQUESTS);
	if (kcoap_request_to_app(ep, peer, msg, &cs->app,
				 READ_ONCE(cs->sep_type) == COAP_TYPE_NON,
				 &reply))
		return true;
	/* refused (counted by request.c): 5.03 */
	kcoap_send_answer(ep, peer, msg, &reply);
	return false;
}

/* ---- rx_ops: what the shared receive rules hand on (softirq) ---- */

static struct kcoap_csock *kcoap_ep_csock(struct kcoap_endpoint *ep)
{
	return container_of(ep, struct kcoap_csock, ep);
}

static bool kcoap_sock_rx_request(struct kcoap_endpoint *ep,
				  const struct kcoap_peer *peer,
				  const struct coap_msg *req)
{
	return kcoap_sock_request(kcoap_ep_csock(ep), peer, req);
}

static bool kcoap_sock_rx_response(struct kcoap_endpoint *ep,
				   const struct kcoap_peer *peer,
				   const struct coap_msg *resp)
{
	return kcoap_cx_response(kcoap_ep_csock(ep), peer, resp);
}

static const struct kcoap_rx_ops kcoap_sock_rx_ops = {
	.request = kcoap_sock_rx_request,
	.response = kcoap_sock_rx_response,
};

/* encap_rcv: 0 when the message layer consumed skb, 1 to let UDP queue it. */
static int kcoap_sock_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct kcoap_csock *cs = kcoap_csock(sk);
	struct kcoap_peer peer;
	struct coap_msg msg;

	if (unlikely(!cs || READ_ONCE(cs->ep.dead))) {
		kcoap_rx_orphan(sk, skb);
		return 0;
	}
	if (kcoap_rx_message(&cs->ep, skb, &peer, &msg) &&
	    kcoap_rx_dispatch(&cs->ep, &peer, &msg))
		return 1;
	consume_skb(skb);
	return 0;
}

/* ---- send --------------------------------------------------------------- */

/* Where sendmsg goes: msg_name, or the connected peer. */
static int kcoap_sock_dest(struct sock *sk, struct msghdr *msg,
			   struct kcoap_peer *peer)
{
	DECLARE_SOCKADDR(struct sockaddr_in6 *, sin6, msg->msg_name);
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, msg->msg_name);
	struct inet_sock *inet = inet_sk(sk);

	memset(peer, 0, sizeof(*peer));
	if (!msg->msg_name) {
		if (sk->sk_state != TCP_ESTABLISHED)
			return -EDESTADDRREQ;
		peer->port = inet->inet_dport;
#if IS_ENABLED(CONFIG_IPV6)
		if (sk->sk_family == AF_INET6 &&
		    !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
			peer->family = AF_INET6;
			peer->addr.v6 = sk->sk_v6_daddr;
			peer->ifindex = sk->sk_bound_dev_if;
			return 0;
		}
#endif
		peer->family = AF_INET;
		peer->addr.v4 = inet->inet_daddr;
		return 0;
	}
	if (sk->sk_family == AF_INET) {
		if (msg->msg_namelen < sizeof(*sin) || sin->sin_family != AF_INET)
			return -EINVAL;
		peer->family = AF_INET;
		peer->port = sin->sin_port;
		peer->addr.v4 = sin->sin_addr.s_addr;
	} else {
		if (msg->msg_namelen < SIN6_LEN_RFC2133 ||
		    sin6->sin6_family != AF_INET6)
			return -EINVAL;
		peer->port = sin6->sin6_port;
		if (ipv6_addr_v4mapped(&sin6->sin6_addr)) {
			peer->family = AF_INET;
			peer->addr.v4 = sin6->sin6_addr.s6_addr32[3];
		} else {
			peer->family = AF_INET6;
			peer->addr.v6 = sin6->sin6_addr;
			if (msg->msg_namelen >= sizeof(*sin6))
				peer->ifindex = sin6->sin6_scope_id;
		}
	}
	return peer->port ? 0 : -EINVAL;
}

/* The application answers a request it received. */
static int kcoap_sock_respond(struct kcoap_csock *cs,
			      const struct kcoap_peer *peer,
			      const struct coap_msg *m)
{
	struct kcoap_response resp = {
		.code = m->code,
		.payload = m->payload,
		.payload_len = m->payload_len,
	};
	struct coap_opt_iter it;
	struct coap_opt opt;
	unsigned int n = 0;
	int err;

	coap_opt_iter_init(&it, m);
	while (coap_opt_next(&it, &opt))
		n++;
	resp.opts = kcalloc(n ?: 1, sizeof(*resp.opts), GFP_KERNEL_ACCOUNT);
	if (!resp.opts)
		return -ENOMEM;
	coap_opt_iter_init(&it, m);
	while (coap_opt_next(&it, &opt)) {
		resp.opts[resp.nopts].num = opt.num;
		resp.opts[resp.nopts].len = opt.len;
		resp.opts[resp.nopts].val = opt.val;
		resp.nopts++;
	}
	err = kcoap_request_respond_app(&cs->ep, &cs->app, peer, m->token,
					m->tkl, &resp);
	kfree(resp.opts);
	return err;
}

static int kcoap_sock_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct kcoap_csock *cs = kcoap_csock_owned(sk);
	struct kcoap_peer peer;
	struct coap_msg m;
	u8 *buf;
	int err;

	if (!cs)
		return -ENOTCONN;
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (len < COAP_HDR_LEN || len > KCOAP_MAX_DATAGRAM)
		return -EMSGSIZE;
	err = kcoap_sock_dest(sk, msg, &peer);
	if (err)
		return err;
	buf = kvmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	err = -EFAULT;
	if (!copy_from_iter_full(buf, len, &msg->msg_iter))
		goto out;
	err = -EINVAL;
	if (coap_parse(buf, len, &m))
		goto out;
	if (coap_code_is_request(m.code) &&
	    (m.type == COAP_TYPE_CON || m.type == COAP_TYPE_NON))
		err = kcoap_cx_start(cs, &peer, buf, len, &m,
				     msg->msg_flags & MSG_DONTWAIT);
	else if (coap_code_is_response(m.code) && m.type != COAP_TYPE_RST)
		err = kcoap_sock_respond(cs, &peer, &m);
out:
	kvfree(buf);
	return err ? err : len;
}

/* ---- receive side of the API -------------------------------------------- */

static bool kcoap_is_report(const struct sk_buff *skb)
{
	const struct sock_exterr_skb *serr = SKB_EXT_ERR(skb);

	return serr->ee.ee_origin == SO_EE_ORIGIN_LOCAL &&
	       serr->ee.ee_info == KCOAP_REPORT_INFO &&
	       skb->len >= sizeof(struct sockaddr_storage) + COAP_HDR_LEN;
}

/* The report at the head of the error queue, if it is one of ours. */
static struct sk_buff *kcoap_dequeue_report(struct sock *sk)
{
	struct sk_buff_head *q = &sk->sk_error_queue;
	struct sk_buff *skb;
	unsigned long flags;
	bool more;

	spin_lock_irqsave(&q->lock, flags);
	skb = skb_peek(q);
	if (skb && kcoap_is_report(skb))
		__skb_unlink(skb, q);
	else
		skb = NULL;
	more = !skb_queue_empty(q);
	spin_unlock_irqrestore(&q->lock, flags);
	if (skb && more)
		sk_error_report(sk);
	return skb;
}

static int kcoap_sock_recv_error(struct sock *sk, struct msghdr *msg,
				 size_t len, int flags, int *addr_len)
{
	struct coap_sock_err err = {};
	struct sockaddr_storage ss;
	struct sock_exterr_skb *serr;
	int copied, hdr = sizeof(ss);
	struct sk_buff *skb;
	const u8 *req;

	skb = kcoap_dequeue_report(sk);
	if (!skb) {
		/*
		 * Empty, or not ours (none should be: see the top of this
		 * file): UDP's reader takes it, in IP_RECVERR form.
		 */
		return kcoap_udp_prot(sk)->recvmsg(sk, msg, len, flags,
						   addr_len);
	}
	serr = SKB_EXT_ERR(skb);
	memcpy(&ss, skb->data, sizeof(ss));
	req = skb->data + hdr;
	copied = skb->len - hdr;
	err.error = serr->ee.ee_errno;
	err.mid = (req[2] << 8) | req[3];
	err.tkl = min_t(int, req[0] & 15,
			min_t(int, COAP_MAX_TKL, copied - COAP_HDR_LEN));
	memcpy(err.token, req + COAP_HDR_LEN, err.tkl);
	if (msg->msg_name) {
		int nlen = sk->sk_family == AF_INET ? sizeof(struct sockaddr_in) :
						       sizeof(struct sockaddr_in6);

		if (sk->sk_family == AF_INET6 && ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (void *)&ss;
			struct sockaddr_in6 *sin6 = msg->msg_name;

			memset(sin6, 0, sizeof(*sin6));
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = sin->sin_port;
			ipv6_addr_set_v4mapped(sin->sin_addr.s_addr,
					       &sin6->sin6_addr);
		} else {
			memcpy(msg->msg_name, &ss, nlen);
		}
		*addr_len = nlen;
	}
	if (copied > len) {
		copied = len;
		msg->msg_flags |= MSG_TRUNC;
	}
	if (skb_copy_datagram_msg(skb, hdr, msg, copied)) {
		kfree_skb(skb);
		return -EFAULT;
	}
	put_cmsg(msg, SOL_COAP, COAP_CMSG_ERROR, sizeof(err), &err);
	msg->msg_flags |= MSG_ERRQUEUE;
	consume_skb(skb);
	return copied;
}

static int kcoap_sock_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			      int flags, int *addr_len)
{
	if (flags & MSG_ERRQUEUE)
		return kcoap_sock_recv_error(sk, msg, len, flags, addr_len);
	return kcoap_udp_prot(sk)->recvmsg(sk, msg, len, flags, addr_len);
}

/* ---- options ------------------------------------------------------------ */

static int kcoap_sock_setsockopt(struct sock *sk, int level, int optname,
				 sockptr_t optval, unsigned int optlen)
{
	struct kcoap_csock *cs = kcoap_csock_owned(sk);
	struct kcoap_params p;
	int val, err = 0;
	u32 *field;

	/*
	 * The message layer is this socket's encap_rcv and takes one
	 * datagram per skb: UDP_ENCAP would unhook or replace it (and let
	 * UDP queue ICMP errors), UDP_GRO would hand it coalesced datagrams.
	 */
	if ((level == SOL_UDP || level == SOL_UDPLITE) &&
	    (optname == UDP_ENCAP || optname == UDP_GRO))
		return -ENOPROTOOPT;
	if (level != SOL_COAP)
		return kcoap_udp_prot(sk)->setsockopt(sk, level, optname,
						      optval, optlen);
	if (!cs)
		return -ENOTCONN;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (optname == COAP_SO_DEFAULT_TYPE) {
		if (val != COAP_TYPE_CON && val != COAP_TYPE_NON)
			return -EINVAL;
		WRITE_ONCE(cs->sep_type, val);
		return 0;
	}
	lock_sock(sk);
	p = cs->ep.params;
	field = kcoap_param(&p, optname);
	if (!field)
		err = optname == COAP_SO_STATS ? -EINVAL : -ENOPROTOOPT;
	else if (val < 0)
		err = -EINVAL;
	if (!err) {
		*field = val;
		if (kcoap_params_check(&p))
			err = -EINVAL;
		else	/* read locklessly, field by field */
			WRITE_ONCE(*kcoap_param(&cs->ep.params, optname),
				   val);
	}
	release_sock(sk);
	return err;
}

static void kcoap_sock_stats(struct kcoap_csock *cs, struct coap_sock_stats *s)
{
	struct kcoap_stats __percpu *st = cs->ep.stats;
	int i;

	memset(s, 0, sizeof(*s));
	s->rx_datagrams = kcoap_stats_sum(st, COAP_STATS_A_RX_DATAGRAMS);
	s->rx_requests = kcoap_stats_sum(st, COAP_STATS_A_RX_REQUESTS) -
			 kcoap_stats_sum(st, COAP_STATS_A_REQ_DUPLICATE);
	s->rx_responses = kcoap_stats_sum(st, COAP_STATS_A_RX_RESPONSES);
	s->rx_duplicates = kcoap_stats_sum(st, COAP_STATS_A_REQ_DUPLICATE) +
		kcoap_stats_sum(st, COAP_STATS_A_DROP_DUPLICATE_RESPONSE);
	for (i = COAP_STATS_A_DROP_SHORT; i <= COAP_STATS_A_DROP_NO_ENDPOINT;
	     i++)
		s->rx_dropped += kcoap_stats_sum(st, i);
	s->rx_dropped += kcoap_stats_sum(st, COAP_STATS_A_REQ_QUEUE_FULL);
	s->tx_datagrams = kcoap_stats_sum(st, COAP_STATS_A_TX_DATAGRAMS);
	s->tx_retransmit = kcoap_stats_sum(st, COAP_STATS_A_TX_RETRANSMIT);
	s->timeouts = kcoap_stats_sum(st, COAP_STATS_A_EXCHANGE_TIMEOUT);
	s->resets = kcoap_stats_sum(st, COAP_STATS_A_SOCK_ERRORS) - s->timeouts;
}

static int kcoap_sock_getsockopt(struct sock *sk, int level, int optname,
				 char __user *optval, int __user *optlen)
{
	struct kcoap_csock *cs = kcoap_csock_owned(sk);
	struct coap_sock_stats st;
	struct kcoap_params p;
	int len, val;
	u32 *field;

	if (level != SOL_COAP)
		return kcoap_udp_prot(sk)->getsockopt(sk, level, optname,
						      optval, optlen);
	if (!cs)
		return -ENOTCONN;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (optname == COAP_SO_STATS) {
		kcoap_sock_stats(cs, &st);
		len = min_t(int, len, sizeof(st));
		if (put_user(len, optlen) || copy_to_user(optval, &st, len))
			return -EFAULT;
		return 0;
	}
	p = cs->ep.params;
	field = kcoap_param(&p, optname);
	if (field)
		val = *field;
	else if (optname == COAP_SO_DEFAULT_TYPE)
		val = READ_ONCE(cs->sep_type);
	else
		return -ENOPROTOOPT;
	if (len < sizeof(int))
		return -EINVAL;
	len = sizeof(int);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/* ---- life cycle ------------------------------------------------------------ */

/* The endpoint's last reference: after destroy and every exchange. */
static void kcoap_csock_free(struct kcoap_endpoint *ep)
{
	struct kcoap_csock *cs = container_of(ep, struct kcoap_csock, ep);

	kcoap_endpoint_release_sock(ep);
	kfree(cs);
}

static int kcoap_sock_init(struct sock *sk)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = kcoap_sock_rcv,
	};
	struct kcoap_csock *cs;
	int err;

	err = kcoap_udp_prot(sk)->init(sk);
	if (err)
		return err;
	cs = kzalloc(sizeof(*cs), GFP_KERNEL_ACCOUNT);
	if (!cs)
		return -ENOMEM;
	err = kcoap_endpoint_init_sock(&cs->ep, kcoap_pernet(sock_net(sk)),
				       sk->sk_socket, kcoap_csock_free);
	if (err) {
		kfree(cs);
		return err;
	}
	cs->ep.rx_ops = &kcoap_sock_rx_ops;
	cs->sk = sk;
	/* what sendmsg allocates for the socket is charged to its memcg */
	sk->sk_allocation = GFP_KERNEL_ACCOUNT;
	spin_lock_init(&cs->lock);
	INIT_LIST_HEAD(&cs->cx);
	cs->sep_type = COAP_TYPE_CON;
	tcfg.sk_user_data = cs;
	setup_udp_tunnel_sock(sock_net(sk), sk->sk_socket, &tcfg);
	return 0;
}

static void kcoap_csock_free_rcu(struct rcu_head *head)
{
	struct kcoap_csock *cs = container_of(head, struct kcoap_csock, rcu);

	/* the owner's reference; exchanges may hold the endpoint longer */
	kcoap_endpoint_put(&cs->ep);
}

static void kcoap_sock_destroy(struct sock *sk)
{
	struct kcoap_csock *cs = kcoap_csock_owned(sk);
	struct kcoap_cx *cx;
	struct kcoap_net *kn;

	if (cs) {
		kn = cs->ep.kn;
		WRITE_ONCE(cs->ep.dead, true);
		rcu_assign_sk_user_data(sk, NULL);
		/*
		 * Receivers and request.c's timers that saw !dead may still
		 * transmit through ep.sk: let them finish while the socket
		 * is whole (sock_release frees it once we return).
		 */
		synchronize_net();
		/*
		 * Whoever takes a request off cs->cx under the lock owns the
		 * list's reference (its ops do the same): one at a time, so
		 * an ACK or timeout racing with us finds it closed.  Nothing
		 * is added once closing is set.
		 */
		spin_lock_bh(&cs->lock);
		cs->closing = true;
		while ((cx = list_first_entry_or_null(&cs->cx, struct kcoap_cx,
						      node))) {
			kcoap_cx_close(cs, cx);
			spin_unlock_bh(&cs->lock);
			kcoap_cx_end(cx, true);
			spin_lock_bh(&cs->lock);
		}
		spin_unlock_bh(&cs->lock);
		/* the requests it served: no more, and none left open */
		mutex_lock(&kn->lock);
		kcoap_requests_mark_dead(kn, &cs->app);
		kcoap_requests_purge(kn, NULL, NULL, &cs->ep);
		kcoap_block_purge_ep(kn, &cs->ep);
		mutex_unlock(&kn->lock);
		kcoap_xtable_close(&cs->ep);
		call_rcu(&cs->rcu, kcoap_csock_free_rcu);
	}
	kcoap_udp_prot(sk)->destroy(sk);
}

/* ---- registration ------------------------------------------------------- */

/*
 * Our proto is UDP's with six methods replaced, copied at module init from
 * the running kernel's own UDP socket.  It cannot be a static struct
 * proto naming each method, as l2tp_ip's does: most of UDP's methods
 * (udp_recvmsg, udp_init_sock, udp_destroy_sock, udp_v4_get_port,
 * udp_v4_rehash, udp_lib_close and every IPv6 one but the pre-connect
 * hooks) are not exported to modules.  The copy also matches the kernel
 * the module runs on, fields added after 6.1 included; what must not be
 * UDP's is overridden here.
 */
static void kcoap_prot_fill(struct proto *p, const struct proto *udp,
			    const char *name)
{
	*p = *udp;
	strscpy(p->name, name, sizeof(p->name));
	p->owner = THIS_MODULE;
	p->init = kcoap_sock_init;
	p->destroy = kcoap_sock_destroy;
	p->sendmsg = kcoap_sock_sendmsg;
	p->recvmsg = kcoap_sock_recvmsg;
	p->setsockopt = kcoap_sock_setsockopt;
	p->getsockopt = kcoap_sock_getsockopt;
#ifdef KCOAP_HAVE_PROTO_SENDPAGE
	/* UDP's would bypass the message layer; without, sendfile uses ours */
	p->sendpage = NULL;
#endif
	memset(&p->node, 0, sizeof(p->node));
}

/* UDP's proto and ops for a family, taken from a socket of its own. */
static int kcoap_udp_template(int family, const struct proto **prot,
			      const struct proto_ops **ops)
{
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, family, SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	if (err)
		return err;
	*prot = sock->sk->sk_prot;
	*ops = sock->ops;
	sock_release(sock);
	return 0;
}

int __init kcoap_sock_init_module(void)
{
	const struct proto_ops *ops4, *ops6;
	int err;

	if (!sock_proto)
		return 0;
	if (sock_proto < 0 || sock_proto >= IPPROTO_MAX ||
	    sock_proto == IPPROTO_UDP || sock_proto == IPPROTO_UDPLITE ||
	    sock_proto == IPPROTO_ICMP || sock_proto == IPPROTO_ICMPV6) {
		pr_err("coap: sock_proto %d is not usable\n", sock_proto);
		return -EINVAL;
	}
	err = kcoap_udp_template(AF_INET, &udp_prot4, &ops4);
	if (err)
		return err;
	kcoap_prot_fill(&kcoap_prot4, udp_prot4, "COAP");
	err = proto_register(&kcoap_prot4, 1);
	if (err)
		return err;
	kcoap_protosw4 = (struct inet_protosw){
		.type = SOCK_DGRAM,
		.protocol = sock_proto,
		.prot = &kcoap_prot4,
		.ops = ops4,
	};
	inet_register_protosw(&kcoap_protosw4);
	registered4 = true;

	if (!IS_ENABLED(CONFIG_IPV6) ||
	    kcoap_udp_template(AF_INET6, &udp_prot6, &ops6))
		return 0;	/* IPv4 only */
	kcoap_prot_fill(&kcoap_prot6, udp_prot6, "COAPv6");
	err = proto_register(&kcoap_prot6, 1);
	if (err)
		return 0;
	kcoap_protosw6 = (struct inet_protosw){
		.type = SOCK_DGRAM,
		.protocol = sock_proto,
		.prot = &kcoap_prot6,
		.ops = ops6,
	};
	err = inet6_register_protosw(&kcoap_protosw6);
	if (err)
		proto_unregister(&kcoap_prot6);
	else
		registered6 = true;
	return 0;
}

void kcoap_sock_exit_module(void)
{
	/* no socket is left: each holds a reference on the module */
	if (registered6) {
		inet6_unregister_protosw(&kcoap_protosw6);
		proto_unregister(&kcoap_prot6);
	}
	if (registered4) {
		inet_unregister_protosw(&kcoap_protosw4);
		proto_unregister(&kcoap_prot4);
	}
}
