#!/usr/bin/env python3
# explain_cmp.py - compares synlab-explain --json with tshark frame by frame (flags, seq/ack, raw, len, stream, window, analysis) and prints the agreement.
# Usage: explain_cmp.py [--min-agree PCT] [--tshark-opt OPT]... [--analysis-from HEALED] CAPTURE JSONL
# Prints one line per mismatch, the agreement of every field, and last
# "N segments compared, M mismatches". Exits 1 when a frame tshark decodes as TCP is
# missing or skipped in the JSON (except one whose TCP header tshark itself could not
# read: that must be a "skipped" record saying "truncated"), or when any field agrees on
# fewer than PCT % of the frames (default 100: every field of every frame).
# --analysis-from HEALED: CAPTURE is cut (tcpdump -s) and HEALED is its copy made by
# reader_pcaptool.py heal (cut TCP options padded with NOPs). tshark adds no analysis to
# a frame whose TCP options are cut (their dissection throws first), so its silence there
# is no oracle: the analysis wanted is tshark's of HEALED, frame by frame, after each
# frame's flags, raw seq/ack and length are checked to be the same segment there.
import argparse
import json
import subprocess
import sys

LABELS = ["retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
          "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window",
          "zero_window_probe", "zero_window_probe_ack", "window_full", "window_update",
          "keep_alive", "keep_alive_ack", "reused_ports"]
FIELDS = ["frame.number", "tcp.flags.str", "tcp.seq", "tcp.ack", "tcp.seq_raw", "tcp.ack_raw",
          "tcp.len", "tcp.stream", "tcp.window_size_value", "frame.protocols"]
KEYS = ["flags", "seq", "ack", "seq_raw", "ack_raw", "len", "conn", "win", "analysis"]
# tshark's tcp.flags.str letters -> tcpdump's, in tcpdump's order (F S R P . U E W).
ORDER = [("F", "F"), ("S", "S"), ("R", "R"), ("P", "P"), ("A", "."), ("U", "U"), ("E", "E"),
         ("C", "W")]


def tshark(cap, opts, args):
    out = subprocess.run(["tshark", "-n", "-r", cap] + opts + args, capture_output=True,
                         text=True, check=True).stdout
    return out.splitlines()


def tcpdump_flags(s):
    letters = set(ch for ch in s if ch.isalpha())
    r = "".join(t for w, t in ORDER if w in letters)
    return r or "none"


def want_of(cap, opts):
    # One tshark pass: the label fields are FT_NONE, printed as "1" when present;
    # occurrence=f: a field present twice must not add a column.
    args = ["-Y", "tcp", "-T", "fields", "-E", "separator=,", "-E", "occurrence=f"]
    for f in FIELDS + ["tcp.analysis." + lab for lab in LABELS]:
        args += ["-e", f]
    want, cut, quoted = {}, set(), set()
    nf = len(FIELDS)
    for line in tshark(cap, opts, args):
        v = line.split(",")
        # frame.protocols holds no comma; the label columns follow it
        fr = int(v[0])
        protos = v[9].split(":")
        if "icmp" in protos or "icmpv6" in protos:
            quoted.add(fr)  # a TCP header quoted inside an ICMP error: not a segment
            continue
        if "" in v[1:9]:
            cut.add(fr)  # tshark could not read the whole fixed TCP header either
            continue
        want[fr] = {"flags": tcpdump_flags(v[1]), "seq": int(v[2]), "ack": int(v[3]),
                    "seq_raw": int(v[4]), "ack_raw": int(v[5]), "len": int(v[6]),
                    "conn": int(v[7]) + 1, "win": int(v[8]),
                    "analysis": set(lab for lab, x in zip(LABELS, v[nf:]) if x)}
    return want, cut, quoted


def got_of(jl):
    got, skipped = {}, {}
    with open(jl) as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("type") == "segment":
                r["analysis"] = set(r["analysis"])
                got[r["frame"]] = r
            elif r.get("type") == "skipped":
                skipped[r["frame"]] = r["reason"]
    return got, skipped


def analysis_of_healed(want, whole):
    """Each frame's wanted analysis from the healed copy; the frames that are not
    the same segment there are counted as mismatches (and keep no analysis)."""
    bad = 0
    for fr, w in want.items():
        o = whole.get(fr)
        if o is None or any(o[k] != w[k] for k in ("flags", "seq_raw", "ack_raw", "len")):
            print("frame %d: not the same segment in the healed copy" % fr)
            bad += 1
            w["analysis"] = None
            continue
        w["analysis"] = o["analysis"]
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-agree", type=float, default=100.0)
    ap.add_argument("--tshark-opt", action="append", default=[])
    ap.add_argument("--analysis-from", metavar="HEALED")
    ap.add_argument("cap")
    ap.add_argument("jsonl")
    a = ap.parse_args()
    opts = []
    for o in a.tshark_opt:
        opts += ["-o", o]
    want, cut, quoted = want_of(a.cap, opts)
    got, skipped = got_of(a.jsonl)
    bad, lost = 0, 0
    if a.analysis_from:
        bad += analysis_of_healed(want, want_of(a.analysis_from, opts)[0])
    agree = {k: 0 for k in KEYS}
    for fr in sorted(cut):
        if "truncated" not in skipped.get(fr, ""):
            print("frame %d: TCP header cut (tshark has no flags) but not skipped as truncated"
                  % fr)
            bad += 1
            lost += 1
    for fr in sorted(set(want) | set(got)):
        if fr not in got or fr not in want:
            where = "tshark" if fr in want else "synlab"
            why = " (skipped: %s)" % skipped[fr] if fr in skipped else ""
            print("frame %d: only in %s%s" % (fr, where, why))
            bad += 1
            lost += fr in want
            continue
        for k in KEYS:
            if got[fr][k] == want[fr][k]:
                agree[k] += 1
            else:
                print("frame %d: %s tshark=%s synlab=%s" % (fr, k, want[fr][k], got[fr][k]))
                bad += 1
    n = len(want)
    low = []
    for k in KEYS:
        pct = 100.0 * agree[k] / n if n else 100.0
        if pct < a.min_agree:
            low.append(k)
        print("agree %-9s %d/%d (%.2f%%)" % (k, agree[k], n, pct))
    print("tcp frames %d, header cut %d, quoted in ICMP %d, missing or skipped %d"
          % (n + len(cut), len(cut), len(quoted), lost))
    if low:
        print("below %.1f%%: %s" % (a.min_agree, " ".join(low)))
    print("%d segments compared, %d mismatches" % (n, bad))
    return 1 if low or lost else 0


if __name__ == "__main__":
    sys.exit(main())
