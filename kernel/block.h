/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block-wise transfer arithmetic (RFC 7959 section 2.2): the Block1 and
 * Block2 option value and how a block maps onto a representation.  Pure C,
 * no kernel-only calls, so KUnit and the fuzzers compile it as is.
 */
#ifndef _KCOAP_BLOCK_H
#define _KCOAP_BLOCK_H

#include "codec.h"

/* Largest block we send or accept: SZX 6, 1024 bytes (SZX 7 is reserved). */
#define COAP_BLOCK_SZX_MAX	6
#define COAP_BLOCK_NUM_MAX	((1U << 20) - 1)

struct coap_block {
	u32 num;	/* block number, 0..2^20-1 */
	bool more;	/* M bit */
	u8 szx;		/* size exponent: 2^(szx+4) bytes */
};

static inline u32 coap_block_size(u8 szx)
{
	return 16U << szx;
}

/*
 * Decode an option value (0..3 bytes).  False for a value longer than
 * three bytes or SZX 7, both of which section 2.2 answers with 4.00.
 */
bool coap_block_decode(const u8 *val, u32 len, struct coap_block *b);
/* Encode in the fewest bytes (0 for NUM 0, M 0, SZX 0); returns the length. */
unsigned int coap_block_encode(const struct coap_block *b, u8 *buf);

/*
 * The part of a total-byte representation that Block2 request b asks for,
 * in blocks of at most 2^(max_szx+4) bytes.  A client asking for larger
 * blocks than we send gets the block that starts where its block would
 * (section 2.4: NUM rescaled to the smaller size).  On success b holds
 * what the response's Block2 option says and off, len the slice.  False
 * when the block starts past the end of the representation or b is not a
 * valid block (the caller answers 4.02 Bad Option, section 2.4).
 */
bool coap_block2_slice(u32 total, u8 max_szx, struct coap_block *b,
		       u32 *off, u32 *len);

#endif /* _KCOAP_BLOCK_H */
