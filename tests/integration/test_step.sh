#!/usr/bin/env bash
# test_step.sh - --step and --manual driven as a user would: on a terminal (tmux send-keys / capture-pane) and from pipes.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { not_ok step_tmux "tmux is not installed (bash scripts/deps)"; exit 1; }
lab_up step || { not_ok step_lab_up; exit 1; }
S=0.05			# time scale: 1 s of protocol time = 50 ms of wall time
TM="synlab-step-$$-0"	# our own tmux server sockets (-L): nothing else is touched
NTERM=0
tm() { tmux -L "$TM" "$@"; }
tm_cleanup() {
	for ((i = 0; i <= NTERM; i++)); do tmux -L "synlab-step-$$-$i" kill-server 2>/dev/null; done
	t_cleanup
}
trap tm_cleanup EXIT

# pane: the terminal's text now; wait_pane TEXT SECONDS: until the pane shows TEXT
pane() { tm capture-pane -p -J -S -200 -t t; }
wait_pane() {
	local n=$(( ${2:-5} * 20 ))
	while [ $n -gt 0 ]; do pane | grep -qF -- "$1" && return 0; sleep 0.05; n=$((n - 1)); done
	echo "# pane never showed '$1':" >&2; pane | grep -v '^$' | tail -20 | sed 's/^/#   /' >&2
	return 1
}
# wait_count TEXT N SECONDS: until TEXT is on N lines of the pane
wait_count() {
	local n=$(( ${3:-5} * 20 ))
	while [ $n -gt 0 ]; do [ "$(pane | grep -cF -- "$1")" -ge "$2" ] && return 0; sleep 0.05; n=$((n - 1)); done
	echo "# pane never showed '$1' $2 times" >&2; return 1
}
# wait_until SECONDS CMD...: until CMD succeeds (the pane is drawn asynchronously)
wait_until() {
	local n=$(( $1 * 20 )); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.05; n=$((n - 1)); done
	echo "# never true: $*; the pane's last lines:" >&2; pane | grep -v '^$' | tail -4 | sed 's/^/#   /' >&2
	return 1
}
# term CMD: runs CMD on a fresh tmux terminal (200x50), its exit status into $T_TMP/term.rc
# Each terminal gets a server socket of its own: kill-server returns before the old
# server is gone, and a new session started on the same socket meanwhile can attach to the
# dying server and die with it (seen on a loaded machine: "server exited unexpectedly").
term() {
	tm kill-server 2>/dev/null
	NTERM=$((NTERM + 1))
	TM="synlab-step-$$-$NTERM"
	rm -f "$T_TMP/term.rc"
	tm -f /dev/null new-session -d -s t -x 200 -y 50 \
		"$* ; echo \$? >$T_TMP/term.rc; sleep 30"
}
wait_rc() {
	local n=$(( ${1:-10} * 20 ))
	while [ $n -gt 0 ] && [ ! -s "$T_TMP/term.rc" ]; do sleep 0.05; n=$((n - 1)); done
	cat "$T_TMP/term.rc" 2>/dev/null
}
# JSON log helpers: the after_us of retransmission #N of segments with these flags
rtx_after() { grep '"kind":"retransmit"' "$1" | grep -o '"after_us":[0-9]*' | sed -n "${2}p" | cut -d: -f2; }
# within EXPECTED_US ACTUAL_US: max(4 ms, 12.5 %) (LAB-NOTES, "Timing assertions")
within() { awk -v x="$1" -v a="$2" 'BEGIN { b = x * 0.125; if (b < 4000) b = 4000
	d = a - x; if (d < 0) d = -d; exit !(a != "" && d <= b) }'; }

CLIENT="ip netns exec $NS_C $BIN/synlab-client --connect $ADDR_S:8080 --time-scale $S --msl 1s"
run_server() {
	local n=$1; shift
	bg SPID in_s timeout -s KILL 40 "$BIN/synlab-server" --listen "$ADDR_S:8080" --time-scale $S \
		--msl 1s "$@" >"$T_TMP/$n.server.out" 2>"$T_TMP/$n.server.log"
	sleep 0.3
	t_running "$SPID" || { not_ok "step_${n}_server_started" "($(head -1 "$T_TMP/$n.server.log"))"; }
}

# ---- 1. a 10 s pause at the first prompt changes no interval the TCB reports ----
# The first SYN+ACK is lost, so the SYN is retransmitted after the initial RTO: 1 s of
# protocol time (50 ms at scale 0.05), however long the user sat at the first prompt.
run_server pause --once
term "$CLIENT --step --impair 'drop in SYN+ACK nth=1' --log $T_TMP/pause.json --json"
check step_tty_first_prompt wait_pane 'step before sending: client > server  Flags [S]' 5
check step_tty_clock_paused_shown wait_pane 'clock: paused for this connection while you decide' 1
# The RTO is 50 ms here; the clock pauses when the segment reaches the step stage, a
# moment after the TCB armed the timer (2 ms on a loaded CI machine): 40..50 ms left.
timer_left_shown() {
	pane | grep -qE 'timers: rtx in 0\.0(4[0-9]|50) s \(protocol time left\)' && return 0
	pane | grep -F 'timers:' | head -n 1 | sed 's/^ */# pane: /' >&2
	return 1
}
check step_tty_timer_shown timer_left_shown
tm send-keys -t t 'bogus' Enter
# the feedback comes at once, before any next line is typed
check step_tty_not_understood_at_once wait_pane "not understood: 'bogus'" 2
sleep 10		# the user thinks (real time)
tm send-keys -t t '' Enter
check step_tty_retransmitted_syn_stops wait_count 'step before sending: client > server  Flags [S]' 2 3
tm send-keys -t t 'c' Enter
rc=$(wait_rc 10)
wait_pid "$SPID" 10
check step_tty_pause_client_exit_0 [ "$rc" = 0 ]
a=$(rtx_after "$T_TMP/pause.json" 1)
echo "# retransmission #1 after ${a:-?} us (expected 50000: 1 s at scale $S)"
check step_pause_rtx_interval_unchanged within 50000 "$a"

# ---- 1b. the same pause with --step-clock run: the timer counts it, and the log says so ----
run_server run --once
(sleep 1; echo; sleep 0.3; echo c) | in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" \
	--time-scale $S --msl 1s --syn-retries 30 --step --step-clock run >/dev/null 2>"$T_TMP/run.log"
wait_pid "$SPID" 10
check step_clock_run_said grep -q 'clock: running while you decide (--step-clock run)' "$T_TMP/run.log"
# the SYN's RTO (50 ms) ran out while it waited at the prompt for 1 s: retransmissions
# queued behind it, and the note says the timers counted the held time
check step_clock_run_timer_counted grep -q 'step: to send: queued behind the pending decision' "$T_TMP/run.log"
check step_clock_run_noted grep -q 'with --step-clock run its connection.s timers counted that time' "$T_TMP/run.log"
# each resend the timer made meanwhile says its earlier copy never left (it waits at the
# prompt), and none of the TCB's own sends is called a capture copy
check step_clock_run_resend_says_unsent grep -q 'The copy before it has not reached the wire yet: [0-9]* of this side.s segments wait at the step prompt' "$T_TMP/run.log"
check step_clock_run_no_false_copy bash -c "! grep -q 'did not send it again' '$T_TMP/run.log'"
# the resends' records give the TCB's own reason, not a guess from the wire's intervals
# (released together after the prompt, they came microseconds apart)
check step_clock_run_resend_cause_from_tcb grep -q "SYN retransmission #1, .*Why, from the client's own TCB (what a capture alone cannot show): its retransmission timer expired" "$T_TMP/run.log"

# ---- 1c. a resend made after the held copies went: the copy before it waited, then left ----
# Doubling SYN schedule at 1/20: resends at 0.05, 0.15, 0.35, 0.75 s queue behind the SYN
# held at the prompt; Enter sends the SYN (0.85 s after the prompt), the next prompt
# holds #1, `c` (1.15 s) lets all go; #5 (1.55 s) is made after its previous copy (#4) waited at
# the prompt and went: its record says so, and the wait plus the wire time before it is
# the TCB's interval. A copy queued behind a decision counts its wait there too.
run_server prev --once
feed_after_prompt() {	# Enter 0.85 s after the first prompt, `c` 0.3 s later
	local n=200
	while [ $n -gt 0 ] && ! grep -q 'step before sending' "$T_TMP/prev.log" 2>/dev/null; do
		sleep 0.02; n=$((n - 1)); done
	sleep 0.85; echo; sleep 0.3; echo c
}
feed_after_prompt | in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" \
	--time-scale $S --msl 1s --syn-retries 5 --syn-schedule doubling --impair 'drop in SYN+ACK' \
	--step --step-clock run >/dev/null 2>"$T_TMP/prev.log"
wait_pid "$SPID" 10
line=$(grep -o 'retransmission #5, [0-9.]* ms after the previous send.*' "$T_TMP/prev.log" | head -n 1)
w=$(echo "$line" | sed -n 's/.*The copy before it waited \([0-9.]*\) ms at the step prompt.*/\1/p')
g=$(echo "$line" | sed -n 's/.*reached the wire only \([0-9.]*\) ms before this resend was made.*/\1/p')
i=$(echo "$line" | sed -n 's/^retransmission #5, \([0-9.]*\) ms after.*/\1/p')
echo "# #5: ${i:-?} ms after #4 (TCB); #4 waited ${w:-?} ms at the prompt, then ${g:-?} ms on the wire"
check step_clock_run_prev_copy_waited [ -n "$w" -a -n "$g" ]
# the two parts make up the TCB's interval (what lies between the stages and the wire: microseconds; 4 ms allowed, LAB-NOTES)
sum_is() { awk -v w="$1" -v g="$2" -v i="$3" 'BEGIN { d = w + g - i; if (d < 0) d = -d
	exit !(w != "" && g != "" && i != "" && d <= 4) }'; }
check step_clock_run_prev_copy_adds_up sum_is "$w" "$g" "$i"
lacks() { ! grep -qF -- "$1" <<<"$2"; }
check step_clock_run_prev_copy_not_unsent lacks 'has not reached the wire yet' "$line"
# #4 queued behind two decisions: its wait counts from when the TCB made it (0.75 s)
check step_clock_run_queued_wait_counted awk -v w="$w" 'BEGIN { exit !(w > 300 && w < 800) }'

# ---- 2. on the server, a prompt for one connection does not stop another ----
# Client 1's SYN+ACK waits at the server's prompt (its retransmitted SYNs queue behind
# it, shown); client 2 connects meanwhile, `conn=2 c` lets it run, and it is served
# completely while client 1 is still held. (Client 2 runs at scale $S: its 12 SYN
# retries span 259 s x $S = 13 s, however slow the terminal is.)
cap_start "$T_TMP/two.pcap"
term "ip netns exec $NS_S $BIN/synlab-server --listen $ADDR_S:8080 --time-scale $S --msl 1s --step"
sleep 0.3
bg C1 in_c timeout -s KILL 30 "$BIN/synlab-client" --connect "$ADDR_S:8080" --sport 40001 \
	--msl 1s --syn-retries 8 >"$T_TMP/c1.out" 2>"$T_TMP/c1.log"
check step_server_first_prompt wait_pane '#1   step before sending: server > client  Flags [S.]' 5
bg C2 in_c timeout -s KILL 30 "$BIN/synlab-client" --connect "$ADDR_S:8080" --sport 40002 \
	--time-scale $S --msl 1s --syn-retries 12 >"$T_TMP/c2.out" 2>"$T_TMP/c2.log"
check step_server_second_prompt wait_pane '#2   step before sending: server > client  Flags [S.]' 5
check step_server_other_waits_shown wait_pane '1 other connection waits for a decision too' 1
tm send-keys -t t 'list' Enter
check step_list_shows_both wait_pane "conn=2  $ADDR_S:8080 > $ADDR_C:40002  SYN-RECEIVED" 2
check step_list_timer wait_pane "conn=1  $ADDR_S:8080 > $ADDR_C:40001  SYN-RECEIVED timers: rtx in 0.0" 1
check step_list_paused wait_pane "s  (clock paused: a decision waits)" 1
tm send-keys -t t 'conn=2 c' Enter
wait_pid "$C2" 10
c2rc=$?
check step_second_client_served_exit_0 [ "$c2rc" = 0 ]
check step_second_client_echo cmp -s "$T_TMP/c2.out" <(printf 'Server: Just a test.\r\n')
check step_first_client_still_held t_running "$C1"
# client 1 retransmits its SYN after 1 s (real time, scale 1): queued behind #1's decision
check step_queued_shown wait_pane 'step: arrived: queued behind the pending decision' 3
# a line logged while the prompt waits gets a line of its own, and the prompt comes back
# under it (it was glued to "step> " and the prompt was gone)
last_line() { pane | grep -v '^[[:space:]]*$' | tail -1; }
prompt_last() { [ "$(last_line)" = "step>" ] || [ "$(last_line)" = "step> " ]; }
check step_prompt_redrawn_after_note wait_until 2 prompt_last
check step_note_not_glued_to_prompt bash -c "! grep -q '^step> .*queued behind' <<<\"\$1\"" _ "$(pane)"
tm send-keys -t t '' Enter
check step_first_prompt_then_ack wait_count 'step before sending: server > client' 3 3
tm send-keys -t t 'c' Enter
wait_pid "$C1" 15
c1rc=$?
cap_stop
check step_first_client_exit_0 [ "$c1rc" = 0 ]
# on the wire: client 2's whole connection before the first SYN+ACK to client 1
last2=$(tshark -r "$T_TMP/two.pcap" -Y "tcp.port==40002" -T fields -e frame.number 2>/dev/null | tail -1)
first1=$(tshark -r "$T_TMP/two.pcap" -Y "tcp.port==40001 && tcp.flags.syn==1 && tcp.flags.ack==1" -T fields -e frame.number 2>/dev/null | head -1)
served_first() { [ -n "$last2" ] && [ -n "$first1" ] && [ "$last2" -lt "$first1" ]; }
check step_second_served_before_first_answered served_first
tm kill-server 2>/dev/null
# the terminal's server ends with its terminal: until then it holds ADDR:PORT, and a new
# server there is refused (test_bad_input.sh)
for _ in $(seq 100); do in_s ss -tan | grep -q "$ADDR_S:8080 " || break; sleep 0.05; done

# ---- 3. several edits before one send; edits of sequence space refused or applied ----
# The handshake's ACK goes out with seq +5 and win 1000 (both, in one segment); a payload
# of another length is refused; one of the same length is applied, and since the rule
# drops the first data segment, its retransmission must carry the edited bytes too.
run_server edit --once
cap_start "$T_TMP/edit.pcap"
printf '%s\n' '' 'edit seq +5; edit win 1000; send' 'edit payload Just a TESTXX\r\n' \
	'edit payload Just a TEST.\r\n' 'send' 'c' |
	in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" --time-scale $S \
	--msl 1s --step --impair 'drop out data nth=1' >"$T_TMP/edit.out" 2>"$T_TMP/edit.log"
erc=$?
wait_pid "$SPID" 10
cap_stop
ack=$(tshark -r "$T_TMP/edit.pcap" -Y "ip.src==$ADDR_C && tcp.flags==0x010" -T fields \
	-e tcp.seq -e tcp.window_size_value 2>/dev/null | head -1 | tr '\t' ' ')
echo "# first pure ACK of the client: seq win = $ack"
check step_edit_two_fields_one_segment [ "$ack" = "6 1000" ]
check step_edit_noted grep -q 'edited at the step prompt (seq +5, win 65535 -> 1000)' "$T_TMP/edit.log"
check step_edit_length_refused grep -q 'refused: 15 bytes instead of 14 would change the sequence space' "$T_TMP/edit.log"
data=$(tshark -r "$T_TMP/edit.pcap" -Y "ip.src==$ADDR_C && tcp.len==14" -T fields -e tcp.payload 2>/dev/null)
check step_edit_retransmission_carries_edit [ "$data" = "$(printf 'Just a TEST.\r\n' | od -An -tx1 | tr -d ' \n')" ]
check step_edit_retransmitted grep -q 'retransmission #1' "$T_TMP/edit.log"
check step_edit_echoed cmp -s "$T_TMP/edit.out" <(printf 'Server: Just a TEST.\r\n')
check step_edit_client_exit_0 [ "$erc" = 0 ]

# ---- 4. --manual: conn=N and 4-tuple targets, list ----
run_server manual
cap_start "$T_TMP/man.pcap"
printf '%s\n' 'wait ESTABLISHED' 'list' 'conn=2 send R' 'conn=1 send . ack=+5000' \
	"conn=$ADDR_S:8080 send . ack=+7000" 'conn=nonsense send R' 'sleep 300ms' 'quit' |
	in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" --time-scale $S \
	--msl 1s --wait-close --manual >/dev/null 2>"$T_TMP/man.log"
cap_stop
kill "$SPID" 2>/dev/null	# SIGTERM: it closes what is open, then frees ADDR:PORT
wait_pid "$SPID" 10
acks=$(tshark -r "$T_TMP/man.pcap" -Y "ip.src==$ADDR_C && tcp.flags==0x010" -T fields -e tcp.ack 2>/dev/null | tr '\n' ' ')
echo "# client ACKs (relative ack): $acks"
# ack=+N is N beyond RCV.NXT when the command runs: 1, or 23 once the echo of the client's
# 14 bytes ("Server: " + them) has come, which races the commands. Either way both hand-made
# ACKs are 5000 and 7000 beyond one ACK the client sent itself.
base=
for a in $acks; do grep -qw $((a + 5000)) <<<"$acks" && { base=$a; break; }; done
echo "# the hand-made ACKs' base: ${base:-none}"
check manual_conn_1_target [ -n "$base" ]
check manual_4tuple_target grep -qw $((${base:-0} + 7000)) <<<"$acks"
check manual_conn_2_refused grep -q 'manual: send: no open connection is conn=2' "$T_TMP/man.log"
check manual_bad_target_said grep -q 'manual: conn= is N, ADDR:PORT or LADDR:LPORT-RADDR:RPORT' "$T_TMP/man.log"
check manual_list grep -q "conn=1  $ADDR_C:[0-9]* > $ADDR_S:8080  ESTABLISHED" "$T_TMP/man.log"

# ---- 5. a held segment keeps its own frame number and arrival time ----
# The SYN+ACK is delayed 2 s (100 ms at scale $S: the SYN, whose RTO is 50 ms, is
# retransmitted meanwhile, with 50 ms to spare so a loaded machine keeps the order); its
# record, made when it is released, names the frame it arrived in on -w, with that time.
# A dropped segment to send never crossed the wire: its record names no frame (0).
run_server frames --once
in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" --time-scale $S --msl 1s \
	--impair 'delay in SYN+ACK 2s' --impair 'drop out ACK nth=2' --json -w "$T_TMP/frames.pcap" \
	>/dev/null 2>"$T_TMP/frames.log"
wait_pid "$SPID" 10
rec=$(grep '"type":"segment"' "$T_TMP/frames.log" | grep '"flags":"S."' | head -1)
rframe=$(grep -o '"frame":[0-9]*' <<<"$rec" | cut -d: -f2)
wframe=$(tshark -r "$T_TMP/frames.pcap" -Y 'tcp.flags.syn==1 && tcp.flags.ack==1' -T fields -e frame.number 2>/dev/null | head -1)
rtx=$(grep '"type":"segment"' "$T_TMP/frames.log" | grep '"flags":"S"' | sed -n 2p | grep -o '"t":[0-9.e-]*' | cut -d: -f2)
rt=$(grep -o '"t":[0-9.e-]*' <<<"$rec" | cut -d: -f2)
echo "# SYN+ACK record: frame ${rframe:-?} at t=${rt:-?}; on -w frame ${wframe:-?}; the SYN's retransmission at t=${rtx:-?}"
check step_held_segment_own_frame [ -n "$rframe" -a "$rframe" = "$wframe" ]
check step_held_segment_arrival_time awk -v a="$rt" -v b="$rtx" 'BEGIN { exit !(a != "" && b != "" && a < b) }'
check step_dropped_out_no_frame grep -q '"type":"impair","frame":0,.*"act":"drop"' "$T_TMP/frames.log"

# ---- 6. under --step the times of the log and of -w are the wire's, in order ----
# Issue #12, item 7: a reply read in the loop turn that sent its cause was stamped with
# the turn's earlier time (negative frame.time_delta, "SYN -> SYN+ACK 0.000 ms").
run_server order --once
printf 'send\nsend\nsend\nc\n' | in_c timeout -s KILL 20 "$BIN/synlab-client" \
	--connect "$ADDR_S:8080" --time-scale $S --msl 1s --step -w "$T_TMP/order.pcapng" \
	>/dev/null 2>"$T_TMP/order.log"
orc=$?
wait_pid "$SPID" 10
neg=$(tshark -r "$T_TMP/order.pcapng" -T fields -e frame.time_delta 2>/dev/null | grep -c '^-')
nfr=$(tshark -r "$T_TMP/order.pcapng" -T fields -e frame.number 2>/dev/null | wc -l)
echo "# -w: $nfr frames, $neg with a negative time delta"
check step_order_client_exit_0 [ "$orc" = 0 ]
check step_order_frames_written [ "$nfr" -ge 8 ]
check step_order_no_negative_delta [ "$neg" = 0 ]

# ---- 7. a second Ctrl-C at a prompt sends the RST it announces ----
# Issue #12, item 2: the RST was queued behind the pending decision and the program
# exited: the server never saw it. The client waits at its 4th prompt (the ACK of the
# echo).
run_server abort
# (no timeout(1): it would answer the SIGINT by killing the client; wait_pid bounds it.
# stdin through fd 3: a background job's own stdin is /dev/null)
exec 3< <(printf '\n\n\n'; sleep 5)
bg CPID in_c bash -c 'exec "$@" <&3 3<&-' _ "$BIN/synlab-client" --connect "$ADDR_S:8080" \
	--time-scale $S --msl 1s --step >/dev/null 2>"$T_TMP/abort.log"
exec 3<&-
for _ in $(seq 100); do [ "$(grep -c 'step before sending' "$T_TMP/abort.log")" -ge 4 ] && break; sleep 0.05; done
sleep 0.3
kill -INT "$CPID"; sleep 0.3; kill -INT "$CPID"
wait_pid "$CPID" 5
sleep 0.3
kill "$SPID" 2>/dev/null
wait_pid "$SPID" 10
check step_abort_announced grep -q 'aborting (RST)' "$T_TMP/abort.log"
check step_abort_not_queued bash -c "! grep -q 'queued behind the pending decision .*Flags \[R' '$T_TMP/abort.log'"
check step_abort_rst_reached_server grep -q 'client → server RST seq=' "$T_TMP/abort.server.log"

# ---- 8. --manual data goes through the TCB's send path ----
# Issue #12, item 4: `send P. data=hi` was logged as bytes 15..16 the TCB never counted:
# its next ACK had seq 15, it refused the server's ack 17 and the server resent its echo.
run_server mdata --once
cap_start "$T_TMP/mdata.pcap"
printf '%s\n' 'wait ESTABLISHED' 'sleep 200ms' 'send P. data=hi' 'sleep 500ms' 'quit' |
	in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" --time-scale $S \
	--msl 1s --wait-close --manual >/dev/null 2>"$T_TMP/mdata.log"
cap_stop
kill "$SPID" 2>/dev/null
wait_pid "$SPID" 10
hi=$(tshark -r "$T_TMP/mdata.pcap" -Y "ip.src==$ADDR_C && tcp.len==2" -T fields -e tcp.seq 2>/dev/null | head -1)
after=$(tshark -r "$T_TMP/mdata.pcap" -Y "ip.src==$ADDR_C && tcp.len==0 && tcp.flags.fin==0 && tcp.flags.reset==0 && frame.number > 6" -T fields -e tcp.seq 2>/dev/null | tail -1)
echos=$(tshark -r "$T_TMP/mdata.pcap" -Y "ip.src==$ADDR_S && tcp.len==10" -T fields -e frame.number 2>/dev/null | wc -l)
echo "# hand-made data at seq ${hi:-?}; the client's last ACK at seq ${after:-?}; 'Server: hi' sent $echos time(s)"
check manual_data_counted_by_tcb [ "$hi" = 15 -a "$after" = 17 ]
check manual_data_ack_accepted bash -c "! grep -q 'acknowledges something not sent yet' '$T_TMP/mdata.log'"
check manual_data_echo_not_resent [ "$echos" = 1 ]
check manual_data_path_said grep -q "manual: data=... goes through the TCB's send path" "$T_TMP/mdata.log"

# ---- 9. small words at the first prompt (issue #12, item 15) ----
# An unknown word while a decision waits gets the prompt's help, not "no decision waits";
# q before the SYN left says the TCB's state and that its SYN was never sent.
printf '%s\n' 'bogus' 'q' | in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" \
	--time-scale $S --msl 1s --step >/dev/null 2>"$T_TMP/words.log"
check step_word_unknown_help grep -q "not understood: 'bogus': Enter or send, d, delay MS" "$T_TMP/words.log"
check step_word_unknown_not_no_decision bash -c "! grep -q 'no decision' '$T_TMP/words.log'"
check step_quit_before_syn_said grep -q 'in state SYN-SENT, its segment at the prompt was never sent \[Flags \[S\]' "$T_TMP/words.log"

# ---- 10. q after c still quits (issue #12, item 10) ----
# `c` answers the server's first decision (a client's SYN+ACK); then no decision waits,
# and the q line used to be left unread: the server ran on until its stdin closed.
for _ in $(seq 100); do in_s ss -tan | grep -q "$ADDR_S:8080 " || break; sleep 0.05; done
{ sleep 1; printf 'c\n'; sleep 1; date +%s%N >"$T_TMP/cq.t0"; printf 'q\n'; sleep 4; } |
	in_s timeout -s KILL 20 "$BIN/synlab-server" --listen "$ADDR_S:8080" --time-scale $S \
	--msl 1s --step >/dev/null 2>"$T_TMP/cq.log" &
QPID=$!
sleep 0.3
bg CPID in_c timeout -s KILL 10 "$BIN/synlab-client" --connect "$ADDR_S:8080" --msl 1s \
	>/dev/null 2>"$T_TMP/cq.client.log"	# (RTO 1 s: its SYN outlives the held decision)
for _ in $(seq 60); do [ -s "$T_TMP/cq.t0" ] && break; sleep 0.05; done
for _ in $(seq 100); do kill -0 $QPID 2>/dev/null || break; sleep 0.05; done
ms=$(( ($(date +%s%N) - $(cat "$T_TMP/cq.t0" 2>/dev/null || echo 0)) / 1000000 ))
echo "# q after c: the server exited about $ms ms after the q (stdin open 4000 ms more)"
check step_quit_after_continue_decided grep -q 'step before sending' "$T_TMP/cq.log"
check step_quit_after_continue [ "$ms" -lt 2500 ] && grep -q 'stopped by the user' "$T_TMP/cq.log"
wait $QPID 2>/dev/null
wait_pid "$CPID" 10
exit $(( T_FAILS > 0 ))
