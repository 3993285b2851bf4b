#!/bin/bash
# A third-party check of what the module puts on the wire: Wireshark's CoAP
# dissector (tshark) reads a capture of pings, discovery, errors and a
# malformed request, and must find every message well-formed and as meant.
. "$(dirname "$0")/lib.sh"
cap=$(mktemp -d)/coap.pcap
# tshark prints a line per packet as it goes (-l -P) besides writing the
# capture: a datagram to the discard port (9, also captured, never ours)
# showing up there means the capture runs; one sent after our messages
# showing up means everything before it is in
tshark -l -P -i lo -f "udp port $PORT or udp port 9" -w "$cap" >"$cap.txt" 2>/dev/null &
tsh=$!
probes() { grep -c ' 9 Len=' "$cap.txt"; }
probe_seen() { echo probe > /dev/udp/127.0.0.1/9; [ "$(probes)" -gt "$1" ]; }
check "tshark captures on lo" wait_until probe_seen 0
$COAPTOOL raw 127.0.0.1 $PORT 40001234 >/dev/null
$COAPTOOL req 127.0.0.1 $PORT --path .well-known/core --token aabb --mid 4097 >/dev/null
$COAPTOOL req 127.0.0.1 $PORT --path no/where --mid 4098 >/dev/null
$COAPTOOL req ::1 $PORT --type non --path .well-known/core --mid 4099 >/dev/null
$COAPTOOL raw 127.0.0.1 $PORT 49010005 >/dev/null	# token length 9: RST
wait_until probe_seen "$(probes)"
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
