#!/bin/bash
# The generic netlink family "coap": every command, its error paths,
# permissions, ownership, daemon exit, queue and timeout bounds, namespaces.
# Driven by nltool.py (raw netlink, independent of libkcoap).
. "$(dirname "$0")/lib.sh"
NL="python3 $TOP/tests/integration/nltool.py"
PARAMS=/sys/module/coap/parameters
tmp=$(mktemp -d)

call() { $NL call "$@"; }
# start a daemon in the background; waits until it is registered
daemon() {
	local out=$1
	shift
	$NL daemon "$@" > "$out" &
	wait_until has "$out" '"ready"|"errno"'
}
get() { $COAPTOOL req 127.0.0.1 $PORT "$@"; }

# --- endpoints ---
r=$($NL dump endpoint_get | jq -s -c .)
expect "endpoint_get lists the load-time endpoints" "$r" \
	'map(.addr) | sort == ["0.0.0.0:5683", "[::]:5683"]'
check_err "endpoint_add of an open address: EEXIST" 17 "already open" \
	"$(call endpoint_add addr=addr:0.0.0.0:5683)"
r=$(call endpoint_add addr=addr:127.0.0.1:5690)
expect "endpoint_add 127.0.0.1:5690" "$r" '.errno == 0'
r=$($COAPTOOL raw 127.0.0.1 5690 40000001)
expect "  it answers pings" "$r" '.type == "RST"'
r=$($NL dump endpoint_get | jq -s -c 'map(select(.addr == "127.0.0.1:5690"))[0].stats')
expect "  its own counters: 1 datagram, 1 ping, 1 RST sent, nothing else" "$r" \
	'.rx_datagrams == 1 and .rx_pings == 1 and .tx_datagrams == 1 and .tx_rst == 1 and ([.[]] | add) == 4'
r=$($NL dump endpoint_get | jq -s -c 'map(select(.addr == "0.0.0.0:5683"))[0].stats')
expect "  not counted on the 0.0.0.0:5683 endpoint" "$r" '.rx_pings == 0'
r=$(call endpoint_add addr=addr:::1:5690)
expect "endpoint_add [::1]:5690" "$r" '.errno == 0'
check "  IPv6 endpoint answers" sh -c "$COAPTOOL raw ::1 5690 40000001 | jq -e '.type == \"RST\"' >/dev/null"
r=$(call endpoint_del addr=addr:127.0.0.1:5690)
expect "endpoint_del 127.0.0.1:5690" "$r" '.errno == 0'
check "  port closed" sh -c "$COAPTOOL raw 127.0.0.1 5690 40000001 0.5 | jq -e '.reply == null' >/dev/null"
check_err "endpoint_del of an unknown address: ENOENT" 2 "no endpoint" \
	"$(call endpoint_del addr=addr:127.0.0.1:5690)"
check_err "endpoint_add without address or fd: EINVAL" 22 "exactly one" "$(call endpoint_add)"
check_err "endpoint_add with both: EINVAL" 22 "exactly one" \
	"$(call endpoint_add addr=addr:127.0.0.1:5691 fd=0)"
check_err "endpoint_add with a short sockaddr: ERANGE" 34 "out of range" "$(call endpoint_add addr=hex:0200)"
check_err "endpoint_add with a bad family: EINVAL" 22 "sockaddr" \
	"$(call endpoint_add addr=hex:0a00000000000000000000000000000000000000)"
check_err "endpoint_del without address: EINVAL" 22 "COAP_A_ADDR" "$(call endpoint_del)"
# an adopted socket is an endpoint while a descriptor of it is open
adopted() { $NL dump endpoint_get | jq -e -s "map(select(.adopted) | .addr) == $1" >/dev/null; }
$NL adopt 127.0.0.1 5692 --hold > "$tmp/adopt.out" &
wait_until grep -q errno "$tmp/adopt.out"
expect "adopt a bound UDP socket by fd" "$(cat "$tmp/adopt.out")" '.errno == 0'
check "  the adopted socket answers CoAP while its owner holds it" \
	sh -c "$COAPTOOL raw 127.0.0.1 5692 40000001 | jq -e '.type == \"RST\"' >/dev/null"
check "  endpoint_get marks it adopted" adopted '["127.0.0.1:5692"]'
check "  endpoint_del gives it up" sh -c "$NL call endpoint_del addr=addr:127.0.0.1:5692 | jq -e '.errno == 0' >/dev/null"
check "  given back: a plain UDP socket, no CoAP answer" \
	sh -c "! $COAPTOOL raw 127.0.0.1 5692 40000001 0.5 >/dev/null"
pkill -f "nltool.py adopt 127.0.0.1 5692"
$NL adopt 127.0.0.1 5693 --hold > "$tmp/adopt.out" &
wait_until grep -q errno "$tmp/adopt.out"
check "adopted again, on 5693" adopted '["127.0.0.1:5693"]'
pkill -f "nltool.py adopt 127.0.0.1 5693"
check "  its owner's last close ends the endpoint" wait_until adopted '[]'
check "  and nothing answers there" sh -c "! $COAPTOOL raw 127.0.0.1 5693 40000001 0.5 >/dev/null"
check_err "adopting a non-socket fd: ENOTSOCK" 88 "adopt" "$(call endpoint_add fd=0 < /dev/null)"
check_err "adopting a bad fd: EBADF" 9 "adopt" "$(call endpoint_add fd=999)"

# --- resources: registration and its errors ---
check_err "resource_add without path: EINVAL" 22 "COAP_A_PATH" "$(call resource_add)"
for p in a /a/ //a /a//b /./a /a/.. ; do
	check_err "resource_add path '$p': EINVAL" 22 "path must be" "$(call resource_add path=$p)"
done
check_err "resource_add /.well-known/core: EEXIST" 17 "kernel" "$(call resource_add path=/.well-known/core)"
check_err "resource_add methods=0: EINVAL" 22 "method" "$(call resource_add path=/x methods=0)"
check_err "resource_add methods beyond iPATCH: EINVAL" 22 "" "$(call resource_add path=/x methods=256)"
check_err "resource_add rt with a quote: EINVAL" 22 "link-format" "$(call resource_add path=/x 'rt=a"b')"
check_err "resource_add path of 256 bytes: EINVAL" 22 "" "$(call resource_add path=/$(printf 'a%.0s' $(seq 255)))"
check_err "unknown attribute type 60: EINVAL (strict validation)" 22 "Unknown attribute" "$(call resource_add path=/x attr60=hex:01)"

daemon $tmp/d1 --hold 30 path=/temp/celcius methods=10 rt=temperature-c if=sensor ct=0 title=Temperature sz=1100 \
	';' path=/alarm methods=10 rt=alarm observable ';' path=/other methods=2 rt="a b"
d1=$!
check "daemon registered three resources" grep -q '"ready"' $tmp/d1
r=$($NL dump resource_get | jq -s -c .)
expect "resource_get lists them in order with attributes and owner" "$r" \
	'map(.path) == ["/temp/celcius", "/alarm", "/other"] and .[0].rt == "temperature-c" and .[0].if == "sensor" and .[0].ct == 0 and .[0].sz == 1100 and .[0].title == "Temperature" and .[1].observable == true and (.[0].owner > 0)'
check_err "a second socket cannot register the same path: EEXIST" 17 "already registered" \
	"$(call resource_add path=/alarm)"
check_err "a second socket cannot delete it: EPERM" 1 "another socket" "$(call resource_del path=/alarm)"
check_err "nor publish to it: EPERM" 1 "another socket" "$(call publish path=/alarm payload=ON)"
check_err "resource_del of an unknown path: ENOENT" 2 "no such resource" "$(call resource_del path=/nope)"
check_err "publish to an unknown path: ENOENT" 2 "no such resource" "$(call publish path=/nope payload=x)"

# --- discovery ---
wk() { get --path .well-known/core "$@" | jq -r .payload; }
check "wk/core lists all three" test "$(wk)" = '</temp/celcius>;rt="temperature-c";if="sensor";ct=0;sz=1100;title="Temperature",</alarm>;rt="alarm";obs,</other>;rt="a b"'
check "?rt=alarm" test "$(wk --query rt=alarm)" = '</alarm>;rt="alarm";obs'
check "?rt=temp* (prefix)" test "$(wk --query 'rt=temp*')" = '</temp/celcius>;rt="temperature-c";if="sensor";ct=0;sz=1100;title="Temperature"'
check "?rt=b (item of a list)" test "$(wk --query rt=b)" = '</other>;rt="a b"'
check "?if=sensor" test "$(wk --query if=sensor | cut -c1-15)" = '</temp/celcius>'
check "?href=/alarm" test "$(wk --query href=/alarm)" = '</alarm>;rt="alarm";obs'
check "?href=/temp*" test "$(wk --query 'href=/temp*' | cut -c1-15)" = '</temp/celcius>'
check "?ct=0" test "$(wk --query ct=0 | cut -c1-15)" = '</temp/celcius>'
check "?ct=4 matches nothing" test -z "$(wk --query ct=4)"
check "?obs" test "$(wk --query obs)" = '</alarm>;rt="alarm";obs'
check "?foo=bar matches nothing" test -z "$(wk --query foo=bar)"
check "two filters are ANDed" test "$(wk --query 'rt=*' --query if=sensor | cut -c1-15)" = '</temp/celcius>'

# --- requests to the daemon ---
r=$(get --path temp/celcius --query unit=C --opt 17=00)
expect "GET is forwarded and answered by the daemon (piggybacked)" "$r" '.type == "ACK" and .code == "2.05" and .payload == "hello"'
r=$(grep '"request"' $tmp/d1 | tail -n 1)
expect "  the daemon saw path, query, accept, peer and options" "$r" \
	'.request.path == "/temp/celcius" and .request.query == ["unit=C"] and .request.accept == 0 and (.request.peer | startswith("127.0.0.1:")) and .request.local == "127.0.0.1:5683" and .request.code == 1 and .request.type == 0'
r=$(get --type non --path temp/celcius)
expect "NON request: NON answer" "$r" '.type == "NON" and .code == "2.05"'
r=$(get --code 0.03 --path alarm --payload ON --opt 12=00)
r2=$(grep '"request"' $tmp/d1 | tail -n 1)
expect "PUT carries payload and Content-Format to the daemon" "$r2" '.request.payload == "ON" and .request.content_format == 0 and .request.code == 3'
r=$(get --code 0.04 --path alarm)
expect "DELETE not in methods: 4.05 from the kernel" "$r" '.code == "4.05"'

# --- publish: the kernel answers GET itself ---
before=$(grep -c '"request"' $tmp/d1)
fast0=$(stat req_fast)
r=$(python3 - "$TOP" <<'PY'
import sys, json, socket
sys.path.insert(0, sys.argv[1] + "/tests/integration")
PY
)
# publish from the owner: only the owner can; use the daemon's own socket via a second daemon
kill $d1; wait $d1 2>/dev/null
daemon $tmp/d2 --hold 30 --publish /temp/celcius=21.5 path=/temp/celcius methods=10 ct=0
d2=$!
check "owner publishes a representation" grep -q '"ready"' $tmp/d2
r=$(get --path temp/celcius)
expect "GET answered from the kernel: 2.05, ct 0, Max-Age 60, payload" "$r" \
	'.code == "2.05" and .payload == "21.5" and .options == [[12, ""], [14, "3c"]]'
check "  req_fast moved" test "$(stat req_fast)" = $((fast0 + 1))
check "  the daemon was not asked" test "$(grep -c '"request"' $tmp/d2)" = 0
r=$(get --path temp/celcius --opt 17=32)
expect "GET with Accept 50 (not the published 0) goes to the daemon" "$r" '.payload == "hello"'
check "  the daemon got it" test "$(grep -c '"request"' $tmp/d2)" = 1
r=$(get --code 0.03 --path temp/celcius --payload 22)
expect "PUT goes to the daemon" "$r" '.payload == "hello"'
r=$($NL dump resource_get | jq -s -c '.[0]')
expect "resource_get shows the representation" "$r" '.payload_len == 4 and .content_format == 0 and .max_age == 60'
kill $d2; wait $d2 2>/dev/null

# ETag validation and a withdraw, through a daemon that publishes with an ETag
cat > $tmp/etag.py <<'PY'
import json, os, sys, time
sys.path.insert(0, sys.argv[1] + "/tests/integration")
import nltool
g = nltool.Genl()
def show(r):
    print(json.dumps({"errno": r[0], "msg": r[1]}), flush=True)
show(g.call("resource_add", [("path", "/e"), ("methods", "2")]))
show(g.call("publish", [("path", "/e"), ("payload", b"v1"), ("etag", "hex:a1b2"),
                        ("max_age", "5"), ("content_format", "50")]))
# withdraw once the shell has done its GETs (it creates the file; bounded)
end = time.time() + 120
while not os.path.exists(sys.argv[2]) and time.time() < end:
    time.sleep(0.05)
show(g.call("publish", [("path", "/e")]))
for req in g.requests(3):
    g.call("response", [("handle", req["handle"]), ("code", 0x84)])
    print(json.dumps({"request": req}), flush=True)
    break
PY
python3 $tmp/etag.py "$TOP" $tmp/e.go > $tmp/e.out &
ep=$!
# e_done N: the ETag script has finished its first N netlink calls
e_done() { [ "$(grep -c errno $tmp/e.out 2>/dev/null)" -ge "$1" ]; }
wait_until e_done 2
r=$(get --path e)
expect "published with ETag: 2.05 with ETag, ct 50, Max-Age 5" "$r" '.code == "2.05" and .options == [[4, "a1b2"], [12, "32"], [14, "05"]] and .payload == "v1"'
r=$(get --path e --opt 4=a1b2)
expect "GET with the matching ETag: 2.03 Valid, no payload" "$r" '.code == "2.03" and .payload == "" and .options == [[4, "a1b2"], [14, "05"]]'
r=$(get --path e --opt 4=ffff)
expect "GET with another ETag: 2.05" "$r" '.code == "2.05"'
touch $tmp/e.go
wait_until e_done 3
r=$(get --path e)
expect "after withdraw, GET goes to the daemon (4.04 from it)" "$r" '.code == "4.04"'
wait $ep
check "  the daemon saw that GET" grep -q '"request"' $tmp/e.out

# --- responses: errors ---
check_err "response without handle: EINVAL" 22 "COAP_A_HANDLE" "$(call response code=69)"
check_err "response without code: EINVAL" 22 "COAP_A_CODE" "$(call response handle=1)"
check_err "response with a request code (0.01): ERANGE" 34 "out of range" "$(call response handle=1 code=1)"
check_err "response with an unknown handle: ENOENT" 2 "no pending" "$(call response handle=999999 code=69)"
check_err "response with a 9-byte ETag: ERANGE" 34 "out of range" "$(call response handle=1 code=69 etag=hex:000102030405060708)"
check_err "request is kernel-to-daemon only: EOPNOTSUPP" 95 "" "$(call request)"

# answering someone else's request
daemon $tmp/d3 --hold 10 --ignore path=/slow methods=2
d3=$!
get --path slow --timeout 3 > $tmp/slow.out &
wait_until has $tmp/d3 '"request"'
h=$(grep '"request"' $tmp/d3 | jq .request.handle)
check_err "answering another daemon's request: EPERM" 1 "another socket" "$(call response handle=$h code=69)"
# daemon exit with the request pending: 5.03 to the client, resources gone
gone0=$(stat req_daemon_gone)
kill $d3; wait $d3 2>/dev/null
wait
r=$(cat $tmp/slow.out)
expect "daemon exit with a request pending: the client gets 5.03" "$r" '.code == "5.03"'
check "  req_daemon_gone moved" test "$(stat req_daemon_gone)" = $((gone0 + 1))
check "  its resource is gone" test "$(get --path slow | jq -r .code)" = "4.04"

# request timeout
echo 300 > $PARAMS/request_timeout_ms
daemon $tmp/d4 --hold 5 --ignore path=/mute methods=2
d4=$!
t0=$(stat req_timeout)
r=$(get --path mute --timeout 3)
expect "a daemon that never answers: 5.03 after request_timeout_ms" "$r" '.code == "5.03"'
check "  req_timeout moved" test "$(stat req_timeout)" = $((t0 + 1))
echo 5000 > $PARAMS/request_timeout_ms
kill $d4; wait $d4 2>/dev/null

# queue full
echo 2 > $PARAMS/max_pending
daemon $tmp/d5 --hold 6 --ignore path=/busy methods=2
d5=$!
q0=$(stat req_queue_full)
get --path busy --timeout 4 > $tmp/q1 &
get --path busy --timeout 4 > $tmp/q2 &
# both are the daemon's before the third is sent
busy_held() { [ "$(grep -c '"request"' $tmp/d5)" -ge 2 ]; }
wait_until busy_held
r=$(get --path busy --timeout 2)
expect "third request to a daemon with max_pending=2: 5.03 Max-Age 2" "$r" '.code == "5.03" and .options == [[14, "02"]]'
check "  req_queue_full moved" test "$(stat req_queue_full)" = $((q0 + 1))
kill $d5; wait $d5 2>/dev/null
wait
echo 256 > $PARAMS/max_pending

# duplicates of a pending CON are not delivered twice
daemon $tmp/d6 --hold 6 --ignore path=/dup methods=2
d6=$!
dup0=$(stat req_duplicate)
for i in 1 2 3; do $COAPTOOL req 127.0.0.1 $PORT --path dup --mid 777 --token 01 --sport 40777 --timeout 0.2 >/dev/null; done
# the kernel has seen all three and the daemon the first
wait_until stat_at_least req_duplicate $((dup0 + 2))
wait_until has $tmp/d6 '"request"'
check "a CON retransmitted while pending reaches the daemon once" test "$(grep -c '"request"' $tmp/d6)" = 1
check "  req_duplicate counted the other two" test "$(stat req_duplicate)" = $((dup0 + 2))
kill $d6; wait $d6 2>/dev/null

# --- permissions ---
# nobody may not be able to read the checkout: a world-readable copy
NLU=$(nl_readable)
check_err "unprivileged resource_add: EPERM" 1 "" "$(unpriv $NLU call resource_add path=/u)"
check_err "unprivileged endpoint_add: EPERM" 1 "" "$(unpriv $NLU call endpoint_add addr=addr:127.0.0.1:5699)"
check_err "unprivileged response: EPERM" 1 "" "$(unpriv $NLU call response handle=1 code=69)"
check "unprivileged dumps work" sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups $NLU dump endpoint_get | grep -q 5683"
r=$(unpriv $NLU call stats_get)
expect "unprivileged stats_get works" "$r" '.errno == 0 and (.replies[0].stats.rx_datagrams > 0)'

# --- stats over netlink agree with /proc ---
r=$(call stats_get)
expect "stats_get has every counter of /proc/net/coap_stats" "$r" ".replies[0].stats | length == $(wc -l < /proc/net/coap_stats)"
check "request counters balance" sh -c '
	s=$(cat /proc/net/coap_stats | awk "{print \$1\"=\"\$2}")
	eval "$s"
	test $rx_requests = $((req_local + req_forwarded + req_duplicate + req_queue_full + req_deliver_failed)) &&
	test $req_forwarded = $((req_answered + req_timeout + req_daemon_gone + req_aborted))'
check "rx_datagrams equals the sum of outcome counters" stats_balanced

# --- network namespaces: state is per namespace ---
ip netns add kc
r=$(ip netns exec kc $NL dump endpoint_get | wc -l)
check "a new namespace has no endpoints" test "$r" = 0
ip netns exec kc ip link set lo up
r=$(ip netns exec kc $NL call endpoint_add addr=addr:127.0.0.1:5683)
expect "endpoint_add inside the namespace" "$r" '.errno == 0'
ip netns exec kc $NL daemon --hold 120 path=/ns methods=2 > $tmp/ns &
nsd=$!
wait_until has $tmp/ns '"ready"|"errno"'
r=$(ip netns exec kc $COAPTOOL req 127.0.0.1 5683 --path ns)
expect "a resource inside the namespace answers there" "$r" '.payload == "hello"'
check "  and does not exist outside" test "$(get --path ns | jq -r .code)" = "4.04"
kill $nsd
wait
ip netns delete kc

rm -rf "$tmp"
finish
