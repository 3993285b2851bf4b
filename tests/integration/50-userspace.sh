#!/bin/bash
# coapctl and coapd (through libkcoap) against the loaded module, with
# coaptool.py and libcoap's coap-client as the CoAP peers.
. "$(dirname "$0")/lib.sh"
COAPD=$TOP/userspace/coapd/coapd
COAPCTL=$TOP/userspace/coapctl/coapctl
tmp=$(mktemp -d)
daemons=()
cleanup() {
	local p
	for p in "${daemons[@]}"; do kill "$p" 2> /dev/null; done
	wait 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ ! -x "$COAPD" ] || [ ! -x "$COAPCTL" ]; then
	make -s -C "$TOP/userspace" > "$tmp/build.log" 2>&1 ||
		sed 's/^/#   /' "$tmp/build.log"
fi
check "userspace is built" test -x "$COAPD" -a -x "$COAPCTL"
check "the coap module is loaded" grep -qs '^coap ' /proc/modules

get() { $COAPTOOL req 127.0.0.1 "$PORT" "$@"; }
ping_ok() { $COAPTOOL raw "$1" "$2" 40000001 0.5 | jq -e '.type == "RST"' > /dev/null; }
listed() { "$COAPCTL" resource list | grep -q "^$1 "; }
# wait_for CMD...: true once CMD succeeds (lib.sh's wait_until)
wait_for() { wait_until "$@"; }
# run NAME STATUS REGEX CMD...: CMD exits STATUS with REGEX in its stderr
run() {
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ] && grep -qE -- "$re" "$tmp/err"; then
		ok "$name"
	else
		not_ok "$name"
		echo "#   exit $rc (wanted $want), stderr: $(cat "$tmp/err")"
	fi
}

# --- coapctl: stats and endpoints ---
"$COAPCTL" stats | awk '{ print $1 }' | sort > "$tmp/names.ctl"
awk '{ print $1 }' /proc/net/coap_stats | sort > "$tmp/names.proc"
check "coapctl stats names every /proc/net/coap_stats counter" \
	diff "$tmp/names.ctl" "$tmp/names.proc"
r=$("$COAPCTL" -j stats)
expect "coapctl -j stats is a JSON object of counters" "$r" \
	"has(\"rx_datagrams\") and has(\"req_fast\") and (.rx_datagrams == $(stat rx_datagrams))"
r=$("$COAPCTL" -j endpoint list)
expect "coapctl -j endpoint list: the load-time endpoints" "$r" \
	'map("\(.address) \(.port) \(.family) \(.adopted)") | sort == ["0.0.0.0 5683 inet false", ":: 5683 inet6 false"]'
check "coapctl endpoint add 127.0.0.1:5690" "$COAPCTL" endpoint add 127.0.0.1:5690
check "  it answers CoAP pings" ping_ok 127.0.0.1 5690
run "  adding it again: exit 1 with errno text and extack" 1 \
	"File exists: endpoint already open" "$COAPCTL" endpoint add 127.0.0.1:5690
check "coapctl e a [::1]:5691 (abbreviated, IPv6)" "$COAPCTL" e a "[::1]:5691"
check "  listed as [::1]:5691" sh -c "'$COAPCTL' endpoint list | grep -qx '\[::1\]:5691'"
check "coapctl endpoint del 127.0.0.1:5690" "$COAPCTL" endpoint del 127.0.0.1:5690
check "coapctl endpoint del [::1]:5691" "$COAPCTL" endpoint del "[::1]:5691"
check "  port closed" sh -c "! $COAPTOOL raw 127.0.0.1 5690 40000001 0.5 | jq -e .type >/dev/null"
run "deleting it again: exit 1, No such file" 1 "No such file or directory" \
	"$COAPCTL" endpoint del 127.0.0.1:5690
if command -v setpriv > /dev/null; then
	nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	run "unprivileged endpoint add: exit 1, EPERM" 1 "Operation not permitted" \
		$nobody "$COAPCTL" endpoint add 127.0.0.1:5692
	check "unprivileged stats works" sh -c "$nobody '$COAPCTL' stats >/dev/null"
fi

# --- coapctl resource add --hold ---
"$COAPCTL" resource add /held methods get,put rt held obs \
	publish hello max-age 30 etag 0102 --hold 2> "$tmp/hold.err" &
hold=$!
daemons+=("$hold")
check "coapctl resource add --hold registers /held" wait_for listed /held
r=$("$COAPCTL" -j resource list)
expect "  -j resource list shows it, published" "$r" \
	'map(select(.path == "/held"))[0] | .methods == ["get","put"] and .rt == "held" and .observable and .owner > 0 and .published == {"length":5,"content_format":0,"max_age":30,"etag":"0102"}'
r=$(get --path held)
expect "  GET is answered by the kernel: 2.05 hello, ETag, Max-Age 30" "$r" \
	'.code == "2.05" and .payload == "hello" and any(.options[]; . == [4,"0102"]) and any(.options[]; . == [14,"1e"])'
r=$(get --path held --opt 4=0102)
expect "  GET with the same ETag: 2.03" "$r" '.code == "2.03"'
r=$(get --code 0.03 --path held --payload x)
expect "  PUT reaches coapctl: 5.01" "$r" '.code == "5.01"'
run "registering /held twice: exit 1, File exists" 1 "File exists" \
	"$COAPCTL" resource add /held --hold
run "a bad path: exit 1 with the kernel's reason" 1 "Invalid argument: path must be" \
	"$COAPCTL" resource add /a//b --hold
kill -TERM "$hold"
wait "$hold"
check "  SIGTERM: coapctl exits 0" test $? = 0
check "  /held is gone" sh -c "! '$COAPCTL' resource list | grep -q /held"
r=$(get --path held)
expect "  GET /held: 4.04" "$r" '.code == "4.04"'

# --- coapd ---
cat > "$tmp/coapd.conf" << 'EOF'
[endpoint]
listen = [::]:5683
listen = 127.0.0.1:5693

[resource /temp/celcius]
kind = writable
content = 21.5
methods = get,put
rt = temperature-c
ct = 0
obs = yes

[resource /led]
kind = writable
content = OFF
allowed = ON,OFF

[resource /version]
kind = static
content = v1
ct = application/json

[resource /load]
kind = file
file = /proc/loadavg

[resource /missing]
kind = file
file = /nonexistent/file

[resource /echo]
kind = command
command = printf '%s %s' "$COAP_METHOD" "$COAP_QUERY"

# a command that outlives its timeout (the sleep is what is tested)
[resource /slow]
kind = command
command = sleep 30
timeout = 1

[resource /fail]
kind = command
command = exit 3
EOF
"$COAPD" -c "$tmp/coapd.conf" 2> "$tmp/coapd.err" &
coapd=$!
daemons+=("$coapd")
check "coapd registers its resources" wait_for listed /fail
check "  opened 127.0.0.1:5693" ping_ok 127.0.0.1 5693
fast=$(stat req_fast)
r=$(get --path temp/celcius)
expect "  GET /temp/celcius: 2.05 21.5 with an ETag" "$r" \
	'.code == "2.05" and .payload == "21.5" and any(.options[]; .[0] == 4)'
check "  ... answered by the kernel (req_fast)" test "$(stat req_fast)" = $((fast + 1))
check "  coap-client-notls reads 21.5" \
	sh -c "coap-client-notls -B 3 -m get coap://127.0.0.1/temp/celcius | grep -qx 21.5"
r=$(get --code 0.03 --path temp/celcius --payload 22.5)
expect "  PUT 22.5: 2.04 with the new content" "$r" '.code == "2.04" and .payload == "22.5"'
r=$(get --path temp/celcius)
expect "  GET after PUT: 22.5 (republished)" "$r" '.code == "2.05" and .payload == "22.5"'
r=$(get --code 0.02 --path temp/celcius --payload 1)
expect "  POST is not among its methods: 4.05" "$r" '.code == "4.05"'
r=$(get --code 0.03 --path led --payload MAYBE)
expect "  PUT /led MAYBE: 4.00" "$r" '.code == "4.00"'
r=$(get --code 0.03 --path led --payload ON)
expect "  PUT /led ON: 2.04 ON" "$r" '.code == "2.04" and .payload == "ON"'
r=$(get --code 0.04 --path led)
expect "  DELETE /led: 2.02" "$r" '.code == "2.02"'
r=$(get --path led)
expect "  GET /led after DELETE: 4.04" "$r" '.code == "4.04"'
r=$(get --code 0.03 --path led --payload OFF)
expect "  PUT /led OFF after DELETE: 2.04" "$r" '.code == "2.04" and .payload == "OFF"'
r=$(get --path led)
expect "  GET /led: OFF" "$r" '.code == "2.05" and .payload == "OFF"'
r=$(get --path version)
expect "  GET /version: 2.05, Content-Format 50" "$r" \
	'.code == "2.05" and .payload == "v1" and any(.options[]; . == [12,"32"])'
r=$(get --path version --opt 17=00)
expect "  GET /version, Accept text/plain: 4.06" "$r" '.code == "4.06"'
r=$(get --path load)
expect "  GET /load (file): 2.05 with /proc/loadavg" "$r" \
	'.code == "2.05" and (.payload | test("^[0-9.]+ [0-9.]+ [0-9.]+ "))'
r=$(get --path missing)
expect "  GET /missing (unreadable file): 5.00" "$r" '.code == "5.00"'
r=$(get --path echo --query a=1 --query b=2)
expect "  GET /echo?a=1&b=2 (command): 2.05 'GET a=1&b=2'" "$r" \
	'.code == "2.05" and .payload == "GET a=1&b=2"'
r=$(get --path slow --timeout 30)	# a bound: the answer comes after 1 s
expect "  GET /slow (command past its timeout): 5.00" "$r" '.code == "5.00"'
r=$(get --path fail)
expect "  GET /fail (command exits 3): 5.00" "$r" '.code == "5.00"'

# 200 PUTs at once: coapd publishes after each, so most requests arrive
# while it waits for the kernel's ACK and must survive in libkcoap's queue.
r=$(python3 - "$TOP/tests/integration" << 'EOF'
import collections, json, socket, sys
sys.path.insert(0, sys.argv[1])
from coaptool import build, parse
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
for i in range(200):
    s.sendto(build(0, 3, i, i.to_bytes(2, "big"), [(11, b"temp"), (11, b"celcius")],
                   b"%d" % i), ("127.0.0.1", 5683))
s.settimeout(10)
codes = collections.Counter()
try:
    for _ in range(200):
        codes[parse(s.recvfrom(2048)[0])["code"]] += 1
except socket.timeout:
    pass
print(json.dumps(codes))
EOF
)
expect "  200 PUTs at once: 200 times 2.04" "$r" '. == {"2.04": 200}'

run "a second coapd for the same paths: exit 1, File exists" 1 \
	"resource /temp/celcius.*File exists" "$COAPD" -c "$tmp/coapd.conf"
kill -TERM "$coapd"
wait "$coapd"
check "coapd exits 0 on SIGTERM" test $? = 0
check "  its resources are gone" sh -c "! '$COAPCTL' resource list | grep -q ."
check "  it closed 127.0.0.1:5693, which it had opened" \
	sh -c "! $COAPTOOL raw 127.0.0.1 5693 40000001 0.5 | jq -e .type >/dev/null"
check "  and left [::]:5683, which it had not" ping_ok ::1 5683
check "  no error in its log" sh -c "! grep -v -e 'GET /missing' -e 'GET /slow' -e 'GET /fail' '$tmp/coapd.err' | grep -q ."

"$COAPD" -c "$tmp/coapd.conf" 2> /dev/null &
coapd=$!
daemons+=("$coapd")
wait_for listed /fail
kill -KILL "$coapd"
{ wait "$coapd"; } 2> /dev/null
check "coapd killed with SIGKILL: the kernel drops its resources" \
	wait_for sh -c "! '$COAPCTL' resource list | grep -q ."
"$COAPCTL" endpoint del 127.0.0.1:5693 2> /dev/null

# --- coapctl endpoint set: transmission parameters ---
defaults='{"ack_timeout_ms":2000,"ack_random_factor":1500,"max_retransmit":4,"nstart":1,"default_leisure_ms":5000,"probing_rate":1,"max_latency_ms":100000,"ack_delay_ms":1000}'
# params ADDR: the -j endpoint list parameters of the endpoint at ADDR
params() { "$COAPCTL" -j endpoint list | jq -c --arg a "$1" 'map(select(.address == $a))[0].params'; }
r=$("$COAPCTL" -j endpoint list)
expect "-j endpoint list: both load-time endpoints have the RFC defaults" "$r" \
	"length == 2 and all(.[]; .params == $defaults)"
check "coapctl endpoint set 0.0.0.0:5683 ack-timeout 3000 nstart 2" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 ack-timeout 3000 nstart 2
r=$(params 0.0.0.0)
expect "  -j list shows them, the others unchanged" "$r" \
	". == ($defaults + {\"ack_timeout_ms\":3000,\"nstart\":2})"
r=$(params ::)
expect "  [::]:5683 keeps the defaults" "$r" ". == $defaults"
r=$("$COAPCTL" endpoint list | awk 'p == "0.0.0.0:5683" { print } { p = $0 }')
check "  text list: parameters on an indented line, as set takes them" \
	test "$r" = "$(printf '\t%s' 'ack-timeout 3000 ack-random-factor 1.5 max-retransmit 4 nstart 2 default-leisure 5000 probing-rate 1 max-latency 100000 ack-delay 1000')"
check "coapctl e se [::]:5683 ack-random-factor 2.25 (abbreviated)" \
	"$COAPCTL" e se "[::]:5683" ack-random-factor 2.25
r=$(params ::)
expect "  ack_random_factor 2250, the rest unchanged" "$r" \
	". == ($defaults + {\"ack_random_factor\":2250})"
run "ack-timeout 5 (below 10): exit 1, ERANGE naming it with its range" 1 \
	"endpoint set 0.0.0.0:5683: Numerical result out of range: .*COAP_PARAM_A_ACK_TIMEOUT_MS, valid 10\.\.60000" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 ack-timeout 5
run "nstart 5 with ack-random-factor 4.001: exit 1, ERANGE naming the factor" 1 \
	"Numerical result out of range: .*COAP_PARAM_A_ACK_RANDOM_FACTOR" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 nstart 5 ack-random-factor 4.001
run "ack-delay 3000, not below ack-timeout 3000: exit 1, EINVAL" 1 \
	"Invalid argument: COAP_PARAM_A_ACK_DELAY_MS must be below COAP_PARAM_A_ACK_TIMEOUT_MS" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 ack-delay 3000
run "ack-timeout 900 with the current ack-delay 1000: exit 1, EINVAL" 1 \
	"Invalid argument: .*ACK_DELAY" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 ack-timeout 900
r=$(params 0.0.0.0)
expect "  refused calls change nothing, not even their valid parameters" "$r" \
	". == ($defaults + {\"ack_timeout_ms\":3000,\"nstart\":2})"
check "ack-timeout 900 with ack-delay 500 in one call is fine" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 ack-timeout 900 ack-delay 500
run "no parameter: exit 2" 2 "needs at least one parameter" \
	"$COAPCTL" endpoint set 0.0.0.0:5683
run "unknown parameter: exit 2" 2 "unknown endpoint parameter 'ack-timeout-ms'" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 ack-timeout-ms 100
run "a value that is not a number: exit 2" 2 "bad nstart 'two'" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 nstart two
run "a factor with 4 decimals: exit 2" 2 "bad ack-random-factor '1.5005'" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 ack-random-factor 1.5005
run "a parameter without its value: exit 2" 2 "'max-latency' needs a value" \
	"$COAPCTL" endpoint set 0.0.0.0:5683 nstart 1 max-latency
run "unknown endpoint: exit 1, No such file" 1 \
	"No such file or directory: no endpoint with this address" \
	"$COAPCTL" endpoint set 127.0.0.9:5683 nstart 2
if command -v setpriv > /dev/null; then
	run "unprivileged endpoint set: exit 1, EPERM" 1 "Operation not permitted" \
		$nobody "$COAPCTL" endpoint set 0.0.0.0:5683 nstart 3
fi
restore="ack-timeout 2000 ack-random-factor 1.5 max-retransmit 4 nstart 1 default-leisure 5000 probing-rate 1 max-latency 100000 ack-delay 1000"
for a in 0.0.0.0:5683 "[::]:5683"; do
	# shellcheck disable=SC2086
	check "restore the defaults of $a" "$COAPCTL" endpoint set "$a" $restore
done
r=$("$COAPCTL" -j endpoint list)
expect "  both endpoints have the RFC defaults again" "$r" \
	"length == 2 and all(.[]; .params == $defaults)"

# per-endpoint counters: two pings to the IPv6 endpoint only
r0=$("$COAPCTL" -j endpoint list)
$COAPTOOL raw ::1 5683 40000001 >/dev/null
$COAPTOOL raw ::1 5683 40000002 >/dev/null
r=$("$COAPCTL" -j endpoint list)
expect "-j endpoint list: per-endpoint stats; the pings counted on [::] only" \
	"$(jq -c -n --argjson a "$r0" --argjson b "$r" '[$a, $b]')" \
	'(.[1] | map(select(.address == "::"))[0].stats.rx_pings) - (.[0] | map(select(.address == "::"))[0].stats.rx_pings) == 2 and
	 (.[1] | map(select(.address == "0.0.0.0"))[0].stats.rx_pings) == (.[0] | map(select(.address == "0.0.0.0"))[0].stats.rx_pings) and
	 (.[1][0].stats | has("rx_datagrams") and has("tx_retransmit") and has("drop_short") and (has("dedup_entries") | not))'
r=$("$COAPCTL" endpoint list -s | awk 'p == "[::]:5683" || q == "[::]:5683" { print } { q = p; p = $0 }')
check "endpoint list -s: a counters line with rx_pings" grep -q 'rx_pings [0-9]' <<<"$r"
check "endpoint list with a stray argument is a usage error (exit 2)" \
	sh -c "'$COAPCTL' endpoint list -x 2>/dev/null; test \$? = 2"
finish
