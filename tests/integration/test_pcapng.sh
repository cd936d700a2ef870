#!/usr/bin/env bash
# test_pcapng.sh - commented pcapng from synthetic connections, read back by tshark and libpcap (tcpdump).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
TMP=$(mktemp -d /tmp/synlab-present-pcapng.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
. tests/integration/lib_gen.sh

ok() { echo "ok $1"; }
nok() { echo "not ok $1 ${2:-}"; }

if ! build_gen 2>"$TMP/cc.err"; then
	nok pcapng_generator_builds "$(head -c 300 "$TMP/cc.err")"
	exit 1
fi
ok pcapng_generator_builds

for sc in echo_close4 close3 server_first live_drop; do
	for lang in en zh; do
		f="$TMP/$sc-$lang.pcapng"
		if ! timeout 20 "$GEN" pcapng "$sc" "$lang" "$f" "$TMP/$sc-$lang.want" 2>"$TMP/gen.err"; then
			nok "pcapng_written_${sc}_$lang" "$(head -c 200 "$TMP/gen.err")"
			continue
		fi
		# tshark 4.0 calls the packet comment field frame.comment (pkt_comment is the protocol)
		timeout 60 tshark -r "$f" -T fields -e frame.comment >"$TMP/got" 2>"$TMP/ts.err"
		if cmp -s "$TMP/got" "$TMP/$sc-$lang.want" && [ -s "$TMP/got" ]; then
			ok "pcapng_comments_equal_prose_${sc}_$lang"
		else
			nok "pcapng_comments_equal_prose_${sc}_$lang" "$(diff "$TMP/got" "$TMP/$sc-$lang.want" | head -c 300)"
		fi
	done
done

# Checksums, and tshark's own relative seq/ack against the numbers the prose states.
f="$TMP/echo_close4-en.pcapng"
timeout 60 tshark -r "$f" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields \
	-E separator='|' -e ip.checksum.status -e tcp.checksum.status -e tcp.flags.ack -e tcp.seq \
	-e tcp.ack -e frame.comment >"$TMP/fields" 2>/dev/null
n=$(wc -l <"$TMP/fields")
[ "$n" -eq 11 ] && ok pcapng_tshark_reads_11_frames || nok pcapng_tshark_reads_11_frames "got $n"
bad=$(awk -F'|' '$1 != 1 || $2 != 1' "$TMP/fields" | wc -l)
[ "$bad" -eq 0 ] && ok pcapng_checksums_good || nok pcapng_checksums_good "$bad frames not good"
mism=0
while IFS='|' read -r _ _ ackf seq ack comment; do
	case "$comment" in *"seq $seq"*) ;; *) mism=$((mism + 1)) ;; esac
	if [ "$ackf" = 1 ]; then
		case "$comment" in *"ack $ack"*) ;; *) mism=$((mism + 1)) ;; esac
	fi
done <"$TMP/fields"
[ "$mism" -eq 0 ] && ok pcapng_prose_numbers_match_tshark || nok pcapng_prose_numbers_match_tshark "$mism mismatches"

# libpcap (through tcpdump) reads the same file, nanosecond timestamps included.
out=$(timeout 30 tcpdump -nn --time-stamp-precision=nano -r "$f" 2>/dev/null)
n=$(printf '%s\n' "$out" | grep -c ' Flags ')
first=$(printf '%s\n' "$out" | head -n1 | awk '{print $1}')
if [ "$n" -eq 11 ] && printf '%s\n' "$out" | grep -q 'Flags \[F\.\], seq 15, ack 23,'; then
	ok pcapng_libpcap_reads
else
	nok pcapng_libpcap_reads "count $n first $first"
fi
case "$first" in *.000000000) ok pcapng_nanosecond_timestamps ;; *) nok pcapng_nanosecond_timestamps "$first" ;; esac

# A bad path is an error message and exit 1, not a crash.
"$GEN" pcapng echo_close4 en /nonexistent-dir/x.pcapng 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'No such file' "$TMP/err"; then ok pcapng_bad_path_reported; else nok pcapng_bad_path_reported "rc $rc"; fi
"$GEN" pcapng echo_close4 en /dev/full 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'No space left' "$TMP/err"; then ok pcapng_enospc_reported; else nok pcapng_enospc_reported "rc $rc"; fi
