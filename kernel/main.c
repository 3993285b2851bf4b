// SPDX-License-Identifier: GPL-2.0
/*
 * kcoap module init/exit and per-netns state.
 *
 * At load, endpoints are opened in the initial network namespace on
 * addr4:port and [addr6]:port when the operator set port (module
 * parameters): by default none is, since socket(..., IPPROTO_COAP) loads
 * the module for any user and that must not expose a server.  Every
 * namespace gets its counters; namespace exit and module unload close
 * the endpoints.
 */
#include <linux/inet.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <net/netns/generic.h>

#include "blockwise.h"
#include "kcoap.h"
#include "observe.h"
#include "request.h"
#include "resource.h"
#include "stats.h"
#include <uapi/linux/coap.h>

static ushort port;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "UDP port of the endpoints opened at load, e.g. 5683 (default 0: none; coapd or coapctl open them)");

static char *addr4 = "0.0.0.0";
module_param(addr4, charp, 0444);
MODULE_PARM_DESC(addr4, "IPv4 address to bind at load (default 0.0.0.0; empty: no IPv4 endpoint)");

static char *addr6 = "::";
module_param(addr6, charp, 0444);
MODULE_PARM_DESC(addr6, "IPv6 address to bind at load (default ::; empty: no IPv6 endpoint)");

static int __net_init kcoap_net_init(struct net *net)
{
	struct kcoap_net *kn = kcoap_pernet(net);
	int err;

	kn->net = net;
	get_random_bytes(&kn->hash_key, sizeof(kn->hash_key));
	mutex_init(&kn->lock);
	INIT_LIST_HEAD(&kn->endpoints);
	kcoap_requests_init(kn);
	kcoap_observe_init(kn);
	kcoap_block_init(kn);
	err = kcoap_resources_init(kn);
	if (err)
		return err;
	err = kcoap_stats_init(kn);
	if (err)
		kcoap_resources_exit(kn);
	return err;
}

/*
 * The namespace is going: its endpoints take no new work from here on.
 * The core waits one grace period for every namespace going at once
 * before any .exit runs, so receivers that saw them live are done by then.
 */
static void __net_exit kcoap_net_pre_exit(struct net *net)
{
	kcoap_endpoints_mark_dead(kcoap_pernet(net));
}

static void __net_exit kcoap_net_exit(struct net *net)
{
	struct kcoap_net *kn = kcoap_pernet(net);

	/* endpoints first: their pending requests go with them */
	kcoap_endpoints_close_all(kn);
	kcoap_resources_exit(kn);
	kcoap_requests_exit(kn);
	kcoap_observe_exit(kn);
	kcoap_block_exit(kn);
	kcoap_stats_exit(kn);
}

static struct pernet_operations kcoap_net_ops = {
	.init = kcoap_net_init,
	.pre_exit = kcoap_net_pre_exit,
	.exit = kcoap_net_exit,
	.id = &kcoap_net_id,
	.size = sizeof(struct kcoap_net),
};

/*
 * Parse a load-time address into a sockaddr: 1 to open it, 0 if none is
 * wanted (empty, or port 0: checked all the same), -EINVAL if malformed.
 */
static int kcoap_param_addr(const char *s, int family,
			    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (!s || !*s)
		return 0;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (!in4_pton(s, -1, (u8 *)&sin->sin_addr, -1, NULL))
			return -EINVAL;
	} else {
		struct sockaddr_in6 *sin6 = (void *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (!in6_pton(s, -1, (u8 *)&sin6->sin6_addr, -1, NULL))
			return -EINVAL;
	}
	return port ? 1 : 0;
}

static int kcoap_open_initial(void)
{
	struct kcoap_net *kn = kcoap_pernet(&init_net);
	static const int families[] = { AF_INET, AF_INET6 };
	struct sockaddr_storage ss;
	struct kcoap_endpoint *ep;
	int i, err;

	for (i = 0; i < ARRAY_SIZE(families); i++) {
		const char *s = families[i] == AF_INET ? addr4 : addr6;

		err = kcoap_param_addr(s, families[i], &ss);
		if (err < 0) {
			pr_err("coap: cannot parse address '%s'\n", s);
			return err;
		}
		if (!err || (families[i] == AF_INET6 && !IS_ENABLED(CONFIG_IPV6)))
			continue;
		ep = kcoap_endpoint_open(kn, (struct sockaddr *)&ss, NULL);
		if (IS_ERR(ep)) {
			pr_err("coap: cannot open endpoint %pISpc: %ld\n", &ss,
			       PTR_ERR(ep));
			return PTR_ERR(ep);
		}
		pr_info("coap: endpoint %pISpc\n", &ss);
	}
	return 0;
}

static int __init kcoap_init(void)
{
	int err;

	kcoap_stats_gauge(COAP_STATS_A_DEDUP_ENTRIES, kcoap_dedup_gauge);
	kcoap_stats_gauge(COAP_STATS_A_EXCHANGES, kcoap_exchanges_gauge);
	kcoap_stats_gauge(COAP_STATS_A_OBSERVERS, kcoap_observe_gauge);
	kcoap_stats_gauge(COAP_STATS_A_BLOCK1_BUFFERS, kcoap_block1_gauge);
	kcoap_stats_gauge(COAP_STATS_A_BLOCK2_CACHED, kcoap_block2_gauge);
	err = kcoap_requests_module_init();
	if (err)
		return err;
	err = register_pernet_subsys(&kcoap_net_ops);
	if (err) {
		kcoap_requests_module_exit();
		return err;
	}
	err = kcoap_open_initial();
	if (err)
		goto fail;	/* pernet exit closes whatever did open */
	err = kcoap_netlink_init();
	if (err)
		goto fail;
	err = kcoap_sock_init_module();
	if (err) {
		kcoap_netlink_exit();
		goto fail;
	}
	return 0;
fail:
	unregister_pernet_subsys(&kcoap_net_ops);
	kcoap_requests_module_exit();
	return err;
}

static void __exit kcoap_exit(void)
{
	kcoap_sock_exit_module();
	kcoap_netlink_exit();
	unregister_pernet_subsys(&kcoap_net_ops);
	/* resources and CoAP sockets are freed by callbacks in this module */
	rcu_barrier();
	kcoap_requests_module_exit();
}

module_init(kcoap_init);
module_exit(kcoap_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("CoAP (RFC 7252) messaging layer");
MODULE_AUTHOR("kcoap developers");
