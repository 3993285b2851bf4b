#!/bin/bash
# A netlink port id taken over while the daemon that had it is still
# closing (netlink frees the id before its release notification): the new
# socket must not answer the old daemon's requests nor receive new ones.
# The window is only open on several CPUs with a preemptible kernel (the
# SMP test kernel); on one CPU the check says so and is skipped.
# smp-run: yes
. "$(dirname "$0")/lib.sh"
P=/sys/module/coap/parameters
grep -q '^coap ' /proc/modules || insmod "$TOP/coap.ko" port=5683
# the first request must still be open when B answers it
old=$(cat $P/request_timeout_ms)
echo 120000 > $P/request_timeout_ms
nres=${NRES:-20000}
for try in 1 2 3; do
	r=$(python3 "$TOP/tests/integration/portidrace.py" "$PORT" "$nres")
	echo "# try $try, $nres resources: $r"
	jq -e .window >/dev/null <<<"$r" && break
	nres=$((nres * 2))
done
echo "$old" > $P/request_timeout_ms
if jq -e .window >/dev/null <<<"$r"; then
	when="while the old socket is still closing"
else
	when="after the old socket closed"
	skip "a port id taken over during the old socket's release: the window never opened ($(nproc) CPU)"
fi
expect "a socket on a released daemon's port id, $when, cannot answer its requests" "$r" \
	'.b_bound and .answer_errno != 0 and (.first == null or .first.payload != "from B")'
expect "  and is sent no request for its resources" "$r" '.b_requests == 0'
finish
