#!/usr/bin/env bash
# scripts/layers on kernel/ as it is (must agree with kernel/LAYERS), and on
# three altered maps it must refuse: a unit moved below what it calls, a
# stale allow line, a unit left out.  Needs the objects of `make module`.
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
expect() {	# expect NAME RC PATTERN -- CMD...
	local name=$1 rc=$2 pat=$3 out got
	shift 4
	out=$("$@" 2>&1)
	got=$?
	if [ "$got" = "$rc" ] && grep -q -- "$pat" <<<"$out"; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit $got)"
		sed 's/^/#   /' <<<"$out"
		fails=$((fails + 1))
	fi
}

expect "kernel/ agrees with its layer map" 0 "edges between them" -- \
	scripts/layers
# sock moved down to the pure layer: its calls into the message layer
# become upward edges
sed -e 's/^\(8 [^:]*:.*\) sock\b/\1/' -e 's/^\(1 pure:.*\)$/\1 sock/' \
	kernel/LAYERS > "$tmp/upward"
expect "an upward edge is refused" 1 "not allowed: sock -> .* (layer 1 -> " -- \
	scripts/layers --map "$tmp/upward"
{ cat kernel/LAYERS; echo "allow codec -> sock call"; } > "$tmp/stale"
expect "an allow line no longer needed is refused" 1 'stale: "allow codec -> sock call"' -- \
	scripts/layers --map "$tmp/stale"
sed 's/^\(1 pure:.*\) codec\b/\1/' kernel/LAYERS > "$tmp/unmapped"
expect "a unit missing from the map is refused" 1 "codec: not in the layer map" -- \
	scripts/layers --map "$tmp/unmapped"
expect "JSON output parses" 0 "" -- \
	sh -c 'scripts/layers --json | python3 -c "import json,sys; json.load(sys.stdin)"'
[ "$fails" = 0 ]
