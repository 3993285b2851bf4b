#!/bin/bash
# A third-party check of what the module puts on the wire: Wireshark's CoAP
# dissector (tshark) reads a capture of pings, discovery, errors and a
# malformed request, and must find every message well-formed and as meant.
. "$(dirname "$0")/lib.sh"
cap=$(mktemp -d)/coap.pcap
tshark -q -i lo -f "udp port $PORT" -w "$cap" >/dev/null 2>&1 &
tsh=$!
# dumpcap needs a moment before it sees packets
for _ in $(seq 100); do [ -s "$cap" ] && break; sleep 0.1; done
sleep 1
$COAPTOOL raw 127.0.0.1 $PORT 40001234 >/dev/null
$COAPTOOL req 127.0.0.1 $PORT --path .well-known/core --token aabb --mid 4097 >/dev/null
$COAPTOOL req 127.0.0.1 $PORT --path no/where --mid 4098 >/dev/null
$COAPTOOL req ::1 $PORT --type non --path .well-known/core --mid 4099 >/dev/null
$COAPTOOL raw 127.0.0.1 $PORT 49010005 >/dev/null	# token length 9: RST
sleep 1
kill -INT $tsh
wait $tsh 2>/dev/null
fields() {
	tshark -r "$cap" -Y "udp.srcport == $PORT" -T fields -E separator=' ' \
		-e coap.type -e coap.code -e coap.mid -e coap.token -e coap.opt.ctype "$@" 2>/dev/null |
		sed 's/ *$//'
}
out=$(fields)
echo "$out" | sed 's/^/#   sent: /'
check "Reset to the ping (type 3, code 0, MID 4660)" grep -qx '3 0 4660' <<<"$out"
check "piggybacked 2.05 with token and Content-Format 40" grep -qx '2 69 4097 aabb application/link-format' <<<"$out"
check "piggybacked 4.04" grep -qE '^2 132 4098 ' <<<"$out"
check "NON 2.05 over IPv6" grep -qE '^1 69 [0-9]+ [0-9a-f]+ application/link-format$' <<<"$out"
check "Reset to the malformed CON (MID 5)" grep -qx '3 0 5' <<<"$out"
bad=$(tshark -r "$cap" -Y "udp.srcport == $PORT && (_ws.malformed || _ws.expert.severity >= warning)" 2>/dev/null | wc -l)
check "the dissector finds nothing malformed or suspicious in what we sent" test "$bad" = 0
n=$(tshark -r "$cap" -Y "udp.srcport == $PORT && coap" 2>/dev/null | wc -l)
check "it decoded all 5 of our messages as CoAP ($n)" test "$n" = 5
rm -rf "$(dirname "$cap")"
finish
