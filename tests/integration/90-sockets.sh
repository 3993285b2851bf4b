#!/bin/bash
# CoAP sockets (IPPROTO_COAP): socktest.py drives them from Python's
# socket module against libcoap's server and client and raw peers; then
# the examples, loss on lo, and module removal while a socket is open.
. "$(dirname "$0")/lib.sh"
I=$TOP/tests/integration
LIBCOAP_PORT=5690
export LIBCOAP_PORT
[ -x "$TOP/userspace/examples/coap-get" ] || make -s -C "$TOP/userspace" >/dev/null
coap-server-notls -p $LIBCOAP_PORT >/dev/null 2>&1 &
srv=$!
# it answers (a CoAP ping gets its RST) before the tests use it
libcoap_up() { $COAPTOOL raw 127.0.0.1 $LIBCOAP_PORT 40000001 0.5 | jq -e '.type == "RST"' >/dev/null; }
wait_until libcoap_up

out=$(python3 "$I/socktest.py")
echo "$out" | grep -v '^# [0-9]* passed'
T_PASS=$((T_PASS + $(echo "$out" | grep -c '^ok - ')))
T_FAIL=$((T_FAIL + $(echo "$out" | grep -c '^not ok - ')))

r=$("$TOP/userspace/examples/coap-get" 127.0.0.1 time $LIBCOAP_PORT)
check "C example coap-get: GET /time from libcoap over IPv4 (mapped)" grep -q '^2\.05 ' <<<"$r"
r=$("$TOP/userspace/examples/coap-get" ::1 async $LIBCOAP_PORT)
check "C example coap-get: a separate response over IPv6" test "$r" = "2.05 done"
r=$("$TOP/userspace/examples/coap-get" 127.0.0.1 no/such $LIBCOAP_PORT)
check "C example coap-get: 4.04 exits 1" test $? = 1 -a "${r%% *}" = 4.04
r=$(python3 "$TOP/userspace/examples/coap_get.py" "[::1]:$LIBCOAP_PORT" time)
check "Python example coap_get.py: GET /time over IPv6" grep -q '^2\.05 ' <<<"$r"

# 30% loss both ways on lo: every request completes or is reported
tc qdisc add dev lo root netem loss 30%
r=$(TOP=$TOP python3 - <<'PY'
import select, socket, os, sys
sys.path.insert(0, os.environ["TOP"] + "/tests/integration")
from coaptool import build
done = failed = 0
for i in range(20):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 253)
    # ACK_DELAY 50, ACK_TIMEOUT 100, no randomness, MAX_RETRANSMIT 6:
    # 7 tries within 12.7 s; each gets through 30% loss both ways with
    # p = 0.49, so a request fails with p = 0.51^7 < 1%
    for opt, val in ((8, 50), (1, 100), (2, 1000), (3, 6)):
        s.setsockopt(5683, opt, val)
    s.sendto(build(0, 1, 0, bytes([i]), [(11, b"time")]),
             ("127.0.0.1", int(os.environ["LIBCOAP_PORT"])))
    p = select.poll()
    p.register(s, select.POLLIN)
    ev = p.poll(30000)
    if ev and ev[0][1] & select.POLLIN and s.recv(2048)[1] == 0x45:
        done += 1
    elif ev and ev[0][1] & select.POLLERR:
        failed += 1
    s.close()
print(done, failed)
PY
)
tc qdisc del dev lo root
read -r done failed <<<"$r"
check "30% loss: 20 GETs through CoAP sockets, each answered or reported ($done answered, $failed ETIMEDOUT)" \
	test "$((done + failed))" = 20
check "  retransmissions got at least 17 through (3 failures: p < 1e-4)" test "${done:-0}" -ge 17

# the module cannot go while a CoAP socket exists
hd=$(mktemp -d)
mkfifo "$hd/ctl"
# holds a CoAP socket, says so, and keeps it until its input closes
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 253)
open(sys.argv[1], "w").close()
sys.stdin.read()' "$hd/held" < "$hd/ctl" &
holder=$!
exec 4> "$hd/ctl"
wait_until test -e "$hd/held"
check "rmmod coap is refused while a CoAP socket is open" sh -c '! rmmod coap 2>/dev/null'
exec 4>&-
wait $holder
rm -rf "$hd"
check "  and works once it is closed" rmmod coap
check "  (module inserted again)" insmod "$TOP/coap.ko" port=5683

kill $srv 2>/dev/null
wait $srv 2>/dev/null
check "rx_datagrams equals the sum of outcome counters" stats_balanced
finish
