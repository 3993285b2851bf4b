// SPDX-License-Identifier: GPL-2.0
/* coapctl resource list|add */
#include <stdio.h>
#include <string.h>

#include "coapctl.h"
#include "json.h"

static const char usage[] =
"Usage: coapctl [-j] resource list\n"
"       coapctl resource add PATH [methods LIST] [rt STR] [if STR] [title STR]\n"
"                            [ct N] [sz N] [obs]\n"
"                            [publish TEXT [ct N] [max-age N] [etag HEX]]\n"
"                            --hold\n"
"\n"
"list    every resource of this network namespace, whoever registered it\n"
"add     register PATH (e.g. /sensors/temp) and stay in the foreground until\n"
"        SIGINT or SIGTERM.  A resource belongs to the netlink socket that\n"
"        registered it and is removed when that socket closes, so 'add'\n"
"        requires --hold; resource daemons such as coapd keep theirs for as\n"
"        long as they run.\n"
"\n"
"  methods LIST   allowed methods, comma-separated: get,post,put,delete\n"
"                 (default get)\n"
"  rt, if, title  link-format attributes shown in /.well-known/core\n"
"  ct N, sz N     link-format ct= (content format) and sz= (size)\n"
"  obs            link-format obs (observable)\n"
"  publish TEXT   representation the kernel serves for GET by itself; its\n"
"                 own ct (default: the link-format ct, else 0 text/plain),\n"
"                 max-age in seconds (default 60) and etag (1-8 bytes hex)\n"
"\n"
"While held, requests the kernel cannot answer itself reach coapctl: GET is\n"
"answered with the published text (4.06 if the client's Accept differs, 4.04\n"
"if nothing is published); other methods get 5.01 Not Implemented.\n";

struct add_args {
	struct kcoap_resource res;
	struct kcoap_representation rep;
	bool publish;
	bool hold;
	uint8_t etag[COAP_ETAG_MAX];
	char error[160];
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_hex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(s), i;
	int hi, lo;

	if (!n || n % 2 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		hi = hexval(s[2 * i]);
		lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	*len = n / 2;
	return 0;
}

/* Why add_arg() failed: 0 for the caller to pass on as a usage error. */
static int arg_error(struct add_args *a, const char *fmt, const char *what)
{
	snprintf(a->error, sizeof(a->error), fmt, what);
	return 0;
}

/* One "KEY [VALUE]" of resource add: the arguments used, 0 if bad. */
static int add_arg(struct add_args *a, int argc, char **argv)
{
	const char *key = argv[0], *val = argc > 1 ? argv[1] : NULL;
	uint32_t v;

	if (!strcmp(key, "--hold") || !strcmp(key, "hold")) {
		a->hold = true;
		return 1;
	}
	if (!strcmp(key, "obs")) {
		a->res.observable = true;
		return 1;
	}
	if (!val)
		return arg_error(a, "'%s' needs a value", key);

	if (!strcmp(key, "publish")) {
		a->publish = true;
		a->rep.payload = val;
		a->rep.len = strlen(val);
	} else if (!strcmp(key, "ct")) {
		if (parse_u32(val, UINT16_MAX, &v))
			return arg_error(a, "bad ct '%s'", val);
		if (a->publish)
			a->rep.content_format = v;
		else
			a->res.ct = v;
	} else if (!strcmp(key, "max-age") && a->publish) {
		if (parse_u32(val, UINT32_MAX, &v))
			return arg_error(a, "bad max-age '%s'", val);
		a->rep.max_age = v;
	} else if (!strcmp(key, "etag") && a->publish) {
		if (parse_hex(val, a->etag, sizeof(a->etag), &a->rep.etag_len))
			return arg_error(a, "etag must be 1 to 8 bytes of hex, not '%s'",
					 val);
		a->rep.etag = a->etag;
	} else if (!strcmp(key, "methods")) {
		if (kcoap_methods_parse(val, &a->res.methods))
			return arg_error(a, "bad methods '%s'", val);
	} else if (!strcmp(key, "rt")) {
		a->res.rt = val;
	} else if (!strcmp(key, "if")) {
		a->res.if_ = val;
	} else if (!strcmp(key, "title")) {
		a->res.title = val;
	} else if (!strcmp(key, "sz")) {
		if (parse_u32(val, UINT32_MAX, &a->res.sz))
			return arg_error(a, "bad sz '%s'", val);
	} else if (a->publish) {
		return arg_error(a, "unknown resource attribute '%s'", key);
	} else {
		return arg_error(a, "unknown resource attribute '%s' (max-age and etag follow publish TEXT)",
				 key);
	}
	return 2;
}

static int add(int argc, char **argv)
{
	struct add_args a = {
		.res = { .ct = -1 },
		.rep = { .content_format = -1, .max_age = -1 },
	};
	struct kcoap *k;
	int n, err, status;

	if (argc < 1 || argv[0][0] == '-')
		return usage_error(usage, "resource add needs a PATH");
	a.res.path = argv[0];
	for (argc--, argv++; argc > 0; argc -= n, argv += n) {
		n = add_arg(&a, argc, argv);
		if (!n)
			return usage_error(usage, "%s", a.error);
	}
	if (!a.hold)
		return usage_error(usage,
				   "a resource lives only as long as the netlink socket that registered it,\n"
				   "so it would vanish when coapctl exits: add --hold to keep it registered\n"
				   "until SIGINT/SIGTERM, or run a resource daemon such as coapd");
	if (a.publish && a.rep.content_format < 0)
		a.rep.content_format = a.res.ct;

	k = ctl_open(&status);
	if (!k)
		return status;
	err = kcoap_resource_add(k, &a.res);
	if (err) {
		status = kernel_error(k, err, "resource add %s", a.res.path);
	} else if (a.publish && (err = kcoap_publish(k, a.res.path, &a.rep))) {
		status = kernel_error(k, err, "publish %s", a.res.path);
	} else {
		status = hold_resource(k, a.res.path,
				       a.publish ? &a.rep : NULL);
	}
	kcoap_close(k);
	return status;
}

static void show_text(const struct kcoap_resource_info *i)
{
	const struct kcoap_resource *r = &i->res;
	char methods[64];
	size_t b;

	kcoap_methods_format(r->methods, methods, sizeof(methods));
	printf("%s methods %s owner %u", r->path, methods[0] ? methods : "-",
	       i->owner);
	if (r->rt)
		printf(" rt \"%s\"", r->rt);
	if (r->if_)
		printf(" if \"%s\"", r->if_);
	if (r->title)
		printf(" title \"%s\"", r->title);
	if (r->ct >= 0)
		printf(" ct %d", r->ct);
	if (r->sz)
		printf(" sz %u", r->sz);
	if (r->observable)
		printf(" obs observers %u notify-con %u", i->observers,
		       r->notify_con);
	if (i->published) {
		printf(" published %u bytes ct %d max-age %u", i->payload_len,
		       i->content_format, i->max_age);
		if (i->etag_len)
			printf(" etag ");
		for (b = 0; b < i->etag_len; b++)
			printf("%02x", i->etag[b]);
	}
	putchar('\n');
}

static void show_json(struct json *j, const struct kcoap_resource_info *i)
{
	const struct kcoap_resource *r = &i->res;
	char etag[2 * COAP_ETAG_MAX + 1], methods[64], *m, *save = NULL;
	size_t b;

	json_object(j, NULL);
	json_string(j, "path", r->path);
	/* lower case, as typed on the command line */
	kcoap_methods_format(r->methods, methods, sizeof(methods));
	json_array(j, "methods");
	for (m = strtok_r(methods, ",", &save); m; m = strtok_r(NULL, ",", &save))
		json_string(j, NULL, m);
	json_end(j, ']');
	json_uint(j, "owner", i->owner);
	if (r->rt)
		json_string(j, "rt", r->rt);
	if (r->if_)
		json_string(j, "if", r->if_);
	if (r->title)
		json_string(j, "title", r->title);
	if (r->ct >= 0)
		json_uint(j, "ct", r->ct);
	if (r->sz)
		json_uint(j, "sz", r->sz);
	json_bool(j, "observable", r->observable);
	if (r->observable) {
		json_uint(j, "observers", i->observers);
		json_uint(j, "notify_con", r->notify_con);
	}
	if (!i->published) {
		json_null(j, "published");
	} else {
		json_object(j, "published");
		json_uint(j, "length", i->payload_len);
		json_uint(j, "content_format", i->content_format);
		json_uint(j, "max_age", i->max_age);
		for (b = 0; b < i->etag_len; b++)
			sprintf(etag + 2 * b, "%02x", i->etag[b]);
		if (i->etag_len)
			json_string(j, "etag", etag);
		json_end(j, '}');
	}
	json_end(j, '}');
}

static int show(const struct kcoap_resource_info *info, void *arg)
{
	if (json_output)
		show_json(arg, info);
	else
		show_text(info);
	return 0;
}

static int fetch(struct kcoap *k, struct json *j)
{
	return kcoap_resource_list(k, show, j);
}

static int list(int argc)
{
	if (argc)
		return usage_error(usage, "resource list takes no arguments");
	return ctl_list("resource list", fetch);
}

int cmd_resource(int argc, char **argv)
{
	if (!argc)
		return list(0);
	if (is_help(argv[0]))
		return help(usage);
	if (matches(argv[0], "list") || matches(argv[0], "show"))
		return list(argc - 1);
	if (matches(argv[0], "add"))
		return add(argc - 1, argv + 1);
	return usage_error(usage, "unknown resource command '%s'", argv[0]);
}
