#!/usr/bin/env bash
# test_step.sh - --step and --manual driven as a user would: on a terminal (tmux send-keys / capture-pane) and from pipes.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { not_ok step_tmux "tmux is not installed (bash scripts/deps)"; exit 1; }
lab_up step || { not_ok step_lab_up; exit 1; }
S=0.05			# time scale: 1 s of protocol time = 50 ms of wall time
TM="synlab-step-$$"	# our own tmux server socket (-L): nothing else is touched
tm() { tmux -L "$TM" "$@"; }
tm_cleanup() { tm kill-server 2>/dev/null; t_cleanup; }
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
# term CMD: runs CMD on a fresh tmux terminal (200x50), its exit status into $T_TMP/term.rc
term() {
	tm kill-server 2>/dev/null
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
}

# ---- 1. a 10 s pause at the first prompt changes no interval the TCB reports ----
# The first SYN+ACK is lost, so the SYN is retransmitted after the initial RTO: 1 s of
# protocol time (50 ms at scale 0.05), however long the user sat at the first prompt.
run_server pause --once
term "$CLIENT --step --impair 'drop in SYN+ACK nth=1' --log $T_TMP/pause.json --json"
check step_tty_first_prompt wait_pane 'step before sending: client > server  Flags [S]' 5
check step_tty_clock_paused_shown wait_pane 'clock: paused for this connection while you decide' 1
check step_tty_timer_shown wait_pane 'timers: rtx in 0.050 s (protocol time left)' 1
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

exit $(( T_FAILS > 0 ))
