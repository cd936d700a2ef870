#!/usr/bin/env bash
# test_time_scale_delay.sh - --time-scale scales impairment delays (#12 b): the client's FIN delayed 2 s at scale 0.05 crosses the wire about 100 ms after the TCB made it, and the log says both clocks.
. "$(dirname "$0")/lib.sh"

S=0.05		# time scale: 2 s of protocol time = 100 ms of wall time
D=2s		# the rule's delay, protocol time
# Bounds of the wire gap, ms: generous (one run, no retry), yet far from the unscaled 2000.
LO=60
HI=600

# The lab: SYNLAB_PREFIX and SYNLAB_NET when both are set (a lab of one's own beside
# others), else lab_up's private names. A lab already there under that prefix is someone
# else's: it is neither used nor, at exit, removed.
if [ -n "${SYNLAB_PREFIX:-}" ] && [ -n "${SYNLAB_NET:-}" ]; then
	if "$LAB" status 2>/dev/null | grep -q ': present'; then
		not_ok time_scale_delay_lab_up "(a lab with prefix $SYNLAB_PREFIX exists: not touched)"
		exit 1
	fi
	T_PREFIX=$SYNLAB_PREFIX
	T_NET=$SYNLAB_NET
	{ "$LAB" up >/dev/null && lab_env; } || { not_ok time_scale_delay_lab_up; exit 1; }
else
	lab_up tscale || { not_ok time_scale_delay_lab_up; exit 1; }
fi

# wire_gap FILE: ms between the client's last segment before its first FIN and that FIN
# (the TCB makes both in one step: the ACK of the echo, then CLOSE's FIN).
wire_gap() {
	tshark -r "$1" -Y "ip.src==$ADDR_C" -T fields -e frame.time_epoch -e tcp.flags.fin 2>/dev/null |
		awk '$2 == 1 { if (p != "") printf "%.3f\n", ($1 - p) * 1000; exit } { p = $1 }'
}
# fins FILE: the client's FIN segments in FILE
fins() { tshark -r "$1" -Y "ip.src==$ADDR_C && tcp.flags.fin==1" 2>/dev/null | wc -l; }
# in_ms LO HI V: LO <= V <= HI
in_ms() { awk -v l="$1" -v h="$2" -v v="$3" 'BEGIN { exit !(v != "" && v >= l && v <= h) }'; }
# near A B: A and B within max(4 ms, 12.5 % of B) (LAB-NOTES, "Timing assertions")
near() { awk -v a="$1" -v b="$2" 'BEGIN { t = b * 0.125; if (t < 4) t = 4
	d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'; }

# ---- one exchange: the client's FIN+ACK held 2 s of protocol time ----
# RTO 5 s (250 ms of wall time) and no SACK (so no tail loss probe): at Linux's defaults
# the TCB would resend the FIN before the held copy leaves, and the first FIN on the
# wire would be the resend. The rule names FIN+ACK: 'delay out FIN' matches only a bare
# FIN (flags are matched exactly), which this client never sends.
bg SPID in_s timeout -s KILL 15 "$BIN/synlab-server" --listen "$ADDR_S:8080" --once --time-scale $S \
	--msl 1s -w "$T_TMP/s.pcapng" --log "$T_TMP/s.log"
sleep 0.3
t0=$SECONDS
in_c timeout -s KILL 15 "$BIN/synlab-client" --connect "$ADDR_S:8080" --time-scale $S --msl 1s \
	--rto-init 5s --rto-min 5s --no-sack --impair "delay out FIN+ACK $D" \
	-w "$T_TMP/c.pcapng" --log "$T_TMP/c.log" >"$T_TMP/c.out"
crc=$?
wait_pid "$SPID" 10
echo "# client exited $crc after $((SECONDS - t0)) s"
check time_scale_delay_client_exit_0 [ "$crc" = 0 ]
check time_scale_delay_echo cmp -s "$T_TMP/c.out" <(printf 'Server: Just a test.\r\n')

# ---- the wire: ~100 ms, in the client's -w (what left) and the server's (what arrived) ----
gc=$(wire_gap "$T_TMP/c.pcapng")
gs=$(wire_gap "$T_TMP/s.pcapng")
echo "# wire gap before the FIN: ${gc:-?} ms sent (client -w), ${gs:-?} ms received (server -w); expected ~100 ms, 2000 ms unscaled"
check time_scale_delay_one_fin_sent [ "$(fins "$T_TMP/c.pcapng")" = 1 ]
check time_scale_delay_one_fin_received [ "$(fins "$T_TMP/s.pcapng")" = 1 ]
check time_scale_delay_wire_gap_sent in_ms $LO $HI "$gc"
check time_scale_delay_wire_gap_received in_ms $LO $HI "$gs"

# ---- the log: held and sent on the log's own clock, and what it says about the delay ----
# The held segment is logged as frame 0 at the verdict, the wire's copy with its frame.
held=$(sed -n 's/^#1 *\([0-9.]*\) *impair client > server: delayed .*/\1/p' "$T_TMP/c.log" | head -1)
sent=$(awk '$1 > 0 && $3 == "client" && $6 == "FIN+ACK" { print $2; exit }' "$T_TMP/c.log")
lg=$(awk -v h="$held" -v s="$sent" 'BEGIN { if (h != "" && s != "") printf "%.3f\n", (s - h) * 1000 }')
rel=$(sed -n 's/.*(released after \([0-9.]*\)\(us\|ms\|s\) of wall time: the delay runs at --time-scale).*/\1 \2/p' \
	"$T_TMP/c.log" | head -1 | awk '{ print $2 == "s" ? $1 * 1000 : $2 == "us" ? $1 / 1000 : $1 }')
echo "# log: held at ${held:-?} s, on the wire at ${sent:-?} s (${lg:-?} ms); says released after ${rel:-?} ms of wall time"
check time_scale_delay_log_gap in_ms $LO $HI "$lg"
# the verdict states the rule's delay in protocol time and, truthfully, its wall time;
# the impair record's line and prose give the wall time held, the rule's value beside it.
check time_scale_delay_log_says_both_clocks grep -qF \
	"delayed $D by rule 1 'delay out FIN+ACK $D' (match #1); at scale $S that is 100.000 ms of wall time" "$T_TMP/c.log"
check time_scale_delay_record_wall_time grep -qE \
	"FIN\+ACK seq=15 ack=23 .*len=0 \[delayed 100\.000 ms\]" "$T_TMP/c.log"
check time_scale_delay_prose_wall_time grep -qF \
	"len 0 is held back 100.000 ms. The rule's 2.000 s runs at --time-scale $S, like every timer" "$T_TMP/c.log"
lacks() { ! grep -qF -- "$1" "$2"; }
check time_scale_delay_never_says_rule_time_held lacks "held back 2.000 s" "$T_TMP/c.log"
# the release's figure is the hold the wire shows (not the 2 s of the rule)
check time_scale_delay_log_release_in_bounds in_ms $LO $HI "$rel"
check time_scale_delay_log_release_matches_wire near "$rel" "$gc"
exit $(( T_FAILS > 0 ))
