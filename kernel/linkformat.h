/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CoRE Link Format (RFC 6690): writing links and filtering them by the
 * query of a /.well-known/core request.  Pure C like the codec, so it
 * builds into the module, the KUnit suite and the fuzzers.
 */
#ifndef _KCOAP_LINKFORMAT_H
#define _KCOAP_LINKFORMAT_H

#include "codec.h"

/* A resource as discovery shows it.  Strings are NUL-terminated or NULL. */
struct kcoap_link {
	const char *path;	/* "/a/b" */
	const char *rt;		/* space-separated resource types */
	const char *if_;	/* space-separated interface descriptions */
	const char *title;
	int ct;			/* Content-Format, -1 when unset */
	u32 sz;			/* 0 when unset */
	bool obs;
};

enum kcoap_filter_attr {
	KCOAP_FILTER_HREF,
	KCOAP_FILTER_RT,
	KCOAP_FILTER_IF,
	KCOAP_FILTER_CT,
	KCOAP_FILTER_TITLE,
	KCOAP_FILTER_SZ,
	KCOAP_FILTER_OBS,
	KCOAP_FILTER_OTHER,	/* an attribute no link carries: no match */
};

/* One "name=value" query; val points into the request, not copied. */
struct kcoap_filter {
	enum kcoap_filter_attr attr;
	const char *val;
	u32 len;
	bool prefix;		/* value ended in '*' (removed from len) */
};

/* Parse one Uri-Query option; false if it is not "name[=value]". */
bool kcoap_filter_parse(const u8 *q, u32 len, struct kcoap_filter *f);
bool kcoap_link_match(const struct kcoap_link *l, const struct kcoap_filter *f);

/*
 * Append one link to buf (preceded by ',' unless first), like snprintf:
 * returns the length the link needs; it was written only if that is below
 * cap (room for a NUL is kept).
 */
u32 kcoap_link_write(char *buf, u32 cap, const struct kcoap_link *l,
		     bool first);

#endif /* _KCOAP_LINKFORMAT_H */
