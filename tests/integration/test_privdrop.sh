#!/usr/bin/env bash
# test_privdrop.sh - -Z USER: both programs drop to USER (uid, gid, groups) with no capability
# left once the raw socket, capture and -w file are open, and still complete a connection;
# an unknown user fails at start with exit 2 and one line.
. "$(dirname "$0")/lib.sh"

lab_up priv || { not_ok priv_lab_up; exit 1; }
PORT=8080
U=nobody
UID_N=$(id -u $U)
GID_N=$(id -g $U)

# status_ok PID: /proc/PID/status shows uid and gid USER's (all four ids), no capability.
status_ok() {
	local s=/proc/$1/status
	grep -Eq "^Uid:\s+$UID_N\s+$UID_N\s+$UID_N\s+$UID_N$" "$s" &&
	grep -Eq "^Gid:\s+$GID_N\s+$GID_N\s+$GID_N\s+$GID_N$" "$s" &&
	grep -Eq '^CapEff:\s+0+$' "$s" && grep -Eq '^CapPrm:\s+0+$' "$s" &&
	grep -Eq '^CapBnd:\s+0+$' "$s" && grep -Eq '^NoNewPrivs:\s+1$' "$s"
}
wait_log() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

# Dropping to another user needs real root: in the rootless lab the namespace's root is
# you, and no other uid exists there to become.
if need_root priv_server_unprivileged priv_client_unprivileged priv_client_exit_0 \
	priv_server_exit_0 priv_echo_came_back priv_no_rst priv_w_files_complete; then
cap_start "$T_TMP/veth.pcap"
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 1s -Z $U \
	-w "$T_TMP/s.pcap" 2>"$T_TMP/server.log"
wait_log "$T_TMP/server.log" 'listening on'
check priv_server_unprivileged status_ok "$spid"
# --msl 1s: the client stays 2 s in TIME-WAIT, time to look at it
bg cpid in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 1s -Z $U -w "$T_TMP/c.pcap" \
	>"$T_TMP/out" 2>"$T_TMP/client.log"
wait_log "$T_TMP/client.log" 'TIME-WAIT'
check priv_client_unprivileged status_ok "$cpid"
wait_pid "$cpid" 10; crc=$?
wait_pid "$spid" 10; src=$?
cap_stop
check priv_client_exit_0 [ "$crc" = 0 ]
check priv_server_exit_0 [ "$src" = 0 ]
check priv_echo_came_back cmp -s "$T_TMP/out" <(printf 'Server: Just a test.\r\n')
check priv_no_rst [ "$(count_rst "$T_TMP/veth.pcap")" = 0 ]
check priv_w_files_complete [ "$(tshark -r "$T_TMP/c.pcap" 2>/dev/null | wc -l)" = \
	"$(tshark -r "$T_TMP/veth.pcap" 2>/dev/null | wc -l)" ]
fi

for prog in client server; do
	if [ $prog = server ]; then
		out=$(in_s timeout 20 "$BIN/synlab-server" --listen "$ADDR_S:$PORT" -q -Z no_such_user_sl 2>&1)
	else
		out=$(in_c timeout 20 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" -q -Z no_such_user_sl 2>&1)
	fi
	rc=$?
	check "priv_unknown_user_${prog}_exit_2" [ "$rc" = 2 ]
	check "priv_unknown_user_${prog}_one_line" [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]
	check "priv_unknown_user_${prog}_says_so" grep -q "unknown user 'no_such_user_sl'" <<<"$out"
done
out=$(in_c timeout 20 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" -q -Z root 2>&1)
check priv_root_refused [ $? = 2 ]
exit $((T_FAILS > 0))
