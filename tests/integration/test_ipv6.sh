#!/usr/bin/env bash
# test_ipv6.sh - the main demo over IPv6 in the lab (synlab <-> synlab, synlab <-> kernel), checked with tshark and the logs.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

lab_up ipv6 || { not_ok ipv6_lab_up; exit 1; }
[ -n "${ADDR6_C:-}" ] && [ -n "${ADDR6_S:-}" ] || { not_ok ipv6_lab_has_v6 "no ADDR6_C/ADDR6_S"; exit 1; }
T=$T_TMP

# tshark FILE FIELDS...: one line per TCP segment, fields joined by ','
fields() {
	local f=$1; shift
	local a=() x
	for x in "$@"; do a+=(-e "$x"); done
	tshark -r "$f" -o tcp.check_checksum:TRUE -Y tcp -T fields -E separator=, "${a[@]}" 2>/dev/null
}

# ---- (a) synlab-client -> synlab-server: handshake, data, four-way close, TIME-WAIT ----
bg SPID in_s "$BIN/synlab-server" --listen "[$ADDR6_S]:8080" --once --msl 1s --json \
	--log "$T/a.s.json" -w "$T/a.s.pcapng"
sleep 0.3
cap_start "$T/a.pcap"
in_c "$BIN/synlab-client" --connect "[$ADDR6_S]:8080" --data 'Just a test.\r\n' --msl 1s \
	--log "$T/a.c.log" -w "$T/a.c.pcap" >"$T/a.out"
rc=$?
wait_pid "$SPID" 10
src=$?
cap_stop
check v6_client_exit_0 [ "$rc" = 0 ]
check v6_server_exit_0 [ "$src" = 0 ]
check v6_echo_received grep -qx 'Server: Just a test.' <(tr -d '\r' <"$T/a.out")
# on the wire (tcpdump on the server's veth end): ten IPv6 segments, none over IPv4
fields "$T/a.pcap" ipv6.src ipv6.dst tcp.flags.str >"$T/a.wire"
check v6_wire_ten_segments [ "$(wc -l <"$T/a.wire")" = 10 ]
check v6_wire_all_ipv6 [ "$(grep -c "^\($ADDR6_C,$ADDR6_S\|$ADDR6_S,$ADDR6_C\)," "$T/a.wire")" = 10 ]
check v6_wire_no_ipv4_tcp [ "$(tshark -r "$T/a.pcap" -Y 'ip and tcp' 2>/dev/null | wc -l)" = 0 ]
check v6_wire_checksums_good checksums_good "$T/a.pcap"
check v6_wire_checksums_verified [ "$(fields "$T/a.pcap" tcp.checksum.status | grep -c '^1$')" = 10 ]
check v6_wire_no_rst [ "$(count_rst "$T/a.pcap")" = 0 ]
check v6_wire_handshake_first [ "$(flags "$T/a.pcap" | head -3 | tr '\n' ' ')" = "S S. . " ]
check v6_wire_two_fins [ "$(flags "$T/a.pcap" | grep -c F)" = 2 ]
# tshark's relative numbers of the exchange: 14 bytes out, 22 back, FINs at 15 and 23
check v6_wire_seq_ack_as_tshark_counts grep -qx "1,15,22" <(fields "$T/a.pcap" tcp.seq tcp.ack tcp.len)
# the states, from the client's own log
for s in 'CLOSED → SYN-SENT' 'SYN-SENT → ESTABLISHED' 'ESTABLISHED → FIN-WAIT-1' \
	'FIN-WAIT-1 → FIN-WAIT-2' 'FIN-WAIT-2 → TIME-WAIT' 'TIME-WAIT → CLOSED'; do
	n=${s// → /_}
	check "v6_client_state_${n//-/}" grep -q "client $s\|Client: $s" "$T/a.c.log"
done
check v6_time_wait_2msl grep -q 'TIME-WAIT → CLOSED (the 2.000 s (2MSL) wait is over' "$T/a.c.log"
# the server's JSON: every line parses; addresses are the IPv6 ones; the summary's states
check v6_json_addresses $PY - "$T/a.s.json" "$ADDR6_C" "$ADDR6_S" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
segs = [r for r in recs if r.get("type") == "segment"]
sums = [r for r in recs if r.get("type") == "summary"]
c, s = sys.argv[2], sys.argv[3]
ok = len(segs) == 10 and all({r["src"], r["dst"]} == {c, s} for r in segs)
ok = ok and len(sums) == 1 and sums[0]["src"] == c and sums[0]["dst"] == s
ok = ok and sums[0]["server_final"] == "CLOSED" and sums[0]["time_wait"] == "client"
sys.exit(0 if ok else 1)
PY
# -w: what each program recorded is what crossed the wire (flags, raw seq/ack, checksum)
fields "$T/a.pcap" tcp.flags.str tcp.seq_raw tcp.ack_raw tcp.checksum >"$T/a.w1"
fields "$T/a.c.pcap" tcp.flags.str tcp.seq_raw tcp.ack_raw tcp.checksum >"$T/a.w2"
fields "$T/a.s.pcapng" tcp.flags.str tcp.seq_raw tcp.ack_raw tcp.checksum >"$T/a.w3"
check v6_client_w_pcap_matches_wire cmp -s <(sort "$T/a.w1") <(sort "$T/a.w2")
check v6_server_w_pcapng_matches_wire cmp -s <(sort "$T/a.w1") <(sort "$T/a.w3")
check v6_client_w_checksums_good checksums_good "$T/a.c.pcap"
# the explainer on the -w file: tshark's relative seq/ack on every segment, the IPv6
# addresses, and the close the client's own log tells (client TIME-WAIT, server CLOSED)
"$BIN/synlab-explain" --json "$T/a.c.pcap" >"$T/a.x.json" 2>"$T/a.x.err"
check v6_explain_w_file_exit_0 [ $? = 0 ]
check v6_explain_w_file $PY - "$T/a.x.json" "$T/a.c.pcap" "$ADDR6_C" "$ADDR6_S" <<'PY'
import json, subprocess, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
segs = [r for r in recs if r.get("type") == "segment"]
sums = [r for r in recs if r.get("type") == "summary"]
ts = subprocess.run(["tshark", "-r", sys.argv[2], "-T", "fields", "-e", "tcp.seq", "-e", "tcp.ack"],
                    capture_output=True, text=True).stdout.split("\n")
ts = [l.split("\t") for l in ts if l]
ok = len(segs) == len(ts) == 10
ok = ok and all([str(r["seq"]), str(r["ack"])] == t for r, t in zip(segs, ts))
ok = ok and all({r["src"], r["dst"]} == {sys.argv[3], sys.argv[4]} for r in segs)
ok = ok and len(sums) == 1 and sums[0]["client_final"] == "TIME-WAIT"
ok = ok and sums[0]["server_final"] == "CLOSED" and sums[0]["closed_first"] == "client"
sys.exit(0 if ok else 1)
PY

# synlab-explain --tui on it (tmux): both ends named by their IPv6 address and port
if command -v tmux >/dev/null; then
	TM=slv6tui$$
	tmux new-session -d -s "$TM" -x 160 -y 40 "$BIN/synlab-explain --tui $T/a.c.pcap; sleep 5"
	for _ in $(seq 60); do
		tmux capture-pane -p -t "$TM" >"$T/tui.txt" 2>/dev/null
		grep -q 'Server \[' "$T/tui.txt" && break
		sleep 0.05
	done
	tmux send-keys -t "$TM" q 2>/dev/null
	tmux kill-session -t "$TM" 2>/dev/null
	check v6_explain_tui_names_ends grep -qF "Client [$ADDR6_C]:" "$T/tui.txt"
else
	skip v6_explain_tui_names_ends "tmux is not installed (bash scripts/deps)"
fi

# ---- full-sized segments: the MSS over IPv6 is 20 bytes less (1440 in the 1500-byte MTU) ----
head -c 5000 /dev/urandom >"$T/big.bin"
bg SPID in_s "$BIN/synlab-server" --listen "[$ADDR6_S]:8080" --once --msl 200ms -q 2>"$T/m.s.log"
sleep 0.3
cap_start "$T/m.pcap"
in_c timeout 20 "$BIN/synlab-client" --connect "[$ADDR6_S]:8080" --data-file "$T/big.bin" \
	--msl 200ms -q --log "$T/m.c.log" >"$T/m.out"
rc=$?
wait_pid "$SPID" 10
cap_stop
check v6_mss_transfer_exit_0 [ "$rc" = 0 ]
check v6_mss_no_send_error bash -c "! grep -q 'Message too long' '$T/m.c.log' '$T/m.s.log'"
check v6_mss_announced_1440_both [ "$(tshark -r "$T/m.pcap" -Y 'tcp.flags.syn == 1' -T fields \
	-e tcp.options.mss_val 2>/dev/null | sort -u)" = 1440 ]
# both synlab ends offer timestamps (RFC 7323): each segment then carries 12 bytes of
# options, so a full one holds 1440 - 12 = 1428 data bytes and still fills the MTU
check v6_mss_timestamps_agreed [ "$(tshark -r "$T/m.pcap" -Y 'tcp.flags.syn == 1 && tcp.options.timestamp.tsval' \
	2>/dev/null | wc -l)" = 2 ]
check v6_mss_full_segments_1428 [ "$(fields "$T/m.pcap" tcp.len | sort -n | tail -1)" = 1428 ]
check v6_mss_packets_fit_mtu [ "$(tshark -r "$T/m.pcap" -T fields -e ipv6.plen 2>/dev/null |
	sort -n | tail -1)" = 1460 ]
check v6_mss_checksums_good checksums_good "$T/m.pcap"

# ---- synlab-duo: both ends in one process over IPv6, running free ----
cap_start "$T/duo.pcap"
printf 'c\n' | timeout -s KILL 20 "$BIN/synlab-duo" --client-ns "$NS_C" --server-ns "$NS_S" \
	--listen "[$ADDR6_S]:8080" --msl 1s --time-scale 0.05 -q >"$T/duo.out" 2>"$T/duo.log"
rc=$?
cap_stop
check v6_duo_exit_0 [ "$rc" = 0 ]
check v6_duo_echo cmp -s "$T/duo.out" <(printf 'Server: Just a test.\r\n')
check v6_duo_wire_ipv6 [ "$(tshark -r "$T/duo.pcap" -Y "ipv6.dst == $ADDR6_S && tcp.dstport == 8080" \
	2>/dev/null | wc -l)" -ge 4 ]
check v6_duo_checksums_good checksums_good "$T/duo.pcap"

# ---- (b) synlab-client -> the kernel's TCP over IPv6 (python3 -m http.server --bind ::) ----
mkdir -p "$T/www"
head -c 102400 /dev/urandom >"$T/www/file.bin"
bg HPID in_s $PY -m http.server 8000 --bind "$ADDR6_S" --directory "$T/www" \
	>"$T/b.kernel.log" 2>&1
for _ in $(seq 50); do in_s ss -ltn | grep -q "\]:8000 " && break; sleep 0.1; done
cap_start "$T/b.pcap"
in_c "$BIN/synlab-client" --connect "[$ADDR6_S]:8000" --http-get /file.bin --no-time-wait \
	>"$T/got.bin" 2>"$T/b.log"
rc=$?
cap_stop
check v6_kernel_http_exit_0 [ "$rc" = 0 ]
check v6_kernel_http_100k_byte_exact cmp -s "$T/got.bin" "$T/www/file.bin"
check v6_kernel_http_status_logged grep -q 'HTTP/1.0 200' "$T/b.log"
check v6_kernel_http_host_header_bracketed [ "$(tshark -r "$T/b.pcap" -d tcp.port==8000,http \
	-Y http.request -T fields -e http.host 2>/dev/null)" = "[$ADDR6_S]" ]
check v6_kernel_http_checksums_good checksums_good "$T/b.pcap"
check v6_kernel_http_all_ipv6 [ "$(tshark -r "$T/b.pcap" -Y 'ip and tcp' 2>/dev/null | wc -l)" = 0 ]
check v6_kernel_http_no_rst [ "$(count_rst "$T/b.pcap")" = 0 ]
# HTTP/1.0: the kernel server closes first, so the client closes passively
check v6_kernel_http_passive_close grep -q 'Client: CLOSE-WAIT → LAST-ACK' "$T/b.log"
check v6_kernel_http_closed grep -q 'Client: LAST-ACK → CLOSED' "$T/b.log"

# ---- (c) a kernel client (curl) -> synlab-server over IPv6 ----
bg S2PID in_s "$BIN/synlab-server" --listen "[$ADDR6_S]:80" --app http -q --msl 200ms \
	--log "$T/c.s.log" 2>"$T/c.s.err"
sleep 0.3
cap_start "$T/c.pcap"
in_c curl -g -s --max-time 10 "http://[$ADDR6_S]/" >"$T/page.html"
rc=$?
cap_stop
check v6_curl_exit_0 [ "$rc" = 0 ]
check v6_curl_gets_page grep -q 'Hello from synlab-server' "$T/page.html"
check v6_curl_checksums_good checksums_good "$T/c.pcap"
check v6_curl_no_rst [ "$(count_rst "$T/c.pcap")" = 0 ]
check v6_curl_all_ipv6 [ "$(tshark -r "$T/c.pcap" -Y 'ipv6 and tcp' 2>/dev/null | wc -l)" -ge 8 ]

# ---- (d) the demos over IPv6 (scripts/demo --ipv6) ----
timeout -s KILL 60 "$TOP/scripts/demo" handshake --fast --ipv6 --msl 1s >"$T/d1.out" 2>&1
check v6_demo_handshake_exit_0 [ $? = 0 ]
check v6_demo_handshake_on_v6 grep -q 'synlab-server: listening on \[fd00:5359:' "$T/d1.out"
check v6_demo_handshake_time_wait grep -q 'TIME-WAIT → CLOSED' "$T/d1.out"
timeout -s KILL 60 "$TOP/scripts/demo" time-wait --fast --ipv6 --msl 1s >"$T/d2.out" 2>&1
check v6_demo_time_wait_exit_0 [ $? = 0 ]
# the lost final ACK: LAST-ACK resends its FIN, one interval measured on the veth (ipv6.src)
check v6_demo_time_wait_fin_resent [ "$(sed -n '/server FINs on the veth/,/^$/p' "$T/d2.out" |
	grep -c 's wall')" = 1 ]

# ---- (e) bad addresses: one line, exit 2 ----
bad() {
	local name=$1; shift
	"$@" >"$T/bad.out" 2>&1
	local rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$T/bad.out")" = 1 ]; then ok "$name"; else
		not_ok "$name" "exit $rc: $(head -c 200 "$T/bad.out")"; fi
}
bad v6_bad_connect_unbracketed "$BIN/synlab-client" --connect "$ADDR6_S:8080"
bad v6_bad_connect_no_port "$BIN/synlab-client" --connect "[$ADDR6_S]"
bad v6_bad_connect_zone "$BIN/synlab-client" --connect "[fe80::1%lo]:80"
bad v6_bad_listen_ambiguous "$BIN/synlab-server" --listen "fd00::2:8080"
bad v6_bad_listen_port_zero "$BIN/synlab-server" --listen "[$ADDR6_S]:0"

# ---- (f) --host-mode over IPv6: the lab's filter removed, each program installs its own ----
in_c nft delete table inet synlab && in_s nft delete table inet synlab
wait_log() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# control: without any filter the kernels reset the hand-made IPv6 connection (trap 1)
cap_start "$T/f0.pcap"
bg F0PID in_s "$BIN/synlab-server" --listen "[$ADDR6_S]:8082" --once --msl 200ms -q 2>/dev/null
sleep 0.3
in_c timeout 20 "$BIN/synlab-client" --connect "[$ADDR6_S]:8082" --msl 200ms --syn-retries 1 \
	--rto-init 200ms --timeout 3s -q >/dev/null 2>&1
rc=$?
cap_stop
kill -TERM "$F0PID" 2>/dev/null; sleep 0.2; kill -TERM "$F0PID" 2>/dev/null; wait_pid "$F0PID" 5
check v6_control_kernel_rsts_seen [ "$(count_rst "$T/f0.pcap")" -gt 0 ]
check v6_control_client_fails [ "$rc" != 0 ]
cap_start "$T/f.pcap"
bg FPID in_s "$BIN/synlab-server" --listen "[$ADDR6_S]:8081" --once --msl 200ms -q --host-mode \
	2>"$T/f.s.log"
wait_log "$T/f.s.log" 'host mode: nft table'
rule=$(in_s nft list table inet "synlab_host_$FPID" 2>/dev/null | grep drop)
check v6_host_server_rule_ip6 grep -q "ip6 saddr $ADDR6_S tcp sport 8081 meta mark != 0x00005359 tcp flags rst" <<<"$rule"
in_c timeout 20 "$BIN/synlab-client" --connect "[$ADDR6_S]:8081" --msl 200ms -q --host-mode \
	>"$T/f.out" 2>"$T/f.c.log"
rc=$?
wait_pid "$FPID" 10
src=$?
cap_stop
check v6_host_client_exit_0 [ "$rc" = 0 ]
check v6_host_server_exit_0 [ "$src" = 0 ]
check v6_host_echo_came_back grep -qx 'Server: Just a test.' <(tr -d '\r' <"$T/f.out")
check v6_host_no_rst_on_wire [ "$(count_rst "$T/f.pcap")" = 0 ]
check v6_host_client_names_4tuple grep -qF "from [$ADDR6_C]:" "$T/f.c.log"
check v6_host_tables_removed [ -z "$(in_c nft list ruleset; in_s nft list ruleset)" ]

exit $(( T_FAILS > 0 ))
