# kernel_xfer.py - a kernel TCP client that uploads N bytes to a mirror (synlab-server --app mirror, or --serve here) and reads them back, byte-exact; prints one JSON line.
"""Usage: kernel_xfer.py HOST:PORT BYTES [--seed S] [--timeout SEC]
       kernel_xfer.py --serve ADDR:PORT      (a kernel mirror server, one connection at a time)

The upload and the read-back run at the same time (two threads), so the mirror never
waits for a reader. Output: {"ok":..., "seconds":..., "sent":..., "received":...,
"error":...}; the exit status is 0 only when every byte came back in order in time.
"""
import json
import random
import socket
import sys
import threading
import time


def serve(addr):
    host, port = addr.rsplit(":", 1)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, int(port)))
    ls.listen(8)
    while True:
        c, _ = ls.accept()
        with c:
            while True:
                b = c.recv(65536)
                if not b:
                    break
                c.sendall(b)


def main():
    if sys.argv[1] == "--serve":
        serve(sys.argv[2])
        return 0
    host, port = sys.argv[1].rsplit(":", 1)
    n = int(sys.argv[2])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    limit = float(sys.argv[sys.argv.index("--timeout") + 1]) if "--timeout" in sys.argv else 120
    data = random.Random(seed).randbytes(n)
    got = bytearray()
    res = {"ok": False, "seconds": None, "sent": 0, "received": 0, "error": None}
    s = socket.create_connection((host, int(port)), timeout=10)
    s.settimeout(limit)
    t0 = time.monotonic()

    def upload():
        try:
            s.sendall(data)
            res["sent"] = n
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            res["error"] = "send: %s" % e

    th = threading.Thread(target=upload, daemon=True)
    th.start()
    try:
        while len(got) < n and time.monotonic() - t0 < limit:
            b = s.recv(262144)
            if not b:
                break
            got += b
    except OSError as e:
        res["error"] = res["error"] or "recv: %s" % e
    res["seconds"] = round(time.monotonic() - t0, 4)
    th.join(timeout=1)
    res["received"] = len(got)
    res["ok"] = bytes(got) == data and res["error"] is None
    if not res["ok"] and res["error"] is None:
        res["error"] = "received %d of %d bytes%s" % (len(got), n, "" if len(got) < n or bytes(got) == data else ", different")
    s.close()
    print(json.dumps(res))
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
