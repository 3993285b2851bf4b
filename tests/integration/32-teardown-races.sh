#!/bin/bash
# Teardown racing traffic: endpoints, resources, daemons, namespaces and
# the module go away while datagrams that reach them keep arriving.  The
# checks that matter are the kernel's: uml-run (and smp-run) fail the run
# on any KASAN, lockdep, WARN or BUG report.  Deliveries are delayed by
# netem so that they happen from timer softirq at arbitrary points of the
# process doing the teardown.
# smp-run: yes
. "$(dirname "$0")/lib.sh"
# outputs of the helpers; /tmp is the host's, shared with other test kernels
W=$(mktemp -d /tmp/kcoap-races.XXXXXX)
RACE="python3 $TOP/tests/integration/racetool.py"
NL="python3 $TOP/tests/integration/nltool.py"
P=/sys/module/coap/parameters
ROUNDS=${ROUNDS:-40}
STEPS=${STEPS:-1 2 3 5 6 4}	# which of the numbered steps below to run
step() { [[ " $STEPS " == *" $1 "* ]] && echo "# step $1 at $(date +%T)"; }

exchanges_in() { [ "$(ip netns exec "$1" awk '$1 == "exchanges" {print $2}' /proc/net/coap_stats)" "$2" "$3" ]; }
nsid_gone() { ! ip netns list-id | grep -qw "nsid $1"; }

netem_ns() {
	ip netns add "$1" && ip -n "$1" link set lo up &&
		ip netns exec "$1" tc qdisc add dev lo root netem delay 2ms 1ms
}

# 1. endpoint deletion while requests wait for a daemon that never answers
if step 1; then
echo 60000 > $P/request_timeout_ms
echo 8192 > $P/max_pending
netem_ns kr1
r=$(ip netns exec kr1 $RACE endpoint --rounds "$ROUNDS" --port 5683)
expect "endpoint deleted and re-added $ROUNDS times under a GET flood" "$r" '.errors == 0'
check "  no exchange is left open in that namespace" \
	wait_until exchanges_in kr1 = 0
ip netns delete kr1
fi

# 2. resource deletion (the daemon's last) while requests wait for it;
#    short deadlines so the requests' timers fire during the churn
if step 2; then
echo 200 > $P/request_timeout_ms
netem_ns kr2
r=$(ip netns exec kr2 $RACE resource --rounds "$ROUNDS" --port 5683)
expect "resource deleted and re-registered $ROUNDS times under a GET flood" "$r" '.errors == 0'
check "  every exchange ends (request_timeout_ms 200)" \
	wait_until exchanges_in kr2 = 0
ip netns delete kr2
fi

# 3. namespace exit with an endpoint, a silent daemon and a flood in it
if step 3; then
echo 60000 > $P/request_timeout_ms
gone=0
for i in $(seq 5); do
	netem_ns "kx$i" || break
	ip netns set "kx$i" $((100 + i))
	ip netns exec "kx$i" $NL call endpoint_add addr=addr:127.0.0.1:5683 >/dev/null
	ip netns exec "kx$i" $RACE hold --port 5683 > "$W/kx$i.out" &
	pid=$!
	wait_until -t 30 grep -q ready "$W/kx$i.out"
	# let requests pile up, then end every process in the namespace
	wait_until -t 30 exchanges_in "kx$i" -ge 20
	kill -9 $pid "$(pgrep -P $pid)" 2>/dev/null
	wait $pid 2>/dev/null
	pkill -9 -f "racetool.py hold" 2>/dev/null
	ip netns delete "kx$i"
	# the namespace is really gone once its id disappears here
	wait_until nsid_gone $((100 + i)) && gone=$((gone + 1))
	rm -f "$W/kx$i.out"
done
check "5 namespaces exited with requests in flight" [ $gone = 5 ]
fi

# 5. an adopted socket does not outlive its namespace: when the last
#    process there exits, the namespace (and the endpoint) go
if step 5; then
ip netns add ka && ip netns set ka 200 && ip -n ka link set lo up
ip netns exec ka $NL adopt 127.0.0.1 5683 --hold > "$W/ka.out" &
wait_until grep -q errno "$W/ka.out"
expect "a socket adopted inside a namespace" "$(cat "$W/ka.out")" '.errno == 0'
check "  answers there" sh -c "ip netns exec ka $COAPTOOL raw 127.0.0.1 5683 40000001 | jq -e '.type == \"RST\"' >/dev/null"
pkill -f "nltool.py adopt 127.0.0.1 5683"
ip netns delete ka
check "  the namespace exits once its processes have" wait_until nsid_gone 200
rm -f "$W/ka.out"
fi

# 6. an adopted socket whose owner turned encapsulation off (UDP_ENCAP 0)
#    and then closed it: no close reaches the module, which must not touch
#    the freed socket later; it holds the socket, and with it the
#    namespace, until the module unloads
if step 6; then
ip netns add kd && ip netns set kd 201 && ip -n kd link set lo up
ip netns exec kd $NL adopt 127.0.0.1 5683 --detach --hold > "$W/kd.out" &
wait_until grep -q errno "$W/kd.out"
expect "a socket adopted inside a namespace, then detached by its owner" "$(cat "$W/kd.out")" '.errno == 0'
pkill -f "nltool.py adopt 127.0.0.1 5683 --detach"
ip netns delete kd
check "  rmmod after its owner closed it and left" rmmod coap
check "  and the namespace is gone" wait_until nsid_gone 201
check "  reload" insmod "$TOP/coap.ko"
rm -f "$W/kd.out"
fi

# 4. rmmod right after a daemon with 10,000 resources exits: every
#    resource's RCU callback must have run before the module text goes
if step 4; then
echo 5000 > $P/request_timeout_ms
r=$($RACE many 10000)
expect "a daemon registered 10,000 resources and exited" "$r" '.registered == 10000'
check "rmmod right after it" rmmod coap
check "reload" insmod "$TOP/coap.ko"
fi
rm -rf "$W"
finish
