#!/usr/bin/env bash
# test_kernel_peers.sh - synlab against the Linux kernel's TCP: http.server, an echo server, curl, parallel clients.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

lab_up kpeer || { not_ok kernel_lab_up; exit 1; }

# --- synlab-client -> python3 -m http.server: a 100 KB file byte-exact ---
mkdir -p "$T_TMP/www"
head -c 102400 /dev/urandom >"$T_TMP/www/file.bin"
bg HPID in_s $PY -m http.server 8000 --bind "$ADDR_S" --directory "$T_TMP/www"
for _ in $(seq 50); do in_s ss -ltn | grep -q ":8000 " && break; sleep 0.1; done
cap_start "$T_TMP/http.pcap"
in_c "$BIN/synlab-client" --connect "$ADDR_S:8000" --http-get /file.bin --no-time-wait \
	>"$T_TMP/got.bin" 2>"$T_TMP/http.log"
rc=$?
cap_stop
check http_get_exit_0 [ "$rc" = 0 ]
check http_get_100k_byte_exact [ "$(sha256sum <"$T_TMP/got.bin")" = "$(sha256sum <"$T_TMP/www/file.bin")" ]
check http_get_checksums_good checksums_good "$T_TMP/http.pcap"
check http_get_no_rst [ "$(count_rst "$T_TMP/http.pcap")" = 0 ]
check http_get_status_logged grep -q 'HTTP/1.0 200' "$T_TMP/http.log"

# --- synlab-client -> a kernel echo server (socat) ---
bg EPID in_s socat TCP-LISTEN:7007,bind="$ADDR_S",reuseaddr,fork EXEC:cat
for _ in $(seq 50); do in_s ss -ltn | grep -q ":7007 " && break; sleep 0.1; done
in_c "$BIN/synlab-client" --connect "$ADDR_S:7007" --no-time-wait --data 'ping\r\n' \
	>"$T_TMP/echo.out" 2>"$T_TMP/echo.log"
check socat_echo_exit_0 [ $? = 0 ]
check socat_echo_bytes cmp -s "$T_TMP/echo.out" <(printf 'ping\r\n')

# --- kernel clients -> synlab-server ---
bg SPID in_s "$BIN/synlab-server" --listen "$ADDR_S:80" --app http -q --log "$T_TMP/curl.server.log" --msl 200ms
sleep 0.3
cap_start "$T_TMP/curl.pcap"
in_c curl -s --max-time 10 "http://$ADDR_S/" >"$T_TMP/page.html"
check curl_exit_0 [ $? = 0 ]
cap_stop
check curl_gets_page grep -q 'Hello from synlab-server' "$T_TMP/page.html"
check curl_checksums_good checksums_good "$T_TMP/curl.pcap"
check curl_no_rst [ "$(count_rst "$T_TMP/curl.pcap")" = 0 ]

bg S2PID in_s "$BIN/synlab-server" --listen "$ADDR_S:9000" -q --log "$T_TMP/many.server.log" --msl 200ms --close-delay 0
sleep 0.3
check kernel_client_line_echoed_with_prefix in_c $PY "$TOP/tests/tools/kclients.py" "$ADDR_S" 9000 1
check kernel_50_parallel_connections in_c timeout 60 $PY "$TOP/tests/tools/kclients.py" "$ADDR_S" 9000 50

exit $(( T_FAILS > 0 ))
