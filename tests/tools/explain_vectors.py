#!/usr/bin/env python3
# explain_vectors.py - derives synlab-explain's small test vectors (other link types, bad files) from eth_echo.pcap.
import os
import struct
import sys

d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../vectors/explain")
src = open(os.path.join(d, "eth_echo.pcap"), "rb").read()
hdr, body = src[:24], src[24:]
recs = []
while body:
    ts1, ts2, cl, wl = struct.unpack("<IIII", body[:16])
    recs.append((ts1, ts2, body[16:16 + cl]))
    body = body[16 + cl:]


def write(name, linktype, link, out=None):
    h = bytearray(hdr)
    h[20:24] = struct.pack("<I", linktype)
    data = bytes(h)
    for ts1, ts2, frame in recs:
        p = link(frame[14:])  # the IPv4 bytes of the Ethernet frame
        data += struct.pack("<IIII", ts1, ts2, len(p), len(p)) + p
    open(os.path.join(d, name), "wb").write(data if out is None else out(data))


write("null_echo.pcap", 0, lambda ip: struct.pack("<I", 2) + ip)          # DLT_NULL, host order
write("loop_echo.pcap", 108, lambda ip: struct.pack(">I", 2) + ip)        # DLT_LOOP
write("raw_echo.pcap", 101, lambda ip: ip)                                # LINKTYPE_RAW
write("vlan_echo.pcap", 1, lambda ip: b"\x02" * 12 + b"\x81\x00\x00\x05\x08\x00" + ip)
write("cut_echo.pcap", 1, lambda ip: b"\x02" * 12 + b"\x08\x00" + ip, lambda b: b[:len(b) - 30])
write("unknown_link.pcap", 147, lambda ip: ip)                            # DLT_USER0
open(os.path.join(d, "header_only.pcap"), "wb").write(hdr)
open(os.path.join(d, "empty.pcap"), "wb").write(b"")
open(os.path.join(d, "text.pcap"), "wb").write(b"this is not a capture\nbut a text file\n")
open(os.path.join(d, "random.pcap"), "wb").write(bytes((i * 73 + 41) % 256 for i in range(300)))
