# scapy_hs.py - bench peer: N hand-made scapy handshakes over one reused L3 socket, latency per handshake.
"""Run with /usr/bin/python3 (Debian's python3-scapy) inside the lab's client namespace.

One L3RawSocket (raw IPPROTO_RAW out, AF_PACKET in with a BPF filter for the server's
segments) is reused for every handshake: SYN out, wait for the SYN+ACK, ACK out, clock
stopped. Then a RST closes the server's side. The kernel's own RSTs (to a SYN+ACK for a
port it does not know) are dropped by the lab's nft rule; scapy's RST passes because the
raw socket carries SO_MARK 0x5359, the mark the rule exempts (LAB-NOTES trap 2).
Prints {"tool":"scapy_hs","samples_us":[...],"failed":F}.
"""
import argparse
import json
import select
import socket
import sys
import time

from scapy.all import IP, TCP, conf  # noqa: E402
from scapy.supersocket import L3RawSocket

SO_MARK = 36
MARK = 0x5359


def handshake(s, src, dst, dport, sport, timeout):
    isn = (sport * 7919) & 0xFFFFFFFF
    ip = IP(src=src, dst=dst)
    t0 = time.perf_counter()
    s.send(ip / TCP(sport=sport, dport=dport, flags="S", seq=isn))
    end = t0 + timeout
    while True:
        left = end - time.perf_counter()
        if left <= 0 or not select.select([s.ins], [], [], left)[0]:
            return None
        r = s.recv()
        if r is None or TCP not in r:
            continue
        t = r[TCP]
        if t.dport == sport and t.flags.S and t.flags.A and t.ack == isn + 1:
            break
    s.send(ip / TCP(sport=sport, dport=dport, flags="A", seq=isn + 1, ack=t.seq + 1))
    t1 = time.perf_counter()
    s.send(ip / TCP(sport=sport, dport=dport, flags="R", seq=isn + 1))
    return (t1 - t0) * 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--sport-base", type=int, default=50000)
    ap.add_argument("--iface", required=True)
    a = ap.parse_args()
    conf.verb = 0
    s = L3RawSocket(iface=a.iface, filter="tcp and src host %s and src port %d" % (a.dst, a.port))
    s.outs.setsockopt(socket.SOL_SOCKET, SO_MARK, MARK)
    samples, failed = [], 0
    for i in range(a.count):
        us = handshake(s, a.src, a.dst, a.port, a.sport_base + i, 1.0)
        if us is None:
            failed += 1
        else:
            samples.append(round(us, 3))
    s.close()
    json.dump({"tool": "scapy_hs", "samples_us": samples, "failed": failed}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
