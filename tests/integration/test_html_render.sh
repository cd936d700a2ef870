#!/usr/bin/env bash
# test_html_render.sh - the HTML ladder: well-formed SVG, no network references, rendered by headless Chromium.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
TMP=$(mktemp -d /tmp/synlab-present-html.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
. tests/integration/lib_gen.sh

ok() { echo "ok $1"; }
nok() { echo "not ok $1 ${2:-}"; }

if ! build_gen 2>"$TMP/cc.err"; then
	nok html_generator_builds "$(head -c 300 "$TMP/cc.err")"
	exit 1
fi
for spec in echo_close4:en live_drop:zh; do
	sc=${spec%%:*}
	lang=${spec##*:}
	f="$TMP/$sc-$lang.html"
	if ! "$GEN" html "$sc" "$lang" "$f" 2>"$TMP/gen.err"; then
		nok "html_written_${sc}_$lang" "$(head -c 200 "$TMP/gen.err")"
		continue
	fi
	# The SVG part must be well-formed XML (an independent parser, not our counting).
	if python3 -c 'import sys, xml.etree.ElementTree as E
s = open(sys.argv[1], encoding="utf-8").read()
E.fromstring(s[s.index("<svg "):s.index("</svg>") + 6])' "$f" 2>"$TMP/xml.err"; then
		ok "html_svg_well_formed_${sc}_$lang"
	else
		nok "html_svg_well_formed_${sc}_$lang" "$(tail -n1 "$TMP/xml.err")"
	fi
	if grep -qE 'https?://| src=|href=|@import' "$f"; then
		nok "html_no_external_resources_${sc}_$lang"
	else
		ok "html_no_external_resources_${sc}_$lang"
	fi
done

if ! command -v chromium >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends chromium >"$TMP/apt.log" 2>&1
	fi
fi
if ! command -v chromium >/dev/null 2>&1; then
	nok html_chromium_available "chromium missing (scripts/deps installs it as root)"
	exit 1
fi
ok html_chromium_available

f="$TMP/echo_close4-en.html"
png="$TMP/out.png"
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/profile" \
	--screenshot="$png" --window-size=1200,900 "file://$f" >"$TMP/chromium.log" 2>&1
rc=$?
if [ ! -s "$png" ]; then
	nok html_screenshot_written "rc $rc: $(tail -n2 "$TMP/chromium.log" | tr '\n' ' ' | head -c 300)"
	exit 1
fi
ok html_screenshot_written
read -r w h colours nonwhite < <(timeout 60 python3 tests/integration/png_check.py "$png")
[ "$w" = 1200 ] && [ "$h" = 900 ] && ok html_screenshot_size || nok html_screenshot_size "${w}x$h"
# Blank would be one colour; the ladder has text, coloured arrows and badges.
if [ "${colours:-0}" -ge 8 ] && [ "${nonwhite:-0}" -ge 10 ]; then
	ok html_screenshot_not_blank
else
	nok html_screenshot_not_blank "colours ${colours:-?} non-white ${nonwhite:-?} per mille"
fi
