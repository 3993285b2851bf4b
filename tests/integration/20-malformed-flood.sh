#!/bin/bash
# 10,000 random and mutated datagrams over IPv4 and IPv6: no kernel report
# (uml-run scans the console), every datagram accounted for in exactly one
# outcome counter, every Reset and response the kernel counts arrives.
. "$(dirname "$0")/lib.sh"

total=0
for host in 127.0.0.1 ::1; do
	b_rx=$(stat rx_datagrams) b_rst=$(stat tx_rst) b_tx=$(stat tx_datagrams)
	r=$($COAPTOOL fuzz $host $PORT 5000 $RANDOM)
	echo "# $host: $r"
	sent=$(jq .sent <<<"$r")
	got=$(jq '[.replies[]] | add' <<<"$r")
	rst=$(jq .replies.RST <<<"$r")
	total=$((total + sent))
	check "[$host] every datagram reached the module ($sent)" \
		test $(( $(stat rx_datagrams) - b_rx )) = "$sent"
	check "[$host] replies received equal tx_datagrams ($got)" \
		test $(( $(stat tx_datagrams) - b_tx )) = "$got"
	check "[$host] Resets received equal tx_rst ($rst)" \
		test $(( $(stat tx_rst) - b_rst )) = "$rst"
	check "[$host] no malformed replies" test "$(jq .replies.malformed <<<"$r")" = 0
done
check "10,000 datagrams sent" test $total = 10000
check "rx_datagrams equals the sum of outcome counters" stats_balanced
check "no transmit errors" test "$(stat tx_errors)" = 0
check "module still answers after the flood" \
	sh -c "$COAPTOOL raw 127.0.0.1 $PORT 4000beef | jq -e '.type == \"RST\"' >/dev/null"
grep -E '^(rx|drop|tx)_' /proc/net/coap_stats | awk '$2 != 0 { print "#   " $0 }'
finish
