#!/usr/bin/env bash
# test_impair_seed.sh - the impairment seed a program prints at start is the one that repeats the run: a rule's own seed=, else the engine seed for --impair-seed.
. "$(dirname "$0")/lib.sh"

lab_up impseed || { not_ok impair_seed_lab_up; exit 1; }

# run NAME ARGS...: 31 SYNs 10 ms apart to a port nobody serves, through the rules in
# ARGS; the log to $T_TMP/NAME.log, the matches the loss dropped to $T_TMP/NAME.drops.
run() {
	local name=$1; shift
	in_c timeout 10 "$BIN/synlab-client" --connect "$ADDR_S:9" --isn 1 --syn-retries 30 \
		--syn-linear-timeouts 30 --rto-init 10ms --rto-min 10ms --rto-max 10ms "$@" \
		>/dev/null 2>"$T_TMP/$name.log"
	grep -o 'dropped by rule 1 .* (match #[0-9]*' "$T_TMP/$name.log" | sed 's/.*match #//' \
		>"$T_TMP/$name.drops"
}
# printed_seed NAME: the number of the "impair: seed N ..." line
printed_seed() { sed -n 's/^impair: seed \([0-9]*\) .*/\1/p' "$T_TMP/$1.log"; }

# ---- a rule with seed=7: 7 is printed, whatever the engine seed ----
run own --impair 'loss 20% seed=7'
run own_other --impair 'loss 20% seed=7' --impair-seed 424242
check impair_seed_own_printed [ "$(printed_seed own)" = 7 ]
check impair_seed_own_printed_with_impair_seed [ "$(printed_seed own_other)" = 7 ]
# the oracle pattern of seed 7 (test_impair.c): segments 6, 7, 9, 18 ... 0-based
check impair_seed_own_drops_oracle [ "$(head -n4 "$T_TMP/own.drops" | tr '\n' ' ')" = "7 8 10 19 " ]
check impair_seed_own_run_repeated cmp -s "$T_TMP/own.drops" "$T_TMP/own_other.drops"

# ---- no seed=: the engine seed is printed, and --impair-seed with it repeats the run ----
run engine --impair 'loss 30%'
s=$(printed_seed engine)
check impair_seed_engine_printed grep -q "^impair: seed ${s:-none} (repeat this run with --impair-seed ${s:-none})" "$T_TMP/engine.log"
run engine_again --impair 'loss 30%' --impair-seed "${s:-0}"
check impair_seed_engine_printed_again [ "$(printed_seed engine_again)" = "$s" ]
check impair_seed_engine_run_repeated cmp -s "$T_TMP/engine.drops" "$T_TMP/engine_again.drops"
exit $(( T_FAILS > 0 ))
