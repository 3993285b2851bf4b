// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for CoRE Link Format (kernel/linkformat.c, RFC 6690),
 * compiled unchanged in userspace.
 *
 * Input layout (every part optional; what is missing is zero or empty):
 *
 *   byte 0      flags: LF_RT, LF_IF, LF_TITLE, LF_CT, LF_SZ, LF_OBS,
 *               LF_FIRST (see below)
 *   bytes 1-2   ct, little endian (used when LF_CT is set)
 *   bytes 3-6   sz, little endian (used when LF_SZ is set; 0 is unset)
 *   then        path NUL rt NUL if NUL title NUL query
 *
 * The four strings are copied into exactly-sized malloc buffers (NUL
 * included) and become the link; rt, if and title are NULL unless their
 * flag is set.  The query is everything after the fourth NUL, NULs and all,
 * copied into an exactly-sized buffer without a terminator, as a Uri-Query
 * option value arrives.
 *
 * For every input:
 *  - kcoap_filter_parse() on the query: it fails only for an empty name,
 *    and the filter it fills describes the query bytes;
 *  - kcoap_link_match() must agree with a straightforward reading of RFC
 *    6690 section 4.1 (ref_match below);
 *  - kcoap_link_write() must produce what ref_write below builds and keep
 *    the snprintf contract for caps 0, 1, 2, small, len - 1, len, len + 1
 *    and large: the same return value whatever the cap, the output a
 *    NUL-terminated prefix of the whole link, no byte written at or past
 *    buf[cap] (each buffer is exactly cap bytes, so ASan sees any).
 * Any violated property calls abort(), which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkformat.h"

#define LF_RT		0x01
#define LF_IF		0x02
#define LF_TITLE	0x04
#define LF_CT		0x08
#define LF_SZ		0x10
#define LF_OBS		0x20
#define LF_FIRST	0x40

#define LF_HDR_LEN	7

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* An exactly-sized NUL-terminated copy of s[0..n). */
static char *dup_str(const u8 *s, size_t n)
{
	char *d = malloc(n + 1);

	CHECK(d);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* The next NUL-terminated field of [*p, end), or all of it. */
static char *next_field(const u8 **p, const u8 *end)
{
	const u8 *nul = memchr(*p, '\0', end - *p);
	size_t n = nul ? (size_t)(nul - *p) : (size_t)(end - *p);
	char *s = dup_str(*p, n);

	*p += nul ? n + 1 : n;
	return s;
}

/* ---- reference filtering (RFC 6690 section 4.1) ----------------------- */

struct ref_query {
	const char *name;	/* not NUL-terminated */
	size_t nlen;
	const char *val;	/* "" when the query has no '=' */
	size_t vlen;		/* without a trailing '*' */
	bool prefix;
};

static void ref_split(const u8 *q, size_t len, struct ref_query *r)
{
	size_t i;

	for (i = 0; i < len && q[i] != '='; i++)
		;
	r->name = (const char *)q;
	r->nlen = i;
	r->val = i < len ? (const char *)q + i + 1 : "";
	r->vlen = i < len ? len - i - 1 : 0;
	r->prefix = r->vlen && r->val[r->vlen - 1] == '*';
	if (r->prefix)
		r->vlen--;
}

static bool ref_name_is(const struct ref_query *r, const char *name)
{
	return r->nlen == strlen(name) && !memcmp(r->name, name, r->nlen);
}

static bool ref_value(const char *s, size_t n, const struct ref_query *r)
{
	if (r->prefix ? n < r->vlen : n != r->vlen)
		return false;
	return !memcmp(s, r->val, r->vlen);
}

/* Any non-empty space-separated item of list? */
static bool ref_list(const char *list, const struct ref_query *r)
{
	size_t i = 0, start;

	if (!list)
		return false;
	for (;;) {
		while (list[i] == ' ')
			i++;
		if (!list[i])
			return false;
		start = i;
		while (list[i] && list[i] != ' ')
			i++;
		if (ref_value(list + start, i - start, r))
			return true;
	}
}

static bool ref_number(unsigned long v, const struct ref_query *r)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lu", v);

	return ref_value(num, n, r);
}

static bool ref_match(const struct kcoap_link *l, const struct ref_query *r)
{
	if (ref_name_is(r, "href"))
		return ref_value(l->path, strlen(l->path), r);
	if (ref_name_is(r, "rt"))
		return ref_list(l->rt, r);
	if (ref_name_is(r, "if"))
		return ref_list(l->if_, r);
	if (ref_name_is(r, "ct"))
		return l->ct >= 0 && ref_number(l->ct, r);
	if (ref_name_is(r, "title"))
		return l->title && ref_value(l->title, strlen(l->title), r);
	if (ref_name_is(r, "sz"))
		return l->sz && ref_number(l->sz, r);
	if (ref_name_is(r, "obs"))
		return l->obs && !r->vlen;
	return false;
}

/* ---- reference writer ------------------------------------------------- */

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1);
		b->s = realloc(b->s, b->cap);
		CHECK(b->s);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void sb_quoted(struct sbuf *b, const char *name, const char *v)
{
	sb_add(b, ";");
	sb_add(b, name);
	sb_add(b, "=\"");
	sb_add(b, v);
	sb_add(b, "\"");
}

/* RFC 6690 section 2, attributes in the order rt, if, ct, sz, title, obs */
static void ref_write(struct sbuf *b, const struct kcoap_link *l, bool first)
{
	char num[24];

	sb_add(b, first ? "<" : ",<");
	sb_add(b, l->path);
	sb_add(b, ">");
	if (l->rt)
		sb_quoted(b, "rt", l->rt);
	if (l->if_)
		sb_quoted(b, "if", l->if_);
	if (l->ct >= 0) {
		snprintf(num, sizeof(num), ";ct=%d", l->ct);
		sb_add(b, num);
	}
	if (l->sz) {
		snprintf(num, sizeof(num), ";sz=%u", l->sz);
		sb_add(b, num);
	}
	if (l->title)
		sb_quoted(b, "title", l->title);
	if (l->obs)
		sb_add(b, ";obs");
}

/* ---- checks ------------------------------------------------------------ */

static void check_filter(const u8 *q, size_t len)
{
	static const char * const names[] = {
		[KCOAP_FILTER_HREF] = "href",
		[KCOAP_FILTER_RT] = "rt",
		[KCOAP_FILTER_IF] = "if",
		[KCOAP_FILTER_CT] = "ct",
		[KCOAP_FILTER_TITLE] = "title",
		[KCOAP_FILTER_SZ] = "sz",
		[KCOAP_FILTER_OBS] = "obs",
	};
	struct ref_query r;
	struct kcoap_filter f;
	bool ok;

	memset(&f, 0xa5, sizeof(f));
	ok = kcoap_filter_parse(q, len, &f);
	ref_split(q, len, &r);
	CHECK(ok == (r.nlen > 0));
	if (!ok)
		return;
	CHECK(f.attr >= KCOAP_FILTER_HREF && f.attr <= KCOAP_FILTER_OTHER);
	if (f.attr == KCOAP_FILTER_OTHER) {
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			CHECK(!ref_name_is(&r, names[i]));
	} else {
		CHECK(ref_name_is(&r, names[f.attr]));
	}
	CHECK(f.len == r.vlen && f.prefix == r.prefix);
	if (r.nlen == len) {
		/* no value: f.val is not to be read, whatever it is */
		CHECK(!f.len && !f.prefix);
	} else {
		CHECK(f.val == (const char *)q + r.nlen + 1);
		CHECK(f.len + f.prefix == len - r.nlen - 1);
	}
}

static void check_match(const struct kcoap_link *l, const u8 *q,
			size_t len)
{
	struct kcoap_filter f;
	struct ref_query r;

	if (!kcoap_filter_parse(q, len, &f))
		return;
	ref_split(q, len, &r);
	CHECK(kcoap_link_match(l, &f) == ref_match(l, &r));
}

/* One call with an exactly-sized buffer of cap bytes. */
static void check_write_cap(const struct kcoap_link *l, bool first,
			    const struct sbuf *want, u32 cap)
{
	/* for cap 0, a pointer just past a 1-byte block: any write is seen */
	char *mem = malloc(cap ? cap : 1);
	char *buf = cap ? mem : mem + 1;
	u32 keep;

	CHECK(mem);
	if (cap)
		memset(buf, 0xa5, cap);
	CHECK(kcoap_link_write(buf, cap, l, first) == want->len);
	if (cap) {
		keep = want->len < cap ? want->len : cap - 1;
		CHECK(strnlen(buf, cap) == keep);
		CHECK(!memcmp(buf, want->s, keep));
	}
	free(mem);
}

static void check_write(const struct kcoap_link *l, bool first)
{
	struct sbuf want = { 0 };
	u32 caps[10], len;
	unsigned int i, n = 0;
	char *buf;

	ref_write(&want, l, first);
	len = kcoap_link_write(NULL, 0, l, first);
	CHECK(len == want.len);

	caps[n++] = 0;
	caps[n++] = 1;
	caps[n++] = 2;
	caps[n++] = 7;
	caps[n++] = len / 2;
	caps[n++] = len > 0 ? len - 1 : 0;
	caps[n++] = len;
	caps[n++] = len + 1;
	caps[n++] = len + 2;
	caps[n++] = len + 4096;
	for (i = 0; i < n; i++)
		check_write_cap(l, first, &want, caps[i]);

	/* the exact fit writes the whole link */
	buf = malloc(len + 1);
	CHECK(buf);
	CHECK(kcoap_link_write(buf, len + 1, l, first) == len);
	CHECK(!strcmp(buf, want.s));
	free(buf);
	free(want.s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 hdr[LF_HDR_LEN] = { 0 };
	char *path, *rt, *if_, *title;
	const u8 *p, *end;
	struct kcoap_link l;
	u8 *qmem, *q;
	size_t qlen;

	if (!size)
		data = (const u8 *)"";
	p = data;
	end = data + size;
	memcpy(hdr, data, size < LF_HDR_LEN ? size : LF_HDR_LEN);
	p += size < LF_HDR_LEN ? size : LF_HDR_LEN;
	path = next_field(&p, end);
	rt = next_field(&p, end);
	if_ = next_field(&p, end);
	title = next_field(&p, end);
	qlen = end - p;
	/* an empty query points just past a 1-byte block, like cap 0 below */
	qmem = malloc(qlen ? qlen : 1);
	CHECK(qmem);
	q = qlen ? qmem : qmem + 1;
	memcpy(q, p, qlen);

	memset(&l, 0, sizeof(l));
	l.path = path;
	l.rt = hdr[0] & LF_RT ? rt : NULL;
	l.if_ = hdr[0] & LF_IF ? if_ : NULL;
	l.title = hdr[0] & LF_TITLE ? title : NULL;
	l.ct = hdr[0] & LF_CT ? hdr[1] | hdr[2] << 8 : -1;
	l.sz = hdr[0] & LF_SZ ? (u32)hdr[3] | (u32)hdr[4] << 8 |
			       (u32)hdr[5] << 16 | (u32)hdr[6] << 24 : 0;
	l.obs = hdr[0] & LF_OBS;

	check_filter(q, qlen);
	check_match(&l, q, qlen);
	check_write(&l, hdr[0] & LF_FIRST);

	free(qmem);
	free(title);
	free(if_);
	free(rt);
	free(path);
	return 0;
}
