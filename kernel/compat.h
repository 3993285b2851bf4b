/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels kcoap builds against (Debian's 6.1.y,
 * which carries backports, and 6.12), detected by probing headers in
 * Kbuild rather than by version number:
 *   KCOAP_HAVE_PROTO_SENDPAGE  struct proto still has .sendpage (gone in
 *                              6.5); sock.c clears UDP's, which would
 *                              bypass the CoAP message layer.
 * The other APIs the module uses (udp_tunnel_xmit_skb,
 * udp_tunnel6_xmit_skb, ipv6_stub->ipv6_dst_lookup_flow,
 * proc_create_net_single, inet_register_protosw) have the same signatures
 * in both.
 */
#ifndef _KCOAP_COMPAT_H
#define _KCOAP_COMPAT_H

#endif /* _KCOAP_COMPAT_H */
