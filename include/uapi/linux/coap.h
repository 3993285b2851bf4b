/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kcoap: the Constrained Application Protocol (RFC 7252) in the kernel.
 *
 * This header is the contract between the coap module and userspace.  It
 * holds the protocol constants a daemon or application needs to build and
 * read CoAP messages; the generic netlink family and the socket options are
 * documented here as they are added.
 *
 * Counters: /proc/net/coap_stats lists one "name value" line per counter of
 * the reading process's network namespace.  Every received datagram moves
 * rx_datagrams and exactly one of rx_requests, rx_pings or drop_<reason>,
 * so rx_datagrams is their sum.  A drop_* of a Confirmable message that the
 * RFC says to reject also sends a Reset, counted in tx_rst.
 */
#ifndef _UAPI_LINUX_COAP_H
#define _UAPI_LINUX_COAP_H

/* Default UDP port (RFC 7252 section 6.1). */
#define COAP_DEFAULT_PORT	5683

/* Method codes, class 0 (section 12.1.1). */
#define COAP_METHOD_GET		1
#define COAP_METHOD_POST	2
#define COAP_METHOD_PUT		3
#define COAP_METHOD_DELETE	4

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

#endif /* _UAPI_LINUX_COAP_H */
