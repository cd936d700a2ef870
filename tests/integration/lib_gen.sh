# lib_gen.sh - finds tests/tools/gen_explain, which the Makefile builds (sourced by test scripts).
# Sets GEN to the binary's path; fails with a line on stderr when the build did not make it.
build_gen() {
	GEN="$BUILD/tools/gen_explain"
	[ -x "$GEN" ] || { echo "$GEN is missing: run make" >&2; return 1; }
}
