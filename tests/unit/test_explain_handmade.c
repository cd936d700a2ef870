/* test_explain_handmade.c - segments made or edited by hand (step edits, --manual) and held at a prompt: their explanations stay true. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "explain_build.h"
#include "explain_present.h"
#include "explain_track.h"

/* Each test replays what a tester saw (the false sentence quoted above it) through the
 * tracker or the shared builder and the English prose. */

#include "helper_explain_feed.h"

/* Client data "Just a test.\r\n" (bytes 1..14) after the handshake, acknowledged. */
static void data14(struct feed *f)
{
	send_seg(f, true, 1000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 3);	/* frame 4 */
	send_seg(f, false, 1100, SEG_ACK, 1, 15, 65535, 0, 2);		/* frame 5 */
}

/* A. "`edit seq +5; send` on a pure ACK: 'seq 20 ... the client's next byte is still byte
 * 20' (it is 15) and 'a segment before this one is missing from the capture'. The first
 * and only FIN then becomes 'FIN+ACK retransmission #1 ... No acknowledgement arrived
 * before the retransmission timer expired', and the summary 'Frame 7 resends frame 6'." */
static void seq_ahead_of_what_was_sent(void **state)
{
	struct feed f;
	const char *t = "";
	const struct explain_rec *r;

	(void)state;
	feed_init(&f);
	handshake(&f);
	data14(&f);
	send_seg(&f, true, 2000, SEG_ACK, 20, 1, 65535, 0, 4);		/* edited: seq +5 */
	send_seg(&f, true, 900000, SEG_FIN | SEG_ACK, 15, 1, 65535, 0, 5);
	send_seg(&f, false, 900100, SEG_FIN | SEG_ACK, 1, 16, 65535, 0, 3);
	send_seg(&f, true, 900200, SEG_ACK, 16, 2, 65535, 0, 6);
	finish(&f);
	r = frame_rec(&f, 6, &t);
	assert_true(r->analysis & EXPLAIN_AF_LOST_SEGMENT);	/* tshark's label stays */
	lacks(t, "still byte 20");
	lacks(t, "a segment before this one is missing");
	has(t, "ahead of");
	r = frame_rec(&f, 7, &t);
	lacks(t, "retransmission #1");
	lacks(t, "retransmission timer expired");
	lacks(t, "first sent in frame");
	has(t, "no resend");
	summary(&f, &t);
	lacks(t, "resends frame");
}

/* B. "`--manual send . ack=+5000`: 'the client has received 5000 more bytes (up to byte
 * 5022)'." RFC 9293 §3.10.7.4: an ACK of something not yet sent is answered by an ACK and
 * dropped. */
static void ack_of_unsent_data_is_no_bytes_received(void **state)
{
	struct feed f;
	const char *t = "";
	const struct explain_rec *r;

	(void)state;
	feed_init(&f);
	handshake(&f);
	data14(&f);
	send_seg(&f, true, 2000, SEG_ACK, 15, 5001, 65535, 0, 4);	/* frame 6 */
	send_seg(&f, false, 2100, SEG_ACK, 1, 15, 65535, 0, 3);		/* the server's answer */
	finish(&f);
	r = frame_rec(&f, 6, &t);
	lacks(t, "more bytes");
	lacks(t, "has received 5000");
	has(t, "never sent");
	has(t, "§3.10.7.4");
	r = frame_rec(&f, 7, &t);
	assert_int_equal(r->why.unsent_of_frame, 6);
	lacks(t, "is missing");
}

/* B, as the live client logged it: the server's echo came before its answer, and was
 * "[TCP Spurious Retransmission] ... The client has already acknowledged all of it, so
 * it drops this old duplicate" although it was the server's first send of those bytes. */
static void first_send_after_an_ack_of_unsent_data(void **state)
{
	struct feed f;
	const char *t = "";
	const struct explain_rec *r;

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 3);	/* 4 */
	send_seg(&f, true, 1100, SEG_ACK, 15, 5001, 65535, 0, 4);		/* 5 */
	send_seg(&f, false, 1200, SEG_PSH | SEG_ACK, 1, 15, 65535, 22, 2);	/* 6: echo */
	send_seg(&f, true, 1300, SEG_ACK, 15, 23, 65535, 0, 5);
	send_seg(&f, false, 1400, SEG_ACK, 23, 15, 65535, 0, 3);		/* answers 5 */
	finish(&f);
	r = frame_rec(&f, 6, &t);
	assert_true(r->analysis & EXPLAIN_AF_SPURIOUS_RETRANSMISSION);	/* tshark's label */
	assert_int_equal(r->why.drop, EXPLAIN_DROP_NONE);
	lacks(t, "already acknowledged");
	lacks(t, "old duplicate");
	lacks(t, "retransmission #");
	has(t, "first send of seq 1");
	r = frame_rec(&f, 8, &t);
	assert_int_equal(r->why.unsent_of_frame, 5);
	lacks(t, "is missing");
	summary(&f, &t);
	lacks(t, "resends");
}

/* B. "`send R seq=+100`: 'a RST is never answered' (false when the RST is in-window but
 * not exact: RFC 5961 §3.2 challenge ACK)." */
static void inexact_rst_is_answered(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	handshake(&f);
	data14(&f);
	send_seg(&f, true, 300000, SEG_RST, 115, 0, 0, 0, 4);
	send_seg(&f, false, 300100, SEG_ACK, 1, 15, 65535, 0, 3);
	finish(&f);
	frame_rec(&f, 6, &t);
	lacks(t, "never answered");
}

/* C. "A data segment that carries the handshake's ACK: 'ack 1 = 0 + 1: the client has
 * received 1 more bytes (up to byte 0)' and the summary 'No complete three-way handshake
 * was seen'." RFC 9293 §3.5: any third segment acknowledging the SYN+ACK completes it. */
static void data_completes_the_handshake(void **state)
{
	struct feed f;
	const char *t = "";
	const struct explain_rec *r;

	(void)state;
	feed_init(&f);
	send_seg(&f, true, 0, SEG_SYN, 0, 0, 65535, 0, 1);
	send_seg(&f, false, 100, SEG_SYN | SEG_ACK, 0, 1, 65535, 0, 1);
	send_seg(&f, true, 200, SEG_PSH | SEG_ACK, 1, 1, 65535, 14, 2);
	send_seg(&f, false, 300, SEG_ACK, 1, 15, 65535, 0, 2);
	finish(&f);
	r = frame_rec(&f, 3, &t);
	lacks(t, "more bytes");
	lacks(t, "up to byte 0");
	has(t, "ISN");
	r = summary(&f, &t);
	assert_true(r->sum.has_handshake);
	assert_int_equal(r->sum.final[EXPLAIN_SERVER], TCB_ESTABLISHED);
	assert_int_equal(r->sum.hs_rtt_us, 200);
	lacks(t, "No complete three-way handshake");
}

/* D. "The offline story of a lost final ACK: the FIN resent by LAST-ACK and the ACK that
 * TIME-WAIT sends again do not say that TIME-WAIT acknowledged again and restarted its
 * 2MSL timer (RFC 9293 §3.10.7.4, TIME-WAIT), which the live log states." */
static void time_wait_acks_a_resent_fin_again(void **state)
{
	struct feed f;
	const char *t = "";

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, true, 1000, SEG_FIN | SEG_ACK, 1, 1, 65535, 0, 3);		/* 4 */
	send_seg(&f, false, 1100, SEG_FIN | SEG_ACK, 1, 2, 65535, 0, 2);	/* 5 */
	send_seg(&f, true, 1200, SEG_ACK, 2, 2, 65535, 0, 4);			/* 6: lost */
	send_seg(&f, false, 1001100, SEG_FIN | SEG_ACK, 1, 2, 65535, 0, 3);	/* 7 */
	send_seg(&f, true, 1001200, SEG_ACK, 2, 2, 65535, 0, 5);		/* 8 */
	finish(&f);
	frame_rec(&f, 8, &t);
	has(t, "TIME-WAIT");
	has(t, "restarts the 2MSL timer");
}

/* B. "the client's summary then says 'ended by a RST from the client. Final states:
 * client ESTABLISHED, server CLOSED' though the server stayed ESTABLISHED" (the client's
 * records end before the challenge ACK arrives). */
static void inexact_rst_ends_nothing_unanswered(void **state)
{
	struct feed f;
	const char *t = "";
	const struct explain_rec *r;

	(void)state;
	feed_init(&f);
	handshake(&f);
	data14(&f);
	send_seg(&f, true, 300000, SEG_RST, 115, 0, 0, 0, 4);
	finish(&f);
	r = summary(&f, &t);
	assert_false(r->sum.reset);
	assert_int_equal(r->sum.final[EXPLAIN_SERVER], TCB_ESTABLISHED);
	lacks(t, "ended by a RST");
	lacks(t, "server CLOSED");
}

/* ---- live records through the shared builder: edits and holds (live_rec_mark) ---- */

struct lb {
	struct explain_build b;
	struct explain_prose_ctx ctx;
	uint64_t frame;
};

/* One segment through explain_build_segment with the live numbering (ISNs known), as
 * live_rec.c calls it; made / held as live_rec_mark passes them. */
static void lb_seg(struct lb *l, bool c2s, uint64_t t_us, const struct seg *s,
		   const struct seg *made, uint64_t held_us, struct explain_rec *r, char *text,
		   size_t cap)
{
	struct explain_bases bs = { c2s ? CISN : SISN, c2s ? SISN : CISN, true };
	struct explain_seg_in in = { s, c2s ? EXPLAIN_CLIENT : EXPLAIN_SERVER, ++l->frame, t_us,
				     &bs, false, made, held_us, t_us, c2s };	/* sent after it; the
										 * client's TCB sends */

	assert_int_equal(explain_build_segment(&l->b, &in, r, NULL), 0);
	explain_prose_ctx(&l->ctx, r, EXPLAIN_LANG_EN, text, cap);
}

static void lb_plain(struct lb *l, bool c2s, uint64_t t_us, uint8_t flags, uint32_t rseq,
		     uint32_t rack, uint32_t len, struct explain_rec *r, char *text)
{
	struct seg s = feed_mkseg(c2s, flags, rseq, rack, 65535, len);

	lb_seg(l, c2s, t_us, &s, NULL, 0, r, text, 4096);
}

/* A, live. "The live log knows the edit was applied ...: the live record of an edited
 * segment must say it was edited and what the TCB's own numbers were, and must not feed
 * the edited seq into later resend detection." */
static void edited_seq_is_said_and_not_fed_to_resends(void **state)
{
	struct lb l;
	struct explain_rec r, sum;
	static char t[4096];

	(void)state;
	memset(&l, 0, sizeof(l));
	explain_build_init(&l.b, 1);
	explain_prose_ctx_init(&l.ctx);
	lb_plain(&l, true, 0, SEG_SYN, 0, 0, 0, &r, t);
	lb_plain(&l, false, 100, SEG_SYN | SEG_ACK, 0, 1, 0, &r, t);
	lb_plain(&l, true, 200, SEG_ACK, 1, 1, 0, &r, t);
	lb_plain(&l, true, 1000, SEG_PSH | SEG_ACK, 1, 1, 14, &r, t);
	lb_plain(&l, false, 1100, SEG_PSH | SEG_ACK, 1, 15, 14, &r, t);	/* the echo */
	struct seg made = feed_mkseg(true, SEG_ACK, 15, 15, 65535, 0), wire = made;
	wire.seq += 5;					/* `edit seq +5` */
	lb_seg(&l, true, 2000, &wire, &made, 0, &r, t, sizeof(t));
	assert_true(r.edited);
	assert_int_equal(r.seq, 20);
	assert_int_equal(r.made_seq, 15);
	assert_int_equal(r.made_ack, 15);
	has(t, "Edited at the step prompt");
	has(t, "seq 15");
	lacks(t, "still byte 20");
	lacks(t, "missing");
	lb_plain(&l, true, 900000, SEG_FIN | SEG_ACK, 15, 15, 0, &r, t);
	assert_false(r.analysis & EXPLAIN_AF_RETRANSMISSION);	/* the TCB's numbers: new */
	lacks(t, "retransmission");
	explain_build_summary(&l.b, 900000, &sum);
	assert_int_equal(sum.sum.nrtx, 0);
	explain_build_free(&l.b);
}

/* E. "After a long step prompt: 'It acknowledges frame 2, sent 13.346 s earlier (the
 * round-trip time seen at this point)' and 'handshake RTT 515.966 ms'." */
static void held_time_is_no_round_trip_time(void **state)
{
	struct lb l;
	struct explain_rec r, sum;
	static char t[4096];
	struct seg s;

	(void)state;
	memset(&l, 0, sizeof(l));
	explain_build_init(&l.b, 1);
	explain_prose_ctx_init(&l.ctx);
	lb_plain(&l, true, 0, SEG_SYN, 0, 0, 0, &r, t);
	s = feed_mkseg(false, SEG_SYN | SEG_ACK, 0, 1, 65535, 0);		/* held 13.3 s at the prompt */
	lb_seg(&l, false, 13300000, &s, NULL, 13299000, &r, t, sizeof(t));
	assert_int_equal(r.held_us, 13299000);
	lacks(t, "the round-trip time seen");
	has(t, "held at the step prompt");
	lb_plain(&l, true, 13300200, SEG_ACK, 1, 1, 0, &r, t);
	lb_plain(&l, true, 13400000, SEG_PSH | SEG_ACK, 1, 1, 14, &r, t);
	lb_plain(&l, false, 13400300, SEG_ACK, 1, 15, 0, &r, t);	/* after the hold */
	has(t, "the round-trip time seen");
	explain_build_summary(&l.b, 13400300, &sum);
	assert_int_equal(sum.sum.hs_held_us, 13299000);
	explain_prose_ctx(&l.ctx, &sum, EXPLAIN_LANG_EN, t, sizeof(t));
	has(t, "held at the step prompt, so it is no round-trip time");
	explain_build_free(&l.b);
}

/* F. "`synlab-server --step` held the first SYN 4.2 s while the client resent it: the live
 * log called the client's SYNs and the server's SYN+ACKs retransmission #1 again and
 * again, each 'first sent' in the wrong frame." Received segments held at a prompt are
 * analysed on arrival (explain_build_arrived), so the live records, built in the TCB's
 * order, must agree frame by frame with the offline tracker fed in the wire's order. */
struct wire_seg {
	bool c2s;
	uint64_t t_us;
	uint8_t flags;
	uint32_t rseq, rack;
	bool held;	/* received and held at the prompt until 4.2 s */
};

static const struct wire_seg held_syns[] = {
	{ true, 0, SEG_SYN, 0, 0, true },			/* 1 */
	{ true, 1000000, SEG_SYN, 0, 0, true },			/* 2 */
	{ true, 3000000, SEG_SYN, 0, 0, true },			/* 3 */
	{ true, 4100000, SEG_SYN, 0, 0, true },			/* 4 */
	{ false, 4200000, SEG_SYN | SEG_ACK, 0, 1, false },	/* 5: answers 1 */
	{ false, 4200100, SEG_SYN | SEG_ACK, 0, 1, false },	/* 6: answers 2 */
	{ false, 4200200, SEG_SYN | SEG_ACK, 0, 1, false },	/* 7: answers 3 */
	{ true, 4200300, SEG_ACK, 1, 1, false },		/* 8 */
	{ false, 4200400, SEG_SYN | SEG_ACK, 0, 1, false },	/* 9: answers 4 */
	{ true, 4200500, SEG_ACK, 1, 1, false },		/* 10: dup ACK of an old one */
};
#define NHELD (sizeof(held_syns) / sizeof(held_syns[0]))

/* The live order: each held SYN is taken by the TCB right before the SYN+ACK it causes. */
static const unsigned live_order[NHELD] = { 1, 5, 2, 6, 3, 7, 8, 4, 9, 10 };

static struct seg wire_of(const struct wire_seg *w, uint16_t ip_id)
{
	struct seg s = feed_mkseg(w->c2s, w->flags, w->rseq, w->rack, 65535, 0);

	s.ip_id = ip_id;
	s.tcp_csum = (uint16_t)(s.seq ^ s.ack ^ w->flags ^ ip_id);
	return s;
}

static void held_segments_keep_the_wire_order(void **state)
{
	static struct feed f;
	static struct explain_rec live[NHELD + 1];
	struct lb l;
	struct explain_rec sum;
	static char t[4096];
	const char *ot = "";

	(void)state;
	feed_init(&f);
	for (unsigned i = 0; i < NHELD; i++) {
		struct seg s = wire_of(&held_syns[i], (uint16_t)(i + 1));
		assert_int_equal(explain_track_segment(f.t, ++f.frame, held_syns[i].t_us, &s,
						       NULL), 0);
	}
	finish(&f);
	memset(&l, 0, sizeof(l));
	explain_build_init(&l.b, 1);
	explain_prose_ctx_init(&l.ctx);
	for (unsigned i = 0; i < 4; i++) {	/* arrivals while the prompt waits */
		struct seg s = wire_of(&held_syns[i], (uint16_t)(i + 1));
		assert_int_equal(explain_build_arrived(&l.b, EXPLAIN_CLIENT, &s, i + 1,
						       held_syns[i].t_us, NULL), 0);
	}
	for (unsigned k = 0; k < NHELD; k++) {
		unsigned n = live_order[k];
		const struct wire_seg *w = &held_syns[n - 1];
		struct seg s = wire_of(w, (uint16_t)n);
		struct explain_bases bs = { w->c2s ? CISN : SISN, w->c2s ? SISN : CISN, true };
		struct explain_seg_in in = { &s, w->c2s ? EXPLAIN_CLIENT : EXPLAIN_SERVER, n,
					     w->t_us, &bs, false, NULL,
					     w->held ? 4200000 - w->t_us : 0, 4200000, !w->c2s };

		assert_int_equal(explain_build_segment(&l.b, &in, &live[n], NULL), 0);
	}
	for (unsigned n = 1; n <= NHELD; n++) {
		const struct explain_rec *o = frame_rec(&f, n, &ot);
		if (live[n].analysis != o->analysis ||
		    live[n].why.rtx_count != o->why.rtx_count ||
		    live[n].why.rtx_of_frame != o->why.rtx_of_frame ||
		    live[n].why.reack_of_frame != o->why.reack_of_frame)
			fail_msg("frame %u: live analysis %#x rtx #%u of %llu reack %llu, offline "
				 "%#x #%u of %llu reack %llu", n, live[n].analysis,
				 live[n].why.rtx_count, (unsigned long long)live[n].why.rtx_of_frame,
				 (unsigned long long)live[n].why.reack_of_frame, o->analysis,
				 o->why.rtx_count, (unsigned long long)o->why.rtx_of_frame,
				 (unsigned long long)o->why.reack_of_frame);
	}
	/* and the numbers themselves: the client's SYNs 2..4 are resends #1..#3 of frame 1,
	 * the SYN+ACKs 6, 7, 9 resends #1..#3 of frame 5 */
	for (unsigned n = 2; n <= 4; n++) {
		assert_int_equal(live[n].why.rtx_count, n - 1);
		assert_int_equal(live[n].why.rtx_of_frame, 1);
	}
	assert_int_equal(live[6].why.rtx_count, 1);
	assert_int_equal(live[7].why.rtx_count, 2);
	assert_int_equal(live[9].why.rtx_count, 3);
	assert_int_equal(live[9].why.rtx_of_frame, 5);
	explain_prose_ctx(&l.ctx, &live[3], EXPLAIN_LANG_EN, t, sizeof(t));
	has(t, "#2");
	has(t, "first sent in frame 1");
	explain_build_summary(&l.b, 4200500, &sum);
	assert_int_equal(sum.sum.first_frame, 1);
	assert_int_equal(sum.sum.last_frame, NHELD);
	explain_build_free(&l.b);
}

/* G. "Frame 9, a duplicate ACK after a SYN+ACK sent again: 'a segment after byte 1 is
 * missing'." The SYN+ACK holds only numbers the client had acknowledged; RFC 9293
 * §3.10.7.4 has the client answer it with an ACK, which says nothing of missing data. */
static void dup_ack_answering_an_old_segment(void **state)
{
	static struct feed f;
	const char *t = "";
	const struct explain_rec *r;

	(void)state;
	feed_init(&f);
	handshake(&f);
	send_seg(&f, false, 1000000, SEG_SYN | SEG_ACK, 0, 1, 65535, 0, 2);	/* frame 4 */
	send_seg(&f, true, 1000100, SEG_ACK, 1, 1, 65535, 0, 3);		/* frame 5 */
	finish(&f);
	r = frame_rec(&f, 4, &t);
	assert_true(r->analysis & EXPLAIN_AF_RETRANSMISSION);
	assert_int_equal(r->why.rtx_of_frame, 2);
	r = frame_rec(&f, 5, &t);
	assert_true(r->analysis & EXPLAIN_AF_DUPLICATE_ACK);
	assert_int_equal(r->why.reack_of_frame, 4);
	has(t, "already acknowledged");
	has(t, "§3.10.7.4");
	lacks(t, "is missing");
}

/* H. "`synlab-server --step --step-clock run`: the SYN+ACKs the TCB resent at once for the
 * client's repeated SYNs, released together after the prompt: 'A second copy of frame
 * 12: the same IP ID 0 and the same bytes ... the server did not send it again'." Its
 * TCB sent each one; the bytes repeat exactly (IP ID 0, one timestamp millisecond). A
 * copy that --impair dup made is a copy. */
static void own_sends_are_no_copies(void **state)
{
	struct lb l;
	struct explain_rec r;
	static char t[4096];
	struct explain_bases bs = { SISN, CISN, true };
	struct seg syn = feed_mkseg(true, SEG_SYN, 0, 0, 65535, 0);
	struct seg sa = feed_mkseg(false, SEG_SYN | SEG_ACK, 0, 1, 65535, 0);
	struct explain_seg_in in = { &syn, EXPLAIN_CLIENT, 1, 0, &bs, false, NULL, 0, 0, false };

	(void)state;
	memset(&l, 0, sizeof(l));
	explain_build_init(&l.b, 1);
	explain_prose_ctx_init(&l.ctx);
	assert_int_equal(explain_build_segment(&l.b, &in, &r, NULL), 0);
	in = (struct explain_seg_in){ &sa, EXPLAIN_SERVER, 2, 1000, &bs, false, NULL, 0, 0, true };
	assert_int_equal(explain_build_segment(&l.b, &in, &r, NULL), 0);
	in.frame = 3, in.t_us = 1020;		/* the same bytes, 20 us later: a send */
	assert_int_equal(explain_build_segment(&l.b, &in, &r, NULL), 0);
	explain_prose_ctx(&l.ctx, &r, EXPLAIN_LANG_EN, t, sizeof(t));
	assert_int_equal(r.why.dup_of_frame, 0);
	assert_true(r.analysis & EXPLAIN_AF_RETRANSMISSION);
	assert_int_equal(r.why.rtx_count, 1);
	lacks(t, "second copy");
	lacks(t, "did not send it again");
	in.frame = 4, in.t_us = 1040, in.sent = false;	/* --impair dup's copy of it */
	assert_int_equal(explain_build_segment(&l.b, &in, &r, NULL), 0);
	explain_prose_ctx(&l.ctx, &r, EXPLAIN_LANG_EN, t, sizeof(t));
	assert_int_equal(r.why.dup_of_frame, 3);
	has(t, "The same bytes as frame 3, IP ID 0 included");
	has(t, "the capture cannot say which");	/* IP ID 0 tells no copy from a resend */
	lacks(t, "did not send it again");
	sa.ip_id = 77;			/* a counted IP ID: the copy is a copy */
	in.frame = 5, in.t_us = 400000;
	assert_int_equal(explain_build_segment(&l.b, &in, &r, NULL), 0);
	in.frame = 6, in.t_us = 400010;
	assert_int_equal(explain_build_segment(&l.b, &in, &r, NULL), 0);
	explain_prose_ctx(&l.ctx, &r, EXPLAIN_LANG_EN, t, sizeof(t));
	assert_int_equal(r.why.dup_of_frame, 5);
	has(t, "A second copy of frame 5: the same IP ID 77");
	explain_build_free(&l.b);
}

/* I. "Released after the prompt, the SYN+ACKs answering the client's repeated SYNs: 'It
 * came 0.054 ms after the previous send ... so the capture does not show why it was sent
 * again'" while the server's own TCB knew. A live record carries the TCB's reason. */
static void live_resend_says_the_tcbs_reason(void **state)
{
	static struct feed f;
	const char *t = "";
	const struct explain_rec *r;
	struct explain_rec x;
	static char buf[4096];
	struct explain_prose_ctx ctx;

	(void)state;
	feed_init(&f);
	send_seg(&f, true, 0, SEG_SYN, 0, 0, 65535, 0, 1);
	send_seg(&f, false, 100, SEG_SYN | SEG_ACK, 0, 1, 65535, 0, 1);
	send_seg(&f, false, 160, SEG_SYN | SEG_ACK, 0, 1, 65535, 0, 2);	/* 60 us later */
	finish(&f);
	r = frame_rec(&f, 3, &t);
	has(t, "the capture does not show why");	/* offline: all the capture allows */
	x = *r;
	x.why.tcb_rtx_why = TCB_WHY_SYN_RCVD_SYN_REPEAT;	/* live: the TCB's event */
	explain_prose_ctx_init(&ctx);
	explain_prose_ctx(&ctx, &x, EXPLAIN_LANG_EN, buf, sizeof(buf));
	has(buf, "Why, from the server's own TCB");
	has(buf, "the peer's SYN arrived again while it was in SYN-RECEIVED");
	lacks(buf, "the capture does not show why");
	x.why.tcb_rtx_why = TCB_WHY_RTO;
	explain_prose_ctx(&ctx, &x, EXPLAIN_LANG_ZH, buf, sizeof(buf));
	has(buf, "重传定时器到期");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seq_ahead_of_what_was_sent),
		cmocka_unit_test(ack_of_unsent_data_is_no_bytes_received),
		cmocka_unit_test(first_send_after_an_ack_of_unsent_data),
		cmocka_unit_test(inexact_rst_is_answered),
		cmocka_unit_test(data_completes_the_handshake),
		cmocka_unit_test(time_wait_acks_a_resent_fin_again),
		cmocka_unit_test(inexact_rst_ends_nothing_unanswered),
		cmocka_unit_test(edited_seq_is_said_and_not_fed_to_resends),
		cmocka_unit_test(held_time_is_no_round_trip_time),
		cmocka_unit_test(held_segments_keep_the_wire_order),
		cmocka_unit_test(dup_ack_answering_an_old_segment),
		cmocka_unit_test(own_sends_are_no_copies),
		cmocka_unit_test(live_resend_says_the_tcbs_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
