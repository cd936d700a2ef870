#!/usr/bin/env python3
# vantage_peer.py - kernel-socket peers for test_explain_vantage.sh: an echo, then a close chosen by the scenario.
# Usage: vantage_peer.py server|client SCENARIO ADDR PORT [CLOSE_AT]
#   client_first  the client closes first; the server closes when it reads the end
#   crossing      both close at the wall-clock time CLOSE_AT (seconds since the epoch):
#                 with a one-way delay on the path their FINs cross (simultaneous close)
#   server_reset  the server aborts with SO_LINGER 0 after its echo (a RST, RFC 9293
#                 §3.10.5 ABORT); the client then reads ECONNRESET or the end
import socket
import struct
import sys
import time


def sleep_until(t):
    d = t - time.time()
    if d > 0:
        time.sleep(d)


def serve(scen, addr, port, close_at):
    ls = socket.socket(socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4)
    ls.settimeout(20)
    print("listening", flush=True)
    c, _ = ls.accept()
    c.settimeout(20)
    data = c.recv(65536)
    c.sendall(b"Server: " + data)
    if scen == "crossing":
        sleep_until(close_at)
    elif scen == "server_reset":
        time.sleep(0.5)  # the client's ACK of the echo has come back
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        while c.recv(65536):
            pass
    c.close()
    time.sleep(1.0)  # the last ACKs and any retransmission before the capture stops
    ls.close()


def client(scen, addr, port, close_at):
    s = socket.create_connection((addr, port), timeout=20)
    s.sendall(b"Just a test.\r\n")
    s.recv(65536)
    if scen == "crossing":
        sleep_until(close_at)
    elif scen == "server_reset":
        try:
            while s.recv(65536):
                pass
        except ConnectionResetError:
            pass
    s.close()
    time.sleep(1.0)


if __name__ == "__main__":
    role, scen, addr, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    at = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    (serve if role == "server" else client)(scen, addr, port, at)
