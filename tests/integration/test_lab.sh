#!/usr/bin/env bash
# test_lab.sh - scripts/lab: usage errors, up/status/down in a private prefix, idempotence, partial state, filters; root and rootless.
# As root it runs every check in root mode (named namespaces), then runs itself again as
# user nobody (setpriv), where scripts/lab makes the rootless lab; as an ordinary user it
# runs the rootless pass only. Rootless test names start with lab_rootless_.
set -u
cd "$(dirname "$0")/../.."
LAB=scripts/lab
P=sl-tl-$$
NET=198.18.$(($$ % 200 + 40))
NET6=fd00:5359:0:$(printf %x $(($$ % 200 + 40)))	# scripts/lab's /64 for that /24
LONGP=sl-tl-long-prefix-$$
TMP=$(mktemp -d)
if [ "$(id -u)" -eq 0 ]; then MODE=root N=lab; else MODE=user N=lab_rootless; fi

cleanup() {
	local p
	for p in "$P" "$LONGP"; do
		bash $LAB --prefix "$p" down >/dev/null 2>&1
		if [ $MODE = root ]; then
			ip netns del "$p-client" 2>/dev/null
			ip netns del "$p-server" 2>/dev/null
		fi
	done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ok() { echo "ok ${N}_$1"; }
notok() { echo "not ok ${N}_$1 ${2:-}"; }
# expect NAME WANT_RC CMD...: runs CMD, checks its exit status.
expect() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$TMP/out" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] && ok "$name" || notok "$name" "exit $rc, want $want: $(head -c 200 "$TMP/out")"
}
lab() { bash $LAB --prefix "$P" --net "$NET" "$@"; }
in_ns() { bash $LAB --prefix "$P" exec "$1" "${@:2}"; }
# holders: the rootless lab's two holder PIDs ("" as root)
holders() { eval "$(lab env 2>/dev/null)"; echo "${LAB_PID_C:-} ${LAB_PID_S:-}"; }
# gone PIDS: the lab's namespaces are gone (root: no named ones; rootless: holders ended)
gone() {
	local p
	if [ $MODE = root ]; then
		! ip netns list | grep -q "^$P-"
	else
		for p in $1; do ! kill -0 "$p" 2>/dev/null || return 1; done
		[ ! -e "${XDG_RUNTIME_DIR:-/nonexistent}/synlab-$(id -u)/$P/client" ] &&
			[ ! -e "/tmp/synlab-$(id -u)/$P/client" ]
	fi
}

# ---- usage errors (exit 2) and help (exit 0) ----
expect no_command_exits_2 2 bash $LAB
expect unknown_command_exits_2 2 bash $LAB --prefix "$P" frobnicate
expect unknown_option_exits_2 2 bash $LAB --bogus up
expect bad_net_exits_2 2 bash $LAB --prefix "$P" --net 198.18.300 up
expect bad_filter_exits_2 2 bash $LAB --prefix "$P" --filter sideways up
expect bad_mode_exits_2 2 bash $LAB --prefix "$P" --mode sideways up
expect exec_bad_side_exits_2 2 bash $LAB --prefix "$P" exec middle true
expect help_exits_0 0 bash $LAB --help
grep -q '^usage: scripts/lab' "$TMP/out" && ok help_shows_usage || notok help_shows_usage

# ---- root mode without root / no user namespaces / missing tool: exit 1 with one line ----
if [ $MODE = user ]; then
	bash $LAB --prefix "$P" --mode root up >"$TMP/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] && grep -q 'needs root' "$TMP/out" &&
		ok mode_root_not_root_one_line || notok mode_root_not_root_one_line "rc=$rc $(cat "$TMP/out")"
	# In a user namespace of our own, forbid nested ones (user.max_user_namespaces is per
	# user namespace): the lab says so and how to enable them.
	unshare -U -r bash -c 'echo 0 >/proc/sys/user/max_user_namespaces &&
		exec bash "$1" --prefix "$2" --mode user up' _ $LAB "$P" >"$TMP/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] &&
		grep -q 'user namespaces are disabled (user.max_user_namespaces = 0): enable them with' "$TMP/out" &&
		ok userns_disabled_one_line || notok userns_disabled_one_line "rc=$rc $(cat "$TMP/out")"
fi
mkdir "$TMP/bin"
for t in bash id ip ethtool awk grep cut cksum sed cat head unshare nsenter mkdir stat; do
	ln -s "$(command -v $t)" "$TMP/bin/$t"
done
PATH=$TMP/bin "$TMP/bin/bash" $LAB --prefix "$P" up >"$TMP/out" 2>&1
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] && grep -q "'nft' not found" "$TMP/out" &&
	ok missing_nft_one_line || notok missing_nft_one_line "rc=$rc $(cat "$TMP/out")"

# ---- up: names, addresses, offload, filter ----
expect up 0 lab up
grep -qF "lab up: $P-client $NET.1 [$NET6::1] <-> $P-server $NET.2 [$NET6::2]" "$TMP/out" && ok up_prints_what_it_made ||
	notok up_prints_what_it_made "$(tail -1 "$TMP/out")"
expect env 0 lab env
grep -q "^LAB_MODE=$MODE NS_C=$P-client NS_S=$P-server DEV_C=$P-c DEV_S=$P-s ADDR_C=$NET.1 ADDR_S=$NET.2 " \
	"$TMP/out" && grep -q " ADDR6_C=$NET6::1 ADDR6_S=$NET6::2 " "$TMP/out" && ok env_names ||
	notok env_names "$(cat "$TMP/out")"
in_ns client ip -br addr show dev "$P-c" 2>/dev/null | grep -qw "$NET.1/24" &&
	in_ns server ip -br addr show dev "$P-s" 2>/dev/null | grep -qw "$NET.2/24" &&
	ok addresses || notok addresses
# IPv6: the static /64 addresses, usable at once (nodad: not "tentative"), no link-local
in_ns client ip -6 addr show dev "$P-c" 2>/dev/null | grep -q "inet6 $NET6::1/64 scope global nodad" &&
	in_ns server ip -6 addr show dev "$P-s" 2>/dev/null | grep -q "inet6 $NET6::2/64 scope global nodad" &&
	! in_ns client ip -6 addr show dev "$P-c" | grep -q 'tentative\|scope link' &&
	ok addresses_v6 || notok addresses_v6 "$(in_ns client ip -6 addr show dev "$P-c" 2>&1 | head -c 300)"
# each side sees only its own end of the pair (two namespaces, not one)
! in_ns client ip link show "$P-s" >/dev/null 2>&1 && ! in_ns server ip link show "$P-c" >/dev/null 2>&1 &&
	ok sides_apart || notok sides_apart
# /sys shows the side's own devices, as 'ip netns exec' arranges
in_ns client test -e "/sys/class/net/$P-c" &&
	! in_ns client test -e "/sys/class/net/$P-s" && ok sysfs_per_side || notok sysfs_per_side
[ "$(in_ns client ethtool -k "$P-c" | awk '/^tx-checksumming:/{print $2}')" = off ] &&
	[ "$(in_ns server ethtool -k "$P-s" | awk '/^tx-checksumming:/{print $2}')" = off ] &&
	ok tx_offload_off || notok tx_offload_off
rule_ok() {
	in_ns "$1" nft list chain inet synlab out 2>/dev/null |
		grep -E 'hook output' -A3 | grep -q 'meta mark != 0x00005359 tcp flags rst .*drop'
}
rule_ok client && rule_ok server && ok nft_rule_both || notok nft_rule_both
in_ns server timeout 5 python3 -c "
import socket; s=socket.socket(); s.bind(('$NET.2', 7777)); s.listen(); c,_=s.accept(); c.send(b'hi')" &
lpid=$!
sleep 0.3
got=$(in_ns client timeout 5 python3 -c "
import socket; s=socket.create_connection(('$NET.2', 7777), timeout=3); print(s.recv(2).decode())" 2>&1)
wait $lpid
[ "$got" = hi ] && ok kernel_tcp_works_across_veth || notok kernel_tcp_works_across_veth "$got"
# the same over IPv6, straight after `up` (no DAD wait)
in_ns server timeout 5 python3 -c "
import socket; s=socket.socket(socket.AF_INET6); s.bind(('$NET6::2', 7778)); s.listen(); c,_=s.accept(); c.send(b'hi')" &
lpid=$!
sleep 0.3
got=$(in_ns client timeout 5 python3 -c "
import socket; s=socket.create_connection(('$NET6::2', 7778), timeout=3); print(s.recv(2).decode())" 2>&1)
wait $lpid
[ "$got" = hi ] && ok kernel_tcp_v6_works_across_veth || notok kernel_tcp_v6_works_across_veth "$got"
# exec keeps the current folder; what it writes belongs to the user who ran it
(cd "$TMP" && bash "$OLDPWD/$LAB" --prefix "$P" exec client sh -c 'echo x >written')
[ -O "$TMP/written" ] && ok exec_file_belongs_to_user || notok exec_file_belongs_to_user "$(ls -ln "$TMP")"

# ---- idempotent up, status ----
before=$(holders)
expect up_twice 0 lab up
[ "$(in_ns client ip -4 -o addr show dev "$P-c" | wc -l)" -eq 1 ] &&
	[ "$(in_ns client nft list chain inet synlab out | grep -c 'tcp flags rst')" -eq 1 ] &&
	[ "$(holders)" = "$before" ] && ok up_twice_no_duplicates || notok up_twice_no_duplicates
expect status_up_exits_0 0 lab status
grep -q "$P-client: present" "$TMP/out" && grep -q "$NET.2/24" "$TMP/out" && grep -q 'nft:.*drop' "$TMP/out" &&
	ok status_shows_parts || notok status_shows_parts "$(cat "$TMP/out")"
expect exec_client 0 lab exec client ip -br addr show dev "$P-c"
grep -qw "$NET.1/24" "$TMP/out" && ok exec_runs_in_namespace || notok exec_runs_in_namespace

# ---- per-side filter ----
expect up_filter_client 0 lab --filter client up
rule_ok client && ! in_ns server nft list table inet synlab >/dev/null 2>&1 &&
	ok filter_client_only || notok filter_client_only
expect status_matches_filter 0 lab --filter client status
expect status_default_filter_mismatch_1 1 lab status
expect up_no_rst_filter 0 lab --no-rst-filter up
! in_ns client nft list table inet synlab >/dev/null 2>&1 && ok no_rst_filter_removes_tables ||
	notok no_rst_filter_removes_tables

# ---- down, down again, partial state ----
before=$(holders)
expect down 0 lab down
gone "$before" && ok down_removes_namespaces || notok down_removes_namespaces
expect status_down_exits_1 1 lab status
expect down_when_absent 0 lab down
expect exec_when_absent_exits_1 1 lab exec client true
expect env_when_absent_exits_1 1 lab env
if [ $MODE = root ]; then
	ip netns add "$P-server"
	expect up_from_partial 0 lab up
else
	# a holder that died (killed) is a partial lab: up makes it whole again
	expect up_before_partial 0 lab up
	kill -KILL $(holders | cut -d' ' -f2)
	sleep 0.1
	expect status_partial_exits_1 1 lab status
	expect up_from_partial 0 lab up
fi
expect status_after_partial_up 0 lab status
before=$(holders)
if [ $MODE = root ]; then
	ip netns del "$P-client"	# takes the veth pair with it
else
	kill -KILL ${before%% *}
	sleep 0.1
fi
expect down_from_partial 0 lab down
gone "$before" && ok down_partial_clean || notok down_partial_clean

# ---- long prefixes: veth names fit IFNAMSIZ ----
expect long_prefix_up 0 bash $LAB --prefix "$LONGP" --net "$NET" up
n=$(bash $LAB --prefix "$LONGP" exec client ip -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1)
[ -n "$n" ] && [ ${#n} -le 15 ] && ok long_prefix_veth_fits || notok long_prefix_veth_fits "'$n'"
expect long_prefix_down 0 bash $LAB --prefix "$LONGP" down

# ---- as root: the same checks again as user nobody, in the rootless lab ----
if [ $MODE = root ] && command -v setpriv >/dev/null; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$PWD/$LAB"; then
		cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR \
			HOME=/ bash "$OLDPWD/tests/integration/test_lab.sh"
	else
		echo "skip lab_rootless skipped: user nobody cannot read $PWD"
	fi
fi
