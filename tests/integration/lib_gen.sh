# lib_gen.sh - builds tests/integration/gen_explain against the library (sourced by test scripts).
# Sets GEN to the binary's path; the caller must define TMP (a private directory).
build_gen() {
	local cflags
	cflags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Icommon -Itests/unit $(pkg-config --cflags libpcap 2>/dev/null)"
	GEN="$TMP/gen_explain"
	# A sanitized library (make SANITIZE=1) needs the sanitizer runtimes at link time.
	if nm "$BUILD/libsynlab.a" 2>/dev/null | grep -q __asan_report; then
		cflags+=" -fsanitize=address,undefined -fno-sanitize-recover=all"
	fi
	# shellcheck disable=SC2086
	cc $cflags -o "$GEN" tests/integration/gen_explain.c tests/unit/helper_explain_recs.c \
		tests/unit/helper_explain_out.c "$BUILD/libsynlab.a" -lpcap
}
