/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels kcoap builds against (Debian's 6.1.y,
 * which carries backports, and 6.12), detected by probing headers in the
 * Makefile rather than by version number.  Nothing differs yet for the
 * APIs the module uses: udp_tunnel_xmit_skb, udp_tunnel6_xmit_skb,
 * ipv6_stub->ipv6_dst_lookup_flow and proc_create_net_single have the same
 * signatures in both.
 */
#ifndef _KCOAP_COMPAT_H
#define _KCOAP_COMPAT_H

#endif /* _KCOAP_COMPAT_H */
