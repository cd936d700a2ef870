#!/usr/bin/env bash
# reader_mkvectors.sh - makes the capture-reader corpus (tests/vectors/reader/) from real kernel TCP in two namespaces, plus rewrites of it.
# Usage (root): bash tests/tools/reader_mkvectors.sh [OUTDIR]   (default tests/vectors/reader)
#
# How each file is made (kernel peers: tests/tools/reader_peer.py, Python sockets):
#   v6_echo.pcap          IPv6 (fd00:103::/64) on the veth, Ethernet, tcpdump -i veth
#   v6_any_sll2.pcap      tcpdump -i any -y LINUX_SLL2: an IPv6 echo and an IPv4 echo
#   v6_any_sll.pcap       the same traffic, tcpdump -i any -y LINUX_SLL (cooked v1)
#   qinq_echo.pcap        an IPv4 and an IPv6 echo on the veth, each frame then given an
#                         802.1ad S-tag (0x88a8, id 100) and an 802.1Q C-tag (id 200)
#                         (reader_pcaptool.py tags): this kernel has no 8021q module, so
#                         `ip link add ... type vlan` fails ("Unknown device type")
#   qinq3_echo.pcap       the same with three tags: 0x9100:10, 0x88a8:100, 0x8100:200
#   snap64_bulk.pcap      tcpdump -s 64: 100 KB from the server over IPv4, then IPv6:
#                         IPv4 keeps 30 TCP bytes (10 of the 12 timestamp option bytes),
#                         IPv6 only 10 (the fixed TCP header is cut: tshark cannot read
#                         the flags either, and synlab-explain skips them with the reason)
#   snap96_bulk.pcap      tcpdump -s 96, the same exchange: every header whole, every
#                         data segment's payload cut
#   nano_echo.pcap        tcpdump --time-stamp-precision=nano (nanosecond magic)
#   nano_echo.pcapng      the same converted by editcap -F pcapng (if_tsresol 9)
#   dumpcap_multi.pcapng  dumpcap -i veth (Ethernet, snaplen 262144, port 9611) -i any
#                         (cooked, snaplen 128, port 9612): two IDBs that differ in link
#                         type and snaplen, as libpcap cannot read
#   merged.pcapng         mergecap -F pcapng of v6_echo.pcap (Ethernet) and
#                         v6_any_sll.pcap (cooked): interfaces of two link types
#   midstream.pcap        editcap -r of bulk4.pcap from frame 6: no SYN seen
#   v6_raw.pcap, v6_ipv6lt.pcap, v6_null.pcap, v6_loop.pcap
#                         v6_echo.pcap re-framed (reader_pcaptool.py link): LINKTYPE_RAW,
#                         LINKTYPE_IPV6, DLT_NULL (FreeBSD AF_INET6 28, little-endian),
#                         DLT_LOOP (Darwin AF_INET6 30)
#   v6_ext.pcap           v6_echo.pcap with hop-by-hop, destination options, routing and
#                         atomic-fragment headers inserted (reader_pcaptool.py v6ext)
#   mixed.pcap            no capture filter: ARP, IPv6 neighbour discovery, a 3000-byte UDP
#                         datagram in IPv4 fragments, an IPv6 UDP datagram, the ICMP and
#                         ICMPv6 port-unreachable answers, then an IPv4 echo: every
#                         non-TCP frame is a skipped record
#   jump_fwd.pcap         nano_echo.pcap with frames 5.. stamped 3 hours later
#   jump_back.pcap        nano_echo.pcap with frames 5.. stamped 1 hour earlier
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../vectors/reader}
mkdir -p "$out"
out=$(cd "$out" && pwd)
peer="/usr/bin/python3 $here/reader_peer.py"
tool="/usr/bin/python3 $here/reader_pcaptool.py"
A=slrd-a-$$
B=slrd-b-$$
VA=slrd$$a
VB=slrd$$b
N4=198.18.103
N6=fd00:103
pids=()
tmp=$(mktemp -d /tmp/slrd-mk.XXXXXX)

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# end NS DEV V4 V6: addresses, checksum offload off (LAB-NOTES trap 3).
end() {
	ip -n "$1" link set "$2" up
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" addr add "$4" dev "$2" nodad
	ip netns exec "$1" ethtool -K "$2" tx off >/dev/null
}

setup() {
	ip netns add "$A" && ip netns add "$B" || return 1
	ip link add "$VA" netns "$A" type veth peer name "$VB" netns "$B" || return 1
	ip -n "$A" link set lo up && ip -n "$B" link set lo up
	end "$A" "$VA" $N4.1/28 $N6::1/64
	end "$B" "$VB" $N4.2/28 $N6::2/64
	sleep 1	# IPv6 routes settle
}

# cap NS IFACE FILE [tcpdump args] - starts a capture, returns when it is listening.
cap() {
	local ns=$1 ifc=$2 f=$3
	shift 3
	ip netns exec "$ns" tcpdump -i "$ifc" --immediate-mode -B 65536 -U -w "$f" "$@" 2>"$tmp/$(basename "$f").log" &
	pids+=($!)
	local i
	for i in $(seq 50); do grep -q listening "$tmp/$(basename "$f").log" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

stopcaps() {
	sleep 0.3
	local p
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}

# exchange MODE ADDR PORT: a server in B, a client in A.
exchange() {
	ip netns exec "$B" timeout 25 $peer server "$1" "$2" "$3" &
	local sp=$!
	sleep 0.3
	ip netns exec "$A" timeout 25 $peer client "$1" "$2" "$3"
	local rc=$?
	wait "$sp" && return $rc
}

multi() {	# dumpcap with two interfaces of different link types and snaplens
	ip netns exec "$A" dumpcap -q -i "$VA" -s 0 -f "tcp port 9611" -i any -s 128 \
		-f "tcp port 9612" -w "$out/dumpcap_multi.pcapng" 2>"$tmp/dumpcap.log" &
	pids+=($!)
	sleep 2	# dumpcap prints nothing when it is ready: give both interfaces time
	exchange echo $N4.2 9611 && exchange echo $N6::2 9612 || return 1
	stopcaps
}

setup || { echo "lab setup failed" >&2; exit 1; }
cap "$A" "$VA" "$out/v6_echo.pcap" tcp || exit 1
exchange echo $N6::2 9601 || exit 1
stopcaps
cap "$A" any "$out/v6_any_sll2.pcap" -y LINUX_SLL2 tcp || exit 1
cap "$A" any "$out/v6_any_sll.pcap" -y LINUX_SLL tcp || exit 1
exchange echo $N6::2 9602 && exchange echo $N4.2 9603 || exit 1
stopcaps
cap "$A" "$VA" "$tmp/plain_echo.pcap" tcp || exit 1
exchange echo $N4.2 9604 && exchange echo $N6::2 9605 || exit 1
stopcaps
cap "$A" "$VA" "$out/snap64_bulk.pcap" -s 64 tcp || exit 1
cap "$A" "$VA" "$out/snap96_bulk.pcap" -s 96 tcp || exit 1
cap "$A" "$VA" "$tmp/bulk4.pcap" tcp port 9606 || exit 1
exchange bulk:100000 $N4.2 9606 && exchange bulk:100000 $N6::2 9607 || exit 1
stopcaps
cap "$A" "$VA" "$out/nano_echo.pcap" --time-stamp-precision=nano tcp || exit 1
exchange echo $N4.2 9608 || exit 1
stopcaps
multi || exit 1
ip -n "$A" neigh flush dev "$VA"
ip -n "$B" neigh flush dev "$VB"
cap "$A" "$VA" "$out/mixed.pcap" || exit 1
# UDP to closed ports (no ping here): ARP and IPv6 neighbour discovery first, ICMP and
# ICMPv6 port unreachable back, the 3000-byte datagram in IPv4 fragments.
ip netns exec "$A" /usr/bin/python3 -c "
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x' * 3000, ('$N4.2', 9609))
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b'hello', ('$N6::2', 9609))" || exit 1
sleep 0.5
exchange echo $N4.2 9610 || exit 1
stopcaps

editcap -F pcapng "$out/nano_echo.pcap" "$out/nano_echo.pcapng" || exit 1
mergecap -F pcapng -w "$out/merged.pcapng" "$out/v6_echo.pcap" "$out/v6_any_sll.pcap" || exit 1
# midstream: the IPv4 bulk connection from its 6th frame (handshake and first data gone);
# only its first 40 frames after that, to stay small.
editcap -r "$tmp/bulk4.pcap" "$tmp/mid.pcap" 6-45 && editcap -F pcap "$tmp/mid.pcap" "$out/midstream.pcap" || exit 1
for lt in raw ipv6 null-le28 loop30; do
	$tool link "$out/v6_echo.pcap" "$out/v6_${lt%%-*}.pcap" "$lt" || exit 1
done
mv "$out/v6_ipv6.pcap" "$out/v6_ipv6lt.pcap"
mv "$out/v6_loop30.pcap" "$out/v6_loop.pcap"
$tool tags "$tmp/plain_echo.pcap" "$out/qinq_echo.pcap" 88a8:100,8100:200 || exit 1
$tool tags "$tmp/plain_echo.pcap" "$out/qinq3_echo.pcap" 9100:10,88a8:100,8100:200 || exit 1
$tool v6ext "$out/v6_echo.pcap" "$out/v6_ext.pcap" || exit 1
$tool timejump "$out/nano_echo.pcap" "$out/jump_fwd.pcap" 5:10800 || exit 1
$tool timejump "$out/nano_echo.pcap" "$out/jump_back.pcap" 5:-3600 || exit 1
ls -l "$out"
