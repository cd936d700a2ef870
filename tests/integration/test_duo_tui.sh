#!/usr/bin/env bash
# test_duo_tui.sh - synlab-duo --tui on a real terminal (tmux send-keys / capture-pane): the ladder against tshark's reading of the run's -w capture, the decision panel, edit, drop, help, a 10 s wait that changes no interval, refusals.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { not_ok duo_tui_tmux "tmux is not installed (bash scripts/deps)"; exit 1; }
lab_up duotui || { not_ok duo_tui_lab_up; exit 1; }
S=0.05			# time scale: an RTO of 1 s is 50 ms of wall time
TM="synlab-duotui-$$"	# our own tmux server socket (-L): nothing else is touched
tm() { tmux -L "$TM" "$@"; }
trap 'tm kill-server 2>/dev/null; t_cleanup' EXIT

pane() { tm capture-pane -p -t t; }
# wait_pane ERE SECONDS: until a line of the pane matches (bounded; never retries a check)
wait_pane() {
	local n=$(( ${2:-5} * 20 ))
	while [ $n -gt 0 ]; do pane | grep -qE -- "$1" && return 0; sleep 0.05; n=$((n - 1)); done
	echo "# pane never showed /$1/:" >&2; pane | grep -v '^$' | sed 's/^/#   /' >&2
	return 1
}
# within EXPECTED_US ACTUAL_US: max(4 ms, 12.5 %) (LAB-NOTES, "Timing assertions")
within() { awk -v x="$1" -v a="$2" 'BEGIN { b = x * 0.125; if (b < 4000) b = 4000
	d = a - x; if (d < 0) d = -d; exit !(a != "" && d <= b) }'; }
rtx_after() { grep '"kind":"retransmit"' "$1" | grep -o '"after_us":[0-9]*' | sed -n "${2}p" | cut -d: -f2; }

DUO="$BIN/synlab-duo --client-ns $NS_C --server-ns $NS_S --listen $ADDR_S:8080 --msl 1s --time-scale $S"
tm -f /dev/null new-session -d -s t -x 150 -y 60 \
	"env LANG=C.UTF-8 TERM=screen $DUO --tui -w $T_TMP/tui.pcap --log $T_TMP/tui.json --json; echo rc=\$? >$T_TMP/tui.rc; sleep 60"

# ---- the first decision: the client's SYN, both ends shown ----
check duo_tui_first_decision wait_pane '^▶ waiting for you: client sends  client → server SYN seq=0 ' 10
check duo_tui_first_states eval "pane | grep -qE '^ state: CLOSED|^ state: SYN-SENT' && pane | grep -qE 'state: LISTEN *$'"
tm send-keys -t t '?'
check duo_tui_help wait_pane 'Keys \(any key closes this help\):' 5
check duo_tui_help_edit_key eval "pane | grep -q \"e: edit it before it passes\""
tm send-keys -t t '?'
check duo_tui_help_closes wait_pane 'Handshake 1/3' 5
# e: an edit line; the panel shows the edited segment before it is sent
tm send-keys -t t e
check duo_tui_edit_prompt wait_pane 'edit seq\|ack\|flags\|win\|payload V' 5
tm send-keys -t t 'win 1000' Enter
check duo_tui_edit_shown wait_pane '^  seq 0 \(raw [0-9]+\)  len 0  win 1000$' 5
tm send-keys -t t e
tm send-keys -t t 'seq +5' Enter
check duo_tui_edit_refused wait_pane 'refused: ' 5
tm send-keys -t t Enter

# ---- the second: the server's SYN+ACK; 10 s of thought change no timer ----
check duo_tui_synack_decision wait_pane '^▶ waiting for you: server sends  server → client SYN\+ACK seq=0 ack=1 ' 10
pane >"$T_TMP/p1"
check duo_tui_both_states eval "grep -q 'state: SYN-SENT' $T_TMP/p1 && grep -q 'state: SYN-RECEIVED' $T_TMP/p1"
check duo_tui_timers_shown grep -qE '^ timers: rtx [0-9.]+ ms .*timers: rtx [0-9.]+ ms' "$T_TMP/p1"
raw=$(sed -nE 's/^  seq 0 \(raw ([0-9]+)\)  ack 1 \(raw ([0-9]+)\)  len 0 .*/\1 \2/p' "$T_TMP/p1")
sleep 10			# the teacher explains (real time)
pane >"$T_TMP/p2"
check duo_tui_timers_stood_still [ "$(grep '^ timers:' "$T_TMP/p1")" = "$(grep '^ timers:' "$T_TMP/p2")" ]
tm send-keys -t t d
# the client's SYN is retransmitted (its SYN+ACK never came): the next decision; then c
check duo_tui_client_retransmits wait_pane '^▶ waiting for you: client sends  client → server SYN seq=0 ' 10
tm send-keys -t t c
check duo_tui_connection_over wait_pane 'the connection is over \(both ends CLOSED\)' 20
pane >"$T_TMP/final"
tm send-keys -t t q
n=0; while [ $n -lt 100 ] && [ ! -s "$T_TMP/tui.rc" ]; do sleep 0.05; n=$((n + 1)); done
check duo_tui_exit_0 grep -qx 'rc=0' "$T_TMP/tui.rc"
check duo_tui_data_after_view wait_pane '^Server: Just a test\.' 5

# ---- the ladder against tshark's reading of the -w capture ----
# an arrow row: "   3   1.796883   │──PSH+ACK seq=1 ack=1 len=14───>│ ..." ('<' first: server
# to client; dashed ╌ for retransmissions); a dropped one starts at a cross (✗) and is
# marked [dropped]: it never crossed the wire
grep -E '│(<|[ ]*✗)?[─╌]+[A-Z+]+ seq=' "$T_TMP/final" >"$T_TMP/arrows"
ladder() { grep -vF '[dropped]' "$T_TMP/arrows" | sed -E 's/.*│(<?)[─╌]+([A-Z+]+) seq=.*/\1\2/; s/^([A-Z])/>\1/'; }
wire() {
	tshark -r "$T_TMP/tui.pcap" -T fields -e ip.src -e tcp.flags 2>/dev/null | while read -r src f; do
		case $((f)) in 2) n=SYN ;; 18) n=SYN+ACK ;; 24) n=PSH+ACK ;; 17) n=FIN+ACK ;;
			16) n=ACK ;; 25) n=FIN+PSH+ACK ;; 4) n=RST ;; 20) n=RST+ACK ;; *) n=$f ;; esac
		[ "$src" = "$ADDR_C" ] && echo ">$n" || echo "<$n"
	done
}
echo "# ladder: $(ladder | tr '\n' ' ')"
echo "# wire:   $(wire | tr '\n' ' ')"
check duo_tui_ladder_is_the_wire [ -n "$(wire)" -a "$(ladder)" = "$(wire)" ]
check duo_tui_dropped_shown eval "grep -F '[dropped]' $T_TMP/arrows | grep -q '│ *✗─SYN+ACK seq=0 ack=1 '"
check duo_tui_edit_on_wire [ "$(tshark -r "$T_TMP/tui.pcap" -Y 'tcp.flags==0x002' -T fields -e tcp.window_size_value 2>/dev/null | head -1)" = 1000 ]
# the panel's raw numbers are the wire's: the SYN+ACK's seq (its retransmission carries
# the same) and the ack = the client's ISN + 1
isn_c=$(tshark -r "$T_TMP/tui.pcap" -Y 'tcp.flags==0x002' -T fields -e tcp.seq_raw 2>/dev/null | head -1)
isn_s=$(tshark -r "$T_TMP/tui.pcap" -Y 'tcp.flags==0x012' -T fields -e tcp.seq_raw 2>/dev/null | head -1)
check duo_tui_panel_raw_numbers [ -n "$isn_c" -a "$raw" = "$isn_s $((isn_c + 1))" ]
# the interval the client's log reports for its SYN's retransmission: 1 s of protocol
# time (50 ms at scale 0.05), not the 10 s spent at the server's decision
a=$(rtx_after "$T_TMP/tui.json" 1)
echo "# client's retransmission #1 after ${a:-?} us"
check duo_tui_pause_changes_no_interval within 50000 "$a"

# ---- refusals: no terminal, one line, exit 2 ----
$DUO --tui </dev/null >"$T_TMP/nt.out" 2>"$T_TMP/nt.err"
rc=$?
check duo_tui_no_terminal_exit_2 [ "$rc" = 2 -a "$(wc -l <"$T_TMP/nt.err")" = 1 ]
check duo_tui_no_terminal_says_so grep -q 'needs a terminal' "$T_TMP/nt.err"

exit $(( T_FAILS > 0 ))
