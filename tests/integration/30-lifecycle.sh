#!/bin/bash
# Load, unload and reload; module parameters; bad parameters fail cleanly.
# Loads coap.ko itself:
# uml-run: --no-module
. "$(dirname "$0")/lib.sh"
KO=$TOP/coap.ko

ping_ok() { $COAPTOOL raw "$1" "$2" 40000001 1 | jq -e '.type == "RST"' >/dev/null; }
loaded() { grep -q '^coap ' /proc/modules; }

check "load with the defaults" insmod "$KO"
check "  opens no endpoint (nothing answers on 5683)" sh -c "! $COAPTOOL raw 127.0.0.1 5683 40000001 0.5 >/dev/null && ! $COAPTOOL raw ::1 5683 40000001 0.5 >/dev/null"
check "  unload" rmmod coap

for i in 1 2 3; do
	check "load #$i with port=5683" insmod "$KO" port=5683
	check "  ping over IPv4 after load #$i" ping_ok 127.0.0.1 5683
	check "  ping over IPv6 after load #$i" ping_ok ::1 5683
	check "  unload #$i" rmmod coap
	check "  port closed after unload #$i" sh -c "! $COAPTOOL raw 127.0.0.1 5683 40000001 0.5 >/dev/null"
done

check "load with port=5700 addr6= (IPv4 only)" insmod "$KO" port=5700 addr6=
check "  answers on 5700" ping_ok 127.0.0.1 5700
check "  nothing on 5683" sh -c "! $COAPTOOL raw 127.0.0.1 5683 40000001 0.5 >/dev/null"
check "  no IPv6 endpoint" sh -c "! $COAPTOOL raw ::1 5700 40000001 0.5 >/dev/null"
check "  unload" rmmod coap

check "load bound to 127.0.0.2 only" insmod "$KO" port=5683 addr4=127.0.0.2 addr6=
check "  answers on 127.0.0.2" ping_ok 127.0.0.2 5683
check "  not on 127.0.0.1" sh -c "! $COAPTOOL raw 127.0.0.1 5683 40000001 0.5 >/dev/null"
check "  unload" rmmod coap

check "bad addr4 is refused" sh -c "! insmod $KO addr4=not-an-address 2>/dev/null"
check "  and leaves nothing loaded" sh -c "! grep -q '^coap ' /proc/modules"
check "bad addr6 is refused" sh -c "! insmod $KO addr6=1:::2:: 2>/dev/null"
check "  and leaves nothing loaded" sh -c "! grep -q '^coap ' /proc/modules"

# a port already taken by someone else: the load fails with EADDRINUSE.
# The holder says when it has the port and keeps it until its input (a
# fifo) closes
hd=$(mktemp -d)
mkfifo "$hd/ctl"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5683))
open(sys.argv[1], "w").close()
sys.stdin.read()' "$hd/held" < "$hd/ctl" &
holder=$!
exec 4> "$hd/ctl"
check "another program holds UDP 5683" wait_until test -e "$hd/held"
check "port in use: load refused" sh -c "! insmod $KO port=5683 addr6= 2>/dev/null"
check "  and leaves nothing loaded" sh -c "! grep -q '^coap ' /proc/modules"
exec 4>&-
wait $holder	# gone, and its socket with it
rm -rf "$hd"

check "port=0 loads with no endpoint" insmod "$KO" port=0
check "  /proc/net/coap_stats present" test -r /proc/net/coap_stats
check "  unload" rmmod coap
check "/proc/net/coap_stats gone after unload" test ! -e /proc/net/coap_stats

# a namespace created and destroyed while loaded gets and drops its state
check "load for netns test" insmod "$KO"
check "  new netns has its own coap_stats" ip netns exec "$(ip netns add kc1 && echo kc1)" test -r /proc/net/coap_stats
check "  netns deleted" ip netns delete kc1
check "  unload after netns exit" rmmod coap
finish
