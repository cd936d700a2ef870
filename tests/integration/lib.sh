# tests/integration/lib.sh - shared helpers for integration tests: a private lab, captures, verdicts.
# Source it; it sets TOP, BIN, and on EXIT removes the lab and ends the processes it started.
# The lab is scripts/lab's: named namespaces as root, a user namespace otherwise (rootless);
# in_c / in_s / bg run a command inside either way, so tests need not know which.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$TOP/${BUILD:-build}
LAB=$TOP/scripts/lab
T_PIDS=()
T_TMP=$(mktemp -d /tmp/synlab-test.XXXXXX)
T_FAILS=0

ok() { echo "ok $1"; }
not_ok() { echo "not ok $1 ${2:-}"; T_FAILS=$((T_FAILS + 1)); }
# skip NAME WHY: a test that cannot run here (scripts/run-tests counts it apart).
skip() { echo "skip $1 skipped: $2"; }
# need_root NAME...: when not root, says each NAME is skipped and returns 1.
need_root() {
	[ "$(id -u)" -eq 0 ] && return 0
	local n
	for n in "$@"; do skip "$n" "needs root"; done
	return 1
}
# check NAME CMD...: ok when CMD succeeds.
check() { local n=$1; shift; if "$@"; then ok "$n"; else not_ok "$n" "($*)"; fi; }

# lab_up NAME [--filter WHICH]: a private lab; sets NS_C NS_S ADDR_C ADDR_S ADDR6_C ADDR6_S
# (the IPv6 addresses of the two ends) DEV_C DEV_S.
lab_up() {
	local name=$1; shift
	T_PREFIX="sl${name:0:6}$$"
	T_NET="198.18.$(( (RANDOM % 200) + 20 ))"
	SYNLAB_PREFIX=$T_PREFIX SYNLAB_NET=$T_NET "$LAB" "$@" up >/dev/null || return 1
	lab_env
}

# lab_env: (re)reads the lab's names and, rootless, its holders' PIDs (after a
# `scripts/lab down` + `up` they change).
lab_env() {
	local v
	v=$(SYNLAB_PREFIX=$T_PREFIX SYNLAB_NET=$T_NET "$LAB" env) || return 1
	eval "$v"
}

# t_enter client|server: the command prefix that enters that side, into array T_IN.
t_enter() {
	if [ "$LAB_MODE" = user ]; then
		local pid=$LAB_PID_C
		[ "$1" = server ] && pid=$LAB_PID_S
		T_IN=(nsenter --preserve-credentials -U -n -m -t "$pid" --wd="$PWD")
	else
		T_IN=(ip netns exec "$NS_C")
		[ "$1" = server ] && T_IN=(ip netns exec "$NS_S")
	fi
}
# Both exec the command (the PID of `in_c CMD &` is CMD's own).
in_c() { local T_IN; t_enter client; "${T_IN[@]}" "$@"; }
in_s() { local T_IN; t_enter server; "${T_IN[@]}" "$@"; }

# bg OUTVAR [in_c|in_s] CMD...: starts CMD in the background (the PID is CMD's own, not
# a subshell's) and remembers it for cleanup.
bg() {
	local v=$1; shift
	local T_IN
	case $1 in
	in_c) shift; t_enter client; set -- "${T_IN[@]}" "$@" ;;
	in_s) shift; t_enter server; set -- "${T_IN[@]}" "$@" ;;
	esac
	"$@" &
	T_PIDS+=($!)
	printf -v "$v" '%s' "$!"
}

# cap_start FILE: a capture on the server's veth end (both directions) until cap_stop:
# tcpdump as root; rootless, Wireshark's dumpcap, because tcpdump, even with -Z root,
# calls setgroups(), which a user namespace made by an ordinary user forbids.
cap_start() {
	T_CAP=$1
	# Background jobs of a script ignore SIGINT: stop the capture with SIGTERM (it flushes).
	if [ "$LAB_MODE" = user ]; then
		bg T_CAP_PID in_s dumpcap -i "$DEV_S" -B 64 -P -q -f tcp -w "$T_CAP" 2>"$T_TMP/tcpdump.err"
	else
		bg T_CAP_PID in_s tcpdump -i "$DEV_S" --immediate-mode -B 65536 -U -n -w "$T_CAP" tcp \
			2>"$T_TMP/tcpdump.err"
	fi
	for _ in $(seq 100); do
		grep -q 'listening on\|^Capturing on' "$T_TMP/tcpdump.err" 2>/dev/null && return 0
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
	bad=$(tshark -r "$1" -o tcp.check_checksum:TRUE -Y 'tcp.checksum.status != 1' \
		-T fields -e frame.number -e frame.len -e frame.cap_len -e ip.src -e tcp.srcport \
		-e tcp.flags.str -e tcp.seq_raw -e tcp.len -e tcp.checksum -e tcp.checksum.status 2>/dev/null)
	[ -z "$bad" ] && return 0
	# which frames, to tell a bad sum (status 0) from one tshark could not check (2)
	echo "# $(wc -l <<<"$bad") frames without a good TCP checksum in $1, the first:" >&2
	head -5 <<<"$bad" | sed 's/^/#   /' >&2
	return 1
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
