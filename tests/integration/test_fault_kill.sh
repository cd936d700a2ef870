#!/usr/bin/env bash
# test_fault_kill.sh - SIGKILL mid-connection: the -w files keep every segment up to the kill
# (each record is flushed), the lab stays complete with its one nft rule per namespace,
# `scripts/lab down` then `up` work, and a new pair of programs completes a connection.
. "$(dirname "$0")/lib.sh"

lab_up kill || { not_ok kill_lab_up; exit 1; }
PORT=8080
labc() { SYNLAB_PREFIX=$T_PREFIX SYNLAB_NET=$T_NET "$LAB" "$@" >/dev/null 2>&1; }
# rules NS: the drop rules of the lab's nft table in NS.
rules() { "$1" nft list table inet synlab 2>/dev/null | grep -c 'drop'; }
# gone: the lab's namespaces are gone (root: no named ones left; rootless: the holders ended).
gone() {
	if [ "$LAB_MODE" = user ]; then
		! kill -0 "$LAB_PID_C" 2>/dev/null && ! kill -0 "$LAB_PID_S" 2>/dev/null
	else
		! ip netns list | grep -q "^$T_PREFIX-"
	fi
}
readable() {
	local err
	err=$(tshark -r "$1" 2>&1 >/dev/null | grep -v '^Running as user')
	[ -z "$err" ] && [ -s "$1" ]
}

bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --app discard -q -w "$T_TMP/s.pcap" 2>/dev/null
sleep 0.3
bg cpid in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" -q -w "$T_TMP/c.pcap" 2>/dev/null
sleep 0.5
check kill_both_running kill -0 "$spid" "$cpid"
kill -KILL "$cpid" "$spid"
wait "$cpid" "$spid" 2>/dev/null
check kill_both_gone bash -c "! kill -0 $spid 2>/dev/null && ! kill -0 $cpid 2>/dev/null"
for f in c s; do
	check "kill_${f}_w_file_readable" readable "$T_TMP/$f.pcap"
	check "kill_${f}_w_file_has_handshake_and_data" \
		[ "$(flags "$T_TMP/$f.pcap" | head -4 | tr '\n' ' ')" = "S S. . P. " ]
done
check kill_lab_status_complete labc status
check kill_one_rule_client [ "$(rules in_c)" = 1 ]
check kill_one_rule_server [ "$(rules in_s)" = 1 ]
check kill_lab_down labc down
check kill_lab_down_removed_namespaces gone
check kill_lab_up_again labc up
lab_env		# rootless: new holders, new PIDs
check kill_lab_up_status labc status
check kill_one_rule_client_after_up [ "$(rules in_c)" = 1 ]
check kill_one_rule_server_after_up [ "$(rules in_s)" = 1 ]

# a fresh pair works in the rebuilt lab
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms -q 2>/dev/null
sleep 0.3
out=$(in_c timeout 20 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 200ms --log /dev/null 2>&1)
crc=$?
wait_pid "$spid" 10; src=$?
check kill_fresh_pair_client_exit_0 [ "$crc" = 0 ]
check kill_fresh_pair_server_exit_0 [ "$src" = 0 ]
check kill_fresh_pair_echo [ "$out" = "$(printf 'Server: Just a test.\r\n')" ]
exit $((T_FAILS > 0))
