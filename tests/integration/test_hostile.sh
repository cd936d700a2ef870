#!/usr/bin/env bash
# test_hostile.sh - 100,000 malformed and adversarial segments against synlab-server: live kernel connections survive, memory and log stay bounded.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
PORT=7000
N=100000

lab_up hostl || { not_ok hostile_lab_up; exit 1; }

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
# stat NAME: the counter NAME from the server's last --stats line
stat() { grep '^stats:' "$T_TMP/server.log" | tail -n1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }

bg SPID in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --syncookies --stats 1s --msl 1s \
	2>"$T_TMP/server.log"
sleep 0.3
# three long-lived kernel connections, a line every 100 ms each, at most 120 s
bg LPID in_c $PY "$TOP/tests/tools/longconn.py" "$ADDR_S" $PORT 3 "$T_TMP/ports" "$T_TMP/stop" 120 \
	>"$T_TMP/long.out" 2>&1
for _ in $(seq 100); do [ -s "$T_TMP/ports" ] && break; sleep 0.1; done
check hostile_long_lived_connections_up [ -s "$T_TMP/ports" ]
sleep 1
rss0=$(rss_kb "$SPID")
conns=()
for p in $(cat "$T_TMP/ports" 2>/dev/null); do conns+=(--conn "$p"); done

# the flood: 4000 segments/s, at most 60 s
in_c timeout 90 "$BIN/tools/hostile" --dev "$DEV_C" --src "$ADDR_C" --dst "$ADDR_S" \
	--dport $PORT "${conns[@]}" --count $N --rate 4000 --max-seconds 60 >"$T_TMP/hostile.out" 2>&1
check hostile_sent_all_segments [ $? = 0 ]
# the in-window guesses happened (the tool saw the live connections' numbers)
check hostile_in_window_guesses_made [ "$(awk '$1 == "inwin-rst" {print $2}' "$T_TMP/hostile.out")" -ge 1000 ]
sleep 1.5	# let the server drain its capture buffer and write a stats line
rss1=$(rss_kb "$SPID")
check hostile_server_still_running kill -0 "$SPID"
touch "$T_TMP/stop"
wait_pid "$LPID" 10
check hostile_long_lived_connections_survived [ $? = 0 ]
grep -q FAILED "$T_TMP/long.out" && cat "$T_TMP/long.out" >&2
echo "# server VmRSS ${rss0} kB before, ${rss1} kB after the flood" >&2
check hostile_memory_bounded_16MiB [ -n "$rss0" ] && [ -n "$rss1" ] && [ $((rss1 - rss0)) -lt 16384 ]
check hostile_fresh_client_served_after in_c timeout 30 $PY "$TOP/tests/tools/kclients.py" "$ADDR_S" $PORT 3

# the server saw the flood and counted it ...
check hostile_bad_checksums_counted [ "$(stat bad-csum)" -ge 5000 ]
check hostile_unparsable_counted [ "$(stat unparsed)" -ge 5000 ]
check hostile_challenge_acks_sent [ "$(stat challenge-acks)" -ge 5000 ]
check hostile_no_connection_answered [ "$(stat rst-sent)" -ge 1000 ]
# ... and its log summarised it instead of printing every segment
lines=$(wc -l <"$T_TMP/server.log")
echo "# server log: $lines lines for $N segments" >&2
check hostile_log_summarised [ "$lines" -lt $((N / 4)) ]
for c in bad-checksum unparsable no-connection challenge-ack; do
	check "hostile_log_summary_$c" grep -Eq "^logsum: [0-9]+ more $c segments in the last 1.0 s" \
		"$T_TMP/server.log"
done
exit $(( T_FAILS > 0 ))
