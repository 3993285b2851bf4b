// SPDX-License-Identifier: LGPL-2.1-or-later
/* COAP_CMD_STATS_GET and the counters' names. */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define S(x, name)	[COAP_STATS_A_##x] = name
static const char *const names[] = {
	S(RX_DATAGRAMS, "rx_datagrams"),
	S(RX_REQUESTS, "rx_requests"),
	S(RX_PINGS, "rx_pings"),
	S(DROP_SHORT, "drop_short"),
	S(DROP_VERSION, "drop_version"),
	S(DROP_TOKEN_LENGTH, "drop_token_length"),
	S(DROP_TRUNCATED_TOKEN, "drop_truncated_token"),
	S(DROP_EMPTY_NOT_EMPTY, "drop_empty_not_empty"),
	S(DROP_OPTION_NIBBLE_15, "drop_option_nibble_15"),
	S(DROP_OPTION_TRUNCATED, "drop_option_truncated"),
	S(DROP_OPTION_NUMBER, "drop_option_number"),
	S(DROP_MARKER_NO_PAYLOAD, "drop_marker_no_payload"),
	S(DROP_RST_NOT_EMPTY, "drop_rst_not_empty"),
	S(DROP_ACK_WITH_REQUEST, "drop_ack_with_request"),
	S(DROP_EMPTY_NON, "drop_empty_non"),
	S(DROP_RESERVED_CODE, "drop_reserved_code"),
	S(DROP_UNMATCHED_ACK, "drop_unmatched_ack"),
	S(DROP_UNMATCHED_RST, "drop_unmatched_rst"),
	S(DROP_RESPONSE_NO_CONTEXT, "drop_response_no_context"),
	S(DROP_BAD_OPTION_NON, "drop_bad_option_non"),
	S(DROP_NOMEM, "drop_nomem"),
	S(DROP_NO_ENDPOINT, "drop_no_endpoint"),
	S(TX_DATAGRAMS, "tx_datagrams"),
	S(TX_RST, "tx_rst"),
	S(TX_ERRORS, "tx_errors"),
	S(REQ_LOCAL, "req_local"),
	S(REQ_FAST, "req_fast"),
	S(REQ_FORWARDED, "req_forwarded"),
	S(REQ_DUPLICATE, "req_duplicate"),
	S(REQ_QUEUE_FULL, "req_queue_full"),
	S(REQ_DELIVER_FAILED, "req_deliver_failed"),
	S(REQ_ANSWERED, "req_answered"),
	S(REQ_TIMEOUT, "req_timeout"),
	S(REQ_DAEMON_GONE, "req_daemon_gone"),
	S(REQ_ABORTED, "req_aborted"),
	S(RX_ACKS, "rx_acks"),
	S(RX_RESETS, "rx_resets"),
	S(REQ_SEPARATE, "req_separate"),
	S(TX_RETRANSMIT, "tx_retransmit"),
	S(EXCHANGE_TIMEOUT, "exchange_timeout"),
	S(DEDUP_EVICTED, "dedup_evicted"),
	S(TX_QUEUED, "tx_queued"),
	S(OBS_REGISTERED, "obs_registered"),
	S(OBS_REFUSED, "obs_refused"),
	S(OBS_CANCELLED, "obs_cancelled"),
	S(OBS_RESET, "obs_reset"),
	S(OBS_TIMEOUT, "obs_timeout"),
	S(OBS_NOTIFICATIONS, "obs_notifications"),
	S(OBS_PROBE, "obs_probe"),
	S(DEDUP_ENTRIES, "dedup_entries"),
	S(EXCHANGES, "exchanges"),
	S(OBSERVERS, "observers"),
	S(BLOCK2_SENT, "block2_sent"),
	S(BLOCK2_CACHE_HIT, "block2_cache_hit"),
	S(BLOCK2_CACHE_EVICTED, "block2_cache_evicted"),
	S(BLOCK2_CACHE_EXPIRED, "block2_cache_expired"),
	S(BLOCK1_CONTINUE, "block1_continue"),
	S(BLOCK1_ASSEMBLED, "block1_assembled"),
	S(BLOCK1_INCOMPLETE, "block1_incomplete"),
	S(BLOCK1_TOO_LARGE, "block1_too_large"),
	S(BLOCK1_BUFFERS_FULL, "block1_buffers_full"),
	S(BLOCK1_TIMEOUT, "block1_timeout"),
	S(BLOCK_BAD_OPTION, "block_bad_option"),
	S(RX_RESPONSES, "rx_responses"),
	S(DROP_DUPLICATE_RESPONSE, "drop_duplicate_response"),
	S(SOCK_ERRORS, "sock_errors"),
	S(BLOCK1_BUFFERS, "block1_buffers"),
	S(BLOCK2_CACHED, "block2_cached"),
};
#undef S

/* A counter added at the end of the enum without a name fails the build. */
_Static_assert(sizeof(names) / sizeof(names[0]) == COAP_STATS_A_MAX + 1,
	       "stats name table out of date");

const char *kcoap_stat_name(int attr)
{
	if (attr <= COAP_STATS_A_UNSPEC || attr > COAP_STATS_A_MAX)
		return NULL;
	return names[attr];
}

void kc_parse_stats(const struct nlattr *nest, uint64_t *out)
{
	struct nlattr *s;
	int srem;

	nla_for_each_nested(s, nest, srem) {
		int t = nla_type(s);

		/* counters newer than this header are skipped */
		if (t > COAP_STATS_A_UNSPEC && t <= COAP_STATS_A_MAX &&
		    nla_len(s) >= 8)
			out[t] = nla_get_u64(s);
	}
}

static int stats_reply(struct kcoap *k, struct nlmsghdr *nlh, void *arg)
{
	uint64_t *out = arg;
	struct nlattr *nla;
	int len, rem;

	(void)k;
	nla = kc_attrs(nlh, &len);
	if (!nla)
		return 0;
	nla_for_each_attr(nla, nla, len, rem) {
		if (nla_type(nla) != COAP_A_STATS)
			continue;
		kc_parse_stats(nla, out);
	}
	return 0;
}

int kcoap_stats(struct kcoap *k, uint64_t out[COAP_STATS_A_MAX + 1])
{
	struct nl_msg *msg;
	int err;

	err = kc_enter(k);
	if (err)
		return err;
	memset(out, 0, sizeof(uint64_t) * (COAP_STATS_A_MAX + 1));
	msg = kc_msg_new(k, COAP_CMD_STATS_GET, 0, 0);
	if (!msg)
		return -ENOMEM;
	return kc_transact(k, msg, stats_reply, out);
}
