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
for _ in $(seq 50); do
	[ "$(stat rx_datagrams)" ] && "$TOP/userspace/coapctl/coapctl" resource list 2>/dev/null | grep -q /alarm && break
	sleep 0.1
done

# libcoap: -v 6 prints each PDU ("v:1 t:ACK c:2.05 ... :: 'payload'")
lc() { timeout 15 coap-client-notls -v 6 -B 5 "$@" 2>&1 | grep -E '^v:1 t:(ACK|NON|CON)' | tail -n 1; }

r=$(lc -m get coap://127.0.0.1/.well-known/core)
check "libcoap: discovery lists /temp/celcius with its attributes" \
	grep -qF '</temp/celcius>;rt="temperature-c";if="sensor";ct=0;title="Temperature (Celsius)";obs' <<<"$r"
check "libcoap: discovery lists /alarm with its attributes" grep -qF '</alarm>;rt="alarm";if="actuator";obs' <<<"$r"
check "libcoap: discovery is 2.05 link-format" grep -q "c:2.05.*Content-Format:application/link-format" <<<"$r"

fast0=$(stat req_fast)
r=$(lc -m get coap://127.0.0.1/temp/celcius)
check "libcoap: GET /temp/celcius is 2.05 21.5" grep -q "c:2.05.*:: '21.5'" <<<"$r"
check "  answered by the kernel (req_fast moved)" test "$(stat req_fast)" -gt "$fast0"
r=$(lc -m put -e 23.25 coap://127.0.0.1/temp/celcius)
check "libcoap: PUT /temp/celcius 23.25 is 2.04 Changed with the new content" grep -q "c:2.04.*:: '23.25'" <<<"$r"
r=$(lc -m get coap://[::1]/temp/celcius)
check "libcoap: GET over IPv6 shows 23.25" grep -q "c:2.05.*:: '23.25'" <<<"$r"
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
expect "node-coap: GET /temp/celcius is 23.25 text/plain" "$r" '.code == "2.05" and .payload == "23.25" and .format == "text/plain"'
r=$($NODE put coap://127.0.0.1/temp/celcius 19.0)
expect "node-coap: PUT /temp/celcius is 2.04 with the new content" "$r" '.code == "2.04" and .payload == "19.0"'
r=$($NODE get coap://[::1]/temp/celcius)
expect "node-coap: GET over IPv6 is 19.0" "$r" '.code == "2.05" and .payload == "19.0"'
r=$($NODE put coap://127.0.0.1/alarm OFF)
expect "node-coap: PUT /alarm OFF is 2.04 OFF" "$r" '.code == "2.04" and .payload == "OFF"'
r=$($NODE get coap://127.0.0.1/alarm)
expect "node-coap: GET /alarm is OFF" "$r" '.code == "2.05" and .payload == "OFF"'
r=$($NODE post coap://127.0.0.1/nothing x)
expect "node-coap: POST to an unknown path is 4.04" "$r" '.code == "4.04"'

kill $coapd
wait $coapd
check "coapd exits 0 on SIGTERM" test $? = 0
r=$(lc -m get coap://127.0.0.1/alarm)
check "after coapd exits its resources are gone (4.04)" grep -q "c:4.04" <<<"$r"
check "rx_datagrams equals the sum of outcome counters" stats_balanced
finish
