#!/usr/bin/env bash
# test_live_log.sh - the live programs' explaining log: JSON agrees with synlab-explain, zh, pcapng comments, ladder, HTML, -q, colour.
. "$(dirname "$0")/lib.sh"

lab_up livelog || { not_ok live_log_lab_up; exit 1; }
PORT=8080
T=$T_TMP
CMP="python3 $TOP/tests/integration/live_log_cmp.py"
NGCMP=$TOP/tests/integration/pcapng_comments_cmp.py

# pair NAME "server options" "client options" [CLIENT ARG...]: one client <-> server session;
# the server's log goes to NAME.s.log, the client's stdout to NAME.out and its stderr to
# NAME.c.log.
pair() {
	local n=$1 sopt=$2 copt=$3 spid
	bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms $sopt \
		2>"$T/$n.s.log"
	sleep 0.3
	in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 200ms $copt "${@:4}" \
		>"$T/$n.out" 2>"$T/$n.c.log"
	echo $? >"$T/$n.c.rc"
	wait_pid "$spid" 10
	echo $? >"$T/$n.s.rc"
}

both_ok() {
	[ "$(cat "$T/$1.c.rc")" = 0 ] && [ "$(cat "$T/$1.s.rc")" = 0 ] &&
		cmp -s "$T/$1.out" <(printf 'Server: Just a test.\r\n')
}

nsegs() { tshark -r "$1" 2>/dev/null | wc -l; }
offline() { "$BIN/synlab-explain" --json "$1" >"$2" 2>/dev/null; }

# ---- (a) live JSON == synlab-explain --json of the same session's captures ----
cap_start "$T/a.veth.pcap" || not_ok live_log_capture_started
pair a "--json --log $T/a.s.json -w $T/a.s.pcap" "--json -w $T/a.c.pcap"
cap_stop
check json_session_ran both_ok a
check json_client_data_on_stdout_only [ "$(grep -c '^{' "$T/a.out")" = 0 ]
check json_client_log_is_json_lines python3 -c '
import json, sys
for l in open(sys.argv[1]):
    json.loads(l)' "$T/a.c.log"
offline "$T/a.c.pcap" "$T/a.c.off"
offline "$T/a.s.pcap" "$T/a.s.off"
offline "$T/a.veth.pcap" "$T/a.v.off"
check json_client_agrees_with_own_pcap $CMP "$T/a.c.log" "$T/a.c.off" client frames
check json_server_agrees_with_own_pcap $CMP "$T/a.s.json" "$T/a.s.off" server frames
check json_client_agrees_with_veth $CMP "$T/a.c.log" "$T/a.v.off" client set
check json_server_agrees_with_veth $CMP "$T/a.s.json" "$T/a.v.off" server set
check json_every_event_recorded grep -q '"type":"event"' "$T/a.c.log"
check json_summary_recorded grep -q '"type":"summary".*"time_wait":"client"' "$T/a.s.json"

# ---- (b) zh text, (c) pcapng comments, (d) ladder + HTML ----
pair b "--lang zh --ladder --html $T/b.html" \
	"--json --lang zh -w $T/b.c.pcapng --log $T/b.c.json"
check zh_session_ran both_ok b
check zh_text_has_handshake_or_states grep -qE '三次握手|SYN_SENT|SYN_RECEIVED|ESTABLISHED|TIME_WAIT' "$T/b.s.log"
check zh_text_has_chinese grep -q '服务' "$T/b.s.log"
tshark -r "$T/b.c.pcapng" -T fields -e frame.number -e frame.comment >"$T/b.comments" 2>/dev/null
check pcapng_read_by_tshark [ "$(wc -l <"$T/b.comments")" -ge 10 ]
check pcapng_comment_on_every_packet_equals_json python3 "$NGCMP" "$T/b.c.json" "$T/b.comments"
# one arrow per segment: the server's diagram has as many arrow lines as segments it saw
arrows=$(grep -cE '─>│|│<─|-->\||\|<-' "$T/b.s.log")
segs=$(grep -c '"type":"segment"' "$T/b.c.json")
check ladder_one_arrow_per_segment [ "$arrows" = "$segs" -a "$segs" -ge 10 ]
check html_written grep -q '<svg' "$T/b.html"
check html_self_contained eval "! grep -qE 'https?://' '$T/b.html'"

# ---- (c2) pcapng comments of packets explained late: each frame keeps its own prose ----
# A segment held at the step prompt is explained when it is released, after packets that
# arrived later (the server's SYN+ACK resent at 1 s while the client's ACK waits); a
# received segment a rule dropped is explained by the drop. (Frames were written with the
# next record's prose or none.)
comments() { tshark -r "$1" -T fields -e frame.number -e frame.comment >"$2" 2>/dev/null; }
pair h "" "--json --log $T/h.c.json -w $T/h.c.pcapng --step" \
	< <(printf 'send\n'; sleep 2.5; for _ in $(seq 30); do echo; done)
comments "$T/h.c.pcapng" "$T/h.comments"
check pcapng_step_held_session_ran both_ok h
check pcapng_step_held_resend_arrived grep -q '"flags":"S\.".*SYN+ACK retransmission #1' "$T/h.c.json"
check pcapng_step_held_comments_own_frames python3 "$NGCMP" "$T/h.c.json" "$T/h.comments"
pair i "" "--json --log $T/i.c.json -w $T/i.c.pcapng" --impair 'drop in data nth=1'
comments "$T/i.c.pcapng" "$T/i.comments"
check pcapng_drop_in_session_ran both_ok i
check pcapng_drop_in_comment_is_the_drop grep -q '"type":"impair","frame":[1-9]' "$T/i.c.json"
check pcapng_drop_in_comments_own_frames python3 "$NGCMP" "$T/i.c.json" "$T/i.comments"

# ---- (e) -q: one line per segment; (f) colour only on a terminal without NO_COLOR ----
pair e "-q -w $T/e.s.pcap" "-q --log $T/e.c.q -w $T/e.c.pcap"
check quiet_session_ran both_ok e
check quiet_server_one_line_per_segment [ "$(wc -l <"$T/e.s.log")" = "$(nsegs "$T/e.s.pcap")" ]
check quiet_client_one_line_per_segment [ "$(wc -l <"$T/e.c.q")" = "$(nsegs "$T/e.c.pcap")" ]
check quiet_lines_are_segments eval "! grep -vqE '^ *[0-9]+ [0-9]+\.[0-9]{6} .* seq=[0-9]+ .*len=[0-9]+' '$T/e.s.log'"
check no_escape_codes_off_terminal eval "! grep -q $'\033' '$T/a.c.log' '$T/b.s.log' '$T/e.s.log' '$T/e.c.q'"
# On a terminal (script(1) gives the client a pty): colour, unless NO_COLOR is set.
tty_run() {
	local n=$1 env=$2 spid
	bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms -q 2>/dev/null
	sleep 0.3
	in_c env $env script -qec "$BIN/synlab-client --connect $ADDR_S:$PORT --msl 200ms -q" \
		/dev/null >"$T/$n.tty" 2>&1 </dev/null
	wait_pid "$spid" 10 >/dev/null
}
tty_run tc "TERM=xterm"
tty_run tn "TERM=xterm NO_COLOR=1"
check colour_on_terminal grep -q $'\033\[' "$T/tc.tty"
check no_colour_with_NO_COLOR eval "! grep -q $'\033' '$T/tn.tty'"
check no_colour_run_still_logs grep -q 'SYN' "$T/tn.tty"

# --log -: the log joins the data on stdout
pair g "-q --log $T/g.s.q" "-q --log -"
check log_dash_on_stdout grep -q '^ *1 [0-9.]* client → server SYN ' "$T/g.out"
check log_dash_data_still_there grep -q 'Server: Just a test.' "$T/g.out"
check log_dash_nothing_on_stderr [ ! -s "$T/g.c.log" ]

# Bad output options: exit 2 and one line naming the option.
bad_opt() {
	local n=$1 want=$2 err rc; shift 2
	err=$(in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" "$@" 2>&1 >/dev/null); rc=$?
	check "$n" [ "$rc" = 2 -a "$(printf '%s\n' "$err" | wc -l)" = 1 -a "${err/$want/}" != "$err" ]
}
bad_opt bad_lang "--lang" --lang fr
bad_opt bad_log_path "--log" --log /nonexistent/dir/x.log
bad_opt bad_pcapng_path "-w" -w /nonexistent/dir/x.pcapng

exit $(( T_FAILS > 0 ))
