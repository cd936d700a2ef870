#!/usr/bin/env bash
# explain_mkcaps.sh - captures real kernel TCP traffic in a private two-namespace lab for synlab-explain's tests.
# Usage: explain_mkcaps.sh OUTDIR. Writes eth_echo.pcap, eth_srvclose.pcap, eth_http_loss.pcap
# (tcpdump on the veth, with --immediate-mode: LAB-NOTES trap 5, Ethernet), any_sll2.pcap / any_sll.pcap (tcpdump -i any, cooked v2 / v1)
# and lo.pcap (loopback). The lab is scripts/lab's (root, or rootless for any user), without
# RST filter; it and the processes are removed by a trap.
set -u
out=$1
here=$(cd "$(dirname "$0")" && pwd)
peer="/usr/bin/python3 $here/explain_peer.py"
id=$$
A=client
B=server
pids=()
labx() { SYNLAB_PREFIX=sl-ex-$id SYNLAB_NET=198.18.0 bash "$here/../../scripts/lab" "$@"; }

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	labx down >/dev/null 2>&1
}
trap cleanup EXIT INT TERM

# scripts/lab: 198.18.0.1 on $VA (client side A), 198.18.0.2 on $VB (server side B), tx
# checksum offload off on both ends (LAB-NOTES trap 3), no RST filter (kernel peers).
setup() {
	labx --filter none up >/dev/null && eval "$(labx env)" || return 1
	VA=$DEV_C VB=$DEV_S
}

# enter client|server: the command prefix for that side into IN (it execs the command,
# so $! of a background job is the command's own PID).
enter() {
	if [ "$LAB_MODE" = user ]; then
		IN=(nsenter --preserve-credentials -U -n -m --wd="$PWD" -t "$LAB_PID_C")
		[ "$1" = server ] && IN=(nsenter --preserve-credentials -U -n -m --wd="$PWD" -t "$LAB_PID_S")
	else
		IN=(ip netns exec "$NS_C")
		[ "$1" = server ] && IN=(ip netns exec "$NS_S")
	fi
}
X() { local IN; enter "$1"; shift; "${IN[@]}" "$@"; }

# cap NS IFACE FILE [tcpdump args] - starts a capture, returns when it is listening.
cap() {
	local ns=$1 ifc=$2 f=$3
	shift 3
	local IN
	enter "$ns"
	# rootless: dumpcap (tcpdump calls setgroups(), which the user namespace forbids)
	if [ "$LAB_MODE" = user ]; then
		"${IN[@]}" dumpcap -i "$ifc" -B 64 -P -q -w "$f" "$@" -f tcp 2>"$f.log" &
	else
		"${IN[@]}" tcpdump -i "$ifc" --immediate-mode -B 65536 -U -s 0 -w "$f" "$@" tcp 2>"$f.log" &
	fi
	pids+=($!)
	local i
	for i in $(seq 50); do grep -q 'listening\|^Capturing on' "$f.log" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

stopcaps() {
	sleep 0.3
	local p
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}

# exchange MODE PORT [NS_CLIENT NS_SERVER ADDR]
exchange() {
	local mode=$1 port=$2 nc=${3:-$A} nsrv=${4:-$B} addr=${5:-198.18.0.2}
	local IN
	enter "$nsrv"
	"${IN[@]}" timeout 25 $peer server "$mode" "$addr" "$port" &
	local sp=$!
	sleep 0.3
	X "$nc" timeout 25 $peer client "$mode" "$addr" "$port"
	wait "$sp"
}

http_loss() {
	head -c 1000000 /dev/urandom >"$out/blob.bin"
	# LAB-NOTES: no netem here; nftables drops 10 % of the server's segments at random.
	# On the client's INPUT hook: the capture on its veth still sees the lost segment
	# and then the retransmission (a drop in the sender's OUTPUT hook is reported back
	# to its TCP, which resends at once and nothing shows on the wire).
	X "$A" nft add table inet slx
	X "$A" nft add chain inet slx in '{ type filter hook input priority 0; }'
	X "$A" nft add rule inet slx in tcp sport 8080 numgen random mod 100 '<' 10 drop
	local IN
	(cd "$out" && enter "$B" && exec "${IN[@]}" timeout 60 /usr/bin/python3 -m http.server \
		--bind 198.18.0.2 8080 >/dev/null 2>&1) &
	local hp=$!
	sleep 1
	X "$A" timeout 50 curl -s -o /dev/null http://198.18.0.2:8080/blob.bin
	local rc=$?
	kill "$hp" 2>/dev/null
	wait "$hp" 2>/dev/null
	X "$A" nft delete table inet slx
	rm -f "$out/blob.bin"
	return $rc
}

setup || { echo "lab setup failed" >&2; exit 1; }
cap "$A" "$VA" "$out/eth_echo.pcap" || exit 1
exchange echo 9501 || exit 1
stopcaps
cap "$A" "$VA" "$out/eth_srvclose.pcap" || exit 1
exchange srvclose 9502 || exit 1
stopcaps
cap "$A" any "$out/any_sll2.pcap" -y LINUX_SLL2 || exit 1
cap "$A" any "$out/any_sll.pcap" -y LINUX_SLL || exit 1
exchange echo 9503 && exchange srvclose 9503 || exit 1
stopcaps
cap "$A" lo "$out/lo.pcap" || exit 1
exchange echo 9504 "$A" "$A" 127.0.0.1 || exit 1
stopcaps
cap "$A" "$VA" "$out/eth_http_loss.pcap" || exit 1
http_loss || exit 1
stopcaps
exit 0
