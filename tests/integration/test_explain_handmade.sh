#!/usr/bin/env bash
# test_explain_handmade.sh - a segment edited at the step prompt is explained true, live and offline (synlab-explain).
. "$(dirname "$0")/lib.sh"

lab_up xhand || { not_ok xhand_lab_up; exit 1; }
S=0.05			# time scale: 1 s of protocol time = 50 ms of wall time

# The handshake's ACK goes out with seq +5 (`edit seq +5; send` at its prompt); the data
# and the FIN after it are the client's first sends of their numbers.
bg SPID in_s timeout -s KILL 30 "$BIN/synlab-server" --listen "$ADDR_S:8080" --time-scale $S \
	--msl 1s --once >"$T_TMP/srv.out" 2>"$T_TMP/srv.log"
sleep 0.3
printf '%s\n' '' 'edit seq +5; send' 'c' |
	in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" --time-scale $S \
	--msl 1s --step -w "$T_TMP/cli.pcap" >"$T_TMP/cli.out" 2>"$T_TMP/cli.log"
crc=$?
wait_pid "$SPID" 10
check xhand_client_exit_0 [ "$crc" = 0 ]
check xhand_edit_applied grep -q 'edited at the step prompt (seq +5)' "$T_TMP/cli.log"
# live: the record says it was edited and gives the TCB's own numbers
check xhand_live_says_edited grep -q 'Edited at the step prompt: the TCB made this segment with seq 1 and ack 1' "$T_TMP/cli.log"
check xhand_live_no_false_resend bash -c "! grep -q 'retransmission #1' '$T_TMP/cli.log'"
check xhand_live_no_false_gap bash -c "! grep -q 'a segment before this one is missing' '$T_TMP/cli.log'"
# offline: the capture alone shows a seq ahead of what the client sent, and no resend
"$BIN/synlab-explain" "$T_TMP/cli.pcap" >"$T_TMP/off.txt" 2>"$T_TMP/off.err"
check xhand_offline_ran [ $? = 0 ]
check xhand_offline_ahead grep -q 'runs 5 ahead of anything it sent' "$T_TMP/off.txt"
check xhand_offline_no_false_gap bash -c "! grep -q 'a segment before this one is missing' '$T_TMP/off.txt'"
check xhand_offline_no_false_resend bash -c "! grep -q 'retransmission #1' '$T_TMP/off.txt'"
check xhand_offline_no_resend_in_summary bash -c "! grep -q 'resends frame' '$T_TMP/off.txt'"
