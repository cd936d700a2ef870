# loss_recovery_check.py - from a capture (tshark fields on stdin) of one synlab-server connection: no whole-window resend, and what was resent.
"""Usage: tshark -r CAP -T fields -E separator=, -e tcp.srcport -e tcp.seq_raw -e tcp.len
          | loss_recovery_check.py SERVER_PORT

A sender that resends the whole window after a timeout (go-back-N) puts many segments
it already sent on the wire in one go. NewReno resends one segment per event: the RTO,
or an ACK (third duplicate, partial ACK, ACK below the recovery point). Every segment the
server resends makes the kernel peer answer on the wire (an ACK of the hole it fills,
or a duplicate ACK), so between two of the peer's segments the capture holds at most
one of the server's resends. Prints "max_burst N resent R data D peer P"."""
import sys


def main():
    port = sys.argv[1]
    top = None          # highest sequence number end the server has sent (raw, mod 2^32)
    burst = max_burst = resent = data = peer = 0
    for line in sys.stdin:
        f = line.strip().split(",")
        if len(f) < 3 or not f[1]:
            continue
        src, seq, ln = f[0], int(f[1]), int(f[2] or 0)
        if src != port:
            peer += 1
            burst = 0
            continue
        if ln == 0:
            continue
        data += 1
        end = (seq + ln) % 2**32
        if top is not None and ((top - end) % 2**32) < 2**31:   # end <= top: sent before
            resent += 1
            burst += 1
            max_burst = max(max_burst, burst)
        else:
            top = end
    print("max_burst %d resent %d data %d peer %d" % (max_burst, resent, data, peer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
