#!/bin/bash
# CoAP sockets against a hostile or careless local user: foreign reports on
# the error queue, close racing the receive path, egress policy (SO_MARK,
# uid routing, SO_BINDTODEVICE), send-buffer accounting, and autoload by
# socket() opening no server.  Plain bash and python3: it also runs on an
# SMP kernel under QEMU, where the close race can really happen.
#   92-sock-safety.sh [PART...]   parts: errqueue close sndbuf egress
#                                 autoload (default: all, in that order)
# smp-run: yes
. "$(dirname "$0")/lib.sh"
I=$TOP/tests/integration

# socktest.py T_NAME...: its checks are ours
socktest() {
	local out
	out=$(python3 "$I/socktest.py" "$@")
	echo "$out" | grep -v '^# [0-9]* passed'
	T_PASS=$((T_PASS + $(echo "$out" | grep -c '^ok - ')))
	T_FAIL=$((T_FAIL + $(echo "$out" | grep -c '^not ok - ')))
}

grep -q '^coap ' /proc/modules || insmod "$TOP/coap.ko" port=5683

part_errqueue() { socktest t_errqueue_foreign; }
part_close() { socktest t_close_race; }
part_sndbuf() { socktest t_sndbuf; }

part_egress() {
	# egress policy: routes refused by mark and by uid (ahead of the local
	# table, which comes first by default), and a device with no route
	for f in -4 -6; do
		ip $f rule add pref 100 lookup local
		ip $f rule del pref 0
		ip $f rule add pref 10 fwmark 77 prohibit
		ip $f rule add pref 11 uidrange 4242-4242 prohibit
	done
	ip link add kc0 type veth peer name kc1
	ip link set kc0 up
	ip link set kc1 up
	socktest t_egress_mark t_egress_uid t_egress_bindtodevice
	ip link del kc0
	for f in -4 -6; do
		ip $f rule add pref 0 lookup local
		ip $f rule del pref 100
		ip $f rule del pref 10
		ip $f rule del pref 11
	done
}

# socket(..., 253) loads the module with its defaults (what modprobe does
# with no options configured): that must not open a server.
udp_port_free() {	# no socket has UDP port $1 (/proc/net/udp, udp6)
	! awk '{ print $2 }' /proc/net/udp /proc/net/udp6 |
		grep -q ":$(printf %04X "$1")\$"
}

part_autoload() {
	local tmp old r4 r6

	tmp=$(mktemp -d)
	old=$(cat /proc/sys/kernel/modprobe)
	printf '#!/bin/sh\necho "$*" >> %s/modprobe.log\nexec insmod %s\n' \
		"$tmp" "$TOP/coap.ko" > "$tmp/modprobe"
	chmod +x "$tmp/modprobe"
	rmmod coap
	echo "$tmp/modprobe" > /proc/sys/kernel/modprobe
	python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 253).close()'
	echo "$old" > /proc/sys/kernel/modprobe
	check "socket(AF_INET, SOCK_DGRAM, 253) autoloads the module ($(cat "$tmp/modprobe.log" 2>/dev/null))" \
		grep -q '^coap ' /proc/modules
	check "  which opens no UDP port 5683 (/proc/net/udp, udp6)" udp_port_free 5683
	r4=$(python3 "$I/coaptool.py" raw 127.0.0.1 5683 40001234 2>&1)
	r6=$(python3 "$I/coaptool.py" raw ::1 5683 40001235 2>&1)
	check "  and a CoAP ping to 127.0.0.1:5683 and [::1]:5683 gets nothing ($r4 $r6)" \
		test "$r4$r6" = '{"reply": null}{"reply": null}'
	rm -rf "$tmp"
}

for part in "${@:-errqueue close sndbuf egress autoload}"; do
	for p in $part; do "part_$p"; done
done
finish
