#!/usr/bin/env bash
# test_programs.sh - synlab-client <-> synlab-server in a private lab: handshake, echo, each kind of close.
. "$(dirname "$0")/lib.sh"

lab_up prog || { not_ok programs_lab_up; exit 1; }
PORT=8080

# segs FILE: "flags seq_raw ack_raw len src" per segment, sorted: a program records what it
# received when it reads it, so segments crossing in flight may be ordered differently
# than on the veth; the set must be the same.
segs() {
	tshark -r "$1" -T fields -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw -e tcp.len -e ip.src \
		2>/dev/null | sort
}

# run_pair NAME "server options" "client options": runs both, captures, leaves files in $T_TMP/NAME.*
run_pair() {
	local n=$1 sopt=$2 copt=$3 spid cpid
	cap_start "$T_TMP/$n.veth.pcap" || return 1
	bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms \
		-w "$T_TMP/$n.server.pcap" $sopt 2>"$T_TMP/$n.server.log"
	sleep 0.3
	in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 200ms -w "$T_TMP/$n.client.pcap" \
		$copt >"$T_TMP/$n.out" 2>"$T_TMP/$n.client.log"
	echo $? >"$T_TMP/$n.client.rc"
	wait_pid "$spid" 10
	echo $? >"$T_TMP/$n.server.rc"
	cap_stop
	flags "$T_TMP/$n.veth.pcap" | tr '\n' ' ' >"$T_TMP/$n.flags"
}

# The common assertions of a clean run.
clean_run() {
	local n=$1
	check "${n}_client_exit_0" [ "$(cat "$T_TMP/$n.client.rc")" = 0 ]
	check "${n}_server_exit_0" [ "$(cat "$T_TMP/$n.server.rc")" = 0 ]
	check "${n}_reply_is_echo" cmp -s "$T_TMP/$n.out" <(printf 'Server: Just a test.\r\n')
	check "${n}_checksums_good" checksums_good "$T_TMP/$n.veth.pcap"
	check "${n}_no_rst" [ "$(count_rst "$T_TMP/$n.veth.pcap")" = 0 ]
	check "${n}_handshake_first" grep -q '^S S\. \. ' "$T_TMP/$n.flags"
	check "${n}_client_pcap_matches_wire" cmp -s <(segs "$T_TMP/$n.client.pcap") <(segs "$T_TMP/$n.veth.pcap")
	check "${n}_server_pcap_matches_wire" cmp -s <(segs "$T_TMP/$n.server.pcap") <(segs "$T_TMP/$n.veth.pcap")
}

# fin_from FILE: "c" or "s" for each FIN in order.
fin_from() {
	tshark -r "$1" -Y 'tcp.flags.fin == 1' -T fields -e ip.src 2>/dev/null |
		sed "s/^$ADDR_C\$/c/; s/^$ADDR_S\$/s/" | tr -d '\n'
}

# close_len FILE: segments from the first FIN to the end.
close_len() {
	local first
	first=$(tshark -r "$1" -Y 'tcp.flags.fin == 1' -T fields -e frame.number 2>/dev/null | head -1)
	total=$(tshark -r "$1" 2>/dev/null | wc -l)
	echo $(( total - first + 1 ))
}

run_pair four "" ""
clean_run four
check four_client_fin_first [ "$(fin_from "$T_TMP/four.veth.pcap")" = cs ]
check four_segment_close [ "$(close_len "$T_TMP/four.veth.pcap")" = 4 ]
check four_client_time_wait grep -q 'TIME-WAIT' "$T_TMP/four.client.log"
check four_client_fin_rel_seq_15 [ "$(tshark -r "$T_TMP/four.veth.pcap" -Y "tcp.flags.fin==1 && ip.src==$ADDR_C" -T fields -e tcp.seq)" = 15 ]

run_pair three "--close-delay 0" ""
clean_run three
check three_segment_close [ "$(close_len "$T_TMP/three.veth.pcap")" = 3 ]

run_pair first "--close-first" "--wait-close"
clean_run first
check first_server_fin_first [ "$(fin_from "$T_TMP/first.veth.pcap")" = sc ]
check first_server_time_wait grep -q 'TIME-WAIT' "$T_TMP/first.server.log"

exit $(( T_FAILS > 0 ))
