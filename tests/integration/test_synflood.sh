#!/usr/bin/env bash
# test_synflood.sh - 100,000 spoofed SYNs against synlab-server: the half-open table stays within --backlog, SYN cookies let kernel clients in.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
PORT=7100
N=100000
BACKLOG=64
SPOOF=198.19.0.0/16

lab_up synfl || { not_ok synflood_lab_up; exit 1; }
# Replies to the spoofed sources go to the client namespace, which does not forward
# them: they are dropped there and never leave the lab.
in_s ip route add $SPOOF via "$ADDR_C" || not_ok synflood_route
check synflood_client_ns_does_not_forward [ "$(in_c sysctl -n net.ipv4.ip_forward)" = 0 ]

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
# stat LOG NAME: the counter NAME from LOG's last --stats line
stat() { grep '^stats:' "$1" | tail -n1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# peak LOG: the largest half-open count any stats line showed
peak() { grep -o ' half-open=[0-9]*' "$1" | cut -d= -f2 | sort -n | tail -n1; }
flood() {	# flood PORT COUNT
	in_c timeout 90 "$BIN/tools/hostile" --dev "$DEV_C" --src "$ADDR_C" --dst "$ADDR_S" \
		--dport "$1" --synflood $SPOOF --count "$2" --rate 4000 --max-seconds 60
}

# --- without cookies: the backlog fills and further SYNs are dropped, nothing more ---
bg S0 in_s "$BIN/synlab-server" --listen "$ADDR_S:$((PORT + 1))" --backlog $BACKLOG -q \
	--stats 500ms 2>"$T_TMP/nocookie.log"
sleep 0.3
flood $((PORT + 1)) 10000 >"$T_TMP/flood0.out" 2>&1
check synflood_nocookie_flood_sent [ $? = 0 ]
sleep 1
kill -TERM "$S0"; wait_pid "$S0" 10
check synflood_nocookie_peak_is_backlog [ "$(stat "$T_TMP/nocookie.log" peak-half-open)" = $BACKLOG ]
check synflood_nocookie_syns_dropped [ "$(stat "$T_TMP/nocookie.log" syn-dropped)" -ge $((10000 - BACKLOG - 500)) ]
check synflood_nocookie_no_cookies [ "$(stat "$T_TMP/nocookie.log" cookies-sent)" = 0 ]

# --- with cookies: 100,000 SYNs, kernel clients still get in ---
bg SPID in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --backlog $BACKLOG --syncookies \
	--stats 500ms --msl 1s 2>"$T_TMP/server.log"
sleep 0.3
rss0=$(rss_kb "$SPID")
bg FPID flood $PORT $N >"$T_TMP/flood.out" 2>&1
sleep 3
in_c timeout 60 $PY "$TOP/tests/tools/kclients.py" "$ADDR_S" $PORT 10 >"$T_TMP/kc.out" 2>&1
got=$(sed -n 's,^\([0-9]*\)/10 connections echoed,\1,p' "$T_TMP/kc.out")
echo "# during the flood: ${got:-0}/10 kernel clients connected and echoed" >&2
check synflood_kernel_clients_get_in_9_of_10 [ "${got:-0}" -ge 9 ]
check synflood_flood_still_running_during_clients kill -0 "$FPID"
wait_pid "$FPID" 90
check synflood_sent_all_syns [ $? = 0 ]
sleep 1
rss1=$(rss_kb "$SPID")
check synflood_server_still_running kill -0 "$SPID"
echo "# server VmRSS ${rss0} kB before, ${rss1} kB after $N SYNs" >&2
check synflood_memory_bounded_16MiB [ -n "$rss0" ] && [ -n "$rss1" ] && [ $((rss1 - rss0)) -lt 16384 ]
L=$T_TMP/server.log
check synflood_half_open_never_above_backlog [ "$(stat "$L" peak-half-open)" -le $BACKLOG ]
check synflood_half_open_reached_backlog [ "$(peak "$L")" = $BACKLOG ]
check synflood_cookies_sent [ "$(stat "$L" cookies-sent)" -ge $((N * 9 / 10)) ]
check synflood_cookies_validated [ "$(stat "$L" cookies-ok)" -ge 9 ]
check synflood_cookie_event_logged grep -q 'LISTEN → ESTABLISHED.*RFC 4987 §3.6' "$L"
check synflood_log_summarised grep -Eq '^logsum: [0-9]+ more syn-cookie segments' "$L"
check synflood_client_after_flood in_c timeout 30 $PY "$TOP/tests/tools/kclients.py" "$ADDR_S" $PORT 3
exit $(( T_FAILS > 0 ))
