#!/usr/bin/env python3
"""longconn.py - N long-lived kernel TCP clients: each sends a line every 100 ms and checks the echo until a stop file appears."""
import os
import socket
import sys
import threading
import time

def one(host, port, i, sock, stop, deadline, results):
    sent = ok = 0
    sock.settimeout(5)
    try:
        while not os.path.exists(stop) and time.monotonic() < deadline:
            line = b"conn %d line %d\n" % (i, sent)
            sock.sendall(line)
            sent += 1
            want = b"Server: " + line
            got = b""
            while len(got) < len(want):
                chunk = sock.recv(len(want) - len(got))
                if not chunk:
                    raise OSError("connection closed by the server")
                got += chunk
            if got != want:
                raise OSError("echo mismatch: %r" % got)
            ok += 1
            time.sleep(0.1)
        results[i] = (True, ok, "")
    except OSError as e:
        results[i] = (False, ok, str(e))
    finally:
        sock.close()

def main():
    host, port, n, portfile, stop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    deadline = time.monotonic() + float(sys.argv[6]) if len(sys.argv) > 6 else time.monotonic() + 120
    socks = [socket.create_connection((host, port), timeout=10) for _ in range(n)]
    with open(portfile + ".tmp", "w") as f:
        f.write(" ".join(str(s.getsockname()[1]) for s in socks) + "\n")
    os.rename(portfile + ".tmp", portfile)
    results = [(False, 0, "not run")] * n
    threads = [threading.Thread(target=one, args=(host, port, i, socks[i], stop, deadline, results))
               for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, (good, ok, why) in enumerate(results):
        print("conn %d: %s, %d echoes%s" % (i, "alive" if good else "FAILED", ok, (": " + why) if why else ""))
    sys.exit(0 if all(r[0] for r in results) else 1)

main()
