#!/usr/bin/env bash
# test_load_impair.sh - 500 connections x 64 KiB each way through 20% loss, reordering and duplication in every direction: byte-exact, none stuck, all CLOSED in time.
# Replay a failure with the seed it prints: LOAD_SEED=N (LOAD_N, LOAD_PAR: count, parallelism;
# LOAD_KEEP=DIR copies the logs and failed clients' data there).
. "$(dirname "$0")/lib.sh"
N=${LOAD_N:-500}
PAR=${LOAD_PAR:-25}
SIZE=65536
PORT=7400
SPORT0=20000	# client i uses source port SPORT0 + i: no 4-tuple is ever reused
SEED=${LOAD_SEED:-$(( (RANDOM * 32768 + RANDOM) % 1000000 ))}
D=$T_TMP/load

# Timers (ms). 2 x MSL > rto_max, so the peer's retransmitted FIN still finds our
# TIME-WAIT; the bounds the checker asserts are computed from these numbers.
RTO_INIT=100 RTO_MIN=50 RTO_MAX=400 SYN_RETRIES=8 SYN_LINEAR=4 DATA_RETRIES=15
MSL=250 FIN_TIMEOUT=2000
ENGINE=(--rto-init ${RTO_INIT}ms --rto-min ${RTO_MIN}ms --rto-max ${RTO_MAX}ms
	--syn-retries $SYN_RETRIES --syn-linear-timeouts $SYN_LINEAR --synack-retries $SYN_RETRIES
	--data-retries $DATA_RETRIES --msl ${MSL}ms --fin-timeout ${FIN_TIMEOUT}ms)
PARAMS="{\"rto_init\":$RTO_INIT,\"rto_max\":$RTO_MAX,\"syn_retries\":$SYN_RETRIES,
 \"syn_linear\":$SYN_LINEAR,\"data_retries\":$DATA_RETRIES,\"msl\":$MSL,\"fin_timeout\":$FIN_TIMEOUT}"
# Each direction (client -> server, server -> client) meets all three, 20% each: the
# sender loses 20% and duplicates 25% of what survives (0.8 x 25% = 20% of all), the
# receiver reorders 20% of what arrives (held until the next segment passed, <= 50 ms).
# The first rule that fires decides (common/engine/impair/impair.h), hence 25% for the second rule.
RULES=(--impair 'loss out 20%' --impair 'dup out 25%' --impair 'reorder in 20% 50ms')
# Rules without seed= use the engine seed + their index (0..2): client i takes
# SEED + 4i, the server SEED + 4(N + 1): every rule of every program has its own stream.
WALL_KILL=60	# seconds; far above the wall bound the checker prints (~21 s)

echo "# seed $SEED: replay with LOAD_SEED=$SEED; $N clients, $PAR at a time" >&2
lab_up load20 || { not_ok load_lab_up; exit 1; }
mkdir -p "$D"
/usr/bin/python3 - "$D" "$N" "$SEED" "$SIZE" <<'EOF' || not_ok load_data_generated
import random, sys
d, n, seed, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
for i in range(1, n + 1):
    with open("%s/in%d" % (d, i), "wb") as f:
        f.write(rng.randbytes(size))
EOF

bg SPID in_s "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --app mirror --close-delay 0 \
	"${ENGINE[@]}" "${RULES[@]}" --impair-seed $((SEED + 4 * (N + 1))) --stats 1s -q \
	--log "$T_TMP/server.log" 2>"$T_TMP/server.err"
sleep 0.3
check load_server_started kill -0 "$SPID"

# one I: one client with its own data, seed and port; writes DIR/resI and DIR/evI (the
# state, retransmit and gave-up events of its JSON log, without the prose).
one() {
	local i=$1 t0 t1 rc h_in h_out
	t0=$(date +%s%N)
	in_c timeout $WALL_KILL "$BIN/synlab-client" --connect "$ADDR_S:$PORT" \
		--sport $((SPORT0 + i)) --data-file "$D/in$i" --expect $SIZE "${ENGINE[@]}" \
		"${RULES[@]}" --impair-seed $((SEED + 4 * i)) --json --log "$D/c$i.json" \
		>"$D/out$i" 2>"$D/err$i"
	rc=$?
	t1=$(date +%s%N)
	h_in=$(sha256sum <"$D/in$i" | cut -c1-64)
	h_out=$(sha256sum <"$D/out$i" | cut -c1-64)
	grep '"type":"event"' "$D/c$i.json" | grep -E '"kind":"(state|retransmit|gave-up)"' |
		sed 's/,"explain":.*/}/' >"$D/ev$i"
	# keep the evidence of a failure only
	[ "$rc" = 0 ] && [ "$h_in" = "$h_out" ] && rm -f "$D/c$i.json" "$D/out$i" "$D/in$i"
	echo "$i $rc $(( (t1 - t0) / 1000 )) $h_in $h_out" >"$D/res$i"
}

start=$SECONDS
pids=()
for i in $(seq "$N"); do
	one "$i" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$PAR" ]; then	# keep PAR clients running
		wait -n "${pids[@]}"
		alive=()
		for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
		pids=("${alive[@]}")
	fi
done
[ ${#pids[@]} -gt 0 ] && wait "${pids[@]}"
echo "# $N clients done in $((SECONDS - start)) s" >&2
check load_server_survived kill -0 "$SPID"

verdicts=$(/usr/bin/python3 "$TOP/tests/integration/load_impair_check.py" "$D" "$N" "$PARAMS")
[ -n "$verdicts" ] || not_ok load_checker_ran
printf '%s\n' "$verdicts"
T_FAILS=$((T_FAILS + $(printf '%s\n' "$verdicts" | grep -c '^not ok')))

# The server's table empties: its last LAST-ACK waits at most one stall (16 x rto_max)
# for the ACK of its FIN before giving up.
conns() { grep '^stats:' "$T_TMP/server.err" | tail -n1 | tr ' ' '\n' | sed -n 's/^conns=//p'; }
for _ in $(seq 100); do [ "$(conns)" = 0 ] && break; sleep 0.1; done
check load_server_table_empty [ "$(conns)" = 0 ]
# --stats keeps its rhythm while nothing happens (it used to wait for a packet)
n0=$(grep -c '^stats:' "$T_TMP/server.err"); sleep 1.2
check load_server_stats_while_idle [ "$(grep -c '^stats:' "$T_TMP/server.err")" -gt "$n0" ]
kill -INT "$SPID"
wait_pid "$SPID" 10
check load_server_exit_0 [ $? = 0 ]
check load_server_no_errors [ -z "$(grep -v -e '^stats:' -e '^impair:' -e '^synlab-server: closing' "$T_TMP/server.err")" ]
grep '^stats:' "$T_TMP/server.err" | tail -n1 | sed 's/^/# server /' >&2
[ -n "${LOAD_KEEP:-}" ] && cp -r "$T_TMP" "$LOAD_KEEP"
exit $(( T_FAILS > 0 ))
