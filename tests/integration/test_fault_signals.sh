#!/usr/bin/env bash
# test_fault_signals.sh - SIGINT/SIGTERM on synlab-client and synlab-server: the first signal
# closes (FIN), a second one aborts (RST); the -w file is complete, readable and holds both.
. "$(dirname "$0")/lib.sh"

lab_up sig || { not_ok signals_lab_up; exit 1; }
PORT=8080

# rows FILE: "src flags" per segment, tcpdump letters (F, S, R, P, .).
rows() {
	tshark -r "$1" -T fields -e ip.src -e tcp.flags 2>/dev/null | while read -r src f; do
		local v=$((f)) s=""
		(( v & 1 )) && s+=F; (( v & 2 )) && s+=S; (( v & 4 )) && s+=R; (( v & 16 )) && s+=.
		echo "$src $s"
	done
}
# readable FILE: tshark reads every record without complaint (no cut record).
readable() {
	local err
	err=$(tshark -r "$1" 2>&1 >/dev/null | grep -v '^Running as user')
	[ -z "$err" ] && [ -s "$1" ]
}
# fin_then_rst FILE ADDR: ADDR sent a FIN and, later, a RST, and the RST is the last of ADDR's.
fin_then_rst() {
	rows "$1" | awk -v a="$2" '$1 == a { if ($2 ~ /F/) fin = NR; last = $2; if ($2 ~ /R/) rst = NR }
		END { exit !(fin && rst > fin && last ~ /R/) }'
}
# wait_log FILE TEXT: waits up to 5 s for TEXT in FILE.
wait_log() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

# ---- 1. client: SIGTERM closes, the peer is frozen (SIGSTOP) so a second SIGTERM aborts ----
cap_start "$T_TMP/c.veth.pcap"
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --app discard 2>"$T_TMP/c.server.log"
sleep 0.3
bg cpid in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" -w "$T_TMP/c.pcap" 2>"$T_TMP/c.client.log"
wait_log "$T_TMP/c.client.log" ESTABLISHED
sleep 0.2
kill -STOP "$spid"
kill -TERM "$cpid"
wait_log "$T_TMP/c.client.log" 'closing; interrupt again'
sleep 0.3
kill -TERM "$cpid"
wait_pid "$cpid" 5; crc=$?
kill -CONT "$spid"
wait_pid "$spid" 10; src=$?
cap_stop
check client_sigterm_exits_nonzero [ "$crc" = 1 ]
check client_sigterm_says_aborting grep -q 'aborting (RST)' "$T_TMP/c.client.log"
check client_sigterm_fin_then_rst_on_wire fin_then_rst "$T_TMP/c.veth.pcap" "$ADDR_C"
check client_sigterm_w_file_readable readable "$T_TMP/c.pcap"
check client_sigterm_w_file_fin_then_rst fin_then_rst "$T_TMP/c.pcap" "$ADDR_C"
check client_sigterm_w_file_has_what_it_sent [ "$(rows "$T_TMP/c.pcap" | grep -c "^$ADDR_C ")" = \
	"$(rows "$T_TMP/c.veth.pcap" | grep -c "^$ADDR_C ")" ]
check client_sigterm_server_exits_after_rst [ "$src" = 0 ]

# ---- 2. server: SIGINT, SIGINT with the client frozen ----
cap_start "$T_TMP/s.veth.pcap"
# setsid: a background job of a script starts with SIGINT ignored; the program must see it.
bg spid in_s setsid "$BIN/synlab-server" --listen "$ADDR_S:$PORT" -w "$T_TMP/s.pcap" \
	2>"$T_TMP/s.server.log"
sleep 0.3
bg cpid in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --wait-close 2>"$T_TMP/s.client.log"
wait_log "$T_TMP/s.server.log" ESTABLISHED
sleep 0.2
kill -STOP "$cpid"
kill -INT "$spid"
wait_log "$T_TMP/s.server.log" 'closing; interrupt again'
sleep 0.3
kill -INT "$spid"
wait_pid "$spid" 5; src=$?
kill -CONT "$cpid"
wait_pid "$cpid" 10
cap_stop
check server_sigint_exits_nonzero [ "$src" = 1 ]
check server_sigint_fin_then_rst_on_wire fin_then_rst "$T_TMP/s.veth.pcap" "$ADDR_S"
check server_sigint_w_file_readable readable "$T_TMP/s.pcap"
check server_sigint_w_file_fin_then_rst fin_then_rst "$T_TMP/s.pcap" "$ADDR_S"

# ---- 3. server: one SIGTERM, live client: a clean close, both exit 0, no RST ----
cap_start "$T_TMP/g.veth.pcap"
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --msl 200ms -w "$T_TMP/g.pcap" \
	2>"$T_TMP/g.server.log"
sleep 0.3
bg cpid in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --wait-close --msl 200ms \
	>"$T_TMP/g.out" 2>"$T_TMP/g.client.log"
wait_log "$T_TMP/g.server.log" ESTABLISHED
sleep 0.3
kill -TERM "$spid"
wait_pid "$spid" 10; src=$?
wait_pid "$cpid" 10; crc=$?
cap_stop
check server_sigterm_graceful_exit_0 [ "$src" = 0 ]
check server_sigterm_graceful_client_exit_0 [ "$crc" = 0 ]
check server_sigterm_graceful_no_rst [ "$(count_rst "$T_TMP/g.veth.pcap")" = 0 ]
check server_sigterm_graceful_server_fin_first [ "$(rows "$T_TMP/g.veth.pcap" | grep F | head -1 | cut -d' ' -f1)" = "$ADDR_S" ]
check server_sigterm_graceful_w_file_readable readable "$T_TMP/g.pcap"
check server_sigterm_graceful_w_file_complete [ "$(rows "$T_TMP/g.pcap" | wc -l)" = "$(rows "$T_TMP/g.veth.pcap" | wc -l)" ]
exit $((T_FAILS > 0))
