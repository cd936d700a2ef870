#!/usr/bin/env bash
# test_explain_golden.sh - synlab-explain's English/Chinese text on stored vectors (real tracker output) against goldens.
# Regenerate deliberately with SYNLAB_REGEN=1 and review the diff (git diff tests/golden).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
X=$BUILD/synlab-explain
V=tests/vectors/explain
G=tests/golden
TMP=$(mktemp -d /tmp/synlab-present-golden.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C.UTF-8
unset NO_COLOR

# name  vector  options...
# eth_echo: seed 003's handshake, echo and four-segment close (the client closes first);
# eth_srvclose: the server closes first, and the client answers FIN+ACK: a three-segment close.
cases=(
	"cli_echo_close4_en eth_echo.pcap --lang en"
	"cli_echo_close4_zh eth_echo.pcap --lang zh"
	"cli_srvclose3_en eth_srvclose.pcap --lang en"
	"cli_srvclose3_zh eth_srvclose.pcap --lang zh"
	"cli_echo_close4_ladder_en eth_echo.pcap -q --ladder"
	"cli_srvclose3_ladder_zh eth_srvclose.pcap -q --ladder --lang zh"
)
for c in "${cases[@]}"; do
	read -r name vec opts <<<"$c"
	# shellcheck disable=SC2086
	if ! "$X" $opts "$V/$vec" >"$TMP/$name.txt" 2>"$TMP/$name.err"; then
		echo "not ok golden_$name synlab-explain failed: $(head -c 200 "$TMP/$name.err")"
		continue
	fi
	if [ "${SYNLAB_REGEN:-0}" = 1 ]; then
		cp "$TMP/$name.txt" "$G/$name.txt"
	fi
	if cmp -s "$TMP/$name.txt" "$G/$name.txt"; then
		echo "ok golden_$name"
	else
		echo "not ok golden_$name $(diff "$G/$name.txt" "$TMP/$name.txt" 2>&1 | head -n 4 | tr '\n' ' ' | head -c 300)"
	fi
done
