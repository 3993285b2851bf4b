#!/bin/bash
# The skeleton server: discovery with a real client over IPv4 and IPv6,
# ping, response codes, piggybacked vs NON responses, rejection rules of
# RFC 7252 sections 4.2, 4.3 and 5.4.1.  Runs inside UML with coap.ko loaded.
# smp-run: yes
. "$(dirname "$0")/lib.sh"

# --- a real client: libcoap ---
for host in 127.0.0.1 '[::1]'; do
	out=$(timeout 10 coap-client-notls -v 7 -B 3 -m get "coap://$host/.well-known/core" 2>&1)
	if grep -q 'c:2.05' <<<"$out" && grep -q 'Content-Format:application/link-format' <<<"$out"; then
		ok "libcoap GET /.well-known/core over $host: 2.05 link-format"
	else
		not_ok "libcoap GET /.well-known/core over $host: 2.05 link-format"
		sed 's/^/#   /' <<<"$out" | tail -n 20
	fi
	out=$(timeout 10 coap-client-notls -v 7 -B 3 -m get "coap://$host/nothing/here" 2>&1)
	check "libcoap GET unknown path over $host: 4.04" grep -q 'c:4.04' <<<"$out"
done

# --- exact checks with the raw client ---
for host in 127.0.0.1 ::1; do
	r=$($COAPTOOL req $host $PORT --token a1b2 --mid 4660 --path .well-known/core)
	expect "CON GET wk/core [$host]: piggybacked 2.05, MID and token echoed, ct 40" "$r" \
		'.type == "ACK" and .code == "2.05" and .mid == 4660 and .token == "a1b2" and .options == [[12, "28"]]'
done

r=$($COAPTOOL req 127.0.0.1 $PORT --type non --mid 100 --token 77 --path .well-known/core)
expect "NON GET: NON 2.05 response with its own MID, token echoed" "$r" \
	'.type == "NON" and .code == "2.05" and .mid != 100 and .token == "77"'

r=$($COAPTOOL raw 127.0.0.1 $PORT 40001234)
expect "CoAP ping (empty CON) gets RST with its MID" "$r" \
	'.type == "RST" and .code == "0.00" and .mid == 4660 and .token == ""'
r=$($COAPTOOL raw ::1 $PORT 4000abcd)
expect "CoAP ping over IPv6 gets RST" "$r" '.type == "RST" and .mid == 43981'

r=$($COAPTOOL req 127.0.0.1 $PORT --path a/b/c)
expect "unknown path: 4.04" "$r" '.type == "ACK" and .code == "4.04"'
r=$($COAPTOOL req 127.0.0.1 $PORT --code 0.02 --path .well-known/core --payload x)
expect "POST to wk/core: 4.05" "$r" '.code == "4.05"'
r=$($COAPTOOL req 127.0.0.1 $PORT --code 0.04 --path .well-known/core)
expect "DELETE to wk/core: 4.05" "$r" '.code == "4.05"'
r=$($COAPTOOL req 127.0.0.1 $PORT --code 0.05 --path .well-known/core)
expect "unknown method 0.05: 4.05" "$r" '.code == "4.05"'
r=$($COAPTOOL req 127.0.0.1 $PORT --path .well-known/core --opt 9=01)
expect "unrecognised critical option 9 in CON: 4.02" "$r" '.code == "4.02" and .type == "ACK"'
r=$($COAPTOOL req 127.0.0.1 $PORT --path .well-known/core --opt 2048=01)
expect "unrecognised elective option 2048 is ignored: 2.05" "$r" '.code == "2.05"'
r=$($COAPTOOL req 127.0.0.1 $PORT --path .well-known/core --opt 35=636f61703a2f2f782f)
expect "Proxy-Uri: 5.05" "$r" '.code == "5.05"'

before=$(stat drop_bad_option_non)
r=$($COAPTOOL req 127.0.0.1 $PORT --type non --timeout 0.5 --path .well-known/core --opt 9=01)
expect "unrecognised critical option in NON: no answer" "$r" '.reply == null'
check "  ... counted in drop_bad_option_non" test "$(stat drop_bad_option_non)" = $((before + 1))

# rejection of malformed or context-less messages
r=$($COAPTOOL raw 127.0.0.1 $PORT 49010001 0.5)
expect "CON with token length 9: RST" "$r" '.type == "RST" and .mid == 1'
r=$($COAPTOOL raw 127.0.0.1 $PORT 59010002 0.5)
expect "NON with token length 9: silently dropped" "$r" '.reply == null'
r=$($COAPTOOL raw 127.0.0.1 $PORT 80010003 0.5)
expect "version 2: silently dropped" "$r" '.reply == null'
r=$($COAPTOOL raw 127.0.0.1 $PORT 4001 0.5)
expect "3-byte datagram: silently dropped" "$r" '.reply == null'
r=$($COAPTOOL raw 127.0.0.1 $PORT 41000004aa 0.5)
expect "empty CON with a token: RST (format error)" "$r" '.type == "RST" and .mid == 4'
r=$($COAPTOOL raw 127.0.0.1 $PORT 40010005ff 0.5)
expect "payload marker with no payload in CON: RST" "$r" '.type == "RST" and .mid == 5'
r=$($COAPTOOL raw 127.0.0.1 $PORT 40450006 0.5)
expect "CON 2.05 response without an exchange: RST" "$r" '.type == "RST" and .mid == 6'
r=$($COAPTOOL raw 127.0.0.1 $PORT 50450007 0.5)
expect "NON response without an exchange: dropped" "$r" '.reply == null'
r=$($COAPTOOL raw 127.0.0.1 $PORT 40e00008 0.5)
expect "CON with reserved code 7.00: RST" "$r" '.type == "RST" and .mid == 8'
r=$($COAPTOOL raw 127.0.0.1 $PORT 60000009 0.5)
expect "unmatched empty ACK: dropped" "$r" '.reply == null'
r=$($COAPTOOL raw 127.0.0.1 $PORT 7000000a 0.5)
expect "unmatched RST: dropped" "$r" '.reply == null'
r=$($COAPTOOL raw 127.0.0.1 $PORT 5000000b 0.5)
expect "empty NON: dropped" "$r" '.reply == null'
r=$($COAPTOOL raw 127.0.0.1 $PORT 6001000c 0.5)
expect "ACK carrying a request: dropped" "$r" '.reply == null'

check "rx_datagrams equals the sum of outcome counters" stats_balanced
for k in drop_token_length drop_version drop_short drop_empty_not_empty \
	 drop_marker_no_payload drop_response_no_context drop_reserved_code \
	 drop_unmatched_ack drop_unmatched_rst drop_empty_non \
	 drop_ack_with_request rx_pings; do
	v=$(stat $k)
	check "counter $k moved ($v)" test "${v:-0}" -ge 1
done
finish
