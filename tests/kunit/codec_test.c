// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the CoAP wire codec (kernel/codec.c, RFC 7252 section 3).
 *
 * Vectors are small static byte arrays; the few that need more than a few
 * hundred bytes (extended option lengths, large payloads) are built at run
 * time in test-managed memory.  Most cases also check the codec's round-trip
 * property: a well-formed message has exactly one encoding, so rebuilding a
 * struct coap_msg_out from the parsed view and writing it must reproduce the
 * input byte for byte.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "codec.h"

#define GET	COAP_CODE(0, 1)
#define POST	COAP_CODE(0, 2)
#define CONTENT	COAP_CODE(2, 5)

#define OPT_IF_MATCH		1
#define OPT_URI_HOST		3
#define OPT_ETAG		4
#define OPT_IF_NONE_MATCH	5
#define OPT_OBSERVE		6
#define OPT_URI_PORT		7
#define OPT_LOCATION_PATH	8
#define OPT_URI_PATH		11
#define OPT_CONTENT_FORMAT	12
#define OPT_MAX_AGE		14
#define OPT_URI_QUERY		15
#define OPT_ACCEPT		17
#define OPT_SIZE2		28
#define OPT_PROXY_URI		35
#define OPT_PROXY_SCHEME	39
#define OPT_SIZE1		60

/* ---- vectors ---------------------------------------------------------- */

/* RFC 7252 Appendix A, Figure 16: CON GET /temperature, MID 0x7d34 */
static const u8 rfc_get_temp[] = {
	0x40, 0x01, 0x7d, 0x34,
	0xbb, 't', 'e', 'm', 'p', 'e', 'r', 'a', 't', 'u', 'r', 'e',
};

/* ... and its piggybacked answer: ACK 2.05 "22.3 C" */
static const u8 rfc_content_ack[] = {
	0x60, 0x45, 0x7d, 0x34,
	0xff, '2', '2', '.', '3', ' ', 'C',
};

/* Figure 17: the same exchange with token 0x20 */
static const u8 rfc_get_temp_token[] = {
	0x41, 0x01, 0x7d, 0x35, 0x20,
	0xbb, 't', 'e', 'm', 'p', 'e', 'r', 'a', 't', 'u', 'r', 'e',
};

static const u8 rfc_content_ack_token[] = {
	0x61, 0x45, 0x7d, 0x35, 0x20,
	0xff, '2', '2', '.', '5', ' ', 'C',
};

/* Section 2.2, Figure 6: separate response, empty ACK then CON 2.05 */
static const u8 rfc_empty_ack[] = { 0x60, 0x00, 0x7a, 0x10 };

static const u8 rfc_separate_con[] = {
	0x41, 0x45, 0x23, 0xbb, 0x73,
	0xff, '2', '2', '.', '5', ' ', 'C',
};

/* Section 2.2, Figure 8: NON GET with token 0x74 */
static const u8 rfc_non_get[] = {
	0x51, 0x01, 0x7a, 0x11, 0x74,
	0xbb, 't', 'e', 'm', 'p', 'e', 'r', 'a', 't', 'u', 'r', 'e',
};

/* ACK 4.04 with a diagnostic payload, token 0x42 */
static const u8 not_found_ack[] = {
	0x61, 0x84, 0x7d, 0x37, 0x42,
	0xff, 'N', 'o', 't', ' ', 'f', 'o', 'u', 'n', 'd',
};

/*
 * GET coap://example.net:5683/.well-known/core?rt=x with Accept 40:
 * Uri-Host 3, Uri-Port 7, Uri-Path 11 twice, Uri-Query 15, Accept 17.
 */
static const u8 get_many_opts[] = {
	0x42, 0x01, 0x12, 0x34, 0xca, 0xfe,
	0x3b, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'n', 'e', 't',
	0x42, 0x16, 0x33,
	0x4b, '.', 'w', 'e', 'l', 'l', '-', 'k', 'n', 'o', 'w', 'n',
	0x04, 'c', 'o', 'r', 'e',
	0x44, 'r', 't', '=', 'x',
	0x21, 0x28,
};

static const u8 empty_con[] = { 0x40, 0x00, 0x00, 0x01 };
static const u8 empty_non[] = { 0x50, 0x00, 0x00, 0x02 };
static const u8 empty_rst[] = { 0x70, 0x00, 0x00, 0x03 };

/* ---- helpers ---------------------------------------------------------- */

/* Parse a vector that must be well-formed and check the header. */
static void parse_ok(struct kunit *test, const u8 *buf, u32 len,
		     struct coap_msg *m)
{
	KUNIT_ASSERT_EQ(test, coap_parse(buf, len, m), COAP_OK);
	KUNIT_EXPECT_PTR_EQ(test, m->buf, buf);
	KUNIT_EXPECT_EQ(test, m->len, len);
	KUNIT_EXPECT_EQ(test, m->type, (buf[0] >> 4) & 3);
	KUNIT_EXPECT_EQ(test, m->tkl, buf[0] & 0x0f);
	KUNIT_EXPECT_EQ(test, m->code, buf[1]);
	KUNIT_EXPECT_EQ(test, m->mid, (buf[2] << 8) | buf[3]);
	KUNIT_EXPECT_PTR_EQ(test, m->token, buf + COAP_HDR_LEN);
}

/*
 * For a malformed vector whose header parsed: the error and the header
 * fields the caller needs to reset a CON (section 4.2).
 */
static void parse_err(struct kunit *test, const u8 *buf, u32 len, int want)
{
	struct coap_msg m;

	KUNIT_EXPECT_EQ(test, coap_parse(buf, len, &m), want);
	KUNIT_EXPECT_EQ(test, m.type, (buf[0] >> 4) & 3);
	KUNIT_EXPECT_EQ(test, m.code, buf[1]);
	KUNIT_EXPECT_EQ(test, m.mid, (buf[2] << 8) | buf[3]);
}

/* Parse, rebuild a coap_msg_out from the view, write, compare. */
static void expect_roundtrip(struct kunit *test, const u8 *buf, u32 len)
{
	struct coap_opt_out *opts;
	struct coap_msg_out out;
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;
	unsigned int n = 0;
	u8 *wbuf;

	KUNIT_ASSERT_EQ(test, coap_parse(buf, len, &m), COAP_OK);
	opts = kunit_kcalloc(test, m.nopts + 1, sizeof(*opts), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, opts);
	coap_opt_iter_init(&it, &m);
	while (coap_opt_next(&it, &opt)) {
		KUNIT_ASSERT_LT(test, n, (unsigned int)m.nopts);
		opts[n].num = opt.num;
		opts[n].len = opt.len;
		opts[n].val = opt.val;
		n++;
	}
	KUNIT_ASSERT_EQ(test, n, (unsigned int)m.nopts);

	out = (struct coap_msg_out) {
		.type = m.type,
		.code = m.code,
		.mid = m.mid,
		.tkl = m.tkl,
		.token = m.token,
		.opts = opts,
		.nopts = n,
		.payload = m.payload,
		.payload_len = m.payload_len,
	};
	KUNIT_ASSERT_EQ(test, coap_msg_size(&out), (long)len);
	wbuf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, wbuf);
	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, wbuf, len), (long)len);
	KUNIT_EXPECT_EQ(test, memcmp(wbuf, buf, len), 0);
}

/* Parse a message consisting of a 4-byte header plus @opts. */
static int parse_opts(const u8 *opts, u32 olen, struct coap_msg *m, u8 *buf)
{
	static const u8 hdr[] = { 0x40, 0x01, 0xbe, 0xef };

	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), opts, olen);
	return coap_parse(buf, sizeof(hdr) + olen, m);
}

/* The first option of a parsed message. */
static void first_opt(struct kunit *test, const struct coap_msg *m,
		      struct coap_opt *opt)
{
	struct coap_opt_iter it;

	coap_opt_iter_init(&it, m);
	KUNIT_ASSERT_TRUE(test, coap_opt_next(&it, opt));
}

/*
 * A CON GET with one option of number @num and length @len (value bytes
 * 0x00, 0x01, ...) and @pad extra value bytes that are not there (pad < 0)
 * or trailing bytes (pad > 0); written by hand, not by the codec.
 */
static u8 *build_long_opt(struct kunit *test, u32 num, u32 len, int pad,
			  u32 *total)
{
	u32 size, i;
	u8 *buf, *p;

	size = COAP_HDR_LEN + 5 + len + (pad > 0 ? pad : 0);
	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	p = buf;
	*p++ = 0x40;
	*p++ = 0x01;
	*p++ = 0x00;
	*p++ = 0x2a;
	p++;	/* option header byte, filled below */
	if (num >= 269) {
		*p++ = (num - 269) >> 8;
		*p++ = (num - 269) & 0xff;
		buf[4] = 0xe0;
	} else if (num >= 13) {
		*p++ = num - 13;
		buf[4] = 0xd0;
	} else {
		buf[4] = num << 4;
	}
	if (len >= 269) {
		*p++ = (len - 269) >> 8;
		*p++ = (len - 269) & 0xff;
		buf[4] |= 0x0e;
	} else if (len >= 13) {
		*p++ = len - 13;
		buf[4] |= 0x0d;
	} else {
		buf[4] |= len;
	}
	for (i = 0; i < len; i++)
		p[i] = i & 0xff;
	*total = (p - buf) + len + pad;
	return buf;
}

/* ---- RFC 7252 examples ----------------------------------------------- */

static void codec_rfc_get_temperature(struct kunit *test)
{
	struct coap_msg m;
	struct coap_opt opt;

	parse_ok(test, rfc_get_temp, sizeof(rfc_get_temp), &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_CON);
	KUNIT_EXPECT_EQ(test, m.code, GET);
	KUNIT_EXPECT_EQ(test, m.mid, 0x7d34);
	KUNIT_EXPECT_EQ(test, m.tkl, 0);
	KUNIT_EXPECT_EQ(test, m.nopts, 1);
	KUNIT_EXPECT_PTR_EQ(test, m.opts, rfc_get_temp + 4);
	KUNIT_EXPECT_EQ(test, m.opts_len, 12);
	KUNIT_EXPECT_NULL(test, m.payload);
	KUNIT_EXPECT_EQ(test, m.payload_len, 0);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_URI_PATH, &opt));
	KUNIT_EXPECT_EQ(test, opt.num, OPT_URI_PATH);
	KUNIT_EXPECT_EQ(test, opt.len, 11);
	KUNIT_EXPECT_EQ(test, memcmp(opt.val, "temperature", 11), 0);
	expect_roundtrip(test, rfc_get_temp, sizeof(rfc_get_temp));
}

static void codec_rfc_content_ack(struct kunit *test)
{
	struct coap_msg m;

	parse_ok(test, rfc_content_ack, sizeof(rfc_content_ack), &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_ACK);
	KUNIT_EXPECT_EQ(test, m.code, CONTENT);
	KUNIT_EXPECT_EQ(test, m.mid, 0x7d34);
	KUNIT_EXPECT_EQ(test, m.nopts, 0);
	KUNIT_EXPECT_EQ(test, m.opts_len, 0);
	KUNIT_EXPECT_PTR_EQ(test, m.payload, rfc_content_ack + 5);
	KUNIT_EXPECT_EQ(test, m.payload_len, 6);
	KUNIT_EXPECT_EQ(test, memcmp(m.payload, "22.3 C", 6), 0);
	expect_roundtrip(test, rfc_content_ack, sizeof(rfc_content_ack));
}

static void codec_rfc_get_with_token(struct kunit *test)
{
	struct coap_msg m;
	struct coap_opt opt;

	parse_ok(test, rfc_get_temp_token, sizeof(rfc_get_temp_token), &m);
	KUNIT_EXPECT_EQ(test, m.tkl, 1);
	KUNIT_EXPECT_EQ(test, m.token[0], 0x20);
	KUNIT_EXPECT_PTR_EQ(test, m.opts, rfc_get_temp_token + 5);
	KUNIT_EXPECT_EQ(test, m.nopts, 1);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_URI_PATH, &opt));
	KUNIT_EXPECT_EQ(test, opt.len, 11);
	KUNIT_EXPECT_EQ(test, memcmp(opt.val, "temperature", 11), 0);
	expect_roundtrip(test, rfc_get_temp_token, sizeof(rfc_get_temp_token));
}

static void codec_rfc_content_ack_with_token(struct kunit *test)
{
	struct coap_msg m;

	parse_ok(test, rfc_content_ack_token, sizeof(rfc_content_ack_token),
		 &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_ACK);
	KUNIT_EXPECT_EQ(test, m.code, CONTENT);
	KUNIT_EXPECT_EQ(test, m.tkl, 1);
	KUNIT_EXPECT_EQ(test, m.token[0], 0x20);
	KUNIT_EXPECT_EQ(test, m.nopts, 0);
	KUNIT_EXPECT_EQ(test, m.payload_len, 6);
	KUNIT_EXPECT_EQ(test, memcmp(m.payload, "22.5 C", 6), 0);
	expect_roundtrip(test, rfc_content_ack_token,
			 sizeof(rfc_content_ack_token));
}

static void codec_rfc_empty_ack(struct kunit *test)
{
	struct coap_msg m;

	parse_ok(test, rfc_empty_ack, sizeof(rfc_empty_ack), &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_ACK);
	KUNIT_EXPECT_EQ(test, m.code, COAP_CODE_EMPTY);
	KUNIT_EXPECT_EQ(test, m.mid, 0x7a10);
	KUNIT_EXPECT_EQ(test, m.tkl, 0);
	KUNIT_EXPECT_EQ(test, m.nopts, 0);
	KUNIT_EXPECT_EQ(test, m.opts_len, 0);
	KUNIT_EXPECT_NULL(test, m.payload);
	expect_roundtrip(test, rfc_empty_ack, sizeof(rfc_empty_ack));
}

static void codec_rfc_separate_response(struct kunit *test)
{
	struct coap_msg m;

	parse_ok(test, rfc_separate_con, sizeof(rfc_separate_con), &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_CON);
	KUNIT_EXPECT_EQ(test, m.code, CONTENT);
	KUNIT_EXPECT_EQ(test, m.mid, 0x23bb);
	KUNIT_EXPECT_EQ(test, m.token[0], 0x73);
	KUNIT_EXPECT_EQ(test, m.payload_len, 6);
	expect_roundtrip(test, rfc_separate_con, sizeof(rfc_separate_con));
}

static void codec_rfc_non_request(struct kunit *test)
{
	struct coap_msg m;

	parse_ok(test, rfc_non_get, sizeof(rfc_non_get), &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_NON);
	KUNIT_EXPECT_EQ(test, m.code, GET);
	KUNIT_EXPECT_EQ(test, m.mid, 0x7a11);
	KUNIT_EXPECT_EQ(test, m.token[0], 0x74);
	KUNIT_EXPECT_EQ(test, m.nopts, 1);
	expect_roundtrip(test, rfc_non_get, sizeof(rfc_non_get));
}

static void codec_not_found_diagnostic(struct kunit *test)
{
	struct coap_msg m;

	parse_ok(test, not_found_ack, sizeof(not_found_ack), &m);
	KUNIT_EXPECT_EQ(test, m.code, COAP_CODE(4, 4));
	KUNIT_EXPECT_EQ(test, COAP_CODE_CLASS(m.code), 4);
	KUNIT_EXPECT_EQ(test, COAP_CODE_DETAIL(m.code), 4);
	KUNIT_EXPECT_EQ(test, m.payload_len, 9);
	KUNIT_EXPECT_EQ(test, memcmp(m.payload, "Not found", 9), 0);
	expect_roundtrip(test, not_found_ack, sizeof(not_found_ack));
}

static void codec_get_many_options(struct kunit *test)
{
	static const u16 nums[] = { 3, 7, 11, 11, 15, 17 };
	static const u8 lens[] = { 11, 2, 11, 4, 4, 1 };
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;
	unsigned int i = 0;
	u32 v;

	parse_ok(test, get_many_opts, sizeof(get_many_opts), &m);
	KUNIT_EXPECT_EQ(test, m.tkl, 2);
	KUNIT_EXPECT_EQ(test, m.nopts, ARRAY_SIZE(nums));
	KUNIT_EXPECT_EQ(test, m.opts_len, sizeof(get_many_opts) - 6);
	coap_opt_iter_init(&it, &m);
	while (coap_opt_next(&it, &opt)) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(nums));
		KUNIT_EXPECT_EQ(test, opt.num, nums[i]);
		KUNIT_EXPECT_EQ(test, opt.len, lens[i]);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(nums));
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_URI_PORT, &opt));
	KUNIT_ASSERT_TRUE(test, coap_opt_uint(&opt, &v));
	KUNIT_EXPECT_EQ(test, v, 5683);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_ACCEPT, &opt));
	KUNIT_ASSERT_TRUE(test, coap_opt_uint(&opt, &v));
	KUNIT_EXPECT_EQ(test, v, 40);
	expect_roundtrip(test, get_many_opts, sizeof(get_many_opts));
}

/* ---- header ----------------------------------------------------------- */

static void codec_short(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x12 };
	struct coap_msg m;
	u32 len;

	for (len = 0; len < COAP_HDR_LEN; len++) {
		KUNIT_EXPECT_EQ(test, coap_parse(buf, len, &m), COAP_ERR_SHORT);
		KUNIT_EXPECT_EQ(test, m.len, len);
	}
}

static void codec_version_0(struct kunit *test)
{
	static const u8 buf[] = { 0x00, 0x01, 0x12, 0x34 };
	struct coap_msg m;

	KUNIT_EXPECT_EQ(test, coap_parse(buf, sizeof(buf), &m),
			COAP_ERR_VERSION);
}

static void codec_version_2(struct kunit *test)
{
	static const u8 buf[] = { 0x80, 0x01, 0x12, 0x34 };
	struct coap_msg m;

	KUNIT_EXPECT_EQ(test, coap_parse(buf, sizeof(buf), &m),
			COAP_ERR_VERSION);
}

static void codec_version_3(struct kunit *test)
{
	static const u8 buf[] = { 0xf0, 0x00, 0x00, 0x00, 0xff };
	struct coap_msg m;

	KUNIT_EXPECT_EQ(test, coap_parse(buf, sizeof(buf), &m),
			COAP_ERR_VERSION);
}

/* The version is checked before anything after the header. */
static void codec_version_before_tkl(struct kunit *test)
{
	static const u8 buf[] = { 0x8f, 0x00, 0x00, 0x00 };
	struct coap_msg m;

	KUNIT_EXPECT_EQ(test, coap_parse(buf, sizeof(buf), &m),
			COAP_ERR_VERSION);
}

static void codec_all_types(struct kunit *test)
{
	u8 buf[] = { 0x40, 0x01, 0x00, 0x07, 0x01, 'x' };
	struct coap_msg m;
	u8 t;

	for (t = COAP_TYPE_CON; t <= COAP_TYPE_RST; t++) {
		buf[0] = 0x40 | (t << 4);
		KUNIT_ASSERT_EQ(test, coap_parse(buf, sizeof(buf), &m),
				COAP_OK);
		KUNIT_EXPECT_EQ(test, m.type, t);
	}
}

static void codec_mid_byte_order(struct kunit *test)
{
	static const u8 buf[] = { 0x50, 0x02, 0xab, 0xcd };
	struct coap_msg m;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_EQ(test, m.mid, 0xabcd);
	KUNIT_EXPECT_EQ(test, m.code, POST);
}

static void codec_token_lengths_0_to_8(struct kunit *test)
{
	u8 buf[COAP_HDR_LEN + COAP_MAX_TKL] = { 0x40, 0x01, 0x00, 0x01,
		1, 2, 3, 4, 5, 6, 7, 8 };
	struct coap_msg m;
	u8 tkl;

	for (tkl = 0; tkl <= COAP_MAX_TKL; tkl++) {
		buf[0] = 0x40 | tkl;
		KUNIT_ASSERT_EQ(test, coap_parse(buf, COAP_HDR_LEN + tkl, &m),
				COAP_OK);
		KUNIT_EXPECT_EQ(test, m.tkl, tkl);
		KUNIT_EXPECT_PTR_EQ(test, m.token, buf + COAP_HDR_LEN);
		KUNIT_EXPECT_PTR_EQ(test, m.opts, buf + COAP_HDR_LEN + tkl);
		KUNIT_EXPECT_EQ(test, m.nopts, 0);
		expect_roundtrip(test, buf, COAP_HDR_LEN + tkl);
	}
}

static void codec_token_lengths_9_to_15(struct kunit *test)
{
	u8 buf[COAP_HDR_LEN + 15] = { 0x40, 0x01, 0x12, 0x34 };
	u8 tkl;

	for (tkl = 9; tkl <= 15; tkl++) {
		buf[0] = 0x40 | tkl;
		/* enough bytes for the token: the length itself is wrong */
		parse_err(test, buf, sizeof(buf), COAP_ERR_TKL);
		parse_err(test, buf, COAP_HDR_LEN, COAP_ERR_TKL);
	}
}

static void codec_truncated_token(struct kunit *test)
{
	static const u8 buf[] = { 0x68, 0x45, 0x43, 0x21, 1, 2, 3, 4, 5, 6, 7 };
	u32 len;

	for (len = COAP_HDR_LEN; len < sizeof(buf); len++)
		parse_err(test, buf, len, COAP_ERR_TRUNC_TOKEN);
}

static void codec_truncated_token_1(struct kunit *test)
{
	static const u8 buf[] = { 0x41, 0x01, 0x00, 0x10 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_TRUNC_TOKEN);
}

static void codec_view_pointers(struct kunit *test)
{
	static const u8 buf[] = {
		0x43, 0x02, 0x00, 0x05, 0xaa, 0xbb, 0xcc,
		0xb1, 'a', 0x11, 0x00,
		0xff, 'p', 'q',
	};
	struct coap_msg m;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_PTR_EQ(test, m.token, buf + 4);
	KUNIT_EXPECT_PTR_EQ(test, m.opts, buf + 7);
	KUNIT_EXPECT_EQ(test, m.opts_len, 4);
	KUNIT_EXPECT_EQ(test, m.nopts, 2);
	KUNIT_EXPECT_PTR_EQ(test, m.payload, buf + 12);
	KUNIT_EXPECT_EQ(test, m.payload_len, 2);
	expect_roundtrip(test, buf, sizeof(buf));
}

/* Bytes beyond len are never looked at. */
static void codec_len_respected(struct kunit *test)
{
	struct coap_msg m;
	u32 len = sizeof(rfc_get_temp);

	KUNIT_EXPECT_EQ(test, coap_parse(rfc_get_temp, len - 1, &m),
			COAP_ERR_OPT_TRUNC);
	KUNIT_EXPECT_EQ(test, coap_parse(rfc_get_temp, COAP_HDR_LEN, &m),
			COAP_OK);
	KUNIT_EXPECT_EQ(test, m.nopts, 0);
	KUNIT_EXPECT_EQ(test, coap_parse(rfc_content_ack, 5, &m),
			COAP_ERR_NO_PAYLOAD);
	KUNIT_EXPECT_EQ(test, coap_parse(rfc_content_ack, 6, &m), COAP_OK);
	KUNIT_EXPECT_EQ(test, m.payload_len, 1);
}

static void codec_reserved_codes_parse(struct kunit *test)
{
	/* the codec does not judge codes: 1.xx, 6.xx, 7.xx still parse */
	u8 buf[] = { 0x40, 0x20, 0x00, 0x01, 0xff, 'x' };
	static const u8 codes[] = { 0x20, 0x3f, 0xc0, 0xe0, 0xff, 0x1f };
	struct coap_msg m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		buf[1] = codes[i];
		KUNIT_ASSERT_EQ(test, coap_parse(buf, sizeof(buf), &m),
				COAP_OK);
		KUNIT_EXPECT_EQ(test, m.code, codes[i]);
	}
}

/* ---- Empty messages (section 4.1) ------------------------------------ */

static void codec_empty_con(struct kunit *test)
{
	struct coap_msg m;

	parse_ok(test, empty_con, sizeof(empty_con), &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_CON);
	KUNIT_EXPECT_EQ(test, m.code, COAP_CODE_EMPTY);
	KUNIT_EXPECT_EQ(test, m.nopts, 0);
	KUNIT_EXPECT_NULL(test, m.payload);
	expect_roundtrip(test, empty_con, sizeof(empty_con));
}

static void codec_empty_non(struct kunit *test)
{
	struct coap_msg m;

	parse_ok(test, empty_non, sizeof(empty_non), &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_NON);
	KUNIT_EXPECT_EQ(test, m.code, COAP_CODE_EMPTY);
	expect_roundtrip(test, empty_non, sizeof(empty_non));
}

static void codec_empty_rst(struct kunit *test)
{
	struct coap_msg m;

	parse_ok(test, empty_rst, sizeof(empty_rst), &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_RST);
	KUNIT_EXPECT_EQ(test, m.code, COAP_CODE_EMPTY);
	KUNIT_EXPECT_EQ(test, m.mid, 3);
	expect_roundtrip(test, empty_rst, sizeof(empty_rst));
}

static void codec_empty_iterates_nothing(struct kunit *test)
{
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;

	parse_ok(test, rfc_empty_ack, sizeof(rfc_empty_ack), &m);
	coap_opt_iter_init(&it, &m);
	KUNIT_EXPECT_FALSE(test, coap_opt_next(&it, &opt));
	KUNIT_EXPECT_FALSE(test, coap_msg_find_opt(&m, 0, &opt));
}

static void codec_empty_with_token(struct kunit *test)
{
	static const u8 buf[] = { 0x61, 0x00, 0x12, 0x34, 0xaa };

	parse_err(test, buf, sizeof(buf), COAP_ERR_EMPTY);
}

static void codec_empty_with_full_token(struct kunit *test)
{
	static const u8 buf[] = { 0x78, 0x00, 0x12, 0x34, 1, 2, 3, 4, 5, 6, 7,
				  8 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_EMPTY);
}

static void codec_empty_with_option(struct kunit *test)
{
	static const u8 buf[] = { 0x60, 0x00, 0x12, 0x35, 0xb1, 'x' };

	parse_err(test, buf, sizeof(buf), COAP_ERR_EMPTY);
}

static void codec_empty_with_payload(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x00, 0x12, 0x36, 0xff, 'h', 'i' };

	parse_err(test, buf, sizeof(buf), COAP_ERR_EMPTY);
}

static void codec_empty_with_marker_only(struct kunit *test)
{
	static const u8 buf[] = { 0x70, 0x00, 0x12, 0x37, 0xff };

	parse_err(test, buf, sizeof(buf), COAP_ERR_EMPTY);
}

/* Even a malformed byte after an Empty header is COAP_ERR_EMPTY. */
static void codec_empty_with_garbage(struct kunit *test)
{
	static const u8 buf[] = { 0x70, 0x00, 0x12, 0x38, 0xf0 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_EMPTY);
}

/* ---- payload marker --------------------------------------------------- */

static void codec_marker_no_payload(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x20, 0xff };

	parse_err(test, buf, sizeof(buf), COAP_ERR_NO_PAYLOAD);
}

static void codec_marker_no_payload_after_token(struct kunit *test)
{
	static const u8 buf[] = { 0x42, 0x01, 0x00, 0x21, 0xaa, 0xbb, 0xff };

	parse_err(test, buf, sizeof(buf), COAP_ERR_NO_PAYLOAD);
}

static void codec_marker_no_payload_after_option(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x22, 0xb1, 'a', 0xff };

	parse_err(test, buf, sizeof(buf), COAP_ERR_NO_PAYLOAD);
}

static void codec_marker_after_token_with_payload(struct kunit *test)
{
	static const u8 buf[] = { 0x62, 0x45, 0x00, 0x23, 0xaa, 0xbb,
				  0xff, 'h', 'i' };
	struct coap_msg m;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_EQ(test, m.nopts, 0);
	KUNIT_EXPECT_EQ(test, m.opts_len, 0);
	KUNIT_EXPECT_PTR_EQ(test, m.payload, buf + 7);
	KUNIT_EXPECT_EQ(test, m.payload_len, 2);
	expect_roundtrip(test, buf, sizeof(buf));
}

static void codec_payload_one_byte(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x02, 0x00, 0x24, 0xff, 0x00 };
	struct coap_msg m;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_EQ(test, m.payload_len, 1);
	KUNIT_EXPECT_EQ(test, m.payload[0], 0x00);
	expect_roundtrip(test, buf, sizeof(buf));
}

/* Only the first 0xff is the marker; the payload may contain more. */
static void codec_payload_contains_ff(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x02, 0x00, 0x25, 0xff, 0xff, 0xff };
	struct coap_msg m;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_EQ(test, m.nopts, 0);
	KUNIT_EXPECT_EQ(test, m.payload_len, 2);
	KUNIT_EXPECT_EQ(test, m.payload[0], 0xff);
	KUNIT_EXPECT_EQ(test, m.payload[1], 0xff);
	expect_roundtrip(test, buf, sizeof(buf));
}

static void codec_no_payload_is_null(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x26, 0xb1, 'a' };
	struct coap_msg m;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_NULL(test, m.payload);
	KUNIT_EXPECT_EQ(test, m.payload_len, 0);
	KUNIT_EXPECT_EQ(test, m.opts_len, 2);
}

/* ---- option delta / length encodings --------------------------------- */

static void codec_opt_delta_12(struct kunit *test)
{
	static const u8 o[] = { 0xc0 };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.num, 12);
	KUNIT_EXPECT_EQ(test, opt.len, 0);
	KUNIT_EXPECT_EQ(test, m.opts_len, 1);
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_delta_13(struct kunit *test)
{
	static const u8 o[] = { 0xd0, 0x00 };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.num, 13);
	KUNIT_EXPECT_EQ(test, m.opts_len, 2);
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_delta_268(struct kunit *test)
{
	/* the extension byte 0xff is data here, not a payload marker */
	static const u8 o[] = { 0xd0, 0xff };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.num, 268);
	KUNIT_EXPECT_NULL(test, m.payload);
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_delta_269(struct kunit *test)
{
	static const u8 o[] = { 0xe0, 0x00, 0x00 };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.num, 269);
	KUNIT_EXPECT_EQ(test, m.opts_len, 3);
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_delta_max(struct kunit *test)
{
	/* 269 + 0xfef2 = 65535 */
	static const u8 o[] = { 0xe0, 0xfe, 0xf2 };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.num, COAP_MAX_OPT_NUM);
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_delta_65536(struct kunit *test)
{
	static const u8 o[] = { 0xe0, 0xfe, 0xf3 };
	struct coap_msg m;
	u8 buf[16];

	KUNIT_EXPECT_EQ(test, parse_opts(o, sizeof(o), &m, buf),
			COAP_ERR_OPT_NUM);
	parse_err(test, buf, COAP_HDR_LEN + sizeof(o), COAP_ERR_OPT_NUM);
}

static void codec_opt_delta_ext_max(struct kunit *test)
{
	/* the largest encodable delta, 269 + 65535, is not a valid number */
	static const u8 o[] = { 0xe0, 0xff, 0xff };
	struct coap_msg m;
	u8 buf[16];

	KUNIT_EXPECT_EQ(test, parse_opts(o, sizeof(o), &m, buf),
			COAP_ERR_OPT_NUM);
}

static void codec_opt_num_cumulative_overflow(struct kunit *test)
{
	/* 65535, then delta 1 */
	static const u8 o[] = { 0xe0, 0xfe, 0xf2, 0x10 };
	struct coap_msg m;
	u8 buf[16];

	KUNIT_EXPECT_EQ(test, parse_opts(o, sizeof(o), &m, buf),
			COAP_ERR_OPT_NUM);
}

static void codec_opt_num_cumulative_overflow_ext(struct kunit *test)
{
	/* 60000 (269 + 0xe953), then 5536 (269 + 0x1493) = 65536 */
	static const u8 o[] = { 0xe0, 0xe9, 0x53, 0xe0, 0x14, 0x93 };
	struct coap_msg m;
	u8 buf[16];

	KUNIT_EXPECT_EQ(test, parse_opts(o, sizeof(o), &m, buf),
			COAP_ERR_OPT_NUM);
}

static void codec_opt_num_cumulative_max(struct kunit *test)
{
	/* 65000 (269 + 0xfcdb), then 535 (269 + 0x010a) = 65535 */
	static const u8 o[] = { 0xe0, 0xfc, 0xdb, 0xe0, 0x01, 0x0a, 0x00 };
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	KUNIT_EXPECT_EQ(test, m.nopts, 3);
	coap_opt_iter_init(&it, &m);
	KUNIT_ASSERT_TRUE(test, coap_opt_next(&it, &opt));
	KUNIT_EXPECT_EQ(test, opt.num, 65000);
	KUNIT_ASSERT_TRUE(test, coap_opt_next(&it, &opt));
	KUNIT_EXPECT_EQ(test, opt.num, 65535);
	/* delta 0 at the maximum is still 65535 */
	KUNIT_ASSERT_TRUE(test, coap_opt_next(&it, &opt));
	KUNIT_EXPECT_EQ(test, opt.num, 65535);
	KUNIT_EXPECT_FALSE(test, coap_opt_next(&it, &opt));
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_len_12(struct kunit *test)
{
	static const u8 o[] = { 0x1c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[32];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.num, OPT_IF_MATCH);
	KUNIT_EXPECT_EQ(test, opt.len, 12);
	KUNIT_EXPECT_PTR_EQ(test, opt.val, buf + COAP_HDR_LEN + 1);
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_len_13(struct kunit *test)
{
	static const u8 o[] = { 0x1d, 0x00,
				0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[32];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.len, 13);
	KUNIT_EXPECT_PTR_EQ(test, opt.val, buf + COAP_HDR_LEN + 2);
	KUNIT_EXPECT_EQ(test, opt.val[12], 12);
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_len_268(struct kunit *test)
{
	struct coap_opt opt;
	struct coap_msg m;
	u32 total;
	u8 *buf;

	buf = build_long_opt(test, 4, 268, 0, &total);
	KUNIT_EXPECT_EQ(test, buf[4], 0x4d);
	KUNIT_EXPECT_EQ(test, buf[5], 0xff);
	parse_ok(test, buf, total, &m);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.num, OPT_ETAG);
	KUNIT_EXPECT_EQ(test, opt.len, 268);
	KUNIT_EXPECT_PTR_EQ(test, opt.val, buf + 6);
	KUNIT_EXPECT_NULL(test, m.payload);
	expect_roundtrip(test, buf, total);
}

static void codec_opt_len_269(struct kunit *test)
{
	struct coap_opt opt;
	struct coap_msg m;
	u32 total;
	u8 *buf;

	buf = build_long_opt(test, 4, 269, 0, &total);
	KUNIT_EXPECT_EQ(test, buf[4], 0x4e);
	parse_ok(test, buf, total, &m);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.len, 269);
	KUNIT_EXPECT_PTR_EQ(test, opt.val, buf + 7);
	expect_roundtrip(test, buf, total);
}

static void codec_opt_len_max(struct kunit *test)
{
	struct coap_opt opt;
	struct coap_msg m;
	u32 total;
	u8 *buf;

	buf = build_long_opt(test, OPT_URI_PATH, COAP_MAX_OPT_EXT, 0, &total);
	KUNIT_EXPECT_EQ(test, buf[4], 0xbe);
	KUNIT_EXPECT_EQ(test, buf[5], 0xff);
	KUNIT_EXPECT_EQ(test, buf[6], 0xff);
	KUNIT_EXPECT_EQ(test, total, 7 + 65804);
	parse_ok(test, buf, total, &m);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.len, 65804);
	KUNIT_EXPECT_EQ(test, opt.val[65803], 65803 & 0xff);
	expect_roundtrip(test, buf, total);
}

static void codec_opt_len_max_truncated(struct kunit *test)
{
	struct coap_msg m;
	u32 total;
	u8 *buf;

	buf = build_long_opt(test, OPT_URI_PATH, COAP_MAX_OPT_EXT, -1, &total);
	parse_err(test, buf, total, COAP_ERR_OPT_TRUNC);
	KUNIT_EXPECT_EQ(test, coap_parse(buf, 7, &m), COAP_ERR_OPT_TRUNC);
}

static void codec_opt_len_max_then_payload(struct kunit *test)
{
	struct coap_msg m;
	u32 total;
	u8 *buf;

	buf = build_long_opt(test, 270, COAP_MAX_OPT_EXT, 2, &total);
	buf[total - 2] = 0xff;
	buf[total - 1] = 'z';
	parse_ok(test, buf, total, &m);
	KUNIT_EXPECT_EQ(test, m.nopts, 1);
	KUNIT_EXPECT_EQ(test, m.opts_len, 5 + 65804);
	KUNIT_EXPECT_EQ(test, m.payload_len, 1);
	KUNIT_EXPECT_EQ(test, m.payload[0], 'z');
	expect_roundtrip(test, buf, total);
}

static void codec_opt_delta_and_len_extended(struct kunit *test)
{
	/* delta extension comes first: delta 13 + 1, length 13 + 0 */
	static const u8 o[] = { 0xdd, 0x01, 0x00,
				0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[32];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.num, 14);
	KUNIT_EXPECT_EQ(test, opt.len, 13);
	KUNIT_EXPECT_PTR_EQ(test, opt.val, buf + COAP_HDR_LEN + 3);
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_delta14_len13(struct kunit *test)
{
	/* delta 269 + 0x0102 = 527, length 13 + 0 */
	static const u8 o[] = { 0xed, 0x01, 0x02, 0x00,
				0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[32];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.num, 527);
	KUNIT_EXPECT_EQ(test, opt.len, 13);
	expect_roundtrip(test, buf, COAP_HDR_LEN + sizeof(o));
}

static void codec_opt_delta13_ext_missing(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x30, 0xd0 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_TRUNC);
}

static void codec_opt_delta14_ext_short(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x31, 0xe0, 0x00 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_TRUNC);
}

static void codec_opt_len13_ext_missing(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x32, 0x1d };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_TRUNC);
}

static void codec_opt_len14_ext_short(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x33, 0x1e, 0x00 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_TRUNC);
}

static void codec_opt_len_ext_after_delta_ext_missing(struct kunit *test)
{
	/* delta extension present, length extension missing */
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x34, 0xdd, 0x05 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_TRUNC);
}

static void codec_opt_value_truncated(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x35, 0xb5, 't', 'e', 'm' };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_TRUNC);
}

static void codec_opt_value_swallows_marker(struct kunit *test)
{
	/* a length-2 option whose value is 0xff 0xff: no payload follows */
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x36, 0x12, 0xff, 0xff };
	struct coap_opt opt;
	struct coap_msg m;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_EQ(test, m.nopts, 1);
	KUNIT_EXPECT_NULL(test, m.payload);
	first_opt(test, &m, &opt);
	KUNIT_EXPECT_EQ(test, opt.len, 2);
	KUNIT_EXPECT_EQ(test, opt.val[0], 0xff);
	expect_roundtrip(test, buf, sizeof(buf));
}

static void codec_opt_delta_15_reserved(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x40, 0xf0 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_NIBBLE);
}

static void codec_opt_delta_15_len_1(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x41, 0xf1, 'x' };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_NIBBLE);
}

static void codec_opt_delta_15_len_14(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x42, 0xfe, 0x00, 0x00 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_NIBBLE);
}

static void codec_opt_len_15_reserved(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x43, 0x1f };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_NIBBLE);
}

static void codec_opt_len_15_delta_0(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x44, 0x0f, 'x' };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_NIBBLE);
}

static void codec_opt_len_15_delta_14(struct kunit *test)
{
	/* 0xef: delta nibble 14 (fine), length nibble 15 (reserved) */
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x45, 0xef, 0x00, 0x00 };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_NIBBLE);
}

static void codec_opt_nibble_after_valid_option(struct kunit *test)
{
	static const u8 buf[] = { 0x48, 0x01, 0x00, 0x46, 1, 2, 3, 4, 5, 6, 7,
				  8, 0xb1, 'a', 0xcf };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_NIBBLE);
}

/* 0xff where an option header would start is always the marker. */
static void codec_ff_is_marker_not_nibble(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x47, 0xb1, 'a',
				  0xff, 0xf0, 0x1f };
	struct coap_msg m;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_EQ(test, m.nopts, 1);
	KUNIT_EXPECT_EQ(test, m.opts_len, 2);
	KUNIT_EXPECT_EQ(test, m.payload_len, 2);
	KUNIT_EXPECT_EQ(test, m.payload[0], 0xf0);
	expect_roundtrip(test, buf, sizeof(buf));
}

/* Error precedence within one option: number checked before value. */
static void codec_opt_num_before_trunc(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x48, 0xe5, 0xff, 0xff };

	parse_err(test, buf, sizeof(buf), COAP_ERR_OPT_NUM);
}

/* ---- repeated / zero-length options, iteration ------------------------ */

static void codec_repeated_options(struct kunit *test)
{
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x50,
				  0xb1, 'a', 0x01, 'b', 0x02, 'c', 'd' };
	static const char * const vals[] = { "a", "b", "cd" };
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;
	unsigned int i = 0;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_EQ(test, m.nopts, 3);
	coap_opt_iter_init(&it, &m);
	while (coap_opt_next(&it, &opt)) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(vals));
		KUNIT_EXPECT_EQ(test, opt.num, OPT_URI_PATH);
		KUNIT_EXPECT_EQ(test, opt.len, strlen(vals[i]));
		KUNIT_EXPECT_EQ(test, memcmp(opt.val, vals[i], opt.len), 0);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, 3);
	expect_roundtrip(test, buf, sizeof(buf));
}

static void codec_zero_length_options(struct kunit *test)
{
	/* If-Match (1) empty, If-None-Match (5), Uri-Path "" twice */
	static const u8 buf[] = { 0x40, 0x03, 0x00, 0x51,
				  0x10, 0x40, 0x60, 0x00, 0xff, 'x' };
	static const u16 nums[] = { 1, 5, 11, 11 };
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;
	unsigned int i = 0;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_EXPECT_EQ(test, m.nopts, 4);
	KUNIT_EXPECT_EQ(test, m.opts_len, 4);
	coap_opt_iter_init(&it, &m);
	while (coap_opt_next(&it, &opt)) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(nums));
		KUNIT_EXPECT_EQ(test, opt.num, nums[i]);
		KUNIT_EXPECT_EQ(test, opt.len, 0);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(nums));
	expect_roundtrip(test, buf, sizeof(buf));
}

static void codec_option_zero(struct kunit *test)
{
	/* number 0 is reserved, but its encoding is well-formed */
	static const u8 buf[] = { 0x40, 0x01, 0x00, 0x52, 0x01, 'x' };
	struct coap_opt opt;
	struct coap_msg m;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, 0, &opt));
	KUNIT_EXPECT_EQ(test, opt.num, 0);
	KUNIT_EXPECT_EQ(test, opt.len, 1);
}

static void codec_iter_no_options(struct kunit *test)
{
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;

	parse_ok(test, rfc_content_ack, sizeof(rfc_content_ack), &m);
	coap_opt_iter_init(&it, &m);
	KUNIT_EXPECT_FALSE(test, coap_opt_next(&it, &opt));
	KUNIT_EXPECT_FALSE(test, coap_opt_next(&it, &opt));
}

static void codec_iter_stops_at_marker(struct kunit *test)
{
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;
	unsigned int n = 0;

	parse_ok(test, get_many_opts, sizeof(get_many_opts), &m);
	coap_opt_iter_init(&it, &m);
	while (coap_opt_next(&it, &opt))
		n++;
	KUNIT_EXPECT_EQ(test, n, (unsigned int)m.nopts);
	/* exhausted iterators stay exhausted */
	KUNIT_EXPECT_FALSE(test, coap_opt_next(&it, &opt));
	/* and a fresh one starts over */
	coap_opt_iter_init(&it, &m);
	KUNIT_ASSERT_TRUE(test, coap_opt_next(&it, &opt));
	KUNIT_EXPECT_EQ(test, opt.num, OPT_URI_HOST);
}

static void codec_iter_with_payload(struct kunit *test)
{
	static const u8 buf[] = { 0x41, 0x45, 0x00, 0x53, 0x99,
				  0xc1, 0x00, 0xff, 0x12, 0x34 };
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;
	u32 v;

	parse_ok(test, buf, sizeof(buf), &m);
	coap_opt_iter_init(&it, &m);
	KUNIT_ASSERT_TRUE(test, coap_opt_next(&it, &opt));
	KUNIT_EXPECT_EQ(test, opt.num, OPT_CONTENT_FORMAT);
	KUNIT_ASSERT_TRUE(test, coap_opt_uint(&opt, &v));
	KUNIT_EXPECT_EQ(test, v, 0);
	/* the marker and payload are not options */
	KUNIT_EXPECT_FALSE(test, coap_opt_next(&it, &opt));
}

static void codec_find_opt(struct kunit *test)
{
	struct coap_opt opt;
	struct coap_msg m;

	parse_ok(test, get_many_opts, sizeof(get_many_opts), &m);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_URI_HOST, &opt));
	KUNIT_EXPECT_EQ(test, opt.len, 11);
	KUNIT_EXPECT_EQ(test, memcmp(opt.val, "example.net", 11), 0);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_URI_QUERY, &opt));
	KUNIT_EXPECT_EQ(test, memcmp(opt.val, "rt=x", 4), 0);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_ACCEPT, &opt));
	KUNIT_EXPECT_EQ(test, opt.num, OPT_ACCEPT);
}

static void codec_find_opt_first_of_repeated(struct kunit *test)
{
	struct coap_opt opt;
	struct coap_msg m;

	parse_ok(test, get_many_opts, sizeof(get_many_opts), &m);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_URI_PATH, &opt));
	KUNIT_EXPECT_EQ(test, opt.len, 11);
	KUNIT_EXPECT_EQ(test, memcmp(opt.val, ".well-known", 11), 0);
}

static void codec_find_opt_missing(struct kunit *test)
{
	struct coap_opt opt;
	struct coap_msg m;

	parse_ok(test, get_many_opts, sizeof(get_many_opts), &m);
	/* below the first, between two, above the last */
	KUNIT_EXPECT_FALSE(test, coap_msg_find_opt(&m, OPT_IF_MATCH, &opt));
	KUNIT_EXPECT_FALSE(test, coap_msg_find_opt(&m, OPT_CONTENT_FORMAT,
						   &opt));
	KUNIT_EXPECT_FALSE(test, coap_msg_find_opt(&m, OPT_SIZE1, &opt));
	KUNIT_EXPECT_FALSE(test, coap_msg_find_opt(&m, 65535, &opt));
}

static void codec_find_opt_max_number(struct kunit *test)
{
	static const u8 o[] = { 0xe1, 0xfe, 0xf2, 0x07 };
	struct coap_opt opt;
	struct coap_msg m;
	u8 buf[16];

	KUNIT_ASSERT_EQ(test, parse_opts(o, sizeof(o), &m, buf), COAP_OK);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, 65535, &opt));
	KUNIT_EXPECT_EQ(test, opt.len, 1);
	KUNIT_EXPECT_EQ(test, opt.val[0], 7);
	KUNIT_EXPECT_FALSE(test, coap_msg_find_opt(&m, 65534, &opt));
}

/* ---- uint options (section 3.2) --------------------------------------- */

static void codec_opt_uint_lengths(struct kunit *test)
{
	static const u8 val[] = { 0x12, 0x34, 0x56, 0x78 };
	static const u32 want[] = { 0, 0x12, 0x1234, 0x123456, 0x12345678 };
	struct coap_opt opt = { .num = OPT_MAX_AGE, .val = val };
	u32 v, len;

	for (len = 0; len <= 4; len++) {
		opt.len = len;
		v = 0xdeadbeef;
		KUNIT_ASSERT_TRUE(test, coap_opt_uint(&opt, &v));
		KUNIT_EXPECT_EQ(test, v, want[len]);
	}
}

static void codec_opt_uint_too_long(struct kunit *test)
{
	static const u8 val[] = { 0x00, 0x00, 0x00, 0x00, 0x01 };
	struct coap_opt opt = { .num = OPT_MAX_AGE, .len = 5, .val = val };
	u32 v = 0xdeadbeef;

	KUNIT_EXPECT_FALSE(test, coap_opt_uint(&opt, &v));
	KUNIT_EXPECT_EQ(test, v, 0xdeadbeef);
	opt.len = 13;
	KUNIT_EXPECT_FALSE(test, coap_opt_uint(&opt, &v));
}

static void codec_opt_uint_leading_zeros(struct kunit *test)
{
	/* not minimal, but section 3.2 says to accept it */
	static const u8 val[] = { 0x00, 0x00, 0x00, 0x05 };
	struct coap_opt opt = { .num = OPT_ACCEPT, .len = 4, .val = val };
	u32 v;

	KUNIT_ASSERT_TRUE(test, coap_opt_uint(&opt, &v));
	KUNIT_EXPECT_EQ(test, v, 5);
}

static void codec_opt_uint_max(struct kunit *test)
{
	static const u8 val[] = { 0xff, 0xff, 0xff, 0xff };
	struct coap_opt opt = { .num = OPT_SIZE1, .len = 4, .val = val };
	u32 v;

	KUNIT_ASSERT_TRUE(test, coap_opt_uint(&opt, &v));
	KUNIT_EXPECT_EQ(test, v, U32_MAX);
}

static void codec_opt_uint_parsed(struct kunit *test)
{
	/* Content-Format 40, Max-Age 0x01020304 */
	static const u8 buf[] = { 0x60, 0x45, 0x00, 0x60,
				  0xc1, 0x28, 0x24, 1, 2, 3, 4,
				  0xff, '<', '/', '>' };
	struct coap_opt opt;
	struct coap_msg m;
	u32 v;

	parse_ok(test, buf, sizeof(buf), &m);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_CONTENT_FORMAT,
						  &opt));
	KUNIT_ASSERT_TRUE(test, coap_opt_uint(&opt, &v));
	KUNIT_EXPECT_EQ(test, v, 40);
	KUNIT_ASSERT_TRUE(test, coap_msg_find_opt(&m, OPT_MAX_AGE, &opt));
	KUNIT_ASSERT_TRUE(test, coap_opt_uint(&opt, &v));
	KUNIT_EXPECT_EQ(test, v, 0x01020304);
	expect_roundtrip(test, buf, sizeof(buf));
}

static void codec_uint_encode_zero(struct kunit *test)
{
	u8 b[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	KUNIT_EXPECT_EQ(test, coap_uint_encode(0, b), 0);
	/* nothing written for a zero-length value */
	KUNIT_EXPECT_EQ(test, b[0], 0xaa);
}

static void codec_uint_encode_one_byte(struct kunit *test)
{
	u8 b[4] = { 0 };

	KUNIT_EXPECT_EQ(test, coap_uint_encode(1, b), 1);
	KUNIT_EXPECT_EQ(test, b[0], 1);
	KUNIT_EXPECT_EQ(test, coap_uint_encode(255, b), 1);
	KUNIT_EXPECT_EQ(test, b[0], 0xff);
}

static void codec_uint_encode_two_bytes(struct kunit *test)
{
	u8 b[4] = { 0 };

	KUNIT_EXPECT_EQ(test, coap_uint_encode(256, b), 2);
	KUNIT_EXPECT_EQ(test, b[0], 0x01);
	KUNIT_EXPECT_EQ(test, b[1], 0x00);
	KUNIT_EXPECT_EQ(test, coap_uint_encode(65535, b), 2);
	KUNIT_EXPECT_EQ(test, b[0], 0xff);
	KUNIT_EXPECT_EQ(test, b[1], 0xff);
}

static void codec_uint_encode_three_bytes(struct kunit *test)
{
	u8 b[4] = { 0 };

	KUNIT_EXPECT_EQ(test, coap_uint_encode(65536, b), 3);
	KUNIT_EXPECT_EQ(test, b[0], 0x01);
	KUNIT_EXPECT_EQ(test, b[1], 0x00);
	KUNIT_EXPECT_EQ(test, b[2], 0x00);
	KUNIT_EXPECT_EQ(test, coap_uint_encode(0xffffff, b), 3);
}

static void codec_uint_encode_four_bytes(struct kunit *test)
{
	u8 b[4] = { 0 };

	KUNIT_EXPECT_EQ(test, coap_uint_encode(0x1000000, b), 4);
	KUNIT_EXPECT_EQ(test, b[0], 0x01);
	KUNIT_EXPECT_EQ(test, b[3], 0x00);
	KUNIT_EXPECT_EQ(test, coap_uint_encode(0xffffffff, b), 4);
	KUNIT_EXPECT_EQ(test, b[0], 0xff);
	KUNIT_EXPECT_EQ(test, b[1], 0xff);
	KUNIT_EXPECT_EQ(test, b[2], 0xff);
	KUNIT_EXPECT_EQ(test, b[3], 0xff);
}

static void codec_uint_encode_decode(struct kunit *test)
{
	static const u32 vals[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x100, 0x1234, 0xffff, 0x10000,
		0xabcdef, 0xffffff, 0x1000000, 0x80000000, 0xfffffffe,
		0xffffffff,
	};
	struct coap_opt opt;
	unsigned int i;
	u8 b[4];
	u32 v;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		opt.len = coap_uint_encode(vals[i], b);
		opt.val = b;
		/* minimal: no leading zero byte */
		if (opt.len)
			KUNIT_EXPECT_NE(test, b[0], 0);
		KUNIT_ASSERT_TRUE(test, coap_opt_uint(&opt, &v));
		KUNIT_EXPECT_EQ(test, v, vals[i]);
	}
}

/* ---- serializer ------------------------------------------------------- */

static void codec_write_rfc_get(struct kunit *test)
{
	static const struct coap_opt_out opts[] = {
		{ .num = OPT_URI_PATH, .len = 11, .val = "temperature" },
	};
	const struct coap_msg_out out = {
		.type = COAP_TYPE_CON,
		.code = GET,
		.mid = 0x7d34,
		.opts = opts,
		.nopts = ARRAY_SIZE(opts),
	};
	u8 buf[sizeof(rfc_get_temp)];

	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), (long)sizeof(buf));
	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)),
			(long)sizeof(buf));
	KUNIT_EXPECT_EQ(test, memcmp(buf, rfc_get_temp, sizeof(buf)), 0);
}

static void codec_write_rfc_content(struct kunit *test)
{
	static const u8 token[] = { 0x20 };
	const struct coap_msg_out out = {
		.type = COAP_TYPE_ACK,
		.code = CONTENT,
		.mid = 0x7d35,
		.tkl = 1,
		.token = token,
		.payload = "22.5 C",
		.payload_len = 6,
	};
	u8 buf[sizeof(rfc_content_ack_token)];

	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), (long)sizeof(buf));
	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)),
			(long)sizeof(buf));
	KUNIT_EXPECT_EQ(test, memcmp(buf, rfc_content_ack_token, sizeof(buf)),
			0);
}

static void codec_write_empty(struct kunit *test)
{
	const struct coap_msg_out out = {
		.type = COAP_TYPE_RST,
		.code = COAP_CODE_EMPTY,
		.mid = 3,
	};
	u8 buf[8];

	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), 4);
	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)), 4);
	KUNIT_EXPECT_EQ(test, memcmp(buf, empty_rst, 4), 0);
}

static void codec_write_size_matches(struct kunit *test)
{
	static const u8 token[] = { 1, 2, 3, 4, 5 };
	static const u8 v300[300];
	static const struct coap_opt_out opts[] = {
		{ .num = 3, .len = 12, .val = v300 },
		{ .num = 3, .len = 13, .val = v300 },
		{ .num = 16, .len = 268, .val = v300 },
		{ .num = 284, .len = 269, .val = v300 },
		{ .num = 554, .len = 0 },
	};
	const struct coap_msg_out out = {
		.type = COAP_TYPE_NON,
		.code = POST,
		.mid = 9,
		.tkl = sizeof(token),
		.token = token,
		.opts = opts,
		.nopts = ARRAY_SIZE(opts),
		.payload = v300,
		.payload_len = 300,
	};
	long size;
	u8 *buf;

	/* header, token, 5 option headers + extensions, values, payload */
	size = 4 + 5 + (1 + 2 + 3 + 4 + 3) + (12 + 13 + 268 + 269)
		+ 1 + 300;
	KUNIT_ASSERT_EQ(test, coap_msg_size(&out), size);
	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, size), size);
	expect_roundtrip(test, buf, size);
}

static void codec_write_delta_boundaries(struct kunit *test)
{
	/* deltas 12, 13, 268, 269: nibbles c, d+00, d+ff, e+0000 */
	static const struct coap_opt_out opts[] = {
		{ .num = 12 },
		{ .num = 25 },
		{ .num = 293 },
		{ .num = 562 },
	};
	static const u8 want[] = { 0x40, 0x01, 0x00, 0x01,
				   0xc0, 0xd0, 0x00, 0xd0, 0xff,
				   0xe0, 0x00, 0x00 };
	const struct coap_msg_out out = {
		.code = GET,
		.mid = 1,
		.opts = opts,
		.nopts = ARRAY_SIZE(opts),
	};
	u8 buf[sizeof(want)];

	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)),
			(long)sizeof(want));
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
}

static void codec_write_len_boundaries(struct kunit *test)
{
	static const u8 v[269];
	static const struct coap_opt_out opts[] = {
		{ .num = 1, .len = 12, .val = v },
		{ .num = 1, .len = 13, .val = v },
		{ .num = 1, .len = 268, .val = v },
		{ .num = 1, .len = 269, .val = v },
	};
	const struct coap_msg_out out = {
		.code = GET,
		.opts = opts,
		.nopts = ARRAY_SIZE(opts),
	};
	long size = 4 + 1 + 12 + 2 + 13 + 2 + 268 + 3 + 269;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, coap_msg_size(&out), size);
	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, size), size);
	KUNIT_EXPECT_EQ(test, buf[4], 0x1c);
	KUNIT_EXPECT_EQ(test, buf[4 + 13], 0x0d);
	KUNIT_EXPECT_EQ(test, buf[4 + 14], 0x00);
	KUNIT_EXPECT_EQ(test, buf[4 + 28], 0x0d);
	KUNIT_EXPECT_EQ(test, buf[4 + 29], 0xff);
	KUNIT_EXPECT_EQ(test, buf[4 + 298], 0x0e);
	KUNIT_EXPECT_EQ(test, buf[4 + 299], 0x00);
	KUNIT_EXPECT_EQ(test, buf[4 + 300], 0x00);
	expect_roundtrip(test, buf, size);
}

static void codec_write_max_option_number(struct kunit *test)
{
	static const struct coap_opt_out opts[] = {
		{ .num = 65535, .len = 1, .val = "x" },
	};
	static const u8 want[] = { 0x40, 0x01, 0x00, 0x00,
				   0xe1, 0xfe, 0xf2, 'x' };
	const struct coap_msg_out out = {
		.code = GET,
		.opts = opts,
		.nopts = ARRAY_SIZE(opts),
	};
	u8 buf[sizeof(want)];

	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)),
			(long)sizeof(want));
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
}

static void codec_write_unsorted_rejected(struct kunit *test)
{
	static const struct coap_opt_out opts[] = {
		{ .num = 11, .len = 1, .val = "a" },
		{ .num = 3, .len = 1, .val = "h" },
	};
	const struct coap_msg_out out = {
		.code = GET,
		.opts = opts,
		.nopts = ARRAY_SIZE(opts),
	};
	u8 buf[32];

	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), -1);
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)), -1);
}

static void codec_write_ties_allowed(struct kunit *test)
{
	static const struct coap_opt_out opts[] = {
		{ .num = 11, .len = 1, .val = "a" },
		{ .num = 11, .len = 1, .val = "b" },
	};
	static const u8 want[] = { 0x40, 0x01, 0x00, 0x00,
				   0xb1, 'a', 0x01, 'b' };
	const struct coap_msg_out out = {
		.code = GET,
		.opts = opts,
		.nopts = ARRAY_SIZE(opts),
	};
	u8 buf[sizeof(want)];

	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)),
			(long)sizeof(want));
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
}

static void codec_write_tkl_rejected(struct kunit *test)
{
	static const u8 token[15];
	struct coap_msg_out out = {
		.code = GET,
		.token = token,
	};
	u8 buf[32];

	for (out.tkl = 9; out.tkl <= 15; out.tkl++) {
		KUNIT_EXPECT_EQ(test, coap_msg_size(&out), -1);
		KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)),
				-1);
	}
	out.tkl = 8;
	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), 12);
}

static void codec_write_type_rejected(struct kunit *test)
{
	const struct coap_msg_out out = { .type = 4, .code = GET };
	u8 buf[8];

	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), -1);
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)), -1);
}

static void codec_write_empty_with_token(struct kunit *test)
{
	static const u8 token[] = { 1 };
	const struct coap_msg_out out = {
		.type = COAP_TYPE_ACK,
		.tkl = 1,
		.token = token,
	};
	u8 buf[8];

	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), -1);
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)), -1);
}

static void codec_write_empty_with_option(struct kunit *test)
{
	static const struct coap_opt_out opts[] = { { .num = 1 } };
	const struct coap_msg_out out = {
		.type = COAP_TYPE_ACK,
		.opts = opts,
		.nopts = 1,
	};
	u8 buf[8];

	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), -1);
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)), -1);
}

static void codec_write_empty_with_payload(struct kunit *test)
{
	const struct coap_msg_out out = {
		.type = COAP_TYPE_CON,
		.payload = "x",
		.payload_len = 1,
	};
	u8 buf[8];

	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), -1);
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)), -1);
}

static void codec_write_too_small(struct kunit *test)
{
	static const struct coap_opt_out opts[] = {
		{ .num = OPT_URI_PATH, .len = 11, .val = "temperature" },
	};
	const struct coap_msg_out out = {
		.code = GET,
		.mid = 0x7d34,
		.opts = opts,
		.nopts = ARRAY_SIZE(opts),
	};
	u8 buf[32];
	long size;

	size = coap_msg_size(&out);
	KUNIT_ASSERT_EQ(test, size, 16);
	memset(buf, 0x5a, sizeof(buf));
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, size - 1), -1);
	/* nothing is written on failure */
	KUNIT_EXPECT_EQ(test, buf[0], 0x5a);
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, 0), -1);
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, size), size);
	/* and nothing past size on success */
	KUNIT_EXPECT_EQ(test, buf[size], 0x5a);
}

static void codec_write_empty_too_small(struct kunit *test)
{
	const struct coap_msg_out out = { .type = COAP_TYPE_ACK };
	u8 buf[4];

	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, 3), -1);
	KUNIT_EXPECT_EQ(test, coap_msg_write(&out, buf, 4), 4);
}

static void codec_write_option_too_long(struct kunit *test)
{
	/* size check happens before any value byte is read */
	static const struct coap_opt_out opts[] = {
		{ .num = 1, .len = COAP_MAX_OPT_EXT + 1, .val = "" },
	};
	const struct coap_msg_out out = {
		.code = GET,
		.opts = opts,
		.nopts = 1,
	};

	KUNIT_EXPECT_EQ(test, coap_msg_size(&out), -1);
}

static void codec_write_zero_payload_no_marker(struct kunit *test)
{
	const struct coap_msg_out out = {
		.type = COAP_TYPE_ACK,
		.code = CONTENT,
		.mid = 0x1234,
		.payload = "ignored",
		.payload_len = 0,
	};
	static const u8 want[] = { 0x60, 0x45, 0x12, 0x34 };
	u8 buf[8];

	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)), 4);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
}

/* ---- round trips ------------------------------------------------------ */

static void codec_roundtrip_vectors(struct kunit *test)
{
	static const struct {
		const u8 *buf;
		u32 len;
	} v[] = {
		{ rfc_get_temp, sizeof(rfc_get_temp) },
		{ rfc_content_ack, sizeof(rfc_content_ack) },
		{ rfc_get_temp_token, sizeof(rfc_get_temp_token) },
		{ rfc_content_ack_token, sizeof(rfc_content_ack_token) },
		{ rfc_empty_ack, sizeof(rfc_empty_ack) },
		{ rfc_separate_con, sizeof(rfc_separate_con) },
		{ rfc_non_get, sizeof(rfc_non_get) },
		{ not_found_ack, sizeof(not_found_ack) },
		{ get_many_opts, sizeof(get_many_opts) },
		{ empty_con, sizeof(empty_con) },
		{ empty_non, sizeof(empty_non) },
		{ empty_rst, sizeof(empty_rst) },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		expect_roundtrip(test, v[i].buf, v[i].len);
}

/* Write, parse, compare every field, write again. */
static void codec_roundtrip_maximal(struct kunit *test)
{
	static const u8 token[COAP_MAX_TKL] = { 0xde, 0xad, 0xbe, 0xef,
						0x01, 0x23, 0x45, 0x67 };
	static const u16 nums[] = { 1, 1, 4, 11, 11, 12, 24, 37, 305,
				    574, 1000, 60000, 65535, 65535 };
	struct coap_opt_out *opts;
	struct coap_msg_out out;
	struct coap_opt_iter it;
	struct coap_opt opt;
	struct coap_msg m;
	unsigned int i;
	u8 *val, *buf;
	long size;

	val = kunit_kmalloc(test, 2048, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, val);
	for (i = 0; i < 2048; i++)
		val[i] = i * 7;
	opts = kunit_kcalloc(test, ARRAY_SIZE(nums), sizeof(*opts),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, opts);
	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		opts[i].num = nums[i];
		opts[i].len = (i * 97) % 300;
		opts[i].val = val + i;
	}
	out = (struct coap_msg_out) {
		.type = COAP_TYPE_NON,
		.code = CONTENT,
		.mid = 0xffff,
		.tkl = COAP_MAX_TKL,
		.token = token,
		.opts = opts,
		.nopts = ARRAY_SIZE(nums),
		.payload = val,
		.payload_len = 1024,
	};
	size = coap_msg_size(&out);
	KUNIT_ASSERT_GT(test, size, 1024 + 12);
	buf = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, size), size);

	parse_ok(test, buf, size, &m);
	KUNIT_EXPECT_EQ(test, m.type, COAP_TYPE_NON);
	KUNIT_EXPECT_EQ(test, m.code, CONTENT);
	KUNIT_EXPECT_EQ(test, m.mid, 0xffff);
	KUNIT_EXPECT_EQ(test, m.tkl, COAP_MAX_TKL);
	KUNIT_EXPECT_EQ(test, memcmp(m.token, token, COAP_MAX_TKL), 0);
	KUNIT_EXPECT_EQ(test, m.nopts, ARRAY_SIZE(nums));
	KUNIT_EXPECT_EQ(test, m.payload_len, 1024);
	KUNIT_EXPECT_EQ(test, memcmp(m.payload, val, 1024), 0);
	coap_opt_iter_init(&it, &m);
	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		KUNIT_ASSERT_TRUE(test, coap_opt_next(&it, &opt));
		KUNIT_EXPECT_EQ(test, opt.num, opts[i].num);
		KUNIT_EXPECT_EQ(test, opt.len, opts[i].len);
		KUNIT_EXPECT_EQ(test, memcmp(opt.val, opts[i].val, opt.len), 0);
	}
	KUNIT_EXPECT_FALSE(test, coap_opt_next(&it, &opt));
	expect_roundtrip(test, buf, size);
}

static void codec_roundtrip_many_options(struct kunit *test)
{
	const unsigned int n = 2000;
	struct coap_opt_out *opts;
	struct coap_msg_out out;
	struct coap_msg m;
	unsigned int i;
	long size;
	u8 *buf;

	opts = kunit_kcalloc(test, n, sizeof(*opts), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, opts);
	for (i = 0; i < n; i++) {
		opts[i].num = i * 30;	/* deltas of 30, last one 59970 */
		opts[i].len = i % 3;
		opts[i].val = "abc";
	}
	out = (struct coap_msg_out) {
		.code = GET,
		.opts = opts,
		.nopts = n,
	};
	size = coap_msg_size(&out);
	/* 1 header byte + 1 delta byte (30) + value, first delta 0 */
	KUNIT_ASSERT_EQ(test, size, 4 + 2 * n - 1 + (n / 3) * 3 + 1);
	buf = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, size), size);
	parse_ok(test, buf, size, &m);
	KUNIT_EXPECT_EQ(test, m.nopts, n);
	expect_roundtrip(test, buf, size);
}

static void codec_roundtrip_large_payload(struct kunit *test)
{
	const u32 plen = 65000;
	struct coap_msg_out out = {
		.type = COAP_TYPE_CON,
		.code = POST,
		.mid = 0x0102,
		.payload_len = plen,
	};
	struct coap_msg m;
	u8 *payload, *buf;
	u32 i;

	payload = kunit_kmalloc(test, plen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	for (i = 0; i < plen; i++)
		payload[i] = i ^ (i >> 8);
	out.payload = payload;
	KUNIT_ASSERT_EQ(test, coap_msg_size(&out), (long)(plen + 5));
	buf = kunit_kmalloc(test, plen + 5, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, plen + 5),
			(long)(plen + 5));
	parse_ok(test, buf, plen + 5, &m);
	KUNIT_EXPECT_EQ(test, m.payload_len, plen);
	KUNIT_EXPECT_EQ(test, memcmp(m.payload, payload, plen), 0);
}

static void codec_roundtrip_codes(struct kunit *test)
{
	struct coap_msg_out out = { .type = COAP_TYPE_NON, .mid = 77 };
	struct coap_msg m;
	unsigned int c;
	u8 buf[4];

	/* every non-empty code survives a write/parse cycle */
	for (c = 1; c <= 0xff; c++) {
		out.code = c;
		KUNIT_ASSERT_EQ(test, coap_msg_write(&out, buf, sizeof(buf)),
				4);
		KUNIT_ASSERT_EQ(test, coap_parse(buf, sizeof(buf), &m),
				COAP_OK);
		KUNIT_EXPECT_EQ(test, m.code, c);
	}
}

/* ---- option properties (section 5.4.6) -------------------------------- */

static void codec_opt_critical(struct kunit *test)
{
	/* odd numbers are critical (Table 4, column C) */
	KUNIT_EXPECT_TRUE(test, coap_opt_critical(OPT_IF_MATCH));
	KUNIT_EXPECT_TRUE(test, coap_opt_critical(OPT_URI_HOST));
	KUNIT_EXPECT_FALSE(test, coap_opt_critical(OPT_ETAG));
	KUNIT_EXPECT_TRUE(test, coap_opt_critical(OPT_IF_NONE_MATCH));
	KUNIT_EXPECT_TRUE(test, coap_opt_critical(OPT_URI_PORT));
	KUNIT_EXPECT_FALSE(test, coap_opt_critical(OPT_LOCATION_PATH));
	KUNIT_EXPECT_TRUE(test, coap_opt_critical(OPT_URI_PATH));
	KUNIT_EXPECT_FALSE(test, coap_opt_critical(OPT_CONTENT_FORMAT));
	KUNIT_EXPECT_FALSE(test, coap_opt_critical(OPT_MAX_AGE));
	KUNIT_EXPECT_TRUE(test, coap_opt_critical(OPT_URI_QUERY));
	KUNIT_EXPECT_TRUE(test, coap_opt_critical(OPT_ACCEPT));
	KUNIT_EXPECT_TRUE(test, coap_opt_critical(OPT_PROXY_URI));
	KUNIT_EXPECT_TRUE(test, coap_opt_critical(OPT_PROXY_SCHEME));
	KUNIT_EXPECT_FALSE(test, coap_opt_critical(OPT_SIZE1));
}

static void codec_opt_unsafe(struct kunit *test)
{
	/* Table 4, column U */
	KUNIT_EXPECT_FALSE(test, coap_opt_unsafe(OPT_IF_MATCH));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(OPT_URI_HOST));
	KUNIT_EXPECT_FALSE(test, coap_opt_unsafe(OPT_ETAG));
	KUNIT_EXPECT_FALSE(test, coap_opt_unsafe(OPT_IF_NONE_MATCH));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(OPT_URI_PORT));
	KUNIT_EXPECT_FALSE(test, coap_opt_unsafe(OPT_LOCATION_PATH));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(OPT_URI_PATH));
	KUNIT_EXPECT_FALSE(test, coap_opt_unsafe(OPT_CONTENT_FORMAT));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(OPT_MAX_AGE));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(OPT_URI_QUERY));
	KUNIT_EXPECT_FALSE(test, coap_opt_unsafe(OPT_ACCEPT));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(OPT_PROXY_URI));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(OPT_PROXY_SCHEME));
	KUNIT_EXPECT_FALSE(test, coap_opt_unsafe(OPT_SIZE1));
	/* RFC 7641 / 7959: Observe and Block2 are unsafe */
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(OPT_OBSERVE));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(23));
}

static void codec_opt_nocachekey(struct kunit *test)
{
	/* Table 4, column N: only Size1 among the base options */
	static const u16 no[] = {
		OPT_IF_MATCH, OPT_URI_HOST, OPT_ETAG, OPT_IF_NONE_MATCH,
		OPT_URI_PORT, OPT_LOCATION_PATH, OPT_URI_PATH,
		OPT_CONTENT_FORMAT, OPT_MAX_AGE, OPT_URI_QUERY, OPT_ACCEPT,
		OPT_PROXY_URI, OPT_PROXY_SCHEME,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(no); i++)
		KUNIT_EXPECT_FALSE_MSG(test, coap_opt_nocachekey(no[i]),
				       "option %u", no[i]);
	KUNIT_EXPECT_TRUE(test, coap_opt_nocachekey(OPT_SIZE1));
	KUNIT_EXPECT_TRUE(test, coap_opt_nocachekey(OPT_SIZE2));
}

static void codec_opt_nocachekey_pattern(struct kunit *test)
{
	/* section 5.4.6: NoCacheKey is (num & 0x1e) == 0x1c */
	KUNIT_EXPECT_TRUE(test, coap_opt_nocachekey(28));
	KUNIT_EXPECT_TRUE(test, coap_opt_nocachekey(29));
	KUNIT_EXPECT_FALSE(test, coap_opt_nocachekey(30));
	KUNIT_EXPECT_FALSE(test, coap_opt_nocachekey(31));
	KUNIT_EXPECT_FALSE(test, coap_opt_nocachekey(27));
	KUNIT_EXPECT_FALSE(test, coap_opt_nocachekey(32));
	/* the pattern repeats every 32 numbers */
	KUNIT_EXPECT_TRUE(test, coap_opt_nocachekey(61));
	KUNIT_EXPECT_TRUE(test, coap_opt_nocachekey(92));
	KUNIT_EXPECT_FALSE(test, coap_opt_nocachekey(94));
	KUNIT_EXPECT_TRUE(test, coap_opt_nocachekey(65532));
	KUNIT_EXPECT_TRUE(test, coap_opt_nocachekey(65533));
	KUNIT_EXPECT_FALSE(test, coap_opt_nocachekey(65535));
	/* 28 and 29 are safe-to-forward, 30 and 31 are not */
	KUNIT_EXPECT_FALSE(test, coap_opt_unsafe(28));
	KUNIT_EXPECT_FALSE(test, coap_opt_unsafe(29));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(30));
	KUNIT_EXPECT_TRUE(test, coap_opt_unsafe(31));
}

static void codec_nocachekey_implies_safe(struct kunit *test)
{
	unsigned int n;

	for (n = 0; n <= COAP_MAX_OPT_NUM; n++)
		if (coap_opt_nocachekey(n))
			KUNIT_EXPECT_FALSE_MSG(test, coap_opt_unsafe(n),
					       "option %u", n);
}

/* ---- codes ------------------------------------------------------------ */

static void codec_code_macros(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, COAP_CODE(2, 5), 0x45);
	KUNIT_EXPECT_EQ(test, COAP_CODE(4, 4), 0x84);
	KUNIT_EXPECT_EQ(test, COAP_CODE(5, 3), 0xa3);
	KUNIT_EXPECT_EQ(test, COAP_CODE(7, 31), 0xff);
	KUNIT_EXPECT_EQ(test, COAP_CODE_CLASS(0xa3), 5);
	KUNIT_EXPECT_EQ(test, COAP_CODE_DETAIL(0xa3), 3);
}

static void codec_code_is_request(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, coap_code_is_request(COAP_CODE_EMPTY));
	KUNIT_EXPECT_TRUE(test, coap_code_is_request(COAP_CODE(0, 1)));
	KUNIT_EXPECT_TRUE(test, coap_code_is_request(COAP_CODE(0, 2)));
	KUNIT_EXPECT_TRUE(test, coap_code_is_request(COAP_CODE(0, 3)));
	KUNIT_EXPECT_TRUE(test, coap_code_is_request(COAP_CODE(0, 4)));
	/* 0.05 FETCH (RFC 8132) and any other 0.xx is a request */
	KUNIT_EXPECT_TRUE(test, coap_code_is_request(COAP_CODE(0, 5)));
	KUNIT_EXPECT_TRUE(test, coap_code_is_request(COAP_CODE(0, 31)));
	KUNIT_EXPECT_FALSE(test, coap_code_is_request(COAP_CODE(1, 0)));
	KUNIT_EXPECT_FALSE(test, coap_code_is_request(CONTENT));
	KUNIT_EXPECT_FALSE(test, coap_code_is_request(COAP_CODE(7, 31)));
}

static void codec_code_is_response(struct kunit *test)
{
	/* section 12.1: 2.00-5.31 are responses, 1.xx, 6.xx, 7.xx reserved */
	KUNIT_EXPECT_FALSE(test, coap_code_is_response(COAP_CODE_EMPTY));
	KUNIT_EXPECT_FALSE(test, coap_code_is_response(GET));
	KUNIT_EXPECT_FALSE(test, coap_code_is_response(COAP_CODE(1, 0)));
	KUNIT_EXPECT_FALSE(test, coap_code_is_response(COAP_CODE(1, 31)));
	KUNIT_EXPECT_TRUE(test, coap_code_is_response(COAP_CODE(2, 0)));
	KUNIT_EXPECT_TRUE(test, coap_code_is_response(CONTENT));
	KUNIT_EXPECT_TRUE(test, coap_code_is_response(COAP_CODE(3, 0)));
	KUNIT_EXPECT_TRUE(test, coap_code_is_response(COAP_CODE(4, 4)));
	KUNIT_EXPECT_TRUE(test, coap_code_is_response(COAP_CODE(5, 31)));
	KUNIT_EXPECT_FALSE(test, coap_code_is_response(COAP_CODE(6, 0)));
	KUNIT_EXPECT_FALSE(test, coap_code_is_response(COAP_CODE(7, 31)));
}

static void codec_code_classes_disjoint(struct kunit *test)
{
	unsigned int c;

	for (c = 0; c <= 0xff; c++)
		KUNIT_EXPECT_FALSE_MSG(test, coap_code_is_request(c) &&
				       coap_code_is_response(c),
				       "code 0x%02x", c);
}

/* ---- error strings ---------------------------------------------------- */

static void codec_err_str(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_OK), "ok");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_ERR_SHORT), "short");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_ERR_VERSION),
			   "version");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_ERR_TKL),
			   "token_length");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_ERR_TRUNC_TOKEN),
			   "truncated_token");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_ERR_EMPTY),
			   "empty_not_empty");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_ERR_OPT_NIBBLE),
			   "option_nibble_15");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_ERR_OPT_TRUNC),
			   "option_truncated");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_ERR_OPT_NUM),
			   "option_number");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(COAP_ERR_NO_PAYLOAD),
			   "marker_no_payload");
}

static void codec_err_str_out_of_range(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(-1), "unknown");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(__COAP_ERR_MAX),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(__COAP_ERR_MAX + 1),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(INT_MAX), "unknown");
	KUNIT_EXPECT_STREQ(test, coap_parse_err_str(INT_MIN), "unknown");
}

static void codec_err_str_distinct(struct kunit *test)
{
	int i, j;

	for (i = 0; i < __COAP_ERR_MAX; i++) {
		const char *s = coap_parse_err_str(i);

		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_STRNEQ(test, s, "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, s, coap_parse_err_str(j));
	}
}

static struct kunit_case coap_codec_cases[] = {
	/* RFC 7252 examples */
	KUNIT_CASE(codec_rfc_get_temperature),
	KUNIT_CASE(codec_rfc_content_ack),
	KUNIT_CASE(codec_rfc_get_with_token),
	KUNIT_CASE(codec_rfc_content_ack_with_token),
	KUNIT_CASE(codec_rfc_empty_ack),
	KUNIT_CASE(codec_rfc_separate_response),
	KUNIT_CASE(codec_rfc_non_request),
	KUNIT_CASE(codec_not_found_diagnostic),
	KUNIT_CASE(codec_get_many_options),
	/* header */
	KUNIT_CASE(codec_short),
	KUNIT_CASE(codec_version_0),
	KUNIT_CASE(codec_version_2),
	KUNIT_CASE(codec_version_3),
	KUNIT_CASE(codec_version_before_tkl),
	KUNIT_CASE(codec_all_types),
	KUNIT_CASE(codec_mid_byte_order),
	KUNIT_CASE(codec_token_lengths_0_to_8),
	KUNIT_CASE(codec_token_lengths_9_to_15),
	KUNIT_CASE(codec_truncated_token),
	KUNIT_CASE(codec_truncated_token_1),
	KUNIT_CASE(codec_view_pointers),
	KUNIT_CASE(codec_len_respected),
	KUNIT_CASE(codec_reserved_codes_parse),
	/* Empty */
	KUNIT_CASE(codec_empty_con),
	KUNIT_CASE(codec_empty_non),
	KUNIT_CASE(codec_empty_rst),
	KUNIT_CASE(codec_empty_iterates_nothing),
	KUNIT_CASE(codec_empty_with_token),
	KUNIT_CASE(codec_empty_with_full_token),
	KUNIT_CASE(codec_empty_with_option),
	KUNIT_CASE(codec_empty_with_payload),
	KUNIT_CASE(codec_empty_with_marker_only),
	KUNIT_CASE(codec_empty_with_garbage),
	/* payload marker */
	KUNIT_CASE(codec_marker_no_payload),
	KUNIT_CASE(codec_marker_no_payload_after_token),
	KUNIT_CASE(codec_marker_no_payload_after_option),
	KUNIT_CASE(codec_marker_after_token_with_payload),
	KUNIT_CASE(codec_payload_one_byte),
	KUNIT_CASE(codec_payload_contains_ff),
	KUNIT_CASE(codec_no_payload_is_null),
	/* option encodings */
	KUNIT_CASE(codec_opt_delta_12),
	KUNIT_CASE(codec_opt_delta_13),
	KUNIT_CASE(codec_opt_delta_268),
	KUNIT_CASE(codec_opt_delta_269),
	KUNIT_CASE(codec_opt_delta_max),
	KUNIT_CASE(codec_opt_delta_65536),
	KUNIT_CASE(codec_opt_delta_ext_max),
	KUNIT_CASE(codec_opt_num_cumulative_overflow),
	KUNIT_CASE(codec_opt_num_cumulative_overflow_ext),
	KUNIT_CASE(codec_opt_num_cumulative_max),
	KUNIT_CASE(codec_opt_len_12),
	KUNIT_CASE(codec_opt_len_13),
	KUNIT_CASE(codec_opt_len_268),
	KUNIT_CASE(codec_opt_len_269),
	KUNIT_CASE(codec_opt_len_max),
	KUNIT_CASE(codec_opt_len_max_truncated),
	KUNIT_CASE(codec_opt_len_max_then_payload),
	KUNIT_CASE(codec_opt_delta_and_len_extended),
	KUNIT_CASE(codec_opt_delta14_len13),
	KUNIT_CASE(codec_opt_delta13_ext_missing),
	KUNIT_CASE(codec_opt_delta14_ext_short),
	KUNIT_CASE(codec_opt_len13_ext_missing),
	KUNIT_CASE(codec_opt_len14_ext_short),
	KUNIT_CASE(codec_opt_len_ext_after_delta_ext_missing),
	KUNIT_CASE(codec_opt_value_truncated),
	KUNIT_CASE(codec_opt_value_swallows_marker),
	KUNIT_CASE(codec_opt_delta_15_reserved),
	KUNIT_CASE(codec_opt_delta_15_len_1),
	KUNIT_CASE(codec_opt_delta_15_len_14),
	KUNIT_CASE(codec_opt_len_15_reserved),
	KUNIT_CASE(codec_opt_len_15_delta_0),
	KUNIT_CASE(codec_opt_len_15_delta_14),
	KUNIT_CASE(codec_opt_nibble_after_valid_option),
	KUNIT_CASE(codec_ff_is_marker_not_nibble),
	KUNIT_CASE(codec_opt_num_before_trunc),
	/* repeated / zero-length options, iteration, lookup */
	KUNIT_CASE(codec_repeated_options),
	KUNIT_CASE(codec_zero_length_options),
	KUNIT_CASE(codec_option_zero),
	KUNIT_CASE(codec_iter_no_options),
	KUNIT_CASE(codec_iter_stops_at_marker),
	KUNIT_CASE(codec_iter_with_payload),
	KUNIT_CASE(codec_find_opt),
	KUNIT_CASE(codec_find_opt_first_of_repeated),
	KUNIT_CASE(codec_find_opt_missing),
	KUNIT_CASE(codec_find_opt_max_number),
	/* uint options */
	KUNIT_CASE(codec_opt_uint_lengths),
	KUNIT_CASE(codec_opt_uint_too_long),
	KUNIT_CASE(codec_opt_uint_leading_zeros),
	KUNIT_CASE(codec_opt_uint_max),
	KUNIT_CASE(codec_opt_uint_parsed),
	KUNIT_CASE(codec_uint_encode_zero),
	KUNIT_CASE(codec_uint_encode_one_byte),
	KUNIT_CASE(codec_uint_encode_two_bytes),
	KUNIT_CASE(codec_uint_encode_three_bytes),
	KUNIT_CASE(codec_uint_encode_four_bytes),
	KUNIT_CASE(codec_uint_encode_decode),
	/* serializer */
	KUNIT_CASE(codec_write_rfc_get),
	KUNIT_CASE(codec_write_rfc_content),
	KUNIT_CASE(codec_write_empty),
	KUNIT_CASE(codec_write_size_matches),
	KUNIT_CASE(codec_write_delta_boundaries),
	KUNIT_CASE(codec_write_len_boundaries),
	KUNIT_CASE(codec_write_max_option_number),
	KUNIT_CASE(codec_write_unsorted_rejected),
	KUNIT_CASE(codec_write_ties_allowed),
	KUNIT_CASE(codec_write_tkl_rejected),
	KUNIT_CASE(codec_write_type_rejected),
	KUNIT_CASE(codec_write_empty_with_token),
	KUNIT_CASE(codec_write_empty_with_option),
	KUNIT_CASE(codec_write_empty_with_payload),
	KUNIT_CASE(codec_write_too_small),
	KUNIT_CASE(codec_write_empty_too_small),
	KUNIT_CASE(codec_write_option_too_long),
	KUNIT_CASE(codec_write_zero_payload_no_marker),
	/* round trips */
	KUNIT_CASE(codec_roundtrip_vectors),
	KUNIT_CASE(codec_roundtrip_maximal),
	KUNIT_CASE(codec_roundtrip_many_options),
	KUNIT_CASE(codec_roundtrip_large_payload),
	KUNIT_CASE(codec_roundtrip_codes),
	/* option properties, codes, error strings */
	KUNIT_CASE(codec_opt_critical),
	KUNIT_CASE(codec_opt_unsafe),
	KUNIT_CASE(codec_opt_nocachekey),
	KUNIT_CASE(codec_opt_nocachekey_pattern),
	KUNIT_CASE(codec_nocachekey_implies_safe),
	KUNIT_CASE(codec_code_macros),
	KUNIT_CASE(codec_code_is_request),
	KUNIT_CASE(codec_code_is_response),
	KUNIT_CASE(codec_code_classes_disjoint),
	KUNIT_CASE(codec_err_str),
	KUNIT_CASE(codec_err_str_out_of_range),
	KUNIT_CASE(codec_err_str_distinct),
	{}
};

static struct kunit_suite coap_codec_suite = {
	.name = "coap_codec",
	.test_cases = coap_codec_cases,
};

kunit_test_suite(coap_codec_suite);

MODULE_LICENSE("GPL");
