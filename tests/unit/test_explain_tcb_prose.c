/* test_explain_tcb_prose.c - prose of REAL tcb events: the numbers of each reason are the TCB's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain_present.h"
#include "helper_tcbnet.h"

/* The prose of the first event (kind, why) in o, in lang; fails when there is none. */
static const char *ev_prose(const struct tcb_out *o, enum tcb_ev_kind k, enum tcb_why why,
			    enum explain_lang lang, char *buf, size_t cap)
{
	const struct tcb_event *ev = tn_find(o, k, why);
	struct explain_rec r;

	assert_non_null(ev);
	memset(&r, 0, sizeof(r));
	r.kind = EXPLAIN_REC_EVENT;
	r.who = EXPLAIN_CLIENT;
	r.ev = *ev;
	assert_true(explain_prose(&r, lang, buf, cap) > 0);
	assert_null(strchr(buf, '{'));
	return buf;
}

static void expect(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing \"%s\" in: %s", want, text);
}

/* SYN-SENT -> ESTABLISHED: SEG.ACK = ISS + 1 with the TCB's ISS, RCV.NXT = IRS + 1. */
static void handshake_numbers(void **state)
{
	struct net *n = tn_default();
	char buf[EXPLAIN_PROSE_MAX], want[160];

	(void)state;
	assert_int_equal(tcb_open_passive(n->s, n->now, n->os, NULL), 0);
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, NULL), 0);
	ev_prose(n->oc, TCB_EV_STATE, TCB_WHY_USER_OPEN_ACTIVE, EXPLAIN_LANG_EN, buf, sizeof(buf));
	snprintf(want, sizeof(want), "ISS %u is sent; RFC 9293 §3.10.1", C_ISS);
	expect(buf, want);
	tn_xfer(n->oc, n->s, n->os, n->now);
	ev_prose(n->os, TCB_EV_STATE, TCB_WHY_LISTEN_SYN, EXPLAIN_LANG_EN, buf, sizeof(buf));
	snprintf(want, sizeof(want), "(IRS) is %u, so RCV.NXT = %u; this side chose ISS %u",
		 C_ISS, C_ISS + 1, S_ISS);
	expect(buf, want);
	tn_xfer(n->os, n->c, n->oc, n->now);
	ev_prose(n->oc, TCB_EV_STATE, TCB_WHY_SYN_SENT_SYNACK, EXPLAIN_LANG_EN, buf, sizeof(buf));
	snprintf(want, sizeof(want), "SEG.ACK %u = ISS %u + 1) and brings the peer's ISN %u (IRS), "
		 "so RCV.NXT = %u", C_ISS + 1, C_ISS, S_ISS, S_ISS + 1);
	expect(buf, want);
	expect(buf, "SYN-SENT → ESTABLISHED");
	ev_prose(n->oc, TCB_EV_STATE, TCB_WHY_SYN_SENT_SYNACK, EXPLAIN_LANG_ZH, buf, sizeof(buf));
	snprintf(want, sizeof(want), "SEG.ACK %u = ISS %u + 1", C_ISS + 1, C_ISS);
	expect(buf, want);
	expect(buf, "SYN_SENT → ESTABLISHED");
	tn_free(n);
}

/* An out-of-window data segment: SEG.SEQ vs RCV.NXT .. RCV.NXT + RCV.WND. */
static void unacceptable_segment(void **state)
{
	struct net *n = tn_default();
	struct seg s = tn_seg(&tn_sa, S_ISS + 1 + 100000, C_ISS + 1, SEG_ACK);
	uint8_t data[10] = { 0 };
	char buf[EXPLAIN_PROSE_MAX], want[200];
	struct tcb_vars v;

	(void)state;
	tn_handshake(n);
	tcb_get_vars(n->c, &v);
	s.payload = data;
	s.len = sizeof(data);
	tcb_input(n->c, &s, n->now, n->oc);
	ev_prose(n->oc, TCB_EV_SEG_DROPPED, TCB_WHY_SEQ_UNACCEPTABLE, EXPLAIN_LANG_EN, buf,
		 sizeof(buf));
	snprintf(want, sizeof(want), "SEG.SEQ %u with 10 sequence numbers does not fit the receive "
		 "window RCV.NXT %u .. RCV.NXT + RCV.WND = %u (RCV.WND %u)", S_ISS + 100001,
		 v.rcv_nxt, v.rcv_nxt + v.rcv_wnd, v.rcv_wnd);
	expect(buf, want);
	tn_free(n);
}

/* A RST inside the window but not at RCV.NXT: challenge ACK; past the limit: suppressed. */
static void challenge_ack_and_limit(void **state)
{
	struct tcb_params p, ps;
	struct net *n;
	struct seg s;
	char buf[EXPLAIN_PROSE_MAX], want[200];

	(void)state;
	tn_params(&p, C_ISS);
	p.challenge_ack_limit = 1;
	p.invalid_ratelimit_us = 0;	/* the per-second limit alone */
	tn_params(&ps, S_ISS);
	n = tn_new(&p, &ps);
	tn_handshake(n);
	s = tn_seg(&tn_sa, S_ISS + 1 + 10, 0, SEG_RST);
	tcb_input(n->c, &s, n->now, n->oc);
	ev_prose(n->oc, TCB_EV_CHALLENGE_ACK, TCB_WHY_RST_IN_WINDOW, EXPLAIN_LANG_EN, buf,
		 sizeof(buf));
	snprintf(want, sizeof(want), "SEG.SEQ %u is inside the window %u .. %u but not exactly "
		 "RCV.NXT %u", S_ISS + 11, S_ISS + 1, S_ISS + 1 + 65535, S_ISS + 1);
	expect(buf, want);
	expect(buf, "challenge ACK (RFC 5961)");
	tcb_out_reset(n->oc);
	tcb_input(n->c, &s, n->now + 1, n->oc);
	ev_prose(n->oc, TCB_EV_CHALLENGE_ACK, TCB_WHY_RST_IN_WINDOW, EXPLAIN_LANG_EN, buf,
		 sizeof(buf));
	expect(buf, "limit is reached, so none is sent (RFC 5961 §7)");
	ev_prose(n->oc, TCB_EV_CHALLENGE_ACK, TCB_WHY_RST_IN_WINDOW, EXPLAIN_LANG_ZH, buf,
		 sizeof(buf));
	expect(buf, "已经达到上限");
	tn_free(n);
}

/* Two ACKs of unsent data 100 ms apart: the second is not answered, and the prose says
 * so, with the interval, the time since the last answer and the count, in both languages. */
static void reply_rate_limited(void **state)
{
	struct net *n = tn_default();
	struct seg s = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 5000, SEG_ACK);
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	tn_handshake(n);
	tcb_input(n->c, &s, n->now, n->oc);
	assert_int_equal(n->oc->nseg, 1);
	tcb_out_reset(n->oc);
	tcb_input(n->c, &s, n->now + 100 * MS, n->oc);
	assert_int_equal(n->oc->nseg, 0);
	ev_prose(n->oc, TCB_EV_SEG_DROPPED, TCB_WHY_REPLY_RATE_LIMITED, EXPLAIN_LANG_EN, buf,
		 sizeof(buf));
	expect(buf, "did not accept an arriving segment: it would be answered with an ACK");
	expect(buf, "at most one ACK per 500.000 ms");
	expect(buf, "the last one went 100.000 ms ago, so none is sent this time (1 suppressed");
	expect(buf, "RFC 5961 §7, Linux tcp_invalid_ratelimit");
	ev_prose(n->oc, TCB_EV_SEG_DROPPED, TCB_WHY_REPLY_RATE_LIMITED, EXPLAIN_LANG_ZH, buf,
		 sizeof(buf));
	expect(buf, "每 500.000 毫秒 最多回复一个 ACK");
	expect(buf, "已抑制 1 个");
	tn_free(n);
}

/* Data lost: the RTO retransmission tells #count, the interval and the next RTO. */
static void retransmission_and_give_up(void **state)
{
	struct tcb_params p, ps;
	struct net *n;
	char buf[EXPLAIN_PROSE_MAX], want[200];

	(void)state;
	tn_params(&p, C_ISS);
	p.data_retries = 2;
	tn_params(&ps, S_ISS);
	n = tn_new(&p, &ps);
	tn_handshake(n);
	assert_int_equal(tcb_send(n->c, "hello", 5, n->now, n->oc, NULL), 5);
	tcb_out_reset(n->oc);	/* lost */
	n->now = tcb_deadline(n->c);
	tcb_tick(n->c, n->now, n->oc);
	ev_prose(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTO, EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "retransmission #1, 200.000 ms after the previous send.");
	snprintf(want, sizeof(want), "Why: nothing acknowledged seq %u (5 sequence numbers)",
		 C_ISS + 1);
	expect(buf, want);
	expect(buf, "the next try waits 400.000 ms");	/* RTO 200 ms (Linux minimum), doubled */
	tcb_out_reset(n->oc);
	n->now = tcb_deadline(n->c);
	tcb_tick(n->c, n->now, n->oc);
	ev_prose(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTO, EXPLAIN_LANG_ZH, buf, sizeof(buf));
	expect(buf, "第 2 次重传，距上一次发送 400.000 毫秒");
	tcb_out_reset(n->oc);
	n->now = tcb_deadline(n->c);
	tcb_tick(n->c, n->now, n->oc);
	ev_prose(n->oc, TCB_EV_GAVE_UP, TCB_WHY_DATA_GAVE_UP, EXPLAIN_LANG_EN, buf, sizeof(buf));
	snprintf(want, sizeof(want), "2 retransmissions or zero-window probes went unanswered "
		 "(SND.UNA %u, SND.NXT %u)", C_ISS + 1, C_ISS + 6);
	expect(buf, want);
	tn_free(n);
}

/* A repeated SYN in SYN-RECEIVED is answered at once with the SYN+ACK again (count 0):
 * no timer expired, so it is no "retransmission #0" and nothing backs off. */
static void repeated_syn_answered_at_once(void **state)
{
	struct tcb_params p, ps;
	struct tcb_out *syn;
	struct net *n;
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	tn_params(&p, C_ISS);
	tn_params(&ps, S_ISS);
	n = tn_new(&p, &ps);
	assert_non_null(syn = calloc(1, sizeof(*syn)));
	assert_int_equal(tcb_open_passive(n->s, n->now, n->os, NULL), 0);
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, NULL), 0);
	*syn = *n->oc;				/* the SYN, kept to send twice */
	tcb_out_reset(n->os);
	tn_xfer(n->oc, n->s, n->os, n->now);	/* SYN: SYN-RECEIVED, SYN+ACK (lost) */
	tcb_out_reset(n->os);
	n->now += 300000;
	tn_xfer(syn, n->s, n->os, n->now);	/* the same SYN again, 300 ms later */
	ev_prose(n->os, TCB_EV_RETRANSMIT, TCB_WHY_SYN_RCVD_SYN_REPEAT, EXPLAIN_LANG_EN, buf,
		 sizeof(buf));
	expect(buf, "sent again at once in answer to the peer's repeated SYN, 300.000 ms after "
		    "the previous send (no timer expired, so no backoff).");
	assert_null(strstr(buf, "#0"));
	ev_prose(n->os, TCB_EV_RETRANSMIT, TCB_WHY_SYN_RCVD_SYN_REPEAT, EXPLAIN_LANG_ZH, buf,
		 sizeof(buf));
	expect(buf, "对方又发来 SYN，于是立即再发一次");
	free(syn);
	tn_free(n);
}

/* Active close to TIME-WAIT, the FIN again restarts 2MSL, then expiry to CLOSED. */
static void time_wait_restart_and_expiry(void **state)
{
	struct net *n = tn_default();
	struct seg fin;
	char buf[EXPLAIN_PROSE_MAX], want[200];

	(void)state;
	tn_handshake(n);
	assert_int_equal(tcb_close(n->c, n->now, n->oc, NULL), 0);
	ev_prose(n->oc, TCB_EV_STATE, TCB_WHY_USER_CLOSE, EXPLAIN_LANG_EN, buf, sizeof(buf));
	snprintf(want, sizeof(want), "takes sequence number %u", C_ISS + 1);
	expect(buf, want);
	tn_xfer(n->oc, n->s, n->os, n->now);
	assert_int_equal(tcb_close(n->s, n->now, n->os, NULL), 0);
	tn_xfer(n->os, n->c, n->oc, n->now);
	assert_int_equal(tcb_state(n->c), TCB_TIME_WAIT);
	ev_prose(n->oc, TCB_EV_STATE, TCB_WHY_FIN_AFTER_OUR_FIN, EXPLAIN_LANG_ZH, buf, sizeof(buf));
	expect(buf, "进入 TIME_WAIT 等待 2MSL");
	tcb_out_reset(n->oc);
	fin = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 2, SEG_FIN | SEG_ACK);
	n->now += 10 * S;
	tcb_input(n->c, &fin, n->now, n->oc);
	ev_prose(n->oc, TCB_EV_TW_RESTART, TCB_WHY_FIN_IN_TIME_WAIT, EXPLAIN_LANG_EN, buf,
		 sizeof(buf));
	snprintf(want, sizeof(want), "(SEG.SEQ %u) came again, so our last ACK was lost; it is "
		 "acknowledged again (ack %u) and the 60.000 s (2MSL) wait starts over",
		 S_ISS + 1, S_ISS + 2);
	expect(buf, want);
	tcb_out_reset(n->oc);
	n->now = tcb_deadline(n->c);
	tcb_tick(n->c, n->now, n->oc);
	ev_prose(n->oc, TCB_EV_STATE, TCB_WHY_TIME_WAIT_EXPIRED, EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "TIME-WAIT → CLOSED (the 60.000 s (2MSL) wait is over");
	tn_free(n);
}

/* Zero window: the persist timer's probe at SND.UNA - 1 with the bytes waiting. */
static void zero_window_probe(void **state)
{
	struct net *n = tn_default();
	struct seg w0;
	char buf[EXPLAIN_PROSE_MAX], want[200];

	(void)state;
	tn_handshake(n);
	w0 = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 1, SEG_ACK);
	w0.win = 0;
	tcb_input(n->c, &w0, n->now, n->oc);
	ev_prose(n->oc, TCB_EV_WINDOW, TCB_WHY_WINDOW_UPDATE, EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "window changed from 65535 to 0 bytes.");
	tcb_out_reset(n->oc);
	assert_int_equal(tcb_send(n->c, "abc", 3, n->now, n->oc, NULL), 3);
	n->now = tcb_deadline(n->c);
	tcb_tick(n->c, n->now, n->oc);
	ev_prose(n->oc, TCB_EV_TIMER, TCB_WHY_PERSIST_PROBE, EXPLAIN_LANG_EN, buf, sizeof(buf));
	snprintf(want, sizeof(want), "while 3 bytes wait to be sent; probe #1, an ACK with seq "
		 "SND.UNA - 1 = %u and no data", C_ISS);
	expect(buf, want);
	tn_free(n);
}


/* Options: what both SYNs agreed, the first scaled window with its arithmetic, PAWS. */
static void options_agreed_scaled_paws(void **state)
{
	struct tcb_params pc, ps;
	struct net *n;
	struct seg d;
	static const uint8_t data[5];
	char buf[EXPLAIN_PROSE_MAX], want[160];

	(void)state;
	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	ps.rcv_buf = 262144;	/* shift 3 */
	pc.no_sack = true;
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	tcb_send(n->s, data, sizeof(data), n->now, n->os, NULL);
	tn_xfer(n->os, n->c, n->oc, n->now);
	ev_prose(n->oc, TCB_EV_OPTION, TCB_WHY_WSCALE_APPLIED, EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "the 16-bit field says 32768, and with the agreed shift 3 the window is "
		 "32768 << 3 = 262144 bytes; RFC 7323 §2.3");
	ev_prose(n->oc, TCB_EV_OPTION, TCB_WHY_WSCALE_APPLIED, EXPLAIN_LANG_ZH, buf, sizeof(buf));
	expect(buf, "窗口为 32768 << 3 = 262144 字节");
	tn_free(n);

	n = tn_new(&pc, &ps);
	assert_int_equal(tcb_open_passive(n->s, n->now, n->os, NULL), 0);
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, NULL), 0);
	tcb_out_reset(n->os);
	tn_xfer(n->oc, n->s, n->os, n->now);
	ev_prose(n->os, TCB_EV_OPTION, TCB_WHY_WSCALE_ON, EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "both SYNs carried the window scale option");
	expect(buf, "this side divides its own window by 2^3 (shift 3)");
	ev_prose(n->os, TCB_EV_OPTION, TCB_WHY_SACK_OFF_PEER, EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "the peer's SYN did not carry SACK-permitted");
	tn_xfer(n->os, n->c, n->oc, n->now);
	ev_prose(n->oc, TCB_EV_OPTION, TCB_WHY_TS_ON, EXPLAIN_LANG_EN, buf, sizeof(buf));
	expect(buf, "TS.Recent starts at the peer's TSval");
	d = tn_seg(&tn_ca, C_ISS + 1, S_ISS + 1, SEG_ACK);
	d.opts = n->oc->seg[0].opts;	/* the handshake ACK's TSopt, less 7 ticks */
	d.opts.raw_len = 0;
	d.opts.tsval -= 7;
	d.payload = data;
	d.len = sizeof(data);
	tn_xfer(n->oc, n->s, n->os, n->now);
	tcb_out_reset(n->os);
	tcb_input(n->s, &d, n->now, n->os);
	ev_prose(n->os, TCB_EV_SEG_DROPPED, TCB_WHY_PAWS_REJECT, EXPLAIN_LANG_EN, buf, sizeof(buf));
	snprintf(want, sizeof(want), "its TSval %u is older than TS.Recent %u",
		 d.opts.tsval, d.opts.tsval + 7);
	expect(buf, want);
	expect(buf, "RFC 7323 §5.3");
	tn_free(n);
}

/* "--step-clock run: 'retransmission #1, 1.000 s after the previous send' while that
 * send still waited at the prompt." The live log counts the side's held segments. */
static void resend_while_earlier_copy_is_held(void **state)
{
	struct tcb_params p, ps;
	struct net *n;
	struct explain_rec r;
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	tn_params(&p, C_ISS);
	tn_params(&ps, S_ISS);
	n = tn_new(&p, &ps);
	tn_handshake(n);
	assert_int_equal(tcb_send(n->c, "hello", 5, n->now, n->oc, NULL), 5);
	tcb_out_reset(n->oc);	/* held at the prompt: never on the wire */
	n->now = tcb_deadline(n->c);
	tcb_tick(n->c, n->now, n->oc);
	memset(&r, 0, sizeof(r));
	r.kind = EXPLAIN_REC_EVENT;
	r.who = EXPLAIN_CLIENT;
	r.ev = *tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTO);
	r.held_out = 1;
	assert_true(explain_prose(&r, EXPLAIN_LANG_EN, buf, sizeof(buf)) > 0);
	expect(buf, "The copy before it has not reached the wire yet: 1 of this side's segments wait at the step prompt");
	assert_true(explain_prose(&r, EXPLAIN_LANG_ZH, buf, sizeof(buf)) > 0);
	expect(buf, "前一份副本还没有上线");
	r.held_out = 0;		/* nothing held: nothing said */
	assert_true(explain_prose(&r, EXPLAIN_LANG_EN, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "not reached the wire"));
	tn_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handshake_numbers),
		cmocka_unit_test(unacceptable_segment),
		cmocka_unit_test(challenge_ack_and_limit),
		cmocka_unit_test(reply_rate_limited),
		cmocka_unit_test(retransmission_and_give_up),
		cmocka_unit_test(resend_while_earlier_copy_is_held),
		cmocka_unit_test(repeated_syn_answered_at_once),
		cmocka_unit_test(time_wait_restart_and_expiry),
		cmocka_unit_test(zero_window_probe),
		cmocka_unit_test(options_agreed_scaled_paws),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
