#!/usr/bin/env python3
# tests/fuzz/mkcorpus.py - (re)writes the small seed corpora under tests/fuzz/corpus/ from
# the test vectors and the impairment unit tests. Run from anywhere; output is deterministic.
import os
import re
import struct

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(TOP, 'tests', 'fuzz', 'corpus')


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def pcap_frames(path):
    """IPv4 bytes of each frame of a classic pcap (Ethernet, raw IPv4 or Linux cooked)."""
    raw = open(path, 'rb').read()
    if len(raw) < 24:
        return []
    magic = raw[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        return []
    link = struct.unpack(end + 'I', raw[20:24])[0]
    skip = {1: 14, 101: 0, 113: 16, 276: 20}.get(link)
    if skip is None:
        return []
    out, off = [], 24
    while off + 16 <= len(raw):
        incl = struct.unpack(end + 'I', raw[off + 8:off + 12])[0]
        frame = raw[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) > skip and frame[skip] >> 4 == 4:
            out.append(frame[skip:])
    return out


def seg_corpus():
    vec = os.path.join(TOP, 'tests', 'vectors')
    n = 0
    for f in ['kernel_handshake.pcap', 'explain/eth_echo.pcap', 'explain/raw_echo.pcap']:
        for ip in pcap_frames(os.path.join(vec, f)):
            put('seg', 'vec%02d' % n, ip)
            n += 1
    # one SYN with every option kind the codec decodes (MSS, SACK-perm, TS, NOP, WS) and SACK
    tcp = struct.pack('>HHIIBBHHH', 40000, 8080, 1, 0, 0xb0, 0x02, 64240, 0, 0)
    opts = bytes([2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
                  1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9])
    tcp = tcp[:12] + bytes([(20 + len(opts)) // 4 << 4]) + tcp[13:] + opts
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0,
                     bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
    put('seg', 'opts_all', ip + tcp)


def pcap_corpus():
    vec = os.path.join(TOP, 'tests', 'vectors')
    for f in sorted(os.listdir(os.path.join(vec, 'explain'))):
        put('pcap', f.replace('.', '_'), open(os.path.join(vec, 'explain', f), 'rb').read())
    put('pcap', 'kernel_handshake_pcap', open(os.path.join(vec, 'kernel_handshake.pcap'), 'rb').read())


def impair_corpus():
    words = ('drop', 'loss', 'delay', 'dup', 'reorder', 'corrupt')
    rules = set()
    for t in ['test_impair.c', 'test_impair_parse.c']:
        src = open(os.path.join(TOP, 'tests', 'unit', t), encoding='utf-8').read()
        for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', src):
            text = lit.encode().decode('unicode_escape').encode('latin-1', 'replace')
            if text.split(b' ')[0].lower().lstrip(b'# \n').startswith(
                    tuple(w.encode() for w in words)):
                rules.add(text)
    for i, r in enumerate(sorted(rules)):
        put('impair', 'rule%03d' % i, r)
    put('impair', 'file', b'# lab 3\ndrop out ACK state=TIME-WAIT nth=1\n\n'
        b'delay in SYN+ACK 300ms\xc2\xb120ms seed=7 ; loss 0.5% port=8080\nreorder 200ms out data\n')


def tcb_corpus():
    # cfg byte, then ops (see fuzz_tcb.c step()): a full handshake, 256 bytes each way,
    # a four-segment close and the TIME-WAIT timer.
    hs = [0x01, 0x04, 0, 0x00, 0, 0x04, 0]
    data = [0x02, 0x01, 0x00, 0x04, 0, 0x26, 0x10, 0x00, 0x00, 0,
            0x06, 0x01, 0x00, 0x00, 0, 0x22, 0x10, 0x00, 0x04, 0]
    close = [0x42, 0x04, 0, 0x46, 0x00, 0, 0x00, 0, 0x04, 0, 0x21]
    put('tcb', 'handshake', bytes(hs))
    put('tcb', 'echo_close', bytes(hs + data + close))
    put('tcb', 'lossy', bytes(hs + [0x02, 0x20, 0x00, 0x14, 0, 0x05, 0x25, 0x04, 0, 0x00, 0]))
    put('tcb', 'crafted', bytes([0x07] + hs + [0x20, 0x12, 0x80, 0x80, 0xff, 0xff, 0x80, 0x10,
                                             0x24, 0x11, 0x81, 0x81, 0x00, 0x10, 0x00, 0x00]))
    put('tcb', 'wrap', bytes([0x43] + hs + data + close))


if __name__ == '__main__':
    seg_corpus()
    pcap_corpus()
    impair_corpus()
    tcb_corpus()
