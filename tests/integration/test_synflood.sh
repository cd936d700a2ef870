#!/usr/bin/env bash
# test_synflood.sh - spoofed SYN storms against synlab-server: the half-open table stays within --backlog, SYN cookies (the default once it overflows, as Linux) let kernel clients in.
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
	--syncookies off \
	--stats 500ms 2>"$T_TMP/nocookie.log"
sleep 0.3
flood $((PORT + 1)) 10000 >"$T_TMP/flood0.out" 2>&1
check synflood_nocookie_flood_sent [ $? = 0 ]
sleep 1
kill -TERM "$S0"; wait_pid "$S0" 10
check synflood_nocookie_peak_is_backlog [ "$(stat "$T_TMP/nocookie.log" peak-half-open)" = $BACKLOG ]
check synflood_nocookie_syns_dropped [ "$(stat "$T_TMP/nocookie.log" syn-dropped)" -ge $((10000 - BACKLOG - 500)) ]
check synflood_nocookie_no_cookies [ "$(stat "$T_TMP/nocookie.log" cookies-sent)" = 0 ]

# --- with cookies (bare --syncookies: on): 100,000 SYNs, kernel clients still get in ---
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
check synflood_memory_bounded_16MiB [ -n "$rss0" -a -n "$rss1" -a $(( ${rss1:-0} - ${rss0:-0} )) -lt 16384 ]
L=$T_TMP/server.log
check synflood_half_open_never_above_backlog [ "$(stat "$L" peak-half-open)" -le $BACKLOG ]
check synflood_half_open_reached_backlog [ "$(peak "$L")" = $BACKLOG ]
check synflood_cookies_sent [ "$(stat "$L" cookies-sent)" -ge $((N * 9 / 10)) ]
check synflood_cookies_validated [ "$(stat "$L" cookies-ok)" -ge 9 ]
check synflood_cookie_event_logged grep -q 'LISTEN → ESTABLISHED.*RFC 4987 §3.6' "$L"
check synflood_log_summarised grep -Eq '^logsum: [0-9]+ more syn-cookie segments' "$L"
check synflood_client_after_flood in_c timeout 30 $PY "$TOP/tests/tools/kclients.py" "$ADDR_S" $PORT 3
kill -TERM "$SPID"; wait_pid "$SPID" 10

# --- default options (cookies once the 128-SYN backlog overflows, as Linux's
#     tcp_syncookies=1): 20,000 unanswered SYNs in 5 s, a kernel client still gets in ---
P2=$((PORT + 2))
bg S2 in_s "$BIN/synlab-server" --listen "$ADDR_S:$P2" -q --stats 500ms --msl 1s \
	2>"$T_TMP/default.log"
sleep 0.3
bg F2 flood $P2 20000 >"$T_TMP/flood2.out" 2>&1
sleep 2
in_c timeout 30 $PY "$TOP/tests/tools/kclients.py" "$ADDR_S" $P2 3 >"$T_TMP/kc2.out" 2>&1
got=$(sed -n 's,^\([0-9]*\)/3 connections echoed,\1,p' "$T_TMP/kc2.out")
echo "# default options, during 20,000 SYNs: ${got:-0}/3 kernel clients connected and echoed" >&2
check synflood_default_kernel_clients_get_in [ "${got:-0}" -ge 2 ]
check synflood_default_flood_still_running_during_clients kill -0 "$F2"
wait_pid "$F2" 30
check synflood_default_sent_all_syns [ $? = 0 ]
sleep 1
kill -TERM "$S2"; wait_pid "$S2" 10
L=$T_TMP/default.log
check synflood_default_half_open_capped_at_128 [ "$(stat "$L" peak-half-open)" = 128 ]
check synflood_default_cookies_sent [ "$(stat "$L" cookies-sent)" -ge $((20000 * 9 / 10)) ]
check synflood_default_cookies_validated [ "$(stat "$L" cookies-ok)" -ge 2 ]
check synflood_default_no_syn_dropped [ "$(stat "$L" syn-dropped)" = 0 ]

# --- --syncookies always: no half-open state even without a flood ---
P3=$((PORT + 3))
bg S3 in_s "$BIN/synlab-server" --listen "$ADDR_S:$P3" --syncookies always -q \
	--stats 500ms --msl 1s 2>"$T_TMP/always.log"
sleep 0.3
check synflood_always_kernel_clients_get_in \
	in_c timeout 30 $PY "$TOP/tests/tools/kclients.py" "$ADDR_S" $P3 3
sleep 0.6
kill -TERM "$S3"; wait_pid "$S3" 10
L=$T_TMP/always.log
check synflood_always_no_half_open [ "$(stat "$L" peak-half-open)" = 0 ]
check synflood_always_every_syn_a_cookie [ "$(stat "$L" cookies-sent)" -ge 3 ]
check synflood_always_cookies_validated [ "$(stat "$L" cookies-ok)" -ge 3 ]
exit $(( T_FAILS > 0 ))
