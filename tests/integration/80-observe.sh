#!/bin/bash
# Observe (RFC 7641) done by the kernel: the ETSI CoAP plugtest cases
# TD_COAP_OBS_01 to 12 (../shared/etsi-td/block.yml) with our raw observe
# client (obstool.py, which can send RST, stay silent or cancel on cue),
# then libcoap's and node-coap's clients, 100 concurrent observers, the
# bounds, the owner's observer-count events, and teardown with observers
# in flight.  A test daemon (nltool.py script) owns the resources and
# publishes on command, as a resource daemon would.
. "$(dirname "$0")/lib.sh"
I=$TOP/tests/integration
OBS="python3 $I/obstool.py"
NL="python3 $I/nltool.py"
W=$(mktemp -d /tmp/kcoap-obs.XXXXXX)
H=127.0.0.1

mkfifo "$W/ctl"
$NL script <"$W/ctl" >"$W/daemon.out" &
daemon=$!
exec 3>"$W/ctl"
# d CMD ATTR=V...: a command for the daemon; waits for its result line
answered() { [ "$(grep -c '"cmd"' "$W/daemon.out")" -gt "$1" ]; }
d() {
	local n
	n=$(grep -c '"cmd"' "$W/daemon.out")
	echo "$*" >&3
	wait_until answered "$n" && return 0
	echo "# daemon did not answer: $*"
	return 1
}
pub() { d publish path="$1" payload="$2" ${3:+content_format=$3}; }
# wait_file F: until an observer has its registration answered
wait_file() { wait_until test -e "$1"; }
# j FILE FILTER: jq over the JSON lines of an observer's output, slurped
j() { jq -s -c "$2" "$1"; }
# notified FILE N: the observer writing FILE has printed N notifications
# (it acknowledged each CON before printing it)
notified() { [ "$(grep -c '"ev": "notification"' "$1")" -ge "$2" ]; }

wait_until grep -q ready "$W/daemon.out"
# stop N: the observer started with --until "$W/stop.N" reads what has
# arrived and ends (each check below first waits for the kernel's or the
# client's evidence that everything it looks at has been sent)
stop() { touch "$W/stop.$1"; }
# PROBING_RATE (1 byte/s by default) would turn most NONs of this quick
# test into CONs; raised here, and tested on its own at the end
for a in 0.0.0.0:5683 [::]:5683; do
	$NL call endpoint_set addr=addr:$a param.probing_rate=1000000 >/dev/null
done
d resource_add path=/obs observable=flag notify_con=1 methods=2
d resource_add path=/obs-non observable=flag notify_con=255 methods=2
d resource_add path=/plain methods=2
pub /obs v0 0
pub /obs-non n0 0
pub /plain p0 0

# ---- TD_COAP_OBS_01 / 09: CON notifications of a changing resource ----
reg0=$(stat obs_registered)
$OBS $H $PORT obs --seconds 60 --count 3 --ready "$W/r1" >"$W/o1" &
o1=$!
wait_file "$W/r1"
# each state once the previous has reached the client (else a newer
# state rightly replaces one not yet sent while a CON is in flight)
k=0
for v in v1 v2 v3; do pub /obs $v; k=$((k + 1)); wait_until notified "$W/o1" $k; done
wait $o1
check "TD_COAP_OBS_01: response is ACK 2.05 with Observe, token t" \
	test "$(j "$W/o1" '.[0] | .ev == "response" and .type == "ACK" and .code == "2.05" and .observe != null')" = true
check "TD_COAP_OBS_01: three CON 2.05 notifications, same token and Content-Format" \
	test "$(j "$W/o1" '[.[] | select(.ev == "notification")] as $n | ($n | length) == 3 and all($n[]; .type == "CON" and .code == "2.05" and .token == $n[0].token and (.options | map(select(.[0] == 12)) == [[12, ""]]))')" = true
check "TD_COAP_OBS_01: Observe values increase" \
	test "$(j "$W/o1" '[.[] | .observe | select(.)] as $o | $o[0] < $o[1] and $o[1] < $o[2] and $o[2] < $o[3]')" = true
check "TD_COAP_OBS_09: each notification carries the new value (v1 v2 v3)" \
	test "$(j "$W/o1" '[.[] | select(.ev == "notification") | .payload] == ["v1", "v2", "v3"]')" = true
check "TD_COAP_OBS_01: the client's ACKs ended each CON (no retransmission)" \
	test "$(j "$W/o1" '[.[] | select(.ev == "notification") | .mid] | unique | length == 3')" = true
check "obs_registered moved" test "$(stat obs_registered)" -gt "$reg0"
check "the owner learnt /obs gained an observer" \
	grep -q '"event": "observers".*"path": "/obs".*"observers": 1' "$W/daemon.out"

# ---- TD_COAP_OBS_02: NON GET, NON notifications ----
$OBS $H $PORT obs-non --type non --seconds 60 --count 3 --ready "$W/r2" >"$W/o2" &
o2=$!
wait_file "$W/r2"
k=0
for v in n1 n2 n3; do pub /obs-non $v; k=$((k + 1)); wait_until notified "$W/o2" $k; done
wait $o2
check "TD_COAP_OBS_02: NON response with Observe" \
	test "$(j "$W/o2" '.[0] | .type == "NON" and .code == "2.05" and .observe != null')" = true
check "TD_COAP_OBS_02: three NON notifications, increasing Observe, new values" \
	test "$(j "$W/o2" '[.[] | select(.ev == "notification")] as $n | ($n | length) == 3 and all($n[]; .type == "NON") and ($n | map(.payload)) == ["n1", "n2", "n3"] and $n[0].observe < $n[1].observe and $n[1].observe < $n[2].observe')" = true

# ---- a re-registration (same endpoint and token) replaces the entry ----
n0=$(stat observers)
$OBS $H $PORT obs --token 0a0b --sport 40001 --seconds 0.5 --keep >/dev/null
$OBS $H $PORT obs --token 0a0b --sport 40001 --seconds 0.5 --keep >/dev/null
check "same endpoint and token twice: one observer" test "$(stat observers)" = $((n0 + 1))
$OBS $H $PORT obs --token 0a0b --sport 40001 --seconds 60 --until "$W/stop.3" --ready "$W/r3" >"$W/o3" &
o3=$!
wait_file "$W/r3"
pub /obs v4
# a second entry would have been sent its copy in the same publish
wait_until notified "$W/o3" 1
stop 3
wait $o3
check "  and it gets each notification once" \
	test "$(j "$W/o3" '[.[] | select(.ev == "notification")] | length')" = 1

# ---- TD_COAP_OBS_12: GET with Observe 1 cancels ----
can0=$(stat obs_cancelled)
$OBS $H $PORT obs --token 0a0b --sport 40001 --cancel-after 1 --seconds 60 --until "$W/stop.4" --ready "$W/r4" >"$W/o4" &
o4=$!
wait_file "$W/r4"
pub /obs v5
# the client cancels after the first notification: the kernel's count
wait_until stat_at_least obs_cancelled $((can0 + 1))
pub /obs v6
pub /obs v7
wait_until has "$W/o4" '"ev": "cancel-response"'
stop 4
wait $o4
check "TD_COAP_OBS_12: the cancelling GET gets 2.05 without Observe" \
	test "$(j "$W/o4" 'map(select(.ev == "cancel-response")) | length == 1 and (.[0].code == "2.05") and (.[0].observe == null)')" = true
check "TD_COAP_OBS_12: no notification after it" \
	test "$(j "$W/o4" '[.[] | select(.ev == "notification")] | length')" = 1
check "obs_cancelled moved, observer gone" \
	test "$(stat obs_cancelled)" = $((can0 + 1)) -a "$(stat observers)" = "$n0"

# ---- TD_COAP_OBS_10: a GET without Observe does not cancel ----
$OBS $H $PORT obs --seconds 60 --count 2 --ready "$W/r5" >"$W/o5" &
o5=$!
wait_file "$W/r5"
r=$($COAPTOOL req $H $PORT --path obs --token 7777)
expect "TD_COAP_OBS_10: plain GET (token t2) is 2.05 without Observe" "$r" \
	'.code == "2.05" and .token == "7777" and (.options | map(.[0]) | index(6) == null)'
pub /obs v8
pub /obs v9
wait $o5
check "TD_COAP_OBS_10: notifications still arrive for token t" \
	test "$(j "$W/o5" '[.[] | select(.ev == "notification")] | length')" = 2

# ---- TD_COAP_OBS_06: RST to a CON notification ends it; also for NON ----
rst0=$(stat obs_reset)
$OBS $H $PORT obs --rst-after 1 --seconds 60 --until "$W/stop.6" --ready "$W/r6" >"$W/o6" &
o6=$!
$OBS $H $PORT obs-non --type non --rst-after 1 --seconds 60 --until "$W/stop.6" --ready "$W/r7" >"$W/o7" &
o7=$!
wait_file "$W/r6" && wait_file "$W/r7"
pub /obs v10
pub /obs-non n4
# both clients answered with RST: the kernel's count
wait_until stat_at_least obs_reset $((rst0 + 2))
pub /obs v11
pub /obs-non n5
stop 6
wait $o6 $o7
check "TD_COAP_OBS_06: RST to a CON notification: nothing after it" \
	test "$(j "$W/o6" '[.[] | select(.ev == "notification")] | length == 1 and .[0].answered == "RST"')" = true
check "RST to a NON notification: nothing after it either" \
	test "$(j "$W/o7" '[.[] | select(.ev == "notification")] | length == 1 and .[0].answered == "RST"')" = true
check "obs_reset moved by 2, observers back" \
	test "$(stat obs_reset)" = $((rst0 + 2)) -a "$(stat observers)" = "$n0"

# ---- TD_COAP_OBS_05 / 04: client off; the CON times out; re-register ----
$NL call endpoint_set addr=addr:0.0.0.0:5683 param.ack_timeout_ms=600 \
	param.ack_delay_ms=50 param.max_retransmit=2 >/dev/null
to0=$(stat obs_timeout)
rt0=$(stat tx_retransmit)
# the observer is dropped MAX_TRANSMIT_WAIT after the CON (6.3 s here):
# the kernel's obs_timeout says when; the client listens until then
$OBS $H $PORT obs --no-ack --token 0c0d --sport 40002 --seconds 120 --until "$W/stop.8" --ready "$W/r8" >"$W/o8" &
o8=$!
wait_file "$W/r8"
# v13 right behind v12, in one write: the daemon publishes it while v12's
# CON is in flight, long before its second retransmission (1.8 s at least)
n=$(grep -c '"cmd"' "$W/daemon.out")
printf 'publish path=/obs payload=v12\npublish path=/obs payload=v13\n' >&3
wait_until answered $((n + 1))
wait_until -t $(( $(proto_secs max_transmit_wait) + MARGIN )) stat_at_least obs_timeout $((to0 + 1))
stop 8
wait $o8
check "TD_COAP_OBS_05: the unacknowledged CON is retransmitted, then the observer is dropped" \
	test "$(stat obs_timeout)" = $((to0 + 1)) -a "$(stat tx_retransmit)" -ge $((rt0 + 2))
check "TD_COAP_OBS_05: 3 transmissions, the later ones with the newer state and Observe" \
	test "$(j "$W/o8" '[.[] | select(.ev == "notification")] as $n | ($n | length) == 3 and $n[0].payload == "v12" and $n[2].payload == "v13" and $n[2].observe > $n[0].observe')" = true
check "  and nothing more is sent to it" test "$(stat observers)" = "$n0"
[ "$T_FAIL" = 0 ] || sed 's/^/# o8: /' "$W/o8"
$OBS $H $PORT obs --token 0c0d --sport 40002 --seconds 60 --count 1 --ready "$W/r9" >"$W/o9" &
o9=$!
wait_file "$W/r9"
pub /obs v14
wait $o9
check "TD_COAP_OBS_04: re-registering with token t: ACK 2.05 with Observe, then notifications" \
	test "$(j "$W/o9" '.[0].type == "ACK" and .[0].observe != null and .[1].ev == "notification" and .[1].payload == "v14" and .[1].observe > .[0].observe')" = true
$NL call endpoint_set addr=addr:0.0.0.0:5683 param.ack_timeout_ms=2000 \
	param.ack_delay_ms=1000 param.max_retransmit=4 >/dev/null

# ---- TD_COAP_OBS_11: delay on the path; one CON at a time, newest wins ----
tc qdisc add dev lo root netem delay 150ms
$OBS $H $PORT obs --seconds 60 --until "$W/stop.10" --ready "$W/r10" >"$W/o10" &
o10=$!
wait_file "$W/r10"
# all at once, well within one round trip
for v in 1 2 3 4 5 6 7 8; do echo "publish path=/obs payload=s$v" >&3; done
# the newest state is the last there is to send
wait_until has "$W/o10" '"payload": "s8"'
stop 10
wait $o10
tc qdisc del dev lo root
check "TD_COAP_OBS_11: older states were replaced, not queued (fewer than 8 notifications)" \
	test "$(j "$W/o10" '[.[] | select(.ev == "notification")] | length < 8')" = true
check "TD_COAP_OBS_11: the last notification is the newest state" \
	test "$(j "$W/o10" '[.[] | select(.ev == "notification")] | last | .payload')" = '"s8"'
check "TD_COAP_OBS_11: Observe increases across them" \
	test "$(j "$W/o10" '[.[] | select(.ev) | .observe | select(.)] as $o | [range(1; $o | length) | $o[.] > $o[. - 1]] | all')" = true
[ "$T_FAIL" = 0 ] || sed 's/^/# o10: /' "$W/o10"

# ---- TD_COAP_OBS_08: a new Content-Format the client did not accept ----
d resource_add path=/obs-ct observable=flag notify_con=1 methods=2
pub /obs-ct 1 0
$OBS $H $PORT obs-ct --accept 0 --seconds 60 --until "$W/stop.11" --ready "$W/r11" >"$W/o11" &
o11=$!
$OBS $H $PORT obs-ct --seconds 60 --until "$W/stop.11" --ready "$W/r12" >"$W/o12" &
o12=$!
wait_file "$W/r11" && wait_file "$W/r12"
pub /obs-ct 2 0
pub /obs-ct '{"v":3}' 50
pub /obs-ct '{"v":4}' 50
# the last each can get: 4.06 ends the first, the newest state the second
wait_until has "$W/o11" '"code": "4.06"'
wait_until has "$W/o12" '"payload": "\{\\"v\\": ?4\}"'
stop 11
wait $o11 $o12
check "TD_COAP_OBS_08: Accept text/plain: 2.05, then CON 4.06 without Observe, then nothing" \
	test "$(j "$W/o11" '[.[] | select(.ev == "notification") | [.type, .code, .observe == null]] == [["CON", "2.05", false], ["CON", "4.06", true]]')" = true
check "  an observer without Accept keeps receiving, the newest in the new format" \
	test "$(j "$W/o12" '[.[] | select(.ev == "notification")] | length >= 2 and (last | .payload == "{\"v\":4}" and (.options | map(select(.[0] == 12)) == [[12, "32"]]))')" = true

# ---- TD_COAP_OBS_07: the resource is deleted ----
$OBS $H $PORT obs-ct --seconds 60 --until "$W/stop.13" --ready "$W/r13" >"$W/o13" &
o13=$!
wait_file "$W/r13"
d resource_del path=/obs-ct
wait_until has "$W/o13" '"code": "4.04"'
stop 13
wait $o13
check "TD_COAP_OBS_07: CON 4.04 without Observe, same token, then nothing" \
	test "$(j "$W/o13" '[.[] | select(.ev == "notification")] as $n | ($n | length) == 1 and $n[0].type == "CON" and $n[0].code == "4.04" and $n[0].observe == null and $n[0].token == .[0].token')" = true
check "the owner learnt /obs-ct has no observer left" \
	grep -q '"path": "/obs-ct", "observers": 0' "$W/daemon.out"

# ---- TD_COAP_OBS_13 / 14: large states go as their first Block2 block ----
big() { printf '%s%0*d' "$1" "$2" 0; }	# big TAG N: TAG then N zeros
d resource_add path=/obs-large observable=flag notify_con=1 methods=2
pub /obs-large "$(big A 1500)"
$OBS $H $PORT obs-large --fetch-rest --seconds 60 --count 3 --ready "$W/r14" >"$W/o14" &
o14=$!
wait_file "$W/r14"
pub /obs-large "$(big B 2000)"
wait_until notified "$W/o14" 1
pub /obs-large small
wait_until notified "$W/o14" 2
pub /obs-large "$(big C 1100)"
wait $o14
# Block2 option 23: value 0x0e is NUM 0, M 1, SZX 6 (1024 bytes)
check "TD_COAP_OBS_13: response ACK 2.05 with Observe, Block2 0/M/1024, Size2 1501, 1024 bytes" \
	test "$(j "$W/o14" '.[0] | .type == "ACK" and .observe != null and (.options | map(select(.[0] == 23 or .[0] == 28)) == [[23, "0e"], [28, "05dd"]]) and (.payload | length) == 1024')" = true
check "TD_COAP_OBS_13: the client fetched the rest of the registration's state" \
	test "$(j "$W/o14" '.[0].body | startswith("A") and length == 1501')" = true
check "TD_COAP_OBS_13: a large notification is CON with Block2 0/M/1024, and the rest can be fetched" \
	test "$(j "$W/o14" '[.[] | select(.ev == "notification")][0] | .type == "CON" and (.options | map(select(.[0] == 23))) == [[23, "0e"]] and (.body | startswith("B") and length == 2001)')" = true
check "TD_COAP_OBS_14: a small state in between comes whole, without Block2" \
	test "$(j "$W/o14" '[.[] | select(.ev == "notification")][1] | .payload == "small" and (.options | map(.[0]) | index(23) == null)')" = true
check "TD_COAP_OBS_14: then large again, in blocks, Observe still increasing" \
	test "$(j "$W/o14" '[.[] | select(.ev == "notification")] as $n | $n[2].body == "C" + ("0" * 1100) and $n[0].observe < $n[1].observe and $n[1].observe < $n[2].observe')" = true
[ "$T_FAIL" = 0 ] || sed 's/^/# o14: /' "$W/o14" | cut -c1-300

# ---- not observable, or not registered: plain answers ----
r=$($COAPTOOL req $H $PORT --path plain --opt 6=)
expect "GET Observe 0 on a resource without obs: 2.05 without Observe" "$r" \
	'.code == "2.05" and (.options | map(.[0]) | index(6) == null)'

# ---- bound: max_observers per resource ----
echo 2 >/sys/module/coap/parameters/max_observers
ref0=$(stat obs_refused)
$OBS $H $PORT obs-non --seconds 60 --until "$W/stop.b" --ready "$W/b1" >/dev/null &
b1=$!
$OBS $H $PORT obs-non --seconds 60 --until "$W/stop.b" --ready "$W/b2" >/dev/null &
b2=$!
wait_file "$W/b1" && wait_file "$W/b2"
r=$($COAPTOOL req $H $PORT --path obs-non --opt 6=)
expect "max_observers reached: the third gets 2.05 without Observe" "$r" \
	'.code == "2.05" and (.options | map(.[0]) | index(6) == null)'
check "obs_refused moved" test "$(stat obs_refused)" = $((ref0 + 1))
echo 1024 >/sys/module/coap/parameters/max_observers
stop b
wait $b1 $b2

# ---- bound: max_observers_per_addr (one address, any port or resource) ----
# A forged registration makes someone else's address an observer; how many
# it can get is bounded per address, not per resource.  Every observer
# left from the steps above is 127.0.0.1's: the bound is set two above.
na=$(stat observers)
echo $((na + 2)) >/sys/module/coap/parameters/max_observers_per_addr
ref0=$(stat obs_refused)
$OBS $H $PORT obs-non --seconds 60 --until "$W/stop.pa" --ready "$W/pa1" >/dev/null &
pa1=$!
$OBS $H $PORT obs --seconds 60 --until "$W/stop.pa" --ready "$W/pa2" >/dev/null &
pa2=$!
wait_file "$W/pa1" && wait_file "$W/pa2"
r=$($COAPTOOL req $H $PORT --path obs-non --opt 6=)
expect "max_observers_per_addr reached: one more registration from 127.0.0.1 gets 2.05 without Observe" "$r" \
	'.code == "2.05" and (.options | map(.[0]) | index(6) == null)'
check "  obs_refused moved" test "$(stat obs_refused)" = $((ref0 + 1))
r=$($COAPTOOL req ::1 $PORT --path obs-non --opt 6= --sport 40611 --token 7a7a)
expect "  from another address (::1) the same registration is taken" "$r" \
	'.code == "2.05" and (.options | map(.[0]) | index(6) != null)'
$COAPTOOL req ::1 $PORT --path obs-non --opt 6=01 --sport 40611 --token 7a7a >/dev/null
stop pa
wait $pa1 $pa2
check "  all three deregistered" wait_until stat_is observers "$na"
r=$($COAPTOOL req $H $PORT --path obs-non --opt 6= --sport 40612 --token 7b7b)
expect "  and 127.0.0.1 may observe again (its count went down with them)" "$r" \
	'.code == "2.05" and (.options | map(.[0]) | index(6) != null)'
$COAPTOOL req $H $PORT --path obs-non --opt 6=01 --sport 40612 --token 7b7b >/dev/null
echo 64 >/sys/module/coap/parameters/max_observers_per_addr

# ---- 100 concurrent observers, each notified ----
# all from 127.0.0.1: above the default bound per address
echo 1000 >/sys/module/coap/parameters/max_observers_per_addr
$OBS many $H $PORT obs-non 100 --seconds 60 --expect 3 --ready "$W/m" >"$W/many" &
m=$!
wait_file "$W/m"
check "100 observers registered" test "$(stat observers)" -ge 100
# each state once the kernel has sent the previous to all 100
nn=$(stat obs_notifications)
for v in a b c; do
	pub /obs-non $v
	nn=$((nn + 100))
	wait_until stat_at_least obs_notifications $nn
done
wait $m
check "100 observers each got all 3 notifications" \
	test "$(jq -c '.registered == 100 and (.counts | min) >= 3' "$W/many")" = true
echo 64 >/sys/module/coap/parameters/max_observers_per_addr

# ---- real clients: libcoap and node-coap observing /obs-non ----
# both run until they have what they wait for (90 s are only a bound):
# node-coap stops after 2 notifications, libcoap is stopped once its
# output (-v 6 logs every PDU as it comes) shows both
timeout 120 coap-client-notls -s 90 -v 6 -B 100 coap://$H/obs-non >"$W/lc" 2>&1 &
lc=$!
timeout 120 node "$I/nodecoap.js" observe coap://$H/obs-non 90 2 >"$W/nc" 2>&1 &
nc=$!
# registered: each has printed the 2.05 answer to its GET
wait_until has "$W/lc" 'c:2\.05'
wait_until has "$W/nc" '"code":"2.05"'
pub /obs-non L1
wait_until has "$W/lc" "'L1'"
wait_until has "$W/nc" '"payload":"L1"'
pub /obs-non L2
wait_until has "$W/lc" "'L2'"
kill -INT $lc
wait $lc $nc
check "libcoap: coap-client-notls -s receives both notifications" \
	sh -c "grep -q \"'L1'\" '$W/lc' && grep -q \"'L2'\" '$W/lc'"
check "node-coap: observe stream receives both notifications" \
	sh -c "grep -q '\"payload\":\"L1\"' '$W/nc' && grep -q '\"payload\":\"L2\"' '$W/nc'"
if [ "$T_FAIL" != 0 ]; then
	tail -n 15 "$W/lc" | sed 's/^/# lc: /'
	tail -n 15 "$W/nc" | sed 's/^/# nc: /'
	grep -E '^(observers|obs_|tx_|rx_|drop_)' /proc/net/coap_stats | tr '\n' ' ' | sed 's/^/# stats: /'
	echo
fi

# ---- PROBING_RATE: NON notifications to a client that never answers ----
# 50 bytes/s.  The kernel counts a state's length plus 32 ahead: the first
# state, 101 bytes, needs (101 + 32) / 50 = 2.66 s of silence to go as
# NON; the later ones, 1002 bytes, need 20.7 s each (plus what went as
# NON since the client was last heard), so they go as CON however slow
# the emulated kernel is.  The sleep is the silence being tested, derived
# from those numbers; the notifications are waited for one by one.
rate=50 first=101 later=1002
$NL call endpoint_set addr=addr:0.0.0.0:5683 param.probing_rate=$rate >/dev/null
d resource_add path=/obs-probe observable=flag notify_con=255 methods=2
pub /obs-probe 0
pr0=$(stat obs_probe)
$OBS $H $PORT obs-probe --type non --seconds 120 --count 4 --ready "$W/r15" >"$W/o15" &
o15=$!
wait_file "$W/r15"
sleep "$(jq -n "($first + 32) / $rate + 0.14")"
pub /obs-probe "$(big P1 $((first - 2)))"
wait_until notified "$W/o15" 1
for v in 2 3 4; do
	pub /obs-probe "$(big P$v $((later - 2)))"
	wait_until notified "$W/o15" $v
done
wait $o15
n15=$(j "$W/o15" '[.[] | select(.ev == "notification")] | length')
check "PROBING_RATE 50 B/s: the first NON fits the budget; the next would not, so they go as CON ($n15 notifications)" \
	test "$(j "$W/o15" '[.[] | select(.ev == "notification") | .type] as $t | ($t | length) >= 3 and $t[0] == "NON" and ($t[1:] | all(. == "CON"))')" = true
check "  obs_probe moved once per CON" test "$(stat obs_probe)" = $((pr0 + n15 - 1))
$NL call endpoint_set addr=addr:0.0.0.0:5683 param.probing_rate=1 >/dev/null
[ "$T_FAIL" = 0 ] || sed 's/^/# o15: /' "$W/o15" | cut -c1-200

# ---- NSTART (RFC 7252 section 4.7) counts CON notifications too ----
# One client observes two resources whose notifications are all CON.  Two
# publishes make two CONs to that client: with NSTART 1 the second waits
# (tx_queued moves) until the client acknowledges the first.  A third
# publish while it waits makes it carry the newest state when it goes
# (RFC 7641 section 4.5.2).
d resource_add path=/nst-a observable=flag notify_con=1 methods=2
d resource_add path=/nst-b observable=flag notify_con=1 methods=2
pub /nst-a a0 0
pub /nst-b b0 0
cat >"$W/nstart.py" <<'PY'
import json, os, socket, sys, time
sys.path.insert(0, sys.argv[1])
from coaptool import build, parse
port, ready, go = int(sys.argv[2]), sys.argv[3], sys.argv[4]
def queued():
    with open("/proc/net/coap_stats") as f:
        return int(dict(l.split() for l in f)["tx_queued"])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.05)
for mid, tok, path in ((0x5a01, b"\xa1", b"nst-a"), (0x5a02, b"\xb1", b"nst-b")):
    s.sendto(build(0, 1, mid, tok, [(6, b""), (11, path)]), ("127.0.0.1", port))
    end = time.time() + 30
    while time.time() < end:
        try:
            if s.recv(2048)[2:4] == mid.to_bytes(2, "big"):
                break
        except socket.timeout:
            pass
q0 = queued()
open(ready, "w").close()
got, acked, early = [], None, False
end = time.time() + 60     # a bound only: it ends when both have come
while time.time() < end and len(got) < 2:
    try:
        d, a = s.recvfrom(2048)
    except socket.timeout:
        # the first is ours to ACK once the kernel queued the second
        # and the test has published a third state
        if len(got) == 1 and acked is None and queued() > q0 and \
                os.path.exists(go):
            s.sendto(bytes([0x60, 0]) + first[2:4], a1)
            acked = time.time()
        continue
    if d[0] >> 4 & 3 != 0:
        continue
    if not got:
        first, a1 = d, a
    elif acked is None:
        early = True
    else:
        s.sendto(bytes([0x60, 0]) + d[2:4], a)
    got.append(parse(d)["payload"])
print(json.dumps({"got": len(got), "early": early, "payloads": got,
                  "queued": queued() - q0,
                  "acked": acked is not None}))
PY
q0=$(stat tx_queued)
python3 "$W/nstart.py" "$I" "$PORT" "$W/nst.ready" "$W/nst.go" >"$W/nst" &
nsp=$!
wait_file "$W/nst.ready"
pub /nst-a a1 0
pub /nst-b b1 0
pub /nst-b b2 0
touch "$W/nst.go"
wait $nsp
expect "NSTART 1: of two CON notifications to one client, the second waits for the first's ACK" \
	"$(cat "$W/nst")" '.got == 2 and (.early | not) and .acked and .queued == 1'
check "  tx_queued moved once" test "$(stat tx_queued)" = $((q0 + 1))
expect "  the queued one went with the state published while it waited (b2)" \
	"$(cat "$W/nst")" '.payloads == ["a1", "b2"]'

# ---- teardown: observers (one with a CON in flight) when the module goes ----
$OBS $H $PORT obs --no-ack --keep --seconds 1 --ready "$W/t1" >/dev/null &
$OBS $H $PORT obs-non --keep --seconds 1 --ready "$W/t2" >/dev/null &
wait_file "$W/t1" && wait_file "$W/t2"
pub /obs last
check "observers exist as the test ends (uml-run unloads the module)" \
	test "$(stat observers)" -ge 2
check "rx_datagrams equals the sum of outcome counters" stats_balanced
exec 3>&-
wait $daemon
wait
rm -rf "$W"
finish
