#!/usr/bin/env bash
# test_duo.sh - synlab-duo: both ends in one process, one raw socket in each namespace, every segment of both stepped on one timeline.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { not_ok duo_tmux "tmux is not installed (bash scripts/deps)"; exit 1; }
lab_up duo || { not_ok duo_lab_up; exit 1; }
S=0.05

# One Enter per decision; the 5th (the server's echo) is edited first.
cap_start "$T_TMP/duo.pcap"
printf '%s\n' '' '' '' '' 'edit win 999; send' '' '' 'list' '' '' '' |
	timeout -s KILL 20 "$BIN/synlab-duo" --client-ns "$NS_C" --server-ns "$NS_S" \
	--listen "$ADDR_S:8080" --msl 1s --time-scale $S -q >"$T_TMP/duo.out" 2>"$T_TMP/duo.log"
rc=$?
cap_stop
check duo_exit_0 [ "$rc" = 0 ]
check duo_echo cmp -s "$T_TMP/duo.out" <(printf 'Server: Just a test.\r\n')
who=$(grep -o '^== decision: [a-z]* sends' "$T_TMP/duo.log" | awk '{ print $3 }' | tr '\n' ' ')
echo "# decisions: $who"
check duo_every_segment_of_both_stepped [ "$who" = "client server client client server client server client " ]
n=$(grep -c '^== decision' "$T_TMP/duo.log")
check duo_both_ends_shown_each_time [ "$(grep -c '^          client ' "$T_TMP/duo.log")" = "$n" -a "$(grep -c '^          server ' "$T_TMP/duo.log")" = "$n" ]
check duo_first_shows_listen grep -q '^          server LISTEN       timers: none' "$T_TMP/duo.log"
check duo_timers_shown grep -q '^          client SYN-SENT     timers: rtx in 0.050 s' "$T_TMP/duo.log"
# the handshake's third segment is a pure ACK, the data its own segment after it (issue
# #12, item 6: the ACK used to ride on the data, and no complete handshake was seen)
check duo_wire_eight_segments [ "$(flags "$T_TMP/duo.pcap" | tr '\n' ' ')" = "S S. . P. P. F. F. . " ]
check duo_edit_applied [ "$(tshark -r "$T_TMP/duo.pcap" -Y "ip.src==$ADDR_S && tcp.len>0" -T fields -e tcp.window_size_value 2>/dev/null)" = 999 ]
check duo_list grep -q "conn=1  $ADDR_C:[0-9]* > $ADDR_S:8080  TIME-WAIT" "$T_TMP/duo.log"
# On a terminal (tmux), 0.5 s of thought before each decision: both ends' clocks stand
# still meanwhile, so no end retransmits (its RTO is 50 ms at scale $S): the wire holds
# the same eight segments.
TM="synlab-duo-$$"
trap 'tmux -L "$TM" kill-server 2>/dev/null; t_cleanup' EXIT
cap_start "$T_TMP/tty.pcap"
tmux -L "$TM" -f /dev/null new-session -d -s t -x 200 -y 50 \
	"$BIN/synlab-duo --client-ns $NS_C --server-ns $NS_S --listen $ADDR_S:8080 --msl 1s --time-scale $S -q >$T_TMP/tty.out; echo \$? >$T_TMP/tty.rc; sleep 30"
for _ in 1 2 3 4 5 6 7 8; do
	sleep 0.5
	tmux -L "$TM" send-keys -t t '' Enter
done
for _ in $(seq 100); do [ -s "$T_TMP/tty.rc" ] && break; sleep 0.05; done
cap_stop
tmux -L "$TM" capture-pane -p -J -S -200 -t t >"$T_TMP/tty.pane"
check duo_tty_exit_0 [ "$(cat "$T_TMP/tty.rc" 2>/dev/null)" = 0 ]
check duo_tty_clocks_said grep -q "clocks: both ends' stand still while you decide" "$T_TMP/tty.pane"
check duo_tty_no_retransmission [ "$(flags "$T_TMP/tty.pcap" | tr '\n' ' ')" = "S S. . P. P. F. F. . " ]
tmux -L "$TM" kill-server 2>/dev/null
for _ in $(seq 100); do in_s ss -tan | grep -q "$ADDR_S:8080 " || break; sleep 0.05; done

# the same scenario again on the same port: the first run let go of it
printf '%s\n' c | timeout -s KILL 20 "$BIN/synlab-duo" --client-ns "$NS_C" --server-ns "$NS_S" \
	--listen "$ADDR_S:8080" --msl 1s --time-scale $S -q >"$T_TMP/duo2.out" 2>"$T_TMP/duo2.log"
check duo_continue_runs_free [ $? = 0 -a "$(grep -c '^== decision' "$T_TMP/duo2.log")" = 1 ]

# Issue #12, item 1: after `d` the retransmission timer wakes the loop by itself (its RTO
# is 50 ms here; the next line comes 1 s later): the resent SYN is the second decision
# before that line. And `q` acts at once, not at the next line (stdin stays open 3 s).
for _ in $(seq 100); do in_s ss -tan | grep -q "$ADDR_S:8080 " || break; sleep 0.05; done
{ printf 'd\n'; sleep 1; grep -c '^== decision' "$T_TMP/fz.log" >"$T_TMP/fz.n"; printf 'c\n'; } |
	timeout -s KILL 20 "$BIN/synlab-duo" --client-ns "$NS_C" --server-ns "$NS_S" \
	--listen "$ADDR_S:8080" --msl 1s --time-scale $S -q >/dev/null 2>"$T_TMP/fz.log"
check duo_drop_timer_fires_unprompted [ "$(cat "$T_TMP/fz.n")" = 2 ]
check duo_drop_then_resend grep -q 'dropped at the step prompt' "$T_TMP/fz.log"
for _ in $(seq 100); do in_s ss -tan | grep -q "$ADDR_S:8080 " || break; sleep 0.05; done
t0=$(date +%s%N)
{ printf 'q\n'; sleep 3; } | timeout -s KILL 20 "$BIN/synlab-duo" --client-ns "$NS_C" \
	--server-ns "$NS_S" --listen "$ADDR_S:8080" --msl 1s --time-scale $S -q >/dev/null \
	2>"$T_TMP/q.log" &
QPID=$!
for _ in $(seq 60); do kill -0 $QPID 2>/dev/null || break; sleep 0.05; done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# q: exited after about $ms ms (stdin open 3000 ms)"
check duo_quit_acts_at_once [ "$ms" -lt 2500 ] && grep -q 'stopped by the user (q)' "$T_TMP/q.log"
wait $QPID 2>/dev/null

# --no-step: the same eight segments, the pure ACK third
for _ in $(seq 100); do in_s ss -tan | grep -q "$ADDR_S:8080 " || break; sleep 0.05; done
cap_start "$T_TMP/ns.pcap"
timeout -s KILL 20 "$BIN/synlab-duo" --client-ns "$NS_C" --server-ns "$NS_S" --no-step \
	--listen "$ADDR_S:8080" --msl 1s --time-scale $S -q >/dev/null 2>"$T_TMP/ns.log" </dev/null
cap_stop
check duo_no_step_pure_third_ack [ "$(flags "$T_TMP/ns.pcap" | tr '\n' ' ')" = "S S. . P. P. F. F. . " ]
"$BIN/synlab-duo" --listen "$ADDR_S:8080" >/dev/null 2>&1
check duo_usage_exit_2 [ $? = 2 ]
"$BIN/synlab-duo" --client-ns no-such-ns --server-ns "$NS_S" --listen "$ADDR_S:8080" >/dev/null 2>"$T_TMP/duo3.log"
check duo_bad_namespace_exit_2 [ $? = 2 ] && grep -q "no network namespace 'no-such-ns'" "$T_TMP/duo3.log"

exit $(( T_FAILS > 0 ))
