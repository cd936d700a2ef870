#!/usr/bin/env bash
# test_wire.sh - wire layer against the kernel: hand-made SYN out, kernel SYN+ACK in, our RST passes the nft filter.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
PROBE=${WIRE_PROBE:-$BUILD/tools/wire_probe}
P=sl-tw-$$
NET=198.18.$(($$ % 200 + 40))
C=$NET.1
S=$NET.2
PORT=8080
ISN=1000000
TMP=$(mktemp -d)
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	bash scripts/lab --prefix "$P" down >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ok() { echo "ok $1"; }
notok() { echo "not ok $1 ${2:-}"; }
# in_ns client|server CMD: CMD inside that side, as root or rootless (scripts/lab execs it).
in_ns() { bash scripts/lab --prefix "$P" exec "$1" "${@:2}"; }
# The same as a plain command for background jobs: scripts/lab execs ip netns exec or
# nsenter, which exec CMD, so $! is CMD itself (a backgrounded function would be a subshell).
IN_C=(bash scripts/lab --prefix "$P" exec client)
IN_S=(bash scripts/lab --prefix "$P" exec server)
tsh() { tshark -r "$1" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields \
	-E separator=, "${@:2}" 2>/dev/null; }

if [ ! -x "$PROBE" ]; then
	echo "not ok wire_probe_built ($PROBE missing)"
	exit 1
fi
# Kernel server in the server namespace: its namespace gets no RST filter.
bash scripts/lab --prefix "$P" --net "$NET" --filter client up >"$TMP/lab" 2>&1 ||
	{ echo "not ok wire_lab_up $(tail -1 "$TMP/lab")"; exit 1; }

"${IN_S[@]}" timeout 30 python3 -c "
import socket, time
s = socket.socket(); s.bind(('$S', $PORT)); s.listen(); time.sleep(30)" &
PIDS+=($!)
# The probe's SYN must find the listener: wait until the kernel lists it (python starts
# slowly on a loaded machine; a SYN before listen() gets the kernel's RST).
for _ in $(seq 150); do in_ns server ss -Hltn "sport = :$PORT" | grep -q . && break; sleep 0.1; done
eval "$(bash scripts/lab --prefix "$P" env)"
# rootless: dumpcap (tcpdump calls setgroups(), which the user namespace forbids)
if [ "$LAB_MODE" = user ]; then
	"${IN_S[@]}" timeout 30 dumpcap -i "$P-s" -P -q -f tcp -w "$TMP/cap.pcap" 2>"$TMP/td.err" &
else
	"${IN_S[@]}" timeout 30 tcpdump -i "$P-s" --immediate-mode -Z root -U -n -w "$TMP/cap.pcap" tcp 2>"$TMP/td.err" &
fi
TD=$!
PIDS+=($TD)
for _ in $(seq 50); do grep -q 'listening\|^Capturing on' "$TMP/td.err" && break; sleep 0.1; done
sleep 0.2

# ---- the handshake probe ----
in_ns client timeout 10 "$PROBE" --local "$C" --remote "$S" --dport $PORT --sport 40001 \
	--isn $ISN -w "$TMP/probe.pcap" >"$TMP/probe.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^synack ok' "$TMP/probe.out" && ok wire_synack_received_ack_isn_plus_1 ||
	notok wire_synack_received_ack_isn_plus_1 "rc=$rc $(tr '\n' ' ' <"$TMP/probe.out")"
grep -q "^recv S\. .* ack=$((ISN + 1)) ip_csum=ok tcp_csum=ok" "$TMP/probe.out" &&
	ok wire_recv_checksums_ok || notok wire_recv_checksums_ok
sleep 0.3
kill -INT $TD 2>/dev/null
wait $TD 2>/dev/null

# ---- tcpdump on the server's veth as the oracle ----
rsts=$(tsh "$TMP/cap.pcap" -Y "ip.src==$C && tcp.flags.reset==1" -e tcp.seq_raw)
[ "$rsts" = $((ISN + 1)) ] && ok wire_exactly_one_rst_ours ||
	notok wire_exactly_one_rst_ours "client RSTs seen: '$(echo $rsts)'"
bad=$(tsh "$TMP/cap.pcap" -e ip.checksum.status -e tcp.checksum.status | grep -vc '^1,1$')
n=$(tsh "$TMP/cap.pcap" -e frame.number | wc -l)
[ "$n" -ge 3 ] && [ "$bad" -eq 0 ] && ok wire_all_checksums_good_tshark ||
	notok wire_all_checksums_good_tshark "$n frames, $bad not good"
drops=$(in_ns client nft list chain inet synlab out | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
[ "${drops:-0}" -ge 1 ] && ok wire_kernel_rst_dropped_by_filter ||
	notok wire_kernel_rst_dropped_by_filter "nft counter ${drops:-none}"
# What the probe logged (-w) is byte for byte what crossed the veth.
fields=(-e ip.src -e ip.id -e ip.checksum -e tcp.checksum -e tcp.seq_raw -e tcp.ack_raw -e tcp.flags -e tcp.len)
tsh "$TMP/probe.pcap" "${fields[@]}" | sort >"$TMP/a"
tsh "$TMP/cap.pcap" "${fields[@]}" | sort >"$TMP/b"
[ -s "$TMP/a" ] && [ "$(wc -l <"$TMP/a")" -eq 3 ] && cmp -s "$TMP/a" "$TMP/b" &&
	ok wire_pcapw_matches_wire || notok wire_pcapw_matches_wire "$(diff "$TMP/a" "$TMP/b" | tr '\n' ' ')"

# ---- without SO_MARK our own RST is dropped too: sendto fails with EPERM (trap 2) ----
in_ns client timeout 10 "$PROBE" --local "$C" --remote "$S" --dport $PORT --sport 40002 \
	--mark 0 >"$TMP/nomark.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'nftables rule dropped the R segment' "$TMP/nomark.out" &&
	ok wire_no_mark_rst_eperm_reported || notok wire_no_mark_rst_eperm_reported \
	"rc=$rc $(tr "\n" " " <"$TMP/nomark.out")"

# ---- bad checksums and unparseable segments are reported, not lost ----
touch "$TMP/listen.out"
"${IN_C[@]}" timeout 10 "$PROBE" --local "$C" --sport 40003 --listen-ms 1500 >"$TMP/listen.out" 2>&1 &
LP=$!
PIDS+=($LP)
for _ in $(seq 50); do grep -q '^listening' "$TMP/listen.out" && break; sleep 0.1; done
in_ns server timeout 5 python3 - "$S" "$C" 40003 <<'PY'
import socket, struct, sys
src, dst, dport = sys.argv[1], sys.argv[2], int(sys.argv[3])
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def seg(seq, doff=5, corrupt=0):
    sa, da = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack('!HHIIBBHHH', 5555, dport, seq, 0, doff << 4, 0x10, 1000, 0, 0)
    c = csum(sa + da + struct.pack('!BBH', 0, 6, len(tcp)) + tcp) ^ corrupt
    tcp = tcp[:16] + struct.pack('!H', c) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 7, 0x4000, 64, 6, 0, sa, da)
    return ip + tcp
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for p in (seg(1), seg(2, corrupt=0x1234), seg(3, doff=15)):
    s.sendto(p, (dst, 0))
PY
wait $LP
grep -q 'stats tx=0 rx_ok=1 rx_bad_csum=1 rx_unparsed=1' "$TMP/listen.out" &&
	grep -q '^recv \. seq=2 .*tcp_csum=bad' "$TMP/listen.out" &&
	ok wire_bad_csum_and_unparsed_reported ||
	notok wire_bad_csum_and_unparsed_reported "$(tr '\n' ' ' <"$TMP/listen.out")"

# ---- clear errors ----
in_ns client "$PROBE" --local 198.18.250.9 --remote "$S" --dport $PORT >"$TMP/e1" 2>&1
[ $? -eq 1 ] && grep -q 'no interface here has address 198.18.250.9' "$TMP/e1" &&
	ok wire_no_interface_message || notok wire_no_interface_message "$(tail -1 "$TMP/e1")"
if command -v setpriv >/dev/null; then
	# no CAP_NET_RAW / CAP_NET_ADMIN even for the namespace's root (bounding set)
	in_ns client setpriv --bounding-set=-net_raw,-net_admin --inh-caps=-net_raw,-net_admin \
		"$PROBE" --local "$C" --remote "$S" --dport $PORT >"$TMP/e2" 2>&1
	[ $? -eq 1 ] && grep -q 'needs CAP_NET_RAW: run it inside the lab' "$TMP/e2" &&
		ok wire_no_cap_net_raw_message || notok wire_no_cap_net_raw_message "$(tail -1 "$TMP/e2")"
fi
"$PROBE" --local "$C" >/dev/null 2>&1
[ $? -eq 2 ] && ok wire_probe_usage_exit_2 || notok wire_probe_usage_exit_2
