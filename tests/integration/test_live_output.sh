#!/usr/bin/env bash
# test_live_output.sh - the live programs' outputs at their edges: pcapng after SIGKILL, pure JSON Lines with --impair, --html checked at start and at exit, TIME-WAIT cut short by a signal, the SYN schedule's words, '±' as itself.
. "$(dirname "$0")/lib.sh"

lab_up liveout || { not_ok live_output_lab_up; exit 1; }
PORT=8080
T=$T_TMP
export LC_ALL=C.UTF-8

# ---- (a) -w FILE.pcapng is flushed per packet: SIGKILL mid-run leaves what was sent ----
# The discard server never answers, so the client waits ESTABLISHED for a reply.
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --app discard -q -w "$T/a.s.pcapng" 2>/dev/null
sleep 0.3
bg cpid in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" -q -w "$T/a.c.pcapng" 2>/dev/null
sleep 0.5
check pcapng_kill_both_running kill -0 "$spid" "$cpid"
kill -KILL "$cpid" "$spid"
wait "$cpid" "$spid" 2>/dev/null
for f in c s; do
	check "pcapng_kill_${f}_read_by_tshark" bash -c \
		"[ -s '$T/a.$f.pcapng' ] && ! tshark -r '$T/a.$f.pcapng' 2>&1 >/dev/null | grep -v '^Running as user' | grep -q ."
	check "pcapng_kill_${f}_frames_sent_so_far" \
		[ "$(flags "$T/a.$f.pcapng" | head -4 | tr '\n' ' ')" = "S S. . P. " ]
	# every frame written carries its explanation
	check "pcapng_kill_${f}_every_frame_commented" bash -c \
		"tshark -r '$T/a.$f.pcapng' -T fields -e frame.comment 2>/dev/null | awk 'NF == 0 { bad = 1 } END { exit bad || NR < 4 }'"
done

# pair NAME "server options" "client options": one session; the server's
# stderr to NAME.s.log, the client's stdout to NAME.out and stderr to NAME.c.log.
pair() {
	local n=$1 spid so co
	eval "so=($2)"	# options as a shell would split them ('...' keeps a rule whole)
	eval "co=($3)"
	bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms "${so[@]}" \
		2>"$T/$n.s.log"
	sleep 0.3
	in_c timeout 30 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 200ms "${co[@]}" \
		>"$T/$n.out" 2>"$T/$n.c.log"
	echo $? >"$T/$n.c.rc"
	wait_pid "$spid" 10
	echo $? >"$T/$n.s.rc"
}

jsonl() {
	/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    json.loads(line)' "$1"
}

# ---- (b) --json with --impair: the log (stderr by default) stays JSON Lines ----
pair b "-q" "--json --impair 'drop out ACK nth=2'"
check json_impair_session_ran [ "$(cat "$T/b.c.rc")" = 0 ]
check json_impair_every_line_parses jsonl "$T/b.c.log"
check json_impair_drop_is_a_record /usr/bin/python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
drops = [r for r in recs if r["type"] == "impair" and r["act"] == "drop"]
notes = [r for r in recs if r["type"] == "note"]
assert len(drops) == 1 and drops[0]["rule"].startswith("drop out ACK nth=2"), drops
assert any("dropped by rule 1" in n["text"] for n in notes), notes' "$T/b.c.log"

# ---- (c) --html: checked before any traffic; a failed write at exit is exit 1 ----
cap_start "$T/c.pcap" || not_ok html_capture_started
err=$(in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --html /nonexistent/dir/x.html 2>&1 >/dev/null)
rc=$?
cap_stop
check html_bad_path_exit_2 [ "$rc" = 2 ]
check html_bad_path_one_line [ "$(printf '%s\n' "$err" | wc -l)" = 1 -a "${err/--html/}" != "$err" ]
check html_bad_path_no_traffic [ "$(tshark -r "$T/c.pcap" 2>/dev/null | wc -l)" = 0 ]
err=$(in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --html "$T" 2>&1 >/dev/null)
check html_folder_as_file_exit_2 [ $? = 2 ]
pair c "-q" "-q --html /dev/full"
check html_write_fails_at_exit_1 [ "$(cat "$T/c.c.rc")" = 1 ]
check html_write_failure_said grep -q 'html.*No space left' "$T/c.c.log"
pair c2 "-q" "-q --html $T/c2.html"
check html_good_path_exit_0 [ "$(cat "$T/c2.c.rc")" = 0 ]
check html_good_path_written grep -q '<svg' "$T/c2.html"

# ---- (d) SIGINT in the client's TIME-WAIT (2MSL = 60 s) cuts the wait short ----
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms -q 2>/dev/null
sleep 0.3
bg cpid in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 30s --json --log "$T/d.json" \
	>/dev/null 2>"$T/d.err"
for _ in $(seq 100); do	# bounded: the close takes ~0.2 s
	grep -q '"to":"TIME-WAIT"' "$T/d.json" 2>/dev/null && break
	sleep 0.05
done
check tw_reached grep -q '"to":"TIME-WAIT"' "$T/d.json"
kill -INT "$cpid"
wait_pid "$cpid" 5
check tw_interrupted_exit_0_at_once [ $? = 0 ]
wait_pid "$spid" 10 >/dev/null
check tw_cut_short_json_lines jsonl "$T/d.json"
check tw_cut_short_said /usr/bin/python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
st = [r for r in recs if r["type"] == "event" and r["kind"] == "state" and r["from"] == "TIME-WAIT"]
assert len(st) == 1 and st[0]["to"] == "CLOSED", st
assert "the wait is cut short" in st[0]["explain"] and "sends nothing" in st[0]["explain"], st
assert not any(r["type"] == "event" and r["kind"] == "timer" and r["why"] == "time_wait_expired"
               for r in recs)
assert not any("fired after 60.000 s" in r.get("explain", "") for r in recs)
s = [r for r in recs if r["type"] == "summary"][0]
assert s.get("time_wait_cut") is True and s["client_final"] == "CLOSED", s' "$T/d.json"
check tw_cut_short_on_stderr grep -q 'interrupted in TIME-WAIT: the 2MSL wait is cut short' "$T/d.err"

# ---- (e) the SYN schedule in force, not "the timeout doubles" (nobody answers) ----
# The server namespace's kernel RSTs are filtered: the SYN goes unanswered.
syn_run() {
	in_c timeout 20 "$BIN/synlab-client" --connect "$ADDR_S:9" --time-scale 0.01 \
		--syn-retries 6 --syn-schedule "$1" --json --log "$T/e.$1.json" >/dev/null 2>&1
}
syn_run linear
syn_run doubling
check syn_schedule_words /usr/bin/python3 -c '
import json, sys
def rtx(f):
    return [r for r in map(json.loads, open(f, encoding="utf-8"))
            if r["type"] == "event" and r["kind"] == "retransmit"]
lin, dbl = rtx(sys.argv[1]), rtx(sys.argv[2])
assert len(lin) == 6 and len(dbl) == 6, (len(lin), len(dbl))
# Linux >= 6.5: the first 4 retries keep the wait, then it doubles (1,2,3,4,5,7,11 s)
for r in lin[:4]:
    assert "again: the SYN schedule in force is linear" in r["explain"], r["explain"]
    assert "doubles" not in r["explain"], r["explain"]
    assert r["rto_us"] == 10000, r
for r in lin[4:]:
    assert "(the timeout doubles" in r["explain"], r["explain"]
for r in dbl:
    assert "(the timeout doubles" in r["explain"] and "linear" not in r["explain"], r
assert [r["rto_us"] for r in lin[3:]] == [10000, 20000, 40000], [r["rto_us"] for r in lin]
assert [r["rto_us"] for r in dbl[:3]] == [20000, 40000, 80000], [r["rto_us"] for r in dbl]' \
	"$T/e.linear.json" "$T/e.doubling.json"

# ---- (f) a delay rule's '±' prints as itself in every output ----
pair f "-q" "--impair 'delay out data 50ms±10ms seed=3' --html $T/f.html"
check pm_session_ran [ "$(cat "$T/f.c.rc")" = 0 ]
check pm_text_prose grep -q "Delayed by the impairment engine (rule 'delay out data 50ms±10ms seed=3')" "$T/f.c.log"
check pm_never_escaped eval "! grep -q 'xc2' '$T/f.c.log' '$T/f.html'"
check pm_html grep -q '50ms±10ms' "$T/f.html"
pair f2 "-q" "--json --impair 'delay out data 50ms±10ms seed=3'"
check pm_json /usr/bin/python3 -c '
import json, sys
imp = [r for r in map(json.loads, open(sys.argv[1], encoding="utf-8")) if r["type"] == "impair"]
assert imp and all(r["rule"] == "delay out data 50ms±10ms seed=3" for r in imp), imp
assert all("50ms±10ms" in r["explain"] for r in imp), imp' "$T/f2.c.log"

exit $(( T_FAILS > 0 ))
