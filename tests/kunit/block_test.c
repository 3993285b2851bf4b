// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the block-wise arithmetic (kernel/block.c, RFC 7959
 * section 2.2): the Block1/Block2 option value and how a block maps onto
 * a representation.
 */
#include <kunit/test.h>

#include "block.h"

struct block_vector {
	u8 val[3];
	u32 len;
	u32 num;
	bool more;
	u8 szx;
};

/* Encodings in the fewest bytes, and what they decode to. */
static const struct block_vector block_vectors[] = {
	{ {}, 0, 0, false, 0 },				/* empty: 0/0/0 */
	{ { 0x06 }, 1, 0, false, 6 },
	{ { 0x0e }, 1, 0, true, 6 },
	{ { 0x1a }, 1, 1, true, 2 },
	{ { 0xf0 }, 1, 15, false, 0 },
	{ { 0x01, 0x00 }, 2, 16, false, 0 },
	{ { 0xff, 0xfe }, 2, 4095, true, 6 },
	{ { 0x01, 0x00, 0x0c }, 3, 4096, true, 4 },
	{ { 0xff, 0xff, 0xf6 }, 3, COAP_BLOCK_NUM_MAX, false, 6 },
};

static void block_decode_vectors(struct kunit *test)
{
	struct coap_block b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(block_vectors); i++) {
		const struct block_vector *v = &block_vectors[i];

		KUNIT_ASSERT_TRUE(test, coap_block_decode(v->val, v->len, &b));
		KUNIT_EXPECT_EQ_MSG(test, b.num, v->num, "vector %u", i);
		KUNIT_EXPECT_EQ_MSG(test, b.more, v->more, "vector %u", i);
		KUNIT_EXPECT_EQ_MSG(test, b.szx, v->szx, "vector %u", i);
	}
}

static void block_encode_vectors(struct kunit *test)
{
	struct coap_block b;
	unsigned int i, n;
	u8 buf[3];

	for (i = 0; i < ARRAY_SIZE(block_vectors); i++) {
		const struct block_vector *v = &block_vectors[i];

		b.num = v->num;
		b.more = v->more;
		b.szx = v->szx;
		n = coap_block_encode(&b, buf);
		KUNIT_EXPECT_EQ_MSG(test, n, v->len, "vector %u", i);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, v->val, min(n, v->len)),
				    0, "vector %u", i);
	}
}

/* A value need not be minimal: leading zero bytes decode the same. */
static void block_decode_leading_zeros(struct kunit *test)
{
	static const u8 v[3] = { 0x00, 0x00, 0x1a };
	struct coap_block b;

	KUNIT_ASSERT_TRUE(test, coap_block_decode(v, 3, &b));
	KUNIT_EXPECT_EQ(test, b.num, 1U);
	KUNIT_EXPECT_TRUE(test, b.more);
	KUNIT_EXPECT_EQ(test, b.szx, 2);
}

static void block_decode_szx7_rejected(struct kunit *test)
{
	static const u8 v1[] = { 0x07 }, v2[] = { 0x0f }, v3[] = { 0x12, 0x3f };
	struct coap_block b;

	KUNIT_EXPECT_FALSE(test, coap_block_decode(v1, 1, &b));
	KUNIT_EXPECT_FALSE(test, coap_block_decode(v2, 1, &b));
	KUNIT_EXPECT_FALSE(test, coap_block_decode(v3, 2, &b));
}

static void block_decode_too_long(struct kunit *test)
{
	static const u8 v[4] = { 0x00, 0x00, 0x00, 0x06 };
	struct coap_block b;

	KUNIT_EXPECT_FALSE(test, coap_block_decode(v, 4, &b));
}

static void block_roundtrip_num_max(struct kunit *test)
{
	struct coap_block b = { .num = COAP_BLOCK_NUM_MAX, .more = true,
				.szx = 0 }, d;
	u8 buf[3];

	KUNIT_ASSERT_EQ(test, coap_block_encode(&b, buf), 3U);
	KUNIT_ASSERT_TRUE(test, coap_block_decode(buf, 3, &d));
	KUNIT_EXPECT_EQ(test, d.num, COAP_BLOCK_NUM_MAX);
	KUNIT_EXPECT_TRUE(test, d.more);
	KUNIT_EXPECT_EQ(test, d.szx, 0);
}

static void block_sizes(struct kunit *test)
{
	u8 szx;

	for (szx = 0; szx <= COAP_BLOCK_SZX_MAX; szx++)
		KUNIT_EXPECT_EQ(test, coap_block_size(szx), 16U << szx);
	KUNIT_EXPECT_EQ(test, coap_block_size(COAP_BLOCK_SZX_MAX), 1024U);
}

/* Every SZX: block 0, a middle block, the last (partial) block. */
static void block2_slice_every_szx(struct kunit *test)
{
	const u32 total = 3000;
	struct coap_block b;
	u32 off, len, size, last;
	u8 szx;

	for (szx = 0; szx <= COAP_BLOCK_SZX_MAX; szx++) {
		size = coap_block_size(szx);
		last = (total - 1) / size;
		b = (struct coap_block){ .num = 0, .szx = szx };
		KUNIT_ASSERT_TRUE(test, coap_block2_slice(total, 6, &b, &off,
							  &len));
		KUNIT_EXPECT_EQ(test, off, 0U);
		KUNIT_EXPECT_EQ(test, len, size);
		KUNIT_EXPECT_TRUE(test, b.more);
		KUNIT_EXPECT_EQ(test, b.szx, szx);

		b = (struct coap_block){ .num = last, .szx = szx };
		KUNIT_ASSERT_TRUE(test, coap_block2_slice(total, 6, &b, &off,
							  &len));
		KUNIT_EXPECT_EQ(test, off, last * size);
		KUNIT_EXPECT_EQ(test, len, total - last * size);
		KUNIT_EXPECT_FALSE(test, b.more);
		KUNIT_EXPECT_EQ(test, b.num, last);

		b = (struct coap_block){ .num = last + 1, .szx = szx };
		KUNIT_EXPECT_FALSE(test, coap_block2_slice(total, 6, &b, &off,
							   &len));
	}
}

/* A representation of whole blocks: the last block is full, M=0. */
static void block2_slice_exact_multiple(struct kunit *test)
{
	struct coap_block b = { .num = 3, .szx = 2 };
	u32 off, len;

	KUNIT_ASSERT_TRUE(test, coap_block2_slice(256, 6, &b, &off, &len));
	KUNIT_EXPECT_EQ(test, off, 192U);
	KUNIT_EXPECT_EQ(test, len, 64U);
	KUNIT_EXPECT_FALSE(test, b.more);
	b = (struct coap_block){ .num = 4, .szx = 2 };
	KUNIT_EXPECT_FALSE(test, coap_block2_slice(256, 6, &b, &off, &len));
}

static void block2_slice_empty(struct kunit *test)
{
	struct coap_block b = { .num = 0, .szx = 6 };
	u32 off = 1, len = 1;

	KUNIT_ASSERT_TRUE(test, coap_block2_slice(0, 6, &b, &off, &len));
	KUNIT_EXPECT_EQ(test, off, 0U);
	KUNIT_EXPECT_EQ(test, len, 0U);
	KUNIT_EXPECT_FALSE(test, b.more);
	b = (struct coap_block){ .num = 1, .szx = 0 };
	KUNIT_EXPECT_FALSE(test, coap_block2_slice(0, 6, &b, &off, &len));
}

static void block2_slice_past_end(struct kunit *test)
{
	struct coap_block b = { .num = COAP_BLOCK_NUM_MAX, .szx = 6 };
	u32 off, len;

	KUNIT_EXPECT_FALSE(test, coap_block2_slice(65000, 6, &b, &off, &len));
	b = (struct coap_block){ .num = 1, .szx = 6 };
	KUNIT_EXPECT_FALSE(test, coap_block2_slice(1024, 6, &b, &off, &len));
}

/* Section 2.4: a larger SZX than ours is answered with ours, same start. */
static void block2_slice_rescales(struct kunit *test)
{
	struct coap_block b = { .num = 1, .szx = 6 };
	u32 off, len;

	KUNIT_ASSERT_TRUE(test, coap_block2_slice(3000, 4, &b, &off, &len));
	KUNIT_EXPECT_EQ(test, b.szx, 4);
	KUNIT_EXPECT_EQ(test, b.num, 4U);	/* 1024 / 256 */
	KUNIT_EXPECT_EQ(test, off, 1024U);
	KUNIT_EXPECT_EQ(test, len, 256U);
	KUNIT_EXPECT_TRUE(test, b.more);

	b = (struct coap_block){ .num = 0, .szx = 5 };
	KUNIT_ASSERT_TRUE(test, coap_block2_slice(100, 0, &b, &off, &len));
	KUNIT_EXPECT_EQ(test, b.szx, 0);
	KUNIT_EXPECT_EQ(test, len, 16U);
}

static void block2_slice_invalid_block(struct kunit *test)
{
	struct coap_block b = { .num = 0, .szx = 7 };
	u32 off, len;

	KUNIT_EXPECT_FALSE(test, coap_block2_slice(100, 6, &b, &off, &len));
	b = (struct coap_block){ .num = COAP_BLOCK_NUM_MAX + 1, .szx = 0 };
	KUNIT_EXPECT_FALSE(test, coap_block2_slice(100, 6, &b, &off, &len));
}

static struct kunit_case coap_block_cases[] = {
	KUNIT_CASE(block_decode_vectors),
	KUNIT_CASE(block_encode_vectors),
	KUNIT_CASE(block_decode_leading_zeros),
	KUNIT_CASE(block_decode_szx7_rejected),
	KUNIT_CASE(block_decode_too_long),
	KUNIT_CASE(block_roundtrip_num_max),
	KUNIT_CASE(block_sizes),
	KUNIT_CASE(block2_slice_every_szx),
	KUNIT_CASE(block2_slice_exact_multiple),
	KUNIT_CASE(block2_slice_empty),
	KUNIT_CASE(block2_slice_past_end),
	KUNIT_CASE(block2_slice_rescales),
	KUNIT_CASE(block2_slice_invalid_block),
	{}
};

static struct kunit_suite coap_block_suite = {
	.name = "coap_block",
	.test_cases = coap_block_cases,
};

kunit_test_suite(coap_block_suite);
