// SPDX-License-Identifier: GPL-2.0
/*
 * The pure units under test, compiled into coap_kunit.ko.  Including the
 * sources (rather than exporting their symbols from coap.ko) keeps coap.ko's
 * symbol table private and lets the suites run without the module loaded.
 */
#include "../../kernel/codec.c"
