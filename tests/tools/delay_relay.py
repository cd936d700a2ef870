#!/usr/bin/env python3
# delay_relay.py - a layer-2 relay between two interfaces that delays every frame by a fixed time (a wire with latency where tc netem is not built into the kernel).
# Usage: delay_relay.py IF_A IF_B DELAY_MS MAX_SECONDS
# Run inside a namespace holding IF_A and IF_B (no addresses, no bridge): each frame
# received on one is sent on the other DELAY_MS later, in arrival order. Stops after
# MAX_SECONDS or on SIGTERM. Frames it sent itself (PACKET_OUTGOING) are not relayed.
import heapq
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def main():
    if len(sys.argv) != 5:
        print("usage: delay_relay.py IF_A IF_B DELAY_MS MAX_SECONDS", file=sys.stderr)
        return 2
    ifa, ifb = sys.argv[1], sys.argv[2]
    delay = float(sys.argv[3]) / 1000.0
    stop_at = time.monotonic() + float(sys.argv[4])
    socks = {}
    for name in (ifa, ifb):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((name, 0))
        s.setblocking(False)
        socks[name] = s
    other = {socks[ifa].fileno(): socks[ifb], socks[ifb].fileno(): socks[ifa]}
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    queue, n = [], 0  # (due, order, out socket, frame): order keeps arrival order
    print("relaying %s <-> %s, %.1f ms" % (ifa, ifb, delay * 1000), flush=True)
    while running[0] and time.monotonic() < stop_at:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                out.send(frame)
            except OSError:
                pass  # a frame too big or the link going away: a lossy wire
        wait = min(0.05, max(0.0, queue[0][0] - now)) if queue else 0.05
        ready, _, _ = select.select(list(socks.values()), [], [], wait)
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                n += 1
                heapq.heappush(queue, (time.monotonic() + delay, n, other[s.fileno()], frame))
    return 0


if __name__ == "__main__":
    sys.exit(main())
