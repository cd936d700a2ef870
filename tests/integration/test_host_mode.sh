#!/usr/bin/env bash
# test_host_mode.sh - --host-mode between two namespaces with no lab rules (scripts/lab --filter none), standing in for two hosts.
# Without it the kernels reset the hand-made connection (control); with it the seed
# exchange completes with no RST on the wire, each program's table names only its own
# 4-tuple, nothing is left in `nft list ruleset` after exit, SIGTERM or SIGKILL + rerun,
# and tx checksum offload is reported only when on.
. "$(dirname "$0")/lib.sh"

lab_up host --filter none || { not_ok host_lab_up; exit 1; }
PORT=8080
ECHO=$(printf 'Server: Just a test.\r\n')
# synlab_tables client|server: names of host-mode tables in that side's ruleset
synlab_tables() { "in_${1:0:1}" nft list ruleset 2>/dev/null | sed -n 's/^table inet \(synlab_host_[0-9]*\) {$/\1/p'; }
no_tables() { [ -z "$(synlab_tables client)$(synlab_tables server)" ]; }
wait_log() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

if in_c nft list table inet synlab >/dev/null 2>&1 || in_s nft list table inet synlab >/dev/null 2>&1; then
	not_ok host_no_lab_filter "(a lab table inet synlab exists)"
else
	ok host_no_lab_filter
fi
check host_no_tables_at_start no_tables

# ---- control: no lab filter, no host mode: the kernels answer with RST ----
cap_start "$T_TMP/control.pcap"
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms -q 2>/dev/null
sleep 0.3
in_c timeout 20 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 200ms --syn-retries 1 \
	--rto-init 200ms --timeout 3s -q >/dev/null 2>&1
crc=$?
cap_stop
kill -TERM "$spid" 2>/dev/null; sleep 0.2; kill -TERM "$spid" 2>/dev/null; wait_pid "$spid" 5
check host_control_kernel_rsts_seen [ "$(count_rst "$T_TMP/control.pcap")" -gt 0 ]
check host_control_client_fails [ "$crc" != 0 ]

# ---- host mode on both sides: the seed exchange ----
cap_start "$T_TMP/host.pcap"
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms -q --host-mode \
	2>"$T_TMP/s.log"
wait_log "$T_TMP/s.log" 'host mode: nft table'
check host_server_table_named_by_pid [ "$(synlab_tables server)" = "synlab_host_$spid" ]
rule=$(in_s nft list table inet "synlab_host_$spid" 2>/dev/null | grep 'drop')
check host_server_rule_own_port_only grep -q "ip saddr $ADDR_S tcp sport $PORT meta mark != 0x00005359 tcp flags rst" <<<"$rule"
# a kernel RST for another port still leaves: only the program's own port is filtered
out=$(in_c timeout 3 bash -c "exec 3<>/dev/tcp/$ADDR_S/9" 2>&1)
check host_other_port_still_refused grep -q 'refused' <<<"$out"
in_c timeout 20 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 200ms -q --host-mode \
	>"$T_TMP/out" 2>"$T_TMP/c.log"
crc=$?
wait_pid "$spid" 10; src=$?
cap_stop
check host_client_exit_0 [ "$crc" = 0 ]
check host_server_exit_0 [ "$src" = 0 ]
check host_echo_came_back [ "$(cat "$T_TMP/out")" = "$ECHO" ]
# the exchange's own segments (the port-9 probe above is in the capture too)
tshark -r "$T_TMP/host.pcap" -Y "tcp.port == $PORT" -w "$T_TMP/host_port.pcap" 2>/dev/null
check host_no_rst_on_wire [ "$(count_rst "$T_TMP/host_port.pcap")" = 0 ]
# each side's own segments, in its own order: the two sides' closes may interleave
# either way on the wire (the client's ACK of the echo and the server's FIN race), so
# the order across sides is not asserted
side_flags() {
	tshark -r "$T_TMP/host_port.pcap" -Y "ip.src == $1" -w "$T_TMP/side.pcap" 2>/dev/null
	flags "$T_TMP/side.pcap" | tr '\n' ' '
}
cf=$(side_flags "$ADDR_C"); sf=$(side_flags "$ADDR_S")
echo "# client sent: $cf; server sent: $sf"
check host_seed_client_flags [ "$cf" = "S . P. . F. . " ]
check host_seed_server_flags [ "$sf" = "S. P. . F. " ]
check host_client_names_4tuple grep -q "from $ADDR_C:[0-9]* to $ADDR_S:$PORT" "$T_TMP/c.log"
check host_no_offload_note_when_off bash -c "! grep -q 'offload' '$T_TMP/c.log' '$T_TMP/s.log'"
check host_nothing_left_after_exit no_tables

# ---- SIGTERM: the table goes with the program ----
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" -q --host-mode 2>"$T_TMP/s2.log"
wait_log "$T_TMP/s2.log" 'host mode: nft table'
check host_table_while_running [ -n "$(synlab_tables server)" ]
kill -TERM "$spid"
wait_pid "$spid" 5
check host_sigterm_removes_table no_tables

# ---- SIGKILL of the server, then of the client; each rerun sweeps the leftover ----
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --app discard -q --host-mode 2>/dev/null
sleep 0.4
bg cpid in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" -q --host-mode 2>/dev/null
sleep 0.5
kill -KILL "$spid" "$cpid"
wait "$spid" "$cpid" 2>/dev/null
check host_sigkill_left_server_table [ "$(synlab_tables server)" = "synlab_host_$spid" ]
check host_sigkill_left_client_table [ "$(synlab_tables client)" = "synlab_host_$cpid" ]
killed_s=$spid killed_c=$cpid
# the rerun, with tx checksum offload on at the client: it says so
in_c ethtool -K "$DEV_C" tx on >/dev/null 2>&1
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms -q --host-mode \
	2>"$T_TMP/s3.log"
wait_log "$T_TMP/s3.log" 'host mode: nft table'
in_c timeout 20 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 200ms -q --host-mode \
	>"$T_TMP/out3" 2>"$T_TMP/c3.log"
crc=$?
wait_pid "$spid" 10; src=$?
in_c ethtool -K "$DEV_C" tx off >/dev/null 2>&1
check host_rerun_client_exit_0 [ "$crc" = 0 ]
check host_rerun_server_exit_0 [ "$src" = 0 ]
check host_rerun_echo [ "$(cat "$T_TMP/out3")" = "$ECHO" ]
check host_rerun_server_says_swept grep -q "removed nft table inet synlab_host_$killed_s, left by an earlier run" "$T_TMP/s3.log"
check host_rerun_client_says_swept grep -q "removed nft table inet synlab_host_$killed_c, left by an earlier run" "$T_TMP/c3.log"
check host_nothing_left_after_rerun no_tables
check host_offload_note_when_on grep -q "tx checksum offload is on for $DEV_C: .* bad checksums; .* ethtool -K $DEV_C tx off" "$T_TMP/c3.log"
check host_offload_note_once [ "$(grep -c offload "$T_TMP/c3.log")" = 1 ]

# ---- no privilege for nftables: one line, exit 2, nothing installed ----
NOCAP=(setpriv --bounding-set=-net_admin --inh-caps=-net_admin)
out=$(in_s timeout 10 "${NOCAP[@]}" "$BIN/synlab-server" --listen "$ADDR_S:$PORT" -q --host-mode 2>&1)
rc=$?
check host_no_net_admin_exit_2 [ "$rc" = 2 ]
check host_no_net_admin_one_line [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]
check host_no_net_admin_says_so grep -q 'host mode: .*needs CAP_NET_ADMIN' <<<"$out"
check host_nothing_left_at_end no_tables
exit $((T_FAILS > 0))
