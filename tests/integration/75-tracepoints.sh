#!/bin/bash
# Tracepoints: one exchange followed through events/coap with tracefs.
. "$(dirname "$0")/lib.sh"
NL="python3 $TOP/tests/integration/nltool.py"
T=/sys/kernel/debug/tracing
[ -d $T/events ] || mount -t tracefs tracefs $T 2>/dev/null
for e in coap_rx coap_tx coap_retransmit coap_duplicate coap_timeout coap_daemon_timeout; do
	check "event $e exists" test -d $T/events/coap/$e
done
echo 1 > $T/events/coap/enable
echo > $T/trace

$COAPTOOL raw 127.0.0.1 $PORT 40005678 >/dev/null
tr=$(cat $T/trace)
check "coap_rx shows the ping: peer, CON 0.00, MID" grep -qE 'coap_rx: peer=127\.0\.0\.1:[0-9]+ type=CON code=0\.00 mid=22136 token= len=4' <<<"$tr"
check "coap_tx shows the Reset" grep -qE 'coap_tx: peer=127\.0\.0\.1:[0-9]+ type=RST code=0\.00 mid=22136' <<<"$tr"

dout=$(mktemp) dout2=$(mktemp)
for a in 0.0.0.0:5683 [::]:5683; do
	$NL call endpoint_set addr=addr:$a param.ack_timeout_ms=100 param.ack_delay_ms=50 param.max_retransmit=2 >/dev/null
done
$NL daemon --hold 600 --delay 0.3 --answer 2.05:x path=/t methods=2 > "$dout" &
d=$!
wait_until grep -q '"ready"' "$dout"
echo > $T/trace
$COAPTOOL req ::1 $PORT --path t --token c0ffee --mid 777 --sport 41500 >/dev/null
$COAPTOOL req ::1 $PORT --path t --token c0ffee --mid 777 --sport 41500 >/dev/null
# the unacknowledged separate response: the client listens until the
# kernel has given up on it (exchange_timeout, MAX_TRANSMIT_WAIT after it)
to0=$(stat exchange_timeout)
over=$(mktemp -u)
$COAPTOOL separate ::1 $PORT t 120 --until "$over" >/dev/null &
sp=$!
wait_until -t $(( $(proto_secs max_transmit_wait) + MARGIN )) stat_at_least exchange_timeout $((to0 + 1))
touch "$over"
wait $sp
rm -f "$over"
tr=$(cat $T/trace)
check "coap_rx with IPv6 peer and token" grep -qE 'coap_rx: peer=\[::1\]:41500 type=CON code=0\.01 mid=777 token=c0ffee' <<<"$tr"
check "coap_duplicate for the repeated MID" grep -qE 'coap_duplicate: peer=\[::1\]:41500 type=CON code=0\.01 mid=777 token=c0ffee' <<<"$tr"
check "coap_tx of the empty ACK" grep -qE 'coap_tx: .* type=ACK code=0\.00 mid=777' <<<"$tr"
check "coap_tx of the separate CON 2.05" grep -qE 'coap_tx: .* type=CON code=2\.05 .* token=c0ffee' <<<"$tr"
check "coap_retransmit of the unacknowledged separate response" grep -qE 'coap_retransmit: peer=\[::1\]:[0-9]+ type=CON code=2\.05' <<<"$tr"
check "coap_timeout when MAX_RETRANSMIT ran out" grep -qE 'coap_timeout: peer=\[::1\]:[0-9]+ type=CON code=2\.05' <<<"$tr"
kill $d
wait $d 2>/dev/null

# a daemon that never answers: coap_daemon_timeout names the request
echo 300 >/sys/module/coap/parameters/request_timeout_ms
$NL daemon --hold 600 --ignore path=/slow methods=4 > "$dout2" &
d=$!
wait_until grep -q '"ready"' "$dout2"
echo > $T/trace
# --timeout is a bound: the 5.03 comes after request_timeout_ms
r=$($COAPTOOL req 127.0.0.1 $PORT --code 0.02 --path slow --token beef --mid 4242 --timeout 30)
tr=$(cat $T/trace)
expect "the client got 5.03 after request_timeout_ms" "$r" '.code == "5.03" and .token == "beef"'
check "coap_daemon_timeout: the POST's peer, type, code, MID and token" \
	grep -qE 'coap_daemon_timeout: peer=127\.0\.0\.1:[0-9]+ type=CON code=0\.02 mid=4242 token=beef len=6' <<<"$tr"
echo 5000 >/sys/module/coap/parameters/request_timeout_ms
echo 0 > $T/events/coap/enable
kill $d
wait $d 2>/dev/null
rm -f "$dout" "$dout2"
finish
