#!/usr/bin/env bash
# test_demos.sh - the demos' scenarios as tests: impairment, step and manual modes, timers checked on the veth capture.
. "$(dirname "$0")/lib.sh"

lab_up demos || { not_ok demos_lab_up; exit 1; }
S=0.05			# time scale of the timing tests: 1 s of protocol time = 50 ms
E=(--time-scale $S --json)

# filter WHICH: switch the lab's RST filter (client: the server namespace's kernel may RST)
filter() { SYNLAB_PREFIX=$T_PREFIX SYNLAB_NET=$T_NET "$LAB" --filter "$1" up >/dev/null; }

# times FILE FILTER: frame.time_epoch of the matching segments, one per line
times() { tshark -r "$1" -Y "$2" -T fields -e frame.time_epoch 2>/dev/null; }

# within_bound FILE FILTER "EXPECTED_MS...": each interval between the matching segments
# on the wire is within max(4 ms, 12.5 %) of the expected one, as packetdrill checks
# (LAB-NOTES, "Timing assertions"), and there are exactly that many.
within_bound() {
	times "$1" "$2" | awk -v ex="$3" '
		BEGIN { n = split(ex, e, " ") }
		NR > 1 { i++; d = ($1 - p) * 1000; b = e[i] * 0.125; if (b < 4) b = 4
			 printf "    wire interval %d: %.3f ms (expected %s ms, bound %.3f)\n", i, d, e[i], b > "/dev/stderr"
			 if (i > n || d < e[i] - b || d > e[i] + b) bad = 1 }
		{ p = $1 }
		END { exit (bad || i != n) }'
}

# logged_rtx FILE "EXPECTED_PROTOCOL_S...": the retransmission intervals the TCB itself
# logged (after_us of its retransmit events, count >= 1), in protocol time (after_us /
# S), each within max(4 ms of wall time, 12.5 %) of the expected, and exactly that many.
logged_rtx() {
	grep '"kind":"retransmit"' "$1" | grep -v '"count":0' | grep -o '"after_us":[0-9]*' |
		cut -d: -f2 | awk -v ex="$2" -v s="$S" '
		BEGIN { n = split(ex, e, " ") }
		{ i++; d = $1 / 1e6 / s; b = e[i] * 0.125; if (b < 0.004 / s) b = 0.004 / s
		  printf "    logged interval %d: %.4f s protocol (expected %s s, bound %.3f)\n", i, d, e[i], b > "/dev/stderr"
		  if (i > n || d < e[i] - b || d > e[i] + b) bad = 1 }
		END { exit (bad || i != n) }'
}

# has FILE KEY VALUE [KEY VALUE]: a JSON log line with "KEY":"VALUE" (and the second pair)
has() { grep "\"$2\":\"$3\"" "$1" | grep -q "\"${4:-$2}\":\"${5:-$3}\""; }
# jt FILE KEY VALUE: the "t" of the first JSON line with "KEY":"VALUE"
jt() { grep -m1 "\"$2\":\"$3\"" "$1" | grep -o '"t":[0-9.e-]*' | cut -d: -f2; }

# count FILE FILTER
count() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }

# run_server NAME OPTS...: synlab-server in the background, log in $T_TMP/NAME.server.log
run_server() {
	local n=$1; shift
	bg SPID in_s timeout -s KILL 20 "$BIN/synlab-server" --listen "$ADDR_S:8080" --once "$@" \
		2>"$T_TMP/$n.server.log"
	sleep 0.3
}
run_client() {
	local n=$1; shift
	in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" "$@" \
		>"$T_TMP/$n.out" 2>"$T_TMP/$n.client.log"
}

# ---- synack-backoff: synlab's listener, the client drops every SYN+ACK ----
# Run once: the TCB's own logged intervals (protocol time) and the wire's, each within
# LAB-NOTES' tolerance.
cap_start "$T_TMP/sa.pcap"
run_server sa "${E[@]}"
run_client sa "${E[@]}" --syn-retries 0 --impair 'drop in SYN+ACK'
wait_pid "$SPID" 10
cap_stop
check synack_backoff_logged_intervals logged_rtx "$T_TMP/sa.server.log" "1 2 4 8 16"
check synack_backoff_intervals within_bound "$T_TMP/sa.pcap" 'tcp.flags.syn==1 && tcp.flags.ack==1' "50 100 200 400 800"
check synack_backoff_gave_up has "$T_TMP/sa.server.log" why synack_gave_up
check synack_backoff_client_logged_drops [ "$(grep -c "impair server > client: dropped by rule 1" "$T_TMP/sa.client.log")" -ge 1 ]
check synack_backoff_scaled_time_note grep -Eq 'interval \+0\.05[0-9] s wall = 1\.0[0-9]{2} s protocol at scale 0\.05' "$T_TMP/sa.server.log"
# forgotten at +63 s x S after the first SYN+ACK (bound: 12.5 % of the 32 s x S gap since
# the last retransmission): the server exits (--once) then
first=$(times "$T_TMP/sa.pcap" 'tcp.flags.syn==1 && tcp.flags.ack==1' | head -1)
gave=$(jt "$T_TMP/sa.server.log" why synack_gave_up)
syn=$(jt "$T_TMP/sa.server.log" why listen_syn)
check synack_backoff_forgotten_at_63s awk -v g="$gave" -v s="$syn" 'BEGIN { d = (g - s) * 1000; exit !(d > 3150 - 200 && d < 3150 + 200) }'

# ---- the same against the kernel's listener (tcp_synack_retries=3) ----
filter client
in_s sysctl -qw net.ipv4.tcp_synack_retries=3
bg KPID in_s socat TCP-LISTEN:8090,bind="$ADDR_S",reuseaddr EXEC:cat
for _ in $(seq 50); do in_s ss -ltn | grep -q ':8090 ' && break; sleep 0.1; done
cap_start "$T_TMP/ksa.pcap"
in_c timeout -s KILL 10 "$BIN/synlab-client" --connect "$ADDR_S:8090" --syn-retries 0 \
	--impair 'drop in SYN+ACK' 2>"$T_TMP/ksa.log"
sleep 6.5	# the kernel resends at +1, +3, +7 s
cap_stop
kill "$KPID" 2>/dev/null
echo "# kernel SYN+ACK intervals (s):" $(times "$T_TMP/ksa.pcap" 'tcp.flags.syn==1 && tcp.flags.ack==1' | awk 'NR > 1 { printf "%.3f ", $1 - p } { p = $1 }')
echo "# synlab SYN+ACK intervals (s, scale $S):" $(times "$T_TMP/sa.pcap" 'tcp.flags.syn==1 && tcp.flags.ack==1' | awk 'NR > 1 { printf "%.4f ", $1 - p } { p = $1 }')
check kernel_synack_retransmitted [ "$(count "$T_TMP/ksa.pcap" 'tcp.flags.syn==1 && tcp.flags.ack==1')" -ge 3 ]
filter both

# ---- time-wait: the client's final ACK is lost; the server in LAST-ACK resends its FIN ----
cap_start "$T_TMP/tw.pcap"
run_server tw "${E[@]}" --msl 2s
run_client tw "${E[@]}" --msl 2s --impair 'drop out ACK state=TIME-WAIT nth=1'
crc=$?
wait_pid "$SPID" 10
src=$?
cap_stop
SFIN="tcp.flags.fin==1 && ip.src==$ADDR_S"
check time_wait_client_exit_0 [ "$crc" = 0 ]
check time_wait_server_exit_0 [ "$src" = 0 ]
check time_wait_server_fin_twice [ "$(count "$T_TMP/tw.pcap" "$SFIN")" = 2 ]
# RTO = rto_min 200 ms x S once the RTT is measured (microseconds on a veth)
check time_wait_fin_rto within_bound "$T_TMP/tw.pcap" "$SFIN" "10"
check time_wait_fin_rto_logged logged_rtx "$T_TMP/tw.server.log" "0.2"
check time_wait_one_ack_on_wire [ "$(count "$T_TMP/tw.pcap" "ip.src==$ADDR_C && tcp.flags==0x010 && frame.time_epoch > $(times "$T_TMP/tw.pcap" "$SFIN" | head -1)")" = 1 ]
check time_wait_drop_logged grep -q "dropped by rule 1 'drop out ACK state=TIME-WAIT nth=1'" "$T_TMP/tw.client.log"
check time_wait_restarted has "$T_TMP/tw.client.log" why fin_in_time_wait
check time_wait_server_closed has "$T_TMP/tw.server.log" from LAST-ACK to CLOSED
# the client's 2MSL restarts at the second FIN: it ends 200 ms (4 s x S) after it
tw=$(grep '"why":"time_wait_expired"' "$T_TMP/tw.client.log" | grep -o '"after_us":[0-9]*' | cut -d: -f2)
check time_wait_2msl_after_restart awk -v t="$tw" 'BEGIN { exit !(t > 175000 && t < 225000) }'

# ---- the same with the kernel as the peer in LAST-ACK ----
filter client
bg KPID in_s socat TCP-LISTEN:7008,bind="$ADDR_S",reuseaddr EXEC:cat
for _ in $(seq 50); do in_s ss -ltn | grep -q ':7008 ' && break; sleep 0.1; done
cap_start "$T_TMP/ktw.pcap"
in_c timeout -s KILL 15 "$BIN/synlab-client" --connect "$ADDR_S:7008" --msl 1s \
	--impair 'drop out ACK state=TIME-WAIT nth=1' --json >"$T_TMP/ktw.out" 2>"$T_TMP/ktw.log"
crc=$?
cap_stop
kill "$KPID" 2>/dev/null
check kernel_last_ack_client_exit_0 [ "$crc" = 0 ]
check kernel_last_ack_fin_resent [ "$(count "$T_TMP/ktw.pcap" "tcp.flags.fin==1 && ip.src==$ADDR_S")" -ge 2 ]
check kernel_last_ack_acked_again has "$T_TMP/ktw.log" why fin_in_time_wait
check kernel_last_ack_no_rst [ "$(count_rst "$T_TMP/ktw.pcap")" = 0 ]
filter both

# ---- step mode from a piped script ----
cap_start "$T_TMP/step.pcap"
run_server step "${E[@]}" --msl 1s
printf 'd\n\nedit ack +1000\nc\n' | run_client step "${E[@]}" --msl 1s --step
wait_pid "$SPID" 10
cap_stop
check step_one_syn_on_wire [ "$(count "$T_TMP/step.pcap" 'tcp.flags==0x002')" = 1 ]
check step_drop_logged grep -q 'dropped at the step prompt' "$T_TMP/step.client.log"
bad=$(tshark -r "$T_TMP/step.pcap" -Y "ip.src==$ADDR_C && tcp.flags==0x010" -T fields -e tcp.ack_raw 2>/dev/null | head -1)
rst=$(tshark -r "$T_TMP/step.pcap" -Y "ip.src==$ADDR_S && tcp.flags.reset==1" -T fields -e tcp.seq_raw 2>/dev/null | head -1)
check step_bad_ack_gets_rst_seq_seg_ack [ -n "$bad" -a "$bad" = "$rst" ]
check step_rst_reason has "$T_TMP/step.server.log" why syn_rcvd_bad_ack
check step_then_echo cmp -s "$T_TMP/step.out" <(printf 'Server: Just a test.\r\n')

# ---- loss 20% seed=7: the same drop pattern twice ----
for i in 1 2; do
	run_server loss$i "${E[@]}" --msl 1s
	run_client loss$i "${E[@]}" --msl 1s --impair 'loss 20% seed=7' --data 'a\r\nb\r\nc\r\n'
	wait_pid "$SPID" 10
	grep -o 'dropped by rule 1 .*(match #[0-9]*, draw [^)]*)' "$T_TMP/loss$i.client.log" | head -3 >"$T_TMP/loss$i.pat"
done
check loss_seed_drops_something [ -s "$T_TMP/loss1.pat" ]
check loss_seed_same_pattern cmp -s "$T_TMP/loss1.pat" "$T_TMP/loss2.pat"

# ---- half-close: the server sends 222 bytes after the client's FIN ----
cap_start "$T_TMP/half.pcap"
run_server half "${E[@]}" --msl 1s --send-after-fin 222
run_client half "${E[@]}" --msl 1s
wait_pid "$SPID" 10
cap_stop
cfin=$(times "$T_TMP/half.pcap" "tcp.flags.fin==1 && ip.src==$ADDR_C" | head -1)
check half_close_data_after_client_fin [ "$(count "$T_TMP/half.pcap" "ip.src==$ADDR_S && tcp.len > 0 && frame.time_epoch > $cfin")" -ge 1 ]
check half_close_client_got_chargen [ "$(wc -c <"$T_TMP/half.out")" = $((22 + 222)) ]
check half_close_fin_wait_2_receives has "$T_TMP/half.client.log" from FIN-WAIT-2 to TIME-WAIT

# ---- simultaneous open (and close): two clients, SYNs released together by --step ----
pair() {
	local a b
	# (an explicit stdin: a background job's stdin is /dev/null otherwise)
	in_c timeout -s KILL 10 "$BIN/synlab-client" --connect "$ADDR_S:40002" --sport 40001 --step \
		"${E[@]}" --msl 1s --rto-init 20s "$@" 2>"$T_TMP/a.log" >"$T_TMP/a.out" < <(sleep 0.6; echo c) &
	a=$!; T_PIDS+=("$a")
	in_s timeout -s KILL 10 "$BIN/synlab-client" --connect "$ADDR_C:40001" --sport 40002 --step \
		"${E[@]}" --msl 1s --rto-init 20s "$@" 2>"$T_TMP/b.log" >"$T_TMP/b.out" < <(sleep 0.6; echo c) &
	b=$!; T_PIDS+=("$b")
	wait_pid "$a" 10; echo $? >"$T_TMP/a.rc"
	wait_pid "$b" 10; echo $? >"$T_TMP/b.rc"
}
cap_start "$T_TMP/sim.pcap"
# Hold each FIN, and what CLOSING sends, so both FINs are on the way before either
# arrives: an ACK overtaking its own side's held FIN would end the race in FIN-WAIT-2.
pair --impair 'delay out has=FIN 100ms' --impair 'delay out state=CLOSING 100ms'
cap_stop
check simultaneous_open_syns_cross [ "$(flags "$T_TMP/sim.pcap" | head -4 | tr '\n' ' ')" = "S S S. S. " ]
check simultaneous_open_syn_received has "$T_TMP/a.log" from SYN-SENT to SYN-RECEIVED
check simultaneous_open_both_exit_0 [ "$(cat "$T_TMP/a.rc" "$T_TMP/b.rc" | tr -d '\n')" = 00 ]
check simultaneous_close_closing_a has "$T_TMP/a.log" from FIN-WAIT-1 to CLOSING
check simultaneous_close_closing_b has "$T_TMP/b.log" from FIN-WAIT-1 to CLOSING

# ---- rst: closed port, and an in-window RST challenged by the kernel (RFC 5961 §3.2) ----
filter client
cap_start "$T_TMP/rst.pcap"
in_c timeout -s KILL 10 "$BIN/synlab-client" --connect "$ADDR_S:9" --json 2>"$T_TMP/rst1.log"
check rst_closed_port_refused has "$T_TMP/rst1.log" why syn_sent_rst
bg KPID in_s socat TCP-LISTEN:7009,bind="$ADDR_S",reuseaddr EXEC:cat
for _ in $(seq 50); do in_s ss -ltn | grep -q ':7009 ' && break; sleep 0.1; done
printf 'wait ESTABLISHED\nsleep 200ms\nsend R seq=+100\nsleep 200ms\nsend R\nsleep 200ms\nquit\n' |
	in_c timeout -s KILL 10 "$BIN/synlab-client" --connect "$ADDR_S:7009" --wait-close --manual \
	2>"$T_TMP/rst2.log" >/dev/null
cap_stop
kill "$KPID" 2>/dev/null
r1=$(times "$T_TMP/rst.pcap" "ip.src==$ADDR_C && tcp.flags.reset==1 && tcp.dstport==7009" | head -1)
r2=$(times "$T_TMP/rst.pcap" "ip.src==$ADDR_C && tcp.flags.reset==1 && tcp.dstport==7009" | sed -n 2p)
check rst_challenge_ack_from_kernel [ -n "$r1" -a "$(count "$T_TMP/rst.pcap" "ip.src==$ADDR_S && tcp.srcport==7009 && tcp.flags==0x010 && frame.time_epoch > $r1 && frame.time_epoch < ${r2:-0}")" = 1 ]
check rst_exact_resets_no_answer [ -n "$r2" -a "$(count "$T_TMP/rst.pcap" "ip.src==$ADDR_S && tcp.srcport==7009 && frame.time_epoch > ${r2:-0}")" = 0 ]
filter both

# ---- syn-retry: no server; both schedules (once each) ----
cap_start "$T_TMP/syn.pcap"
in_c timeout -s KILL 10 "$BIN/synlab-client" --connect "$ADDR_S:8181" "${E[@]}" --syn-retries 4 \
	--syn-schedule linear 2>"$T_TMP/syn1.log"
in_c timeout -s KILL 10 "$BIN/synlab-client" --connect "$ADDR_S:8182" "${E[@]}" --syn-retries 4 \
	--syn-schedule doubling 2>"$T_TMP/syn2.log"
cap_stop
check syn_retry_linear_logged logged_rtx "$T_TMP/syn1.log" "1 1 1 1"
check syn_retry_doubling_logged logged_rtx "$T_TMP/syn2.log" "1 2 4 8"
check syn_retry_linear within_bound "$T_TMP/syn.pcap" 'tcp.flags==0x002 && tcp.dstport==8181' "50 50 50 50"
check syn_retry_doubling within_bound "$T_TMP/syn.pcap" 'tcp.flags==0x002 && tcp.dstport==8182' "50 100 200 400"
check syn_retry_gave_up has "$T_TMP/syn2.log" why syn_gave_up

# ---- the demo script itself ----
check demo_lists_nine [ "$("$TOP/scripts/demo" | grep -c '^  [a-z]')" = 9 ]
"$TOP/scripts/demo" no-such-demo >/dev/null 2>&1
check demo_unknown_exits_2 [ $? = 2 ]
demo_fast() { timeout -s KILL 30 "$TOP/scripts/demo" handshake --fast --msl 1s >"$T_TMP/demo.out" 2>&1; }
check demo_handshake_fast demo_fast
check demo_handshake_shows_time_wait grep -q 'TIME-WAIT → CLOSED' "$T_TMP/demo.out"

exit $(( T_FAILS > 0 ))
