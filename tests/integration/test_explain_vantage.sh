#!/usr/bin/env bash
# test_explain_vantage.sh - kernel peers captured at the client, at the server and in the middle of a delayed path: synlab-explain tells each end the same state story from all three (issue #13 point 4).
# Topology (four namespaces made here, removed on exit):
#   client c0 -- m1a [relay, D/2] m1b -- m2a [relay, D/2] m2b -- s0 server
# tests/tools/delay_relay.py is the wire's latency (this kernel has no tc netem): each
# relay copies frames between its two interfaces D/2 later. tcpdump runs on c0 (the
# client's own view), on s0 (the server's) and on m1b, between the two relays, where
# each direction has gone half the way. The peers are Linux sockets
# (tests/tools/vantage_peer.py). For every scenario the three captures must give each
# end exactly the same states in the same order (tests/tools/explain_story.py), that
# story must be the one RFC 9293 §3.10 gives for what the peers did, every frame tshark
# decodes as TCP must be explained (none skipped), and every field must agree with
# tshark (tests/tools/explain_cmp.py).
. "$(dirname "$0")/lib.sh"
X=$BIN/synlab-explain
D_HALF=50			# ms per relay: one way 100 ms, an RTT of 200 ms

need_root vantage_lab || exit 0
for c in tshark tcpdump ethtool; do
	command -v $c >/dev/null || { not_ok vantage_lab "$c is needed (bash scripts/deps)"; exit 1; }
done
P="slxv$$"
NSS=("$P-c" "$P-m1" "$P-m2" "$P-s")
NET="198.18.$(( (RANDOM % 200) + 20 ))"
vt_cleanup() {
	local n
	t_cleanup
	for n in "${NSS[@]}"; do ip netns del "$n" 2>/dev/null; done
}
trap vt_cleanup EXIT
inn() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }

# vt_up: the namespaces, links, addresses (198.18.X.1 client, .2 server), offloads off
vt_up() {
	local n
	for n in "${NSS[@]}"; do ip netns add "$n" || return 1; done
	ip link add "$P-c0" netns "$P-c" type veth peer name "$P-1a" netns "$P-m1" &&
	ip link add "$P-1b" netns "$P-m1" type veth peer name "$P-2a" netns "$P-m2" &&
	ip link add "$P-2b" netns "$P-m2" type veth peer name "$P-s0" netns "$P-s" || return 1
	for l in c:c0 m1:1a m1:1b m2:2a m2:2b s:s0; do
		inn "${l%%:*}" ip link set "$P-${l#*:}" up promisc on || return 1
		# checksums filled in by the sender, not left to an offload the relay never does
		inn "${l%%:*}" ethtool -K "$P-${l#*:}" tx off >/dev/null 2>&1
	done
	for n in c m1 m2 s; do inn $n ip link set lo up; done
	inn c ip addr add "$NET.1/24" dev "$P-c0" && inn s ip addr add "$NET.2/24" dev "$P-s0"
}

# relay_start: one relay in each middle namespace
relay_start() {
	local pid
	bg pid ip netns exec "$P-m1" timeout -s KILL 120 /usr/bin/python3 "$TOP/tests/tools/delay_relay.py" \
		"$P-1a" "$P-1b" "$D_HALF" 110
	bg pid ip netns exec "$P-m2" timeout -s KILL 120 /usr/bin/python3 "$TOP/tests/tools/delay_relay.py" \
		"$P-2a" "$P-2b" "$D_HALF" 110
}

# caps_start NAME / caps_stop: tcpdump at the three vantage points
CAPS=()
caps_start() {
	local v pid
	CAPS=()
	for v in c:c0:client m1:1b:middle s:s0:server; do
		local ns=${v%%:*} rest=${v#*:}
		local dev=${rest%%:*} who=${rest#*:}
		bg pid ip netns exec "$P-$ns" tcpdump -i "$P-$dev" --immediate-mode -U -n -w "$T_TMP/$1.$who.pcap" \
			2>"$T_TMP/$1.$who.err"
		CAPS+=("$pid")
	done
	for v in client middle server; do
		for _ in $(seq 100); do
			grep -q 'listening on' "$T_TMP/$1.$v.err" 2>/dev/null && break
			sleep 0.05
		done
	done
}
caps_stop() {
	local p
	sleep 0.3
	for p in "${CAPS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${CAPS[@]}"; do wait "$p" 2>/dev/null; done
}

if ! vt_up; then not_ok vantage_lab "could not make the namespaces"; exit 1; fi
relay_start
# the path works and has its delay: a SYN to a closed port is refused (the server's kernel
# RST) after one RTT, about 2 x 2 x D_HALF (the first try also waits for ARP)
rtt=$(inn c /usr/bin/python3 -c '
import socket, sys, time
for i in range(2):
    s = socket.socket(); s.settimeout(3); t = time.monotonic()
    try:
        s.connect((sys.argv[1], 9))
    except ConnectionRefusedError:
        d = (time.monotonic() - t) * 1000
    except OSError:
        d = -1
    s.close()
print("%.1f" % d)' "$NET.2" 2>"$T_TMP/rtt.err")
if [ -z "$rtt" ] || ! awk -v r="$rtt" -v d="$D_HALF" 'BEGIN { exit !(r >= 4 * d * 0.9 && r < 4 * d * 10) }'; then
	not_ok vantage_lab "no path or no delay through the relays (RTT '${rtt:-none}' ms: $(head -c 200 "$T_TMP/rtt.err"))"
	exit 1
fi
echo "# RTT through the relays: $rtt ms"
ok vantage_lab

# run NAME PORT: the kernel server and client of scenario NAME, captured three ways
run() {
	local n=$1 port=$2 spid cpid at
	caps_start "$n"
	at=$(awk 'BEGIN { srand(); printf "%.3f", srand() + 2.5 }')	# both close here (crossing)
	bg spid ip netns exec "$P-s" timeout -s KILL 30 /usr/bin/python3 "$TOP/tests/tools/vantage_peer.py" \
		server "$n" "$NET.2" "$port" "$at" >"$T_TMP/$n.srv.out"
	for _ in $(seq 100); do grep -q listening "$T_TMP/$n.srv.out" && break; sleep 0.05; done
	bg cpid ip netns exec "$P-c" timeout -s KILL 30 /usr/bin/python3 "$TOP/tests/tools/vantage_peer.py" \
		client "$n" "$NET.2" "$port" "$at"
	wait_pid "$cpid" 30
	wait_pid "$spid" 30
	caps_stop
}

# judge NAME 'CLIENT STORY' 'SERVER STORY' 'END LINE'
judge() {
	local n=$1 v f
	for v in client middle server; do
		f=$T_TMP/$n.$v.pcap
		if ! "$X" --json "$f" >"$f.jsonl" 2>"$f.err"; then
			not_ok "vantage_${n}_$v" "synlab-explain: $(head -c 200 "$f.err")"
			continue
		fi
		/usr/bin/python3 "$TOP/tests/tools/explain_story.py" "$f.jsonl" >"$f.story"
		sed "s/^/# $n $v: /" "$f.story"
		res=$(/usr/bin/python3 "$TOP/tests/tools/explain_cmp.py" --min-agree 99.9 "$f" "$f.jsonl" 2>&1)
		if [ $? -eq 0 ]; then ok "vantage_${n}_${v}_vs_tshark"; else
			not_ok "vantage_${n}_${v}_vs_tshark" "$(echo "$res" | grep -v '^agree' | head -n 3 | tr '\n' ';')"
		fi
	done
	if cmp -s "$T_TMP/$n.client.pcap.story" "$T_TMP/$n.server.pcap.story" &&
	   cmp -s "$T_TMP/$n.client.pcap.story" "$T_TMP/$n.middle.pcap.story"; then
		ok "vantage_${n}_same_story"
	else
		not_ok "vantage_${n}_same_story" "$(paste -d'|' "$T_TMP/$n".{client,middle,server}.pcap.story | tr '\n' ';')"
	fi
	printf 'client: %s\nserver: %s\n%s\n' "$2" "$3" "$4" >"$T_TMP/$n.want"
	if cmp -s "$T_TMP/$n.want" "$T_TMP/$n.client.pcap.story"; then ok "vantage_${n}_rfc_story"; else
		not_ok "vantage_${n}_rfc_story" "want $(tr '\n' ';' <"$T_TMP/$n.want") got $(tr '\n' ';' <"$T_TMP/$n.client.pcap.story")"
	fi
}

HS_C="CLOSED SYN-SENT ESTABLISHED" HS_S="LISTEN SYN-RECEIVED ESTABLISHED"
run client_first 7101
judge client_first "$HS_C FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT" "$HS_S CLOSE-WAIT LAST-ACK CLOSED" \
	"end: closer=client reset=False simultaneous=False"
run crossing 7102
judge crossing "$HS_C FIN-WAIT-1 CLOSING TIME-WAIT" "$HS_S FIN-WAIT-1 CLOSING TIME-WAIT" \
	"end: closer=None reset=False simultaneous=True"
# the vantage points did see different orders: each end's own FIN first at its own side
fin_first() { /usr/bin/python3 -c "import json,sys
print([r for r in map(json.loads, open(sys.argv[1])) if r['type']=='summary'][0].get('fin_captured_first'))" "$1"; }
check vantage_crossing_orders_differ [ "$(fin_first "$T_TMP/crossing.client.pcap.jsonl")/$(fin_first "$T_TMP/crossing.server.pcap.jsonl")" = client/server ]
run server_reset 7103
judge server_reset "$HS_C CLOSED" "$HS_S CLOSED" "end: closer=server reset=True simultaneous=False"
exit $(( T_FAILS > 0 ))
