#!/bin/bash
# Who may do what with the "coap" family.  GENL_UNS_ADMIN_PERM gives root
# in a user namespace every admin command over its own network namespace:
# it must reach nothing else, allocate only what is bounded and charged
# to its memory cgroup, bind ports below 1024 only with
# CAP_NET_BIND_SERVICE, and adopt no socket of another namespace.  An
# unprivileged user without a user namespace gets EPERM for every admin
# command.
. "$(dirname "$0")/lib.sh"
PARAMS=/sys/module/coap/parameters
tmp=$(mktemp -d)
chmod 755 "$tmp"
# nobody must be able to read the tool and the header: a world-readable copy
NL=$(nl_readable)
# as nobody made root of a new user and network namespace
usern() { setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn "$@"; }

ready() { grep -q '"ready"\|"errno"' "$1" 2>/dev/null; }

# a resource of the initial namespace, held by a daemon
$NL daemon --hold 120 --publish /init=secret path=/init methods=2 > $tmp/init.out &
dinit=$!
wait_until -t 20 ready $tmp/init.out
check "a daemon in the initial namespace holds /init" grep -q '"ready"' $tmp/init.out

# --- an unprivileged user without a user namespace ---
for c in "endpoint_add addr=addr:127.0.0.1:5699" "endpoint_del addr=addr:0.0.0.0:5683" \
	 "endpoint_set addr=addr:0.0.0.0:5683 param.nstart=1" "resource_add path=/u" \
	 "resource_del path=/init" "publish path=/init payload=x" "response handle=1 code=69"; do
	# shellcheck disable=SC2086
	check_err "unprivileged ${c%% *}: EPERM" 1 "" "$(unpriv $NL call $c)"
done

# --- root of its own user namespace ---
check "nobody can create a user and network namespace" usern true
# shellcheck disable=SC2016
r=$(usern sh -c 'ip link set lo up && '"$NL"' call endpoint_add addr=addr:127.0.0.1:5683')
expect "userns root: endpoint_add in its namespace" "$r" '.errno == 0'
r=$(usern sh -c "$NL call resource_add path=/init && $NL dump resource_get && $NL dump endpoint_get" | jq -s -c .)
expect "userns root: registers /init in its own table; its dumps show only its namespace" "$r" \
	'.[0].errno == 0 and (.[1:] | length == 0)'
r=$(usern $NL call resource_del path=/init)
check_err "userns root cannot delete the initial namespace's /init: ENOENT" 2 "no such resource" "$r"
r=$(usern $NL call publish path=/init payload=pwned)
check_err "  nor publish to it: ENOENT" 2 "no such resource" "$r"
r=$(usern $NL call endpoint_del addr=addr:0.0.0.0:5683)
check_err "  nor close the initial namespace's endpoint: ENOENT" 2 "no endpoint" "$r"
r=$($COAPTOOL req 127.0.0.1 $PORT --path init | jq -c .)
expect "  /init still answers with its own representation" "$r" '.payload == "secret"'
r=$($NL dump resource_get | jq -s -c 'map(.path)')
expect "  the initial namespace's dump shows nothing of the user namespace" "$r" '. == ["/init"]'

# ports below 1024 need CAP_NET_BIND_SERVICE over the namespace
nobind="setpriv --bounding-set=-net_bind_service --inh-caps=-net_bind_service"
r=$(usern sh -c "$nobind $NL call endpoint_add addr=addr:127.0.0.1:683")
check_err "userns root without CAP_NET_BIND_SERVICE: endpoint_add port 683 is EACCES" 13 "CAP_NET_BIND_SERVICE" "$r"
r=$(usern sh -c "$nobind $NL call endpoint_add addr=addr:127.0.0.1:1683")
expect "  port 1683 is fine" "$r" '.errno == 0'
r=$(usern $NL call endpoint_add addr=addr:127.0.0.1:683)
expect "  with it (root of the namespace): port 683 is fine" "$r" '.errno == 0'
r=$($nobind $NL call endpoint_add addr=addr:127.0.0.1:684)
check_err "root of the initial namespace without CAP_NET_BIND_SERVICE: port 684 is EACCES" 13 "CAP_NET_BIND_SERVICE" "$r"

# adopting a socket of another namespace by fd
cat > $tmp/adopt.py <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5697))
s.set_inheritable(True)
argv = sys.argv[1:] + ["fd=%d" % s.fileno()]
os.execvp(argv[0], argv)
PY
# shellcheck disable=SC2086
r=$(python3 $tmp/adopt.py setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn $NL call endpoint_add)
check_err "userns root adopting a socket of the initial namespace: EXDEV" 18 "adopt" "$r"

# the resource bound: max_resources, ENOSPC
old=$(cat $PARAMS/max_resources)
echo 3 > $PARAMS/max_resources
r=$(usern $NL script <<'IN' | jq -s -c 'map(select(.cmd) | .errno)'
resource_add path=/a
resource_add path=/b
resource_add path=/c
resource_add path=/d
IN
)
echo "$old" > $PARAMS/max_resources
expect "userns root: max_resources (3) bounds its table: the 4th is ENOSPC" "$r" '. == [0, 0, 0, 28]'

# --- memory is charged to the caller's cgroup ---
# The daemon starts in kc45a, registers and warms up there, then moves to
# kc45b: what it faulted in so far stays charged to kc45a, so kc45b's
# memory.current grows by what the kernel allocates for it.  (Driving it
# to a memory.max makes the daemon's own page faults hit the memcg OOM
# path, whose report fails the run; the charge is what is checked here.)
cg=/sys/fs/cgroup
mountpoint -q $cg || mount -t cgroup2 none $cg
echo +memory > $cg/cgroup.subtree_control
mkdir -p $cg/kc45a $cg/kc45b
big=$(head -c 60000 /dev/zero | tr '\0' 'x')
fifo=$tmp/in
mkfifo $fifo
(echo $BASHPID > $cg/kc45a/cgroup.procs
 exec setpriv --reuid=65534 --regid=65534 --clear-groups unshare -Urn \
	$NL script < $fifo > $tmp/mem.out) &
mp=$!
exec 7>$fifo
for i in $(seq 100); do echo "resource_add path=/m$i"; done >&7
for i in $(seq 3); do echo "publish path=/m$i payload=$big"; done >&7
for i in $(seq 3); do echo "publish path=/m$i"; done >&7
wait_until -t 60 sh -c "[ \$(grep -c '\"cmd\"' $tmp/mem.out) -ge 106 ]"
echo $mp > $cg/kc45b/cgroup.procs
cur0=$(cat $cg/kc45b/memory.current)
for i in $(seq 100); do echo "publish path=/m$i payload=$big"; done >&7
wait_until -t 120 sh -c "[ \$(grep -c '\"cmd\"' $tmp/mem.out) -ge 206 ]"
cur1=$(cat $cg/kc45b/memory.current)
okp=$(tail -n 100 $tmp/mem.out | jq -s '[.[] | select(.cmd == "publish" and .errno == 0)] | length')
exec 7>&-
wait $mp
# the daemon is gone: its resources and representations are freed
wait_until -t 30 sh -c "[ \$(cat $cg/kc45b/memory.current) -lt $((cur0 + 1024 * 1024)) ]"
cur2=$(cat $cg/kc45b/memory.current)
echo "# $okp publishes of 60000 bytes; kc45b memory.current $cur0 -> $cur1 -> $cur2 after exit"
check "userns root: its 100 published representations are charged to its cgroup" \
	test "$okp" = 100 -a $((cur1 - cur0)) -ge $((100 * 60000 * 9 / 10))
check "  and uncharged when its socket closes" test $((cur2 - cur0)) -lt $((1024 * 1024))
rmdir $cg/kc45a $cg/kc45b 2>/dev/null || true

kill $dinit 2>/dev/null; wait $dinit 2>/dev/null
rm -rf "$tmp"
finish
