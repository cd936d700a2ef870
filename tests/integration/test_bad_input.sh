#!/usr/bin/env bash
# test_bad_input.sh - every bad input gets one clear line and exit 2: options, addresses, numbers, privileges, routes.
. "$(dirname "$0")/lib.sh"

# bad NAME WANT_SUBSTRING PROGRAM ARGS...: exit 2, exactly one line on stderr containing WANT.
bad() {
	local n=$1 want=$2; shift 2
	local err rc
	err=$("$@" 2>&1 >/dev/null); rc=$?
	if [ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ $err == *"$want"* ]]; then
		ok "$n"
	else
		not_ok "$n" "(rc=$rc: $err)"
	fi
}
C=$BIN/synlab-client
S=$BIN/synlab-server

bad client_no_args "--connect ADDR:PORT is required" "$C"
bad client_malformed_addrport "not ADDR:PORT" "$C" --connect 198.18.0.2
bad client_bad_address "not an IPv4 address" "$C" --connect 198.18.0.999:80
bad client_port_zero "out of range" "$C" --connect 198.18.0.2:0
bad client_unknown_option "unknown option '--frobnicate'" "$C" --connect 198.18.0.2:80 --frobnicate
bad client_bad_number "--syn-retries" "$C" --connect 198.18.0.2:80 --syn-retries lots
bad client_bad_duration "--rto-init" "$C" --connect 198.18.0.2:80 --rto-init 1parsec
bad client_missing_value "needs a value" "$C" --connect
bad client_bad_escape "--data" "$C" --connect 198.18.0.2:80 --data 'x\q'
bad client_stray_argument "unexpected argument" "$C" --connect 198.18.0.2:80 extra
bad client_data_file_missing "No such file" "$C" --connect 198.18.0.2:80 --data-file "$T_TMP/none"
bad client_data_file_unreadable "Is a directory" "$C" --connect 198.18.0.2:80 --data-file "$T_TMP"
head -c 65537 /dev/zero >"$T_TMP/big"
bad client_data_file_too_large "larger than 64 KiB" "$C" --connect 198.18.0.2:80 --data-file "$T_TMP/big"
bad client_expect_zero "--expect" "$C" --connect 198.18.0.2:80 --expect 0
bad client_expect_not_a_number "--expect" "$C" --connect 198.18.0.2:80 --expect 64k
bad server_no_args "--listen ADDR:PORT is required" "$S"
bad server_bad_app "unknown application" "$S" --listen 198.18.0.2:80 --app gopher
bad server_port_zero "out of range" "$S" --listen 198.18.0.2:0
bad server_bad_backlog "--backlog" "$S" --listen 198.18.0.2:80 --backlog 0
bad server_bad_syncookies "'sometimes' is not off, on or always" "$S" --listen 198.18.0.2:80 \
	--syncookies sometimes
bad client_window_zero "not a window of 1..1073725440" "$C" --connect 198.18.0.2:80 --window 0
bad client_window_too_big "not a window of 1..1073725440" "$C" --connect 198.18.0.2:80 --window 1073725441
bad server_window_too_big "not a window of 1..1073725440" "$S" --listen 198.18.0.2:80 --window 4294967295
bad client_window_needs_wscale "needs window scaling, which --no-wscale" "$C" --connect 198.18.0.2:80 --window 65536 --no-wscale
bad client_rto_min_above_max "--rto-min (5.000 s) is above --rto-max (1.000 s)" "$C" --connect 198.18.0.2:80 --rto-min 5s --rto-max 1s
bad server_rto_min_above_max "is above --rto-max" "$S" --listen 198.18.0.2:80 --rto-max 100ms
bad server_missing_value "needs a value" "$S" --listen 198.18.0.2:80 --msl
bad client_bad_step_clock "--step-clock: 'later' is not pause or run" "$C" --connect 198.18.0.2:80 --step --step-clock later
bad server_busy_poll_too_long "--busy-poll: 2s is more than 1 s" "$S" --listen 198.18.0.2:80 --busy-poll 2s
bad client_busy_poll_not_duration "--busy-poll: 'soon' is not a duration" "$C" --connect 198.18.0.2:80 --busy-poll soon

check client_help_exit_0 eval "\"$C\" --help >/dev/null"
check server_version_exit_0 eval "\"$S\" --version >/dev/null"

lab_up badin || { not_ok bad_lab_up; exit 1; }
bad client_no_route "no route" in_c "$C" --connect 10.77.0.1:80
bad server_no_interface "no interface" in_s "$S" --listen 10.77.0.2:80
# Without CAP_NET_RAW and CAP_NET_ADMIN (gone from the bounding set, so not even the
# namespace's root gets them back at exec): as root and in the rootless lab alike.
NOCAP=(setpriv --bounding-set=-net_raw,-net_admin --inh-caps=-net_raw,-net_admin)
bad client_no_cap_net_raw "scripts/lab exec" in_c "${NOCAP[@]}" "$C" --connect "$ADDR_S:80"
bad server_no_cap_net_raw "scripts/lab exec" in_s "${NOCAP[@]}" "$S" --listen "$ADDR_S:80"
bad client_bad_pcap_path "-w" in_c "$C" --connect "$ADDR_S:80" -w /nonexistent/dir/x.pcap
# a second synlab-server on the same ADDR:PORT of one namespace: refused (exit 2) before
# it sends or captures anything; the first keeps serving
bg S1 in_s timeout -s KILL 10 "$S" --listen "$ADDR_S:8080" -q 2>/dev/null
sleep 0.3
bad server_second_on_same_port "$ADDR_S:8080 is already in use in this namespace" in_s "$S" --listen "$ADDR_S:8080" -w "$T_TMP/second.pcap"
check server_second_opened_no_file [ ! -e "$T_TMP/second.pcap" ]
check server_first_still_serves eval "printf 'x' | in_c timeout 5 \"$C\" --connect $ADDR_S:8080 --data hi -q --msl 100ms >/dev/null 2>&1"
kill "$S1" 2>/dev/null

exit $(( T_FAILS > 0 ))
