#!/usr/bin/env bash
# test_leaks.sh - LeakSanitizer on the programs' normal paths: a client/server run (echo, HTTP,
# several connections ended by SIGTERM) and synlab-explain over every vector in each output
# mode. Needs a sanitized build (make test SANITIZE=1); on a plain build it says so and stops.
. "$(dirname "$0")/lib.sh"

if ! nm "$BIN/synlab-client" 2>/dev/null | grep -q __asan_init; then
	echo "# test_leaks: $BIN is not an ASan build (make test SANITIZE=1 runs it)"
	exit 0
fi
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
export UBSAN_OPTIONS=halt_on_error=1
# clean LOG: the program did not report a leak or any other sanitizer error.
clean() { ! grep -qE 'LeakSanitizer|AddressSanitizer|runtime error' "$1"; }
# status RC: the program's own status, not the sanitizer's (86).
own() { [ "$1" != 86 ]; }

lab_up leak || { not_ok leaks_lab_up; exit 1; }
PORT=8080

# ---- client/server: echo, then HTTP ----
for app in echo http; do
	copt=(); [ $app = http ] && copt=(--http-get /index.html)
	bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --msl 200ms --app $app \
		-w "$T_TMP/s.pcap" 2>"$T_TMP/s.$app.log"
	sleep 0.5
	in_c timeout 30 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --msl 200ms \
		"${copt[@]}" -w "$T_TMP/c.pcap" >/dev/null 2>"$T_TMP/c.$app.log"
	crc=$?
	wait_pid "$spid" 20; src=$?
	check "leaks_${app}_client_exit_0" [ "$crc" = 0 ]
	check "leaks_${app}_server_exit_0" [ "$src" = 0 ]
	check "leaks_${app}_client_clean" clean "$T_TMP/c.$app.log"
	check "leaks_${app}_server_clean" clean "$T_TMP/s.$app.log"
done

# ---- a server with connections still open when SIGTERM comes ----
bg spid in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --app discard --msl 200ms -q \
	2>"$T_TMP/s.many.log"
sleep 0.5
cpids=()
for i in 1 2 3 4 5; do
	bg p in_c "$BIN/synlab-client" --connect "$ADDR_S:$PORT" -q --timeout 20s 2>"$T_TMP/c.many$i.log"
	cpids+=("$p")
done
sleep 1
kill -TERM "$spid"
wait_pid "$spid" 20; src=$?
for p in "${cpids[@]}"; do wait_pid "$p" 20; done
check leaks_sigterm_server_own_status own "$src"
check leaks_sigterm_server_clean clean "$T_TMP/s.many.log"
bad=0
for i in 1 2 3 4 5; do clean "$T_TMP/c.many$i.log" || bad=$((bad + 1)); done
check leaks_sigterm_clients_clean [ "$bad" = 0 ]

# ---- synlab-explain over every vector, each output mode ----
n=0; bad=0
for f in "$TOP"/tests/vectors/*.pcap "$TOP"/tests/vectors/explain/*; do
	for mode in "" --json -q "--lang zh"; do
		# shellcheck disable=SC2086
		timeout 60 "$BIN/synlab-explain" $mode "$f" >/dev/null 2>"$T_TMP/x.log"
		rc=$?
		n=$((n + 1))
		if [ "$rc" = 86 ] || ! clean "$T_TMP/x.log"; then
			bad=$((bad + 1))
			echo "# leak or error: synlab-explain $mode $f"; head -20 "$T_TMP/x.log"
		fi
	done
done
check "leaks_explain_vectors_clean ($n runs)" [ "$bad" = 0 ]
exit $((T_FAILS > 0))
