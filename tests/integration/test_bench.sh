#!/usr/bin/env bash
# tests/integration/test_bench.sh - `make bench`'s tools run in --quick mode and write valid, complete results JSON.
. "$(dirname "$0")/lib.sh"

OUT=$T_TMP/results.json
if ! timeout 60 env BUILD="${BUILD:-build}" /usr/bin/python3 "$TOP/bench/bench.py" --quick --out "$OUT" \
	>"$T_TMP/bench.out" 2>"$T_TMP/bench.err"; then
	not_ok bench_quick_runs "$(tail -3 "$T_TMP/bench.err" | tr '\n' ' ')"
	exit 0
fi
ok bench_quick_runs

# Under ASan (make test SANITIZE=1) malloc is ASan's: the heap figures read 0 and say
# nothing about the product, so only they are excused there.
SAN=0
nm "$BIN/synlab-server" 2>/dev/null | grep -q __asan_init && SAN=1
export SAN

# Every figure has the required keys; numbers are numbers; machine facts are there; the
# measured figures that need no optional peer (synlab's own side) have values.
check bench_json_valid /usr/bin/python3 - "$OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["machine"]
assert m["cpu"] and m["kernel"] and m["cores"] >= 1 and m["date"], m
figs = d["figures"]
assert len(figs) >= 20, len(figs)
for f in figs:
    for k in ("name", "unit", "synlab", "peer", "ratio", "target", "met"):
        assert k in f, (k, f)
    assert f["synlab"] is None or isinstance(f["synlab"], (int, float)), f
    assert f["met"] in (True, False, None), f
    if f["ratio"] is not None:
        assert abs(f["ratio"] - f["synlab"] / f["peer"]) <= 0.01 * abs(f["ratio"]) + 1e-3, f
names = " ".join(f["name"] for f in figs)
for want in ("handshake latency", "turnaround", "handshake rate", "retransmission",
             "explain full text", "bytes per connection", "time per segment"):
    assert want in names, want
import os
heap = () if os.environ.get("SAN") == "1" else ("bytes per connection",)
need = [f for f in figs if f["name"].startswith(("handshake latency median, back-to-back (synlab pair vs kernel",
                                                 "handshake rate",
                                                 "turnaround SYN -> SYN+ACK median, paced 10 ms, --busy-poll",
                                                 "turnaround SYN+ACK -> ACK median, paced 10 ms, --busy-poll") + heap)]
assert len([f for f in need if "--busy-poll" in f["name"]]) == 2, names
assert need and all(f["synlab"] is not None and f["synlab"] > 0 for f in need), need
PY
check bench_table_printed grep -q '^handshake rate' "$T_TMP/bench.out"
exit 0
