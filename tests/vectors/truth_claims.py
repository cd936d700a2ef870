# tests/vectors/truth_claims.py - writes explain/truth_claims.pcap: one connection per false claim the explainer once made.
# scapy only WRITES the packets (their checksums, their IP IDs); tshark and synlab-explain read them.
# Usage: /usr/bin/python3 tests/vectors/truth_claims.py tests/vectors/explain/truth_claims.pcap
import sys

from scapy.all import IP, TCP, Ether, Raw, wrpcap

C, S = "198.18.0.1", "198.18.0.2"
pkts = []


def seg(t, c2s, sport, flags, seq, ack, win=65535, data=b"", ipid=1):
    src, dst = (C, S) if c2s else (S, C)
    sp, dp = (sport, 80) if c2s else (80, sport)
    p = Ether() / IP(src=src, dst=dst, id=ipid, flags="DF") / TCP(
        sport=sp, dport=dp, flags=flags, seq=seq, ack=ack, window=win)
    if data:
        p = p / Raw(data)
    p.time = t
    pkts.append(p)


def handshake(t, sp, ci, si):
    seg(t, True, sp, "S", ci, 0, ipid=1)
    seg(t + 0.0001, False, sp, "SA", si, ci + 1, ipid=1)
    seg(t + 0.0002, True, sp, "A", ci + 1, si + 1, ipid=2)


D = b"Just a test.\r\n"
# 1. the same packet captured twice: same IP ID, 2 us apart
handshake(0.0, 40001, 1000, 5000)
seg(0.001, True, 40001, "PA", 1001, 5001, data=D, ipid=3)
seg(0.001002, True, 40001, "PA", 1001, 5001, data=D, ipid=3)
seg(0.0011, False, 40001, "A", 5001, 1015, ipid=2)
# 2. a SYN to a closed port, refused with RST+ACK
seg(1.0, True, 40002, "S", 2000, 0, ipid=1)
seg(1.00005, False, 40002, "RA", 0, 2001, win=0, ipid=0)
# 3. zero-window probes in Linux's form (seq one below the next byte), backing off
handshake(2.0, 40003, 3000, 7000)
seg(2.001, True, 40003, "PA", 3001, 7001, data=D, ipid=3)
seg(2.0011, False, 40003, "A", 7001, 3015, win=0, ipid=2)
seg(5.4011, True, 40003, "A", 3014, 7001, ipid=4)
seg(5.4012, False, 40003, "A", 7001, 3015, win=0, ipid=3)
seg(12.2011, True, 40003, "A", 3014, 7001, ipid=5)
seg(12.2012, False, 40003, "A", 7001, 3015, win=0, ipid=4)
# 4. an in-window RST (not at RCV.NXT) and the challenge ACK it gets (RFC 5961 §3.2)
handshake(20.0, 40004, 4000, 8000)
seg(20.001, True, 40004, "PA", 4001, 8001, data=D, ipid=3)
seg(20.0011, False, 40004, "A", 8001, 4015, ipid=2)
seg(20.3, True, 40004, "R", 4115, 0, win=0, ipid=4)
seg(20.3001, False, 40004, "A", 8001, 4015, ipid=3)
# 5. crossing FINs seen from the client's side
handshake(30.0, 40005, 5000, 9000)
seg(30.001, True, 40005, "FA", 5001, 9001, ipid=3)
seg(30.0011, False, 40005, "FA", 9001, 5001, ipid=2)
seg(30.0025, True, 40005, "A", 5002, 9002, ipid=4)
seg(30.0026, False, 40005, "A", 9002, 5002, ipid=3)
# 6. a FIN without ACK at the SYN's sequence number, in SYN-RECEIVED
seg(40.0, True, 40006, "S", 6000, 0, ipid=1)
seg(40.0001, False, 40006, "SA", 10000, 6001, ipid=1)
seg(40.0002, True, 40006, "F", 6000, 0, ipid=2)

wrpcap(sys.argv[1], pkts)
