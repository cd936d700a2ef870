#!/usr/bin/env python3
# explain_cmp.py - compares synlab-explain --json with tshark, segment by segment (flags, seq/ack, analysis).
# Usage: explain_cmp.py CAPTURE JSONL. Prints one line per mismatch; exits 1 on any.
import json
import subprocess
import sys

LABELS = ["retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
          "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window",
          "zero_window_probe", "zero_window_probe_ack", "window_full", "window_update",
          "keep_alive", "keep_alive_ack", "reused_ports"]
FIELDS = ["frame.number", "tcp.flags.str", "tcp.seq", "tcp.ack", "tcp.seq_raw", "tcp.ack_raw",
          "tcp.len", "tcp.stream", "tcp.window_size_value"]
# tshark's tcp.flags.str letters -> tcpdump's, in tcpdump's order (F S R P . U E W).
ORDER = [("F", "F"), ("S", "S"), ("R", "R"), ("P", "P"), ("A", "."), ("U", "U"), ("E", "E"),
         ("C", "W")]


def tshark(cap, args):
    out = subprocess.run(["tshark", "-n", "-r", cap] + args, capture_output=True, text=True,
                         check=True).stdout
    return out.splitlines()


def tcpdump_flags(s):
    letters = set(ch for ch in s if ch.isalpha())
    r = "".join(t for w, t in ORDER if w in letters)
    return r or "none"


def main():
    cap, jl = sys.argv[1], sys.argv[2]
    args = ["-Y", "tcp", "-T", "fields", "-E", "separator=,"]
    for f in FIELDS:
        args += ["-e", f]
    want = {}
    for line in tshark(cap, args):
        v = line.split(",")
        want[int(v[0])] = {"flags": tcpdump_flags(v[1]), "seq": int(v[2]), "ack": int(v[3]),
                           "seq_raw": int(v[4]), "ack_raw": int(v[5]), "len": int(v[6]),
                           "conn": int(v[7]) + 1, "win": int(v[8]), "analysis": set()}
    for lab in LABELS:
        for line in tshark(cap, ["-Y", "tcp.analysis." + lab, "-T", "fields", "-e",
                                 "frame.number"]):
            want[int(line)]["analysis"].add(lab)
    got = {}
    with open(jl) as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("type") == "segment":
                r["analysis"] = set(r["analysis"])
                got[r["frame"]] = r
    bad = 0
    for fr in sorted(set(want) | set(got)):
        if fr not in got or fr not in want:
            print("frame %d: only in %s" % (fr, "tshark" if fr in want else "synlab"))
            bad += 1
            continue
        for k, v in want[fr].items():
            if got[fr][k] != v:
                print("frame %d: %s tshark=%s synlab=%s" % (fr, k, v, got[fr][k]))
                bad += 1
    print("%d segments compared, %d mismatches" % (len(want), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
