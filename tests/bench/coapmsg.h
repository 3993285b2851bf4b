/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough CoAP (RFC 7252 section 3) for the benchmark tools: parse a
 * message into a view, walk its options, append options to a buffer.
 * Header-only so that each tool is one .c file.  Not the project's codec
 * on purpose: the load generator must not share bugs with the code under
 * test.
 */
#ifndef KCOAP_BENCH_COAPMSG_H
#define KCOAP_BENCH_COAPMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CM_CON	0
#define CM_NON	1
#define CM_ACK	2
#define CM_RST	3

#define CM_CODE(c, d)		((uint8_t)(((c) << 5) | (d)))
#define CM_GET			1
#define CM_OPT_URI_PATH		11
#define CM_OPT_CONTENT_FORMAT	12
#define CM_OPT_MAX_AGE		14

struct cm_msg {
	uint8_t type;
	uint8_t tkl;
	uint8_t code;
	uint16_t mid;
	const uint8_t *token;
	const uint8_t *opts;	/* first option byte */
	size_t opts_len;	/* up to the payload marker or the end */
	const uint8_t *payload;	/* NULL when there is none */
	size_t payload_len;
};

/* Option delta/length nibble decoding; returns false on a format error. */
static inline bool cm_ext(unsigned int nib, const uint8_t **p,
			  const uint8_t *end, uint32_t *out)
{
	if (nib < 13) {
		*out = nib;
	} else if (nib == 13) {
		if (*p + 1 > end)
			return false;
		*out = 13 + (*p)[0];
		*p += 1;
	} else if (nib == 14) {
		if (*p + 2 > end)
			return false;
		*out = 269 + (((uint32_t)(*p)[0] << 8) | (*p)[1]);
		*p += 2;
	} else {
		return false;
	}
	return true;
}

struct cm_opt {
	uint32_t num;
	uint32_t len;
	const uint8_t *val;
};

/*
 * Next option from *p (the walk ends at @end).  Returns 1 with @o filled,
 * 0 at the end (or at the payload marker), -1 on a format error.
 */
static inline int cm_opt_next(const uint8_t **p, const uint8_t *end,
			      uint32_t *num, struct cm_opt *o)
{
	uint32_t delta, len;
	uint8_t b;

	if (*p >= end || **p == 0xff)
		return 0;
	b = *(*p)++;
	if (!cm_ext(b >> 4, p, end, &delta) || !cm_ext(b & 15, p, end, &len))
		return -1;
	if ((size_t)(end - *p) < len)
		return -1;
	*num += delta;
	o->num = *num;
	o->len = len;
	o->val = *p;
	*p += len;
	return 1;
}

/* Parse @len bytes at @buf.  Returns false on a format error. */
static inline bool cm_parse(const uint8_t *buf, size_t len, struct cm_msg *m)
{
	const uint8_t *p, *end = buf + len;
	struct cm_opt o;
	uint32_t num = 0;
	int r;

	if (len < 4 || (buf[0] >> 6) != 1)
		return false;
	m->type = (buf[0] >> 4) & 3;
	m->tkl = buf[0] & 15;
	m->code = buf[1];
	m->mid = (uint16_t)(buf[2] << 8 | buf[3]);
	if (m->tkl > 8 || len < 4u + m->tkl)
		return false;
	m->token = buf + 4;
	m->opts = p = buf + 4 + m->tkl;
	while ((r = cm_opt_next(&p, end, &num, &o)) > 0)
		;
	if (r < 0)
		return false;
	m->opts_len = (size_t)(p - m->opts);
	m->payload = NULL;
	m->payload_len = 0;
	if (p < end) {		/* the payload marker */
		if (p + 1 == end)
			return false;	/* marker without payload */
		m->payload = p + 1;
		m->payload_len = (size_t)(end - p - 1);
	}
	return true;
}

/* Append one option (numbers must not decrease).  Returns the new end. */
static inline uint8_t *cm_put_opt(uint8_t *p, uint32_t *last, uint32_t num,
				  const void *val, uint32_t len)
{
	uint32_t delta = num - *last;
	uint8_t *hdr = p++;
	unsigned int dn, ln;

	if (delta < 13) {
		dn = delta;
	} else if (delta < 269) {
		dn = 13;
		*p++ = (uint8_t)(delta - 13);
	} else {
		dn = 14;
		*p++ = (uint8_t)((delta - 269) >> 8);
		*p++ = (uint8_t)(delta - 269);
	}
	if (len < 13) {
		ln = len;
	} else if (len < 269) {
		ln = 13;
		*p++ = (uint8_t)(len - 13);
	} else {
		ln = 14;
		*p++ = (uint8_t)((len - 269) >> 8);
		*p++ = (uint8_t)(len - 269);
	}
	*hdr = (uint8_t)(dn << 4 | ln);
	if (len)
		memcpy(p, val, len);
	*last = num;
	return p + len;
}

/* Append an unsigned integer option in its shortest form. */
static inline uint8_t *cm_put_uint(uint8_t *p, uint32_t *last, uint32_t num,
				   uint32_t v)
{
	uint8_t b[4];
	unsigned int n = 0;

	if (v > 0xffffff)
		b[n++] = (uint8_t)(v >> 24);
	if (v > 0xffff)
		b[n++] = (uint8_t)(v >> 16);
	if (v > 0xff)
		b[n++] = (uint8_t)(v >> 8);
	if (v)
		b[n++] = (uint8_t)v;
	return cm_put_opt(p, last, num, b, n);
}

#endif /* KCOAP_BENCH_COAPMSG_H */
