# kcoap top-level Makefile.  See README.md for the commands that matter.
#
#   make uml        build the UML test kernel (build/uml)
#   make module     build coap.ko (+ coap_kunit.ko) against KDIR
#   make check      every test (what CI runs)
#   make demo       boot the test kernel and talk to the module
#   make KDIR=/lib/modules/$(uname -r)/build module   for a real kernel

TOP := $(CURDIR)
KDIR ?= $(TOP)/build/uml
# A UML tree needs ARCH=um; a distribution's headers need nothing.
KARCH := $(if $(shell grep -s '^CONFIG_UML=y' $(KDIR)/.config),ARCH=um)
KMAKE = $(MAKE) -C $(KDIR) $(KARCH) M=$(TOP)

.PHONY: all uml module modules_clean check demo fuzz clean deps

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

check:
	scripts/test-all

demo:
	scripts/demo

clean: modules_clean
	$(MAKE) -C tests/fuzz clean
