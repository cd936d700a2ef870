#!/usr/bin/env bash
# test_explain.sh - synlab-explain against tshark on real kernel captures, seed 003's echo, and bad input.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
X=$BUILD/synlab-explain
V=tests/vectors/explain
tmp=$(mktemp -d /tmp/sl-explain.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok $1"; }
nok() { echo "not ok $1 ${2:-}"; }
check() { if eval "$2"; then ok "$1"; else nok "$1" "${3:-}"; fi; }

# jq-free JSON queries: python3 over the JSON Lines.
q() { /usr/bin/python3 -c "import json,sys
recs=[json.loads(l) for l in open(sys.argv[1])]
segs=[r for r in recs if r['type']=='segment']
sums=[r for r in recs if r['type']=='summary']
sys.exit(0 if ($2) else 1)" "$1"; }

compare() {	# NAME CAPTURE: every segment against tshark
	local name=$1 f=$2
	if ! "$X" --json "$f" >"$tmp/$name.jsonl" 2>"$tmp/$name.err"; then
		nok "tshark_$name" "synlab-explain failed: $(head -c 200 "$tmp/$name.err")"
		return
	fi
	local res
	res=$(/usr/bin/python3 tests/tools/explain_cmp.py "$f" "$tmp/$name.jsonl" 2>&1)
	check "tshark_$name" 'echo "$res" | tail -n1 | grep -q " 0 mismatches$"' \
		"$(echo "$res" | head -n 3 | tr '\n' ';')$(drops "$f")"
}

# NAME CAPTURE: every frame tshark decodes as TCP is in the JSON (none skipped) and every
# field (flags, seq, ack, seq_raw, ack_raw, len, stream, window, analysis) agrees on at
# least 99.9 % of the frames; the agreement is printed.
agree() {
	local name=$1 f=$2 res rc
	if ! "$X" --json "$f" >"$tmp/$name.jsonl" 2>"$tmp/$name.err"; then
		nok "agree_$name" "synlab-explain failed: $(head -c 200 "$tmp/$name.err")"
		return
	fi
	res=$(/usr/bin/python3 tests/tools/explain_cmp.py --min-agree 99.9 "$f" "$tmp/$name.jsonl" 2>&1)
	rc=$?
	echo "# $name: $(echo "$res" | grep '^agree' | awk '{printf "%s %s %s ", $2, $3, $4}')"
	check "agree_$name" '[ $rc -eq 0 ]' "$(echo "$res" | grep -v '^agree' | head -n 4 | tr '\n' ';')"
}

drops() {	# CAPTURE: tcpdump's own losses (a live capture's log), for a failure's reason
	local n
	n=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$1.log" 2>/dev/null)
	[ "${n:-0}" -gt 0 ] && echo " (tcpdump dropped $n frames: see explain_analysis.c KNOWN GAP)"
}

# ---- stored vectors: every link type agrees with tshark ----
for f in eth_echo.pcap eth_echo.pcapng eth_srvclose.pcap any_sll.pcap any_sll2.pcap \
	null_echo.pcap loop_echo.pcap raw_echo.pcap vlan_echo.pcap eth_time_back.pcap; do
	compare "vector_${f%.*}_${f##*.}" "$V/$f"
done
# ---- the reader corpus (tests/tools/reader_mkvectors.sh says how each was made): IPv6,
# QinQ, snaplen cuts, cooked v1/v2, raw/null/loop IPv6, nanosecond pcap and pcapng,
# pcapng with two link types and snaplens, mergecap, mid-stream, time jumps ----
for f in tests/vectors/reader/*.pcap tests/vectors/reader/*.pcapng; do
	b=$(basename "$f")
	agree "reader_${b//./_}" "$f"
done
# eth_time_back.pcap: frames cut from a lossy lab capture (eth_http_loss) whose frame 19 is
# stamped 1 us BEFORE frame 18 (tcpdump's two CPUs): still one connection, as in tshark.
"$X" --json "$V/eth_time_back.pcap" >"$tmp/back.jsonl"
# ---- the -q line's win= is the window in bytes, tshark's tcp.window_size (the field times
# 2^scale), "(scale unknown)" exactly where tshark's scale factor is -1 (#13) ----
quiet_win() {	# CAPTURE (a file synlab-explain refuses or finds cut is not compared: 2)
	"$X" -q "$1" >"$tmp/qw.txt" 2>/dev/null || return 2
	tshark -n -r "$1" -Y tcp -T fields -E occurrence=f -e frame.number -e tcp.window_size \
		-e tcp.window_size_scalefactor >"$tmp/qw.ts" 2>/dev/null
	/usr/bin/python3 - "$tmp/qw.txt" "$tmp/qw.ts" <<'PY'
import re, sys
want = {}
for l in open(sys.argv[2]):
    v = l.rstrip("\n").split("\t")
    if len(v) == 3 and v[1]:
        want[int(v[0])] = (int(v[1]), v[2] == "-1")
n = 0
for l in open(sys.argv[1]):
    m = re.match(r"^ *(\d+) .* win=(\d+)( \(scale unknown\))? len=", l)
    if not m or int(m.group(1)) not in want:
        continue
    n += 1
    got = (int(m.group(2)), bool(m.group(3)))
    if got != want[int(m.group(1))]:
        print("%s frame %s: -q %s tshark %s" % (sys.argv[2], m.group(1), got, want[int(m.group(1))]))
        sys.exit(1)
sys.exit(0 if n == len(want) else 1)
PY
}
qw_bad="" qw_n=0
for f in $V/*.pcap $V/*.pcapng tests/vectors/reader/*.pcap tests/vectors/reader/*.pcapng; do
	quiet_win "$f"
	case $? in 0) qw_n=$((qw_n + 1)) ;; 1) qw_bad+=" $(basename "$f")" ;; esac
done
echo "# quiet_window: $qw_n captures compared"
check quiet_window_is_tshark_win '[ -z "$qw_bad" ] && [ $qw_n -ge 25 ]' "differs in:$qw_bad (of $qw_n)"

check time_back_one_connection "q $tmp/back.jsonl \"len(sums)==1 and all(s['conn']==1 for s in segs)\""

# ---- seed 003: "Just a test.\r\n" (14 bytes), so the client's FIN carries seq 15 ----
"$X" --json "$V/eth_echo.pcap" >"$tmp/echo.jsonl"
check seed003_data_14_bytes "q $tmp/echo.jsonl \"any(s['len']==14 and s['dir']=='c2s' and s['seq']==1 for s in segs)\""
check seed003_client_fin_seq_15 "q $tmp/echo.jsonl \"[s['seq'] for s in segs if s['flags']=='F.' and s['dir']=='c2s']==[15]\""
# an end's state moves on its own segments: the server's SYN+ACK shows it got the SYN,
# its ACK of the data (frame 5) that it got the handshake ACK
check seed003_handshake_states "q $tmp/echo.jsonl \"segs[0]['client']=={'before':'CLOSED','after':'SYN-SENT'} and segs[0]['server'] is None and segs[1]['server']=={'before':'LISTEN','after':'SYN-RECEIVED'} and segs[2]['client']=={'before':'SYN-SENT','after':'ESTABLISHED'} and segs[4]['server']=={'before':'SYN-RECEIVED','after':'ESTABLISHED'}\""
check seed003_client_time_wait "q $tmp/echo.jsonl \"sums[0]['closed_first']=='client' and sums[0]['time_wait']=='client' and sums[0]['close_segments']==4\""
"$X" --json "$V/eth_srvclose.pcap" >"$tmp/srv.jsonl"
check server_closes_first "q $tmp/srv.jsonl \"sums[0]['closed_first']=='server' and sums[0]['time_wait']=='server' and sums[0]['server_final']=='TIME-WAIT'\""
check zh_text "$X --lang zh $V/eth_echo.pcap | grep -q '第一次握手'"

# ---- truth_claims.pcap (tests/vectors/truth_claims.py): the false claims once made ----
compare vector_truth_claims "$V/truth_claims.pcap"
"$X" --json "$V/truth_claims.pcap" >"$tmp/tc.jsonl"
ex() { echo "[s['explain'] for s in segs if s['frame']==$1][0]"; }
check truth_copy_is_no_resend "q $tmp/tc.jsonl \"'second copy of frame 4' in $(ex 5) and 'timer' not in $(ex 5)\""
check truth_rtx_cause_in_json "q $tmp/tc.jsonl \"sums[0]['rtx'][0]['cause']=='duplicate' and sums[5]['rtx'][0]['cause']=='reuse'\""
check truth_refused_syn "q $tmp/tc.jsonl \"'ACK field' in $(ex 8) and sums[1]['server_final']=='CLOSED' and sums[1]['closed_first']=='server' and all(s['server'] is None or s['server']['after']!='SYN-RECEIVED' for s in segs if s['conn']==2)\""
check truth_zero_window_probe "q $tmp/tc.jsonl \"'keep_alive' in [s for s in segs if s['frame']==14][0]['analysis'] and 'zero-window probe' in $(ex 14) and 'still there' not in $(ex 14)\""
check truth_challenge_ack "q $tmp/tc.jsonl \"'challenge ACK' in $(ex 24) and 'is missing' not in $(ex 24) and not sums[3]['reset'] and sums[3]['server_final']=='ESTABLISHED'\""
check truth_crossing_fins "q $tmp/tc.jsonl \"sums[4]['simultaneous_close'] and sums[4]['close_segments'] is None and 'passive' not in $(ex 29) and [s for s in segs if s['frame']==29][0]['server']['after']=='FIN-WAIT-1'\""
check truth_fin_without_ack "q $tmp/tc.jsonl \"'must drop' in $(ex 34) and 'for a SYN' in $(ex 34) and sums[5]['server_final']=='SYN-RECEIVED'\""

# ---- bad input: one line on stderr, non-zero exit, no crash ----
bad() {	# NAME FILE PATTERN
	"$X" "$2" >"$tmp/bad.out" 2>"$tmp/bad.err"
	local rc=$? pat=$3
	check "bad_$1" '[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] && grep -qF "$pat" "$tmp/bad.err"' \
		"rc=$rc err=$(head -c 200 "$tmp/bad.err")"
}
bad empty "$V/empty.pcap" "empty file"
bad text "$V/text.pcap" "text file"
bad random "$V/random.pcap" "not a pcap"
bad header_only "$V/header_only.pcap" "no packets"
bad unknown_link "$V/unknown_link.pcap" "unsupported link type"
bad missing "$tmp/nonexistent.pcap" "No such file"
bad cut "$V/cut_echo.pcap" "cut inside record 10 (at byte offset"
check cut_explains_what_it_has "$X --summary $V/cut_echo.pcap 2>/dev/null | grep -q '^== Connection 1 summary'"
"$X" --bogus >/dev/null 2>&1; check usage_exit_2 '[ $? -eq 2 ]'
"$X" -c 0 "$V/eth_echo.pcap" >/dev/null 2>&1; check usage_bad_count_exit_2 '[ $? -eq 2 ]'
check filter_port "[ \$($X --json --port 1 $V/eth_echo.pcap | wc -l) -eq 0 ] && [ \$($X --json --port 9501 $V/eth_echo.pcap | wc -l) -eq 11 ]"

# ---- live lab: real kernel traffic, veth (Ethernet), any (SLL/SLL2), loopback, 10 % loss ----
if ! command -v tshark >/dev/null; then
	nok lab_captures "needs tshark"
	exit 0
fi
if ! timeout 120 bash tests/tools/explain_mkcaps.sh "$tmp" >"$tmp/mk.log" 2>&1; then
	nok lab_captures "$(tail -n 3 "$tmp/mk.log" | tr '\n' ';')"
	exit 0
fi
ok lab_captures
for f in eth_echo eth_srvclose any_sll2 any_sll lo eth_http_loss; do
	compare "lab_$f" "$tmp/$f.pcap"
done
check lab_loss_has_retransmissions "q $tmp/lab_eth_http_loss.jsonl \"sum(1 for s in segs if 'retransmission' in s['analysis'])>0 and sums[-1]['retransmissions']>0\""
check lab_sll2_two_connections "q $tmp/lab_any_sll2.jsonl \"len(sums)==2 and sums[1]['closed_first']=='server'\""
