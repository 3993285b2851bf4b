#!/bin/bash
# Deduplication bounds at their smallest: max_dedup_per_peer=1 makes each
# request from a peer evict that peer's previous record (the eviction
# frees the peer's bookkeeping, which the new record must not reuse), and
# 0 admits no request to a daemon at all.
. "$(dirname "$0")/lib.sh"
NL="python3 $TOP/tests/integration/nltool.py"
P=/sys/module/coap/parameters
tmp=$(mktemp -d)

$NL daemon --hold 120 path=/quick methods=2 > "$tmp/quick" &
wait_until grep -q ready "$tmp/quick"
delta() { echo $(( $(stat "$1") - $2 )); }

echo 1 > $P/max_dedup_per_peer
ev0=$(stat dedup_evicted)
codes=""
for m in 1 2 3 4 5; do
	codes="$codes $($COAPTOOL req 127.0.0.1 $PORT --path quick --mid $((6000 + m)) --sport 41100 | jq -r .code)"
done
check "max_dedup_per_peer=1: five requests from one peer are answered 2.05 ($codes )" \
	test "$codes" = " 2.05 2.05 2.05 2.05 2.05"
check "  each after the first evicted its predecessor's record" test "$(delta dedup_evicted $ev0)" = 4
check "  one record is left for that peer" test "$(stat dedup_entries)" -ge 1
r=$($COAPTOOL req 127.0.0.1 $PORT --path quick --mid 6001 --sport 41101)
expect "  another peer is not affected" "$r" '.code == "2.05"'

echo 0 > $P/max_dedup_per_peer
r=$($COAPTOOL req 127.0.0.1 $PORT --path quick --mid 6100 --sport 41102)
expect "max_dedup_per_peer=0: a request to a daemon gets 5.03" "$r" '.code == "5.03"'
echo 256 > $P/max_dedup_per_peer
r=$($COAPTOOL req 127.0.0.1 $PORT --path quick --mid 6101 --sport 41102)
expect "  256 again: answered" "$r" '.code == "2.05"'
pkill -f "nltool.py daemon" 2>/dev/null
rm -rf "$tmp"
finish
