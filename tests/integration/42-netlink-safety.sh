#!/bin/bash
# Safety of the generic netlink family "coap" against remote datagrams and
# hostile local callers: request message sizing, strict validation, what a
# resource path and its link-format attributes may contain, consistent
# dumps, bounded responses, Block1 buffer pressure, port id reuse, memory
# charged to the caller's cgroup.  Driven by nltool.py and coaptool.py.
. "$(dirname "$0")/lib.sh"
NL="python3 $TOP/tests/integration/nltool.py"
tmp=$(mktemp -d)

call() { $NL call "$@"; }
ready() { grep -q '"ready"\|"errno"' "$1" 2>/dev/null; }
# daemon OUT ARGS...: nltool daemon in the background, registered on return
daemon() {
	local out=$1
	shift
	$NL daemon "$@" > "$out" &
	wait_until -t 20 ready "$out"
}
get() { $COAPTOOL req 127.0.0.1 $PORT "$@"; }

# --- a request with many short Uri-Query options reaches the daemon ---
# Each "?x" costs two bytes in the datagram but 28 in the COAP_CMD_REQUEST
# message (a nested option with number and value, and a COAP_A_QUERY copy);
# the message is sized from the request, never guessed.
daemon $tmp/dq --hold 60 path=/q methods=2
dq=$!
fails=0
for n in 200 260 290 300 310 320 340 400 600 1000; do
	qs=()
	for _ in $(seq $n); do qs+=(--query x); done
	r=$(get --path q "${qs[@]}" --timeout 5)
	if ! jq -e '.code == "2.05" and .payload == "hello"' >/dev/null <<<"$r"; then
		fails=$((fails + 1))
		echo "#   $n queries: $r"
	fi
	if ! wait_until -t 10 sh -c "grep '\"request\"' $tmp/dq | tail -n 1 | jq -e '.request.query | length == $n' >/dev/null"; then
		fails=$((fails + 1))
		echo "#   $n queries: the daemon did not see them all"
	fi
done
check "GETs with 200 to 1000 '?x' options are forwarded whole and answered" test $fails = 0
kill $dq; wait $dq 2>/dev/null

# --- strict validation for every command (a new family's default) ---
for c in endpoint_add endpoint_del endpoint_set resource_add resource_del \
	 publish response stats_get; do
	check_err "$c with an unknown attribute: EINVAL" 22 "Unknown attribute" \
		"$(call $c attr60=hex:01)"
done
for c in endpoint_get resource_get; do
	r=$($NL dump $c attr60=hex:01 2>&1 >/dev/null)
	check_err "$c dump with an unknown attribute: EINVAL" 22 "Unknown attribute" "$r"
done
check_err "a nonzero genlmsghdr.reserved: EINVAL" 22 "reserved" \
	"$(call stats_get hdr.reserved=1)"
check_err "  on an admin command too" 22 "reserved" \
	"$(call resource_add path=/r hdr.reserved=1)"
check_err "NLM_F_REPLACE on a command: EINVAL" 22 "nlmsg_flags" \
	"$(call stats_get hdr.flags=0x105)"
r=$(call resource_add path=/r)
expect "  the same without them works" "$r" '.errno == 0'

# --- what a path and the link-format attributes may contain ---
# (the resources registered by one-shot "call" sockets are gone again)
# /.well-known/core writes the path between < and > and rt/if/title
# between quotes: nothing a daemon registers may end those early.
for p in '/a<b' '/a>b' '/a,b' '/a;b' '/a"b' "/a'b" '/a b' '/a%2eb' '/a\b' \
	 $'/a\x01b' $'/a\x7fb' $'/a\tb' $'/caf\xc3\xa9' '/x>;rt="evil",</y'; do
	check_err "resource_add path $(printf %q "$p"): EINVAL" 22 "path must be" \
		"$(call resource_add "path=$p")"
done
for a in rt if title; do
	check_err "resource_add $a with a control byte: EINVAL" 22 "link-format" \
		"$(call resource_add path=/c "$a=a"$'\x01'"b")"
	check_err "resource_add $a with a newline: EINVAL" 22 "link-format" \
		"$(call resource_add path=/c "$a=a"$'\n'"b")"
	check_err "resource_add $a with a quote: EINVAL" 22 "link-format" \
		"$(call resource_add path=/c "$a=a\"b")"
done
daemon $tmp/dl --hold 60 path='/ok-._~!$&()*+=:@/Z9' rt="a b" if=x title="Caf"$'\xc3\xa9'" <1>, [2]; 3" \
	';' path=/plain
dl=$!
check "a path of every allowed character and a title with <, comma and ; register" grep -q '"ready"' $tmp/dl
# a daemon that tries to add a link of its own; it holds what it gets
daemon $tmp/dx --hold 60 path='/x>;rt="evil",</y'
dx=$!
wk=$(get --path .well-known/core | jq -r .payload)
# RFC 6690 link-format: <URI>(;param(=token|"quoted"))*, comma-separated
check "/.well-known/core parses as link-format, with exactly the registered links" python3 - "$wk" <<'PY'
import re, sys
wk = sys.argv[1]
link = r'<([^<>"\x00-\x20]*)>((?:;[a-z*]+(?:=(?:"[^"\x00-\x1f]*"|[^",;<>\x00-\x20]+))?)*)'
m = re.fullmatch(r'%s(?:,%s)*' % (link, link), wk)
hrefs = re.findall(link, wk)
want = ['/ok-._~!$&()*+=:@/Z9', '/plain']
if not m or [h for h, _ in hrefs] != want:
    print("# got: %r" % wk)
    sys.exit(1)
PY
kill $dl $dx 2>/dev/null; wait $dl $dx 2>/dev/null

# --- COAP_CMD_RESPONSE carries a bounded number of options ---
# COAP_RESPONSE_OPTIONS_MAX from the uapi header
omax=$(awk '$1 == "#define" && $2 == "COAP_RESPONSE_OPTIONS_MAX" { print $3 }' "$TOP/include/uapi/linux/coap.h")
check "the uapi header defines COAP_RESPONSE_OPTIONS_MAX" test -n "$omax"
omax=${omax:-256}
cat > $tmp/resp.py <<'PY'
import sys, json
sys.path.insert(0, sys.argv[1] + "/tests/integration")
import nltool
g = nltool.Genl()
n, handle = int(sys.argv[2]), int(sys.argv[3])
if handle == 0:
    g.call("resource_add", [("path", "/many"), ("methods", "2")])
    print(json.dumps({"ready": g.portid()}), flush=True)
    handle = next(g.requests(20))["handle"]
# n Location-Query options of one byte each
r = g.call("response", [("handle", handle), ("code", 0x45),
                        ("options", [(20, b"q")] * n)])
print(json.dumps({"errno": r[0], "msg": r[1]}), flush=True)
PY
check_err "a response with COAP_RESPONSE_OPTIONS_MAX + 1 options: EINVAL" 22 "COAP_A_OPTIONS" \
	"$(python3 $tmp/resp.py "$TOP" $((omax + 1)) 999999)"
# 3000 options (20 bytes each) is about all one nested attribute holds
check_err "  with 3000 options, to an unknown handle: EINVAL" 22 "COAP_A_OPTIONS" \
	"$(python3 $tmp/resp.py "$TOP" 3000 999999)"
python3 $tmp/resp.py "$TOP" "$omax" 0 > $tmp/many.out &
rp=$!
wait_until -t 20 ready $tmp/many.out
r=$(get --path many)
expect "a response with COAP_RESPONSE_OPTIONS_MAX options reaches the client" "$r" \
	"(.code == \"2.05\") and ([.options[] | select(.[0] == 20)] | length == $omax)"
wait $rp
r=$(tail -n 1 $tmp/many.out)
expect "  and the daemon saw no error" "$r" '.errno == 0'

# --- whose handle it is comes before anything else in a response ---
# A socket answering another daemon's request learns EPERM, whatever its
# options; the owner's unsendable answer (EMSGSIZE) leaves the request
# open for a good one.
cat > $tmp/owner.py <<'PY'
import sys, json
sys.path.insert(0, sys.argv[1] + "/tests/integration")
import nltool
a, b = nltool.Genl(), nltool.Genl()
a.call("resource_add", [("path", "/own"), ("methods", "2")])
print(json.dumps({"ready": a.portid()}), flush=True)
h = next(a.requests(20))["handle"]
# 60 KB of options and 8 KB of payload: more than a datagram holds
big = [("handle", h), ("code", 0x45), ("options", [(20, b"x" * 300)] * 200),
       ("payload", b"y" * 8000)]
out = {"other": b.call("response", big)[0], "owner_big": a.call("response", big)[0],
       "owner": a.call("response", [("handle", h), ("code", 0x45), ("payload", b"ok")])[0]}
print(json.dumps(out), flush=True)
PY
python3 $tmp/owner.py "$TOP" > $tmp/owner.out &
op=$!
wait_until -t 20 ready $tmp/owner.out
r=$(get --path own --timeout 10 | jq -c '{code, payload}')
wait $op
o=$(tail -n 1 $tmp/owner.out)
expect "a response to another daemon's handle is refused EPERM before its options are looked at" "$o" '.other == 1'
expect "  the owner's unsendable response is EMSGSIZE and a good one then answers" "$o" \
	'.owner_big == 90 and .owner == 0'
expect "  the client gets that answer" "$r" '.code == "2.05" and .payload == "ok"'

# --- Block1 buffers under pressure from stale first blocks ---
# 64 first blocks (NUM 0, M=1) from 64 ports fill block1_max_buffers and
# are never continued; a legitimate upload must still complete once they
# are older than block1_protect_ms, instead of waiting out their lifetime.
P=/sys/module/coap/parameters
daemon $tmp/db --hold 120 path=/up methods=8
dbp=$!
max=$(cat $P/block1_max_buffers)
[ -w $P/block1_protect_ms ] && echo 300 > $P/block1_protect_ms
for i in $(seq "$max"); do
	get --code 0.03 --path up --opt 27=08 --payload 0123456789abcdef --sport $((42000 + i)) >/dev/null
done
check "$max stale first blocks hold every Block1 buffer" test "$(stat block1_buffers)" = "$max"
full0=$(stat block1_buffers_full)
upload() { $COAPTOOL blockput 127.0.0.1 $PORT up 2 600 --sport 43000 > $tmp/up.out && jq -e '.codes[-1] == "2.05"' $tmp/up.out >/dev/null; }
check "a legitimate 600-byte upload then completes (within 10 s)" wait_until -t 10 upload
r=$(grep '"request"' $tmp/db | tail -n 1)
expect "  the daemon got the whole body" "${r:-null}" '.request.payload | length == 600' 
check "  block1_buffers_full counted the pressure" test "$(stat block1_buffers_full)" -gt "$full0"
check "  still at most $max buffers" test "$(stat block1_buffers)" -le "$max"
kill $dbp 2>/dev/null; wait $dbp 2>/dev/null

# --- a socket that takes over a released port id is a new daemon ---
# Socket A (an explicit port id) registers /reuse and publishes, then
# closes; socket B binds the same port id at once and must not act as A:
# publishing to or deleting /reuse fails, and what B registers itself
# stays when A's release has run.
cat > $tmp/reuse.py <<'PY'
import json, os, socket, sys
sys.path.insert(0, sys.argv[1] + "/tests/integration")
import nltool
pid = 0x7e000000 + os.getpid()
def fixed():
    """a socket on port id pid, once it is free (the kernel frees it at close)"""
    for _ in range(1000):
        try:
            return nltool.Genl(pid)
        except OSError:
            pass
    return nltool.Genl(pid)
out = {}
a = fixed()
out["a_add"] = a.call("resource_add", [("path", "/reuse"), ("methods", "2")])[0]
out["a_pub"] = a.call("publish", [("path", "/reuse"), ("payload", b"A")])[0]
a.s.close()
b = fixed()
out["same_portid"] = b.portid() == pid
out["b_pub"] = b.call("publish", [("path", "/reuse"), ("payload", b"B")])[0]
out["b_del"] = b.call("resource_del", [("path", "/reuse")])[0]
out["b_add"] = b.call("resource_add", [("path", "/reuse2"), ("methods", "2")])[0]
out["b_dump"] = [r["path"] for r in nltool.Genl().dump("resource_get")[2]
                 if r.get("owner") == pid]
print(json.dumps(out))
PY
r=$(python3 $tmp/reuse.py "$TOP")
expect "a socket reusing a released port id cannot publish to or delete the old daemon's resource" "$r" \
	'.a_add == 0 and .a_pub == 0 and .same_portid and .b_pub != 0 and .b_del != 0'
expect "  and keeps what it registers itself" "$r" '.b_add == 0 and .b_dump == ["/reuse2"]'

# --- a dump resumed across a change says so ---
# Dumps resume by position: entries removed after the first part shift the
# rest, and some are never listed.  Such a dump must carry
# NLM_F_DUMP_INTR so that the reader knows to ask again.
r=$(python3 "$TOP/tests/integration/dumpcheck.py" resource 3000 200)
expect "a resource dump with entries removed after its first part is flagged NLM_F_DUMP_INTR" "$r" \
	'.setup_errno == 0 and .parts > 1 and (.intr or .missing == 0)'
expect "  (it did skip some: the check means something)" "$r" '.missing > 0'
r=$(python3 "$TOP/tests/integration/dumpcheck.py" endpoint 300 30)
expect "an endpoint dump likewise" "$r" \
	'.setup_errno == 0 and .parts > 1 and (.intr or .missing == 0)'
r=$(python3 "$TOP/tests/integration/dumpcheck.py" resource 3000 0)
expect "  a dump with no change in between is complete and not flagged" "$r" \
	'.parts > 1 and (.intr | not) and .missing == 0'

rm -rf "$tmp"
finish
