// SPDX-License-Identifier: GPL-2.0
/*
 * CoRE Link Format (RFC 6690): links and discovery filtering.
 *
 * Filtering (section 4.1): "?name=value" keeps the links whose attribute
 * name has that value; a trailing '*' makes it a prefix match.  rt and if
 * hold space-separated lists and match when any item does; href matches
 * the link's path.  A link without the attribute never matches.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#else
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#define __printf(a, b)	/* the kernel build checks the formats */
#endif

#include "linkformat.h"

static const struct {
	const char *name;
	enum kcoap_filter_attr attr;
} kcoap_filter_names[] = {
	{ "href", KCOAP_FILTER_HREF },
	{ "rt", KCOAP_FILTER_RT },
	{ "if", KCOAP_FILTER_IF },
	{ "ct", KCOAP_FILTER_CT },
	{ "title", KCOAP_FILTER_TITLE },
	{ "sz", KCOAP_FILTER_SZ },
	{ "obs", KCOAP_FILTER_OBS },
};

bool kcoap_filter_parse(const u8 *q, u32 len, struct kcoap_filter *f)
{
	const u8 *eq = memchr(q, '=', len);
	u32 nlen = eq ? (u32)(eq - q) : len;
	unsigned int i;

	if (!nlen)
		return false;
	f->attr = KCOAP_FILTER_OTHER;
	for (i = 0; i < sizeof(kcoap_filter_names) /
			sizeof(kcoap_filter_names[0]); i++) {
		const char *n = kcoap_filter_names[i].name;

		if (strlen(n) == nlen && !memcmp(n, q, nlen)) {
			f->attr = kcoap_filter_names[i].attr;
			break;
		}
	}
	f->val = eq ? (const char *)eq + 1 : NULL;
	f->len = eq ? len - nlen - 1 : 0;
	f->prefix = f->len && f->val[f->len - 1] == '*';
	if (f->prefix)
		f->len--;
	return true;
}

/* Does the value s[0..n) match the filter value? */
static bool kcoap_val_match(const char *s, u32 n, const struct kcoap_filter *f)
{
	/* f->val is NULL for a bare "name": compare no bytes then */
	if (f->prefix)
		return n >= f->len && (!f->len || !memcmp(s, f->val, f->len));
	return n == f->len && (!n || !memcmp(s, f->val, n));
}

/* Any space-separated item of list matches? */
static bool kcoap_list_match(const char *list, const struct kcoap_filter *f)
{
	const char *p = list;

	if (!list)
		return false;
	while (*p) {
		const char *end = strchr(p, ' ');
		u32 n = end ? (u32)(end - p) : (u32)strlen(p);

		if (n && kcoap_val_match(p, n, f))
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static bool kcoap_num_match(u32 v, const struct kcoap_filter *f)
{
	char num[12];
	int n = snprintf(num, sizeof(num), "%u", v);

	return kcoap_val_match(num, n, f);
}

bool kcoap_link_match(const struct kcoap_link *l, const struct kcoap_filter *f)
{
	switch (f->attr) {
	case KCOAP_FILTER_HREF:
		return kcoap_val_match(l->path, strlen(l->path), f);
	case KCOAP_FILTER_RT:
		return kcoap_list_match(l->rt, f);
	case KCOAP_FILTER_IF:
		return kcoap_list_match(l->if_, f);
	case KCOAP_FILTER_CT:
		return l->ct >= 0 && kcoap_num_match(l->ct, f);
	case KCOAP_FILTER_TITLE:
		return l->title && kcoap_val_match(l->title,
						   strlen(l->title), f);
	case KCOAP_FILTER_SZ:
		return l->sz && kcoap_num_match(l->sz, f);
	case KCOAP_FILTER_OBS:
		/* obs carries no value: "?obs" or "?obs=" */
		return l->obs && !f->len;
	default:
		return false;
	}
}

/* snprintf-style append that keeps counting once past cap */
static __printf(4, 5) void kcoap_lw(char *buf, u32 cap, u32 *n,
				   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*n += vsnprintf(*n < cap ? buf + *n : NULL, *n < cap ? cap - *n : 0,
			fmt, ap);
	va_end(ap);
}

u32 kcoap_link_write(char *buf, u32 cap, const struct kcoap_link *l,
		     bool first)
{
	u32 n = 0;

	kcoap_lw(buf, cap, &n, "%s<%s>", first ? "" : ",", l->path);
	if (l->rt)
		kcoap_lw(buf, cap, &n, ";rt=\"%s\"", l->rt);
	if (l->if_)
		kcoap_lw(buf, cap, &n, ";if=\"%s\"", l->if_);
	if (l->ct >= 0)
		kcoap_lw(buf, cap, &n, ";ct=%d", l->ct);
	if (l->sz)
		kcoap_lw(buf, cap, &n, ";sz=%u", l->sz);
	if (l->title)
		kcoap_lw(buf, cap, &n, ";title=\"%s\"", l->title);
	if (l->obs)
		kcoap_lw(buf, cap, &n, ";obs");
	return n;
}
