#!/bin/bash
# The message layer (RFC 7252 section 4): transmission parameters per
# endpoint, separate responses and their retransmission, ACK and RST,
# deduplication with replayed answers, record expiry and bounds, and real
# clients over a lossy, duplicating, reordering loopback (tc netem).
. "$(dirname "$0")/lib.sh"
NL="python3 $TOP/tests/integration/nltool.py"
PARAMS=/sys/module/coap/parameters
tmp=$(mktemp -d)
get() { $COAPTOOL req 127.0.0.1 $PORT "$@"; }
daemon() {
	local out=$1
	shift
	$NL daemon "$@" > "$out" &
	wait_until grep -q '"ready"\|"errno"' "$out"
}
delta() { echo $(( $(stat "$1") - $2 )); }
# burst MID:SPORT...: CON GET /quick from each source port with that MID,
# one after the other (each answered) from one process: milliseconds
# apart, so no record of the burst can expire before the last is made
burst() {
	python3 - "$PORT" "$@" <<'PY'
import socket, sys
port = int(sys.argv[1])
for arg in sys.argv[2:]:
    mid, sport = map(int, arg.split(":"))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", sport))
    s.settimeout(30)
    s.sendto(bytes([0x40, 1, mid >> 8, mid & 255]) + b"\xb5quick", ("127.0.0.1", port))
    s.recvfrom(2048)
    s.close()
PY
}
# delta_at_least NAME BASE N: counter NAME has moved by N or more from BASE
delta_at_least() { [ "$(delta "$1" "$2")" -ge "$3" ]; }
# protocol times in whole seconds from the parameters in force (both
# endpoints get the same here): proto_secs WHAT [JQ], lib.sh
lifetime() { proto_secs "$@"; }
M=$MARGIN

# --- transmission parameters over netlink ---
fast="param.ack_timeout_ms=200 param.ack_delay_ms=100 param.max_retransmit=3 param.max_latency_ms=1000"
for a in 0.0.0.0:5683 [::]:5683; do
	r=$($NL call endpoint_set addr=addr:$a $fast)
	expect "endpoint_set $a: fast timers for the test" "$r" '.errno == 0'
done
r=$($NL dump endpoint_get | jq -s -c '.[0].params')
expect "endpoint_get shows them, and the RFC defaults for the rest" "$r" \
	'.ack_timeout_ms == 200 and .ack_delay_ms == 100 and .max_retransmit == 3 and .max_latency_ms == 1000 and .ack_random_factor == 1500 and .nstart == 1 and .default_leisure_ms == 5000 and .probing_rate == 1'
r=$($NL call endpoint_set addr=addr:0.0.0.0:5683 param.ack_timeout_ms=5)
expect "ack_timeout_ms 5 (below 10): ERANGE" "$r" '.errno == 34'
r=$($NL call endpoint_set addr=addr:0.0.0.0:5683 param.max_retransmit=11)
expect "max_retransmit 11: ERANGE" "$r" '.errno == 34'
r=$($NL call endpoint_set addr=addr:0.0.0.0:5683 param.ack_random_factor=999)
expect "ack_random_factor 0.999: ERANGE" "$r" '.errno == 34'
r=$($NL call endpoint_set addr=addr:0.0.0.0:5683 param.ack_delay_ms=200)
expect "ack_delay_ms not below ack_timeout_ms: EINVAL naming it" "$r" '.errno == 22 and (.msg | contains("ACK_DELAY"))'
r=$($NL call endpoint_set addr=addr:127.0.0.9:5683 param.nstart=2)
expect "endpoint_set of an unknown endpoint: ENOENT" "$r" '.errno == 2'
r=$($NL call endpoint_set addr=addr:0.0.0.0:5683)
expect "endpoint_set without params: EINVAL" "$r" '.errno == 22 and (.msg | contains("COAP_A_PARAMS"))'
r=$(unpriv $(nl_readable) call endpoint_set addr=addr:0.0.0.0:5683 param.nstart=2)
expect "unprivileged endpoint_set: EPERM" "$r" '.errno == 1'

# --- piggybacked vs separate ---
daemon $tmp/quick --hold 600 path=/quick methods=2
quick=$!
daemon $tmp/slow --hold 600 --delay 0.5 --answer 2.05:late path=/slow methods=2
slow=$!
sep0=$(stat req_separate) acks0=$(stat rx_acks)
r=$(get --path quick)
expect "an answer within ack_delay_ms is piggybacked" "$r" '.type == "ACK" and .code == "2.05" and (.separate | not)'
r=$(get --path slow --timeout 30)	# a bound: the answer comes after 0.5 s
expect "a late answer: empty ACK first, then a separate CON response" "$r" \
	'.separate == true and .type == "CON" and .code == "2.05" and .payload == "late"'
check "  req_separate moved" test "$(delta req_separate $sep0)" = 1
# the client's ACK went out before it printed; the kernel counts it on arrival
wait_until delta_at_least rx_acks $acks0 1
check "  our ACK of it ended the exchange (rx_acks)" test "$(delta rx_acks $acks0)" = 1
r=$(get --type non --path slow --timeout 30)
expect "a late answer to a NON is a NON, without an empty ACK" "$r" '.type == "NON" and .payload == "late" and (.separate | not)'

# --- retransmission of the separate response ---
# the client listens until the kernel gives up on the exchange (it
# counts exchange_timeout after MAX_TRANSMIT_WAIT): no later copy can come
rt0=$(stat tx_retransmit) to0=$(stat exchange_timeout)
rm -f $tmp/over
$COAPTOOL separate 127.0.0.1 $PORT slow $(( $(lifetime max_transmit_wait) + 2 * M )) --until $tmp/over > $tmp/sep &
sp=$!
wait_until -t $(( $(lifetime max_transmit_wait) + M )) delta_at_least exchange_timeout $to0 1
touch $tmp/over
wait $sp
r=$(cat $tmp/sep)
expect "unacknowledged separate response: sent 1 + MAX_RETRANSMIT (3) times, same MID" "$r" \
	'.empty_ack and .copies == 4 and (.mids | unique | length) == 1 and (.codes | unique) == ["CON 2.05"]'
check "  tx_retransmit moved by 3" test "$(delta tx_retransmit $rt0)" = 3
check "  exchange_timeout moved by 1" test "$(delta exchange_timeout $to0)" = 1
# the RST ends the exchange: once the kernel has counted it and holds no
# exchange, nothing more can be sent
rs0=$(stat rx_resets) rt0=$(stat tx_retransmit)
rm -f $tmp/over
$COAPTOOL separate 127.0.0.1 $PORT slow $(( $(lifetime max_transmit_wait) + 2 * M )) --rst --until $tmp/over > $tmp/sep &
sp=$!
reset_done() { delta_at_least rx_resets $rs0 1 && stat_is exchanges 0; }
wait_until reset_done
touch $tmp/over
wait $sp
r=$(cat $tmp/sep)
expect "an RST to the separate response stops its retransmission" "$r" '.empty_ack and .copies == 1'
check "  rx_resets moved" test "$(delta rx_resets $rs0)" = 1
check "  and nothing was retransmitted (tx_retransmit)" test "$(delta tx_retransmit $rt0)" = 0
check "no exchange left open" test "$(stat exchanges)" = 0

# --- NSTART: one outstanding CON per peer, the rest queued ---
for a in 0.0.0.0:5683 [::]:5683; do
	$NL call endpoint_set addr=addr:$a param.max_retransmit=4 >/dev/null
done
q0=$(stat tx_queued)
r=$(python3 - "$PORT" <<'PY'
import json, socket, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.05)
for mid, tok in ((901, b"\x01"), (902, b"\x02")):
    # CON GET /slow with a one-byte token
    s.sendto(bytes([0x41, 1, mid >> 8, mid & 255]) + tok + b"\xb4slow", ("127.0.0.1", port))
def queued():
    with open("/proc/net/coap_stats") as f:
        return int(dict(l.split() for l in f)["tx_queued"])
q0 = queued()
first = {}
acked = None
# a bound only: it ends when token 2's response came after our ACK
end = time.time() + 60
while time.time() < end and not (acked and 2 in first):
    try:
        d, a = s.recvfrom(2048)
    except socket.timeout:
        # acknowledge token 1's separate response once the kernel has
        # queued token 2's behind it (tx_queued moved)
        if 1 in first and acked is None and queued() > q0:
            s.sendto(bytes([0x60, 0, mid1[0], mid1[1]]), a1)
            acked = time.time()
        continue
    if d[0] >> 4 & 3 == 0 and d[0] & 15 == 1:   # a CON with our token
        t = d[4]
        if t not in first:
            first[t] = time.time()
            if t == 1:
                mid1, a1 = d[2:4], a
        if t == 2:
            s.sendto(bytes([0x60, 0, d[2], d[3]]), a)
print(json.dumps({"got1": 1 in first, "got2": 2 in first,
                  "second_after_ack": bool(acked and 2 in first and first[2] >= acked - 0.01)}))
PY
)
expect "NSTART=1: the second separate CON waits until the first is acknowledged" "$r" '.got1 and .got2 and .second_after_ack'
check "  tx_queued moved" test "$(delta tx_queued $q0)" = 1
# back to MAX_RETRANSMIT 3: the lifetimes below are computed with it
for a in 0.0.0.0:5683 [::]:5683; do
	$NL call endpoint_set addr=addr:$a param.max_retransmit=3 >/dev/null
done

# --- deduplication ---
dup0=$(stat req_duplicate)
n0=$(grep -c '"request"' $tmp/quick)
a=$($COAPTOOL req 127.0.0.1 $PORT --path quick --mid 4242 --token 0a --sport 41000)
b=$($COAPTOOL req 127.0.0.1 $PORT --path quick --mid 4242 --token 0a --sport 41000)
check "a duplicate CON gets the identical answer again" test "$a" = "$b"
check "  the daemon saw it once" test "$(grep -c '"request"' $tmp/quick)" = $((n0 + 1))
check "  req_duplicate moved" test "$(delta req_duplicate $dup0)" = 1
r=$($COAPTOOL req 127.0.0.1 $PORT --type non --path quick --mid 4343 --token 0b --sport 41001)
r=$($COAPTOOL req 127.0.0.1 $PORT --type non --path quick --mid 4343 --token 0b --sport 41001 --timeout 0.5)
expect "a duplicate NON is ignored" "$r" '.reply == null'
wait_until delta_at_least req_duplicate $dup0 2
check "  the daemon saw it once" test "$(grep -c '"request"' $tmp/quick)" = $((n0 + 2))
sep0=$(stat req_separate)
b=$($COAPTOOL req 127.0.0.1 $PORT --path slow --mid 4444 --token 0c --sport 41002 --timeout 0.05)
# (read at once: the record lives EXCHANGE_LIFETIME, 4.3 s, from now)
dd=$(stat dedup_entries)
# the kernel sent its empty ACK (after ack_delay_ms): the record holds it
wait_until delta_at_least req_separate $sep0 1
r=$($COAPTOOL raw 127.0.0.1 $PORT 41010000 0.5)
c=$($COAPTOOL req 127.0.0.1 $PORT --path slow --mid 4444 --token 0c --sport 41002 --timeout 1)
expect "a duplicate after the empty ACK gets the empty ACK again (then the CON follows)" "$c" '.separate == true or .code == "0.00"'
check "dedup records exist now" test "$dd" -gt 0
# EXCHANGE_LIFETIME with these parameters: 200*7*1.5 + 2*1000 + 200 = 4.3 s
# (the NSTART test's records, made with MAX_RETRANSMIT 4, live 6.7 s):
# the longest plus the margin is the deadline
life4=$(lifetime exchange_lifetime '.max_retransmit = 4')
check "records expire after EXCHANGE_LIFETIME (dedup_entries back to 0)" wait_until -t $((life4 + M)) stat_is dedup_entries 0
a=$($COAPTOOL req 127.0.0.1 $PORT --path quick --mid 4242 --token 0a --sport 41000)
check "  after expiry the same MID is a new request" test "$(grep -c '"request"' $tmp/quick)" = $((n0 + 3))

# --- bounds ---
echo 3 > $PARAMS/max_dedup_per_peer
ev0=$(stat dedup_evicted)
burst 5001:41003 5002:41003 5003:41003 5004:41003 5005:41003
check "max_dedup_per_peer=3: five requests from one peer evict two records" test "$(delta dedup_evicted $ev0)" = 2
echo 256 > $PARAMS/max_dedup_per_peer
echo 2 > $PARAMS/max_dedup
ev0=$(stat dedup_evicted)
burst 6001:41101 6002:41102 6003:41103
check "max_dedup=2: the namespace bound evicts too" test "$(delta dedup_evicted $ev0)" -ge 1
check "  and never holds more than 2" test "$(stat dedup_entries)" -le 2
# every record expires (only the open one below will count)
wait_until -t $(( $(lifetime exchange_lifetime) + M )) stat_is dedup_entries 0
echo 1 > $PARAMS/max_dedup
# a daemon of this step's own that never answers: its request stays open
# for as long as the step needs (until the daemon goes: 5.03 then)
daemon $tmp/held --hold 600 --ignore path=/held methods=2
held=$!
q0=$(stat req_queue_full)
get --path held --timeout 0.05 > /dev/null
wait_until has $tmp/held '"request"'
r=$(get --path quick --timeout 2)
expect "max_dedup=1 with that record still open: 5.03 Max-Age 2" "$r" '.code == "5.03" and .options == [[14, "02"]]'
check "  counted in req_queue_full" test "$(delta req_queue_full $q0)" = 1
kill $held
wait $held 2>/dev/null
echo 8192 > $PARAMS/max_dedup

# --- a peer that hears nothing from us: its exchanges expire, memory returns ---
for a in 0.0.0.0:5683 [::]:5683; do
	$NL call endpoint_set addr=addr:$a param.max_retransmit=1 >/dev/null
done
# earlier records and exchanges go first (the held request's record was
# made with MAX_RETRANSMIT 3: its lifetime bounds the wait)
settled() { stat_is dedup_entries 0 && stat_is exchanges 0; }
wait_until -t $(( life4 + M )) settled
d0=$(stat dedup_entries) x0=$(stat exchanges) to0=$(stat exchange_timeout)
# ten peers (NSTART does not serialise them) whose sockets are closed as
# soon as the requests are out: nothing the module sends them arrives
# anywhere (their ports answer with ICMP), and no ACK ever comes back.
# All arrive at once; the daemon answers them 0.5 s apart, so the
# exchanges (each open for MAX_TRANSMIT_WAIT, 0.9 s) overlap.  The records
# (EXCHANGE_LIFETIME, 2.5 s) are made as each request arrives: the sender
# watches the gauge from right after the last one (for up to
# 2 s, within their lifetime) and reports the most it saw
dd=$(python3 - "$PORT" $((d0 + 10)) <<'PY'
import socket, sys, time
port, want = int(sys.argv[1]), int(sys.argv[2])
for m in range(1, 11):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 41200 + m))
    mid = 7000 + m
    s.sendto(bytes([0x40, 1, mid >> 8, mid & 255]) + b"\xb4slow", ("127.0.0.1", port))
    s.close()
end, most = time.monotonic() + 30, 0
while most < want and time.monotonic() < end:
    with open("/proc/net/coap_stats") as f:
        most = max(most, int(dict(l.split() for l in f)["dedup_entries"]))
    time.sleep(0.01)
print(most)
PY
)
check "the unanswered peer's requests opened exchanges" wait_until stat_at_least exchanges $((x0 + 1))
check "  and dedup records ($dd, seen by the sender)" test "$dd" -ge $((d0 + 10))
# each separate response times out MAX_TRANSMIT_WAIT after it is sent; the
# daemon answers 10 x 0.5 s, serially: the kernel's counter is the judge
wait_until -t $(( 10 * 1 + $(lifetime max_transmit_wait) + M )) delta_at_least exchange_timeout $to0 10
check "every separate response to it timed out (exchange_timeout +10)" test "$(delta exchange_timeout $to0)" = 10
# then the records' EXCHANGE_LIFETIME (200*1*1.5 + 2*1000 + 200 = 2.5 s)
check "no exchange left (exchanges gauge back to $x0)" wait_until stat_is exchanges "$x0"
check "no record left (dedup_entries back to $d0)" \
	wait_until -t $(( $(lifetime exchange_lifetime) + M )) stat_is dedup_entries "$d0"
# (/proc/slabinfo is no judge here: KASAN's quarantine keeps freed
# objects counted as active for a while; the gauges above are the
# module's own accounting of what it holds)

# --- real clients over a bad loopback ---
kill $quick $slow 2>/dev/null
wait $quick $slow 2>/dev/null
# back to the RFC's ACK_TIMEOUT (libcoap uses it too); short lifetimes stay
for a in 0.0.0.0:5683 [::]:5683; do
	$NL call endpoint_set addr=addr:$a param.ack_timeout_ms=2000 param.ack_delay_ms=1000 param.max_retransmit=4 >/dev/null
done
daemon $tmp/count --hold 600 --answer 2.04:ok path=/count methods=8
count=$!
tc qdisc add dev lo root netem delay 5ms 5ms loss 30% duplicate 20% reorder 25%
before_fw=$(stat req_forwarded) dup0=$(stat req_duplicate) rx0=$(stat rx_datagrams)
N=20 okc=0
for i in $(seq $N); do
	if timeout 60 coap-client-notls -B 50 -m put -e "v$i" coap://127.0.0.1/count 2>/dev/null | grep -q ok; then
		okc=$((okc + 1))
	fi
done
tc qdisc del dev lo root
seen=$(grep -c '"request"' $tmp/count)
uniq=$(grep '"request"' $tmp/count | jq -r .request.payload | sort -u | wc -l)
echo "# netem 30% loss, 20% duplication, reordering: $okc of $N libcoap PUTs completed; daemon saw $seen requests ($uniq distinct); duplicates absorbed $(delta req_duplicate $dup0); datagrams received $(delta rx_datagrams $rx0)"
check "every request that reached the daemon reached it once ($seen seen, $uniq distinct)" test "$seen" = "$uniq"
check "forwarded count equals what the daemon saw" test "$(delta req_forwarded $before_fw)" = "$seen"
check "duplicates were absorbed by the kernel" test "$(delta req_duplicate $dup0)" -gt 0
check "every completed request reached the daemon" test "$okc" -le "$seen"
# libcoap's client gives up after its 4 retransmissions: with 30% loss
# each way a PUT fails with p = 0.51^5 = 3.5%, so 3 failures in 20 happen
# in about 3% of runs; 5 or more in under 0.1%
check "at least 16 of 20 PUTs completed through 30% loss each way ($okc)" test "$okc" -ge 16
kill $count 2>/dev/null
wait $count 2>/dev/null
check "rx_datagrams equals the sum of outcome counters" stats_balanced
rm -rf "$tmp"
finish
