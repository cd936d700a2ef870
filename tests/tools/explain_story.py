#!/usr/bin/env python3
# explain_story.py - one connection's per-endpoint state story from synlab-explain --json: the states each end went through, in order.
# Usage: explain_story.py JSONL [CONN]
# Prints "client: S1 S2 ...", "server: ...", and "end: closer=... reset=... simultaneous=..."
# from the summary. A state is listed when an end's own record shows it (before, via,
# after; repeats collapsed), then the summary's final state when it is known.
import json
import sys


def story(path, conn):
    st = {"client": [], "server": []}
    end = "end: no summary"
    for line in open(path):
        r = json.loads(line)
        if r.get("conn") != conn:
            continue
        if r["type"] == "segment":
            for w in st:
                ep = r.get(w)
                if not ep:
                    continue
                for s in [ep["before"]] + ep.get("via", []) + [ep["after"]]:
                    if not st[w] or st[w][-1] != s:
                        st[w].append(s)
        elif r["type"] == "summary":
            for w in st:
                f = r.get(w + "_final")
                if f and (not st[w] or st[w][-1] != f):
                    st[w].append(f)
            end = "end: closer=%s reset=%s simultaneous=%s" % (
                r.get("closed_first"), r.get("reset"), r.get("simultaneous_close"))
    return st, end


if __name__ == "__main__":
    st, end = story(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    for w in ("client", "server"):
        print("%s: %s" % (w, " ".join(st[w])))
    print(end)
