/* test_explain_cc_prose.c - prose of REAL congestion-control and delayed-ACK events: one line each, the numbers the TCB's own, in English and Chinese. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain_present.h"
#include "helper_tcbcc.h"

static const char *prose_of(const struct tcb_event *ev, enum explain_lang lang, char *buf,
			    size_t cap)
{
	struct explain_rec r;

	assert_non_null(ev);
	memset(&r, 0, sizeof(r));
	r.kind = EXPLAIN_REC_EVENT;
	r.who = EXPLAIN_CLIENT;
	r.ev = *ev;
	assert_true(explain_prose(&r, lang, buf, cap) > 0);
	assert_null(strchr(buf, '{'));
	assert_null(strchr(buf, '\n'));	/* one line */
	return buf;
}

static void expect(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing \"%s\" in: %s", want, text);
}

static void slow_start_and_rto_lines(void **state)
{
	struct net *n = cc_sender(100000);
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	cc_ack(n, CC_SEQ(1), n->now + 10 * MS);
	prose_of(cc_ev(n->oc, TCB_WHY_CC_SLOW_START), EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "Client: congestion window cwnd 14600 → 16060 bytes, ssthresh not set yet "
		    "(no loss seen): slow start:");
	expect(buf, "RFC 5681 §3.1");
	tcb_out_reset(n->oc);
	tcb_tick(n->c, tcb_deadline(n->c), n->oc);
	prose_of(cc_ev(n->oc, TCB_WHY_CC_RTO), EXPLAIN_LANG_EN, buf, sizeof(buf));
	/* FlightSize 10 segments after the first was acked: 13140 + 2920 = 16060 / 2 */
	expect(buf, "cwnd 16060 → 1460 bytes, ssthresh set to 8030: the retransmission timer "
		    "ran out");
	prose_of(cc_ev(n->oc, TCB_WHY_CC_RTO), EXPLAIN_LANG_ZH, buf, sizeof(buf));
	expect(buf, "拥塞窗口 cwnd 16060 → 1460 字节，ssthresh 设为 8030：重传定时器超时");
	tn_free(n);
}

static void fast_retransmit_lines(void **state)
{
	struct net *n = cc_sender(100000);
	char buf[EXPLAIN_PROSE_MAX], want[160];

	(void)state;
	for (int i = 0; i < 3; i++)
		cc_ack(n, CC_SEQ(0), n->now + 10 * MS);
	prose_of(cc_ev(n->oc, TCB_WHY_CC_THIRD_DUPACK), EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "cwnd 14600 → 13140 bytes, ssthresh set to 8760: a third duplicate ACK");
	expect(buf, "RFC 5681 §3.2, RFC 6582 §3.2");
	prose_of(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_FAST_RETRANSMIT), EXPLAIN_LANG_EN,
		 buf, sizeof(buf));
	snprintf(want, sizeof(want), "Why: duplicate ACK %u arrived 3 times: the receiver misses "
		 "seq %u (1460 sequence numbers)", CC_SEQ(0), CC_SEQ(0));
	expect(buf, want);
	if (strstr(buf, "next try"))
		fail_msg("a fast retransmit is no timeout: %s", buf);
	tn_free(n);
}

static void early_retransmit_and_recovery_lines(void **state)
{
	struct net *n = cc_sender(3 * CC_MSS);
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	cc_ack(n, CC_SEQ(0), n->now + 10 * MS);
	cc_ack(n, CC_SEQ(0), n->now + 10 * MS);
	prose_of(cc_ev(n->oc, TCB_WHY_CC_EARLY_RETRANSMIT), EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "cwnd 14600 → 7300 bytes, ssthresh set to 2920: so few segments are in "
		    "flight");
	expect(buf, "(Early Retransmit)");
	expect(buf, "RFC 5827 §3.1");
	if (strstr(buf, "third"))
		fail_msg("two duplicates are not a third: %s", buf);
	prose_of(cc_ev(n->oc, TCB_WHY_CC_EARLY_RETRANSMIT), EXPLAIN_LANG_ZH, buf, sizeof(buf));
	expect(buf, "早期重传");
	cc_ack(n, CC_SEQ(3), n->now + 11 * MS);
	prose_of(cc_ev(n->oc, TCB_WHY_CC_RECOVERY_EXIT), EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "cwnd 7300 → 2920 bytes, ssthresh 2920: the ACK covers all data sent before "
		    "fast recovery began");
	tn_free(n);
}

static void delayed_ack_lines(void **state)
{
	struct tcb_params pc, ps;
	struct net *n;
	static uint8_t d[1460];
	struct seg s = tn_seg(&tn_ca, C_ISS + 1, S_ISS + 1, SEG_ACK);
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	ps.dack_us = 200 * MS;
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	s.payload = d;
	s.len = sizeof(d);
	tcb_input(n->s, &s, n->now, n->os);
	prose_of(tn_find(n->os, TCB_EV_DATA_IN, TCB_WHY_DATA_ACK_DELAYED), EXPLAIN_LANG_EN, buf,
		 sizeof(buf));
	expect(buf, "but the ACK is delayed (1460 bytes not yet acknowledged)");
	if (strstr(buf, "at once"))
		fail_msg("a delayed ACK is not sent at once: %s", buf);
	tcb_out_reset(n->os);
	tcb_tick(n->s, n->now + 200 * MS, n->os);
	prose_of(tn_find(n->os, TCB_EV_TIMER, TCB_WHY_DACK_TIMEOUT), EXPLAIN_LANG_EN, buf,
		 sizeof(buf));
	expect(buf, "the delayed-ACK timer fired after 200.000 ms");
	expect(buf, "acknowledges the 1460 bytes waiting");
	tn_free(n);
}

/* RFC 6675 and RFC 8985 events, real ones: the recovery IsLost starts, the resend of a
 * lost segment, the rescue of the tail, the exit, the tail loss probe. */
static void sack_recovery_and_probe_lines(void **state)
{
	static const unsigned b1[][2] = { { 1, 4 } }, b2[][2] = { { 1, 9 } };
	struct net *n = cc_sack_sender(10 * CC_MSS);
	const struct tcb_event *ev;
	char buf[EXPLAIN_PROSE_MAX];
	uint64_t t = n->now + 10 * MS;

	(void)state;
	cc_sack_ack(n, CC_SEQ(0), 1, b1, t);
	prose_of(cc_ev(n->oc, TCB_WHY_CC_SACK_LOSS), EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "cwnd 14600 → 7300 bytes, ssthresh set to 7300: the receiver has SACKed 3 "
		    "segment(s) above the first unacknowledged one");
	expect(buf, "RFC 6675 §4, §5");
	prose_of(cc_ev(n->oc, TCB_WHY_CC_SACK_LOSS), EXPLAIN_LANG_ZH, buf, sizeof(buf));
	expect(buf, "已有 3 个报文段被 SACK");
	ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_SACK_LOST_RTX);
	prose_of(ev, EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "the receiver has SACKed 3 segments above seq");
	expect(buf, "pipe, the bytes still estimated in the network, was 8760");
	cc_sack_ack(n, CC_SEQ(0), 1, b2, t + 1 * MS);
	cc_ack(n, CC_SEQ(9), t + 20 * MS);
	ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_SACK_RESCUE_RTX);
	prose_of(ev, EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "the highest segment not SACKed, is resent once in this recovery (rescue "
		    "retransmission)");
	prose_of(ev, EXPLAIN_LANG_ZH, buf, sizeof(buf));
	expect(buf, "救援重传");
	cc_ack(n, CC_SEQ(10), t + 40 * MS);
	prose_of(cc_ev(n->oc, TCB_WHY_CC_SACK_EXIT), EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "recovery is over and cwnd stays at ssthresh");
	tn_free(n);

	n = cc_sack_sender(10 * CC_MSS);
	tcb_out_reset(n->oc);
	tcb_tick(n->c, tcb_deadline(n->c), n->oc);
	prose_of(tn_find(n->oc, TCB_EV_TIMER, TCB_WHY_TLP_PTO), EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "Client: the tail-loss-probe (PTO) timer fired after 10.000 ms.");
	expect(buf, "RFC 8985 §7.2, §7.3");
	prose_of(tn_find(n->oc, TCB_EV_TIMER, TCB_WHY_TLP_PTO), EXPLAIN_LANG_ZH, buf, sizeof(buf));
	expect(buf, "尾部丢包探测（PTO）");
	prose_of(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_TLP_RTX), EXPLAIN_LANG_EN, buf,
		 sizeof(buf));
	expect(buf, "tail loss probe: no new data may go");
	tn_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sack_recovery_and_probe_lines),
		cmocka_unit_test(slow_start_and_rto_lines),
		cmocka_unit_test(fast_retransmit_lines),
		cmocka_unit_test(early_retransmit_and_recovery_lines),
		cmocka_unit_test(delayed_ack_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
