/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-netns counters.  Every received datagram ends in exactly one of
 * rx_requests, rx_pings or a drop_* counter, so rx_datagrams equals their
 * sum; a dropped CON that deserved a Reset also moves tx_rst.
 */
#ifndef _KCOAP_STATS_H
#define _KCOAP_STATS_H

#include <linux/percpu.h>

#define KCOAP_STATS(x)						\
	x(RX_DATAGRAMS, "rx_datagrams")				\
	x(RX_REQUESTS, "rx_requests")				\
	x(RX_PINGS, "rx_pings")					\
	/* format errors (RFC 7252 section 3), one per codec error */	\
	x(DROP_SHORT, "drop_short")				\
	x(DROP_VERSION, "drop_version")				\
	x(DROP_TOKEN_LENGTH, "drop_token_length")		\
	x(DROP_TRUNCATED_TOKEN, "drop_truncated_token")		\
	x(DROP_EMPTY_NOT_EMPTY, "drop_empty_not_empty")		\
	x(DROP_OPTION_NIBBLE, "drop_option_nibble_15")		\
	x(DROP_OPTION_TRUNCATED, "drop_option_truncated")	\
	x(DROP_OPTION_NUMBER, "drop_option_number")		\
	x(DROP_MARKER_NO_PAYLOAD, "drop_marker_no_payload")	\
	/* well-formed but not acceptable here (sections 4.2, 4.3) */	\
	x(DROP_RST_NOT_EMPTY, "drop_rst_not_empty")		\
	x(DROP_ACK_REQUEST, "drop_ack_with_request")		\
	x(DROP_EMPTY_NON, "drop_empty_non")			\
	x(DROP_RESERVED_CODE, "drop_reserved_code")		\
	x(DROP_UNMATCHED_ACK, "drop_unmatched_ack")		\
	x(DROP_UNMATCHED_RST, "drop_unmatched_rst")		\
	x(DROP_NO_CONTEXT, "drop_response_no_context")		\
	x(DROP_BAD_OPTION_NON, "drop_bad_option_non")		\
	x(DROP_NOMEM, "drop_nomem")				\
	x(DROP_NO_ENDPOINT, "drop_no_endpoint")			\
	x(TX_DATAGRAMS, "tx_datagrams")				\
	x(TX_RST, "tx_rst")					\
	x(TX_ERRORS, "tx_errors")

#define KCOAP_STAT_ENUM(id, name) KCOAP_STAT_##id,
enum kcoap_stat {
	KCOAP_STATS(KCOAP_STAT_ENUM)
	__KCOAP_STAT_MAX
};

#undef KCOAP_STAT_ENUM

struct kcoap_stats {
	unsigned long v[__KCOAP_STAT_MAX];
};

/* this_cpu_inc is safe from softirq and process context alike */
#define kcoap_stat_inc(kn, id) this_cpu_inc((kn)->stats->v[KCOAP_STAT_##id])
#define kcoap_stat_inc_nr(kn, nr) this_cpu_inc((kn)->stats->v[nr])

struct kcoap_net;
int kcoap_stats_init(struct kcoap_net *kn);
void kcoap_stats_exit(struct kcoap_net *kn);
u64 kcoap_stat_read(struct kcoap_net *kn, enum kcoap_stat id);

#endif /* _KCOAP_STATS_H */
