#!/bin/bash
# Our example resources, served by coapd with the shipped example config
# (userspace/coapd/coapd.conf), driven by two clients nobody here wrote:
# libcoap's coap-client-notls and node-coap.
. "$(dirname "$0")/lib.sh"
COAPD=$TOP/userspace/coapd/coapd
NODE="node $TOP/tests/integration/nodecoap.js"
[ -x "$COAPD" ] || make -s -C "$TOP/userspace" >/dev/null

"$COAPD" -c "$TOP/userspace/coapd/coapd.conf" 2>/tmp/coapd-examples.log &
coapd=$!
# coapd is ready once its resources are registered
registered() { "$TOP/userspace/coapctl/coapctl" resource list 2>/dev/null | grep -q /alarm; }
check "coapd registers the example resources" wait_until registered

# libcoap: -v 6 prints each PDU ("v:1 t:ACK c:2.05 ... :: 'payload'")
lc() { timeout 15 coap-client-notls -v 6 -B 5 "$@" 2>&1 | grep -E '^v:1 t:(ACK|NON|CON)' | tail -n 1; }

r=$(lc -m get coap://127.0.0.1/.well-known/core)
check "libcoap: discovery lists /temp/celcius with its attributes" \
	grep -qF '</temp/celcius>;rt="temperature-c";if="sensor";ct=0;title="Temperature (Celsius)";obs' <<<"$r"
check "libcoap: discovery lists /alarm with its attributes" grep -qF '</alarm>;rt="alarm";if="actuator";obs' <<<"$r"
check "libcoap: discovery is 2.05 link-format" grep -q "c:2.05.*Content-Format:application/link-format" <<<"$r"

# /temp/celcius is padded to 1100 bytes: clients fetch it in blocks
# body URI: what libcoap's client prints as the payload (all blocks)
body() { timeout 15 coap-client-notls -B 5 "$@" 2>/dev/null; }
fast0=$(stat req_fast)
b2=$(stat block2_sent)
r=$(body -m get coap://127.0.0.1/temp/celcius)
check "libcoap: GET /temp/celcius is 21.5, fetched whole in blocks (1100 bytes)" \
	test "$(head -n 1 <<<"$r")" = 21.5 -a "$(printf %s "$r" | wc -c)" -ge 1099
check "  answered by the kernel (req_fast moved), in 2 blocks" \
	test "$(stat req_fast)" -ge $((fast0 + 2)) -a "$(stat block2_sent)" -ge $((b2 + 2))
r=$(body -m get -b 64 coap://127.0.0.1/temp/celcius)
check "libcoap: the same with 64-byte blocks (early negotiation)" \
	test "$(head -n 1 <<<"$r")" = 21.5 -a "$(printf %s "$r" | wc -c)" -ge 1099
r=$(lc -m put -e 23.25 coap://127.0.0.1/temp/celcius)
check "libcoap: PUT /temp/celcius 23.25 is 2.04 Changed with the new content" grep -q "c:2.04.*:: '23.25'" <<<"$r"
r=$(body -m get coap://[::1]/temp/celcius)
check "libcoap: GET over IPv6 shows 23.25 (padded)" test "$(head -n 1 <<<"$r")" = 23.25
r=$(lc -m put -e ON coap://127.0.0.1/alarm)
check "libcoap: PUT /alarm ON is 2.04 ON" grep -q "c:2.04.*:: 'ON'" <<<"$r"
r=$(lc -m get coap://127.0.0.1/alarm)
check "libcoap: GET /alarm is ON" grep -q "c:2.05.*:: 'ON'" <<<"$r"
r=$(lc -m put -e MAYBE coap://127.0.0.1/alarm)
check "libcoap: PUT /alarm MAYBE is 4.00" grep -q "c:4.00" <<<"$r"
r=$(lc -m delete coap://127.0.0.1/alarm)
check "libcoap: DELETE /alarm is 4.05 (not in its methods)" grep -q "c:4.05" <<<"$r"

r=$($NODE get 'coap://127.0.0.1/.well-known/core')
expect "node-coap: discovery lists both" "$r" \
	'.code == "2.05" and .format == "application/link-format" and (.payload | contains("</temp/celcius>")) and (.payload | contains("</alarm>"))'
r=$($NODE get 'coap://127.0.0.1/.well-known/core?rt=alarm')
expect "node-coap: discovery filtered by rt=alarm" "$r" '.payload == "</alarm>;rt=\"alarm\";if=\"actuator\";obs"'
r=$($NODE get coap://127.0.0.1/temp/celcius)
expect "node-coap: GET /temp/celcius is 23.25 text/plain, all 1100 bytes" "$r" \
	'.code == "2.05" and (.payload | startswith("23.25\n")) and (.payload | length) == 1100 and .format == "text/plain"'
r=$($NODE put coap://127.0.0.1/temp/celcius 19.0)
expect "node-coap: PUT /temp/celcius is 2.04 with the new content" "$r" '.code == "2.04" and .payload == "19.0"'
r=$($NODE get coap://[::1]/temp/celcius)
expect "node-coap: GET over IPv6 is 19.0 (padded)" "$r" '.code == "2.05" and (.payload | startswith("19.0\n"))'
r=$($NODE put coap://127.0.0.1/alarm OFF)
expect "node-coap: PUT /alarm OFF is 2.04 OFF" "$r" '.code == "2.04" and .payload == "OFF"'
r=$($NODE get coap://127.0.0.1/alarm)
expect "node-coap: GET /alarm is OFF" "$r" '.code == "2.05" and .payload == "OFF"'
r=$($NODE post coap://127.0.0.1/nothing x)
expect "node-coap: POST to an unknown path is 4.04" "$r" '.code == "4.04"'

# /alarm is observable: every observer hears each PUT of ON or OFF.  The
# observers run until they have what they wait for (node-coap and the raw
# ones stop by themselves after 2 notifications, libcoap's is stopped once
# its output shows both); their 90 s are only a bound.
W=$(mktemp -d)
timeout 120 coap-client-notls -s 90 -B 100 coap://127.0.0.1/alarm >"$W/lc4" 2>&1 &
l4=$!
timeout 120 coap-client-notls -s 90 -B 100 'coap://[::1]/alarm' >"$W/lc6" 2>&1 &
l6=$!
timeout 120 node "$TOP/tests/integration/nodecoap.js" observe coap://127.0.0.1/alarm 90 2 >"$W/nc" 2>&1 &
n1=$!
python3 "$TOP/tests/integration/obstool.py" many 127.0.0.1 5683 alarm 20 --seconds 90 \
	--expect 2 --ready "$W/many.ready" >"$W/many" &
m=$!
# the kernel's count of observers: all 23 registered before the first PUT
wait_until stat_at_least observers 23
obs=$(stat observers)
n0=$(stat obs_notifications)
r=$(lc -m put -e ON coap://127.0.0.1/alarm)
check "PUT /alarm ON while $obs clients observe it: 2.04" grep -q "c:2.04" <<<"$r"
# ON went to every observer before OFF is published (else OFF, the newer
# state, may rightly replace it where a CON notification is in flight)
wait_until stat_at_least obs_notifications $((n0 + obs))
r=$(lc -m put -e OFF coap://127.0.0.1/alarm)
check "  then PUT /alarm OFF: 2.04" grep -q "c:2.04" <<<"$r"
# libcoap's client prints each payload as it comes: stop it once both came
on_off() { tr -d '\r' < "$1" | tr '\n' ' ' | grep -q 'OFF.*ON.*OFF'; }
wait_until on_off "$W/lc4"
wait_until on_off "$W/lc6"
kill -INT $l4 $l6
wait $l4 $l6 $n1 $m
check "23 observers were registered (2 libcoap, node-coap, 20 raw)" test "$obs" -ge 23
check "libcoap (IPv4) observing /alarm was notified of ON then OFF" on_off "$W/lc4"
check "libcoap (IPv6) observing /alarm was notified of ON then OFF" on_off "$W/lc6"
check "node-coap observing /alarm was notified of ON then OFF" \
	sh -c "grep -q '\"payload\":\"ON\"' '$W/nc' && grep -q '\"payload\":\"OFF\"' '$W/nc'"
check "20 raw observers each got both notifications" \
	test "$(jq -c '.registered == 20 and (.counts | min) >= 2' "$W/many")" = true
rm -rf "$W"

kill $coapd
wait $coapd
check "coapd exits 0 on SIGTERM" test $? = 0
r=$(lc -m get coap://127.0.0.1/alarm)
check "after coapd exits its resources are gone (4.04)" grep -q "c:4.04" <<<"$r"
check "rx_datagrams equals the sum of outcome counters" stats_balanced
finish
