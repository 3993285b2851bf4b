#!/bin/bash
# What remote peers make the kernel keep for a daemon's resources is
# charged to the daemon's memory cgroup: observers registered by clients
# show in the daemon's cgroup (memory.stat slab), though they are created
# in softirq on a peer's request.
. "$(dirname "$0")/lib.sh"
NL="python3 $TOP/tests/integration/nltool.py"
CG=/sys/fs/cgroup
N=400
tmp=$(mktemp -d)

grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
echo +memory > $CG/cgroup.subtree_control
mkdir -p $CG/kdaemon
slab() { awk '$1 == "slab_unreclaimable" { print $2 }' $CG/kdaemon/memory.stat; }

# the daemon runs in the cgroup; it registers and publishes /o
mkfifo "$tmp/in"
sh -c "echo \$\$ > $CG/kdaemon/cgroup.procs && exec $NL script" < "$tmp/in" > "$tmp/out" &
exec 3> "$tmp/in"
wait_until grep -q ready "$tmp/out"
echo "resource_add path=/o methods=2 observable" >&3
echo "publish path=/o payload=1" >&3
check "a daemon in memory cgroup kdaemon registers and publishes /o" \
	wait_until sh -c "[ \$(grep -c '\"errno\": 0' $tmp/out) = 2 ]"
s0=$(slab)

# N clients register as observers, each from a port of its own; all are
# 127.0.0.1, so the bound per address is raised for them
echo "$N" >/sys/module/coap/parameters/max_observers_per_addr
python3 - "$N" 3>&- <<'PY' &
import socket, struct, sys, time
sys.path.insert(0, "tests/integration")
socks = []
for i in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    # CON GET /o, Observe 0, token = i
    s.sendto(struct.pack("!BBH", 0x42, 1, i) + struct.pack("!H", i) +
             b"\x60\x51o", ("127.0.0.1", 5683))
    socks.append(s)
time.sleep(120)
PY
clients=$!
check "$N observers registered" wait_until stat_at_least observers $N
# at least the observers' own 128 bytes each, once the stats are flushed
charged() { [ $(( $(slab) - s0 )) -ge $((N * 128)) ]; }
check "  charged to the daemon's cgroup: slab grew by at least $N x 128 bytes" \
	wait_until -t 30 charged
echo "# slab_unreclaimable of kdaemon: $s0 -> $(slab)"
kill $clients
exec 3>&-
rm -rf "$tmp"
finish
