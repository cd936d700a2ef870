#!/usr/bin/env bash
# test_truth_live.sh - synlab-explain's inferred states of each demo's captures against the states the live TCBs logged.
# For every demo scenario (scripts/demo list) and a few impairment runs, the client and
# server write -w captures and --json logs; each capture (client side, server side) is
# explained offline and every end of every connection must go through exactly the states
# its live TCB went through (tests/integration/truth_cmp.py; the live records are the
# truth). Each scenario runs once, timers at 1/20 (--time-scale 0.05).
. "$(dirname "$0")/lib.sh"

lab_up truth || { not_ok truth_lab_up; exit 1; }
E=(--time-scale 0.05 --msl 1s --json)
X=$BIN/synlab-explain
AGREE=0 ENDS=0

filter() { SYNLAB_PREFIX=$T_PREFIX SYNLAB_NET=$T_NET "$LAB" --filter "$1" up >/dev/null; }

# compare NAME LOG...: every -w capture of the scenario against every live log
compare() {
	local n=$1 cap res ok=1; shift
	for cap in "$T_TMP/$n".*.pcap; do
		[ -s "$cap" ] || continue
		if ! "$X" --json "$cap" >"$cap.jsonl" 2>"$cap.err"; then
			not_ok "truth_$n" "synlab-explain $(basename "$cap"): $(head -c 200 "$cap.err")"
			return
		fi
		res=$(/usr/bin/python3 "$TOP/tests/integration/truth_cmp.py" "$cap.jsonl" "$@" 2>&1) ||
			ok=0
		echo "$res" | sed "s|$T_TMP/||g; s|^|# $(basename "$cap"): |"
		local tally
		tally=$(echo "$res" | sed -n 's/^\([0-9]*\) of \([0-9]*\) ends agree$/\1 \2/p')
		AGREE=$((AGREE + ${tally% *})) ENDS=$((ENDS + ${tally#* }))
	done
	if [ $ok = 1 ]; then ok "truth_$n"; else
		not_ok "truth_$n" "$(echo "$res" | grep -m1 DISAGREE | sed "s|$T_TMP/||g" | head -c 300)"
	fi
}

# pair NAME OPTS...: two synlab clients connecting to each other, each stopped at its SYN
# (--step) until both have sent theirs, so the SYNs cross (scripts/demo's pair)
pair() {
	local n=$1 a b; shift
	in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:40002" --sport 40001 \
		--step "${E[@]}" --rto-init 20s -w "$T_TMP/$n.a.pcap" "$@" \
		2>"$T_TMP/$n.a.log" >/dev/null < <(sleep 0.6; echo c) &
	a=$!; T_PIDS+=("$a")
	in_s timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_C:40001" --sport 40002 \
		--step "${E[@]}" --rto-init 20s -w "$T_TMP/$n.b.pcap" "$@" \
		2>"$T_TMP/$n.b.log" >/dev/null < <(sleep 0.6; echo c) &
	b=$!; T_PIDS+=("$b")
	wait_pid "$a" 10
	wait_pid "$b" 10
	compare "$n" "$T_TMP/$n.a.log" "$T_TMP/$n.b.log"
}

# scenario NAME SERVER_OPTS... -- CLIENT_OPTS...: synlab-server --once and synlab-client
scenario() {
	local n=$1 spid sopts=() copts=(); shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sopts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	copts=("$@")
	cap_start "$T_TMP/$n.veth.pcap"	# a third vantage point: tcpdump on the server's veth
	bg spid in_s timeout -s KILL 20 "$BIN/synlab-server" --listen "$ADDR_S:8080" --once \
		"${E[@]}" -w "$T_TMP/$n.server.pcap" "${sopts[@]}" 2>"$T_TMP/$n.server.log"
	sleep 0.3
	in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:8080" "${E[@]}" \
		-w "$T_TMP/$n.client.pcap" "${copts[@]}" >/dev/null 2>"$T_TMP/$n.client.log"
	wait_pid "$spid" 10
	cap_stop
	compare "$n" "$T_TMP/$n.client.log" "$T_TMP/$n.server.log"
}

# client_only NAME PORT OPTS...: a synlab client and no synlab server
client_only() {
	local n=$1 port=$2; shift 2
	in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:$port" "${E[@]}" \
		-w "$T_TMP/$n.client.pcap" "$@" >/dev/null 2>"$T_TMP/$n.client.log" </dev/null
	compare "$n" "$T_TMP/$n.client.log"
}

# ---- the demos (scripts/demo list) ----
scenario handshake --
scenario synack_backoff --synack-retries 3 -- --syn-retries 0 --impair 'drop in SYN+ACK'
scenario time_wait -- --impair 'drop out ACK state=TIME-WAIT nth=1'
scenario three_segment_close --close-delay 0 --
scenario half_close --send-after-fin 222 --
pair simultaneous_open
pair simultaneous_close --impair 'delay out has=FIN 100ms' --impair 'delay out state=CLOSING 100ms'
client_only syn_retry_linear 8080 --syn-retries 4 --syn-schedule linear
client_only syn_retry_doubling 8081 --syn-retries 4 --syn-schedule doubling
# rst: the server namespace's kernel answers; only the client is synlab
filter client
bg KPID in_s socat TCP-LISTEN:7007,bind="$ADDR_S",reuseaddr,fork EXEC:cat
for _ in $(seq 50); do in_s ss -ltn | grep -q ':7007 ' && break; sleep 0.1; done
client_only rst_closed_port 9 --no-time-wait
client_only rst_abort 7007 --abort
# scripts/demo's part 3, and then one more ACK: `send R` puts a RST on the wire without
# aborting the client's own TCB, which only a later segment of it can show (the kernel
# then answers that ACK with a RST, which does close it).
printf 'wait ESTABLISHED\nsleep 300ms\nsend R seq=+100\nsleep 300ms\nsend R\nsleep 300ms\nsend .\nsleep 300ms\nquit\n' >"$T_TMP/manual.txt"
in_c timeout -s KILL 20 "$BIN/synlab-client" --connect "$ADDR_S:7007" --wait-close --manual \
	"${E[@]}" -w "$T_TMP/rst_challenge.client.pcap" <"$T_TMP/manual.txt" >/dev/null \
	2>"$T_TMP/rst_challenge.client.log"
compare rst_challenge "$T_TMP/rst_challenge.client.log"
kill "$KPID" 2>/dev/null
filter both

# ---- impairment runs ----
scenario loss_data -- --impair 'drop out data nth=1'
scenario dup_data --impair 'dup out data' --
scenario delay_synack --impair 'delay out SYN+ACK 300ms' --
scenario loss_fin --impair 'drop out has=FIN nth=1' --

echo "# truth: $AGREE of $ENDS ends agree"
exit $(( T_FAILS > 0 ))
