// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns counters and their /proc/net/coap_stats view ("name value"
 * lines, one per counter, in the order of enum coap_stats_attr).
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "kcoap.h"
#include "stats.h"

static const char * const kcoap_stat_names[__COAP_STATS_A_MAX] = {
	[COAP_STATS_A_RX_DATAGRAMS] = "rx_datagrams",
	[COAP_STATS_A_RX_REQUESTS] = "rx_requests",
	[COAP_STATS_A_RX_PINGS] = "rx_pings",
	[COAP_STATS_A_DROP_SHORT] = "drop_short",
	[COAP_STATS_A_DROP_VERSION] = "drop_version",
	[COAP_STATS_A_DROP_TOKEN_LENGTH] = "drop_token_length",
	[COAP_STATS_A_DROP_TRUNCATED_TOKEN] = "drop_truncated_token",
	[COAP_STATS_A_DROP_EMPTY_NOT_EMPTY] = "drop_empty_not_empty",
	[COAP_STATS_A_DROP_OPTION_NIBBLE_15] = "drop_option_nibble_15",
	[COAP_STATS_A_DROP_OPTION_TRUNCATED] = "drop_option_truncated",
	[COAP_STATS_A_DROP_OPTION_NUMBER] = "drop_option_number",
	[COAP_STATS_A_DROP_MARKER_NO_PAYLOAD] = "drop_marker_no_payload",
	[COAP_STATS_A_DROP_RST_NOT_EMPTY] = "drop_rst_not_empty",
	[COAP_STATS_A_DROP_ACK_WITH_REQUEST] = "drop_ack_with_request",
	[COAP_STATS_A_DROP_EMPTY_NON] = "drop_empty_non",
	[COAP_STATS_A_DROP_RESERVED_CODE] = "drop_reserved_code",
	[COAP_STATS_A_DROP_UNMATCHED_ACK] = "drop_unmatched_ack",
	[COAP_STATS_A_DROP_UNMATCHED_RST] = "drop_unmatched_rst",
	[COAP_STATS_A_DROP_RESPONSE_NO_CONTEXT] = "drop_response_no_context",
	[COAP_STATS_A_DROP_BAD_OPTION_NON] = "drop_bad_option_non",
	[COAP_STATS_A_DROP_NOMEM] = "drop_nomem",
	[COAP_STATS_A_DROP_NO_ENDPOINT] = "drop_no_endpoint",
	[COAP_STATS_A_TX_DATAGRAMS] = "tx_datagrams",
	[COAP_STATS_A_TX_RST] = "tx_rst",
	[COAP_STATS_A_TX_ERRORS] = "tx_errors",
	[COAP_STATS_A_REQ_LOCAL] = "req_local",
	[COAP_STATS_A_REQ_FAST] = "req_fast",
	[COAP_STATS_A_REQ_FORWARDED] = "req_forwarded",
	[COAP_STATS_A_REQ_DUPLICATE] = "req_duplicate",
	[COAP_STATS_A_REQ_QUEUE_FULL] = "req_queue_full",
	[COAP_STATS_A_REQ_DELIVER_FAILED] = "req_deliver_failed",
	[COAP_STATS_A_REQ_ANSWERED] = "req_answered",
	[COAP_STATS_A_REQ_TIMEOUT] = "req_timeout",
	[COAP_STATS_A_REQ_DAEMON_GONE] = "req_daemon_gone",
	[COAP_STATS_A_REQ_ABORTED] = "req_aborted",
	[COAP_STATS_A_RX_ACKS] = "rx_acks",
	[COAP_STATS_A_RX_RESETS] = "rx_resets",
	[COAP_STATS_A_REQ_SEPARATE] = "req_separate",
	[COAP_STATS_A_TX_RETRANSMIT] = "tx_retransmit",
	[COAP_STATS_A_EXCHANGE_TIMEOUT] = "exchange_timeout",
	[COAP_STATS_A_DEDUP_EVICTED] = "dedup_evicted",
	[COAP_STATS_A_TX_QUEUED] = "tx_queued",
	[COAP_STATS_A_OBS_REGISTERED] = "obs_registered",
	[COAP_STATS_A_OBS_REFUSED] = "obs_refused",
	[COAP_STATS_A_OBS_CANCELLED] = "obs_cancelled",
	[COAP_STATS_A_OBS_RESET] = "obs_reset",
	[COAP_STATS_A_OBS_TIMEOUT] = "obs_timeout",
	[COAP_STATS_A_OBS_NOTIFICATIONS] = "obs_notifications",
	[COAP_STATS_A_OBS_PROBE] = "obs_probe",
	[COAP_STATS_A_DEDUP_ENTRIES] = "dedup_entries",
	[COAP_STATS_A_EXCHANGES] = "exchanges",
	[COAP_STATS_A_OBSERVERS] = "observers",
	[COAP_STATS_A_BLOCK2_SENT] = "block2_sent",
	[COAP_STATS_A_BLOCK2_CACHE_HIT] = "block2_cache_hit",
	[COAP_STATS_A_BLOCK2_CACHE_EVICTED] = "block2_cache_evicted",
	[COAP_STATS_A_BLOCK2_CACHE_EXPIRED] = "block2_cache_expired",
	[COAP_STATS_A_BLOCK1_CONTINUE] = "block1_continue",
	[COAP_STATS_A_BLOCK1_ASSEMBLED] = "block1_assembled",
	[COAP_STATS_A_BLOCK1_INCOMPLETE] = "block1_incomplete",
	[COAP_STATS_A_BLOCK1_TOO_LARGE] = "block1_too_large",
	[COAP_STATS_A_BLOCK1_BUFFERS_FULL] = "block1_buffers_full",
	[COAP_STATS_A_BLOCK1_TIMEOUT] = "block1_timeout",
	[COAP_STATS_A_BLOCK_BAD_OPTION] = "block_bad_option",
	[COAP_STATS_A_RX_RESPONSES] = "rx_responses",
	[COAP_STATS_A_DROP_DUPLICATE_RESPONSE] = "drop_duplicate_response",
	[COAP_STATS_A_SOCK_ERRORS] = "sock_errors",
	[COAP_STATS_A_BLOCK1_BUFFERS] = "block1_buffers",
	[COAP_STATS_A_BLOCK2_CACHED] = "block2_cached",
};

u64 kcoap_stats_sum(struct kcoap_stats __percpu *stats, int id)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(stats, cpu)->v[id]);
	return sum;
}

/*
 * Gauges: values their own layer computes when read (the size of a table
 * under its lock).  Set at module init, before any namespace exists.
 */
static kcoap_gauge_fn kcoap_gauges[__COAP_STATS_A_MAX] __ro_after_init;

void __init kcoap_stats_gauge(int id, kcoap_gauge_fn fn)
{
	kcoap_gauges[id] = fn;
}

u64 kcoap_stat_read(struct kcoap_net *kn, int id)
{
	kcoap_gauge_fn gauge = kcoap_gauges[id];

	return gauge ? gauge(kn) : kcoap_stats_sum(kn->stats, id);
}

static int kcoap_stats_show(struct seq_file *seq, void *v)
{
	struct kcoap_net *kn = pde_data(file_inode(seq->file));
	int i;

	for (i = 1; i < __COAP_STATS_A_MAX; i++)
		seq_printf(seq, "%s %llu\n", kcoap_stat_names[i],
			   kcoap_stat_read(kn, i));
	return 0;
}

int kcoap_stats_init(struct kcoap_net *kn)
{
	int i;

	/* a counter added to the uapi without a name here is a bug */
	for (i = 1; i < __COAP_STATS_A_MAX; i++)
		if (WARN_ON_ONCE(!kcoap_stat_names[i]))
			return -EINVAL;
	kn->stats = alloc_percpu(struct kcoap_stats);
	if (!kn->stats)
		return -ENOMEM;
	if (!proc_create_net_single("coap_stats", 0444, kn->net->proc_net,
				    kcoap_stats_show, kn)) {
		free_percpu(kn->stats);
		kn->stats = NULL;
		return -ENOMEM;
	}
	return 0;
}

void kcoap_stats_exit(struct kcoap_net *kn)
{
	remove_proc_entry("coap_stats", kn->net->proc_net);
	free_percpu(kn->stats);
	kn->stats = NULL;
}
