/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What units.c offers the suites beyond the units' own headers: access to
 * statics of the included sources that a suite needs to change.
 */
#ifndef _KCOAP_KUNIT_UNITS_H
#define _KCOAP_KUNIT_UNITS_H

/* resource.c's max_resources module parameter */
unsigned int *kcoap_test_max_resources(void);

#endif /* _KCOAP_KUNIT_UNITS_H */
