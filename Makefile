# kcoap top-level Makefile.  See README.md for the commands that matter.
#
#   make uml        build the UML test kernel (build/uml)
#   make module     build coap.ko (+ coap_kunit.ko) against KDIR
#   make check      every test (what CI runs)
#   make demo       boot the test kernel and talk to the module
#   make fuzz-kernel SECONDS=1800   random operations against the module
#   make KDIR=/lib/modules/$(uname -r)/build module   for a real kernel
#   make install    module for the running kernel (or KDIR), tools, library,
#                   /etc/coapd.conf, coapd.service, modules-load.d and
#                   modprobe.d files; DESTDIR=/stage and PREFIX= work

TOP := $(CURDIR)
# install targets are for a real kernel: the running one unless KDIR says
ifneq ($(filter install install-module,$(MAKECMDGOALS)),)
KDIR ?= /lib/modules/$(shell uname -r)/build
endif
KDIR ?= $(TOP)/build/uml
# A UML tree needs ARCH=um; a distribution's headers need nothing.
KARCH := $(if $(shell grep -s '^CONFIG_UML=y' $(KDIR)/.config),ARCH=um)
KMAKE = $(MAKE) -C $(KDIR) $(KARCH) M=$(TOP)

.PHONY: all uml module modules_clean check demo fuzz fuzz-kernel clean deps \
	install install-module install-userspace

all: module

deps:
	scripts/install-deps

uml:
	scripts/build-uml

module:
	@test -d $(KDIR) || { echo "no kernel tree at $(KDIR): run 'make uml' or set KDIR"; exit 1; }
	$(KMAKE) W=1 modules

modules_clean:
	-@test -d $(KDIR) && $(KMAKE) clean

fuzz:
	$(MAKE) -C tests/fuzz run

# Random operations against the module in the debug UML kernel
# (tests/kfuzz): SECONDS of it, seed after seed; SEED= to start from one,
# RUNNER= for another kernel runner (default scripts/uml-run).
SECONDS ?= 60
fuzz-kernel: module
	tests/kfuzz/run --seconds $(SECONDS) $(if $(SEED),--seed $(SEED)) \
		$(if $(RUNNER),--runner $(RUNNER))

check:
	scripts/test-all

demo:
	scripts/demo

clean: modules_clean
	$(MAKE) -C tests/fuzz clean

# The module goes to /lib/modules/<its vermagic release>/updates (ahead of
# the kernel's own modules for depmod); /etc files that an operator edits
# are never overwritten.  depmod runs only for a live install (no DESTDIR).
install: install-module install-userspace

install-module:
	@test -d $(KDIR) || { echo "no kernel headers at $(KDIR): install linux-headers-$$(uname -r) or set KDIR"; exit 1; }
	$(KMAKE) modules
	@set -e; kver=$$(modinfo -F vermagic $(TOP)/coap.ko | cut -d' ' -f1); \
	echo "install coap.ko -> $(DESTDIR)/lib/modules/$$kver/updates/coap.ko"; \
	install -D -m 644 $(TOP)/coap.ko $(DESTDIR)/lib/modules/$$kver/updates/coap.ko; \
	install -D -m 644 scripts/etc/modules-load.d/coap.conf $(DESTDIR)/etc/modules-load.d/coap.conf; \
	if [ -e $(DESTDIR)/etc/modprobe.d/coap.conf ]; then \
		echo "keeping $(DESTDIR)/etc/modprobe.d/coap.conf"; \
	else \
		install -D -m 644 scripts/etc/modprobe.d/coap.conf $(DESTDIR)/etc/modprobe.d/coap.conf; \
	fi; \
	if [ -z "$(DESTDIR)" ]; then depmod -a $$kver; \
	else echo "DESTDIR set: run 'depmod -a $$kver' on the target"; fi

install-userspace:
	$(MAKE) -C userspace install
	@if [ -z "$(DESTDIR)" ]; then \
		ldconfig; \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
		echo "enable the daemon with: systemctl enable --now coapd"; \
	fi

# Benchmarks (not a test): boots the UML test kernel once and prints a
# table; tests/bench/README.md.  BENCH_SECONDS=N to change the run length.
.PHONY: bench
bench:
	tests/bench/run
