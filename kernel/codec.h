/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CoAP wire codec (RFC 7252 section 3): bytes <-> message view.
 *
 * Pure C with no kernel-only calls and no allocation, so this header and
 * codec.c build unchanged into the module, the KUnit suite and the
 * userspace fuzzers.  Parsing never copies: struct coap_msg points into the
 * caller's buffer, which must outlive it.
 */
#ifndef _KCOAP_CODEC_H
#define _KCOAP_CODEC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
#endif

/* message types, method codes, option numbers: the uapi is the one source */
#include <uapi/linux/coap.h>

#define COAP_VERSION		1
#define COAP_HDR_LEN		4
#define COAP_MAX_TKL		8
#define COAP_PAYLOAD_MARKER	0xff
#define COAP_MAX_OPT_NUM	65535
/* 14 in a nibble means 269 plus a 16-bit extension */
#define COAP_MAX_OPT_EXT	(269 + 65535)

#define COAP_CODE(c, d)		((u8)(((c) << 5) | (d)))
#define COAP_CODE_CLASS(code)	((code) >> 5)
#define COAP_CODE_DETAIL(code)	((code) & 0x1f)
#define COAP_CODE_EMPTY		0

/*
 * Why parsing failed.  Zero is success.  The header fields of the view
 * (type, code, mid) are valid for every error after COAP_ERR_VERSION, so the
 * caller can still reset a malformed CON (section 4.2).
 */
enum coap_parse_err {
	COAP_OK = 0,
	COAP_ERR_SHORT,		/* fewer than 4 bytes */
	COAP_ERR_VERSION,	/* version is not 1: silently ignore */
	COAP_ERR_TKL,		/* token length 9..15 */
	COAP_ERR_TRUNC_TOKEN,	/* datagram ends inside the token */
	COAP_ERR_EMPTY,		/* code 0.00 with token, options or payload */
	COAP_ERR_OPT_NIBBLE,	/* delta or length nibble 15 (not a marker) */
	COAP_ERR_OPT_TRUNC,	/* option header or value runs past the end */
	COAP_ERR_OPT_NUM,	/* option number beyond 65535 */
	COAP_ERR_NO_PAYLOAD,	/* payload marker followed by nothing */
	__COAP_ERR_MAX,
};

/* A parsed message: a view over the datagram. */
struct coap_msg {
	const u8 *buf;
	u32 len;
	u8 type;
	u8 code;
	u16 mid;
	u8 tkl;
	const u8 *token;
	const u8 *opts;		/* first option byte */
	u32 opts_len;		/* bytes of options, marker excluded */
	u16 nopts;
	const u8 *payload;	/* NULL when there is none */
	u32 payload_len;
};

struct coap_opt {
	u16 num;
	u32 len;
	const u8 *val;
};

/* Walks the options of a parsed (hence well-formed) message. */
struct coap_opt_iter {
	const u8 *p;
	const u8 *end;
	u32 num;
};

/* One option to write; the array must be sorted by number (ties allowed). */
struct coap_opt_out {
	u16 num;
	u32 len;
	const void *val;
};

/* A message to write. */
struct coap_msg_out {
	u8 type;
	u8 code;
	u16 mid;
	u8 tkl;
	const u8 *token;
	const struct coap_opt_out *opts;
	unsigned int nopts;
	const void *payload;
	u32 payload_len;
};

int coap_parse(const u8 *buf, u32 len, struct coap_msg *msg);
const char *coap_parse_err_str(int err);

void coap_opt_iter_init(struct coap_opt_iter *it, const struct coap_msg *msg);
bool coap_opt_next(struct coap_opt_iter *it, struct coap_opt *opt);
bool coap_msg_find_opt(const struct coap_msg *msg, u16 num,
		       struct coap_opt *opt);

/* Decode a uint option value (section 3.2); false when longer than 4. */
bool coap_opt_uint(const struct coap_opt *opt, u32 *val);
/* Encode v in the fewest bytes into buf[4]; returns the length (0..4). */
unsigned int coap_uint_encode(u32 v, u8 *buf);

/* Sort options by number for coap_msg_write, keeping repeats in order. */
void coap_opts_sort(struct coap_opt_out *o, unsigned int n);

/* Size of the encoded message, or -1 if it cannot be encoded. */
long coap_msg_size(const struct coap_msg_out *m);
/* Write m into buf; returns bytes written or -1 (too small / invalid). */
long coap_msg_write(const struct coap_msg_out *m, u8 *buf, u32 cap);

/* Option properties from the number alone (section 5.4.6). */
static inline bool coap_opt_critical(u16 num)
{
	return num & 1;
}

static inline bool coap_opt_unsafe(u16 num)
{
	return num & 2;
}

static inline bool coap_opt_nocachekey(u16 num)
{
	return (num & 0x1e) == 0x1c;
}

static inline bool coap_code_is_request(u8 code)
{
	return COAP_CODE_CLASS(code) == 0 && code != COAP_CODE_EMPTY;
}

static inline bool coap_code_is_response(u8 code)
{
	return COAP_CODE_CLASS(code) >= 2 && COAP_CODE_CLASS(code) <= 5;
}

#endif /* _KCOAP_CODEC_H */
