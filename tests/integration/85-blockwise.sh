#!/bin/bash
# Block-wise transfer (RFC 7959): Block2 of what the kernel serves and of
# daemons' large answers, Block1 reassembly before the daemon, every bound
# and error answer.  ETSI plugtest ids from etsi-td/block.yml.  Driven by
# libcoap's coap-client-notls, node-coap and coaptool.py (exact options);
# daemons are nltool.py's.
. "$(dirname "$0")/lib.sh"
NL="python3 $TOP/tests/integration/nltool.py"
NODE="node $TOP/tests/integration/nodecoap.js"
CLIENT=coap-client-notls
P=/sys/module/coap/parameters
H=127.0.0.1
tmp=$(mktemp -d)
pids=()

daemon() {
	local out=$1
	shift
	$NL daemon --hold 600 "$@" > "$out" &
	pids+=($!)
	wait_until grep -q '"ready"\|"errno"' "$out"
}
pattern() { python3 -c "import sys; sys.stdout.write(''.join('%05d\n' % k for k in range($1 // 6 + 1))[:$1])"; }
bget() { $COAPTOOL blockget $H $PORT "$@"; }
bput() { $COAPTOOL blockput $H $PORT "$@"; }
req() { $COAPTOOL req $H $PORT "$@"; }
# requests a daemon's log shows for PATH with method CODE
seen() { jq -s -c --arg p "$2" --argjson c "$3" '[.[] | select(.request.path == $p and .request.code == $c) | .request]' "$1"; }
# a Block option value as hex: blk NUM M SZX
blk() { python3 -c "v = ($1 << 4) | ($2 << 3) | $3; print(v.to_bytes((v.bit_length() + 7) // 8, 'big').hex())"; }
pattern 3000 > "$tmp/p3000"
pattern 2500 > "$tmp/p2500"
pattern 1000 > "$tmp/p1000"
pattern 100 > "$tmp/p100"

# published representations (the fast path), and daemon-served resources
daemon "$tmp/pub" path=/large \; path=/small \; path=/tagged \
	--publish /large=@3000 --publish /small=@500 --publish /tagged=@1500 \
	--publish-etag /tagged=c0ffee
daemon "$tmp/upd" path=/large-update methods=10 --answer 2.04
daemon "$tmp/create" path=/large-create methods=4 --answer 2.01 --option 8=created
daemon "$tmp/post" path=/large-post methods=4 \; path=/dlarge --answer 2.04:@2500

# --- TD_COAP_BLOCK_01: early negotiation ---
r=$(bget /large 2)
expect "TD_COAP_BLOCK_01 GET /large, Block2 SZX 2: 2.05, 47 blocks of 64 bytes, the last 56" "$r" \
	'(.codes | all(. == "2.05")) and (.blocks | length) == 47 and
	 (.blocks[:-1] | all(.[2] == 2 and .[1] == 1 and .[3] == 64)) and .blocks[-1] == [46, 0, 2, 56] and
	 ([.blocks[][0]] == [range(47)])'
expect "TD_COAP_BLOCK_01   whole and in order, Size2 3000 in the first block" "$r" \
	".len == 3000 and .body == \"$(cat "$tmp/p3000" | jq -Rs . | sed 's/^"//; s/"$//')\" and .first.size2 == 3000"
expect "TD_COAP_BLOCK_01   the same ETag in every block" "$r" '(.etags | unique | length) == 1 and .etags[0] != null'
r=$($CLIENT -B 10 -b 64 coap://$H/large 2>/dev/null)
check "TD_COAP_BLOCK_01 coap-client -b 64 fetches /large whole" [ "$r" = "$(cat "$tmp/p3000")" ]
echo 4 > $P/block_szx
r=$(bget /large 6)
expect "TD_COAP_BLOCK_01 client asks SZX 6, block_szx 4: blocks of 256 (ACT_SZX <= DES_SZX)" "$r" \
	'.blocks[0] == [0, 1, 4, 256] and (.blocks | length) == 12 and .len == 3000'
echo 6 > $P/block_szx
r=$(req --path tagged --opt 23=$(blk 1 0 5))
expect "published ETag kept in the blocks: block 1 of /tagged carries c0ffee" "$r" \
	'.code == "2.05" and .etag == "c0ffee" and .block2 == [1, 1, 5] and (.payload | length) == 512 and .size2 == null'

# --- TD_COAP_BLOCK_02: late negotiation ---
r=$(bget /large 6 --late)
expect "TD_COAP_BLOCK_02 GET /large without Block2: block 0, M=1, SZX 6, Size2 3000" "$r" \
	'.blocks[0] == [0, 1, 6, 1024] and .first.size2 == 3000 and .len == 3000 and (.etags | unique | length) == 1'
r=$($CLIENT -B 10 coap://$H/large 2>/dev/null)
check "TD_COAP_BLOCK_02 coap-client without -b fetches /large whole" [ "$r" = "$(cat "$tmp/p3000")" ]
r=$($NODE GET coap://$H/large)
expect "TD_COAP_BLOCK_02 node-coap fetches /large whole" "$r" '.code == "2.05" and (.payload | length) == 3000'
r=$(req --path small)
expect "a 500-byte representation goes whole, without Block2 or Size2" "$r" \
	'.code == "2.05" and (.payload | length) == 500 and .block2 == null and .size2 == null'
r=$(req --path small --opt 28=)
expect "  with Size2 0 in the request: Size2 500" "$r" '.size2 == 500 and .block2 == null'
r=$(req --path large --opt 23=$(blk 1 0 6) --opt 28=)
expect "Size2 asked for with block 1: Size2 3000" "$r" '.size2 == 3000 and .block2 == [1, 1, 6]'

# --- Block2 errors (section 2.2, 2.4) ---
r=$(req --path large --opt 23=$(blk 187 0 0))
expect "block 187 of 16 bytes: the last 8 bytes" "$r" '.code == "2.05" and .block2 == [187, 0, 0] and (.payload | length) == 8'
b=$(stat block_bad_option)
r=$(req --path large --opt 23=$(blk 188 0 0))
expect "block 188 of 16 bytes, past the end: 4.02 Bad Option" "$r" '.code == "4.02" and .payload == ""'
r=$(req --path large --opt 23=0f)
expect "Block2 SZX 7: 4.00" "$r" '.code == "4.00"'
r=$(req --path large --opt 23=00000006)
expect "Block2 value of 4 bytes: 4.00" "$r" '.code == "4.00"'
r=$(req --path large --opt 23=06 --opt 23=16)
expect "two Block2 options: 4.00" "$r" '.code == "4.00"'
check "  block_bad_option counted 4" [ $(( $(stat block_bad_option) - b )) = 4 ]
r=$(req --path large --opt 23=$(blk 0 0 7) --type non)
expect "  a NON with SZX 7: 4.00 as NON" "$r" '.code == "4.00" and .type == "NON"'

# --- /.well-known/core beyond one datagram ---
args=()
for i in $(seq 30); do args+=(path=/sensors/temperature-$i rt=temperature-c title=a-long-enough-title \;); done
daemon "$tmp/many" "${args[@]}"
r=$($CLIENT -B 10 coap://$H/.well-known/core 2>/dev/null)
check "/.well-known/core with 33+ links: coap-client gets every link through Block2" \
	sh -c "[ $(echo "$r" | tr ',' '\n' | grep -c temperature-) = 30 ] && echo '$r' | grep -q '</large-post>'"
r=$(bget .well-known/core 6 --late)
expect "  late negotiation: block 0 of 1024, a content ETag, Size2, then the rest" "$r" \
	'.blocks[0][:3] == [0, 1, 6] and .blocks[0][3] == 1024 and .first.etag != null and .first.size2 == .len and (.blocks | length) > 1'

# --- TD_COAP_BLOCK_03: PUT with Block1 ---
r=$(bput /large-update 2 1000 --sport 40001)
expect "TD_COAP_BLOCK_03 PUT 1000 bytes in 64-byte blocks: 15 x 2.31, then 2.04" "$r" \
	'(.codes | length) == 16 and (.codes[:-1] | all(. == "2.31")) and .codes[-1] == "2.04"'
expect "TD_COAP_BLOCK_03   2.31 echoes NUM with M=1 SZX 2; 2.04 carries Block1 15/0/2" "$r" \
	'([.block1[:-1][] | .[1:]] | all(. == [1, 2])) and ([.block1[:-1][][0]] == [range(15)]) and .block1[-1] == [15, 0, 2]'
s=$(seen "$tmp/upd" /large-update 3)
expect "TD_COAP_BLOCK_03   the daemon got the 1000-byte body once, without block options" "$s" \
	"length == 1 and .[0].payload == $(jq -Rs . < "$tmp/p1000") and ([.[0].options[][0]] | any(. == 27 or . == 23 or . == 60 or . == 28) | not)"
$CLIENT -B 10 -m put -b 64 -f "$tmp/p3000" coap://$H/large-update > /dev/null 2>&1
s=$(seen "$tmp/upd" /large-update 3)
expect "TD_COAP_BLOCK_03 coap-client PUT -b 64 of 3000 bytes: the daemon gets them whole once" "$s" \
	"length == 2 and .[1].payload == $(jq -Rs . < "$tmp/p3000")"

# --- TD_COAP_BLOCK_04: POST with Block1, 2.01 Created with Location-Path ---
r=$(bput /large-create 6 2500 --code 0.02 --sport 40002)
expect "TD_COAP_BLOCK_04 POST 2500 bytes: 2.31, 2.31, then 2.01 with Location-Path and Block1 2/0/6" "$r" \
	'.codes == ["2.31", "2.31", "2.01"] and .block1 == [[0, 1, 6], [1, 1, 6], [2, 0, 6]] and (.final.options | map(select(.[0] == 8)) == [[8, "63726561746564"]])'
s=$(seen "$tmp/create" /large-create 2)
expect "TD_COAP_BLOCK_04   the daemon got 2500 bytes once" "$s" "length == 1 and .[0].payload == $(jq -Rs . < "$tmp/p2500")"

# --- TD_COAP_BLOCK_05: Block1 up, Block2 down ---
hits=$(stat block2_cache_hit)
r=$(bput /large-post 6 2000 --code 0.02 --sport 40003)
expect "TD_COAP_BLOCK_05 POST 2000 bytes: 2.31, then 2.04 with Block1 1/0/6 and Block2 0/1/6, Size2 2500" "$r" \
	'.codes[:2] == ["2.31", "2.04"] and .block1[1] == [1, 0, 6] and .final.block2 == [0, 1, 6] and .final.size2 == 2500'
expect "TD_COAP_BLOCK_05   the answer's further blocks: 1/1/6 and 2/0/6 (452 bytes), one ETag, whole" "$r" \
	".blocks == [[0, 1, 6, 1024], [1, 1, 6, 1024], [2, 0, 6, 452]] and (.etags | unique | length) == 1 and .body == $(jq -Rs . < "$tmp/p2500")"
s=$(seen "$tmp/post" /large-post 2)
expect "TD_COAP_BLOCK_05   the daemon saw one request with the 2000-byte body" "$s" "length == 1 and .[0].payload == $(pattern 2000 | jq -Rs .)"
check "TD_COAP_BLOCK_05   blocks 1 and 2 came from the cache" [ $(( $(stat block2_cache_hit) - hits )) = 2 ]
r=$($CLIENT -B 10 -m post -b 1024 -f "$tmp/p2500" coap://$H/large-post 2>/dev/null)
check "TD_COAP_BLOCK_05 coap-client POST -b 1024 of 2500 bytes gets the 2500-byte answer whole" [ "$r" = "$(cat "$tmp/p2500")" ]

# --- TD_COAP_BLOCK_06: 16-byte blocks ---
r=$(bput /large-update 0 100 --sport 40004)
expect "TD_COAP_BLOCK_06 PUT 100 bytes in 16-byte blocks: 6 x 2.31 (SZX 0), 2.04 with Block1 6/0/0" "$r" \
	'(.codes[:-1] | all(. == "2.31")) and (.codes | length) == 7 and .codes[-1] == "2.04" and .block1[-1] == [6, 0, 0] and ([.block1[:-1][][2]] | all(. == 0))'
s=$(seen "$tmp/upd" /large-update 3)
expect "TD_COAP_BLOCK_06   the daemon got the 100 bytes" "$s" ".[-1].payload == $(jq -Rs . < "$tmp/p100")"
r=$(bget /large 0)
expect "TD_COAP_BLOCK_06 GET /large in 16-byte blocks: 188 blocks, whole" "$r" '(.blocks | length) == 188 and .len == 3000 and .blocks[-1] == [187, 0, 0, 8]'
r=$($CLIENT -B 20 -b 16 coap://$H/dlarge 2>/dev/null)
check "TD_COAP_BLOCK_06 coap-client -b 16 GET of a daemon's 2500-byte answer: whole" [ "$r" = "$(cat "$tmp/p2500")" ]

# --- Block1: the server's smaller SZX, duplicates, order, bounds ---
echo 2 > $P/block_szx
r=$(bput /large-update 6 1500 --sport 40005)
expect "block_szx 2, client SZX 6: 2.31 asks for 64-byte blocks; the client continues at NUM 16" "$r" \
	'.block1[0] == [0, 1, 2] and .sent[1][:3] == [16, 1, 2] and .codes[-1] == "2.04" and .block1[-1][1:] == [0, 2]'
s=$(seen "$tmp/upd" /large-update 3)
expect "  the daemon got the 1500 bytes whole" "$s" "(.[-1].payload | length) == 1500 and .[-1].payload == $(pattern 1500 | jq -Rs .)"
echo 6 > $P/block_szx

r1=$(req --code 0.03 --path large-update --sport 40006 --mid 100 --opt 27=$(blk 0 1 0) --pattern 0:16)
r2=$(req --code 0.03 --path large-update --sport 40006 --mid 101 --opt 27=$(blk 1 1 0) --pattern 16:16)
r3=$(req --code 0.03 --path large-update --sport 40006 --mid 101 --opt 27=$(blk 1 1 0) --pattern 16:16)
r4=$(req --code 0.03 --path large-update --sport 40006 --mid 102 --opt 27=$(blk 2 0 0) --pattern 32:10)
expect "a retransmitted CON block (same MID) gets the same 2.31 again" "[$r2,$r3]" \
	'.[0].code == "2.31" and .[1].code == "2.31" and .[0].block1 == [1, 1, 0] and .[1].block1 == [1, 1, 0] and .[1].mid == 101'
expect "  and the offsets do not move: the last block completes 42 bytes" "$r4" '.code == "2.04" and .block1 == [2, 0, 0]'
s=$(seen "$tmp/upd" /large-update 3)
expect "  the daemon got the 42 bytes once" "$s" ".[-1].payload == $(pattern 42 | jq -Rs .)"

b=$(stat block1_incomplete)
req --code 0.03 --path large-update --sport 40007 --opt 27=$(blk 0 1 0) --pattern 0:16 > /dev/null
r=$(req --code 0.03 --path large-update --sport 40007 --opt 27=$(blk 2 1 0) --pattern 32:16)
expect "a block after a gap: 4.08 Request Entity Incomplete" "$r" '.code == "4.08"'
r=$(req --code 0.03 --path large-update --sport 40007 --opt 27=$(blk 1 1 0) --pattern 16:16)
expect "  the buffer is gone: the next block is 4.08 too" "$r" '.code == "4.08"'
r=$(req --code 0.03 --path large-update --sport 40008 --opt 27=$(blk 3 0 0) --pattern 48:5)
expect "a first block with NUM 3: 4.08" "$r" '.code == "4.08"'
check "  block1_incomplete counted 3" [ $(( $(stat block1_incomplete) - b )) = 3 ]
r=$(req --code 0.03 --path large-update --opt 27=$(blk 0 1 1) --pattern 0:20)
expect "a non-final block shorter than its SZX: 4.00" "$r" '.code == "4.00"'

b=$(stat block1_too_large)
r=$(req --code 0.03 --path large-update --opt 27=$(blk 0 1 0) --opt 60=0186a0 --pattern 0:16)
expect "Size1 100000 beyond block1_max_body (16384): 4.13 with Size1 16384" "$r" '.code == "4.13" and .size1 == 16384'
echo 64 > $P/block1_max_body
r=$(bput /large-update 0 100 --sport 40009)
expect "block1_max_body 64: the 5th 16-byte block gets 4.13 with Size1 64" "$r" \
	'.codes == ["2.31", "2.31", "2.31", "2.31", "4.13"] and .final.size1 == 64'
r=$(req --code 0.03 --path large-update --sport 40009 --opt 27=$(blk 1 1 0) --pattern 16:16)
expect "  and the buffer was freed (block 1 again is 4.08)" "$r" '.code == "4.08"'
check "  block1_too_large counted 2" [ $(( $(stat block1_too_large) - b )) = 2 ]
echo 16384 > $P/block1_max_body

# block1_max_buffers: with the default lifetime (EXCHANGE_LIFETIME, minutes)
# the two buffers that fill it cannot expire before the third asks, and
# with block1_protect_ms far beyond the step neither may be evicted for it
# however slowly the kernel runs (eviction has its own test, 42-netlink-safety)
protect=$(cat $P/block1_protect_ms)
echo 600000 > $P/block1_protect_ms
g=$(stat block1_buffers)
echo $((g + 2)) > $P/block1_max_buffers
b=$(stat block1_buffers_full)
r1=$(req --code 0.03 --path large-update --sport 40010 --opt 27=$(blk 0 1 0) --pattern 0:16)
r2=$(req --code 0.03 --path large-update --sport 40011 --opt 27=$(blk 0 1 0) --pattern 0:16)
r=$(req --code 0.03 --path large-update --sport 40012 --opt 27=$(blk 0 1 0) --pattern 0:16)
expect "block1_max_buffers reached: a third transfer gets 5.03 with Max-Age 2" "[$r1,$r2,$r]" \
	'.[0].code == "2.31" and .[1].code == "2.31" and .[2].code == "5.03" and (.[2].options | map(select(.[0] == 14)) == [[14, "02"]])'
check "  block1_buffers_full counted, block1_buffers gauge +2" \
	[ $(( $(stat block1_buffers_full) - b )) = 1 -a "$(stat block1_buffers)" = $((g + 2)) ]
echo 64 > $P/block1_max_buffers
# the two transfers complete: the daemon gets their 32 bytes
r1=$(req --code 0.03 --path large-update --sport 40010 --opt 27=$(blk 1 0 0) --pattern 16:16)
r2=$(req --code 0.03 --path large-update --sport 40011 --opt 27=$(blk 1 0 0) --pattern 16:16)
expect "  below the bound again, both transfers complete (2.04)" "[$r1,$r2]" '.[0].code == "2.04" and .[1].code == "2.04"'
check "  and their buffers are freed" [ "$(stat block1_buffers)" = "$g" ]
echo "$protect" > $P/block1_protect_ms

# block_timeout_ms: short lifetimes, for buffers of this step's own; the
# 2.31 answers are the kernel's word that each buffer was made
BT=2000
echo $BT > $P/block_timeout_ms
b=$(stat block1_timeout)
r1=$(req --code 0.03 --path large-update --sport 40020 --opt 27=$(blk 0 1 0) --pattern 0:16)
r2=$(req --code 0.03 --path large-update --sport 40021 --opt 27=$(blk 0 1 0) --pattern 0:16)
expect "block_timeout_ms $BT: two transfers start (2.31, 2.31)" "[$r1,$r2]" '.[0].code == "2.31" and .[1].code == "2.31"'
# the buffers go block_timeout_ms after their last block; the deadline
# is that plus a margin for a slow emulated kernel
buffers_timed_out() { [ $(( $(stat block1_timeout) - b )) -ge 2 ] && [ "$(stat block1_buffers)" = "$g" ]; }
wait_until -t $((BT / 1000 + 30)) buffers_timed_out
check "block_timeout_ms $BT: idle buffers time out (block1_timeout +2, gauge back)" \
	[ $(( $(stat block1_timeout) - b )) = 2 -a "$(stat block1_buffers)" = "$g" ]
r=$(req --code 0.03 --path large-update --sport 40020 --opt 27=$(blk 1 1 0) --pattern 16:16)
expect "  the timed-out transfer's next block: 4.08" "$r" '.code == "4.08"'

# --- the response cache: bound, expiry, miss ---
# 5 s: long enough that the entry is surely still there when the gauge is
# read right after the answer, short enough to wait for its expiry
BT=5000
echo $BT > $P/block_timeout_ms
b=$(stat block2_cache_expired)
c=$(stat block2_cached)
r=$(req --path dlarge --sport 40013)
check "a daemon's 2500-byte answer is cached (block2_cached +1)" [ "$(stat block2_cached)" = $((c + 1)) ]
cache_expired() { [ $(( $(stat block2_cache_expired) - b )) -ge 1 ] && [ "$(stat block2_cached)" = "$c" ]; }
wait_until -t $((BT / 1000 + 30)) cache_expired
check "  it expires after block_timeout_ms (block2_cache_expired, gauge back)" \
	[ $(( $(stat block2_cache_expired) - b )) = 1 -a "$(stat block2_cached)" = "$c" ]
n=$(seen "$tmp/post" /dlarge 1 | jq length)
r=$(req --path dlarge --sport 40013 --opt 23=$(blk 2 0 6))
expect "  block 2 after expiry: the daemon answers again, block 2 is cut from it" "$r" \
	'.code == "2.04" and .block2 == [2, 0, 6] and (.payload | length) == 452'
check "  (one more request reached the daemon)" [ "$(seen "$tmp/post" /dlarge 1 | jq length)" = $((n + 1)) ]
echo 0 > $P/block_timeout_ms
echo 1 > $P/block2_cache_max
b=$(stat block2_cache_evicted)
req --path dlarge --sport 40014 > /dev/null
req --path dlarge --sport 40015 > /dev/null
check "block2_cache_max 1: a second cached answer evicts the first" \
	[ $(( $(stat block2_cache_evicted) - b )) -ge 1 -a "$(stat block2_cached)" = 1 ]
r=$(req --path dlarge --sport 40015 --opt 23=$(blk 9 0 6))
expect "  a block past the end of a cached answer: 4.02" "$r" '.code == "4.02"'
echo 64 > $P/block2_cache_max

# --- teardown with buffers and cached answers in flight ---
$NL call endpoint_add addr=addr:127.0.0.1:5690 > /dev/null
g=$(stat block1_buffers)
c=$(stat block2_cached)
$COAPTOOL req $H 5690 --code 0.03 --path large-update --opt 27=$(blk 0 1 0) --pattern 0:16 > /dev/null
$COAPTOOL req $H 5690 --path dlarge > /dev/null
check "a buffer and a cached answer on a second endpoint" \
	[ "$(stat block1_buffers)" = $((g + 1)) -a "$(stat block2_cached)" = $((c + 1)) ]
$NL call endpoint_del addr=addr:127.0.0.1:5690 > /dev/null
check "  endpoint_del frees them" [ "$(stat block1_buffers)" = "$g" -a "$(stat block2_cached)" = "$c" ]
req --code 0.03 --path large-update --sport 40016 --opt 27=$(blk 0 1 0) --pattern 0:16 > /dev/null
req --path dlarge --sport 40017 > /dev/null
check "a buffer and a cached answer left in flight for module unload" \
	[ "$(stat block1_buffers)" -ge 1 -a "$(stat block2_cached)" -ge 1 ]
check "counters balance" stats_balanced

# a namespace going away with a Block1 body and a cached answer in it
ip netns add kcb
ip netns exec kcb ip link set lo up
ip netns exec kcb $NL call endpoint_add addr=addr:127.0.0.1:5683 > /dev/null
ip netns exec kcb $NL daemon --hold 600 path=/up methods=8 \; path=/big --answer 2.05:@2000 > "$tmp/ns" &
nsd=$!
wait_until grep -q '"ready"' "$tmp/ns"
ip netns exec kcb $COAPTOOL req $H $PORT --code 0.03 --path up --opt 27=$(blk 0 1 0) --pattern 0:16 > /dev/null
ip netns exec kcb $COAPTOOL req $H $PORT --path big > /dev/null
r=$(ip netns exec kcb $COAPTOOL stats)
expect "in a namespace: its own block1_buffers 1 and block2_cached 1" "$r" '.block1_buffers == 1 and .block2_cached == 1'
kill $nsd
wait $nsd
check "  the namespace is deleted with them in flight" ip netns delete kcb

kill "${pids[@]}" 2>/dev/null
wait 2>/dev/null
rm -rf "$tmp"
finish
