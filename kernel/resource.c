// SPDX-License-Identifier: GPL-2.0
/*
 * Resource table: an rhashtable by path for the receive path (RCU
 * lookups in softirq, cost independent of the table size) and a list in
 * registration order for discovery and dumps.  Writers hold kcoap_net.lock.
 * Resources and daemon records are allocated on behalf of the netlink
 * caller and charged to its memory cgroup (GFP_KERNEL_ACCOUNT).
 */
#include <linux/jhash.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kcoap.h"
#include "observe.h"
#include "request.h"
#include "resource.h"

static unsigned int max_resources = 100000;
module_param(max_resources, uint, 0644);
MODULE_PARM_DESC(max_resources, "Resources per network namespace (default 100000)");

struct kcoap_path_key {
	const char *s;
	u32 len;
};

static u32 kcoap_res_hash(const void *data, u32 len, u32 seed)
{
	const struct kcoap_path_key *k = data;

	return jhash(k->s, k->len, seed);
}

static u32 kcoap_res_obj_hash(const void *data, u32 len, u32 seed)
{
	const struct kcoap_resource *r = data;

	return jhash(r->link.path, r->path_len, seed);
}

static int kcoap_res_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct kcoap_path_key *k = arg->key;
	const struct kcoap_resource *r = obj;

	return r->path_len != k->len || memcmp(r->link.path, k->s, k->len);
}

static const struct rhashtable_params kcoap_res_params = {
	.head_offset = offsetof(struct kcoap_resource, hnode),
	.hashfn = kcoap_res_hash,
	.obj_hashfn = kcoap_res_obj_hash,
	.obj_cmpfn = kcoap_res_cmp,
	.automatic_shrinking = true,
};

int kcoap_resources_init(struct kcoap_net *kn)
{
	INIT_LIST_HEAD(&kn->res_list);
	INIT_LIST_HEAD(&kn->daemons);
	kn->dump_gen = 1;
	return rhashtable_init(&kn->resources, &kcoap_res_params);
}

struct kcoap_resource *kcoap_resource_lookup(struct kcoap_net *kn,
					     const char *path, u32 len)
{
	struct kcoap_path_key key = { .s = path, .len = len };

	return rhashtable_lookup(&kn->resources, &key, kcoap_res_params);
}

/*
 * A segment byte: an RFC 3986 pchar that link-format carries unescaped
 * between < and > and that a client sends back as it is, i.e. unreserved
 * and sub-delims but ',' ';' and '\'' (link-format separators and a
 * quote), and ':' '@'; not '%' (a client would decode it).
 */
static bool kcoap_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-._~!$&()*+=:@", c));
}

/*
 * "/" alone, or "/seg(/seg)*" of kcoap_path_char() bytes with no empty,
 * "." or ".." segment.
 */
bool kcoap_path_valid(const char *path)
{
	const char *p = path, *seg;

	if (*p != '/' || strlen(path) >= COAP_PATH_MAX)
		return false;
	if (!p[1])
		return true;
	while (*p == '/') {
		seg = ++p;
		while (kcoap_path_char(*p))
			p++;
		if (p == seg || (p - seg == 1 && seg[0] == '.') ||
		    (p - seg == 2 && seg[0] == '.' && seg[1] == '.'))
			return false;
	}
	return !*p;
}

/*
 * The caller's record, made on its first resource: its socket is alive,
 * so a match is never stale.
 */
static struct kcoap_daemon *
kcoap_daemon_get(struct kcoap_net *kn, u32 portid, const struct sock *nlsk,
		 const struct kcoap_owner_ops *ops)
{
	struct kcoap_daemon *d;

	lockdep_assert_held(&kn->lock);
	list_for_each_entry(d, &kn->daemons, node)
		if (kcoap_daemon_is(d, portid, nlsk))
			return d;
	d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d)
		return NULL;
	d->memcg = get_mem_cgroup_from_mm(current->mm);
	d->ops = ops;
	d->portid = portid;
	d->nlsk = nlsk;
	list_add(&d->node, &kn->daemons);
	return d;
}

/* After RCU: receivers charge to d->memcg while they hold d. */
static void kcoap_daemon_free_rcu(struct rcu_head *head)
{
	struct kcoap_daemon *d = container_of(head, struct kcoap_daemon, rcu);

	mem_cgroup_put(d->memcg);
	kfree(d);
}

static void kcoap_daemon_put(struct kcoap_net *kn, struct kcoap_daemon *d)
{
	lockdep_assert_held(&kn->lock);
	if (--d->nres)
		return;
	list_del(&d->node);
	call_rcu(&d->rcu, kcoap_daemon_free_rcu);
}

/* Copy s into *pos (advancing it); NULL stays NULL. */
static const char *kcoap_strdup_into(char **pos, const char *s)
{
	char *d = *pos;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*pos += n;
	return d;
}

static size_t kcoap_strsize(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

int kcoap_resource_add(struct kcoap_net *kn, u32 portid,
		       const struct sock *nlsk,
		       const struct kcoap_owner_ops *ops,
		       const struct kcoap_resource_spec *spec)
{
	struct kcoap_resource *r;
	struct kcoap_path_key key;
	char *pos;
	int err;

	r = kzalloc(sizeof(*r) + kcoap_strsize(spec->path) +
		    kcoap_strsize(spec->rt) + kcoap_strsize(spec->if_) +
		    kcoap_strsize(spec->title), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	pos = r->strs;
	r->link.path = kcoap_strdup_into(&pos, spec->path);
	r->link.rt = kcoap_strdup_into(&pos, spec->rt);
	r->link.if_ = kcoap_strdup_into(&pos, spec->if_);
	r->link.title = kcoap_strdup_into(&pos, spec->title);
	r->link.ct = spec->ct;
	r->link.sz = spec->sz;
	r->link.obs = spec->obs;
	r->path_len = strlen(r->link.path);
	r->methods = spec->methods;
	kcoap_obs_list_init(&r->obs, spec->notify_con ?:
			    kcoap_notify_con_every());
	key.s = r->link.path;
	key.len = r->path_len;

	mutex_lock(&kn->lock);
	err = -ENOSPC;
	if (kn->nresources >= max_resources)
		goto fail;
	err = -ENOMEM;
	r->owner = kcoap_daemon_get(kn, portid, nlsk, ops);
	if (!r->owner)
		goto fail;
	err = rhashtable_lookup_insert_key(&kn->resources, &key, &r->hnode,
					   kcoap_res_params);
	if (err) {
		/* the daemon may have been created for this resource */
		r->owner->nres++;
		kcoap_daemon_put(kn, r->owner);
		goto fail;
	}
	r->owner->nres++;
	kn->nresources++;
	list_add_tail_rcu(&r->node, &kn->res_list);
	kcoap_dump_gen_bump(kn);
	mutex_unlock(&kn->lock);
	return 0;
fail:
	mutex_unlock(&kn->lock);
	kfree(r);
	return err;
}

static void kcoap_resource_free_rcu(struct rcu_head *head)
{
	struct kcoap_resource *r = container_of(head, struct kcoap_resource,
						rcu);

	kvfree(rcu_dereference_raw(r->repr));
	kfree(r);
}

/* Unlink r; pending requests for it are answered 5.03.  Holds lock. */
static void kcoap_resource_unlink(struct kcoap_net *kn,
				  struct kcoap_resource *r)
{
	lockdep_assert_held(&kn->lock);
	rhashtable_remove_fast(&kn->resources, &r->hnode, kcoap_res_params);
	list_del_rcu(&r->node);
	kcoap_dump_gen_bump(kn);
	kn->nresources--;
	/* a receiver that found r before the removal opens nothing after this */
	WRITE_ONCE(r->dead, true);
	kcoap_requests_purge(kn, NULL, r, NULL);
	kcoap_observe_close(kn, r);
	kcoap_daemon_put(kn, r->owner);
	call_rcu(&r->rcu, kcoap_resource_free_rcu);
}

static struct kcoap_resource *kcoap_resource_find(struct kcoap_net *kn,
						  const char *path)
{
	struct kcoap_path_key key = { .s = path, .len = strlen(path) };

	lockdep_assert_held(&kn->lock);
	return rhashtable_lookup_fast(&kn->resources, &key, kcoap_res_params);
}

int kcoap_resource_del(struct kcoap_net *kn, u32 portid,
		       const struct sock *nlsk, const char *path)
{
	struct kcoap_resource *r;
	int err = 0;

	mutex_lock(&kn->lock);
	r = kcoap_resource_find(kn, path);
	if (!r)
		err = -ENOENT;
	else if (!kcoap_daemon_is(r->owner, portid, nlsk))
		err = -EPERM;
	else
		kcoap_resource_unlink(kn, r);
	mutex_unlock(&kn->lock);
	return err;
}

int kcoap_resource_publish(struct kcoap_net *kn, u32 portid,
			   const struct sock *nlsk, const char *path,
			   struct kcoap_repr *repr)
{
	struct kcoap_repr *old = NULL;
	struct kcoap_resource *r;
	int err = 0;

	mutex_lock(&kn->lock);
	r = kcoap_resource_find(kn, path);
	if (!r) {
		err = -ENOENT;
	} else if (!kcoap_daemon_is(r->owner, portid, nlsk)) {
		err = -EPERM;
	} else {
		old = rcu_replace_pointer(r->repr, repr,
					  lockdep_is_held(&kn->lock));
		repr = NULL;
		kcoap_observe_notify(kn, r);
	}
	mutex_unlock(&kn->lock);
	if (old)
		kvfree_rcu(old, rcu);
	kvfree(repr);
	return err;
}

/*
 * A socket with this port id closed: its resources and requests go.  A
 * socket that has bound the id since is alive and keeps its own record.
 */
void kcoap_daemon_release(struct kcoap_net *kn, u32 portid)
{
	struct kcoap_resource *r, *tmp;
	struct kcoap_daemon *d, *dt;

	mutex_lock(&kn->lock);
	list_for_each_entry_safe(d, dt, &kn->daemons, node) {
		/* a record without a socket (KUnit) goes by port id alone */
		if (d->portid != portid || (d->nlsk && !kcoap_daemon_closing(d)))
			continue;
		kcoap_requests_mark_dead(kn, d);
		/* the last unlink frees d (a record always has a resource) */
		list_for_each_entry_safe(r, tmp, &kn->res_list, node)
			if (r->owner == d)
				kcoap_resource_unlink(kn, r);
	}
	mutex_unlock(&kn->lock);
}

void kcoap_resources_exit(struct kcoap_net *kn)
{
	struct kcoap_resource *r, *tmp;

	mutex_lock(&kn->lock);
	list_for_each_entry_safe(r, tmp, &kn->res_list, node)
		kcoap_resource_unlink(kn, r);
	mutex_unlock(&kn->lock);
	rhashtable_destroy(&kn->resources);
}
