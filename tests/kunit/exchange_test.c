// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the message layer's exchanges (kernel/exchange.c): the
 * ACK/RST table, NSTART, retransmission with refresh, deadlines, and the
 * closing of an endpoint's table.
 *
 * Each case has its own endpoint, not hooked to any socket: transmission
 * (udp.c's kcoap_endpoint_xmit) is stubbed here and records the Message
 * IDs sent, and the ops of each exchange count their calls.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "exchange.h"
#include "kcoap.h"
#include "params.h"
#include "stats.h"
#include "udp.h"

#define XT_MAX_SENT	32

static struct {
	unsigned int sent;
	u16 mids[XT_MAX_SENT];
} wire;

int kcoap_endpoint_xmit(struct kcoap_endpoint *ep,
			const struct kcoap_peer *peer, struct sk_buff *skb)
{
	if (wire.sent < XT_MAX_SENT)
		wire.mids[wire.sent] = skb->data[2] << 8 | skb->data[3];
	wire.sent++;
	kfree_skb(skb);
	return 0;
}

struct xt_case {
	struct kcoap_net kn;
	struct kcoap_endpoint ep;
	bool ep_freed;
};

/* An exchange with counted ops. */
struct xt_x {
	struct kcoap_exchange x;
	unsigned int acked, reset, timeout, refresh, released;
	int acked_ret;
	bool fresh;			/* refresh gives a new datagram */
	u16 fresh_mid;
};

/* A CON of x queued or in flight (the state is the table's, read bare) */
static bool x_busy(struct kcoap_exchange *x)
{
	return x->state == KCOAP_X_QUEUED || x->state == KCOAP_X_CON;
}

static struct xt_x *xt_of(struct kcoap_exchange *x)
{
	return container_of(x, struct xt_x, x);
}

static int xt_acked(struct kcoap_exchange *x, const struct coap_msg *msg)
{
	xt_of(x)->acked++;
	return xt_of(x)->acked_ret;
}

static void xt_reset(struct kcoap_exchange *x)
{
	xt_of(x)->reset++;
}

static void xt_timeout(struct kcoap_exchange *x)
{
	xt_of(x)->timeout++;
}

static struct sk_buff *xt_msg_gfp(u8 type, u16 mid, gfp_t gfp);

static struct sk_buff *xt_refresh(struct kcoap_exchange *x, u16 *mid)
{
	struct xt_x *t = xt_of(x);

	t->refresh++;
	if (!t->fresh)
		return NULL;
	t->fresh = false;
	*mid = t->fresh_mid;
	return xt_msg_gfp(COAP_TYPE_CON, t->fresh_mid, GFP_ATOMIC);
}

/* the memory is the case's: released is only counted */
static void xt_release(struct kcoap_exchange *x)
{
	xt_of(x)->released++;
}

static const struct kcoap_exchange_ops xt_ops = {
	.acked = xt_acked,
	.reset = xt_reset,
	.timeout = xt_timeout,
	.refresh = xt_refresh,
	.release = xt_release,
};

static struct sk_buff *xt_msg_gfp(u8 type, u16 mid, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(8, gfp);
	u8 *p;

	if (!skb)
		return NULL;
	p = skb_put(skb, 5);
	p[0] = COAP_VERSION << 6 | type << 4 | 1;
	p[1] = COAP_CODE(0, 1);
	p[2] = mid >> 8;
	p[3] = mid;
	p[4] = 0x7a;		/* the token */
	return skb;
}

static struct sk_buff *xt_msg(u8 type, u16 mid)
{
	return xt_msg_gfp(type, mid, GFP_KERNEL);
}

static void xt_ep_free(struct kcoap_endpoint *ep)
{
	container_of(ep, struct xt_case, ep)->ep_freed = true;
}

static int xt_init(struct kunit *test)
{
	struct xt_case *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->kn.stats = alloc_percpu(struct kcoap_stats);
	c->ep.stats = alloc_percpu(struct kcoap_stats);
	KUNIT_ASSERT_TRUE(test, c->kn.stats && c->ep.stats);
	c->ep.kn = &c->kn;
	refcount_set(&c->ep.ref, 1);
	c->ep.free = xt_ep_free;
	kcoap_params_default(&c->ep.params);
	/* quick retransmissions: 10, 20 ms, then the end at 40 ms */
	c->ep.params.ack_timeout_ms = KCOAP_ACK_TIMEOUT_MIN;
	c->ep.params.ack_random_factor = KCOAP_RANDOM_FACTOR_MIN;
	c->ep.params.max_retransmit = 2;
	KUNIT_ASSERT_EQ(test, kcoap_xtable_create(&c->ep, GFP_KERNEL), 0);
	memset(&wire, 0, sizeof(wire));
	test->priv = c;
	return 0;
}

static void xt_exit(struct kunit *test)
{
	struct xt_case *c = test->priv;

	/* every case ends with its exchanges released */
	kcoap_xtable_close(&c->ep);
	kcoap_xtable_free(&c->ep);
	free_percpu(c->ep.stats);
	free_percpu(c->kn.stats);
}

static struct kcoap_peer xt_peer(u16 port)
{
	struct kcoap_peer p = {
		.family = AF_INET,
		.port = htons(port),
		.addr.v4 = htonl(0x7f000001),
	};

	return p;
}

/*
 * A new exchange to 127.0.0.1:port, in memory the test frees after its
 * exit (which closes the table), as a timer must not live on the stack.
 */
static struct xt_x *xt_new(struct kunit *test, u16 port)
{
	struct xt_x *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct xt_case *c = test->priv;
	struct kcoap_peer p = xt_peer(port);
	static const u8 token[] = { 0x7a };

	KUNIT_ASSERT_NOT_NULL(test, t);
	kcoap_exchange_init(&t->x, &c->ep, &p, token, sizeof(token), &xt_ops);
	return t;
}

/* What the receive path hands the layer: an empty ACK or RST, or a reply. */
static int xt_rx(struct xt_case *c, u16 port, u8 type, u8 code, u16 mid,
		 u8 token)
{
	struct kcoap_peer p = xt_peer(port);
	struct coap_msg m = {
		.type = type,
		.code = code,
		.mid = mid,
		.tkl = code ? 1 : 0,
		.token = &token,
	};

	return kcoap_exchange_rx(&c->ep, &p, &m);
}

static u64 xt_stat(struct xt_case *c, int id)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(c->ep.stats, cpu)->v[id];
	return n;
}

/* Wait (bounded) for a count to reach n. */
static bool xt_wait(unsigned int *v, unsigned int n)
{
	int i;

	for (i = 0; i < 250 && READ_ONCE(*v) < n; i++)
		msleep(20);
	return READ_ONCE(*v) >= n;
}

static void xt_ack_ends_con(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *a;

	a = xt_new(test, 5000);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_send(&a->x, xt_msg(0, 100), 100,
						  true), 0);
	KUNIT_EXPECT_EQ(test, wire.sent, 1u);
	KUNIT_EXPECT_TRUE(test, x_busy(&a->x));
	/* another peer's ACK, or another MID, names nothing */
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5001, COAP_TYPE_ACK, 0, 100, 0), -1);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 101, 0), -1);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 100, 0), 0);
	KUNIT_EXPECT_EQ(test, a->acked, 1u);
	KUNIT_EXPECT_EQ(test, xt_stat(c, COAP_STATS_A_RX_ACKS), 1ull);
	KUNIT_EXPECT_FALSE(test, x_busy(&a->x));
	/* its duplicate: the exchange is over */
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 100, 0), -1);
	KUNIT_EXPECT_EQ(test, a->acked, 1u);
	kcoap_exchange_put(&a->x);
	KUNIT_EXPECT_EQ(test, a->released, 1u);
}

static void xt_piggybacked_token(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *a;

	a = xt_new(test, 5000);
	a->acked_ret = 1;
	kcoap_exchange_send(&a->x, xt_msg(0, 200), 200, true);
	/* a response on the ACK must bear the request's token */
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, COAP_CODE(2, 5),
				    200, 0x7b), -1);
	KUNIT_EXPECT_TRUE(test, x_busy(&a->x));
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, COAP_CODE(2, 5),
				    200, 0x7a), 1);
	KUNIT_EXPECT_EQ(test, a->acked, 1u);
	/* what is delivered is counted by its owner, not as an ACK */
	KUNIT_EXPECT_EQ(test, xt_stat(c, COAP_STATS_A_RX_ACKS), 0ull);
	kcoap_exchange_put(&a->x);
}

static void xt_non_rst(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *a;

	a = xt_new(test, 5000);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_send(&a->x, xt_msg(1, 300), 300,
						  false), 0);
	KUNIT_EXPECT_FALSE(test, x_busy(&a->x));
	/* an ACK to a NON answers nothing; an RST rejects it */
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 300, 0), -1);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_RST, 0, 300, 0), 0);
	KUNIT_EXPECT_EQ(test, a->reset, 1u);
	KUNIT_EXPECT_EQ(test, xt_stat(c, COAP_STATS_A_RX_RESETS), 1ull);
	/* the next NON replaces the previous one in the table */
	kcoap_exchange_send(&a->x, xt_msg(1, 301), 301, false);
	kcoap_exchange_send(&a->x, xt_msg(1, 302), 302, false);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_RST, 0, 301, 0), -1);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_RST, 0, 302, 0), 0);
	KUNIT_EXPECT_EQ(test, a->reset, 2u);
	kcoap_exchange_put(&a->x);
}

static void xt_busy(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct sk_buff *skb = xt_msg(0, 401);
	struct xt_x *a;

	a = xt_new(test, 5000);
	kcoap_exchange_send(&a->x, xt_msg(0, 400), 400, true);
	/* one CON at a time: the caller keeps what it could not send */
	KUNIT_EXPECT_EQ(test, kcoap_exchange_send(&a->x, skb, 401, true),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_send(&a->x, skb, 401, false),
			-EBUSY);
	kfree_skb(skb);
	KUNIT_EXPECT_TRUE(test, kcoap_exchange_cancel(&a->x));
	KUNIT_EXPECT_FALSE(test, kcoap_exchange_cancel(&a->x));
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 400, 0), -1);
	KUNIT_EXPECT_EQ(test, a->acked + a->reset + a->timeout, 0u);
	kcoap_exchange_put(&a->x);
	KUNIT_EXPECT_EQ(test, a->released, 1u);
}

static void xt_nstart(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *a, *b, *o;

	a = xt_new(test, 5000);
	b = xt_new(test, 5000);
	o = xt_new(test, 5001);
	kcoap_exchange_send(&a->x, xt_msg(0, 500), 500, true);
	kcoap_exchange_send(&b->x, xt_msg(0, 501), 501, true);
	kcoap_exchange_send(&o->x, xt_msg(0, 502), 502, true);
	/* NSTART 1: the second CON to 5000 waits; 5001 is another peer */
	KUNIT_EXPECT_EQ(test, wire.sent, 2u);
	KUNIT_EXPECT_EQ(test, wire.mids[1], 502);
	KUNIT_EXPECT_TRUE(test, kcoap_exchange_queued(&b->x));
	KUNIT_EXPECT_EQ(test, xt_stat(c, COAP_STATS_A_TX_QUEUED), 1ull);
	/* not sent, so not answerable */
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 501, 0), -1);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_RST, 0, 500, 0), 0);
	KUNIT_EXPECT_EQ(test, wire.sent, 3u);
	KUNIT_EXPECT_EQ(test, wire.mids[2], 501);
	KUNIT_EXPECT_FALSE(test, kcoap_exchange_queued(&b->x));
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 501, 0), 0);
	KUNIT_EXPECT_EQ(test, b->acked, 1u);
	kcoap_exchange_put(&a->x);
	kcoap_exchange_put(&b->x);
	kcoap_exchange_put(&o->x);
}

static void xt_kick_refresh(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *a, *b;

	a = xt_new(test, 5000);
	b = xt_new(test, 5000);
	kcoap_exchange_send(&a->x, xt_msg(0, 550), 550, true);
	kcoap_exchange_send(&b->x, xt_msg(0, 551), 551, true);
	KUNIT_EXPECT_TRUE(test, kcoap_exchange_queued(&b->x));
	/* a newer state arrived while b waited for NSTART */
	b->fresh = true;
	b->fresh_mid = 552;
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 550, 0), 0);
	KUNIT_EXPECT_EQ(test, b->refresh, 1u);
	KUNIT_EXPECT_EQ(test, wire.sent, 2u);
	KUNIT_EXPECT_EQ(test, wire.mids[1], 552);
	/* what went out is what an ACK names; the stale MID names nothing */
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 551, 0), -1);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 552, 0), 0);
	KUNIT_EXPECT_EQ(test, b->acked, 1u);
	KUNIT_EXPECT_EQ(test, xt_stat(c, COAP_STATS_A_TX_RETRANSMIT), 0ull);
	kcoap_exchange_put(&a->x);
	kcoap_exchange_put(&b->x);
}

static void xt_retransmit_refresh(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *a;

	a = xt_new(test, 5000);
	a->fresh = true;
	a->fresh_mid = 601;
	kcoap_exchange_send(&a->x, xt_msg(0, 600), 600, true);
	/* MAX_RETRANSMIT 2: two more copies, then the end */
	KUNIT_ASSERT_TRUE(test, xt_wait(&a->timeout, 1));
	KUNIT_EXPECT_EQ(test, wire.sent, 3u);
	KUNIT_EXPECT_EQ(test, a->refresh, 2u);
	/* the first retransmission carried the refreshed datagram */
	KUNIT_EXPECT_EQ(test, wire.mids[0], 600);
	KUNIT_EXPECT_EQ(test, wire.mids[1], 601);
	KUNIT_EXPECT_EQ(test, wire.mids[2], 601);
	KUNIT_EXPECT_EQ(test, xt_stat(c, COAP_STATS_A_TX_RETRANSMIT), 2ull);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 601, 0), -1);
	KUNIT_EXPECT_EQ(test, a->acked, 0u);
	kcoap_exchange_put(&a->x);
	KUNIT_EXPECT_TRUE(test, xt_wait(&a->released, 1));
}

static void xt_refreshed_mid_matches(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *a;

	a = xt_new(test, 5000);
	a->fresh = true;
	a->fresh_mid = 701;
	kcoap_exchange_send(&a->x, xt_msg(0, 700), 700, true);
	KUNIT_ASSERT_TRUE(test, xt_wait(&wire.sent, 2));
	/* the old MID is forgotten, the new one ends the exchange */
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 700, 0), -1);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 701, 0), 0);
	KUNIT_EXPECT_EQ(test, a->acked, 1u);
	kcoap_exchange_put(&a->x);
	KUNIT_EXPECT_TRUE(test, xt_wait(&a->released, 1));
	KUNIT_EXPECT_EQ(test, a->timeout, 0u);
}

static void xt_deadline(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *a, *b;

	a = xt_new(test, 5000);
	b = xt_new(test, 5000);
	kcoap_exchange_send(&a->x, xt_msg(1, 800), 800, false);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_wait(&a->x, jiffies +
						  msecs_to_jiffies(20)), 0);
	KUNIT_ASSERT_TRUE(test, xt_wait(&a->timeout, 1));
	/* an acknowledged CON waits for its response the same way */
	kcoap_exchange_send(&b->x, xt_msg(0, 801), 801, true);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 801, 0), 0);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_wait(&b->x, jiffies +
						  msecs_to_jiffies(20)), 0);
	KUNIT_ASSERT_TRUE(test, xt_wait(&b->timeout, 1));
	KUNIT_EXPECT_EQ(test, b->refresh, 0u);
	kcoap_exchange_put(&a->x);
	kcoap_exchange_put(&b->x);
	KUNIT_EXPECT_TRUE(test, xt_wait(&a->released, 1));
	KUNIT_EXPECT_TRUE(test, xt_wait(&b->released, 1));
}

static void xt_end(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *a;

	a = xt_new(test, 5000);
	kcoap_exchange_send(&a->x, xt_msg(0, 900), 900, true);
	kcoap_exchange_end(&a->x, true);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_send(&a->x, xt_msg(1, 901), 901,
						  false), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_wait(&a->x, jiffies + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, xt_rx(c, 5000, COAP_TYPE_ACK, 0, 900, 0), -1);
	kcoap_exchange_put(&a->x);
	KUNIT_EXPECT_EQ(test, a->released, 1u);
	KUNIT_EXPECT_EQ(test, a->acked + a->reset + a->timeout, 0u);
}

static void xt_close(struct kunit *test)
{
	struct xt_case *c = test->priv;
	struct xt_x *con, *queued, *non, *wait;

	con = xt_new(test, 5000);
	queued = xt_new(test, 5000);
	non = xt_new(test, 5001);
	wait = xt_new(test, 5002);
	kcoap_exchange_send(&con->x, xt_msg(0, 1000), 1000, true);
	kcoap_exchange_send(&queued->x, xt_msg(0, 1001), 1001, true);
	kcoap_exchange_send(&non->x, xt_msg(1, 1002), 1002, false);
	kcoap_exchange_send(&wait->x, xt_msg(0, 1003), 1003, true);
	xt_rx(c, 5002, COAP_TYPE_ACK, 0, 1003, 0);
	kcoap_exchange_wait(&wait->x, jiffies + 60 * HZ);
	/* the owners let go; only the table keeps them */
	kcoap_exchange_put(&con->x);
	kcoap_exchange_put(&queued->x);
	kcoap_exchange_put(&non->x);
	kcoap_exchange_put(&wait->x);
	KUNIT_EXPECT_EQ(test, con->released + queued->released + non->released +
			wait->released, 0u);
	kcoap_xtable_close(&c->ep);
	/* every one released, none told of an end it did not have */
	KUNIT_EXPECT_EQ(test, con->released + queued->released + non->released +
			wait->released, 4u);
	KUNIT_EXPECT_EQ(test, con->timeout + queued->timeout + non->timeout +
			wait->timeout + con->acked + queued->acked, 0u);
	/* the queued CON was never sent */
	KUNIT_EXPECT_EQ(test, wire.sent, 3u);
	/* nothing new once closed */
	con = xt_new(test, 5000);
	KUNIT_EXPECT_EQ(test, kcoap_exchange_send(&con->x, xt_msg(0, 1004),
						  1004, true), -ESHUTDOWN);
	kcoap_exchange_put(&con->x);
	KUNIT_EXPECT_EQ(test, con->released, 1u);
	/* every exchange held the endpoint; they gave it back */
	KUNIT_EXPECT_EQ(test, refcount_read(&c->ep.ref), 1u);
}

static struct kunit_case coap_exchange_cases[] = {
	KUNIT_CASE(xt_ack_ends_con),
	KUNIT_CASE(xt_piggybacked_token),
	KUNIT_CASE(xt_non_rst),
	KUNIT_CASE(xt_busy),
	KUNIT_CASE(xt_nstart),
	KUNIT_CASE(xt_kick_refresh),
	KUNIT_CASE(xt_retransmit_refresh),
	KUNIT_CASE(xt_refreshed_mid_matches),
	KUNIT_CASE(xt_deadline),
	KUNIT_CASE(xt_end),
	KUNIT_CASE(xt_close),
	{}
};

static struct kunit_suite coap_exchange_suite = {
	.name = "coap_exchange",
	.init = xt_init,
	.exit = xt_exit,
	.test_cases = coap_exchange_cases,
};

kunit_test_suite(coap_exchange_suite);
