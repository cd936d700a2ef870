/* test_impair_parse.c - impairment rule syntax: parsing, canonical text, every error kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "impair.h"
#include "live.h"

/* Each test gets a fresh engine in *state (heap: it is ~13 KiB). */
static int setup(void **state)
{
	struct impair *im = malloc(sizeof(*im));

	if (!im)
		return -1;
	impair_init(im, 42);
	*state = im;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void parse_ok(const char *text, struct impair_rule *r)
{
	struct err e = { "" };

	if (impair_rule_parse(text, 0, strlen(text), r, NULL, &e) < 0)
		fail_msg("'%s' rejected: %s", text, e.msg);
}

/* text parses, renders as canon, and canon parses to the very same rule. */
static void assert_canon(const char *text, const char *canon)
{
	struct impair_rule r, r2;
	char buf[IMPAIR_TEXT_MAX];

	parse_ok(text, &r);
	assert_int_equal(impair_describe(&r, buf, sizeof(buf)), strlen(canon));
	assert_string_equal(buf, canon);
	parse_ok(buf, &r2);
	assert_memory_equal(&r, &r2, sizeof(r));
}

/* impair_add(text) fails with exactly msg and adds nothing. */
static void assert_add_error(struct impair *im, const char *text, const char *msg)
{
	struct err e = { "" };
	unsigned n0 = im->nrules;

	assert_int_equal(impair_add(im, text, &e), -1);
	assert_string_equal(e.msg, msg);
	assert_int_equal(im->nrules, n0);
}

static void brief_examples_parse_to_fields(void **state)
{
	struct impair_rule r;

	(void)state;
	parse_ok("drop out ACK state=TIME-WAIT nth=1", &r);
	assert_int_equal(r.action, IMPAIR_DROP);
	assert_int_equal(r.dirs, IMPAIR_OUT);
	assert_int_equal(r.fmatch, IMPAIR_FLAGS_EXACT);
	assert_int_equal(r.flags, SEG_ACK);
	assert_int_equal(r.states, 1u << TCB_TIME_WAIT);
	assert_int_equal(r.nth_lo, 1);
	assert_int_equal(r.nth_hi, 1);
	assert_false(r.random);
	parse_ok("delay in SYN+ACK 300ms", &r);
	assert_int_equal(r.action, IMPAIR_DELAY);
	assert_int_equal(r.dirs, IMPAIR_IN);
	assert_int_equal(r.flags, SEG_SYN | SEG_ACK);
	assert_int_equal(r.delay_us, 300000);
	assert_int_equal(r.jitter_us, 0);
	parse_ok("loss 20% seed=7", &r);
	assert_int_equal(r.action, IMPAIR_DROP);
	assert_int_equal(r.dirs, IMPAIR_BOTH);
	assert_int_equal(r.fmatch, IMPAIR_FLAGS_ANY);
	assert_true(r.random);
	assert_int_equal(r.ppm, 200000);
	assert_true(r.has_seed);
	assert_int_equal(r.seed, 7);
}

static void canonical_text_round_trips(void **state)
{
	(void)state;
	assert_canon("drop out ACK state=TIME-WAIT nth=1", "drop out ACK state=TIME-WAIT nth=1");
	assert_canon("delay in SYN+ACK 300ms", "delay in SYN+ACK 300ms");
	assert_canon("loss 20% seed=7", "loss 20% seed=7");
	assert_canon("  DROP   nth=1 ack  OUT ", "drop out ACK nth=1");
	assert_canon("drop 12.25%", "loss 12.25%");
	assert_canon("loss 0.0001%", "loss 0.0001%");
	assert_canon("dup out data port=40000 conn=2", "dup out data conn=2 port=40000");
	assert_canon("corrupt in first=3", "corrupt in nth=1-3");
	assert_canon("reorder out nth=2-4", "reorder out nth=2-4");
	assert_canon("reorder 200ms nth=3-", "reorder nth=3- 200ms");
	assert_canon("drop state=time_wait,SYN_RECV", "drop state=SYN-RECEIVED,TIME-WAIT");
	assert_canon("drop none", "drop none");
	assert_canon("drop has=F", "drop has=FIN");
	assert_canon("drop rst+ack", "drop RST+ACK");
}

static void tcpdump_letters_are_exact_flags(void **state)
{
	(void)state;
	assert_canon("drop S.", "drop SYN+ACK");
	assert_canon("drop S", "drop SYN");
	assert_canon("drop .", "drop ACK");
	assert_canon("drop FP.", "drop FIN+PSH+ACK");
	assert_canon("drop R", "drop RST");
	assert_canon("drop SEW", "drop SYN+ECE+CWR");
}

static void durations_and_units(void **state)
{
	struct impair_rule r;

	(void)state;
	assert_canon("delay 1.5s", "delay 1.5s");
	assert_canon("delay 1500ms", "delay 1.5s");
	assert_canon("delay 250us", "delay 250us");
	assert_canon("delay 1.5ms", "delay 1.5ms");
	assert_canon("delay 10ms+-5ms 30%", "delay 10ms±5ms 30%");
	assert_canon("delay 10ms±500us", "delay 10ms±500us");
	assert_canon("delay 0ms", "delay 0us");
	parse_ok("delay 10ms±5", &r);	/* jitter without unit takes the delay's */
	assert_int_equal(r.delay_us, 10000);
	assert_int_equal(r.jitter_us, 5000);
	parse_ok("delay 600s", &r);
	assert_int_equal(r.delay_us, 600000000ull);
	parse_ok("delay .25s", &r);
	assert_int_equal(r.delay_us, 250000);
}

static void state_names_all_spellings(void **state)
{
	static const char *const rfc[] = { "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED",
					   "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2",
					   "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT" };
	enum tcb_state st;

	(void)state;
	for (int i = 0; i < TCB_NSTATES; i++) {
		assert_int_equal(impair_state_parse(rfc[i], strlen(rfc[i]), &st), 0);
		assert_int_equal(st, i);
		assert_string_equal(tcb_state_name((enum tcb_state)i), rfc[i]);
	}
	assert_int_equal(impair_state_parse("time_wait", 9, &st), 0);
	assert_int_equal(st, TCB_TIME_WAIT);
	assert_int_equal(impair_state_parse("SYN_SENT", 8, &st), 0);
	assert_int_equal(st, TCB_SYN_SENT);
	assert_int_equal(impair_state_parse("SYN_RECV", 8, &st), 0);
	assert_int_equal(st, TCB_SYN_RECEIVED);
	assert_int_equal(impair_state_parse("fin_wait2", 9, &st), 0);
	assert_int_equal(st, TCB_FIN_WAIT_2);
	assert_int_equal(impair_state_parse("ESTAB", 5, &st), 0);
	assert_int_equal(st, TCB_ESTABLISHED);
	assert_int_equal(impair_state_parse("TIMEWAIT", 8, &st), -1);
	assert_int_equal(impair_state_parse("", 0, &st), -1);
	assert_string_equal(tcb_state_name(TCB_NSTATES), "?");
}

static void error_brief_example_bad_flags(void **state)
{
	assert_add_error(*state, "drop out SYNN", "impair: rule 'drop out SYNN': col 10: unknown flags "
			 "'SYNN' (expected e.g. SYN, SYN+ACK, ACK, FIN+ACK, RST or tcpdump letters "
			 "like S.)");
	assert_add_error(*state, "drop SYN+", "impair: rule 'drop SYN+': col 6: unknown flags 'SYN+' "
			 "(expected e.g. SYN, SYN+ACK, ACK, FIN+ACK, RST or tcpdump letters like S.)");
	assert_add_error(*state, "drop has=SYX", "impair: rule 'drop has=SYX': col 10: unknown flags "
			 "'SYX' (expected e.g. SYN, SYN+ACK, ACK, FIN+ACK, RST or tcpdump letters "
			 "like S.)");
}

static void error_unknown_word(void **state)
{
	assert_add_error(*state, "drop out foo", "impair: rule 'drop out foo': col 10: unknown word "
			 "'foo' (expected in, out, data, flags like SYN+ACK, key=value, a "
			 "percentage or a duration)");
	assert_add_error(*state, "drip out", "impair: rule 'drip out': col 1: unknown action 'drip' (a "
			 "rule starts with drop, loss, delay, dup, reorder or corrupt)");
	assert_add_error(*state, "drop colour=red", "impair: rule 'drop colour=red': col 6: unknown key "
			 "'colour=' (expected has=, state=, nth=, first=, conn=, port= or seed=)");
}

static void error_bad_state(void **state)
{
	assert_add_error(*state, "drop state=TIMEWAIT", "impair: rule 'drop state=TIMEWAIT': col 12: "
			 "unknown state 'TIMEWAIT' (expected CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, "
			 "ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK or "
			 "TIME-WAIT)");
	/* the column of the bad item inside a list */
	assert_add_error(*state, "drop state=LISTEN,NOPE", "impair: rule 'drop state=LISTEN,NOPE': col "
			 "19: unknown state 'NOPE' (expected CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, "
			 "ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK or "
			 "TIME-WAIT)");
}

static void error_bad_percentage(void **state)
{
	assert_add_error(*state, "loss 120%", "impair: rule 'loss 120%': col 6: bad percentage '120%' "
			 "(expected 0% to 100%)");
	assert_add_error(*state, "loss 100.0001%", "impair: rule 'loss 100.0001%': col 6: bad percentage "
			 "'100.0001%' (expected 0% to 100%)");
	assert_add_error(*state, "loss -5%", "impair: rule 'loss -5%': col 6: bad percentage '-5%' "
			 "(expected 0% to 100%, at most 4 decimals, e.g. 10% or 0.5%)");
	assert_add_error(*state, "loss 1.23456%", "impair: rule 'loss 1.23456%': col 6: bad percentage "
			 "'1.23456%' (expected 0% to 100%, at most 4 decimals, e.g. 10% or 0.5%)");
	assert_add_error(*state, "loss", "impair: rule 'loss': col 1: loss needs a percentage, e.g. "
			 "'loss 10%'");
}

static void error_missing_delay_value(void **state)
{
	assert_add_error(*state, "delay in SYN+ACK", "impair: rule 'delay in SYN+ACK': col 1: delay "
			 "needs a duration, e.g. 'delay 300ms' or 'delay 10ms±5ms'");
	assert_add_error(*state, "drop in 5ms", "impair: rule 'drop in 5ms': col 9: a duration goes only "
			 "with delay or reorder");
}

static void error_bad_unit(void **state)
{
	assert_add_error(*state, "delay 300xs", "impair: rule 'delay 300xs': col 10: unknown unit 'xs' "
			 "in '300xs' (expected us, ms or s)");
	assert_add_error(*state, "delay 300", "impair: rule 'delay 300': col 7: duration '300' needs a "
			 "unit: us, ms or s");
	assert_add_error(*state, "delay 1.5us", "impair: rule 'delay 1.5us': col 7: duration '1.5us' is "
			 "finer than 1us");
	assert_add_error(*state, "delay 601s", "impair: rule 'delay 601s': col 7: duration '601s' is "
			 "longer than 600s");
	assert_add_error(*state, "delay -5ms", "impair: rule 'delay -5ms': col 7: negative duration "
			 "'-5ms'");
	assert_add_error(*state, "delay 10ms±20ms", "impair: rule 'delay 10ms±20ms': col 7: jitter "
			 "20ms is larger than the delay 10ms");
}

static void error_nth_zero(void **state)
{
	assert_add_error(*state, "drop nth=0", "impair: rule 'drop nth=0': col 10: nth=0: matches count "
			 "from 1 (nth=1 is the first)");
	assert_add_error(*state, "drop first=0", "impair: rule 'drop first=0': col 12: first=0 matches "
			 "nothing (first=N means nth=1-N, N >= 1)");
	assert_add_error(*state, "drop nth=x", "impair: rule 'drop nth=x': col 10: bad number 'x' in "
			 "nth= (expected nth=N, nth=N-M or nth=N-)");
}

static void error_range_reversed(void **state)
{
	assert_add_error(*state, "drop nth=4-2", "impair: rule 'drop nth=4-2': col 10: range reversed: "
			 "nth=4-2 (write nth=2-4)");
}

static void error_duplicate_key(void **state)
{
	assert_add_error(*state, "drop nth=1 nth=2", "impair: rule 'drop nth=1 nth=2': col 12: duplicate "
			 "nth=/first= 'nth=2' (already given at col 6)");
	assert_add_error(*state, "drop first=2 nth=1", "impair: rule 'drop first=2 nth=1': col 14: "
			 "duplicate nth=/first= 'nth=1' (already given at col 6)");
	assert_add_error(*state, "drop in out", "impair: rule 'drop in out': col 9: duplicate direction "
			 "'out' (already given at col 6)");
	assert_add_error(*state, "drop SYN has=FIN", "impair: rule 'drop SYN has=FIN': col 10: duplicate "
			 "flags 'has=FIN' (already given at col 6)");
	assert_add_error(*state, "loss 5% 6%", "impair: rule 'loss 5% 6%': col 9: duplicate percentage "
			 "'6%' (already given at col 6)");
}

static void error_garbage_after_rule(void **state)
{
	assert_add_error(*state, "drop out ACK )", "impair: rule 'drop out ACK )': col 14: unexpected ')' "
			 "(garbage after the rule? separate rules with ';', comments start with '#')");
	assert_add_error(*state, "drop out ACK delay 5ms", "impair: rule 'drop out ACK delay 5ms': col "
			 "14: second action 'delay' after the rule: one action per rule; separate "
			 "rules with ';'");
}

static void error_other_values(void **state)
{
	assert_add_error(*state, "drop port=70000", "impair: rule 'drop port=70000': col 11: bad port= "
			 "value '70000' (expected 1 to 65535)");
	assert_add_error(*state, "drop conn=0", "impair: rule 'drop conn=0': col 11: bad conn= value "
			 "'0' (expected 1 to 4294967295)");
	assert_add_error(*state, "drop has=", "impair: rule 'drop has=': col 10: has= needs at least one "
			 "flag, e.g. has=FIN");
	assert_add_error(*state, "reorder 5ms±1ms", "impair: rule 'reorder 5ms±1ms': col 9: reorder "
			 "takes a maximum hold time, not a jitter");
	assert_add_error(*state, "   ", "impair: rule '': col 1: empty rule");
}

/* Columns count characters: '±' is two bytes but one column. */
static void error_column_counts_characters(void **state)
{
	assert_add_error(*state, "delay 10ms±5ms foo", "impair: rule 'delay 10ms±5ms foo': col 16: "
			 "unknown word 'foo' (expected in, out, data, flags like SYN+ACK, key=value, "
			 "a percentage or a duration)");
}

static void several_rules_in_one_string(void **state)
{
	struct err e = { "" };

	assert_int_equal(impair_add(*state, "drop out ACK nth=1; delay in SYN+ACK 300ms;", &e), 0);
	assert_int_equal(((struct impair *)*state)->nrules, 2);
	assert_string_equal(impair_rule_text(*state, 1), "drop out ACK nth=1");
	assert_string_equal(impair_rule_text(*state, 2), "delay in SYN+ACK 300ms");
	assert_null(impair_rule_text(*state, 3));
	assert_null(impair_rule_text(*state, 0));
	/* the column refers to the whole string, the quote to the failing rule; all or
	 * nothing: the good first rule is not added either */
	assert_add_error(*state, "dup in; drop nth=0", "impair: rule 'drop nth=0': col 18: nth=0: "
			 "matches count from 1 (nth=1 is the first)");
	assert_int_equal(((struct impair *)*state)->nrules, 2);
	assert_int_equal(impair_add(*state, "corrupt # a comment ; not a rule", &e), 0);
	assert_int_equal(((struct impair *)*state)->nrules, 3);
	assert_string_equal(impair_rule_text(*state, 3), "corrupt");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void file_rules_comments_blank_lines(void **state)
{
	char path[] = "/tmp/test_impair_parse_XXXXXX";
	struct err e = { "" };
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	write_file(path, "# lab 3: lose the last ACK once\n\n  drop out ACK state=TIME-WAIT "
		   "nth=1   # the first one\n\t\ndelay in S. 300ms\r\nloss 20% seed=7");
	assert_int_equal(live_impair_file(*state, path, &e), 0);
	assert_int_equal(((struct impair *)*state)->nrules, 3);
	assert_string_equal(impair_rule_text(*state, 1), "drop out ACK state=TIME-WAIT nth=1");
	assert_string_equal(impair_rule_text(*state, 2), "delay in SYN+ACK 300ms");
	assert_string_equal(impair_rule_text(*state, 3), "loss 20% seed=7");
	unlink(path);
}

static void file_error_has_line_and_column(void **state)
{
	char path[] = "/tmp/test_impair_parse_XXXXXX", want[256];
	struct err e = { "" };
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	write_file(path, "# rules\ndrop out ACK\n\n   delay in SYN+ACK 3q0ms\n");
	assert_int_equal(live_impair_file(*state, path, &e), -1);
	snprintf(want, sizeof(want), "impair: %s:4: rule 'delay in SYN+ACK 3q0ms': col 22: "
		 "unknown unit 'q0ms' in '3q0ms' (expected us, ms or s)", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(((struct impair *)*state)->nrules, 0);	/* all or nothing */
	unlink(path);
	assert_int_equal(live_impair_file(*state, path, &e), -1);
	snprintf(want, sizeof(want), "impair: %s: No such file or directory", path);
	assert_string_equal(e.msg, want);
}

static void rule_parse_reports_column(void **state)
{
	struct impair_rule r;
	struct err e = { "" };
	size_t col = 0;
	const char *line = "drop in; dup SYN nth=5-1";

	(void)state;
	assert_int_equal(impair_rule_parse(line, 9, strlen(line), &r, &col, &e), -1);
	assert_int_equal(col, 22);
	assert_string_equal(e.msg, "col 22: range reversed: nth=5-1 (write nth=1-5)");
}

/* Malformed input never crashes or reads past the end (run under SANITIZE=1 too). */
static void hostile_inputs_are_rejected_cleanly(void **state)
{
	static const char *const bad[] = {
		"drop \xc2", "drop nth=99999999999999999999999", "delay 99999999999s",
		"drop seed=18446744073709551616", "delay 1.0000001s", "drop state=,", "drop +",
		"drop nth=-", "drop nth=1--2", "delay 5ms±", "delay ±5ms", "loss %", "loss .%",
		"drop =", "drop state=", "delay 5..5ms", "drop \x01",
	};
	struct impair_rule r;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.msg[0] = '\0';
		if (impair_rule_parse(bad[i], 0, strlen(bad[i]), &r, NULL, &e) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(strncmp(e.msg, "col ", 4) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(brief_examples_parse_to_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(canonical_text_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(tcpdump_letters_are_exact_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(durations_and_units, setup, teardown),
		cmocka_unit_test_setup_teardown(state_names_all_spellings, setup, teardown),
		cmocka_unit_test_setup_teardown(error_brief_example_bad_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(error_unknown_word, setup, teardown),
		cmocka_unit_test_setup_teardown(error_bad_state, setup, teardown),
		cmocka_unit_test_setup_teardown(error_bad_percentage, setup, teardown),
		cmocka_unit_test_setup_teardown(error_missing_delay_value, setup, teardown),
		cmocka_unit_test_setup_teardown(error_bad_unit, setup, teardown),
		cmocka_unit_test_setup_teardown(error_nth_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(error_range_reversed, setup, teardown),
		cmocka_unit_test_setup_teardown(error_duplicate_key, setup, teardown),
		cmocka_unit_test_setup_teardown(error_garbage_after_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(error_other_values, setup, teardown),
		cmocka_unit_test_setup_teardown(error_column_counts_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(several_rules_in_one_string, setup, teardown),
		cmocka_unit_test_setup_teardown(file_rules_comments_blank_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(file_error_has_line_and_column, setup, teardown),
		cmocka_unit_test_setup_teardown(rule_parse_reports_column, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_inputs_are_rejected_cleanly, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
