// SPDX-License-Identifier: GPL-2.0
/*
 * The id through which every layer finds its namespace's state (struct
 * kcoap_net, kcoap_pernet() in kcoap.h).  main.c's pernet_operations fill
 * it at module init; it lives at the bottom so that finding the state is
 * not a call up into the module's init code.
 */
#include "kcoap.h"

unsigned int kcoap_net_id __read_mostly;
