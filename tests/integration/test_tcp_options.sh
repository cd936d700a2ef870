#!/usr/bin/env bash
# test_tcp_options.sh - window scale, timestamps and SACK against the Linux kernel, as tshark sees them on the wire; and each one gone with --no-wscale, --no-timestamps, --no-sack.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

lab_up slop || { not_ok options_lab_up; exit 1; }

# tsh FILE FILTER FIELD...: the fields of the matching packets, one packet a line.
tsh() { local f=$1 y=$2; shift 2; tshark -r "$f" -Y "$y" -T fields -E separator=' ' \
	$(printf -- '-e %s ' "$@") 2>/dev/null; }
n_of() { tsh "$1" "$2" frame.number | wc -l; }
C2S="ip.src == $ADDR_C"
S2C="ip.src == $ADDR_S"

# Every TSecr one side sends after its SYN is a TSval the other side sent (RFC 7323 §4.3).
tsecr_echoes() {	# FILE FROM-FILTER TO-FILTER
	local sent bad
	sent=$(tsh "$1" "$3 && tcp.options.timestamp.tsval" tcp.options.timestamp.tsval | sort -u)
	bad=$(tsh "$1" "$2 && tcp.flags.syn == 0 && tcp.options.timestamp.tsecr" \
		tcp.options.timestamp.tsecr | sort -u | comm -23 - <(echo "$sent"))
	[ -z "$bad" ] && [ -n "$sent" ]
}
# The log's "N << S = M bytes" is a window tshark shows: field N, scaled window M.
log_window_matches() {	# LOG FILE FROM-FILTER
	local n s m
	read -r n s m < <(grep -oE 'the window is [0-9]+ << [0-9]+ = [0-9]+ bytes' "$1" | head -1 |
		sed -E 's/the window is ([0-9]+) << ([0-9]+) = ([0-9]+) bytes/\1 \2 \3/')
	[ -n "$m" ] && [ $((n << s)) = "$m" ] &&
		tsh "$2" "$3 && tcp.window_size_value == $n" tcp.window_size | grep -qx "$m"
}

mkdir -p "$T_TMP/www"
head -c 1048576 /dev/urandom >"$T_TMP/www/file.bin"
bg HPID in_s $PY -m http.server 8000 --bind "$ADDR_S" --directory "$T_TMP/www"
for _ in $(seq 50); do in_s ss -ltn | grep -q ":8000 " && break; sleep 0.1; done

# get NAME [options]: synlab-client fetches the 1 MB file; the 5th data segment that
# reaches it is lost on the way in (after the capture saw it), so it holds data beyond a gap.
get() {
	local name=$1; shift
	cap_start "$T_TMP/$name.pcap"
	in_c "$BIN/synlab-client" --connect "$ADDR_S:8000" --http-get /file.bin --no-time-wait \
		--timeout 60s --impair 'drop in data nth=5' "$@" \
		>"$T_TMP/$name.bin" 2>"$T_TMP/$name.log"
	echo $? >"$T_TMP/$name.rc"
	cap_stop
}

# --- all three agreed with the kernel and used ---
get on --window 262144
P=$T_TMP/on.pcap
check on_exit_0 [ "$(cat "$T_TMP/on.rc")" = 0 ]
check on_1mb_byte_exact cmp -s "$T_TMP/on.bin" "$T_TMP/www/file.bin"
check on_checksums_good checksums_good "$P"
check on_syn_offers_all [ "$(n_of "$P" "$C2S && tcp.flags.syn == 1 && tcp.options.wscale.shift == 3 &&
	tcp.options.sack_perm && tcp.options.timestamp.tsval && tcp.options.timestamp.tsecr == 0")" -ge 1 ]
check on_synack_agrees_all [ "$(n_of "$P" "$S2C && tcp.flags.syn == 1 && tcp.options.wscale.shift &&
	tcp.options.sack_perm && tcp.options.timestamp.tsval")" -ge 1 ]
# our windows: the field is the window >> 3, tshark scales it back
check on_our_window_scaled [ "$(n_of "$P" "$C2S && tcp.flags.syn == 0 &&
	tcp.window_size_scalefactor == 8 && tcp.window_size == tcp.window_size_value * 8 &&
	tcp.window_size > 65535")" -ge 1 ]
check on_kernel_window_scaled [ "$(n_of "$P" "$S2C && tcp.flags.syn == 0 &&
	tcp.window_size_scalefactor > 1")" -ge 1 ]
check on_first_scaled_window_explained log_window_matches "$T_TMP/on.log" "$P" "$S2C"
check on_agreement_explained grep -q 'both SYNs carried the window scale option' "$T_TMP/on.log"
check on_every_segment_has_ts [ "$(n_of "$P" "tcp && !tcp.options.timestamp.tsval")" = 0 ]
check on_our_tsecr_echoes_kernel tsecr_echoes "$P" "$C2S" "$S2C"
check on_kernel_tsecr_echoes_ours tsecr_echoes "$P" "$S2C" "$C2S"
check on_sack_blocks_sent [ "$(n_of "$P" "$C2S && tcp.options.sack_le")" -ge 1 ]
# the first block of each of our SACKs holds the newest segment: its right edge only grows
check on_sack_first_block_newest bash -c '[ "$(tshark -r "$0" -Y "$1 && tcp.options.sack_le" \
	-T fields -e tcp.options.sack_re 2>/dev/null | cut -d, -f1 | sort -nc 2>&1)" = "" ]' \
	"$P" "$C2S"
check on_data_fits_the_mtu [ "$(n_of "$P" "ip.len > 1500")" = 0 ]

# --- each turned off: the option is absent from the wire ---
get off --window 65535 --no-wscale --no-timestamps --no-sack
P=$T_TMP/off.pcap
check off_exit_0 [ "$(cat "$T_TMP/off.rc")" = 0 ]
check off_1mb_byte_exact cmp -s "$T_TMP/off.bin" "$T_TMP/www/file.bin"
check off_checksums_good checksums_good "$P"
check off_syn_only_mss [ "$(tsh "$P" "$C2S && tcp.flags.syn == 1" tcp.option_kind | sort -u)" = 2 ]
check off_no_wscale [ "$(n_of "$P" "tcp.options.wscale.shift")" = 0 ]
check off_no_timestamps [ "$(n_of "$P" "tcp.options.timestamp.tsval")" = 0 ]
check off_no_sack [ "$(n_of "$P" "tcp.options.sack_perm || tcp.options.sack_le")" = 0 ]
check off_kernel_window_unscaled [ "$(n_of "$P" "$S2C && tcp.window_size != tcp.window_size_value")" = 0 ]
check off_refusal_explained grep -q 'turned off on this side (--no-wscale)' "$T_TMP/off.log"

get nosack --no-sack
P=$T_TMP/nosack.pcap
check nosack_exit_0 [ "$(cat "$T_TMP/nosack.rc")" = 0 ]
check nosack_no_blocks_under_loss [ "$(n_of "$P" "tcp.options.sack_le || tcp.options.sack_perm")" = 0 ]
check nosack_ts_still_agreed [ "$(n_of "$P" "$S2C && tcp.flags.syn == 1 && tcp.options.timestamp.tsval")" = 1 ]

# --- kernel client -> synlab-server: the SYN+ACK answers what the SYN offered ---
synack_opts() {	# NAME [server options]: the option kinds of the server's SYN+ACK
	local name=$1 port=$2; shift 2
	bg SP in_s "$BIN/synlab-server" --listen "$ADDR_S:$port" --app http \
		--log "$T_TMP/$name.server.log" --msl 200ms "$@"
	sleep 0.3
	cap_start "$T_TMP/$name.pcap"
	in_c curl -s --max-time 10 "http://$ADDR_S:$port/" >"$T_TMP/$name.html"
	echo $? >"$T_TMP/$name.rc"
	cap_stop
	kill "$SP" 2>/dev/null
	wait "$SP" 2>/dev/null
}
synack_opts srv_on 81
P=$T_TMP/srv_on.pcap
check srv_on_curl_ok [ "$(cat "$T_TMP/srv_on.rc")" = 0 ]
check srv_on_synack_all [ "$(n_of "$P" "$S2C && tcp.flags.syn == 1 && tcp.options.wscale.shift == 0 &&
	tcp.options.sack_perm && tcp.options.timestamp.tsecr != 0")" = 1 ]
check srv_on_kernel_echoes_ours tsecr_echoes "$P" "$C2S" "$S2C"
check srv_on_checksums_good checksums_good "$P"
synack_opts srv_nows 82 --no-wscale
P=$T_TMP/srv_nows.pcap
check srv_nows_curl_ok [ "$(cat "$T_TMP/srv_nows.rc")" = 0 ]
check srv_nows_synack_no_wscale [ "$(n_of "$P" "$S2C && tcp.flags.syn == 1 && !tcp.options.wscale.shift &&
	tcp.options.sack_perm && tcp.options.timestamp.tsval")" = 1 ]
check srv_nows_kernel_unscaled [ "$(n_of "$P" "$C2S && tcp.window_size != tcp.window_size_value")" = 0 ]
synack_opts srv_off 85 --no-wscale --no-timestamps --no-sack
P=$T_TMP/srv_off.pcap
check srv_off_curl_ok [ "$(cat "$T_TMP/srv_off.rc")" = 0 ]
check srv_off_synack_only_mss [ "$(tsh "$P" "$S2C && tcp.flags.syn == 1" tcp.option_kind | sort -u)" = 2 ]
check srv_off_kernel_sends_no_ts [ "$(n_of "$P" "$C2S && tcp.flags.syn == 0 && tcp.options.timestamp.tsval")" = 0 ]
check srv_off_checksums_good checksums_good "$P"
check srv_off_said_in_log grep -q 'turned off on this side (--no-timestamps)' "$T_TMP/srv_off.server.log"

# --- synlab-server sends, the kernel SACKs, the scoreboard keeps SACKed data from the resend ---
# mirror NAME PORT [server options]: 200 KB to synlab-server --app mirror and back, the 3rd
# and 8th data segments the server sends lost (never on the wire). The kernel's duplicate
# ACKs (window-scaled: compared scaled, RFC 5681 §2) bring a fast retransmit of the 3rd,
# and its ACK stops at the 8th. With SACK the scoreboard keeps what the kernel reported
# out of every resend; without SACK NewReno resends only the segment each ACK shows
# missing (RFC 6582), never the window after it (no go-back-N): either way only the two
# dropped segments go again, and nothing the kernel already holds.
mirror() {
	local name=$1 port=$2; shift 2
	bg MP in_s "$BIN/synlab-server" --listen "$ADDR_S:$port" --app mirror \
		--log "$T_TMP/$name.server.log" --msl 200ms --impair 'drop out data nth=3' \
		--impair 'drop out data nth=8' "$@"
	sleep 0.3
	cap_start "$T_TMP/$name.pcap"
	in_c timeout 60 $PY - "$ADDR_S" "$port" <<'EOF' >"$T_TMP/$name.out" 2>&1
import os, socket, sys
data = os.urandom(200000)
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
got = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    got += b
print("same" if got == data else "differ %d of %d" % (len(got), len(data)))
EOF
	cap_stop
	kill "$MP" 2>/dev/null
	wait "$MP" 2>/dev/null
}
dup_data() {	# FILE: server data segments whose seq is on the wire more than once
	tsh "$1" "$S2C && tcp.len > 0" tcp.seq_raw | sort | uniq -d | wc -l
}
mirror mir_sack 83
check mir_sack_bytes_back grep -qx same "$T_TMP/mir_sack.out"
check mir_sack_kernel_sacks [ "$(n_of "$T_TMP/mir_sack.pcap" "$C2S && tcp.options.sack_le")" -ge 1 ]
check mir_sack_marked_explained grep -q 'are marked SACKed and will not be sent again' \
	"$T_TMP/mir_sack.server.log"
check mir_sack_no_sacked_resent [ "$(dup_data "$T_TMP/mir_sack.pcap")" = 0 ]
check mir_sack_checksums_good checksums_good "$T_TMP/mir_sack.pcap"
mirror mir_nosack 84 --no-sack
check mir_nosack_bytes_back grep -qx same "$T_TMP/mir_nosack.out"
check mir_nosack_no_blocks [ "$(n_of "$T_TMP/mir_nosack.pcap" "tcp.options.sack_le")" = 0 ]
check mir_nosack_no_go_back_n [ "$(dup_data "$T_TMP/mir_nosack.pcap")" = 0 ]
check mir_nosack_fast_retransmit grep -q 'a third duplicate ACK' "$T_TMP/mir_nosack.server.log"
check mir_nosack_hole_on_partial_ack grep -q 'is missing as well and is resent at once' \
	"$T_TMP/mir_nosack.server.log"

exit $(( T_FAILS > 0 ))
