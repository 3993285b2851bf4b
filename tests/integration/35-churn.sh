#!/bin/bash
# Churn: floods of requests, observe registrations and Block1 uploads from
# many ports while endpoints, resources, daemons, CoAP sockets and
# namespaces come and go (tests/integration/churntool.py, seeded; the seed
# is printed), then the module itself goes under traffic.  No kernel report
# (uml-run and smp-run scan the console), and every gauge returns to zero.
# smp-run: yes
. "$(dirname "$0")/lib.sh"
CHURN="python3 $TOP/tests/integration/churntool.py"
RACE="python3 $TOP/tests/integration/racetool.py"
P=/sys/module/coap/parameters
SECS=${CHURN_SECONDS:-90}

gauge_in() { ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/coap_stats; }
gauges_zero() {
	local g v
	for g in exchanges dedup_entries observers block1_buffers block2_cached; do
		v=$(gauge_in "$1" $g)
		[ "$v" = 0 ] || { echo "# $g $v" > "$tmp/gauges"; return 1; }
	done
}
tmp=$(mktemp -d)

# short lifetimes: what the churn leaves behind expires within seconds
echo 1000 > $P/request_timeout_ms
echo 2000 > $P/block_timeout_ms
ip netns add kch
ip -n kch link set lo up
ip netns exec kch tc qdisc add dev lo root netem delay 1ms 1ms

r=$(ip netns exec kch $CHURN "$SECS")
echo "# churn: $r"
expect "churn for ${SECS}s: every process ran to the end" "$r" '.failed == 0 and .datagrams > 0 and .netns > 0'
ep_del_all() {
	ip netns exec kch python3 "$TOP/tests/integration/nltool.py" dump endpoint_get |
		jq -r .addr | while read -r a; do
			ip netns exec kch python3 "$TOP/tests/integration/nltool.py" \
				call endpoint_del "addr=addr:$a" >/dev/null
		done
}
name="every gauge returns to zero (exchanges, dedup, observers, block-wise)"
if wait_until -t 120 gauges_zero kch; then ok "$name"; else not_ok "$name"; cat "$tmp/gauges"; fi
ep_del_all
check "the churn namespace exits" ip netns delete kch

# finally the module, with a daemon, its requests and a flood in flight;
# requests wait for the silent daemon longer than the test takes, so they
# pile up however slowly the flood arrives
echo 600000 > $P/request_timeout_ms
$RACE hold --port 5683 > "$tmp/hold" &
hold=$!
wait_until grep -q ready "$tmp/hold"
check "  requests pile up for a silent daemon" wait_until stat_at_least exchanges 20
check "rmmod under traffic" rmmod coap
kill -9 $hold "$(pgrep -P $hold)" 2>/dev/null
pkill -9 -f "racetool.py" 2>/dev/null
wait 2>/dev/null
check "reload" insmod "$TOP/coap.ko"
rm -rf "$tmp"
finish
