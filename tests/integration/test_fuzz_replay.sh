#!/usr/bin/env bash
# test_fuzz_replay.sh - replays every fuzz target's seed corpus and saved crash inputs through
# its plain build ($BUILD/fuzz/replay_NAME): each input must run without a crash or a broken
# invariant (under SANITIZE=1 also without an ASan/UBSan report).
source "$(dirname "$0")/lib.sh"

for src in "$TOP"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c); name=${name#fuzz_}
	bin=$BIN/fuzz/replay_$name
	dirs=("$TOP/tests/fuzz/corpus/$name")
	[ -d "$TOP/tests/fuzz/crashes/$name" ] && dirs+=("$TOP/tests/fuzz/crashes/$name")
	if [ ! -x "$bin" ]; then
		not_ok "fuzz_replay_$name" "($bin not built)"
		continue
	fi
	n=$(find "${dirs[@]}" -type f | wc -l)
	if [ "$n" -eq 0 ]; then
		not_ok "fuzz_replay_$name" "(empty corpus)"
		continue
	fi
	out=$(timeout 300 "$bin" "${dirs[@]}" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$out" = "replayed $n inputs" ]; then
		ok "fuzz_replay_$name ($n inputs)"
	else
		not_ok "fuzz_replay_$name" "(rc $rc: $(printf '%s' "$out" | grep -m2 -E 'ERROR|invariant|runtime error|replay' | tr '\n' ' '))"
	fi
done
exit $((T_FAILS > 0))
