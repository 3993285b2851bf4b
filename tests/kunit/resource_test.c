// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the resource table (kernel/resource.c): path rules,
 * registration, lookup, ownership, publishing and daemon release.
 *
 * Each case gets its own struct kcoap_net with only the resource table set
 * up.  The calls resource.c makes into request.c are stubbed here and
 * counted, so the cases can tell that deleting a resource finishes its
 * pending requests and that releasing a daemon marks it dead.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kcoap.h"
#include "observe.h"
#include "request.h"
#include "resource.h"
#include "units.h"

/* ---- request.c stubs ------------------------------------------------ */

static struct {
	unsigned int purges;
	char purged_path[COAP_PATH_MAX];
	u32 purged_owner;
	bool purged_other;	/* a call with d or ep set */
	unsigned int marks;
	u32 marked_portid;
	unsigned int marked_nres;
	unsigned int notifies;
	unsigned int closes;
} stub;

/* ---- observe.c stubs: publish notifies, unlink closes --------------- */

unsigned int kcoap_notify_con_every(void)
{
	return 20;
}

void kcoap_observe_notify(struct kcoap_net *kn, struct kcoap_resource *res)
{
	lockdep_assert_held(&kn->lock);
	stub.notifies++;
}

void kcoap_observe_close(struct kcoap_net *kn, struct kcoap_resource *res)
{
	lockdep_assert_held(&kn->lock);
	stub.closes++;
}

void kcoap_requests_purge(struct kcoap_net *kn, struct kcoap_daemon *d,
			  struct kcoap_resource *r, struct kcoap_endpoint *ep)
{
	lockdep_assert_held(&kn->lock);
	stub.purges++;
	if (d || ep || !r) {
		stub.purged_other = true;
		return;
	}
	strscpy(stub.purged_path, r->link.path, sizeof(stub.purged_path));
	stub.purged_owner = r->owner->portid;
}

void kcoap_requests_mark_dead(struct kcoap_net *kn, struct kcoap_daemon *d)
{
	lockdep_assert_held(&kn->lock);
	stub.marks++;
	stub.marked_portid = d->portid;
	stub.marked_nres = d->nres;
	d->dead = true;
}

/* ---- fixture ---------------------------------------------------------- */

static unsigned int res_saved_max;

static int res_test_init(struct kunit *test)
{
	struct kcoap_net *kn;
	int err;

	memset(&stub, 0, sizeof(stub));
	res_saved_max = *kcoap_test_max_resources();
	kn = kunit_kzalloc(test, sizeof(*kn), GFP_KERNEL);
	if (!kn)
		return -ENOMEM;
	mutex_init(&kn->lock);
	err = kcoap_resources_init(kn);
	if (err)
		return err;
	test->priv = kn;
	return 0;
}

static void res_test_exit(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;

	*kcoap_test_max_resources() = res_saved_max;
	if (!kn)	/* init failed; KUnit calls exit anyway */
		return;
	kcoap_resources_exit(kn);
	mutex_destroy(&kn->lock);
}

/* The resources are freed by call_rcu() callbacks in this module. */
static void res_suite_exit(struct kunit_suite *suite)
{
	rcu_barrier();
}

/* ---- helpers ---------------------------------------------------------- */

#define PORT_A	1001
#define PORT_B	1002
#define PORT_C	1003

static int res_add(struct kcoap_net *kn, u32 portid, const char *path)
{
	const struct kcoap_resource_spec spec = {
		.path = path,
		.methods = COAP_METHOD_BIT(COAP_METHOD_GET),
		.ct = -1,
	};

	return kcoap_resource_add(kn, portid, NULL, NULL, &spec);
}

static void res_add_ok(struct kunit *test, u32 portid, const char *path)
{
	KUNIT_ASSERT_EQ_MSG(test, res_add(test->priv, portid, path), 0,
			    "adding %s", path);
}

/* A test-managed, writable copy of @s. */
static char *res_strdup(struct kunit *test, const char *s, gfp_t gfp)
{
	char *d = kunit_kmalloc(test, strlen(s) + 1, gfp);

	if (d)
		strcpy(d, s);
	return d;
}

/* The owner's port id of the resource at @path, 0 if none. */
static u32 res_owner(struct kcoap_net *kn, const char *path)
{
	struct kcoap_resource *r;
	u32 portid = 0;

	rcu_read_lock();
	r = kcoap_resource_lookup(kn, path, strlen(path));
	if (r)
		portid = r->owner->portid;
	rcu_read_unlock();
	return portid;
}

static bool res_found(struct kcoap_net *kn, const char *path)
{
	return res_owner(kn, path) != 0;
}

static unsigned int res_ndaemons(struct kcoap_net *kn)
{
	struct kcoap_daemon *d;
	unsigned int n = 0;

	mutex_lock(&kn->lock);
	list_for_each_entry(d, &kn->daemons, node)
		n++;
	mutex_unlock(&kn->lock);
	return n;
}

static struct kcoap_repr *res_repr(struct kunit *test, const char *data,
				   u16 ct)
{
	size_t len = strlen(data);
	struct kcoap_repr *repr;

	/* freed by kcoap_resource_publish() or the table, not by KUnit */
	repr = kvzalloc(struct_size(repr, data, len), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, repr);
	repr->ct = ct;
	repr->max_age = 60;
	repr->len = len;
	memcpy(repr->data, data, len);
	return repr;
}

/*
 * The published representation of @path: its payload copied into @buf
 * (NUL-terminated), or false when nothing is published.
 */
static bool res_published(struct kcoap_net *kn, const char *path,
			  char *buf, size_t size)
{
	struct kcoap_resource *r;
	struct kcoap_repr *repr;
	bool ret = false;

	rcu_read_lock();
	r = kcoap_resource_lookup(kn, path, strlen(path));
	repr = r ? rcu_dereference(r->repr) : NULL;
	if (repr) {
		memcpy(buf, repr->data, min_t(size_t, repr->len, size - 1));
		buf[min_t(size_t, repr->len, size - 1)] = '\0';
		ret = true;
	}
	rcu_read_unlock();
	return ret;
}

/* The paths of kn->res_list in order, ","-separated, into @buf. */
static void res_list_paths(struct kcoap_net *kn, char *buf, size_t size)
{
	struct kcoap_resource *r;
	size_t len = 0;

	buf[0] = '\0';
	rcu_read_lock();
	list_for_each_entry_rcu(r, &kn->res_list, node)
		len += scnprintf(buf + len, size - len, "%s%s",
				 len ? "," : "", r->link.path);
	rcu_read_unlock();
}

/* ---- kcoap_path_valid ------------------------------------------------- */

static void res_path_valid(struct kunit *test)
{
	static const char * const ok[] = {
		"/", "/a", "/a/b", "/.well-known/core", "/temp/celcius",
		"/a.b", "/.x", "/..x", "/x.", "/...", "/a/b/c/d/e/f",
		"/ok-._~!$&()*+=:@/Z9",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++)
		KUNIT_EXPECT_TRUE_MSG(test, kcoap_path_valid(ok[i]),
				      "\"%s\" should be valid", ok[i]);
}

static void res_path_invalid(struct kunit *test)
{
	static const char * const bad[] = {
		"", "a", "a/b", ".", "//", "/a/", "/a//b", "//a", "/./x",
		"/../x", "/a/../b", "/a/./b", "/.", "/..", "/a/.", "/a/..",
		"/a/b/", "///",
		/* link-format separators, quotes, escapes, what needs %XX */
		"/a<b", "/a>b", "/a,b", "/a;b", "/a\"b", "/a'b", "/a b",
		"/%2e", "/a\\b", "/a\x01b", "/a\x7f", "/a\tb", "/caf\xc3\xa9",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_FALSE_MSG(test, kcoap_path_valid(bad[i]),
				       "\"%s\" should be invalid", bad[i]);
}

/* COAP_PATH_MAX counts the NUL: 255 characters fit, 256 do not. */
static void res_path_length(struct kunit *test)
{
	char *p = kunit_kmalloc(test, COAP_PATH_MAX + 1, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, COAP_PATH_MAX, 256);

	/* one segment */
	p[0] = '/';
	memset(p + 1, 'a', COAP_PATH_MAX - 1);
	p[COAP_PATH_MAX - 1] = '\0';
	KUNIT_EXPECT_EQ(test, strlen(p), (size_t)255);
	KUNIT_EXPECT_TRUE(test, kcoap_path_valid(p));
	p[COAP_PATH_MAX - 1] = 'a';
	p[COAP_PATH_MAX] = '\0';
	KUNIT_EXPECT_FALSE(test, kcoap_path_valid(p));

	/* many short segments: "/a/a/.../aa" */
	for (i = 0; i < COAP_PATH_MAX - 2; i++)
		p[i] = i % 2 ? 'a' : '/';
	p[COAP_PATH_MAX - 2] = 'a';
	p[COAP_PATH_MAX - 1] = '\0';
	KUNIT_EXPECT_EQ(test, strlen(p), (size_t)255);
	KUNIT_EXPECT_TRUE(test, kcoap_path_valid(p));
	p[COAP_PATH_MAX - 1] = 'a';
	p[COAP_PATH_MAX] = '\0';
	KUNIT_EXPECT_FALSE(test, kcoap_path_valid(p));
}

/* ---- add and lookup --------------------------------------------------- */

static void res_add_lookup(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	char *rt = res_strdup(test, "temperature-c core.s", GFP_KERNEL);
	char *if_ = res_strdup(test, "sensor", GFP_KERNEL);
	char *title = res_strdup(test, "Room temp", GFP_KERNEL);
	const struct kcoap_resource_spec spec = {
		.path = "/sensors/temp",
		.rt = rt,
		.if_ = if_,
		.title = title,
		.methods = COAP_METHOD_BIT(COAP_METHOD_GET) |
			   COAP_METHOD_BIT(COAP_METHOD_PUT),
		.ct = 40,
		.sz = 99,
		.obs = true,
	};
	struct kcoap_resource *r;

	KUNIT_ASSERT_NOT_NULL(test, rt);
	KUNIT_ASSERT_NOT_NULL(test, if_);
	KUNIT_ASSERT_NOT_NULL(test, title);
	KUNIT_ASSERT_EQ(test, kcoap_resource_add(kn, PORT_A, NULL, NULL, &spec), 0);
	KUNIT_EXPECT_EQ(test, kn->nresources, 1U);

	/* the table keeps its own copies of the strings */
	memset(rt, 'x', strlen(rt));
	memset(if_, 'x', strlen(if_));
	memset(title, 'x', strlen(title));

	rcu_read_lock();
	r = kcoap_resource_lookup(kn, "/sensors/temp", 13);
	KUNIT_EXPECT_NOT_NULL(test, r);
	if (r) {
		KUNIT_EXPECT_STREQ(test, r->link.path, "/sensors/temp");
		KUNIT_EXPECT_EQ(test, r->path_len, 13U);
		KUNIT_EXPECT_STREQ(test, r->link.rt, "temperature-c core.s");
		KUNIT_EXPECT_STREQ(test, r->link.if_, "sensor");
		KUNIT_EXPECT_STREQ(test, r->link.title, "Room temp");
		KUNIT_EXPECT_EQ(test, r->link.ct, 40);
		KUNIT_EXPECT_EQ(test, r->link.sz, 99U);
		KUNIT_EXPECT_TRUE(test, r->link.obs);
		KUNIT_EXPECT_EQ(test, r->methods, spec.methods);
		KUNIT_EXPECT_EQ(test, r->owner->portid, (u32)PORT_A);
		KUNIT_EXPECT_EQ(test, r->owner->nres, 1U);
		KUNIT_EXPECT_NULL(test, rcu_dereference(r->repr));
	}
	rcu_read_unlock();
}

static void res_add_null_attributes(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	struct kcoap_resource *r;

	res_add_ok(test, PORT_A, "/plain");
	rcu_read_lock();
	r = kcoap_resource_lookup(kn, "/plain", 6);
	KUNIT_EXPECT_NOT_NULL(test, r);
	if (r) {
		KUNIT_EXPECT_NULL(test, r->link.rt);
		KUNIT_EXPECT_NULL(test, r->link.if_);
		KUNIT_EXPECT_NULL(test, r->link.title);
		KUNIT_EXPECT_EQ(test, r->link.ct, -1);
	}
	rcu_read_unlock();
}

/* Lookup takes a length: the key is exactly path[0..len). */
static void res_lookup_length_matters(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	struct kcoap_resource *r;

	res_add_ok(test, PORT_A, "/a");
	res_add_ok(test, PORT_B, "/ab");

	KUNIT_EXPECT_EQ(test, res_owner(kn, "/a"), (u32)PORT_A);
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/ab"), (u32)PORT_B);
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/abc"));
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/"));
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/A"));

	rcu_read_lock();
	/* "/a" out of "/abc" */
	r = kcoap_resource_lookup(kn, "/abc", 2);
	KUNIT_EXPECT_TRUE(test, r && r->owner->portid == PORT_A);
	r = kcoap_resource_lookup(kn, "/abc", 3);
	KUNIT_EXPECT_TRUE(test, r && r->owner->portid == PORT_B);
	KUNIT_EXPECT_NULL(test, kcoap_resource_lookup(kn, "/abc", 4));
	KUNIT_EXPECT_NULL(test, kcoap_resource_lookup(kn, "/abc", 1));
	KUNIT_EXPECT_NULL(test, kcoap_resource_lookup(kn, "/abc", 0));
	rcu_read_unlock();
}

static void res_add_duplicate(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	struct kcoap_resource *r;

	res_add_ok(test, PORT_A, "/dup");
	KUNIT_EXPECT_EQ(test, res_add(kn, PORT_A, "/dup"), -EEXIST);
	KUNIT_EXPECT_EQ(test, res_add(kn, PORT_B, "/dup"), -EEXIST);
	KUNIT_EXPECT_EQ(test, kn->nresources, 1U);
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/dup"), (u32)PORT_A);
	/* the failed add of PORT_B left no daemon behind */
	KUNIT_EXPECT_EQ(test, res_ndaemons(kn), 1U);
	/* and PORT_A still counts one resource */
	rcu_read_lock();
	r = kcoap_resource_lookup(kn, "/dup", 4);
	KUNIT_EXPECT_TRUE(test, r && r->owner->nres == 1);
	rcu_read_unlock();
}

/* One daemon per port id, counting its resources. */
static void res_daemons(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;

	res_add_ok(test, PORT_A, "/a1");
	res_add_ok(test, PORT_A, "/a2");
	res_add_ok(test, PORT_B, "/b1");
	KUNIT_EXPECT_EQ(test, res_ndaemons(kn), 2U);
	KUNIT_EXPECT_EQ(test, kn->nresources, 3U);

	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/a1"), 0);
	KUNIT_EXPECT_EQ(test, res_ndaemons(kn), 2U);
	/* the daemon goes with its last resource ... */
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/a2"), 0);
	KUNIT_EXPECT_EQ(test, res_ndaemons(kn), 1U);
	/* ... and comes back with a new one */
	res_add_ok(test, PORT_A, "/a3");
	KUNIT_EXPECT_EQ(test, res_ndaemons(kn), 2U);
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/a3"), (u32)PORT_A);
	KUNIT_EXPECT_EQ(test, kn->nresources, 2U);
}

/* ---- delete ----------------------------------------------------------- */

static void res_del_by_owner(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;

	res_add_ok(test, PORT_A, "/gone");
	res_add_ok(test, PORT_A, "/stays");
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/gone"), 0);
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/gone"));
	KUNIT_EXPECT_TRUE(test, res_found(kn, "/stays"));
	KUNIT_EXPECT_EQ(test, kn->nresources, 1U);
	/* its pending requests were finished, and only those */
	KUNIT_EXPECT_EQ(test, stub.purges, 1U);
	KUNIT_EXPECT_STREQ(test, stub.purged_path, "/gone");
	KUNIT_EXPECT_EQ(test, stub.purged_owner, (u32)PORT_A);
	KUNIT_EXPECT_FALSE(test, stub.purged_other);
	KUNIT_EXPECT_EQ(test, stub.marks, 0U);
	/* its observers were told, once */
	KUNIT_EXPECT_EQ(test, stub.closes, 1U);
	/* the path is free again, for anyone */
	res_add_ok(test, PORT_B, "/gone");
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/gone"), (u32)PORT_B);
}

static void res_del_by_other(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;

	res_add_ok(test, PORT_A, "/mine");
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_B, NULL, "/mine"), -EPERM);
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/mine"), (u32)PORT_A);
	KUNIT_EXPECT_EQ(test, kn->nresources, 1U);
	KUNIT_EXPECT_EQ(test, stub.purges, 0U);
	/* a daemon that owns resources of its own is no better */
	res_add_ok(test, PORT_B, "/yours");
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_B, NULL, "/mine"), -EPERM);
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/mine"), (u32)PORT_A);
}

static void res_del_unknown(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;

	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/none"),
			-ENOENT);
	res_add_ok(test, PORT_A, "/a");
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/ab"), -ENOENT);
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/"), -ENOENT);
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/a"), 0);
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/a"), -ENOENT);
	KUNIT_EXPECT_EQ(test, stub.purges, 1U);
}

/* ---- publish ---------------------------------------------------------- */

static void res_publish_owner(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	struct kcoap_resource *r;
	struct kcoap_repr *repr, *p;
	char buf[32];

	res_add_ok(test, PORT_A, "/t");
	repr = res_repr(test, "22.5 C", 0);
	repr->etag_len = 2;
	repr->etag[0] = 0xab;
	repr->etag[1] = 0xcd;
	KUNIT_ASSERT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/t", repr),
			0);

	rcu_read_lock();
	r = kcoap_resource_lookup(kn, "/t", 2);
	KUNIT_EXPECT_NOT_NULL(test, r);
	p = r ? rcu_dereference(r->repr) : NULL;
	KUNIT_EXPECT_PTR_EQ(test, p, repr);
	if (p) {
		KUNIT_EXPECT_EQ(test, p->ct, 0);
		KUNIT_EXPECT_EQ(test, p->max_age, 60U);
		KUNIT_EXPECT_EQ(test, p->etag_len, 2);
		KUNIT_EXPECT_EQ(test, p->etag[1], 0xcd);
		KUNIT_EXPECT_EQ(test, p->len, 6U);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, res_published(kn, "/t", buf, sizeof(buf)));
	KUNIT_EXPECT_STREQ(test, buf, "22.5 C");

	/* a new one replaces the old */
	KUNIT_ASSERT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/t",
						     res_repr(test, "23", 50)),
			0);
	KUNIT_EXPECT_TRUE(test, res_published(kn, "/t", buf, sizeof(buf)));
	KUNIT_EXPECT_STREQ(test, buf, "23");
}

static void res_publish_by_other(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	char buf[32];

	res_add_ok(test, PORT_A, "/t");
	res_add_ok(test, PORT_B, "/u");
	/* the representation is consumed even when refused */
	KUNIT_EXPECT_EQ(test, kcoap_resource_publish(kn, PORT_B, NULL, "/t",
						     res_repr(test, "x", 0)),
			-EPERM);
	KUNIT_EXPECT_FALSE(test, res_published(kn, "/t", buf, sizeof(buf)));
	KUNIT_EXPECT_EQ(test, stub.notifies, 0U);

	KUNIT_ASSERT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/t",
						     res_repr(test, "a", 0)),
			0);
	/* observers hear of an accepted publish only */
	KUNIT_EXPECT_EQ(test, stub.notifies, 1U);
	KUNIT_EXPECT_EQ(test, kcoap_resource_publish(kn, PORT_B, NULL, "/t",
						     res_repr(test, "b", 0)),
			-EPERM);
	KUNIT_EXPECT_EQ(test, stub.notifies, 1U);
	KUNIT_EXPECT_TRUE(test, res_published(kn, "/t", buf, sizeof(buf)));
	KUNIT_EXPECT_STREQ(test, buf, "a");
	/* nor may another daemon withdraw it */
	KUNIT_EXPECT_EQ(test, kcoap_resource_publish(kn, PORT_B, NULL, "/t", NULL),
			-EPERM);
	KUNIT_EXPECT_TRUE(test, res_published(kn, "/t", buf, sizeof(buf)));
}

static void res_publish_unknown(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;

	KUNIT_EXPECT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/none",
						     res_repr(test, "x", 0)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/none",
						     NULL),
			-ENOENT);
	res_add_ok(test, PORT_A, "/a");
	KUNIT_EXPECT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/a/b",
						     res_repr(test, "x", 0)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, kn->nresources, 1U);
}

static void res_publish_null_withdraws(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	char buf[8];

	res_add_ok(test, PORT_A, "/w");
	/* withdrawing what was never published is fine */
	KUNIT_EXPECT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/w", NULL),
			0);
	KUNIT_ASSERT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/w",
						     res_repr(test, "on", 0)),
			0);
	KUNIT_EXPECT_TRUE(test, res_published(kn, "/w", buf, sizeof(buf)));
	KUNIT_EXPECT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/w", NULL),
			0);
	KUNIT_EXPECT_FALSE(test, res_published(kn, "/w", buf, sizeof(buf)));
	KUNIT_EXPECT_TRUE(test, res_found(kn, "/w"));
}

/* Deleting a resource frees what it had published (KASAN, kmemleak). */
static void res_del_published(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;

	res_add_ok(test, PORT_A, "/p");
	KUNIT_ASSERT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/p",
						     res_repr(test, "data", 0)),
			0);
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/p"), 0);
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/p"));
	/* left published for the exit hook to free */
	res_add_ok(test, PORT_A, "/q");
	KUNIT_ASSERT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/q",
						     res_repr(test, "data", 0)),
			0);
}

/* ---- daemon release --------------------------------------------------- */

static void res_daemon_release(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	char buf[64];

	res_add_ok(test, PORT_A, "/a1");
	res_add_ok(test, PORT_B, "/b1");
	res_add_ok(test, PORT_A, "/a2");
	res_add_ok(test, PORT_C, "/c1");
	res_add_ok(test, PORT_A, "/a3");
	res_add_ok(test, PORT_B, "/b2");
	KUNIT_ASSERT_EQ(test, kcoap_resource_publish(kn, PORT_A, NULL, "/a2",
						     res_repr(test, "x", 0)),
			0);

	kcoap_daemon_release(kn, PORT_A);
	KUNIT_EXPECT_EQ(test, stub.marks, 1U);
	KUNIT_EXPECT_EQ(test, stub.marked_portid, (u32)PORT_A);
	KUNIT_EXPECT_EQ(test, stub.marked_nres, 3U);
	KUNIT_EXPECT_EQ(test, stub.purges, 3U);
	KUNIT_EXPECT_FALSE(test, stub.purged_other);

	KUNIT_EXPECT_FALSE(test, res_found(kn, "/a1"));
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/a2"));
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/a3"));
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/b1"), (u32)PORT_B);
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/b2"), (u32)PORT_B);
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/c1"), (u32)PORT_C);
	KUNIT_EXPECT_EQ(test, kn->nresources, 3U);
	KUNIT_EXPECT_EQ(test, res_ndaemons(kn), 2U);
	res_list_paths(kn, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "/b1,/c1,/b2");

	/* the port id may register again afterwards */
	res_add_ok(test, PORT_A, "/a1");
	KUNIT_EXPECT_EQ(test, res_owner(kn, "/a1"), (u32)PORT_A);
}

/* A socket that registered nothing (or no longer owns anything). */
static void res_daemon_release_unknown(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;

	kcoap_daemon_release(kn, PORT_A);
	KUNIT_EXPECT_EQ(test, stub.marks, 0U);

	res_add_ok(test, PORT_A, "/a");
	res_add_ok(test, PORT_B, "/b");
	kcoap_daemon_release(kn, PORT_C);
	KUNIT_EXPECT_EQ(test, stub.marks, 0U);
	KUNIT_EXPECT_EQ(test, stub.purges, 0U);
	KUNIT_EXPECT_EQ(test, kn->nresources, 2U);

	/* released twice: the second time there is nothing left */
	kcoap_daemon_release(kn, PORT_A);
	kcoap_daemon_release(kn, PORT_A);
	KUNIT_EXPECT_EQ(test, stub.marks, 1U);
	KUNIT_EXPECT_EQ(test, stub.purges, 1U);
	KUNIT_EXPECT_TRUE(test, res_found(kn, "/b"));
}

/*
 * Netlink frees a port id before it reports the release: a socket that
 * binds the id meanwhile is a daemon of its own, and the release that
 * follows takes only the closed socket's resources.
 */
static void res_portid_reused(struct kunit *test)
{
	struct sock *old = kunit_kzalloc(test, sizeof(*old), GFP_KERNEL);
	struct sock *new = kunit_kzalloc(test, sizeof(*new), GFP_KERNEL);
	struct kcoap_resource_spec spec = { .methods = 2, .ct = -1 };
	struct kcoap_net *kn = test->priv;

	KUNIT_ASSERT_NOT_NULL(test, old);
	KUNIT_ASSERT_NOT_NULL(test, new);
	spec.path = "/old";
	KUNIT_ASSERT_EQ(test, kcoap_resource_add(kn, PORT_A, old, NULL, &spec), 0);
	sock_set_flag(old, SOCK_DEAD);

	KUNIT_EXPECT_EQ(test, kcoap_resource_publish(kn, PORT_A, new, "/old",
						     res_repr(test, "x", 0)),
			-EPERM);
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, new, "/old"),
			-EPERM);
	spec.path = "/new";
	KUNIT_ASSERT_EQ(test, kcoap_resource_add(kn, PORT_A, new, NULL, &spec), 0);
	KUNIT_EXPECT_EQ(test, res_ndaemons(kn), 2U);

	kcoap_daemon_release(kn, PORT_A);
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/old"));
	KUNIT_EXPECT_TRUE(test, res_found(kn, "/new"));
	KUNIT_EXPECT_EQ(test, stub.marks, 1U);
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, new, "/new"), 0);
}

/* ---- order, bounds, scale --------------------------------------------- */

static void res_registration_order(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	char buf[64];

	res_add_ok(test, PORT_A, "/c");
	res_add_ok(test, PORT_B, "/a");
	res_add_ok(test, PORT_A, "/d");
	res_add_ok(test, PORT_B, "/b");
	res_list_paths(kn, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "/c,/a,/d,/b");

	/* a failed add changes nothing */
	KUNIT_EXPECT_EQ(test, res_add(kn, PORT_A, "/a"), -EEXIST);
	res_list_paths(kn, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "/c,/a,/d,/b");

	/* re-registering moves a resource to the end */
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_B, NULL, "/a"), 0);
	res_add_ok(test, PORT_B, "/a");
	res_list_paths(kn, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "/c,/d,/b,/a");
}

static void res_max_resources(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;

	*kcoap_test_max_resources() = 3;	/* restored by res_test_exit */
	res_add_ok(test, PORT_A, "/1");
	res_add_ok(test, PORT_A, "/2");
	res_add_ok(test, PORT_B, "/3");
	KUNIT_EXPECT_EQ(test, res_add(kn, PORT_A, "/4"), -ENOSPC);
	KUNIT_EXPECT_EQ(test, res_add(kn, PORT_C, "/4"), -ENOSPC);
	KUNIT_EXPECT_EQ(test, kn->nresources, 3U);
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/4"));
	/* the refused PORT_C got no daemon */
	KUNIT_EXPECT_EQ(test, res_ndaemons(kn), 2U);
	/* a duplicate at the limit is refused too, one way or the other */
	KUNIT_EXPECT_NE(test, res_add(kn, PORT_A, "/1"), 0);
	KUNIT_EXPECT_EQ(test, kn->nresources, 3U);

	/* room again after a delete */
	KUNIT_EXPECT_EQ(test, kcoap_resource_del(kn, PORT_A, NULL, "/2"), 0);
	res_add_ok(test, PORT_C, "/4");
	KUNIT_EXPECT_EQ(test, res_add(kn, PORT_C, "/5"), -ENOSPC);

	/* the limit applies to new registrations only */
	*kcoap_test_max_resources() = 1;
	KUNIT_EXPECT_EQ(test, res_add(kn, PORT_A, "/5"), -ENOSPC);
	KUNIT_EXPECT_EQ(test, kn->nresources, 3U);
	KUNIT_EXPECT_TRUE(test, res_found(kn, "/1"));
	KUNIT_EXPECT_TRUE(test, res_found(kn, "/4"));
}

#define RES_MANY	2000

static void res_many(struct kunit *test)
{
	struct kcoap_net *kn = test->priv;
	unsigned int i, nb = 0, missing = 0;
	struct kcoap_resource *r;
	char path[32];

	for (i = 0; i < RES_MANY; i++) {
		snprintf(path, sizeof(path), "/r/%u", i);
		KUNIT_ASSERT_EQ_MSG(test, res_add(kn, PORT_A + i % 3, path), 0,
				    "adding %s", path);
		if (PORT_A + i % 3 == PORT_B)
			nb++;
	}
	KUNIT_EXPECT_EQ(test, kn->nresources, (unsigned int)RES_MANY);
	for (i = 0; i < RES_MANY; i++) {
		snprintf(path, sizeof(path), "/r/%u", i);
		if (res_owner(kn, path) != PORT_A + i % 3)
			missing++;
	}
	KUNIT_EXPECT_EQ(test, missing, 0U);
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/r/2000"));
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/r/"));
	KUNIT_EXPECT_FALSE(test, res_found(kn, "/r"));

	/* the list has them all, in order */
	i = 0;
	mutex_lock(&kn->lock);
	list_for_each_entry(r, &kn->res_list, node) {
		snprintf(path, sizeof(path), "/r/%u", i++);
		if (strcmp(r->link.path, path))
			missing++;
	}
	mutex_unlock(&kn->lock);
	KUNIT_EXPECT_EQ(test, i, (unsigned int)RES_MANY);
	KUNIT_EXPECT_EQ(test, missing, 0U);

	/* one daemon's share goes, the rest are still found */
	kcoap_daemon_release(kn, PORT_B);
	KUNIT_EXPECT_EQ(test, stub.purges, nb);
	for (i = 0; i < RES_MANY; i++) {
		snprintf(path, sizeof(path), "/r/%u", i);
		if (res_found(kn, path) != (PORT_A + i % 3 != PORT_B))
			missing++;
	}
	KUNIT_EXPECT_EQ(test, missing, 0U);
	KUNIT_EXPECT_EQ(test, kn->nresources, RES_MANY - nb);
}

static struct kunit_case coap_resource_cases[] = {
	KUNIT_CASE(res_path_valid),
	KUNIT_CASE(res_path_invalid),
	KUNIT_CASE(res_path_length),
	KUNIT_CASE(res_add_lookup),
	KUNIT_CASE(res_add_null_attributes),
	KUNIT_CASE(res_lookup_length_matters),
	KUNIT_CASE(res_add_duplicate),
	KUNIT_CASE(res_daemons),
	KUNIT_CASE(res_del_by_owner),
	KUNIT_CASE(res_del_by_other),
	KUNIT_CASE(res_del_unknown),
	KUNIT_CASE(res_publish_owner),
	KUNIT_CASE(res_publish_by_other),
	KUNIT_CASE(res_publish_unknown),
	KUNIT_CASE(res_publish_null_withdraws),
	KUNIT_CASE(res_del_published),
	KUNIT_CASE(res_daemon_release),
	KUNIT_CASE(res_daemon_release_unknown),
	KUNIT_CASE(res_portid_reused),
	KUNIT_CASE(res_registration_order),
	KUNIT_CASE(res_max_resources),
	KUNIT_CASE(res_many),
	{}
};

static struct kunit_suite coap_resource_suite = {
	.name = "coap_resource",
	.init = res_test_init,
	.exit = res_test_exit,
	.suite_exit = res_suite_exit,
	.test_cases = coap_resource_cases,
};

kunit_test_suite(coap_resource_suite);
