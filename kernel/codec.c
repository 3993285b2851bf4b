// SPDX-License-Identifier: GPL-2.0
/*
 * CoAP wire codec, RFC 7252 section 3.  See codec.h for the contract.
 *
 * Option header nibbles: 0..12 literal, 13 = 13 + 8-bit extension,
 * 14 = 269 + 16-bit extension, 15 reserved.  The three ranges are disjoint,
 * so every value has exactly one encoding and write(parse(x)) == x for any
 * well-formed x; the fuzzer relies on that.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include "codec.h"

static const char * const coap_err_names[__COAP_ERR_MAX] = {
	[COAP_OK]		= "ok",
	[COAP_ERR_SHORT]	= "short",
	[COAP_ERR_VERSION]	= "version",
	[COAP_ERR_TKL]		= "token_length",
	[COAP_ERR_TRUNC_TOKEN]	= "truncated_token",
	[COAP_ERR_EMPTY]	= "empty_not_empty",
	[COAP_ERR_OPT_NIBBLE]	= "option_nibble_15",
	[COAP_ERR_OPT_TRUNC]	= "option_truncated",
	[COAP_ERR_OPT_NUM]	= "option_number",
	[COAP_ERR_NO_PAYLOAD]	= "marker_no_payload",
};

const char *coap_parse_err_str(int err)
{
	if (err < 0 || err >= __COAP_ERR_MAX)
		return "unknown";
	return coap_err_names[err];
}

/*
 * Decode one extended field given its nibble.  Returns false when the
 * nibble is reserved or the extension runs past end.
 */
static bool coap_ext(u8 nibble, const u8 **p, const u8 *end, u32 *out,
		     int *err)
{
	if (nibble < 13) {
		*out = nibble;
		return true;
	}
	if (nibble == 13) {
		if (end - *p < 1) {
			*err = COAP_ERR_OPT_TRUNC;
			return false;
		}
		*out = 13 + (*p)[0];
		*p += 1;
		return true;
	}
	if (nibble == 14) {
		if (end - *p < 2) {
			*err = COAP_ERR_OPT_TRUNC;
			return false;
		}
		*out = 269 + (((u32)(*p)[0] << 8) | (*p)[1]);
		*p += 2;
		return true;
	}
	*err = COAP_ERR_OPT_NIBBLE;
	return false;
}

/*
 * Decode the option starting at *p.  Returns 1 with an option, 0 at the
 * payload marker or the end, or -err.  *num is the running option number.
 */
static int coap_opt_decode(const u8 **p, const u8 *end, u32 *num,
			   struct coap_opt *opt)
{
	const u8 *q = *p;
	u32 delta, len;
	int err = 0;
	u8 b;

	if (q >= end || *q == COAP_PAYLOAD_MARKER)
		return 0;
	b = *q++;
	if (!coap_ext(b >> 4, &q, end, &delta, &err) ||
	    !coap_ext(b & 0x0f, &q, end, &len, &err))
		return -err;
	if (*num + delta > COAP_MAX_OPT_NUM)
		return -COAP_ERR_OPT_NUM;
	if ((u32)(end - q) < len)
		return -COAP_ERR_OPT_TRUNC;
	*num += delta;
	opt->num = *num;
	opt->len = len;
	opt->val = q;
	*p = q + len;
	return 1;
}

int coap_parse(const u8 *buf, u32 len, struct coap_msg *msg)
{
	const u8 *end = buf + len;
	const u8 *p;
	struct coap_opt opt;
	u32 num = 0;
	int r;

	memset(msg, 0, sizeof(*msg));
	msg->buf = buf;
	msg->len = len;
	if (len < COAP_HDR_LEN)
		return COAP_ERR_SHORT;
	if ((buf[0] >> 6) != COAP_VERSION)
		return COAP_ERR_VERSION;
	msg->type = (buf[0] >> 4) & 3;
	msg->tkl = buf[0] & 0x0f;
	msg->code = buf[1];
	msg->mid = ((u16)buf[2] << 8) | buf[3];
	if (msg->tkl > COAP_MAX_TKL)
		return COAP_ERR_TKL;
	if (len - COAP_HDR_LEN < msg->tkl)
		return COAP_ERR_TRUNC_TOKEN;
	msg->token = buf + COAP_HDR_LEN;
	p = msg->token + msg->tkl;

	if (msg->code == COAP_CODE_EMPTY) {
		/* section 4.1: an Empty message is the 4-byte header only */
		if (len != COAP_HDR_LEN)
			return COAP_ERR_EMPTY;
		msg->opts = p;
		return COAP_OK;
	}

	msg->opts = p;
	while ((r = coap_opt_decode(&p, end, &num, &opt)) > 0)
		msg->nopts++;
	if (r < 0)
		return -r;
	msg->opts_len = p - msg->opts;
	if (p < end) {
		/* p is at the marker: section 3 says it must precede payload */
		p++;
		if (p == end)
			return COAP_ERR_NO_PAYLOAD;
		msg->payload = p;
		msg->payload_len = end - p;
	}
	return COAP_OK;
}

void coap_opt_iter_init(struct coap_opt_iter *it, const struct coap_msg *msg)
{
	it->p = msg->opts;
	it->end = msg->opts + msg->opts_len;
	it->num = 0;
}

bool coap_opt_next(struct coap_opt_iter *it, struct coap_opt *opt)
{
	/* the message was validated by coap_parse(): no error is possible */
	return coap_opt_decode(&it->p, it->end, &it->num, opt) > 0;
}

bool coap_msg_find_opt(const struct coap_msg *msg, u16 num,
		       struct coap_opt *opt)
{
	struct coap_opt_iter it;

	coap_opt_iter_init(&it, msg);
	while (coap_opt_next(&it, opt)) {
		if (opt->num == num)
			return true;
		if (opt->num > num)
			break;
	}
	return false;
}

bool coap_opt_uint(const struct coap_opt *opt, u32 *val)
{
	u32 v = 0;
	u32 i;

	if (opt->len > 4)
		return false;
	for (i = 0; i < opt->len; i++)
		v = (v << 8) | opt->val[i];
	*val = v;
	return true;
}

unsigned int coap_uint_encode(u32 v, u8 *buf)
{
	unsigned int n = 0, i;
	u32 t;

	for (t = v; t; t >>= 8)
		n++;
	for (i = 0; i < n; i++)
		buf[i] = v >> (8 * (n - 1 - i));
	return n;
}

/* Bytes an extended field needs beyond the nibble. */
static unsigned int coap_ext_size(u32 v)
{
	return v < 13 ? 0 : v < 269 ? 1 : 2;
}

static u8 coap_ext_nibble(u32 v)
{
	return v < 13 ? v : v < 269 ? 13 : 14;
}

static u8 *coap_ext_write(u8 *p, u32 v)
{
	if (v >= 269) {
		v -= 269;
		*p++ = v >> 8;
		*p++ = v & 0xff;
	} else if (v >= 13) {
		*p++ = v - 13;
	}
	return p;
}

long coap_msg_size(const struct coap_msg_out *m)
{
	unsigned long size = COAP_HDR_LEN;
	unsigned int i;
	u32 prev = 0;

	if (m->tkl > COAP_MAX_TKL || m->type > COAP_TYPE_RST)
		return -1;
	if (m->code == COAP_CODE_EMPTY)
		return (m->tkl || m->nopts || m->payload_len) ? -1 : COAP_HDR_LEN;
	size += m->tkl;
	for (i = 0; i < m->nopts; i++) {
		const struct coap_opt_out *o = &m->opts[i];

		if (o->num < prev || o->len > COAP_MAX_OPT_EXT)
			return -1;
		size += 1 + coap_ext_size(o->num - prev) +
			coap_ext_size(o->len) + o->len;
		prev = o->num;
	}
	if (m->payload_len)
		size += 1 + m->payload_len;
	if (size > 0x7fffffffUL)
		return -1;
	return size;
}

long coap_msg_write(const struct coap_msg_out *m, u8 *buf, u32 cap)
{
	long size = coap_msg_size(m);
	unsigned int i;
	u32 prev = 0;
	u8 *p = buf;

	if (size < 0 || (unsigned long)size > cap)
		return -1;
	*p++ = (COAP_VERSION << 6) | (m->type << 4) | m->tkl;
	*p++ = m->code;
	*p++ = m->mid >> 8;
	*p++ = m->mid & 0xff;
	if (m->tkl) {
		memcpy(p, m->token, m->tkl);
		p += m->tkl;
	}
	for (i = 0; i < m->nopts; i++) {
		const struct coap_opt_out *o = &m->opts[i];
		u32 delta = o->num - prev;

		*p++ = (coap_ext_nibble(delta) << 4) | coap_ext_nibble(o->len);
		p = coap_ext_write(p, delta);
		p = coap_ext_write(p, o->len);
		if (o->len) {
			memcpy(p, o->val, o->len);
			p += o->len;
		}
		prev = o->num;
	}
	if (m->payload_len) {
		*p++ = COAP_PAYLOAD_MARKER;
		memcpy(p, m->payload, m->payload_len);
		p += m->payload_len;
	}
	return p - buf;
}

/* Stable insertion sort: repeated options keep their order. */
void coap_opts_sort(struct coap_opt_out *o, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		struct coap_opt_out t = o[i];

		for (j = i; j > 0 && o[j - 1].num > t.num; j--)
			o[j] = o[j - 1];
		o[j] = t;
	}
}
