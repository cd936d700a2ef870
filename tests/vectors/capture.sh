#!/usr/bin/env bash
# tests/vectors/capture.sh - regenerates kernel_handshake.{pcap,txt,h}: one real kernel TCP connection over a veth.
# Two network namespaces (198.18.0.1 client, 198.18.0.2 server) joined by a veth pair,
# checksum offload off on both ends (LAB-NOTES trap 3) so the captured checksums are real.
# The client sends 14 bytes, the server answers 6 bytes, both close. Run as root, by hand:
#   bash tests/vectors/capture.sh
set -euo pipefail
cd "$(dirname "$0")"

A=sl-codec-a-$$
B=sl-codec-b-$$
VA=slca$$
VB=slcb$$
PORT=18080
TCPDUMP_PID=
SERVER_PID=

cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
	[ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$A"
ip netns add "$B"
ip link add "$VA" netns "$A" type veth peer name "$VB" netns "$B"
ip -n "$A" addr add 198.18.0.1/24 dev "$VA"
ip -n "$B" addr add 198.18.0.2/24 dev "$VB"
ip -n "$A" link set "$VA" up
ip -n "$B" link set "$VB" up
ip netns exec "$A" ethtool -K "$VA" tx off >/dev/null
ip netns exec "$B" ethtool -K "$VB" tx off >/dev/null

ip netns exec "$A" timeout 20 tcpdump -U -n -i "$VA" -w kernel_handshake.pcap \
	"tcp port $PORT" 2>/dev/null &
TCPDUMP_PID=$!

ip netns exec "$B" timeout 15 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.2", int(sys.argv[1]))); s.listen(1)
c, _ = s.accept()
data = b""
while len(data) < 14:
    chunk = c.recv(100)
    if not chunk: break
    data += chunk
c.sendall(b"world\n")
c.recv(100)
c.close()
' "$PORT" &
SERVER_PID=$!
sleep 1

ip netns exec "$A" timeout 10 python3 -c '
import socket, sys, time
c = socket.create_connection(("198.18.0.2", int(sys.argv[1])))
c.sendall(b"hello, synlab!")
assert c.recv(100) == b"world\n"
time.sleep(0.2)
c.close()
' "$PORT"
wait "$SERVER_PID"
SERVER_PID=
sleep 1
kill "$TCPDUMP_PID"
wait "$TCPDUMP_PID" || true
TCPDUMP_PID=

tcpdump -n -r kernel_handshake.pcap 2>/dev/null >kernel_handshake.txt
python3 pcap2c.py kernel_handshake.pcap >kernel_handshake.h
cat kernel_handshake.txt
