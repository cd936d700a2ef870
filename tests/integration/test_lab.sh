#!/usr/bin/env bash
# test_lab.sh - scripts/lab: usage errors, up/status/down in a private prefix, idempotence, partial state, filters.
set -u
cd "$(dirname "$0")/../.."
LAB=scripts/lab
P=sl-tl-$$
NET=198.18.$(($$ % 200 + 40))
LONGP=sl-tl-long-prefix-$$
TMP=$(mktemp -d)

cleanup() {
	local p
	for p in "$P" "$LONGP"; do
		bash $LAB --prefix "$p" down >/dev/null 2>&1
		ip netns del "$p-client" 2>/dev/null
		ip netns del "$p-server" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ok() { echo "ok $1"; }
notok() { echo "not ok $1 ${2:-}"; }
# expect NAME WANT_RC CMD...: runs CMD, checks its exit status.
expect() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$TMP/out" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] && ok "$name" || notok "$name" "exit $rc, want $want: $(head -c 200 "$TMP/out")"
}
lab() { bash $LAB --prefix "$P" --net "$NET" "$@"; }
in_ns() { ip netns exec "$P-$1" "${@:2}"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "not ok lab_needs_root (run make test as root)"
	exit 1
fi

# ---- usage errors (exit 2) and help (exit 0) ----
expect lab_no_command_exits_2 2 bash $LAB
expect lab_unknown_command_exits_2 2 bash $LAB --prefix "$P" frobnicate
expect lab_unknown_option_exits_2 2 bash $LAB --bogus up
expect lab_bad_net_exits_2 2 bash $LAB --prefix "$P" --net 198.18.300 up
expect lab_bad_filter_exits_2 2 bash $LAB --prefix "$P" --filter sideways up
expect lab_exec_bad_side_exits_2 2 bash $LAB --prefix "$P" exec middle true
expect lab_help_exits_0 0 bash $LAB --help
grep -q '^usage: scripts/lab' "$TMP/out" && ok lab_help_shows_usage || notok lab_help_shows_usage

# ---- not root / missing tool: exit 1 with one line ----
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups bash $LAB --prefix "$P" up >"$TMP/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] && grep -q root "$TMP/out" &&
		ok lab_not_root_one_line || notok lab_not_root_one_line "rc=$rc $(cat "$TMP/out")"
fi
mkdir "$TMP/bin"
for t in bash id ip ethtool awk grep cut cksum sed cat head; do
	ln -s "$(command -v $t)" "$TMP/bin/$t"
done
PATH=$TMP/bin "$TMP/bin/bash" $LAB --prefix "$P" up >"$TMP/out" 2>&1
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] && grep -q "'nft' not found" "$TMP/out" &&
	ok lab_missing_nft_one_line || notok lab_missing_nft_one_line "rc=$rc $(cat "$TMP/out")"

# ---- up: names, addresses, offload, filter ----
expect lab_up 0 lab up
grep -q "lab up: $P-client $NET.1 <-> $P-server $NET.2" "$TMP/out" && ok lab_up_prints_what_it_made ||
	notok lab_up_prints_what_it_made "$(tail -1 "$TMP/out")"
ip -n "$P-client" -br addr show dev "$P-c" 2>/dev/null | grep -qw "$NET.1/24" &&
	ip -n "$P-server" -br addr show dev "$P-s" 2>/dev/null | grep -qw "$NET.2/24" &&
	ok lab_addresses || notok lab_addresses
[ "$(in_ns client ethtool -k "$P-c" | awk '/^tx-checksumming:/{print $2}')" = off ] &&
	[ "$(in_ns server ethtool -k "$P-s" | awk '/^tx-checksumming:/{print $2}')" = off ] &&
	ok lab_tx_offload_off || notok lab_tx_offload_off
rule_ok() {
	in_ns "$1" nft list chain inet synlab out 2>/dev/null |
		grep -E 'hook output' -A3 | grep -q 'meta mark != 0x00005359 tcp flags rst .*drop'
}
rule_ok client && rule_ok server && ok lab_nft_rule_both || notok lab_nft_rule_both
in_ns server timeout 5 python3 -c "
import socket; s=socket.socket(); s.bind(('$NET.2', 7777)); s.listen(); c,_=s.accept(); c.send(b'hi')" &
lpid=$!
sleep 0.3
got=$(in_ns client timeout 5 python3 -c "
import socket; s=socket.create_connection(('$NET.2', 7777), timeout=3); print(s.recv(2).decode())" 2>&1)
wait $lpid
[ "$got" = hi ] && ok lab_kernel_tcp_works_across_veth || notok lab_kernel_tcp_works_across_veth "$got"

# ---- idempotent up, status ----
expect lab_up_twice 0 lab up
[ "$(ip -n "$P-client" -4 -o addr show dev "$P-c" | wc -l)" -eq 1 ] &&
	[ "$(in_ns client nft list chain inet synlab out | grep -c 'tcp flags rst')" -eq 1 ] &&
	ok lab_up_twice_no_duplicates || notok lab_up_twice_no_duplicates
expect lab_status_up_exits_0 0 lab status
grep -q "$P-client: present" "$TMP/out" && grep -q "$NET.2/24" "$TMP/out" && grep -q 'nft:.*drop' "$TMP/out" &&
	ok lab_status_shows_parts || notok lab_status_shows_parts "$(cat "$TMP/out")"
expect lab_exec_client 0 lab exec client ip -br addr show dev "$P-c"
grep -qw "$NET.1/24" "$TMP/out" && ok lab_exec_runs_in_namespace || notok lab_exec_runs_in_namespace

# ---- per-side filter ----
expect lab_up_filter_client 0 lab --filter client up
rule_ok client && ! in_ns server nft list table inet synlab >/dev/null 2>&1 &&
	ok lab_filter_client_only || notok lab_filter_client_only
expect lab_status_matches_filter 0 lab --filter client status
expect lab_status_default_filter_mismatch_1 1 lab status
expect lab_up_no_rst_filter 0 lab --no-rst-filter up
! in_ns client nft list table inet synlab >/dev/null 2>&1 && ok lab_no_rst_filter_removes_tables ||
	notok lab_no_rst_filter_removes_tables

# ---- down, down again, partial state ----
expect lab_down 0 lab down
! ip netns list | grep -q "^$P-" && ok lab_down_removes_namespaces || notok lab_down_removes_namespaces
expect lab_status_down_exits_1 1 lab status
expect lab_down_when_absent 0 lab down
expect lab_exec_when_absent_exits_1 1 lab exec client true
ip netns add "$P-server"
expect lab_up_from_partial 0 lab up
expect lab_status_after_partial_up 0 lab status
ip netns del "$P-client"	# takes the veth pair with it
expect lab_down_from_partial 0 lab down
! ip netns list | grep -q "^$P-" && ok lab_down_partial_clean || notok lab_down_partial_clean

# ---- long prefixes: veth names fit IFNAMSIZ ----
expect lab_long_prefix_up 0 bash $LAB --prefix "$LONGP" --net "$NET" up
n=$(ip -n "$LONGP-client" -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1)
[ -n "$n" ] && [ ${#n} -le 15 ] && ok lab_long_prefix_veth_fits || notok lab_long_prefix_veth_fits "'$n'"
expect lab_long_prefix_down 0 bash $LAB --prefix "$LONGP" down
