// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns counters and their /proc/net/coap_stats view ("name value"
 * lines, one per counter, in enum order).
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/netns/generic.h>

#include "kcoap.h"

#define KCOAP_STAT_NAME(id, name) [KCOAP_STAT_##id] = name,
static const char * const kcoap_stat_names[__KCOAP_STAT_MAX] = {
	KCOAP_STATS(KCOAP_STAT_NAME)
};

#undef KCOAP_STAT_NAME

u64 kcoap_stat_read(struct kcoap_net *kn, enum kcoap_stat id)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(kn->stats, cpu)->v[id]);
	return sum;
}

static int kcoap_stats_show(struct seq_file *seq, void *v)
{
	struct kcoap_net *kn = kcoap_pernet(seq_file_single_net(seq));
	int i;

	for (i = 0; i < __KCOAP_STAT_MAX; i++)
		seq_printf(seq, "%s %llu\n", kcoap_stat_names[i],
			   kcoap_stat_read(kn, i));
	return 0;
}

int kcoap_stats_init(struct kcoap_net *kn)
{
	kn->stats = alloc_percpu(struct kcoap_stats);
	if (!kn->stats)
		return -ENOMEM;
	if (!proc_create_net_single("coap_stats", 0444, kn->net->proc_net,
				    kcoap_stats_show, NULL)) {
		free_percpu(kn->stats);
		kn->stats = NULL;
		return -ENOMEM;
	}
	return 0;
}

void kcoap_stats_exit(struct kcoap_net *kn)
{
	remove_proc_entry("coap_stats", kn->net->proc_net);
	free_percpu(kn->stats);
	kn->stats = NULL;
}
