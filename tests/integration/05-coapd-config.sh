#!/bin/bash
# coapd's configuration parser (every error is FILE:LINE: reason, exit 4)
# and the command lines of coapd and coapctl.  Needs no module: it runs
# on the host as well as inside UML, where the module is loaded.
# KCOAP_WRAP runs the tools under a checker, e.g.
#   KCOAP_WRAP="valgrind -q --leak-check=full --error-exitcode=99"
. "$(dirname "$0")/lib.sh"
COAPD=$TOP/userspace/coapd/coapd
COAPCTL=$TOP/userspace/coapctl/coapctl
WRAP=${KCOAP_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$COAPD" ] || [ ! -x "$COAPCTL" ]; then
	make -s -C "$TOP/userspace" > "$tmp/build.log" 2>&1 ||
		sed 's/^/#   /' "$tmp/build.log"
fi
check "userspace is built" test -x "$COAPD" -a -x "$COAPCTL"

# good NAME: the config on stdin is accepted
good() {
	local f=$tmp/good.conf
	cat > "$f"
	if $WRAP "$COAPD" -n -c "$f" > /dev/null 2> "$tmp/err"; then
		ok "config accepted: $1"
	else
		not_ok "config accepted: $1"
		sed 's/^/#   /' "$tmp/err"
	fi
}

# bad LINE REASON-REGEX: the config on stdin exits 4 with FILE:LINE: REASON
bad() {
	local line=$1 reason=$2 f=$tmp/bad.conf rc err
	cat > "$f"
	$WRAP "$COAPD" -n -c "$f" > /dev/null 2> "$tmp/err"
	rc=$?
	err=$(cat "$tmp/err")
	if [ $rc = 4 ] && [[ $err == "$f:$line: "* ]] &&
	   grep -qiE -- "$reason" <<<"$err"; then
		ok "config error at line $line: $reason"
	else
		not_ok "config error at line $line: $reason"
		echo "#   exit $rc, stderr: $err"
	fi
}

# --- configurations that must load ---
$WRAP "$COAPD" -n -c "$TOP/userspace/coapd/coapd.conf" > /dev/null
check "the shipped example is valid" test $? = 0
good "every kind, quoting, comments, CRLF" <<'EOF'
# comment
; another comment
[endpoint]
listen = 127.0.0.1:5700
listen = [::1]
listen = 0.0.0.0		# trailing comment

[resource /a/static]		# comment after a section
kind = static
content = "with \"quotes\", a # and\ta tab"
ct = application/json
max-age = 0

[resource /b]
kind = file
file = /proc/loadavg
rt = load
if = "core.s"
title = a#b
sz = 64
obs = no

[resource /c/cmd]
kind = command
command = echo "hello world" | tr a-z A-Z
timeout = 10
methods = GET

[resource /d]
kind = writable
content = ON
allowed = ON, OFF
methods = get,put,post,delete
obs = yes
EOF
printf '[resource /crlf]\r\nkind = static\r\ncontent = x\r\n' | good "CRLF line ends"
good "root path and an empty file" <<'EOF'
[resource /]
kind = static
content = root
EOF

# --- configurations that must not (one mistake each) ---
bad 3 "unknown key 'colour'" <<'EOF'
[resource /a]
kind = static
colour = blue
content = x
EOF
bad 2 "unknown kind 'dynamic'" <<'EOF'
[resource /a]
kind = dynamic
EOF
bad 2 "missing required key 'kind'" <<'EOF'
# the section line is the one at fault
[resource /a]
content = x
EOF
bad 1 "kind file needs 'file'" <<'EOF'
[resource /a]
kind = file
EOF
bad 1 "kind command needs 'command'" <<'EOF'
[resource /a]
kind = command
rt = x
EOF
bad 1 "kind static needs 'content'" <<'EOF'
[resource /a]
kind = static
EOF
bad 3 "bad ct 'abc'" <<'EOF'
[resource /a]
kind = static
ct = abc
content = x
EOF
bad 3 "bad ct '70000'" <<'EOF'
[resource /a]
kind = static
ct = 70000
content = x
EOF
bad 4 "bad max-age '-1'" <<'EOF'
[resource /a]
kind = static
content = x
max-age = -1
EOF
bad 4 "bad notify-con '0'" <<'EOF'
[resource /a]
kind = static
content = x
notify-con = 0
EOF
bad 4 "bad notify-con '256'" <<'EOF'
[resource /a]
kind = static
content = x
notify-con = 256
EOF
bad 4 "bad pad '60001'" <<'EOF'
[resource /a]
kind = static
content = x
pad = 60001
EOF
good "notify-con and pad at their limits" <<'EOF'
[resource /a]
kind = writable
obs = yes
notify-con = 255
pad = 60000
[resource /b]
kind = static
content = x
obs = yes
notify-con = 1
pad = 0
EOF
bad 3 "bad timeout '0'" <<'EOF'
[resource /a]
kind = command
timeout = 0
command = true
EOF
bad 1 "bad path 'a/b'.*must start with '/'" <<'EOF'
[resource a/b]
kind = static
content = x
EOF
bad 1 "bad path '/a/../b'.*'\.\.'" <<'EOF'
[resource /a/../b]
kind = static
content = x
EOF
bad 1 "bad path '/a/'.*empty segment" <<'EOF'
[resource /a/]
kind = static
content = x
EOF
bad 1 "bad path '/a\?b=1'.*query" <<'EOF'
[resource /a?b=1]
kind = static
content = x
EOF
bad 1 "bad path '/.well-known/core'.*kernel" <<'EOF'
[resource /.well-known/core]
kind = static
content = x
EOF
bad 4 "duplicate resource /a \(first on line 1\)" <<'EOF'
[resource /a]
kind = static
content = x
[resource /a]
kind = static
content = y
EOF
bad 2 "unknown section \[resources /a\]" <<'EOF'
# typo
[resources /a]
kind = static
EOF
bad 1 "missing path" <<'EOF'
[resource]
kind = static
EOF
bad 1 "without '\]'" <<'EOF'
[resource /a
kind = static
EOF
bad 3 "unterminated quoted string" <<'EOF'
[resource /a]
kind = static
content = "never closed
EOF
bad 3 "unknown escape" <<'EOF'
[resource /a]
kind = static
content = "a\qb"
EOF
bad 3 "unexpected text after the closing quote" <<'EOF'
[resource /a]
kind = static
content = "a" b
EOF
bad 1 "'kind' outside of any section" <<'EOF'
kind = static
EOF
bad 3 "expected '=' after 'content'" <<'EOF'
[resource /a]
kind = static
content x
EOF
bad 4 "duplicate key 'content' \(first on line 3\)" <<'EOF'
[resource /a]
kind = static
content = x
content = y
EOF
bad 4 "'file' does not apply to kind static" <<'EOF'
[resource /a]
kind = static
content = x
file = /etc/hostname
EOF
bad 3 "kind static serves only get" <<'EOF'
[resource /a]
kind = static
methods = get,put
content = x
EOF
bad 3 "bad methods 'get,fetch'" <<'EOF'
[resource /a]
kind = writable
methods = get,fetch
EOF
bad 3 "content \"MAYBE\" is not one of the allowed" <<'EOF'
[resource /a]
kind = writable
content = MAYBE
allowed = ON,OFF
EOF
bad 3 "empty value in 'allowed'" <<'EOF'
[resource /a]
kind = writable
allowed = ON,,OFF
EOF
bad 3 "bad boolean 'maybe'" <<'EOF'
[resource /a]
kind = static
obs = maybe
content = x
EOF
bad 3 "'rt' may not contain" <<'EOF'
[resource /a]
kind = static
rt = "a\"b"
content = x
EOF
bad 3 "'title' may not contain" <<'EOF'
[resource /a]
kind = static
title = a"b
content = x
EOF
bad 3 "empty value" <<'EOF'
[resource /a]
kind = static
content =
EOF
bad 3 "file must be an absolute path" <<'EOF'
[resource /a]
kind = file
file = relative/path
EOF
bad 2 "bad address '1.2.3.4:99999'" <<'EOF'
[endpoint]
listen = 1.2.3.4:99999
EOF
bad 3 "duplicate listen address \(first on line 2\)" <<'EOF'
[endpoint]
listen = 127.0.0.1
listen = 127.0.0.1:5683
EOF
bad 2 "unknown key 'port' in \[endpoint\]" <<'EOF'
[endpoint]
port = 5683
EOF

$WRAP "$COAPD" -n -c "$tmp/does-not-exist.conf" 2> "$tmp/err"
rc=$?
check "a missing config file: exit 4 naming it" \
	sh -c "[ $rc = 4 ] && grep -q 'does-not-exist.conf: No such file' '$tmp/err'"

# --- command lines ---
out=$($WRAP "$COAPCTL" --help)
rc=$?
check "coapctl --help: exit 0" test $rc = 0
check "coapctl --help documents the exit codes" grep -q "3  the coap module is not loaded" <<<"$out"
$WRAP "$COAPCTL" resource help > /dev/null
check "coapctl resource help: exit 0" test $? = 0
$WRAP "$COAPCTL" bogus 2> /dev/null
check "coapctl bogus: exit 2" test $? = 2
$WRAP "$COAPCTL" -x stats 2> /dev/null
check "coapctl -x: exit 2" test $? = 2
$WRAP "$COAPCTL" endpoint add 1.2.3.4:99999 2> /dev/null
check "coapctl endpoint add with a bad port: exit 2" test $? = 2
$WRAP "$COAPCTL" resource add /x 2> "$tmp/err"
rc=$?
check "coapctl resource add without --hold: exit 2, explains --hold" \
	sh -c "[ $rc = 2 ] && grep -q -- '--hold' '$tmp/err'"
$WRAP "$COAPCTL" resource add /x ct abc --hold 2> /dev/null
check "coapctl resource add with a bad ct: exit 2" test $? = 2
$WRAP "$COAPD" --help > /dev/null
check "coapd --help: exit 0" test $? = 0
$WRAP "$COAPD" --bogus 2> /dev/null
check "coapd --bogus: exit 2" test $? = 2
$WRAP "$COAPD" -n extra 2> /dev/null
check "coapd with a stray argument: exit 2" test $? = 2

# --- without the module (on the host it is never loaded) ---
if ! grep -qs '^coap ' /proc/modules; then
	$WRAP "$COAPCTL" stats 2> "$tmp/err"
	rc=$?
	check "coapctl stats without the module: exit 3, 'not loaded'" \
		sh -c "[ $rc = 3 ] && grep -q 'coap module not loaded' '$tmp/err'"
	$WRAP "$COAPD" -c "$TOP/userspace/coapd/coapd.conf" 2> "$tmp/err"
	rc=$?
	check "coapd without the module: exit 3, 'not loaded'" \
		sh -c "[ $rc = 3 ] && grep -q 'coap module not loaded' '$tmp/err'"
fi
finish
