#!/usr/bin/env python3
# reader_pcaptool.py - rewrites a classic pcap for synlab-explain's reader corpus: other link types, IPv6 extension headers, time jumps.
# Usage: reader_pcaptool.py OP IN OUT [ARG]
#   link LT           Ethernet frames re-framed as link type LT: raw (101), ipv6 (229),
#                     null-le28 (DLT_NULL, FreeBSD AF_INET6 28, little-endian), loop30
#                     (DLT_LOOP, Darwin AF_INET6 30, network order)
#   v6ext             each IPv6 TCP frame gets hop-by-hop, destination options, routing
#                     (type 4, segments left 0) and an atomic Fragment header (RFC 8200 §4)
#   tags T,T,...      Ethernet frames get VLAN tags, outermost first, each TPID:VID
#                     (e.g. 88a8:100,8100:200 for QinQ)
#   timejump F:S      frames F.. shifted by S seconds (S may be negative)
#   swap A:B          frames A and B trade their bytes, each keeping its time: the tap
#                     saw B's segment first (two captures at one veth can see two
#                     segments in either order: seen in CI)
#   heal              an Ethernet TCP frame whose fixed TCP header is whole but whose
#                     options are cut (tcpdump -s) gets NOP bytes (kind 1) up to the header
#                     length it states: tshark adds no analysis to a frame whose options
#                     dissection runs out of bytes, so a cut file's analysis oracle is
#                     tshark on its healed copy (same frames, same order, same fields)
# Only the bytes named change: the TCP checksum is unaffected (the pseudo-header has the
# same addresses; a routing header with 0 segments left names no other destination).
import struct
import sys

LT = {"raw": 101, "ipv6": 229, "null-le28": 0, "loop30": 108}


def read(path):
    with open(path, "rb") as f:
        b = f.read()
    magic = struct.unpack("<I", b[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        sys.exit("%s: a little-endian pcap is expected" % path)
    hdr, off, recs = b[:24], 24, []
    while off + 16 <= len(b):
        s, frac, cap, wire = struct.unpack("<IIII", b[off:off + 16])
        recs.append([s, frac, wire, b[off + 16:off + 16 + cap]])
        off += 16 + cap
    return hdr, recs


def write(path, hdr, recs, lt=None):
    if lt is not None:
        hdr = hdr[:20] + struct.pack("<I", lt)
    with open(path, "wb") as f:
        f.write(hdr)
        for s, frac, wire, d in recs:
            f.write(struct.pack("<IIII", s, frac, len(d), max(wire, len(d))) + d)


def relink(recs, name):
    out = []
    for s, frac, wire, d in recs:
        ip = d[14:]
        if name == "null-le28":
            ip = struct.pack("<I", 28) + ip
        elif name == "loop30":
            ip = struct.pack(">I", 30) + ip
        out.append([s, frac, wire - len(d) + len(ip), ip])
    return out


def v6ext(recs):
    out = []
    for s, frac, wire, d in recs:
        if d[12:14] != b"\x86\xdd" or d[14 + 6] != 6:
            out.append([s, frac, wire, d])
            continue
        ip, rest = d[14:54], d[54:]
        hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])        # next: dest opts; PadN
        dst = bytes([43, 0, 1, 4, 0, 0, 0, 0])        # next: routing; PadN
        rt = bytes([44, 0, 253, 0, 0, 0, 0, 0])       # next: fragment; type 253 (RFC 4727), 0 left
        frag = bytes([6, 0, 0, 0]) + struct.pack(">I", 0x5359)  # offset 0, M 0: atomic
        ext = hbh + dst + rt + frag
        plen = struct.unpack(">H", ip[4:6])[0] + len(ext)
        ip = ip[:4] + struct.pack(">H", plen) + bytes([0]) + ip[7:]
        nd = d[:14] + ip + ext + rest
        out.append([s, frac, wire + len(ext), nd])
    return out


def tags(recs, spec):
    tag = b""
    for t in spec.split(","):
        tpid, vid = t.split(":")
        tag += struct.pack(">HH", int(tpid, 16), int(vid))
    # each tag's TPID goes where the ethertype was; the original type follows the last
    out = []
    for s, frac, wire, d in recs:
        nd = d[:12] + tag + d[12:]
        out.append([s, frac, wire + len(tag), nd])
    return out


def timejump(recs, arg, nano):
    first, shift = arg.split(":")
    first, shift = int(first), float(shift)
    per = 10**9 if nano else 10**6
    for i, r in enumerate(recs, 1):
        if i >= first:
            t = r[0] * per + r[1] + int(round(shift * per))
            r[0], r[1] = divmod(t, per)
    return recs


def swap(recs, arg):
    a, b = (int(x) - 1 for x in arg.split(":"))
    for k in (2, 3):  # wire length and bytes; the times stay in order
        recs[a][k], recs[b][k] = recs[b][k], recs[a][k]
    return recs


def tcp_offset(d):
    """Where the TCP header starts in an untagged Ethernet frame, or None."""
    if d[12:14] == b"\x08\x00" and len(d) >= 34 and d[23] == 6:
        return 14 + (d[14] & 0x0F) * 4
    if d[12:14] == b"\x86\xdd" and len(d) >= 54 and d[20] == 6:
        return 54
    return None


def heal(recs):
    for r in recs:
        d = r[3]
        t = tcp_offset(d)
        if t is None or len(d) < t + 20:
            continue  # no TCP, or its fixed header cut: tshark cannot read that either
        end = t + (d[t + 12] >> 4) * 4
        if len(d) < end:
            r[3] = d + b"\x01" * (end - len(d))
    return recs


def main():
    op, src, dst = sys.argv[1:4]
    hdr, recs = read(src)
    if op == "link":
        write(dst, hdr, relink(recs, sys.argv[4]), LT[sys.argv[4]])
    elif op == "tags":
        write(dst, hdr, tags(recs, sys.argv[4]))
    elif op == "v6ext":
        write(dst, hdr, v6ext(recs))
    elif op == "timejump":
        nano = struct.unpack("<I", hdr[:4])[0] == 0xA1B23C4D
        write(dst, hdr, timejump(recs, sys.argv[4], nano))
    elif op == "heal":
        write(dst, hdr, heal(recs))
    elif op == "swap":
        write(dst, hdr, swap(recs, sys.argv[4]))
    else:
        sys.exit("unknown op " + op)


if __name__ == "__main__":
    main()
