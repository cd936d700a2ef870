#!/usr/bin/env python3
# explain_peer.py - tiny kernel-socket peers for synlab-explain's captures (echo, server-closes-first).
import socket
import sys


def serve(mode, addr, port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4)
    ls.settimeout(20)
    c, _ = ls.accept()
    c.settimeout(20)
    if mode == "echo":  # seed 003: answer "Server: " + data once the client has closed
        data = b""
        while True:
            b = c.recv(4096)
            if not b:
                break
            data += b
        c.sendall(b"Server: " + data)
    else:  # server closes first
        c.sendall(b"hello\n")
    c.close()
    ls.close()


def client(mode, addr, port):
    s = socket.create_connection((addr, port), timeout=20)
    if mode == "echo":
        s.sendall(b"Just a test.\r\n")
        s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
    s.close()


if __name__ == "__main__":
    role, mode, addr, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    (serve if role == "server" else client)(mode, addr, port)
