# Shared by scripts/build-uml and scripts/build-smp (sourced, not run): the
# Linux source tree both test kernels build from, and the check that a
# config fragment took.  Uses the caller's top, obj and die.
# shellcheck shell=bash

tarball=/usr/src/linux-source-6.1.tar.xz
src=$top/build/linux-source-6.1
patches=$top/scripts/uml-patches

[ -f "$tarball" ] || die "$tarball missing: run scripts/install-deps (package linux-source-6.1)"
# The tree's stamp: the package version and the patches applied to it.
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
srcstamp="$pkgver $(cat "$patches"/*.patch | sha256sum | cut -c1-16)"

# unpack_source: unpack the tree anew (and drop the caller's objects) unless
# its stamp is current.  The patches fix UML 6.1 on today's hosts (each says
# why) and change only what UML builds (arch/um, and arch/x86 code UML
# shares only under CONFIG_UML), so other architectures build from the same
# tree.
unpack_source() {
	[ -f "$src/.kcoap-src" ] && [ "$(cat "$src/.kcoap-src")" = "$srcstamp" ] && return 0
	echo "$(basename "$0"): unpacking linux-source-6.1 $pkgver"
	rm -rf "$src" "$obj"
	mkdir -p "$top/build"
	tar -C "$top/build" -xJf "$tarball" || die "unpacking $tarball failed"
	for p in "$patches"/*.patch; do
		patch -d "$src" -p1 -s --forward < "$p" || die "applying $p failed"
	done
	echo "$srcstamp" > "$src/.kcoap-src"
}

# check_fragment FRAG: every symbol FRAG asks for survived Kconfig in
# $obj/.config.
check_fragment() {
	local line sym val bad=0 me
	me=$(basename "$0")
	while IFS= read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		sym=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$sym=" "$obj/.config" && { echo "$me: $sym should be off" >&2; bad=1; }
		else
			grep -qx "$line" "$obj/.config" || { echo "$me: $line did not take (see Kconfig dependencies)" >&2; bad=1; }
		fi
	done < "$1"
	[ $bad = 0 ] || die "config fragment not applied"
}
