// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration parser: [resource PATH] and [endpoint] sections of
 * "key = value" lines.  Every mistake is fatal and reported as FILE:LINE:
 * reason, so coapd never runs with a configuration it half understood.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcoap.h"
#include "config.h"

enum key {
	K_KIND, K_CONTENT, K_FILE, K_COMMAND, K_TIMEOUT, K_METHODS, K_ALLOWED,
	K_CT, K_RT, K_IF, K_TITLE, K_SZ, K_OBS, K_MAX_AGE, K_NOTIFY_CON, K_PAD, NKEYS
};

#define KB(kind)	(1U << (kind))
#define ANY_KIND	(KB(KIND_STATIC) | KB(KIND_FILE) | KB(KIND_WRITABLE) | \
			 KB(KIND_COMMAND))

static const struct {
	const char *name;
	unsigned int kinds;	/* the kinds it applies to */
} keys[NKEYS] = {
	[K_KIND]	= { "kind", ANY_KIND },
	[K_CONTENT]	= { "content", KB(KIND_STATIC) | KB(KIND_WRITABLE) },
	[K_FILE]	= { "file", KB(KIND_FILE) },
	[K_COMMAND]	= { "command", KB(KIND_COMMAND) },
	[K_TIMEOUT]	= { "timeout", KB(KIND_COMMAND) },
	[K_METHODS]	= { "methods", ANY_KIND },
	[K_ALLOWED]	= { "allowed", KB(KIND_WRITABLE) },
	[K_CT]		= { "ct", ANY_KIND },
	[K_RT]		= { "rt", ANY_KIND },
	[K_IF]		= { "if", ANY_KIND },
	[K_TITLE]	= { "title", ANY_KIND },
	[K_SZ]		= { "sz", ANY_KIND },
	[K_OBS]		= { "obs", ANY_KIND },
	[K_MAX_AGE]	= { "max-age", ANY_KIND },
	[K_NOTIFY_CON]	= { "notify-con", ANY_KIND },
	[K_PAD]		= { "pad", KB(KIND_STATIC) | KB(KIND_WRITABLE) },
};

static const char *const kinds[] = {
	[KIND_STATIC] = "static",
	[KIND_FILE] = "file",
	[KIND_WRITABLE] = "writable",
	[KIND_COMMAND] = "command",
};

static const struct {
	const char *name;
	int ct;
} ct_names[] = {
	{ "text/plain", COAP_CT_TEXT_PLAIN },
	{ "application/link-format", COAP_CT_LINK_FORMAT },
	{ "application/xml", COAP_CT_XML },
	{ "application/octet-stream", COAP_CT_OCTET_STREAM },
	{ "application/exi", COAP_CT_EXI },
	{ "application/json", COAP_CT_JSON },
	{ "application/cbor", COAP_CT_CBOR },
};

struct parser {
	const char *file;
	int line;
	struct config *c;
	enum { SEC_NONE, SEC_RESOURCE, SEC_ENDPOINT } sec;
	int seen[NKEYS];	/* line of each key in this [resource], or 0 */
};

const char *kind_name(enum res_kind kind)
{
	return kinds[kind];
}

static int error_at(const struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int error_at(const struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", p->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

#define bad(p, ...)	error_at(p, (p)->line, __VA_ARGS__)

static char *skip_ws(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

static int dup_to(struct parser *p, char **dst, const char *val)
{
	*dst = strdup(val);
	return *dst ? 0 : bad(p, "out of memory");
}

static int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n > max)
		return -1;
	*v = n;
	return 0;
}

/* NULL if @path is a path the kernel accepts, else why not. */
static const char *path_problem(const char *path)
{
	const char *p, *seg;

	if (path[0] != '/')
		return "must start with '/'";
	if (strlen(path) >= COAP_PATH_MAX)
		return "is too long";
	for (p = path; *p; p++) {
		if (*p == '?')
			return "may not contain a query ('?')";
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return "may not contain spaces or control characters";
	}
	if (!strcmp(path, "/.well-known/core"))
		return "is served by the kernel";
	if (!path[1])
		return NULL;
	for (p = path; *p == '/';) {
		seg = ++p;
		while (*p && *p != '/')
			p++;
		if (p == seg)
			return "has an empty segment (\"//\" or a trailing '/')";
		if ((p - seg == 1 && seg[0] == '.') ||
		    (p - seg == 2 && seg[0] == '.' && seg[1] == '.'))
			return "may not have '.' or '..' segments";
	}
	return NULL;
}

/*
 * The value after '=': "quoted" with \" \\ \n \t \r escapes, or bare (taken
 * literally, quotes included) up to a '#' that follows whitespace.
 * Unescaped in place into *out.
 */
static int parse_value(struct parser *p, char *s, char **out)
{
	char *r, *w;

	if (*s == '"') {
		for (r = s + 1, w = s; *r != '"'; r++) {
			if (!*r || (*r == '\\' && !r[1]))
				return bad(p, "unterminated quoted string");
			if (*r != '\\') {
				*w++ = *r;
				continue;
			}
			switch (*++r) {
			case 'n': *w++ = '\n'; break;
			case 't': *w++ = '\t'; break;
			case 'r': *w++ = '\r'; break;
			case '"': case '\\': *w++ = *r; break;
			default:
				return bad(p, "unknown escape '\\%c' in quoted string",
					     *r);
			}
		}
		*w = '\0';
		r = skip_ws(r + 1);
		if (*r && *r != '#')
			return bad(p, "unexpected text after the closing quote");
		*out = s;
		return 0;
	}
	for (r = s; *r; r++) {
		if (*r == '#' && (r == s || isspace((unsigned char)r[-1]))) {
			*r = '\0';
			break;
		}
	}
	trim_end(s);
	if (!*s)
		return bad(p, "empty value (write \"\" for an empty string)");
	*out = s;
	return 0;
}

static int parse_ct(struct parser *p, const char *val, int *ct)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ct_names) / sizeof(ct_names[0]); i++) {
		if (!strcmp(val, ct_names[i].name)) {
			*ct = ct_names[i].ct;
			return 0;
		}
	}
	if (parse_uint(val, UINT16_MAX, &v))
		return bad(p, "bad ct '%s': a number from 0 to 65535 or a name like text/plain",
			     val);
	*ct = v;
	return 0;
}

static int parse_bool(struct parser *p, const char *val, bool *b)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(val, yes[i]) || !strcasecmp(val, no[i])) {
			*b = !strcasecmp(val, yes[i]);
			return 0;
		}
	}
	return bad(p, "bad boolean '%s': yes or no", val);
}

/* The kernel puts these inside quotes in /.well-known/core. */
static int link_str(struct parser *p, const char *key, const char *val,
		    char **dst)
{
	if (strlen(val) >= COAP_ATTR_MAX)
		return bad(p, "'%s' is longer than %d bytes", key,
			     COAP_ATTR_MAX - 1);
	if (strpbrk(val, "\"\\"))
		return bad(p, "'%s' may not contain '\"' or '\\'", key);
	return dup_to(p, dst, val);
}

/* "a, b,c" into r->allowed. */
static int parse_allowed(struct parser *p, struct res_conf *r, char *val)
{
	char *item, *save = NULL;
	size_t n = 1;
	char *s;

	for (s = val; *s; s++)
		n += *s == ',';
	r->allowed = calloc(n, sizeof(*r->allowed));
	if (!r->allowed)
		return bad(p, "out of memory");
	for (item = strtok_r(val, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		item = skip_ws(item);
		trim_end(item);
		if (!*item)
			break;
		if (dup_to(p, &r->allowed[r->nallowed++], item))
			return -1;
	}
	/* strtok_r skips empty fields: count them back */
	if (r->nallowed != n)
		return bad(p, "empty value in 'allowed' list");
	return 0;
}

static int resource_key(struct parser *p, enum key k, char *val)
{
	struct res_conf *r = &p->c->res[p->c->nres - 1];
	uint64_t v;
	size_t i;

	switch (k) {
	case K_KIND:
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			if (!strcmp(val, kinds[i])) {
				r->kind = i;
				return 0;
			}
		}
		return bad(p, "unknown kind '%s': static, file, writable or command",
			     val);
	case K_CONTENT:
		if (strlen(val) > COAP_PUBLISH_MAX)
			return bad(p, "content is longer than %d bytes",
				     COAP_PUBLISH_MAX);
		free(r->content);	/* the "" default */
		r->content = NULL;
		return dup_to(p, &r->content, val);
	case K_FILE:
		if (val[0] != '/')
			return bad(p, "file must be an absolute path");
		return dup_to(p, &r->file, val);
	case K_COMMAND:
		return dup_to(p, &r->command, val);
	case K_TIMEOUT:
		if (parse_uint(val, COMMAND_TIMEOUT_MAX, &v) || !v)
			return bad(p, "bad timeout '%s': seconds from 1 to %d",
				     val, COMMAND_TIMEOUT_MAX);
		r->timeout = v;
		return 0;
	case K_METHODS:
		if (kcoap_methods_parse(val, &r->methods))
			return bad(p, "bad methods '%s': a list of get, post, put, delete",
				     val);
		return 0;
	case K_ALLOWED:
		return parse_allowed(p, r, val);
	case K_CT:
		return parse_ct(p, val, &r->ct);
	case K_RT:
		return link_str(p, "rt", val, &r->rt);
	case K_IF:
		return link_str(p, "if", val, &r->if_);
	case K_TITLE:
		return link_str(p, "title", val, &r->title);
	case K_SZ:
		if (parse_uint(val, UINT32_MAX, &v))
			return bad(p, "bad sz '%s': a number of bytes", val);
		r->sz = v;
		return 0;
	case K_OBS:
		return parse_bool(p, val, &r->obs);
	case K_NOTIFY_CON:
		if (parse_uint(val, 255, &v) || !v)
			return bad(p, "bad notify-con '%s': 1 (every notification confirmable) to 255",
				     val);
		r->notify_con = v;
		return 0;
	case K_PAD:
		if (parse_uint(val, PAD_MAX, &v))
			return bad(p, "bad pad '%s': 0 to %d bytes", val, PAD_MAX);
		r->pad = v;
		return 0;
	case K_MAX_AGE:
		if (parse_uint(val, UINT32_MAX, &v))
			return bad(p, "bad max-age '%s': a number of seconds",
				     val);
		r->max_age = v;
		return 0;
	case NKEYS:
		break;
	}
	return bad(p, "internal error: key %d", k);
}

static int endpoint_key(struct parser *p, const char *key, const char *val)
{
	struct config *c = p->c;
	struct listen_conf *l;
	size_t i;

	if (strcmp(key, "listen"))
		return bad(p, "unknown key '%s' in [endpoint]: only listen", key);
	l = realloc(c->listen, (c->nlisten + 1) * sizeof(*l));
	if (!l)
		return bad(p, "out of memory");
	c->listen = l;
	l += c->nlisten;
	memset(l, 0, sizeof(*l));
	if (kcoap_addr_parse(val, &l->addr, &l->len))
		return bad(p, "bad address '%s': ADDR[:PORT] as in 192.0.2.1:5683 or [::]:5683",
			     val);
	for (i = 0; i < c->nlisten; i++)
		if (c->listen[i].len == l->len &&
		    !memcmp(&c->listen[i].addr, &l->addr, l->len))
			return bad(p, "duplicate listen address (first on line %d)",
				     c->listen[i].line);
	l->line = p->line;
	if (dup_to(p, &l->text, val))
		return -1;
	c->nlisten++;
	return 0;
}

static int assignment(struct parser *p, char *s)
{
	char *key = s, *val;
	unsigned int k;

	while (isalnum((unsigned char)*s) || *s == '-' || *s == '_')
		s++;
	if (s == key)
		return bad(p, "expected 'key = value' or a [section]");
	val = skip_ws(s);
	if (*val != '=')
		return bad(p, "expected '=' after '%.*s'", (int)(s - key), key);
	*s = '\0';
	if (p->sec == SEC_NONE)
		return bad(p, "'%s' outside of any section", key);
	if (parse_value(p, skip_ws(val + 1), &val))
		return -1;
	if (p->sec == SEC_ENDPOINT)
		return endpoint_key(p, key, val);

	for (k = 0; k < NKEYS && strcmp(key, keys[k].name); k++)
		;
	if (k == NKEYS)
		return bad(p, "unknown key '%s'", key);
	if (p->seen[k])
		return bad(p, "duplicate key '%s' (first on line %d)", key,
			     p->seen[k]);
	p->seen[k] = p->line;
	if (!*val && k != K_CONTENT)
		return bad(p, "empty value for '%s'", key);
	return resource_key(p, k, val);
}

static bool allowed(const struct res_conf *r, const char *s)
{
	size_t i;

	for (i = 0; i < r->nallowed; i++)
		if (!strcmp(r->allowed[i], s))
			return true;
	return false;
}

/* Checks that need the whole [resource] section. */
static int end_resource(struct parser *p)
{
	struct res_conf *r = &p->c->res[p->c->nres - 1];
	static const enum key need[] = {
		[KIND_STATIC] = K_CONTENT,
		[KIND_FILE] = K_FILE,
		[KIND_WRITABLE] = NKEYS,
		[KIND_COMMAND] = K_COMMAND,
	};
	uint32_t get = COAP_METHOD_BIT(COAP_METHOD_GET);
	unsigned int k;

	if (!p->seen[K_KIND])
		return error_at(p, r->line, "[resource %s]: missing required key 'kind'",
				r->path);
	for (k = 0; k < NKEYS; k++)
		if (p->seen[k] && !(keys[k].kinds & KB(r->kind)))
			return error_at(p, p->seen[k], "'%s' does not apply to kind %s",
					keys[k].name, kinds[r->kind]);
	if (need[r->kind] != NKEYS && !p->seen[need[r->kind]])
		return error_at(p, r->line, "[resource %s]: kind %s needs '%s'",
				r->path, kinds[r->kind], keys[need[r->kind]].name);

	if (r->kind != KIND_WRITABLE) {
		if (p->seen[K_METHODS] && r->methods != get)
			return error_at(p, p->seen[K_METHODS],
					"kind %s serves only get", kinds[r->kind]);
		r->methods = get;
	} else if (!p->seen[K_METHODS]) {
		r->methods = get | COAP_METHOD_BIT(COAP_METHOD_PUT) |
			     COAP_METHOD_BIT(COAP_METHOD_POST) |
			     COAP_METHOD_BIT(COAP_METHOD_DELETE);
	}
	if (r->nallowed && p->seen[K_CONTENT] && !allowed(r, r->content))
		return error_at(p, p->seen[K_CONTENT],
				"content \"%s\" is not one of the allowed values",
				r->content);
	return 0;
}

static int end_section(struct parser *p)
{
	int err = p->sec == SEC_RESOURCE ? end_resource(p) : 0;

	p->sec = SEC_NONE;
	return err;
}

static int new_resource(struct parser *p, const char *path)
{
	struct config *c = p->c;
	const char *why = path_problem(path);
	struct res_conf *r;
	size_t i;

	if (why)
		return bad(p, "bad path '%s': it %s", path, why);
	for (i = 0; i < c->nres; i++)
		if (!strcmp(c->res[i].path, path))
			return bad(p, "duplicate resource %s (first on line %d)",
				     path, c->res[i].line);
	r = realloc(c->res, (c->nres + 1) * sizeof(*r));
	if (!r)
		return bad(p, "out of memory");
	c->res = r;
	r += c->nres;
	*r = (struct res_conf){
		.line = p->line,
		.timeout = COMMAND_TIMEOUT_DEFAULT,
		.ct = -1,
		.max_age = -1,
	};
	c->nres++;	/* counted now so that config_free() sees it */
	if (dup_to(p, &r->path, path) || dup_to(p, &r->content, ""))
		return -1;
	memset(p->seen, 0, sizeof(p->seen));
	p->sec = SEC_RESOURCE;
	return 0;
}

static int section(struct parser *p, char *s)
{
	char *end = strchr(s, ']'), *rest, *name;

	if (!end)
		return bad(p, "section header without ']'");
	rest = skip_ws(end + 1);
	if (*rest && *rest != '#' && *rest != ';')
		return bad(p, "unexpected text after ']'");
	if (end_section(p))
		return -1;
	*end = '\0';
	name = skip_ws(s + 1);
	trim_end(name);
	if (!strcmp(name, "endpoint")) {
		p->sec = SEC_ENDPOINT;
		return 0;
	}
	if (!strncmp(name, "resource", 8) &&
	    (!name[8] || isspace((unsigned char)name[8]))) {
		name = skip_ws(name + 8);
		if (!*name)
			return bad(p, "missing path: [resource /PATH]");
		return new_resource(p, name);
	}
	return bad(p, "unknown section [%s]: expected [resource PATH] or [endpoint]",
		     name);
}

static int parse_line(struct parser *p, char *s, size_t len)
{
	if (strlen(s) != len)
		return bad(p, "NUL byte in line");
	if (len && s[len - 1] == '\n')
		s[--len] = '\0';
	if (len && s[len - 1] == '\r')
		s[--len] = '\0';
	s = skip_ws(s);
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return section(p, s);
	return assignment(p, s);
}

int config_load(const char *file, struct config *c)
{
	struct parser p = { .file = file, .c = c };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;
	FILE *f;

	memset(c, 0, sizeof(*c));
	f = fopen(file, "re");
	if (!f) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		return -1;
	}
	while (!err && (n = getline(&line, &cap, f)) >= 0) {
		p.line++;
		err = parse_line(&p, line, n);
	}
	if (!err && ferror(f))
		err = bad(&p, "read error: %s", strerror(errno));
	if (!err)
		err = end_section(&p);
	free(line);
	fclose(f);
	if (err)
		config_free(c);
	return err;
}

static void free_resource(struct res_conf *r)
{
	size_t i;

	free(r->path);
	free(r->content);
	free(r->file);
	free(r->command);
	for (i = 0; i < r->nallowed; i++)
		free(r->allowed[i]);
	free(r->allowed);
	free(r->rt);
	free(r->if_);
	free(r->title);
}

void config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nres; i++)
		free_resource(&c->res[i]);
	free(c->res);
	for (i = 0; i < c->nlisten; i++)
		free(c->listen[i].text);
	free(c->listen);
	memset(c, 0, sizeof(*c));
}
