#!/usr/bin/env bash
# test_fault_link.sh - the client's interface goes down mid-connection (ip link set DEV down in
# its namespace): the client exits 1 at once with one line saying so; its -w file is readable.
. "$(dirname "$0")/lib.sh"

lab_up link || { not_ok link_lab_up; exit 1; }
PORT=8080

# discard: the server never answers the data, so the connection stays open and idle.
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --app discard -q 2>"$T_TMP/server.log"
sleep 0.3
bg cpid in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --log "$T_TMP/client.seglog" -w "$T_TMP/c.pcap" \
	2>"$T_TMP/client.log"
sleep 0.5
check link_client_running_before kill -0 "$cpid"
t0=$SECONDS
in_c ip link set "$DEV_C" down
wait_pid "$cpid" 5; crc=$?
check link_down_client_exit_1 [ "$crc" = 1 ]
check link_down_client_exits_within_2s [ $((SECONDS - t0)) -le 2 ]
check link_down_one_line [ "$(wc -l <"$T_TMP/client.log")" = 1 ]
check link_down_says_went_down grep -q "^synlab-client: interface $DEV_C went down" "$T_TMP/client.log"
err=$(tshark -r "$T_TMP/c.pcap" 2>&1 >/dev/null | grep -v '^Running as user')
check link_down_w_file_readable [ -z "$err" ]
check link_down_w_file_has_handshake [ "$(flags "$T_TMP/c.pcap" | head -3 | tr '\n' ' ')" = "S S. . " ]

# the link back up, a new connection works (nothing left behind)
in_c ip link set "$DEV_C" up
sleep 0.5
out=$(in_c timeout 20 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" -q --timeout 2s 2>&1)
# discard never answers: the client times out, but in ESTABLISHED (the handshake worked)
check link_up_again_connects grep -q "timed out in state ESTABLISHED" <<<"$out"
# the server's connection lost its peer: the second signal aborts it instead of waiting
kill -TERM "$spid"; sleep 0.2; kill -TERM "$spid"
wait_pid "$spid" 5; src=$?
check link_server_stops_on_two_signals [ "$src" != 124 ]
exit $((T_FAILS > 0))
