# Helpers for integration tests that run inside the UML test kernel
# (through scripts/uml-run).  Each check prints "ok - NAME" or
# "not ok - NAME"; finish prints the count and sets the exit status.
# shellcheck shell=bash

T_PASS=0
T_FAIL=0
TOP=${KCOAP_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
COAPTOOL="python3 $TOP/tests/integration/coaptool.py"
PORT=${PORT:-5683}

ok() { echo "ok - $1"; T_PASS=$((T_PASS + 1)); }
not_ok() { echo "not ok - $1"; T_FAIL=$((T_FAIL + 1)); }
# a check that could not run here, and why: shown, never counted as passed
skip() { echo "skip - $1"; }

# check NAME CMD...: passes when CMD exits 0
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# expect NAME JSON JQ-FILTER: passes when the filter yields true
expect() {
	local name=$1 json=$2 filter=$3
	if [ "$(jq -r "$filter" <<<"$json" 2>/dev/null)" = true ]; then
		ok "$name"
	else
		not_ok "$name"
		echo "#   got: $json"
		echo "#   wanted: $filter"
	fi
}

# wait_until [-t SECS] CMD...: true as soon as CMD succeeds; false if it
# has not within SECS (default WAIT_SECS, 60).  Polls every 50 ms: a
# check waits for the state it needs, never for the clock.
WAIT_SECS=${WAIT_SECS:-60}
wait_until() {
	local secs=$WAIT_SECS end
	if [ "$1" = -t ]; then secs=$2; shift 2; fi
	end=$(( $(date +%s%N) / 1000000 + secs * 1000 ))
	until "$@"; do
		[ $(( $(date +%s%N) / 1000000 )) -lt $end ] || return 1
		sleep 0.05
	done
}

# stat_at_least NAME N: the namespace counter NAME has reached N
stat_at_least() { [ "$(stat "$1")" -ge "$2" ] 2>/dev/null; }
# stat_is NAME N: the namespace counter (or gauge) NAME is N now
stat_is() { [ "$(stat "$1")" = "$2" ]; }
# has FILE ERE: FILE has a line matching ERE (for wait_until on output)
has() { grep -qE -- "$2" "$1" 2>/dev/null; }

# Protocol times (RFC 7252 section 4.8.2) in ms from an endpoint's
# parameters as nltool's endpoint_get prints them (the JSON .params):
# what the kernel computes in params.c, for deadlines derived from the
# parameters in force.  params_ms JSON WHAT, WHAT one of
# max_transmit_span, max_transmit_wait, exchange_lifetime, non_lifetime.
params_ms() {
	jq -r --arg w "$2" '
		(.ack_timeout_ms * (pow(2; .max_retransmit) - 1) * .ack_random_factor / 1000 | floor) as $span |
		{max_transmit_span: $span,
		 max_transmit_wait: (.ack_timeout_ms * (pow(2; .max_retransmit + 1) - 1) * .ack_random_factor / 1000 | floor),
		 exchange_lifetime: ($span + 2 * .max_latency_ms + .ack_timeout_ms),
		 non_lifetime: ($span + .max_latency_ms)}[$w]' <<<"$1"
}
# ep_params [ADDR]: the parameters in force on endpoint ADDR (default
# 0.0.0.0:PORT), as JSON
ep_params() {
	python3 "$TOP/tests/integration/nltool.py" dump endpoint_get |
		jq -s -c --arg a "${1:-0.0.0.0:$PORT}" 'map(select(.addr == $a))[0].params'
}
# proto_secs WHAT [JQ [ADDR]]: params_ms WHAT in whole seconds, rounded up,
# from the parameters in force (JQ, if given, changes them first)
proto_secs() {
	echo $(( ($(params_ms "$(ep_params "${3:-}" | jq -c "${2:-.}")" "$1") + 999) / 1000 ))
}
# margin in seconds on top of a protocol time, for a slow emulated kernel
MARGIN=${MARGIN:-30}

stat() { awk -v k="$1" '$1 == k { print $2 }' /proc/net/coap_stats; }

# Sum of the outcome counters must equal rx_datagrams (see stats.h).
stats_balanced() {
	awk '$1 == "rx_datagrams" { rx = $2 }
	     $1 == "rx_requests" || $1 == "rx_pings" || $1 == "rx_acks" ||
	     $1 == "rx_resets" || $1 == "rx_responses" || $1 ~ /^drop_/ { s += $2 }
	     END { if (rx != s) { print "# rx_datagrams " rx " != outcomes " s; exit 1 } }' \
		/proc/net/coap_stats
}

# nl_readable: the command that runs nltool.py as another user: a world-
# readable copy of it and of the uapi header it reads (the checkout may sit
# in a 0700 directory, as a clone in a mktemp directory does)
nl_readable() {
	local ro
	ro=$(mktemp -d)
	chmod 755 "$ro"
	mkdir -p "$ro/tests/integration" "$ro/include/uapi/linux"
	cp "$TOP/tests/integration/nltool.py" "$ro/tests/integration/"
	cp "$TOP/include/uapi/linux/coap.h" "$ro/include/uapi/linux/"
	chmod -R a+rX "$ro"
	echo "env KCOAP_TOP=$ro python3 $ro/tests/integration/nltool.py"
}

# unpriv CMD...: CMD as nobody, with no capabilities at all
unpriv() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"; }

# errno_is ERRNO JSON: nltool's reply has this errno (jq -e exits 0 on
# empty input: an empty reply, a crashed tool, must not pass)
errno_is() { [ -n "$2" ] && jq -e --argjson e "$1" '.errno == $e' >/dev/null <<<"$2"; }

# check_err NAME ERRNO WORD JSON: the errno, and an extack message with WORD
check_err() {
	local name=$1 e=$2 word=$3 r=$4
	if errno_is "$e" "$r" && jq -e --arg w "$word" '.msg | contains($w)' >/dev/null <<<"$r"; then
		ok "$name"
	else
		not_ok "$name"
		echo "#   got: $r (wanted errno $e, message with '$word')"
	fi
}

finish() {
	echo "# $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" = 0 ]
}
