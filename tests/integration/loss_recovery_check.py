# loss_recovery_check.py - from a capture (tshark fields on stdin) of one synlab-server connection: how many of the server's resends carried only bytes that had already crossed the wire.
"""Usage: tshark -r CAP -T fields -E separator=, -e tcp.srcport -e tcp.seq -e tcp.len
          | loss_recovery_check.py SERVER_PORT

The capture is taken on the server's veth end: what is in it reached the kernel peer
(synlab's own --impair drops what it sends before the wire, and the veth loses nothing).
A resend whose every byte was already on the wire before is needless: the peer had it.
Go-back-N after a timeout makes hundreds of those (every segment after the lost one);
NewReno resends only the segment an ACK or the timer shows missing, so a needless one
needs a spurious timeout (the peer's ACK lost in synlab's own 'in' impairment).
Prints "resent R needless N data D" (relative sequence numbers, one connection)."""
import sys


def main():
    port = sys.argv[1]
    seen = bytearray()
    resent = needless = data = 0
    for line in sys.stdin:
        f = line.strip().split(",")
        if len(f) < 3 or f[0] != port or not f[1] or not f[2] or int(f[2]) == 0:
            continue
        seq, ln = int(f[1]), int(f[2])
        data += 1
        if seq + ln > len(seen):
            seen.extend(b"\0" * (seq + ln - len(seen)))
        part = seen[seq:seq + ln]
        if any(part):
            resent += 1
            if all(part):
                needless += 1
        seen[seq:seq + ln] = b"\1" * ln
    print("resent %d needless %d data %d" % (resent, needless, data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
