/* test_explain_truth.c - each false claim once found on real captures, replayed through the tracker and the prose: now true. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "explain_present.h"
#include "explain_track.h"

/* Only the tracker's output and the English text are asserted (fields every version of
 * the record has), so each test also runs, and fails, on the code before the fix. */

#include "helper_explain_feed.h"

/* "The summary names the wrong side as the RST sender whenever the other side sent a FIN
 * first." */
static void rst_sender_is_the_sender_of_the_rst(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 300, SEG_FIN | SEG_ACK, 1, 1, 65535, 0, 3);
	send_seg(&f, false, 400, SEG_RST | SEG_ACK, 1, 2, 0, 0, 2);
	finish(&f);
	const struct explain_rec *s = summary(&f, &t);
	assert_true(s->sum.reset);
	assert_int_equal(s->sum.closer, EXPLAIN_SERVER);
	has(t, "ended by a RST from the server");
}

/* "Crossing FINs seen from the client's side: the server's FIN+ACK acks only up to the
 * client's FIN, yet the server is narrated CLOSE-WAIT -> LAST-ACK 'passive close' and the
 * close 'three-segment'; the next frame gets 'no acknowledgement arrived before the
 * retransmission timer expired' 1.4 ms later." */
static void crossing_fins_are_a_simultaneous_close(void **state)
{
	struct feed f;
	const char *t = "";
	const struct explain_rec *r;

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_FIN | SEG_ACK, 1, 1, 65535, 0, 3);	/* frame 4 */
	send_seg(&f, false, 1100, SEG_FIN | SEG_ACK, 1, 1, 65535, 0, 2);	/* acks only 1 */
	send_seg(&f, true, 2500, SEG_FIN | SEG_ACK, 1, 1, 65535, 0, 4);	/* resent, 1.5 ms */
	send_seg(&f, true, 2600, SEG_ACK, 2, 2, 65535, 0, 5);
	send_seg(&f, false, 2700, SEG_ACK, 2, 2, 65535, 0, 3);
	finish(&f);
	r = frame_rec(&f, 5, &t);
	assert_int_equal(r->ep[EXPLAIN_SERVER].after, TCB_FIN_WAIT_1);	/* an active close too */
	lacks(t, "passive close");
	lacks(t, "CLOSE-WAIT");
	lacks(t, "three segments");
	r = frame_rec(&f, 6, &t);
	assert_true(r->analysis & EXPLAIN_AF_RETRANSMISSION);
	lacks(t, "retransmission timer expired");
	lacks(t, "fits the retransmission timer");
	has(t, "does not show why");
	r = frame_rec(&f, 7, &t);	/* the client's ACK of the server's FIN: CLOSING */
	assert_int_equal(r->ep[EXPLAIN_CLIENT].after, TCB_CLOSING);
	r = summary(&f, &t);
	assert_int_not_equal(r->sum.close_segments, 3);
	assert_int_equal(r->sum.final[EXPLAIN_CLIENT], TCB_TIME_WAIT);
	assert_int_equal(r->sum.final[EXPLAIN_SERVER], TCB_TIME_WAIT);
	lacks(t, "three-segment");
	has(t, "simultaneous close");
}

/* "A SYN refused by RST+ACK (closed port): the server is narrated 'LISTEN ->
 * SYN-RECEIVED' and ends 'LISTEN'. The RST text states the ESTABLISHED rule for a
 * SYN-SENT client (RFC 9293 §3.10.7.3 checks the ACK field there)." */
static void refused_syn(void **state)
{
	struct feed f;
	const char *t = "";
	const struct explain_rec *r;

	(void)state;
	feed_init(&f);
	send_seg(&f, true, 0, SEG_SYN, 0, 0, 65535, 0, 1);
	send_seg(&f, false, 50, SEG_RST | SEG_ACK, 0, 1, 0, 0, 0);
	finish(&f);
	for (int i = 1; i <= 2; i++) {
		r = frame_rec(&f, (uint64_t)i, &t);
		lacks(t, "SYN-RECEIVED");
		assert_false(r->ep[EXPLAIN_SERVER].known &&
			     r->ep[EXPLAIN_SERVER].after == TCB_SYN_RECEIVED);
	}
	r = frame_rec(&f, 2, &t);
	lacks(t, "exactly the next");
	has(t, "ACK field");
	has(t, "§3.10.7.3");
	r = summary(&f, &t);
	assert_int_equal(r->sum.final[EXPLAIN_SERVER], TCB_CLOSED);
	assert_int_equal(r->sum.final[EXPLAIN_CLIENT], TCB_CLOSED);
	assert_int_equal(r->sum.closer, EXPLAIN_SERVER);
}

/* "... the same claim is made for every unanswered SYN of a port scan." */
static void unanswered_syns_claim_nothing_of_the_server(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	send_seg(&f, true, 0, SEG_SYN, 0, 0, 1024, 0, 7);
	finish(&f);
	const struct explain_rec *r = frame_rec(&f, 1, &t);
	lacks(t, "SYN-RECEIVED");
	lacks(t, "Server:");
	assert_false(r->ep[EXPLAIN_SERVER].known && r->ep[EXPLAIN_SERVER].after != TCB_LISTEN);
	summary(&f, &t);
	lacks(t, "server LISTEN");
	lacks(t, "server SYN-RECEIVED");
}

/* "The same packet captured twice (same IP ID, 2 us apart) is explained as 'the
 * retransmission timer expired ... the timer doubles'." */
static void capture_duplicate_is_no_timer_expiry(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 3);
	send_seg(&f, true, 1002, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 3);	/* the same packet */
	finish(&f);
	const struct explain_rec *r = frame_rec(&f, 5, &t);
	assert_true(r->analysis & EXPLAIN_AF_RETRANSMISSION);	/* as tshark labels it */
	lacks(t, "timer");
	has(t, "second copy of frame 4");
}

/* A real resend 300 ms later with a new IP ID is the timer; 5 ms later it is not. */
static void resend_cause_follows_the_interval(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 3);
	send_seg(&f, true, 6000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 4);	/* +5 ms */
	send_seg(&f, true, 306000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 5);	/* +300 ms */
	send_seg(&f, false, 306100, SEG_ACK, 1, 15, 65535, 0, 2);
	finish(&f);
	frame_rec(&f, 5, &t);
	lacks(t, "timer expired");
	lacks(t, "fits the retransmission timer");
	frame_rec(&f, 6, &t);
	has(t, "retransmission timer");
	has(t, "first sent in frame 4");
	/* "'It acknowledges frame N' names the latest copy of a resent segment, not the
	 * first, and does not say that the RTT is ambiguous after a retransmission." */
	const struct explain_rec *r = frame_rec(&f, 7, &t);
	has(t, "acknowledges frame 4");
	has(t, "Karn");
	assert_int_equal(r->why.acks_frame, 4);
}

/* A resend that follows three duplicate ACKs but only after a timeout's worth of waiting
 * is no fast retransmit (it was once "It follows 0 duplicate ACKs ...: a fast retransmit,
 * without waiting for the timer"); one at once after them is, with the count stated. */
static void fast_retransmit_only_at_once_after_dup_acks(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 3);	/* frame 4: lost */
	send_seg(&f, true, 1100, SEG_PSH | SEG_ACK, 15, 1, 65535, 14, 4);	/* frame 5 */
	send_seg(&f, true, 1200, SEG_PSH | SEG_ACK, 29, 1, 65535, 14, 5);	/* frame 6 */
	send_seg(&f, true, 1300, SEG_PSH | SEG_ACK, 43, 1, 65535, 14, 6);	/* frame 7 */
	send_seg(&f, false, 2000, SEG_ACK, 1, 1, 65535, 0, 2);			/* frame 8 */
	send_seg(&f, false, 2100, SEG_ACK, 1, 1, 65535, 0, 3);			/* dup 1 */
	send_seg(&f, false, 2200, SEG_ACK, 1, 1, 65535, 0, 4);			/* dup 2 */
	send_seg(&f, false, 2300, SEG_ACK, 1, 1, 65535, 0, 5);			/* dup 3 */
	send_seg(&f, true, 402300, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 7);	/* +400 ms */
	finish(&f);
	frame_rec(&f, 12, &t);
	lacks(t, "fast retransmit");
	lacks(t, "Fast Retransmission");
	lacks(t, "0 duplicate ACKs");

	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 3);
	send_seg(&f, true, 1100, SEG_PSH | SEG_ACK, 15, 1, 65535, 14, 4);
	send_seg(&f, true, 1200, SEG_PSH | SEG_ACK, 29, 1, 65535, 14, 5);
	send_seg(&f, true, 1300, SEG_PSH | SEG_ACK, 43, 1, 65535, 14, 6);
	send_seg(&f, false, 2000, SEG_ACK, 1, 1, 65535, 0, 2);
	send_seg(&f, false, 2100, SEG_ACK, 1, 1, 65535, 0, 3);
	send_seg(&f, false, 2200, SEG_ACK, 1, 1, 65535, 0, 4);
	send_seg(&f, false, 2300, SEG_ACK, 1, 1, 65535, 0, 5);
	send_seg(&f, true, 2400, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 7);	/* at once */
	finish(&f);
	frame_rec(&f, 12, &t);
	has(t, "Resent after duplicate ACKs, without waiting for the retransmission timer");
	lacks(t, "0 duplicate ACKs");
}

/* "A FIN without ACK at seq 0 in SYN-RECEIVED is called 'FIN retransmission #1 (first
 * sent in frame 1)' (frame 1 was the SYN) and moves the server to CLOSE-WAIT." */
static void fin_without_ack_in_syn_received_is_dropped(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	send_seg(&f, true, 0, SEG_SYN, 0, 0, 65535, 0, 1);
	send_seg(&f, false, 100, SEG_SYN | SEG_ACK, 0, 1, 65535, 0, 1);
	send_seg(&f, true, 200, SEG_FIN, 0, 0, 65535, 0, 2);
	finish(&f);
	const struct explain_rec *r = frame_rec(&f, 3, &t);
	assert_int_equal(r->ep[EXPLAIN_SERVER].after, TCB_SYN_RECEIVED);
	lacks(t, "FIN retransmission #1");
	lacks(t, "CLOSE-WAIT");
	has(t, "must drop");
	summary(&f, &t);
	lacks(t, "CLOSE-WAIT");
}

/* "Captures that start mid-stream are off by one: 'ack 1 = 0 + 1: received 1 more
 * bytes'." */
static void mid_stream_first_ack_claims_no_bytes(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	send_seg(&f, true, 0, SEG_PSH | SEG_ACK, 100, 200, 65535, 14, 9);
	finish(&f);
	const struct explain_rec *r = frame_rec(&f, 1, &t);
	assert_int_equal(r->ack, 1);
	lacks(t, "received 1 more");
	lacks(t, "0 + 1");
	has(t, "first acknowledgement this capture shows");
}

/* "Zero-window probes (persist timer, backoff 3.4/6.8/13.5 s) are described as
 * keep-alives." */
static void zero_window_probe_is_no_keep_alive(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 3);
	send_seg(&f, false, 1100, SEG_ACK, 1, 15, 0, 0, 2);	/* window 0 */
	send_seg(&f, true, 3401100, SEG_ACK, 14, 1, 65535, 0, 4);	/* Linux's probe */
	finish(&f);
	const struct explain_rec *r = frame_rec(&f, 6, &t);
	assert_true(r->analysis & EXPLAIN_AF_KEEP_ALIVE);	/* tshark's label */
	lacks(t, "to check that the peer is still there");
	has(t, "zero-window probe");
}

/* "A challenge ACK is labelled only 'Dup ACK ... a segment after byte 14 is missing'." */
static void challenge_ack_is_no_missing_segment(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 3);
	send_seg(&f, false, 1100, SEG_ACK, 1, 15, 65535, 0, 2);
	send_seg(&f, true, 300000, SEG_RST, 115, 0, 0, 0, 4);		/* in window, not 15 */
	send_seg(&f, false, 300100, SEG_ACK, 1, 15, 65535, 0, 3);	/* the challenge */
	finish(&f);
	frame_rec(&f, 6, &t);
	lacks(t, "exactly the next sequence number the server expects, so it accepts");
	const struct explain_rec *r = frame_rec(&f, 7, &t);
	assert_true(r->analysis & EXPLAIN_AF_DUPLICATE_ACK);
	lacks(t, "is missing");
	has(t, "challenge ACK");
	summary(&f, &t);
	lacks(t, "server CLOSED");	/* it did not accept that RST */
}

/* "Frames after a connection's summary are printed after it and left out of its
 * counts." */
static void summary_counts_every_frame(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_FIN | SEG_ACK, 1, 1, 65535, 0, 3);
	send_seg(&f, false, 1100, SEG_FIN | SEG_ACK, 1, 2, 65535, 0, 2);
	send_seg(&f, true, 1200, SEG_ACK, 2, 2, 65535, 0, 4);
	send_seg(&f, false, 400000, SEG_FIN | SEG_ACK, 1, 2, 65535, 0, 3);	/* late resend */
	send_seg(&f, true, 400100, SEG_ACK, 2, 2, 65535, 0, 5);
	finish(&f);
	assert_int_equal(f.g.r[f.g.n - 1].kind, EXPLAIN_REC_SUMMARY);
	const struct explain_rec *r = summary(&f, &t);
	assert_int_equal(r->sum.nsegs[0] + r->sum.nsegs[1], 8);
	assert_int_equal(r->sum.last_frame, 8);
	has(t, "client → server 5 segments");
}

/* "The same families appear in the live programs' logs when segments are edited by hand
 * (e.g. 'ack 5001 = the server's ISN + 1 ... expects byte 1')." */
static void edited_synack_ack_is_not_isn_plus_one(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	send_seg(&f, true, 0, SEG_SYN, 0, 0, 65535, 0, 1);
	send_seg(&f, false, 100, SEG_SYN | SEG_ACK, 0, 5001, 65535, 0, 1);
	finish(&f);
	const struct explain_rec *r = frame_rec(&f, 2, &t);
	assert_int_equal(r->ack, 5001);
	lacks(t, "ISN 1000 + 1");
	lacks(t, "expects byte 1.");
	has(t, "never sent");
}

/* RFC 9293 §3.10.7.x: what the receiver does with a RST depends on its state. */
static void rst_rules_per_state(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);	/* SYN-SENT: a RST without an ACK of the SYN is dropped */
	send_seg(&f, true, 0, SEG_SYN, 0, 0, 65535, 0, 1);
	send_seg(&f, false, 50, SEG_RST, 0, 0, 0, 0, 0);
	finish(&f);
	frame_rec(&f, 2, &t);
	has(t, "drops it");
	summary(&f, &t);
	has(t, "client SYN-SENT");
	lacks(t, "ended by a RST");

	feed_init(&f);	/* ESTABLISHED: outside the window, dropped */
	handshake(&f);
	send_seg(&f, true, 1000, SEG_RST, 900000, 0, 0, 0, 3);
	finish(&f);
	frame_rec(&f, 4, &t);
	has(t, "outside the server's receive window");
	summary(&f, &t);
	has(t, "server ESTABLISHED");

	feed_init(&f);	/* ESTABLISHED: exactly RCV.NXT, the client's own ABORT */
	handshake(&f);
	send_seg(&f, true, 1000, SEG_RST, 1, 0, 0, 0, 3);
	finish(&f);
	frame_rec(&f, 4, &t);
	has(t, "exactly the next sequence number the server expects");
	has(t, "form of an ABORT");
	const struct explain_rec *r = summary(&f, &t);
	assert_int_equal(r->sum.final[EXPLAIN_CLIENT], TCB_CLOSED);
	assert_int_equal(r->sum.final[EXPLAIN_SERVER], TCB_CLOSED);
	has(t, "ended by a RST from the client");
}

/* The timer's backoff is said only when the intervals show it. */
static void backoff_said_from_the_intervals(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	send_seg(&f, true, 0, SEG_SYN, 0, 0, 65535, 0, 1);
	send_seg(&f, true, 1000000, SEG_SYN, 0, 0, 65535, 0, 2);	/* +1 s */
	send_seg(&f, true, 3000000, SEG_SYN, 0, 0, 65535, 0, 3);	/* +2 s: doubled */
	send_seg(&f, true, 5000000, SEG_SYN, 0, 0, 65535, 0, 4);	/* +2 s: the same */
	send_seg(&f, true, 5500000, SEG_SYN, 0, 0, 65535, 0, 5);	/* +0.5 s: not a timer */
	finish(&f);
	frame_rec(&f, 2, &t);
	has(t, "fits the retransmission timer");
	lacks(t, "twice");
	frame_rec(&f, 3, &t);
	has(t, "about twice the previous one");
	frame_rec(&f, 4, &t);
	has(t, "about the same as the previous one");
	frame_rec(&f, 5, &t);
	has(t, "does not show why");
	has(t, "first sent in frame 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rst_sender_is_the_sender_of_the_rst),
		cmocka_unit_test(crossing_fins_are_a_simultaneous_close),
		cmocka_unit_test(refused_syn),
		cmocka_unit_test(unanswered_syns_claim_nothing_of_the_server),
		cmocka_unit_test(capture_duplicate_is_no_timer_expiry),
		cmocka_unit_test(resend_cause_follows_the_interval),
		cmocka_unit_test(fast_retransmit_only_at_once_after_dup_acks),
		cmocka_unit_test(fin_without_ack_in_syn_received_is_dropped),
		cmocka_unit_test(mid_stream_first_ack_claims_no_bytes),
		cmocka_unit_test(zero_window_probe_is_no_keep_alive),
		cmocka_unit_test(challenge_ack_is_no_missing_segment),
		cmocka_unit_test(summary_counts_every_frame),
		cmocka_unit_test(edited_synack_ack_is_not_isn_plus_one),
		cmocka_unit_test(rst_rules_per_state),
		cmocka_unit_test(backoff_said_from_the_intervals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
