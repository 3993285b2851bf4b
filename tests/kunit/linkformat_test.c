// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for CoRE Link Format (kernel/linkformat.c, RFC 6690):
 * writing one link of a /.well-known/core answer and filtering links by
 * the Uri-Query of the request (section 4.1).
 *
 * Queries are copied into test-managed buffers of exactly their length,
 * without a terminating NUL, the way they arrive in a Uri-Query option, so
 * KASAN sees any read past the option value.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "linkformat.h"

/* ---- links ------------------------------------------------------------ */

static const struct kcoap_link lf_path_only = {
	.path = "/a",
	.ct = -1,
};

static const struct kcoap_link lf_full = {
	.path = "/sensors/temp",
	.rt = "temperature-c core.s",
	.if_ = "sensor core.rp",
	.title = "Room temp",
	.ct = 40,
	.sz = 1234,
	.obs = true,
};

static const struct kcoap_link lf_ct4 = {
	.path = "/four",
	.ct = 4,
};

static const struct kcoap_link lf_ct0 = {
	.path = "/zero",
	.ct = 0,
};

/* ---- helpers ---------------------------------------------------------- */

/* @q as a Uri-Query option value: exactly strlen(q) bytes, no NUL. */
static const u8 *lf_query(struct kunit *test, const char *q)
{
	size_t len = strlen(q);
	u8 *buf;

	buf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, q, len);
	return buf;
}

static bool lf_parse(struct kunit *test, const char *q, struct kcoap_filter *f)
{
	memset(f, 0xa5, sizeof(*f));
	return kcoap_filter_parse(lf_query(test, q), strlen(q), f);
}

/* Does link @l pass the filter "@q"?  The query must parse. */
static bool lf_match(struct kunit *test, const struct kcoap_link *l,
		     const char *q)
{
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE_MSG(test, lf_parse(test, q, &f),
			      "query \"%s\" did not parse", q);
	return kcoap_link_match(l, &f);
}

static void lf_expect(struct kunit *test, const struct kcoap_link *l,
		      const char *q, bool want)
{
	KUNIT_EXPECT_EQ_MSG(test, lf_match(test, l, q), want,
			    "<%s> should %smatch ?%s", l->path,
			    want ? "" : "not ", q);
}

static void expect_match(struct kunit *test, const struct kcoap_link *l,
			 const char *q)
{
	lf_expect(test, l, q, true);
}

static void expect_no_match(struct kunit *test, const struct kcoap_link *l,
			    const char *q)
{
	lf_expect(test, l, q, false);
}

/* Write @l into a buffer with room for exactly @want and its NUL. */
static void expect_write(struct kunit *test, const struct kcoap_link *l,
			 bool first, const char *want)
{
	u32 len = strlen(want);
	char *buf;

	buf = kunit_kmalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, kcoap_link_write(buf, len + 1, l, first), len);
	KUNIT_EXPECT_STREQ(test, buf, want);
	/* and measuring alone, as snprintf(NULL, 0, ...) */
	KUNIT_EXPECT_EQ(test, kcoap_link_write(NULL, 0, l, first), len);
}

/*
 * Every cap from 0 to past the end: the same return value, a NUL-terminated
 * prefix of the whole link when cap > 0, nothing at or past buf[cap].
 */
static void expect_truncation(struct kunit *test, const struct kcoap_link *l,
			      bool first)
{
	u32 len = kcoap_link_write(NULL, 0, l, first);
	char *full, *buf;
	u32 cap, i;

	full = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	buf = kunit_kmalloc(test, len + 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, full);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, kcoap_link_write(full, len + 1, l, first), len);
	KUNIT_ASSERT_EQ(test, (u32)strlen(full), len);

	for (cap = 0; cap <= len + 2; cap++) {
		u32 want = min(len, cap ? cap - 1 : 0);

		memset(buf, 0x5a, len + 16);
		KUNIT_EXPECT_EQ_MSG(test, kcoap_link_write(buf, cap, l, first),
				    len, "cap %u", cap);
		for (i = cap; i < len + 16; i++)
			if (buf[i] != 0x5a)
				break;
		KUNIT_EXPECT_EQ_MSG(test, i, len + 16,
				    "cap %u: byte %u written", cap, i);
		if (!cap)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, (u32)strnlen(buf, cap), want,
				    "cap %u", cap);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, full, want), 0,
				    "cap %u", cap);
	}
}

/* ---- kcoap_link_write ------------------------------------------------- */

static void lf_write_path_only(struct kunit *test)
{
	expect_write(test, &lf_path_only, true, "</a>");
}

static void lf_write_root(struct kunit *test)
{
	const struct kcoap_link l = { .path = "/", .ct = -1 };

	expect_write(test, &l, true, "</>");
}

static void lf_write_not_first(struct kunit *test)
{
	expect_write(test, &lf_path_only, false, ",</a>");
}

static void lf_write_all_attributes(struct kunit *test)
{
	const struct kcoap_link l = {
		.path = "/s/t", .rt = "r1 r2", .if_ = "i", .title = "T t",
		.ct = 40, .sz = 1234, .obs = true,
	};
	const char *want =
		"</s/t>;rt=\"r1 r2\";if=\"i\";ct=40;sz=1234;title=\"T t\";obs";

	expect_write(test, &l, true, want);
	KUNIT_EXPECT_EQ(test, kcoap_link_write(NULL, 0, &l, false),
			(u32)strlen(want) + 1);
}

/* Each attribute alone, so one cannot hide another's mistake. */
static void lf_write_each_attribute(struct kunit *test)
{
	static const struct {
		struct kcoap_link l;
		const char *want;
	} v[] = {
		{ { .path = "/p", .rt = "x", .ct = -1 }, "</p>;rt=\"x\"" },
		{ { .path = "/p", .if_ = "y", .ct = -1 }, "</p>;if=\"y\"" },
		{ { .path = "/p", .ct = 50 }, "</p>;ct=50" },
		{ { .path = "/p", .sz = 7, .ct = -1 }, "</p>;sz=7" },
		{ { .path = "/p", .title = "T", .ct = -1 }, "</p>;title=\"T\"" },
		{ { .path = "/p", .obs = true, .ct = -1 }, "</p>;obs" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		expect_write(test, &v[i].l, true, v[i].want);
}

/* RFC 6690 leaves the order open; ours is rt, if, ct, sz, title, obs. */
static void lf_write_order(struct kunit *test)
{
	const struct kcoap_link l = {
		.path = "/o", .title = "t", .sz = 1, .ct = 2, .if_ = "i",
		.rt = "r", .obs = true,
	};

	expect_write(test, &l, false,
		     ",</o>;rt=\"r\";if=\"i\";ct=2;sz=1;title=\"t\";obs");
}

/* ct 0 (text/plain) is a value; only a negative ct is "unset". */
static void lf_write_ct_zero(struct kunit *test)
{
	expect_write(test, &lf_ct0, true, "</zero>;ct=0");
}

static void lf_write_numeric_limits(struct kunit *test)
{
	const struct kcoap_link l = {
		.path = "/big", .ct = 65535, .sz = U32_MAX,
	};

	expect_write(test, &l, true, "</big>;ct=65535;sz=4294967295");
}

static void lf_write_lists_kept_whole(struct kunit *test)
{
	const struct kcoap_link l = {
		.path = "/l", .rt = "a b c", .if_ = "d e", .ct = -1,
	};

	expect_write(test, &l, true, "</l>;rt=\"a b c\";if=\"d e\"");
}

/* Appending as the /.well-known/core writer does. */
static void lf_write_sequence(struct kunit *test)
{
	const struct kcoap_link links[] = {
		{ .path = "/a", .ct = -1 },
		{ .path = "/b", .rt = "x", .ct = -1 },
		{ .path = "/c", .obs = true, .ct = 0 },
	};
	const char *want = "</a>,</b>;rt=\"x\",</c>;ct=0;obs";
	char buf[64];
	u32 len = 0, i;

	for (i = 0; i < ARRAY_SIZE(links); i++) {
		u32 n = kcoap_link_write(buf + len, sizeof(buf) - len,
					 &links[i], !len);

		KUNIT_ASSERT_LT(test, n, (u32)sizeof(buf) - len);
		len += n;
	}
	KUNIT_EXPECT_EQ(test, len, (u32)strlen(want));
	KUNIT_EXPECT_STREQ(test, buf, want);
}

/* cap == length: no room for the NUL, so truncated by one, like snprintf */
static void lf_write_cap_equals_len(struct kunit *test)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, kcoap_link_write(buf, 4, &lf_path_only, true),
			4U);
	KUNIT_EXPECT_STREQ(test, buf, "</a");
	KUNIT_EXPECT_EQ(test, buf[4], 'x');
}

static void lf_write_cap_zero(struct kunit *test)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, kcoap_link_write(buf, 0, &lf_full, true),
			kcoap_link_write(NULL, 0, &lf_full, true));
	KUNIT_EXPECT_EQ(test, buf[0], 'x');
}

static void lf_write_cap_one(struct kunit *test)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	KUNIT_EXPECT_EQ(test, kcoap_link_write(buf, 1, &lf_path_only, false),
			5U);
	KUNIT_EXPECT_EQ(test, buf[0], '\0');
	KUNIT_EXPECT_EQ(test, buf[1], 'x');
}

/* A cap that ends inside an attribute; later ones must not appear. */
static void lf_write_cap_mid_attribute(struct kunit *test)
{
	const char *full = "</sensors/temp>;rt=\"temperature-c core.s\"";
	char buf[64];

	memset(buf, 'x', sizeof(buf));
	/* room for "</sensors/temp>;rt=\"temp" and the NUL */
	KUNIT_EXPECT_EQ(test, kcoap_link_write(buf, 25, &lf_full, true),
			kcoap_link_write(NULL, 0, &lf_full, true));
	KUNIT_EXPECT_EQ(test, (u32)strlen(buf), 24U);
	KUNIT_EXPECT_EQ(test, memcmp(buf, full, 24), 0);
	KUNIT_EXPECT_EQ(test, buf[25], 'x');
}

static void lf_write_truncation_every_cap(struct kunit *test)
{
	const struct kcoap_link l = { .path = "/x", .sz = 9, .ct = -1 };

	expect_truncation(test, &lf_full, true);
	expect_truncation(test, &lf_full, false);
	expect_truncation(test, &lf_path_only, false);
	expect_truncation(test, &l, true);
}

/* ---- kcoap_filter_parse ----------------------------------------------- */

static void lf_parse_names(struct kunit *test)
{
	static const struct {
		const char *q;
		enum kcoap_filter_attr attr;
	} v[] = {
		{ "href=/a", KCOAP_FILTER_HREF },
		{ "rt=x", KCOAP_FILTER_RT },
		{ "if=x", KCOAP_FILTER_IF },
		{ "ct=0", KCOAP_FILTER_CT },
		{ "title=x", KCOAP_FILTER_TITLE },
		{ "sz=1", KCOAP_FILTER_SZ },
		{ "obs", KCOAP_FILTER_OBS },
		{ "obs=", KCOAP_FILTER_OBS },
	};
	struct kcoap_filter f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		KUNIT_ASSERT_TRUE_MSG(test, lf_parse(test, v[i].q, &f),
				      "%s", v[i].q);
		KUNIT_EXPECT_EQ_MSG(test, f.attr, v[i].attr, "%s", v[i].q);
	}
}

static void lf_parse_value(struct kunit *test)
{
	const u8 *q = lf_query(test, "rt=temperature-c");
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE(test, kcoap_filter_parse(q, 16, &f));
	KUNIT_EXPECT_EQ(test, f.attr, KCOAP_FILTER_RT);
	KUNIT_EXPECT_PTR_EQ(test, f.val, (const char *)q + 3);
	KUNIT_EXPECT_EQ(test, f.len, 13U);
	KUNIT_EXPECT_FALSE(test, f.prefix);
}

static void lf_parse_prefix(struct kunit *test)
{
	const u8 *q = lf_query(test, "rt=temp*");
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE(test, kcoap_filter_parse(q, 8, &f));
	KUNIT_EXPECT_EQ(test, f.attr, KCOAP_FILTER_RT);
	KUNIT_EXPECT_PTR_EQ(test, f.val, (const char *)q + 3);
	KUNIT_EXPECT_EQ(test, f.len, 4U);
	KUNIT_EXPECT_TRUE(test, f.prefix);
}

static void lf_parse_star_only(struct kunit *test)
{
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE(test, lf_parse(test, "href=*", &f));
	KUNIT_EXPECT_EQ(test, f.attr, KCOAP_FILTER_HREF);
	KUNIT_EXPECT_EQ(test, f.len, 0U);
	KUNIT_EXPECT_TRUE(test, f.prefix);
}

/* Only a trailing '*' means prefix; one in the middle is a character. */
static void lf_parse_star_not_last(struct kunit *test)
{
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE(test, lf_parse(test, "rt=a*b", &f));
	KUNIT_EXPECT_EQ(test, f.len, 3U);
	KUNIT_EXPECT_FALSE(test, f.prefix);

	/* "a**": prefix "a*" */
	KUNIT_ASSERT_TRUE(test, lf_parse(test, "rt=a**", &f));
	KUNIT_EXPECT_EQ(test, f.len, 2U);
	KUNIT_EXPECT_TRUE(test, f.prefix);
	KUNIT_EXPECT_EQ(test, memcmp(f.val, "a*", 2), 0);
}

static void lf_parse_no_value(struct kunit *test)
{
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE(test, lf_parse(test, "obs", &f));
	KUNIT_EXPECT_EQ(test, f.attr, KCOAP_FILTER_OBS);
	KUNIT_EXPECT_EQ(test, f.len, 0U);
	KUNIT_EXPECT_FALSE(test, f.prefix);
}

static void lf_parse_empty_value(struct kunit *test)
{
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE(test, lf_parse(test, "title=", &f));
	KUNIT_EXPECT_EQ(test, f.attr, KCOAP_FILTER_TITLE);
	KUNIT_EXPECT_NOT_NULL(test, f.val);
	KUNIT_EXPECT_EQ(test, f.len, 0U);
	KUNIT_EXPECT_FALSE(test, f.prefix);
}

/* The name ends at the first '='; later ones belong to the value. */
static void lf_parse_value_with_equals(struct kunit *test)
{
	const u8 *q = lf_query(test, "title=a=b=");
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE(test, kcoap_filter_parse(q, 10, &f));
	KUNIT_EXPECT_EQ(test, f.attr, KCOAP_FILTER_TITLE);
	KUNIT_EXPECT_PTR_EQ(test, f.val, (const char *)q + 6);
	KUNIT_EXPECT_EQ(test, f.len, 4U);
	KUNIT_EXPECT_EQ(test, memcmp(f.val, "a=b=", 4), 0);
}

/* Names are whole words: prefixes and extensions of known ones are not. */
static void lf_parse_unknown_names(struct kunit *test)
{
	static const char * const v[] = {
		"foo=bar", "r=x", "rtt=x", "hre=/a", "hrefs=/a", "ctx=0",
		"c=0", "observe", "ob", "titles=t", "anchor=/", "rel=x",
		"x",
	};
	struct kcoap_filter f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		KUNIT_ASSERT_TRUE_MSG(test, lf_parse(test, v[i], &f),
				      "%s", v[i]);
		KUNIT_EXPECT_EQ_MSG(test, f.attr, KCOAP_FILTER_OTHER,
				    "%s", v[i]);
	}
}

static void lf_parse_empty_name_rejected(struct kunit *test)
{
	struct kcoap_filter f;

	KUNIT_EXPECT_FALSE(test, lf_parse(test, "", &f));
	KUNIT_EXPECT_FALSE(test, lf_parse(test, "=", &f));
	KUNIT_EXPECT_FALSE(test, lf_parse(test, "=x", &f));
	KUNIT_EXPECT_FALSE(test, lf_parse(test, "=rt=x", &f));
}

/* The option length is the end: bytes after it are not the query's. */
static void lf_parse_respects_len(struct kunit *test)
{
	const u8 *q = lf_query(test, "rt=ab*");
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE(test, kcoap_filter_parse(q, 4, &f));
	KUNIT_EXPECT_EQ(test, f.attr, KCOAP_FILTER_RT);
	KUNIT_EXPECT_EQ(test, f.len, 1U);
	KUNIT_EXPECT_FALSE(test, f.prefix);

	/* "rt" of "rt=ab*": a known name without a value */
	KUNIT_ASSERT_TRUE(test, kcoap_filter_parse(q, 2, &f));
	KUNIT_EXPECT_EQ(test, f.attr, KCOAP_FILTER_RT);
	KUNIT_EXPECT_EQ(test, f.len, 0U);
	KUNIT_EXPECT_FALSE(test, f.prefix);

	/* "r": unknown */
	KUNIT_ASSERT_TRUE(test, kcoap_filter_parse(q, 1, &f));
	KUNIT_EXPECT_EQ(test, f.attr, KCOAP_FILTER_OTHER);
}

/* ---- kcoap_link_match ------------------------------------------------- */

static void lf_match_href_exact(struct kunit *test)
{
	const struct kcoap_link ab = { .path = "/a/b", .ct = -1 };
	const struct kcoap_link abc = { .path = "/a/bc", .ct = -1 };

	expect_match(test, &ab, "href=/a/b");
	expect_no_match(test, &abc, "href=/a/b");
	expect_no_match(test, &ab, "href=/a/bc");
	expect_no_match(test, &ab, "href=/a");
	expect_no_match(test, &ab, "href=");
	expect_no_match(test, &ab, "href");
}

static void lf_match_href_prefix(struct kunit *test)
{
	const struct kcoap_link a = { .path = "/a", .ct = -1 };
	const struct kcoap_link ab = { .path = "/a/b", .ct = -1 };
	const struct kcoap_link abc = { .path = "/abc", .ct = -1 };
	const struct kcoap_link b = { .path = "/b", .ct = -1 };

	expect_match(test, &a, "href=/a*");
	expect_match(test, &ab, "href=/a*");
	expect_match(test, &abc, "href=/a*");
	expect_no_match(test, &b, "href=/a*");
	expect_match(test, &ab, "href=/a/*");
	expect_no_match(test, &a, "href=/a/*");
	expect_no_match(test, &abc, "href=/a/*");
	/* the whole path followed by '*' still matches */
	expect_match(test, &ab, "href=/a/b*");
	expect_no_match(test, &ab, "href=/a/bc*");
}

static void lf_match_href_star_matches_all(struct kunit *test)
{
	expect_match(test, &lf_path_only, "href=*");
	expect_match(test, &lf_full, "href=*");
	expect_match(test, &lf_full, "href=/*");
}

static void lf_match_rt_list(struct kunit *test)
{
	/* lf_full.rt is "temperature-c core.s": any item matches */
	expect_match(test, &lf_full, "rt=temperature-c");
	expect_match(test, &lf_full, "rt=core.s");
	expect_no_match(test, &lf_full, "rt=temperature");
	expect_no_match(test, &lf_full, "rt=core");
	expect_no_match(test, &lf_full, "rt=c");
	expect_no_match(test, &lf_full, "rt=core.s2");
	/* the value is one item, not the whole attribute */
	expect_no_match(test, &lf_full, "rt=temperature-c core.s");
	expect_no_match(test, &lf_full, "rt=");
}

static void lf_match_rt_prefix(struct kunit *test)
{
	expect_match(test, &lf_full, "rt=temp*");
	expect_match(test, &lf_full, "rt=core*");
	expect_match(test, &lf_full, "rt=core.s*");
	expect_match(test, &lf_full, "rt=*");
	expect_no_match(test, &lf_full, "rt=core.sx*");
	/* a prefix of the list is not a prefix of an item */
	expect_no_match(test, &lf_full, "rt=temperature-c c*");
	/* prefix of the second item only */
	expect_match(test, &lf_full, "rt=co*");
	expect_no_match(test, &lf_full, "rt=ore*");
}

/* Repeated, leading and trailing spaces separate nothing. */
static void lf_match_list_spacing(struct kunit *test)
{
	const struct kcoap_link l = {
		.path = "/s", .rt = "  one   two ", .if_ = " ", .ct = -1,
	};

	expect_match(test, &l, "rt=one");
	expect_match(test, &l, "rt=two");
	expect_match(test, &l, "rt=tw*");
	expect_no_match(test, &l, "rt=");
	expect_no_match(test, &l, "rt=one two");
	/* a list of nothing but spaces has no item, not even for '*' */
	expect_no_match(test, &l, "if=*");
	expect_no_match(test, &l, "if=");
}

static void lf_match_if(struct kunit *test)
{
	/* lf_full.if_ is "sensor core.rp" */
	expect_match(test, &lf_full, "if=sensor");
	expect_match(test, &lf_full, "if=core.rp");
	expect_match(test, &lf_full, "if=core.r*");
	expect_match(test, &lf_full, "if=sens*");
	expect_no_match(test, &lf_full, "if=sens");
	expect_no_match(test, &lf_full, "if=core.rpx");
	/* the rt value does not match if= */
	expect_no_match(test, &lf_full, "if=core.s");
}

/* A link without the attribute never matches, not even a bare '*'. */
static void lf_match_missing_attribute(struct kunit *test)
{
	static const char * const v[] = {
		"rt=*", "rt=x", "if=*", "if=x", "ct=*", "ct=0", "sz=*",
		"sz=0", "title=*", "title=", "obs", "obs=",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		expect_no_match(test, &lf_path_only, v[i]);
	/* but href is always there */
	expect_match(test, &lf_path_only, "href=/a");
}

static void lf_match_ct_numeric(struct kunit *test)
{
	expect_match(test, &lf_ct4, "ct=4");
	expect_no_match(test, &lf_full, "ct=4");	/* 40 */
	expect_match(test, &lf_full, "ct=40");
	expect_no_match(test, &lf_ct4, "ct=40");
	expect_no_match(test, &lf_full, "ct=400");
	expect_no_match(test, &lf_full, "ct=0");
	expect_match(test, &lf_ct0, "ct=0");
	expect_no_match(test, &lf_ct0, "ct=");
	expect_no_match(test, &lf_ct4, "ct=x");
}

static void lf_match_ct_prefix(struct kunit *test)
{
	expect_match(test, &lf_full, "ct=4*");	/* 40 */
	expect_match(test, &lf_ct4, "ct=4*");
	expect_match(test, &lf_full, "ct=40*");
	expect_no_match(test, &lf_ct4, "ct=40*");
	expect_no_match(test, &lf_full, "ct=0*");
	expect_match(test, &lf_ct0, "ct=*");
	expect_match(test, &lf_full, "ct=*");
}

static void lf_match_sz(struct kunit *test)
{
	/* lf_full.sz is 1234 */
	expect_match(test, &lf_full, "sz=1234");
	expect_no_match(test, &lf_full, "sz=123");
	expect_no_match(test, &lf_full, "sz=12345");
	expect_match(test, &lf_full, "sz=12*");
	expect_match(test, &lf_full, "sz=1234*");
	expect_no_match(test, &lf_full, "sz=2*");
	expect_match(test, &lf_full, "sz=*");
}

static void lf_match_sz_limits(struct kunit *test)
{
	const struct kcoap_link l = { .path = "/big", .sz = U32_MAX, .ct = 0 };

	expect_match(test, &l, "sz=4294967295");
	expect_no_match(test, &l, "sz=42949672950");
	expect_match(test, &l, "sz=429*");
	expect_no_match(test, &l, "sz=-1");
}

static void lf_match_title(struct kunit *test)
{
	/* lf_full.title is "Room temp": one string, not a list */
	expect_match(test, &lf_full, "title=Room temp");
	expect_no_match(test, &lf_full, "title=Room");
	expect_no_match(test, &lf_full, "title=temp");
	expect_match(test, &lf_full, "title=Room*");
	expect_match(test, &lf_full, "title=Room t*");
	expect_no_match(test, &lf_full, "title=room temp");
	expect_no_match(test, &lf_full, "title=Room temp2");
	expect_no_match(test, &lf_full, "title=");
}

static void lf_match_title_empty(struct kunit *test)
{
	const struct kcoap_link l = { .path = "/t", .title = "", .ct = -1 };

	expect_match(test, &l, "title=");
	expect_match(test, &l, "title=*");
	expect_no_match(test, &l, "title=x");
}

static void lf_match_obs(struct kunit *test)
{
	expect_match(test, &lf_full, "obs");
	expect_match(test, &lf_full, "obs=");
	expect_no_match(test, &lf_ct4, "obs");
	expect_no_match(test, &lf_ct4, "obs=");
	/* obs has no value, so a filter with one matches no link */
	expect_no_match(test, &lf_full, "obs=1");
}

/* Attributes no link carries: never a match, whatever the link has. */
static void lf_match_other_never(struct kunit *test)
{
	expect_no_match(test, &lf_full, "foo=bar");
	expect_no_match(test, &lf_full, "foo");
	expect_no_match(test, &lf_full, "foo=*");
	expect_no_match(test, &lf_full, "anchor=/sensors/temp");
	expect_no_match(test, &lf_full, "rel=*");
}

/* The value and the '*' are read from the option bytes only. */
static void lf_match_respects_len(struct kunit *test)
{
	const u8 *q = lf_query(test, "rt=core.sXYZ*");
	struct kcoap_filter f;

	KUNIT_ASSERT_TRUE(test, kcoap_filter_parse(q, 9, &f));
	KUNIT_EXPECT_TRUE(test, kcoap_link_match(&lf_full, &f));
	KUNIT_ASSERT_TRUE(test, kcoap_filter_parse(q, 10, &f));
	KUNIT_EXPECT_FALSE(test, kcoap_link_match(&lf_full, &f));
}

/* A prefix longer than the value never matches. */
static void lf_match_prefix_longer_than_value(struct kunit *test)
{
	expect_no_match(test, &lf_full, "rt=temperature-celsius*");
	expect_no_match(test, &lf_full, "href=/sensors/temperature*");
	expect_no_match(test, &lf_full, "title=Room temperature*");
	expect_no_match(test, &lf_full, "sz=12345*");
}

static struct kunit_case coap_linkformat_cases[] = {
	/* kcoap_link_write */
	KUNIT_CASE(lf_write_path_only),
	KUNIT_CASE(lf_write_root),
	KUNIT_CASE(lf_write_not_first),
	KUNIT_CASE(lf_write_all_attributes),
	KUNIT_CASE(lf_write_each_attribute),
	KUNIT_CASE(lf_write_order),
	KUNIT_CASE(lf_write_ct_zero),
	KUNIT_CASE(lf_write_numeric_limits),
	KUNIT_CASE(lf_write_lists_kept_whole),
	KUNIT_CASE(lf_write_sequence),
	KUNIT_CASE(lf_write_cap_equals_len),
	KUNIT_CASE(lf_write_cap_zero),
	KUNIT_CASE(lf_write_cap_one),
	KUNIT_CASE(lf_write_cap_mid_attribute),
	KUNIT_CASE(lf_write_truncation_every_cap),
	/* kcoap_filter_parse */
	KUNIT_CASE(lf_parse_names),
	KUNIT_CASE(lf_parse_value),
	KUNIT_CASE(lf_parse_prefix),
	KUNIT_CASE(lf_parse_star_only),
	KUNIT_CASE(lf_parse_star_not_last),
	KUNIT_CASE(lf_parse_no_value),
	KUNIT_CASE(lf_parse_empty_value),
	KUNIT_CASE(lf_parse_value_with_equals),
	KUNIT_CASE(lf_parse_unknown_names),
	KUNIT_CASE(lf_parse_empty_name_rejected),
	KUNIT_CASE(lf_parse_respects_len),
	/* kcoap_link_match */
	KUNIT_CASE(lf_match_href_exact),
	KUNIT_CASE(lf_match_href_prefix),
	KUNIT_CASE(lf_match_href_star_matches_all),
	KUNIT_CASE(lf_match_rt_list),
	KUNIT_CASE(lf_match_rt_prefix),
	KUNIT_CASE(lf_match_list_spacing),
	KUNIT_CASE(lf_match_if),
	KUNIT_CASE(lf_match_missing_attribute),
	KUNIT_CASE(lf_match_ct_numeric),
	KUNIT_CASE(lf_match_ct_prefix),
	KUNIT_CASE(lf_match_sz),
	KUNIT_CASE(lf_match_sz_limits),
	KUNIT_CASE(lf_match_title),
	KUNIT_CASE(lf_match_title_empty),
	KUNIT_CASE(lf_match_obs),
	KUNIT_CASE(lf_match_other_never),
	KUNIT_CASE(lf_match_respects_len),
	KUNIT_CASE(lf_match_prefix_longer_than_value),
	{}
};

static struct kunit_suite coap_linkformat_suite = {
	.name = "coap_linkformat",
	.test_cases = coap_linkformat_cases,
};

kunit_test_suite(coap_linkformat_suite);
