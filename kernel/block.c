// SPDX-License-Identifier: GPL-2.0
/*
 * Block-wise transfer arithmetic (RFC 7959 section 2.2).  Pure.
 */
#include "block.h"

bool coap_block_decode(const u8 *val, u32 len, struct coap_block *b)
{
	u32 v = 0, i;

	if (len > 3)
		return false;
	for (i = 0; i < len; i++)
		v = (v << 8) | val[i];
	b->szx = v & 7;
	b->more = v & 8;
	b->num = v >> 4;
	return b->szx != 7;
}

unsigned int coap_block_encode(const struct coap_block *b, u8 *buf)
{
	u32 v = (b->num << 4) | (b->more ? 8 : 0) | (b->szx & 7);

	if (!v)
		return 0;
	if (v < 0x100) {
		buf[0] = v;
		return 1;
	}
	if (v < 0x10000) {
		buf[0] = v >> 8;
		buf[1] = v;
		return 2;
	}
	buf[0] = v >> 16;
	buf[1] = v >> 8;
	buf[2] = v;
	return 3;
}

bool coap_block2_slice(u32 total, u8 max_szx, struct coap_block *b,
		       u32 *off, u32 *len)
{
	u32 start, size;

	if (b->szx > COAP_BLOCK_SZX_MAX || b->num > COAP_BLOCK_NUM_MAX)
		return false;
	/* at most 2^20 blocks of 2^10 bytes: fits in 32 bits */
	start = b->num << (b->szx + 4);
	if (b->szx > max_szx) {
		b->szx = max_szx;
		b->num = start >> (max_szx + 4);
	}
	/* block 0 of an empty representation is the empty representation */
	if (start >= total && !(start == 0 && total == 0))
		return false;
	size = coap_block_size(b->szx);
	*off = start;
	*len = total - start < size ? total - start : size;
	b->more = start + *len < total;
	return true;
}
