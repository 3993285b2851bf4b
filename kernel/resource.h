/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The resource table of a network namespace: what daemons registered, the
 * representations they published, and who owns what.
 */
#ifndef _KCOAP_RESOURCE_H
#define _KCOAP_RESOURCE_H

#include <linux/types.h>

#include "owner.h"

/* What a registration asks for; strings may be NULL except path. */
struct kcoap_resource_spec {
	const char *path, *rt, *if_, *title;
	u32 methods;
	int ct;
	u32 sz;
	bool obs;
	u32 notify_con;			/* 0: the module default */
};

int kcoap_resources_init(struct kcoap_net *kn);
void kcoap_resources_exit(struct kcoap_net *kn);

/* Caller holds rcu_read_lock; the result is valid until it drops it. */
struct kcoap_resource *kcoap_resource_lookup(struct kcoap_net *kn,
					     const char *path, u32 len);

/* Process context; they take kcoap_net.lock. */
bool kcoap_path_valid(const char *path);
/* A daemon is named by its netlink port id and socket (see nlsk). */
int kcoap_resource_add(struct kcoap_net *kn, u32 portid,
		       const struct sock *nlsk,
		       const struct kcoap_owner_ops *ops,
		       const struct kcoap_resource_spec *spec);
int kcoap_resource_del(struct kcoap_net *kn, u32 portid,
		       const struct sock *nlsk, const char *path);
int kcoap_resource_publish(struct kcoap_net *kn, u32 portid,
			   const struct sock *nlsk, const char *path,
			   struct kcoap_repr *repr);
void kcoap_daemon_release(struct kcoap_net *kn, u32 portid);

#endif /* _KCOAP_RESOURCE_H */
