#!/usr/bin/env python3
# truth_cmp.py - do synlab-explain's inferred states of a capture match what the live TCBs logged?
# Usage: truth_cmp.py EXPLAIN_JSONL LIVE_JSONL... ; each LIVE_JSONL is one synlab program's
# --json log (stderr; lines that are not JSON are skipped). For every connection a live
# program logged, the states its TCB went through (its "state" events) are compared with
# the states synlab-explain inferred for that end of the same connection (before / via /
# after of every segment record, then the summary's final state). Transitions no segment
# can show are left out on the live side, and said so: the startup CLOSED -> LISTEN and
# the timers that end a connection in silence (TIME-WAIT expiry, giving up).
# Prints one line per end ("agree ..." or "DISAGREE ...") and exits 1 on any disagreement.
import json
import sys

SILENT = {"time_wait_expired", "syn_gave_up", "synack_gave_up", "data_gave_up",
          "fin_wait_2_timeout"}


def load(path):
    out = []
    with open(path, errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    return out


def collapse(states):
    out = []
    for s in states:
        if s and (not out or out[-1] != s):
            out.append(s)
    return out


def tup(r):
    return (r["src"], r["sport"], r["dst"], r["dport"])


def key(t):
    a, b = (t[0], t[1]), (t[2], t[3])
    return tuple(sorted([a, b]))


def offline(recs):
    """conn -> {"ends": {(addr, port): "client"|"server"}, "path": {who: [states]}}"""
    conns = {}
    for r in recs:
        c = conns.setdefault(r["conn"], {"ends": {}, "path": {"client": [], "server": []},
                                         "key": None})
        if r["type"] == "segment":
            sender = "client" if r["dir"] == "c2s" else "server"
            other = "server" if sender == "client" else "client"
            c["ends"][(r["src"], r["sport"])] = sender
            c["ends"][(r["dst"], r["dport"])] = other
            c["key"] = key(tup(r))
            for who in ("client", "server"):
                ep = r[who]
                if ep:
                    c["path"][who] += [ep["before"]] + ep.get("via", []) + [ep["after"]]
        elif r["type"] == "summary":
            for who in ("client", "server"):
                c["path"][who].append(r[who + "_final"])
    return conns


def live(recs):
    """(key, local (addr, port)) -> list of conns, each its states in order."""
    conns = {}
    for r in recs:
        if r.get("type") == "segment" and r.get("conn"):
            c = conns.setdefault(r["conn"], {"events": [], "key": None, "local": None})
            if c["key"] is None:
                c["key"] = key(tup(r))
                me = "client" if r["client"] is not None else "server"
                sender = "client" if r["dir"] == "c2s" else "server"
                c["local"] = (r["src"], r["sport"]) if me == sender else (r["dst"], r["dport"])
        if r.get("type") == "event" and r.get("kind") == "state" and r.get("conn"):
            c = conns.setdefault(r["conn"], {"events": [], "key": None, "local": None})
            c["events"].append(r)
    return conns


def live_path(events):
    ev = list(events)
    while ev and ev[-1]["why"] in SILENT:
        ev.pop()
    path = collapse([ev[0]["from"]] + [e["to"] for e in ev]) if ev else []
    if len(path) > 1 and path[0] == "CLOSED" and path[1] == "LISTEN":
        path = path[1:]	# the listener opening: no segment shows it
    return path


def main():
    off = offline(load(sys.argv[1]))
    bad = total = 0
    for lf in sys.argv[2:]:
        for cid, c in sorted(live(load(lf)).items()):
            if c["key"] is None:
                continue
            want = live_path(c["events"])
            matches = [o for o in off.values() if o["key"] == c["key"]]
            total += 1
            if not matches:
                print("DISAGREE %s conn %d: not in the capture" % (lf, cid))
                bad += 1
                continue
            # several offline connections on one 4-tuple: the one whose path matches, if any
            who = matches[0]["ends"].get(c["local"])
            got = [collapse(o["path"].get(who, [])) for o in matches]
            if want in got:
                print("agree %s conn %d %s: %s" % (lf, cid, who, " > ".join(want)))
            else:
                print("DISAGREE %s conn %d %s: live %s, explain %s" %
                      (lf, cid, who, " > ".join(want), " | ".join(" > ".join(g) for g in got)))
                bad += 1
    print("%d of %d ends agree" % (total - bad, total))
    sys.exit(1 if bad or total == 0 else 0)


main()
