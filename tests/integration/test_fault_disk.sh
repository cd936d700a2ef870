#!/usr/bin/env bash
# test_fault_disk.sh - a full disk under -w: /dev/full fails at start (exit 2, one line); a
# tmpfs that fills mid-connection stops the capture with a message, the connection still
# completes, the file keeps only whole records (readable), and the exit status is 1.
. "$(dirname "$0")/lib.sh"

lab_up disk || { not_ok disk_lab_up; exit 1; }
PORT=8080
MNT=$T_TMP/small
mkdir -p "$MNT"

# ---- 1. /dev/full at open ----
for prog in server client; do
	if [ $prog = server ]; then
		out=$(in_s timeout 20 "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once -q -w /dev/full 2>&1)
	else
		out=$(in_c timeout 20 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" -q -w /dev/full 2>&1)
	fi
	rc=$?
	check "disk_devfull_${prog}_exit_2" [ "$rc" = 2 ]
	check "disk_devfull_${prog}_one_line" [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]
	check "disk_devfull_${prog}_says_no_space" grep -q '/dev/full.*No space left on device' <<<"$out"
done

# ---- 2. an 8 KiB tmpfs filling while a 20000-byte echo runs ----
DATA=$(printf '%*s' 20000 '' | tr ' ' a)
cap_start "$T_TMP/veth.pcap"
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms -q 2>"$T_TMP/server.log"
sleep 0.3
# A private mount namespace, made inside the client's side (as root, or as the rootless
# lab's user-namespace root), holds the tiny tmpfs; the file is copied out before it goes.
in_c timeout 60 unshare -m bash -c '
	mount -t tmpfs -o size=8k tmpfs "$1" || exit 99
	"$2" --connect "$3" --msl 200ms -q --data "$4" -w "$1/c.pcap" \
		>"$5/out" 2>"$5/client.log"
	rc=$?
	cp "$1/c.pcap" "$5/c.pcap"
	exit $rc' _ "$MNT" "$BIN/synlab-client" "$ADDR_S:$PORT" "$DATA" "$T_TMP"
crc=$?
wait_pid "$spid" 10; src=$?
cap_stop
check disk_full_client_exit_1 [ "$crc" = 1 ]
check disk_full_client_says_capture_stopped grep -q 'No space left on device; capture stopped' "$T_TMP/client.log"
check disk_full_message_once [ "$(grep -c 'capture stopped' "$T_TMP/client.log")" = 1 ]
# the echo app answers each chunk with "Server: " + chunk: every byte came back
check disk_full_connection_completed [ "$(sed 's/Server: //g' "$T_TMP/out")" = "$DATA" ]
check disk_full_server_exit_0 [ "$src" = 0 ]
check disk_full_no_rst [ "$(count_rst "$T_TMP/veth.pcap")" = 0 ]
n=$(tshark -r "$T_TMP/c.pcap" 2>/dev/null | wc -l)
err=$(tshark -r "$T_TMP/c.pcap" 2>&1 >/dev/null | grep -v '^Running as user')
check disk_full_file_readable [ -z "$err" ]
check disk_full_file_has_the_first_segments [ "$n" -ge 2 ]
check disk_full_file_fewer_than_the_wire [ "$n" -lt "$(tshark -r "$T_TMP/veth.pcap" 2>/dev/null | wc -l)" ]
check disk_full_file_starts_with_syn [ "$(flags "$T_TMP/c.pcap" | head -1)" = S ]
exit $((T_FAILS > 0))
