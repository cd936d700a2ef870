#!/usr/bin/env python3
"""kclients.py - N kernel TCP clients in parallel against an echo server; checks each reply."""
import socket
import sys
import threading

def one(host, port, i, results):
    line = b"hello %d\n" % i
    try:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(line)
            got = b""
            want = b"Server: " + line
            while len(got) < len(want):
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
            results[i] = got == want
    except OSError as e:
        print("client %d: %s" % (i, e), file=sys.stderr)
        results[i] = False

def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    results = [False] * n
    threads = [threading.Thread(target=one, args=(host, port, i, results)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    ok = sum(results)
    print("%d/%d connections echoed" % (ok, n))
    sys.exit(0 if ok == n else 1)

main()
