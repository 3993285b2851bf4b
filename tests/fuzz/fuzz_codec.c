// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the CoAP wire codec (kernel/codec.c), compiled
 * unchanged in userspace.
 *
 * For every input:
 *  - parse an exactly-sized heap copy, so ASan sees any read past the end;
 *  - on failure, the error must be a known enum value with a name, and the
 *    header fields must match the bytes for errors after COAP_ERR_VERSION;
 *  - on success, walk the options (coap_opt_uint, coap_msg_find_opt on each),
 *    check the view's bookkeeping adds up to the datagram length, rebuild a
 *    struct coap_msg_out, write it into an exactly-sized buffer and require
 *    the very same bytes (the encoding is unique, see codec.c), then parse
 *    the output again and compare the views.
 * Any violated property calls abort(), which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* Round-trip messages with at most this many options; iterate all. */
#define FUZZ_MAX_OPTS	1024
/* coap_msg_find_opt() is linear: look up only this many distinct numbers */
#define FUZZ_MAX_FINDS	64

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static struct coap_opt_out opts_out[FUZZ_MAX_OPTS];

static void check_error(const u8 *buf, size_t len, int err,
			const struct coap_msg *m)
{
	const char *name = coap_parse_err_str(err);

	CHECK(err > COAP_OK && err < __COAP_ERR_MAX);
	CHECK(name && strcmp(name, "unknown") != 0);
	CHECK(m->buf == buf && m->len == len);
	if (err == COAP_ERR_SHORT) {
		CHECK(len < COAP_HDR_LEN);
		return;
	}
	CHECK(len >= COAP_HDR_LEN);
	if (err == COAP_ERR_VERSION) {
		CHECK((buf[0] >> 6) != COAP_VERSION);
		return;
	}
	/* section 4.2: enough of the header to reset a malformed CON */
	CHECK((buf[0] >> 6) == COAP_VERSION);
	CHECK(m->type == ((buf[0] >> 4) & 3));
	CHECK(m->code == buf[1]);
	CHECK(m->mid == (((u16)buf[2] << 8) | buf[3]));
	if (err == COAP_ERR_TKL)
		CHECK((buf[0] & 0x0f) > COAP_MAX_TKL);
	if (err == COAP_ERR_TRUNC_TOKEN)
		CHECK(len < COAP_HDR_LEN + (size_t)(buf[0] & 0x0f));
	if (err == COAP_ERR_EMPTY)
		CHECK(buf[1] == COAP_CODE_EMPTY && len > COAP_HDR_LEN);
	if (err == COAP_ERR_NO_PAYLOAD)
		CHECK(buf[len - 1] == COAP_PAYLOAD_MARKER);
}

/* Walk the options; returns how many there were. */
static unsigned int walk_opts(const struct coap_msg *m)
{
	struct coap_opt_iter it;
	struct coap_opt opt, found;
	unsigned int n = 0, finds = 0;
	u32 prev = 0, v;
	u8 enc[4];

	coap_opt_iter_init(&it, m);
	while (coap_opt_next(&it, &opt)) {
		CHECK(opt.num >= prev);
		CHECK(opt.val >= m->opts && opt.val + opt.len <= m->opts +
		      m->opts_len);
		if (coap_opt_uint(&opt, &v)) {
			struct coap_opt re = { .num = opt.num, .val = enc };
			u32 v2;

			CHECK(opt.len <= 4);
			re.len = coap_uint_encode(v, enc);
			CHECK(re.len <= opt.len);
			CHECK(coap_opt_uint(&re, &v2) && v2 == v);
		} else {
			CHECK(opt.len > 4);
		}
		/* find_opt returns the first option with this number */
		if ((opt.num != prev || n == 0) && finds++ < FUZZ_MAX_FINDS) {
			CHECK(coap_msg_find_opt(m, opt.num, &found));
			CHECK(found.num == opt.num);
			CHECK(found.val == opt.val && found.len == opt.len);
			if (opt.num < COAP_MAX_OPT_NUM)
				CHECK(!coap_msg_find_opt(m, opt.num + 1,
							 &found) ||
				      found.num == opt.num + 1);
		}
		if (n < FUZZ_MAX_OPTS) {
			opts_out[n].num = opt.num;
			opts_out[n].len = opt.len;
			opts_out[n].val = opt.val;
		}
		prev = opt.num;
		n++;
	}
	/* an exhausted iterator stays exhausted */
	CHECK(!coap_opt_next(&it, &opt));
	return n;
}

static void compare_views(const struct coap_msg *a, const struct coap_msg *b)
{
	struct coap_opt_iter ia, ib;
	struct coap_opt oa, ob;
	bool more;

	CHECK(a->type == b->type && a->code == b->code && a->mid == b->mid);
	CHECK(a->tkl == b->tkl && !memcmp(a->token, b->token, a->tkl));
	CHECK(a->nopts == b->nopts && a->opts_len == b->opts_len);
	CHECK(!a->payload == !b->payload);
	CHECK(a->payload_len == b->payload_len);
	if (a->payload_len)
		CHECK(!memcmp(a->payload, b->payload, a->payload_len));
	coap_opt_iter_init(&ia, a);
	coap_opt_iter_init(&ib, b);
	do {
		more = coap_opt_next(&ia, &oa);
		CHECK(more == coap_opt_next(&ib, &ob));
		if (more)
			CHECK(oa.num == ob.num && oa.len == ob.len &&
			      !memcmp(oa.val, ob.val, oa.len));
	} while (more);
}

static void check_ok(const u8 *buf, size_t len, const struct coap_msg *m)
{
	struct coap_msg_out out;
	struct coap_msg again;
	unsigned int n;
	size_t used;
	long size;
	u8 *wbuf;

	CHECK(m->buf == buf && m->len == len);
	CHECK(m->token == buf + COAP_HDR_LEN);
	CHECK(m->tkl <= COAP_MAX_TKL);
	CHECK(m->type <= COAP_TYPE_RST);
	CHECK(m->opts == buf + COAP_HDR_LEN + m->tkl);
	CHECK(!m->payload == !m->payload_len);
	if (m->code == COAP_CODE_EMPTY)
		CHECK(len == COAP_HDR_LEN);
	used = COAP_HDR_LEN + m->tkl + m->opts_len;
	if (m->payload) {
		CHECK(m->payload == m->opts + m->opts_len + 1);
		CHECK(m->opts[m->opts_len] == COAP_PAYLOAD_MARKER);
		used += 1 + m->payload_len;
	}
	CHECK(used == len);

	n = walk_opts(m);
	CHECK(n == m->nopts);
	if (n > FUZZ_MAX_OPTS)
		return;

	out = (struct coap_msg_out) {
		.type = m->type,
		.code = m->code,
		.mid = m->mid,
		.tkl = m->tkl,
		.token = m->token,
		.opts = opts_out,
		.nopts = n,
		.payload = m->payload,
		.payload_len = m->payload_len,
	};
	size = coap_msg_size(&out);
	CHECK(size >= 0 && (size_t)size == len);
	wbuf = malloc(size);
	CHECK(wbuf);
	if (size > 0)
		CHECK(coap_msg_write(&out, wbuf, size - 1) == -1);
	CHECK(coap_msg_write(&out, wbuf, size) == size);
	CHECK(!memcmp(wbuf, buf, len));
	CHECK(coap_parse(wbuf, size, &again) == COAP_OK);
	compare_views(m, &again);
	free(wbuf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct coap_msg m;
	u8 *buf;
	int err;

	/* a datagram length is a u32 in the codec API; UDP is far below */
	if (size > 0x10000 * 2)
		return 0;
	/* malloc(0) may return NULL; keep one byte so the pointer is real */
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);

	err = coap_parse(buf, size, &m);
	if (err == COAP_OK)
		check_ok(buf, size, &m);
	else
		check_error(buf, size, err, &m);
	free(buf);
	return 0;
}
