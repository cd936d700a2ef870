#!/usr/bin/env python3
"""pcapng_comments_cmp.py - every frame of a live program's -w FILE.pcapng carries, as its comment, the prose its --json log gives that frame.

Usage: pcapng_comments_cmp.py LOG.json COMMENTS.tsv
COMMENTS.tsv: `tshark -r F.pcapng -T fields -e frame.number -e frame.comment`.
A frame's prose is its segment record's "explain" (the first one, for a frame a rule
duplicated), or, for a received segment an impairment rule dropped (it gets no segment
record), the drop record's. Exit 0 when every frame has exactly that comment.
"""
import json
import sys


def wanted(log):
    want = {}
    for line in open(log, encoding="utf-8"):
        r = json.loads(line)
        frame = r.get("frame", 0)
        if not frame:
            continue
        if r["type"] == "segment" or (r["type"] == "impair" and r.get("act") == "drop"):
            want.setdefault(str(frame), r["explain"])
    return want


def main():
    want = wanted(sys.argv[1])
    rows = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[2], encoding="utf-8")]
    bad = 0
    for row in rows:
        num, comment = row[0], row[1] if len(row) > 1 else ""
        if comment != want.get(num):
            bad += 1
            print(f"# frame {num}: comment {comment[:70]!r}, log {want.get(num, '')[:70]!r}")
    print(f"# {len(rows)} frames, {len(want)} frames in the log, {bad} comments differ")
    return 1 if bad or not rows or len(rows) != len(want) else 0


if __name__ == "__main__":
    sys.exit(main())
