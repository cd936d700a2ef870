#!/usr/bin/env python3
# reader_peer.py - kernel-socket peers over IPv4 or IPv6 for the reader corpus: echo, or N bytes of bulk data.
# Usage: reader_peer.py server|client echo|bulk:N ADDR PORT
import socket
import sys


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(mode, addr, port):
    ls = socket.socket(family(addr))
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4)
    ls.settimeout(20)
    c, _ = ls.accept()
    c.settimeout(20)
    data = b""
    while True:
        b = c.recv(65536)
        if not b:
            break
        data += b
    if mode == "echo":
        c.sendall(b"Server: " + data)
    else:
        c.sendall(bytes(i % 251 for i in range(int(mode.split(":")[1]))))
    c.close()
    ls.close()


def client(mode, addr, port):
    s = socket.create_connection((addr, port), timeout=20)
    s.sendall(b"Just a test.\r\n")
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    s.close()


if __name__ == "__main__":
    role, mode, addr, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    (serve if role == "server" else client)(mode, addr, port)
