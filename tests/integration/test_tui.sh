#!/usr/bin/env bash
# test_tui.sh - synlab-explain --tui in a real terminal (tmux): arrows vs tshark, states, prose vs the text output, Chinese, resize, q and signals restore the terminal, refusals.
set -u
. "$(dirname "$0")/lib.sh"
cd "$TOP"
X=$BIN/synlab-explain
HS=tests/vectors/kernel_handshake.pcap		# SYN, SYN+ACK, ACK, data both ways, close
ECHO=tests/vectors/explain/eth_echo.pcap	# seed 003's echo: 10 segments, four-segment close

# A private tmux server (its own socket), removed with everything else on exit.
TM=(tmux -L "sltu$$" -f /dev/null)
tm() { "${TM[@]}" "$@"; }
trap 'tm kill-server 2>/dev/null; t_cleanup' EXIT
# check NAME 'SHELL CONDITION': ok when it holds (evaluated here, not a command name).
check() { if eval "$2" >/dev/null 2>&1; then ok "$1"; else not_ok "$1" "${3:-}"; fi; }

# tm_start NAME: a 120x40 session running a bare shell whose prompt is "READY$ " (the
# sanitizers' options pass through: a SANITIZE=1 build reports into the exit status).
tm_start() {
	local keep="" v
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -n "${!v:-}" ] && keep+=" $v=${!v}"
	done
	tm new-session -d -s "$1" -x 120 -y 40 -c "$TOP" \
		"env -i PATH=$PATH HOME=$T_TMP LANG=C.UTF-8 TERM=screen$keep PS1='READY\$ ' bash --norc --noprofile -i"
	wait_for "$1" '^READY\$'
}
screen() { tm capture-pane -p -t "$1"; }
# wait_for NAME REGEX: until the pane shows a line matching REGEX (at most 10 s). This
# waits for the screen to be drawn; it never repeats a check that failed.
wait_for() {
	local i
	for i in $(seq 200); do
		screen "$1" | grep -qE -- "$2" && return 0
		sleep 0.05
	done
	echo "# pane $1 never showed /$2/:" >&2
	screen "$1" | sed 's/^/#   /' >&2
	return 1
}
# key NAME KEY... then wait for the title's "row N/" (N = the row the key selects).
key_row() { local s=$1 n=$2; shift 2; tm send-keys -t "$s" "$@"; wait_for "$s" " (row|行) $n/[0-9]+ *$"; }
# exit_status NAME: after the program ended, the shell's $? (the prompt is back).
exit_status() {
	tm send-keys -t "$1" 'echo "rc=$?"' Enter
	wait_for "$1" '^rc=[0-9]+$' && screen "$1" | sed -n 's/^rc=\([0-9]*\)$/\1/p' | tail -n1
}
# tty_sane NAME: the terminal echoes and reads lines again (what curses had turned off).
tty_sane() {
	tm send-keys -t "$1" 'stty -a | tr " " "\n" | grep -xE "echo|icanon" | sort | tr "\n" " "; echo' Enter
	wait_for "$1" '^echo icanon ?$'
}

# ---- the handshake: three arrows in order, states after each ----
tm_start hs
tm send-keys -t hs "$X --tui $HS" Enter
wait_for hs 'Enter or space shows the next segment' >/dev/null
# The server's state is shown from its own segments only (the vantage point, #13): before
# its SYN+ACK a capture cannot tell LISTEN from a closed port, and its ACK of frame 3
# only shows in its next segment.
check tui_states_before_first "screen hs | sed -n 3p | grep -q 'state: CLOSED .*state: ?'"
key_row hs 1 Enter
check tui_states_after_syn "screen hs | sed -n 3p | grep -q 'state: SYN-SENT .*state: ?'"
key_row hs 2 Enter
check tui_states_after_synack "screen hs | sed -n 3p | grep -q 'state: SYN-SENT .*state: SYN-RECEIVED'"
key_row hs 3 Enter
screen hs >"$T_TMP/hs.txt"
a=$(grep -n '│──SYN seq=0 len=0─*>│' "$T_TMP/hs.txt" | cut -d: -f1)
b=$(grep -n '│<─SYN+ACK seq=0 ack=1 len=0─*│' "$T_TMP/hs.txt" | cut -d: -f1)
c=$(grep -n '│──ACK seq=1 ack=1 len=0─*>│' "$T_TMP/hs.txt" | cut -d: -f1)
check tui_handshake_arrows_in_order "[ -n '$a' ] && [ '$b' = \$(( ${a:-0} + 1 )) ] && [ '$c' = \$(( ${a:-0} + 2 )) ]"
check tui_established_after_third "sed -n 3p $T_TMP/hs.txt | grep -q 'state: ESTABLISHED .*state: SYN-RECEIVED'"
check tui_arrows_only_as_stepped "[ \$(grep -c '^ *[0-9]\+ .*│.*│' $T_TMP/hs.txt) -eq 3 ]"
check tui_addresses "sed -n 2p $T_TMP/hs.txt | grep -q 'Client 198.18.0.1:48402 .*Server 198.18.0.2:18080'"
# d and e cannot change a capture: the status line says so, nothing else happens
tm send-keys -t hs d
wait_for hs "d \\(drop\\), e \\(edit\\) and ':' belong to a live --step: a capture cannot be changed" >/dev/null
check tui_drop_key_refused "screen hs | grep -q 'row 3/3 *$'"

# ---- resize: smaller, too small, back; the program keeps running and redraws ----
tm resize-window -t hs -x 70 -y 20
wait_for hs '^.{0,70}│<─SYN\+ACK seq=0 ack=1 len=0─*│' >/dev/null
check tui_resize_small "[ \$(screen hs | wc -l) -eq 20 ] && screen hs | grep -q '──ACK seq=1 ack=1 len=0─*>│'"
tm resize-window -t hs -x 30 -y 8
check tui_resize_too_small "wait_for hs '^too small: 60x14 needed'"
tm resize-window -t hs -x 120 -y 40
check tui_resize_back "wait_for hs '│<─SYN\+ACK seq=0 ack=1 len=0─{30,}│' &&
	[ \"\$(tm display-message -p -t hs '#{pane_current_command}')\" = synlab-explain ]"

# ---- q gives the terminal back: the shell's screen, echo and line mode ----
tm send-keys -t hs q
wait_for hs '^READY\$ ?$' >/dev/null
check tui_q_restores_screen "! screen hs | grep -q '│' && screen hs | grep -q 'READY\$ .*--tui'"
check tui_q_exit_0 "[ \"\$(exit_status hs)\" = 0 ]"
check tui_q_restores_tty "tty_sane hs"

# ---- every arrow of the echo against tshark: frame, direction, flags, seq, ack, len ----
tm send-keys -t hs clear Enter
tm send-keys -t hs "$X --tui $ECHO" Enter
wait_for hs 'Enter or space shows the next segment' >/dev/null
for n in 1 2 3; do key_row hs "$n" Space >/dev/null; done
tm send-keys -t hs Up c	# c: the rest at once (and the view follows the newest row again)
check tui_continue_shows_rest "wait_for hs ' row 11/11 *$' && wait_for hs 'end of the capture: all 11 records shown'"
screen hs >"$T_TMP/echo.txt"
tshark -r "$ECHO" -T fields -E separator=, -e frame.number -e ip.src -e tcp.flags \
	-e tcp.seq -e tcp.ack -e tcp.len >"$T_TMP/echo.tshark" 2>/dev/null
if /usr/bin/python3 - "$T_TMP/echo.txt" "$T_TMP/echo.tshark" >"$T_TMP/cmp.out" 2>&1 <<'PY'
import re, sys
rows = []
for ln in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^ +(\d+) .*│(.*)│", ln)
    if not m:
        continue
    arrow = m.group(2)
    lab = re.search(r"([A-Z+]+) seq=(\d+)(?: ack=(\d+))? len=(\d+)", arrow)
    d = "c2s" if arrow.rstrip().endswith(">") else "s2c" if arrow.lstrip().startswith("<") else "?"
    rows.append((int(m.group(1)), d, lab.group(1), int(lab.group(2)),
                 int(lab.group(3)) if lab.group(3) else None, int(lab.group(4))))
names = [(0x02, "SYN"), (0x01, "FIN"), (0x04, "RST"), (0x08, "PSH"), (0x10, "ACK")]
want, client = [], None
for ln in open(sys.argv[2]):
    fr, src, fl, seq, ack, ln_ = ln.strip().split(",")
    fl = int(fl, 16)
    client = client or src
    label = "+".join(n for b, n in names if fl & b)
    want.append((int(fr), "c2s" if src == client else "s2c", label, int(seq),
                 int(ack) if fl & 0x10 else None, int(ln_)))
assert len(want) == 10, "tshark saw %d segments" % len(want)
assert rows == want, "\nview:   %s\ntshark: %s" % (rows, want)
PY
then ok tui_arrows_match_tshark; else not_ok tui_arrows_match_tshark "$(tr '\n' ' ' <"$T_TMP/cmp.out")"; fi
check tui_summary_row_last "grep -q '│ == connection summary' $T_TMP/echo.txt && sed -n 3p $T_TMP/echo.txt | grep -q 'state: TIME-WAIT .*state: CLOSED'"

# ---- back with the arrows: the FIN's explanation is the text output's, word for word ----
key_row hs 1 Home
for n in 2 3 4 5 6; do key_row hs "$n" Down >/dev/null; done
screen hs >"$T_TMP/fin.txt"
"$X" "$ECHO" >"$T_TMP/echo.text"
# the text output: the -q line of frame 6, then its prose on the next line
want_head=$(grep -m1 '^   6 ' "$T_TMP/echo.text")
want_prose=$(grep -m1 -A1 '^   6 ' "$T_TMP/echo.text" | tail -n1 | sed 's/^    //')
# the view, below the second rule: the -q line, then the prose, both wrapped at spaces
got=$(awk '/^(─)+$/ {n++; next} n == 2 {print}' "$T_TMP/fin.txt" | sed '$d' |
	sed 's/^ //; s/ *$//' | grep -v '^$' | paste -sd' ')
check tui_explains_as_text_output "[ -n \"\$want_prose\" ] && [ \"\$got\" = \"\$want_head \$want_prose\" ]"
check tui_fin_selected_refers_back "[[ \"\$got\" == *'the client sent bytes 1..14'* ]] && grep -q ' row 6/11 *$' $T_TMP/fin.txt"
tm send-keys -t hs q
wait_for hs '^READY\$ ?$' >/dev/null

# ---- Chinese with --lang zh: the prose, the states and the words of the view ----
tm send-keys -t hs clear Enter
tm send-keys -t hs "$X --tui --lang zh $HS" Enter
wait_for hs '按回车或空格显示下一个报文段' >/dev/null
key_row hs 1 Enter >/dev/null
screen hs >"$T_TMP/zh.txt"
"$X" --lang zh "$HS" >"$T_TMP/zh.text"
grep -m1 -A1 '^   1 ' "$T_TMP/zh.text" | tail -n1 | sed 's/^    //' >"$T_TMP/zh.prose"
{ grep -m1 '^   1 ' "$T_TMP/zh.text"; cat "$T_TMP/zh.prose"; } | tr -d ' \n' >"$T_TMP/zh.want"
echo >>"$T_TMP/zh.want"
awk '/^(─)+$/ {n++; next} n == 2 {print}' "$T_TMP/zh.txt" | sed '$d' | tr -d ' \n' >"$T_TMP/zh.got"
echo >>"$T_TMP/zh.got"
check tui_chinese_prose "grep -q '第一次握手' $T_TMP/zh.txt && cmp -s $T_TMP/zh.want $T_TMP/zh.got"
key_row hs 2 Enter >/dev/null
check tui_chinese_states "screen hs | sed -n 3p | grep -q '状态：SYN_SENT .*状态：SYN_RCVD' && sed -n 2p $T_TMP/zh.txt | grep -q '^ 客户端 '"
tm send-keys -t hs q
wait_for hs '^READY\$ ?$' >/dev/null

# ---- signals: SIGTERM and Ctrl-C (SIGINT) restore the terminal; status 128 + signal ----
tm send-keys -t hs clear Enter
tm send-keys -t hs "sh -c 'echo \$\$ >$T_TMP/pid; exec $X --tui $HS'" Enter
wait_for hs 'Enter or space shows the next segment' >/dev/null
kill -TERM "$(cat "$T_TMP/pid")"
wait_for hs '^READY\$ ?$' >/dev/null
check tui_sigterm_status "[ \"\$(exit_status hs)\" = 143 ]"
check tui_sigterm_restores_tty "tty_sane hs && ! screen hs | grep -q '│'"
tm send-keys -t hs clear Enter
tm send-keys -t hs "$X --tui $HS" Enter
wait_for hs 'Enter or space shows the next segment' >/dev/null
tm send-keys -t hs C-c
wait_for hs '^READY\$ ?$' >/dev/null
check tui_ctrl_c_status "[ \"\$(exit_status hs)\" = 130 ]"
check tui_ctrl_c_restores_tty "tty_sane hs"

# ---- several connections: the first is shown and the title says how to pick; --conn 2 ----
SLL=tests/vectors/explain/any_sll.pcap	# two connections
tm send-keys -t hs clear Enter
tm send-keys -t hs "$X --tui $SLL" Enter
check tui_first_of_two "wait_for hs 'connection 1 \(of 2: pick one with --conn N\)'"
tm send-keys -t hs q
wait_for hs '^READY\$ ?$' >/dev/null
first2=$(tshark -r "$SLL" -Y 'tcp.stream == 1' -T fields -e frame.number 2>/dev/null | head -n1)
tm send-keys -t hs clear Enter
tm send-keys -t hs "$X --tui --conn 2 $SLL" Enter
wait_for hs 'Enter or space shows the next segment' >/dev/null
key_row hs 1 Enter >/dev/null
check tui_conn_2 "[ -n '$first2' ] && screen hs | grep -q 'connection 2 ' &&
	screen hs | grep -qE '^ +$first2 .*│──SYN seq=0 len=0─*>│'"
tm send-keys -t hs q
wait_for hs '^READY\$ ?$' >/dev/null

# ---- IPv6 endpoints are named as such (the reader's IPv6 corpus) ----
tm send-keys -t hs clear Enter
tm send-keys -t hs "$X --tui tests/vectors/reader/v6_echo.pcap" Enter
wait_for hs 'Enter or space shows the next segment' >/dev/null
check tui_ipv6_addresses "screen hs | sed -n 2p | grep -q 'Client \[fd00:103::1\]:[0-9]* .*Server \[fd00:103::2\]:9601'"
tm send-keys -t hs q
wait_for hs '^READY\$ ?$' >/dev/null

# ---- frames with no TCP segment (ARP, UDP, ICMP in mixed.pcap) are never dropped
# silently: the end of the capture says how many (the text output lists each) ----
tm send-keys -t hs clear Enter
tm send-keys -t hs "$X --tui tests/vectors/reader/mixed.pcap" Enter
wait_for hs 'Enter or space shows the next segment' >/dev/null
tm send-keys -t hs c
check tui_skipped_frames_said "wait_for hs '; 10 frames had no TCP segment to explain'"
tm send-keys -t hs q
wait_for hs '^READY\$ ?$' >/dev/null

# ---- a cut file: what was read is shown, then one line on stderr and exit 1 ----
tm send-keys -t hs clear Enter
tm send-keys -t hs "$X --tui tests/vectors/explain/cut_echo.pcap 2>$T_TMP/cut.err; echo \"rc=\$?\"" Enter
check tui_cut_file_said "wait_for hs 'Enter or space shows the next segment \(the file is cut: only what was read is shown\)'"
for n in $(seq 10); do key_row hs "$n" Enter >/dev/null; done
tm send-keys -t hs q
wait_for hs '^rc=[0-9]+$' >/dev/null
check tui_cut_file "screen hs | grep -q '^rc=1$' && [ \$(wc -l <$T_TMP/cut.err) -eq 1 ] &&
	grep -q 'cut_echo.pcap: file cut inside record 10' $T_TMP/cut.err"

# ---- without a UTF-8 locale: ASCII lines, and Chinese refused in one line ----
tm send-keys -t hs clear Enter
tm send-keys -t hs "LC_ALL=C $X --tui $HS" Enter
wait_for hs 'Enter or space shows the next segment' >/dev/null
key_row hs 1 Enter >/dev/null
key_row hs 2 Enter >/dev/null
check tui_ascii_locale "screen hs | grep -q '|<-SYN+ACK seq=0 ack=1 len=0-*| SYN-RECEIVED' && ! screen hs | grep -q '│'"
tm send-keys -t hs q
wait_for hs '^READY\$ ?$' >/dev/null
tm send-keys -t hs clear Enter
tm send-keys -t hs "LC_ALL=C $X --tui --lang zh $HS 2>$T_TMP/c_zh.err; echo \"rc=\$?\"" Enter
wait_for hs '^rc=[0-9]+$' >/dev/null
check tui_zh_needs_utf8 "screen hs | grep -q '^rc=2$' && [ \$(wc -l <$T_TMP/c_zh.err) -eq 1 ] &&
	grep -q 'Chinese needs a UTF-8 locale' $T_TMP/c_zh.err"

# ---- as a live program drives it (tests/tools/tui_drive.c): an event loop polling
# tui_fd, a timer counting down, a dropped arrow, every step key handed over ----
tm send-keys -t hs clear Enter
tm send-keys -t hs "$BIN/tools/tui_drive $T_TMP/drive.log" Enter
wait_for hs "d: drop  e: edit...  ':' command  c: continue" >/dev/null
key_row hs 1 Enter >/dev/null
key_row hs 2 Enter >/dev/null
tm send-keys -t hs Enter	# the impairment: it marks arrow 2, no row of its own
wait_for hs '│    ✗─SYN\+ACK seq=0 ack=1 len=0─*│ \[dropped\]$' >/dev/null
screen hs >"$T_TMP/drive1.txt"
check tui_live_dropped_arrow "grep -q ' row 2/2 *$' $T_TMP/drive1.txt && grep -q 'never receives the server → client SYN+ACK' $T_TMP/drive1.txt"
t1=$(sed -n 4p "$T_TMP/drive1.txt" | sed -n 's/.*timers: retransmission \([0-9.]* ms\).*/\1/p')
check tui_live_timer_shown "[ -n '$t1' ] && sed -n 3p $T_TMP/drive1.txt | grep -q 'state: ? .*state: SYN-RECEIVED'"
# the loop redraws on its own: the time left changes without a key (waits up to 10 s)
timer_now() { screen hs | sed -n 4p | sed -n 's/.*timers: retransmission \([0-9.]* ms\|due\).*/\1/p'; }
changed=
for _ in $(seq 200); do
	t2=$(timer_now)
	[ -n "$t2" ] && [ "$t2" != "$t1" ] && { changed=1; break; }
	sleep 0.05
done
check tui_live_timer_counts_down "[ -n '$changed' ]" "still '$t1'"
tm send-keys -t hs e
tm send-keys -t hs -l 'seq 5x'
tm send-keys -t hs BSpace
wait_for hs 'payload V \(Enter: apply, Esc: cancel\): seq 5_' >/dev/null
tm send-keys -t hs Enter d c :
tm send-keys -t hs -l 'delay 200'
tm send-keys -t hs Enter
tm send-keys -t hs e
tm send-keys -t hs -l 'ack 9'
tm send-keys -t hs Escape q
wait_for hs '^READY\$ ?$' >/dev/null
check tui_live_commands_in_order "[ \"\$(sed 's/ticks=[0-9]*/ticks/' $T_TMP/drive.log | paste -sd,)\" = 'edit seq 5,drop,continue,line delay 200,quit ticks' ]"
check tui_live_loop_ran_while_waiting "[ \$(sed -n 's/^quit ticks=//p' $T_TMP/drive.log) -ge 5 ]"

# ---- the terminal goes away (the pane is closed): the program ends, it does not spin ----
tm_start gone
tm send-keys -t gone "sh -c 'echo \$\$ >$T_TMP/gone.pid; exec $X --tui $HS'" Enter
wait_for gone 'Enter or space shows the next segment' >/dev/null
gpid=$(cat "$T_TMP/gone.pid")
tm kill-session -t gone
for _ in $(seq 100); do kill -0 "$gpid" 2>/dev/null || break; sleep 0.05; done
check tui_ends_when_terminal_goes "! kill -0 $gpid"
kill -KILL "$gpid" 2>/dev/null

# ---- refusals: one line, exit 2, the terminal untouched ----
"$X" --tui "$HS" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
rc=$?
check tui_stdout_not_terminal "[ $rc -eq 2 ] && [ ! -s $T_TMP/out ] && [ \$(wc -l <$T_TMP/err) -eq 1 ] &&
	grep -q 'needs a terminal, and stdout is not one' $T_TMP/err"
for t in dumb nosuchterm; do
	tm send-keys -t hs clear Enter
	tm send-keys -t hs "TERM=$t $X --tui $HS 2>$T_TMP/$t.err; echo \"rc=\$?\"" Enter
	wait_for hs '^rc=[0-9]+$' >/dev/null
	screen hs | grep -q '^rc=2$' && [ "$(wc -l <"$T_TMP/$t.err")" -eq 1 ] && echo ok >"$T_TMP/$t.res"
done
check tui_term_dumb_refused "[ -f $T_TMP/dumb.res ] && grep -q \"TERM 'dumb' cannot move the cursor\" $T_TMP/dumb.err"
check tui_term_unknown_refused "[ -f $T_TMP/nosuchterm.res ] && grep -q \"TERM 'nosuchterm' is not in the terminfo database\" $T_TMP/nosuchterm.err"
"$X" --tui -q "$HS" >/dev/null 2>"$T_TMP/combo.err"
rc=$?
check tui_combination_refused "[ $rc -eq 2 ] && grep -q -- '--tui is its own output' $T_TMP/combo.err"
"$X" --tui tests/vectors/explain/header_only.pcap 2>"$T_TMP/empty.err" >/dev/null </dev/null
rc=$?
check tui_checks_terminal_first "[ $rc -eq 2 ] && grep -q 'stdout is not one' $T_TMP/empty.err"
check tui_in_help "$X --help | grep -q -- '--tui  *full screen: step through one connection'"
[ "$T_FAILS" -eq 0 ]
