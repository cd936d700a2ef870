# live_log_cmp.py - compares a live program's JSON records with synlab-explain --json of a capture (test_live_log.sh).
# usage: live_log_cmp.py LIVE.json OFFLINE.json SIDE {frames|set}
#   frames: segment N of both agree on frame and every field below;
#   set: the same multiset of segments (a capture elsewhere may order crossing segments
#        differently and number frames differently).
# States: synlab-explain moves an end only when that end's own segments show what it
# received (explain_infer.h), so the side's state is compared after the segments it
# sent, where its TCB and the inference must agree; on the segments it received the TCB
# moves at once and the capture cannot show it (test_truth_live.sh compares whole paths).
# Prints one line saying what differs and exits 1, or exits 0.
import json
import sys

FIELDS = ("flags", "seq", "ack", "seq_raw", "ack_raw", "len", "win")


def segments(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                if r.get("type") == "segment":
                    out.append(r)
    return out


def key(r, side, with_frame):
    k = tuple(r[f] for f in FIELDS)
    st = r.get(side)
    sent = (r["dir"] == "c2s") == (side == "client")
    k += ((st or {}).get("after") if sent else None,)
    return ((r["frame"],) if with_frame else ()) + k


def main():
    live, off, side, mode = sys.argv[1:5]
    a, b = segments(live), segments(off)
    if not a:
        print("no live segment records")
        return 1
    if any(r.get(side) is None for r in a):
        print("a live record without the local side's states")
        return 1
    ka = [key(r, side, mode == "frames") for r in a]
    kb = [key(r, side, mode == "frames") for r in b]
    if mode == "set":
        ka, kb = sorted(ka, key=repr), sorted(kb, key=repr)
    if len(ka) != len(kb):
        print("live %d segments, offline %d" % (len(ka), len(kb)))
        return 1
    for x, y in zip(ka, kb):
        if x != y:
            print("live %s != offline %s" % (x, y))
            return 1
    return 0


sys.exit(main())
