# load_impair_check.py - verdicts of test_load_impair.sh: hashes, exit codes, each client's state timeline against the bounds its timers imply.
"""Reads DIR/res<i> ("i rc wall_us sent_sha received_sha") and DIR/ev<i> (the client's
JSON event lines: state, retransmit, gave-up) for i in 1..N and prints one
"ok NAME" / "not ok NAME reason" line per check, then "# ..." statistics.

Bounds (milliseconds in, seconds out), derived from the engine's documented schedules
(common/engine/tcp/tcb.h "Retransmission schedules"):
  syn_giveup  SYN sent at 0, resent after each interval; the attempt gives up when the
              interval after the last retry ends: intervals rto_init x (linear+1), then
              doubling, each capped at rto_max.
  stall       the longest a connection can go without progress before its RTO gives
              up: data_retries + 1 intervals, each at most rto_max.
  close       our FIN acknowledged or given up (stall), then the peer's FIN within
              max(fin_timeout, the peer's own stall), then TIME-WAIT (2 x MSL, restarted
              only by a retransmitted FIN, which the peer's stall bound covers).
  wall        syn_giveup + stall + close: a client slower than that has been stuck in
              some phase longer than any of its timers allows.
"""
import json
import os
import sys


def syn_giveup(p):
    iv, t, r = p["rto_init"], 0.0, p["syn_retries"]
    for k in range(r + 1):
        t += iv
        if k >= p["syn_linear"]:
            iv = min(iv * 2, p["rto_max"])
    return t


def bounds(p):
    stall = (p["data_retries"] + 1) * p["rto_max"]
    close = stall + max(p["fin_timeout"], stall) + 2 * p["msl"]
    syn = syn_giveup(p)
    return {k: v / 1000.0 for k, v in
            {"syn": syn, "stall": stall, "close": close, "wall": syn + stall + close}.items()}


def events(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def timeline(evs):
    """Times of the first entry into each state, the last state, retransmissions."""
    first, last, rtx, gave = {}, None, 0, 0
    for e in evs:
        if e.get("kind") == "state":
            first.setdefault(e["to"], e["t"])
            last = (e["from"], e["to"], e["t"])
        elif e.get("kind") == "retransmit":
            rtx += 1
        elif e.get("kind") == "gave-up":
            gave += 1
    return first, last, rtx, gave


class Verdicts:
    def __init__(self):
        self.bad = {}

    def fail(self, name, i, why):
        self.bad.setdefault(name, []).append("conn %d: %s" % (i, why))

    def report(self, name, n):
        errs = self.bad.get(name)
        if not errs:
            print("ok %s" % name)
        else:
            print("not ok %s (%d of %d: %s)" % (name, len(errs), n, "; ".join(errs[:5])))


def check_one(i, d, b, v, stats):
    try:
        _, rc, wall_us, h_in, h_out = open(os.path.join(d, "res%d" % i)).read().split()
    except (OSError, ValueError):
        v.fail("load_every_client_reported", i, "no result (killed?)")
        return
    rc, wall = int(rc), int(wall_us) / 1e6
    stats["wall"].append(wall)
    if rc != 0:
        v.fail("load_every_client_exit_0", i, "exit %d%s" % (rc, " (timeout: stuck)" if rc == 124 else ""))
    if h_in != h_out:
        v.fail("load_received_hash_equals_sent_hash", i, "sha256 %s.. != %s.." % (h_in[:12], h_out[:12]))
    if wall > b["wall"]:
        v.fail("load_wall_time_within_timer_bound", i, "%.2fs > %.2fs" % (wall, b["wall"]))
    try:
        first, last, rtx, gave = timeline(events(os.path.join(d, "ev%d" % i)))
    except (OSError, ValueError, KeyError) as ex:
        v.fail("load_client_log_readable", i, str(ex))
        return
    stats["rtx"].append(rtx)
    if gave:
        v.fail("load_no_retries_exhausted", i, "%d gave-up events" % gave)
    if not last or last[1] != "CLOSED" or last[0] not in ("TIME-WAIT", "LAST-ACK"):
        v.fail("load_client_reaches_closed_via_time_wait_or_last_ack", i, "last state change %s" % (last,))
    est, fw1 = first.get("ESTABLISHED"), first.get("FIN-WAIT-1", first.get("LAST-ACK"))
    if est is None or est - first.get("SYN-SENT", 0) > b["syn"]:
        v.fail("load_handshake_within_syn_bound", i, "ESTABLISHED at %s" % est)
    if fw1 is None or not last or last[2] - fw1 > b["close"]:
        v.fail("load_close_within_close_bound", i, "close began %s, CLOSED %s" % (fw1, last and last[2]))
    elif last:
        stats["close"].append(last[2] - fw1)


CHECKS = ["load_every_client_reported", "load_every_client_exit_0",
          "load_received_hash_equals_sent_hash", "load_client_log_readable",
          "load_no_retries_exhausted", "load_client_reaches_closed_via_time_wait_or_last_ack",
          "load_handshake_within_syn_bound", "load_close_within_close_bound",
          "load_wall_time_within_timer_bound"]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    p = json.loads(sys.argv[3])
    b = bounds(p)
    v, stats = Verdicts(), {"wall": [], "rtx": [], "close": []}
    for i in range(1, n + 1):
        check_one(i, d, b, v, stats)
    for name in CHECKS:
        v.report(name, n)
    w, r, c = stats["wall"], stats["rtx"], stats["close"]
    print("# bounds: handshake %.2fs, stall %.2fs, close %.2fs, wall %.2fs" %
          (b["syn"], b["stall"], b["close"], b["wall"]), file=sys.stderr)
    print("# client wall time: median %.2fs, p99 %.2fs, max %.2fs; close phase max %.2fs" %
          (pct(w, .5), pct(w, .99), max(w or [0]), max(c or [0])), file=sys.stderr)
    print("# client retransmissions: total %d, mean %.1f, p99 %d, max %d" %
          (sum(r), sum(r) / max(1, len(r)), pct(r, .99), max(r or [0])), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
