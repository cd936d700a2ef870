# tests/integration/lib.sh - shared helpers for integration tests: a private lab, captures, verdicts.
# Source it; it sets TOP, BIN, and on EXIT removes the lab and ends the processes it started.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$TOP/${BUILD:-build}
LAB=$TOP/scripts/lab
T_PIDS=()
T_TMP=$(mktemp -d /tmp/synlab-test.XXXXXX)
T_FAILS=0

ok() { echo "ok $1"; }
not_ok() { echo "not ok $1 ${2:-}"; T_FAILS=$((T_FAILS + 1)); }
# check NAME CMD...: ok when CMD succeeds.
check() { local n=$1; shift; if "$@"; then ok "$n"; else not_ok "$n" "($*)"; fi; }

# lab_up NAME [--filter WHICH]: a private lab; sets NS_C NS_S ADDR_C ADDR_S DEV_C DEV_S.
lab_up() {
	local name=$1; shift
	T_PREFIX="sl${name:0:6}$$"
	T_NET="198.18.$(( (RANDOM % 200) + 20 ))"
	SYNLAB_PREFIX=$T_PREFIX SYNLAB_NET=$T_NET "$LAB" "$@" up >/dev/null || return 1
	NS_C=$T_PREFIX-client
	NS_S=$T_PREFIX-server
	ADDR_C=$T_NET.1
	ADDR_S=$T_NET.2
	DEV_S=$(ip -n "$NS_S" -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1)
	DEV_C=$(ip -n "$NS_C" -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1)
}

in_c() { ip netns exec "$NS_C" "$@"; }
in_s() { ip netns exec "$NS_S" "$@"; }

# bg OUTVAR [in_c|in_s] CMD...: starts CMD in the background (the PID is CMD's own, not
# a subshell's) and remembers it for cleanup.
bg() {
	local v=$1; shift
	case $1 in
	in_c) shift; set -- ip netns exec "$NS_C" "$@" ;;
	in_s) shift; set -- ip netns exec "$NS_S" "$@" ;;
	esac
	"$@" &
	T_PIDS+=($!)
	printf -v "$v" '%s' "$!"
}

# cap_start FILE: tcpdump on the server's veth end (both directions) until cap_stop.
cap_start() {
	T_CAP=$1
	# Background jobs of a script ignore SIGINT: stop tcpdump with SIGTERM (it flushes).
	bg T_CAP_PID in_s tcpdump -i "$DEV_S" --immediate-mode -B 65536 -U -n -w "$T_CAP" tcp \
		2>"$T_TMP/tcpdump.err"
	for _ in $(seq 100); do
		grep -q 'listening on' "$T_TMP/tcpdump.err" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
cap_stop() {
	sleep 0.2
	kill -TERM "$T_CAP_PID" 2>/dev/null
	wait "$T_CAP_PID" 2>/dev/null
}

# flags FILE: the TCP flags of every segment, one per line, tcpdump letters ("S", "S.", ...).
flags() {
	tshark -r "$1" -T fields -e tcp.flags 2>/dev/null | while read -r f; do
		local v=$((f)) s=""
		(( v & 1 )) && s+=F; (( v & 2 )) && s+=S; (( v & 4 )) && s+=R; (( v & 8 )) && s+=P
		(( v & 16 )) && s+=.
		echo "$s"
	done
}

# checksums_good FILE: every TCP checksum in FILE verifies.
checksums_good() {
	local bad
	bad=$(tshark -r "$1" -o tcp.check_checksum:TRUE -Y 'tcp.checksum.status != 1' 2>/dev/null | wc -l)
	[ "$bad" -eq 0 ]
}

# count_rst FILE
count_rst() { tshark -r "$1" -Y 'tcp.flags.reset == 1' 2>/dev/null | wc -l; }

# wait_pid PID SECONDS: waits for PID to exit within SECONDS; its exit status, or 124.
wait_pid() {
	local pid=$1 t=$(( $2 * 20 ))
	while kill -0 "$pid" 2>/dev/null && [ $t -gt 0 ]; do sleep 0.05; t=$((t - 1)); done
	if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; return 124; fi
	wait "$pid"
}

# t_running PID: PID runs (a zombie, exited but not yet waited for, does not count).
t_running() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

t_cleanup() {
	local p
	for p in "${T_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	# A synlab program closes its connections on the first signal, which can take minutes
	# with a dead peer; the second aborts them. Whatever still runs after 5 s is killed.
	sleep 0.1
	for p in "${T_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${T_PIDS[@]}"; do
		local t=100
		while t_running "$p" && [ $t -gt 0 ]; do sleep 0.05; t=$((t - 1)); done
		t_running "$p" && kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "${T_PREFIX:-}" ] && SYNLAB_PREFIX=$T_PREFIX SYNLAB_NET=$T_NET "$LAB" down >/dev/null 2>&1
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT
