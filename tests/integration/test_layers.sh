#!/usr/bin/env bash
# test_layers.sh - the layer rule holds (scripts/check-layers), a wrong include fails both the check and the build, and a second make rebuilds nothing.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d /tmp/sl-layers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok $1"; }
nok() { echo "not ok $1 ${2:-}"; }

if out=$(bash scripts/check-layers 2>&1); then ok layers_hold; else nok layers_hold "$out"; fi

# No two files call each other in a circle (the symbols of the built objects, nm), and
# the check sees one when it is there: two objects that call each other.
if out=$(python3 scripts/check-circles "$BUILD" 2>&1); then ok layers_no_call_circle; else nok layers_no_call_circle "$out"; fi
mkdir -p "$tmp/cb/common/x"
printf 'int b(int);\nint a(int n) { return n ? b(n - 1) : 0; }\n' >"$tmp/a.c"
printf 'int a(int);\nint b(int n) { return n ? a(n - 1) : 1; }\n' >"$tmp/b.c"
cc -c -o "$tmp/cb/common/x/a.o" "$tmp/a.c" && cc -c -o "$tmp/cb/common/x/b.o" "$tmp/b.c"
out=$(python3 scripts/check-circles "$tmp/cb" 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q 'common/x/a.c -> common/x/b.c (b)' <<<"$out"; then
	ok layers_check_sees_a_circle
else
	nok layers_check_sees_a_circle "rc=$rc: $out"
fi

# A copy of the library and the build files, with one wrong include planted in the
# engine (the TCB's RTO estimator asking for the live runtime's header).
cp -r common scripts Makefile "$tmp/"
sed -i '2a #include "live.h"' "$tmp/common/engine/parts/rto.c"
out=$(bash "$tmp/scripts/check-layers" "$tmp" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'rto.c:3: includes "live.h" from common/live' <<<"$out"; then
	ok layers_check_refuses_wrong_include
else
	nok layers_check_refuses_wrong_include "rc=$rc: $out"
fi
out=$(make -s -C "$tmp" BUILD=b b/common/engine/parts/rto.o 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'live.h: No such file' <<<"$out"; then
	ok layers_wrong_include_does_not_compile
else
	nok layers_wrong_include_does_not_compile "rc=$rc: $(head -c 300 <<<"$out")"
fi
# The engine does no I/O: a file opened in the TCB code is refused too.
cp common/engine/parts/rto.c "$tmp/common/engine/parts/rto.c"
echo 'static void z(void) { FILE *f = fopen("x", "r"); (void)f; }' >>"$tmp/common/engine/parts/rto.c"
if ! out=$(bash "$tmp/scripts/check-layers" "$tmp" 2>&1) && grep -q 'rto.c:[0-9]*: the engine does no I/O' <<<"$out"; then
	ok layers_check_refuses_engine_io
else
	nok layers_check_refuses_engine_io "$out"
fi

# The full-screen view (common/tui/) may use explain/ and io/ but never the live runtime,
# and the pure renderers never the view (curses stays out of explain/render/).
cp common/engine/parts/rto.c "$tmp/common/engine/parts/rto.c"
sed -i '2a #include "live.h"' "$tmp/common/tui/tui_lay.c"
sed -i '2a #include "tui.h"' "$tmp/common/explain/render/explain_fmt.c"
out=$(bash "$tmp/scripts/check-layers" "$tmp" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'tui_lay.c:3: includes "live.h" from common/live' <<<"$out" &&
   grep -q 'explain_fmt.c:3: includes "tui.h" from common/tui' <<<"$out"; then
	ok layers_tui_between_explain_and_live
else
	nok layers_tui_between_explain_and_live "rc=$rc: $out"
fi
out=$(make -s -C "$tmp" BUILD=b b/common/tui/tui_lay.o 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'live.h: No such file' <<<"$out"; then
	ok layers_tui_cannot_include_live
else
	nok layers_tui_cannot_include_live "rc=$rc: $(head -c 300 <<<"$out")"
fi

# `make test` has just built everything: a second make finds nothing to do.
if make -q BUILD="$BUILD" $( [[ $BUILD == *san* ]] && echo SANITIZE=1 ) build; then
	ok second_make_rebuilds_nothing
else
	nok second_make_rebuilds_nothing "$(make -n BUILD="$BUILD" build 2>&1 | head -5)"
fi
