/* test_tcb_opts.c - TCP options between two TCBs: window scale, timestamps (RTTM, PAWS) and SACK, negotiated, refused on one side, turned off; every segment crosses as wire bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bytes.h"
#include "helper_tcbnet.h"

/*
 * The segments go through seg_build and seg_parse (the codec is the oracle of what a
 * peer would see): every option must fit the 40 bytes, and no segment may grow past
 * the MSS plus 40 header bytes. Sequence numbers are absolute (C_ISS, S_ISS).
 */

struct wire {
	uint8_t buf[TCB_OUT_SEGS][SEG_IP_MAX];
	struct seg seg[TCB_OUT_SEGS];
	unsigned n;
};

static struct wire *wire_of(const struct tcb_out *o, uint16_t mss)
{
	struct wire *w = calloc(1, sizeof(*w));
	struct err e;
	size_t len;

	assert_non_null(w);
	for (unsigned i = 0; i < o->nseg; i++) {
		assert_int_equal(seg_build(&o->seg[i], w->buf[i], SEG_IP_MAX, &len, &e), 0);
		assert_true(len <= (size_t)mss + 40u || o->seg[i].len == 0);
		assert_int_equal(seg_parse(w->buf[i], len, &w->seg[i], &e), 0);
		assert_true(w->seg[i].tcp_csum_ok);
	}
	w->n = o->nseg;
	return w;
}

/* Delivers src's segments as parsed wire bytes, except those whose index is set in
 * `drop` (bit i), each in a step of its own as a program makes them (one tcb_out per
 * arriving segment, so duplicate ACKs stay separate); what each step produced is
 * appended to out. Resets src. */
static void wire_xfer(struct tcb_out *src, struct tcb *dst, struct tcb_out *out, uint64_t now,
		      uint64_t drop)
{
	struct wire *w = wire_of(src, 1460);
	struct tcb_out *step = calloc(1, sizeof(*step));

	assert_non_null(step);
	for (unsigned i = 0; i < w->n; i++) {
		if (drop >> i & 1)
			continue;
		tcb_out_reset(step);
		tcb_input(dst, &w->seg[i], now, step);
		for (unsigned k = 0; k < step->nseg && out->nseg < TCB_OUT_SEGS; k++)
			out->seg[out->nseg++] = step->seg[k];
		for (unsigned k = 0; k < step->nev && out->nev < TCB_OUT_EVENTS; k++)
			out->ev[out->nev++] = step->ev[k];
	}
	free(step);
	free(w);
	tcb_out_reset(src);
}

/* tn_handshake through the codec; the segments of the handshake stay in sent[]. */
static void wire_handshake(struct net *n, struct seg sent[3])
{
	assert_int_equal(tcb_open_passive(n->s, n->now, n->os, NULL), 0);
	tcb_out_reset(n->os);
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, NULL), 0);
	sent[0] = n->oc->seg[0];
	wire_xfer(n->oc, n->s, n->os, n->now, 0);
	sent[1] = n->os->seg[0];
	wire_xfer(n->os, n->c, n->oc, n->now, 0);
	sent[2] = n->oc->seg[0];
	wire_xfer(n->oc, n->s, n->os, n->now, 0);
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	assert_int_equal(tcb_state(n->s), TCB_ESTABLISHED);
	tcb_out_reset(n->oc);
	tcb_out_reset(n->os);
}

static struct net *net_with(void (*tweak_c)(struct tcb_params *),
			    void (*tweak_s)(struct tcb_params *))
{
	struct tcb_params pc, ps;

	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	if (tweak_c)
		tweak_c(&pc);
	if (tweak_s)
		tweak_s(&ps);
	return tn_new(&pc, &ps);
}

static void big_buf(struct tcb_params *p) { p->rcv_buf = 1u << 20; }	/* shift 5 */
static void mid_buf(struct tcb_params *p) { p->rcv_buf = 262144; }	/* shift 3 */
static void all_off(struct tcb_params *p)
{
	p->no_wscale = p->no_timestamps = p->no_sack = true;
}
static void ws_off(struct tcb_params *p) { p->no_wscale = true; }

/* ---- negotiation (RFC 7323 §2.2, §3.2; RFC 2018 §2) ---- */

static void opts_syn_offers_all_by_default(void **state)
{
	struct net *n = net_with(big_buf, NULL);
	const struct seg *syn;
	uint32_t tsval;

	(void)state;
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, NULL), 0);
	syn = &n->oc->seg[0];
	assert_true(syn->opts.has_mss);
	assert_true(syn->opts.has_wscale);
	assert_int_equal(syn->opts.wscale, 5);	/* 2^20 >> 5 = 32768 fits 16 bits, >> 4 not */
	assert_true(syn->opts.sack_perm);
	assert_true(syn->opts.has_ts);
	assert_int_equal(syn->opts.tsecr, 0);	/* §3.2: no ACK, TSecr 0 */
	assert_int_equal(syn->win, 65535);	/* §2.2: a SYN's window is never scaled */
	tsval = syn->opts.tsval;
	tcb_out_reset(n->oc);
	tcb_tick(n->c, n->now + 1 * S, n->oc);	/* the SYN again, 1 s later: 1000 ticks */
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].opts.tsval, tsval + 1000);
	tn_free(n);
}

static void opts_negotiated_both_sides(void **state)
{
	struct net *n = net_with(big_buf, mid_buf);
	struct tcb_vars vc, vs;
	struct seg hs[3];
	const struct tcb_event *ev;
	static char data[100];

	(void)state;
	wire_handshake(n, hs);
	/* the SYN+ACK offers only what the SYN did, and echoes the SYN's TSval */
	assert_true(hs[1].opts.has_wscale && hs[1].opts.sack_perm && hs[1].opts.has_ts);
	assert_int_equal(hs[1].opts.wscale, 3);
	assert_int_equal(hs[1].opts.tsecr, hs[0].opts.tsval);
	assert_int_equal(hs[2].opts.tsecr, hs[1].opts.tsval);
	assert_false(hs[2].opts.has_wscale);	/* options of the SYN only */
	tcb_get_vars(n->c, &vc);
	tcb_get_vars(n->s, &vs);
	assert_true(vc.ws_ok && vc.ts_ok && vc.sack_ok);
	assert_true(vs.ws_ok && vs.ts_ok && vs.sack_ok);
	assert_int_equal(vc.snd_shift, 3);
	assert_int_equal(vc.rcv_shift, 5);
	assert_int_equal(vs.snd_shift, 5);
	assert_int_equal(vs.rcv_shift, 3);
	/* the handshake's ACK carries the client's window >> 5; the server scales it back */
	assert_int_equal(hs[2].win, (1u << 20) >> 5);
	assert_int_equal(vs.snd_wnd, 1u << 20);
	assert_int_equal(vc.snd_wnd, 65535);	/* from the SYN+ACK: unscaled */
	/* the client learns the server's scaled window from its first segment after it */
	tcb_send(n->s, data, sizeof(data), n->now, n->os, NULL);
	assert_int_equal(n->os->seg[0].win, 262144 >> 3);
	wire_xfer(n->os, n->c, n->oc, n->now, 0);
	ev = tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_WSCALE_APPLIED);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], 262144 >> 3);
	assert_int_equal(ev->n[1], 3);
	assert_int_equal(ev->n[2], 262144);
	tcb_get_vars(n->c, &vc);
	assert_int_equal(vc.snd_wnd, 262144);
	tcb_out_reset(n->oc);
	tcb_send(n->s, data, sizeof(data), n->now, n->os, NULL);
	wire_xfer(n->os, n->c, n->oc, n->now, 0);
	assert_null(tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_WSCALE_APPLIED));	/* once */
	tn_free(n);
}

static void opts_negotiation_explained(void **state)
{
	struct net *n = net_with(big_buf, NULL);
	const struct tcb_event *ev;

	(void)state;
	assert_int_equal(tcb_open_passive(n->s, n->now, n->os, NULL), 0);
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, NULL), 0);
	tcb_out_reset(n->os);
	wire_xfer(n->oc, n->s, n->os, n->now, 0);
	ev = tn_find(n->os, TCB_EV_OPTION, TCB_WHY_WSCALE_ON);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], 5);	/* the client's shift */
	assert_int_equal(ev->n[1], 0);	/* ours: 65535 fits without one */
	assert_non_null(tn_find(n->os, TCB_EV_OPTION, TCB_WHY_TS_ON));
	assert_non_null(tn_find(n->os, TCB_EV_OPTION, TCB_WHY_SACK_ON));
	wire_xfer(n->os, n->c, n->oc, n->now, 0);
	assert_non_null(tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_WSCALE_ON));
	assert_non_null(tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_TS_ON));
	assert_non_null(tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_SACK_ON));
	tn_free(n);
}

static void opts_all_off_nothing_offered_nor_agreed(void **state)
{
	struct net *n = net_with(all_off, big_buf);
	struct tcb_vars vc, vs;
	struct seg hs[3];

	(void)state;
	wire_handshake(n, hs);
	assert_true(hs[0].opts.has_mss);
	assert_false(hs[0].opts.has_wscale || hs[0].opts.sack_perm || hs[0].opts.has_ts);
	/* the server would use all three, but offers none the SYN did not carry */
	assert_false(hs[1].opts.has_wscale || hs[1].opts.sack_perm || hs[1].opts.has_ts);
	assert_false(hs[2].opts.has_ts);
	tcb_get_vars(n->c, &vc);
	tcb_get_vars(n->s, &vs);
	assert_false(vc.ws_ok || vc.ts_ok || vc.sack_ok);
	assert_false(vs.ws_ok || vs.ts_ok || vs.sack_ok);
	assert_int_equal(vc.eff_mss, 1460);	/* no TSopt: the whole MSS carries data */
	tn_free(n);
}

static void opts_one_side_only(void **state)
{
	struct net *n = net_with(big_buf, ws_off);
	struct tcb_vars vc, vs;
	struct seg hs[3];
	static char data[10];

	(void)state;
	assert_int_equal(tcb_open_passive(n->s, n->now, n->os, NULL), 0);
	tcb_out_reset(n->os);
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, NULL), 0);
	hs[0] = n->oc->seg[0];
	wire_xfer(n->oc, n->s, n->os, n->now, 0);
	assert_non_null(tn_find(n->os, TCB_EV_OPTION, TCB_WHY_WSCALE_OFF_LOCAL));
	assert_null(tn_find(n->os, TCB_EV_OPTION, TCB_WHY_WSCALE_ON));
	hs[1] = n->os->seg[0];
	wire_xfer(n->os, n->c, n->oc, n->now, 0);
	assert_non_null(tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_WSCALE_OFF_PEER));
	assert_non_null(tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_TS_ON));
	hs[2] = n->oc->seg[0];
	wire_xfer(n->oc, n->s, n->os, n->now, 0);
	assert_true(hs[0].opts.has_wscale);
	assert_false(hs[1].opts.has_wscale);
	assert_true(hs[1].opts.has_ts && hs[1].opts.sack_perm);	/* the others still agreed */
	tcb_get_vars(n->c, &vc);
	tcb_get_vars(n->s, &vs);
	assert_false(vc.ws_ok);
	assert_false(vs.ws_ok);
	assert_true(vc.ts_ok && vs.ts_ok && vc.sack_ok && vs.sack_ok);
	/* the client's 2^20 buffer cannot be said without scaling: 65535, unshifted */
	assert_int_equal(hs[2].win, 65535);
	assert_int_equal(vs.snd_wnd, 65535);
	tcb_out_reset(n->os);
	tcb_send(n->s, data, sizeof(data), n->now, n->os, NULL);
	wire_xfer(n->os, n->c, n->oc, n->now, 0);
	tcb_get_vars(n->c, &vc);
	assert_int_equal(vc.snd_wnd, 65535);	/* the field as it is */
	tn_free(n);
}

static void opts_shift_above_14_used_as_14(void **state)
{
	struct net *n = tn_default();
	struct seg syn = tn_seg(&tn_ca, 7000, 0, SEG_SYN), ack;
	struct tcb_vars v;

	(void)state;
	assert_int_equal(tcb_open_passive(n->s, n->now, n->os, NULL), 0);
	syn.opts.has_wscale = true;
	syn.opts.wscale = 15;	/* RFC 7323 §2.3: "use 14 instead of the larger value" */
	tcb_input(n->s, &syn, n->now, n->os);
	ack = tn_seg(&tn_ca, 7001, S_ISS + 1, SEG_ACK);
	ack.win = 2;
	tcb_input(n->s, &ack, n->now, n->os);
	tcb_get_vars(n->s, &v);
	assert_int_equal(v.snd_shift, 14);
	assert_int_equal(v.snd_wnd, 2u << 14);
	tn_free(n);
}

/* ---- timestamps (RFC 7323 §3-§5) ---- */

static void ts_every_segment_echoes_ts_recent(void **state)
{
	struct net *n = tn_default();
	struct seg hs[3];
	static char data[100];
	struct tcb_vars vs;
	uint32_t c0;

	(void)state;
	wire_handshake(n, hs);
	c0 = hs[0].opts.tsval;	/* the client's clock at n->now */
	tcb_send(n->c, data, sizeof(data), n->now + 50 * MS, n->oc, NULL);
	assert_true(n->oc->seg[0].opts.has_ts);
	assert_int_equal(n->oc->seg[0].opts.tsval, c0 + 50);
	assert_int_equal(n->oc->seg[0].opts.tsecr, hs[1].opts.tsval);
	wire_xfer(n->oc, n->s, n->os, n->now + 60 * MS, 0);
	tcb_get_vars(n->s, &vs);
	assert_int_equal(vs.ts_recent, c0 + 50);	/* §4.3: SEG.SEQ =< Last.ACK.sent */
	assert_int_equal(n->os->seg[0].opts.tsecr, c0 + 50);	/* its ACK echoes it */
	tn_free(n);
}

static void ts_recent_not_taken_from_out_of_order(void **state)
{
	struct net *n = tn_default();
	struct seg hs[3], s;
	struct tcb_vars vs;
	static const uint8_t data[10];

	(void)state;
	wire_handshake(n, hs);
	/* data beyond RCV.NXT: its SEG.SEQ > Last.ACK.sent, so TS.Recent stays (§4.3) */
	s = tn_seg(&tn_ca, C_ISS + 1 + 100, S_ISS + 1, SEG_ACK);
	s.payload = data;
	s.len = sizeof(data);
	s.opts.has_ts = true;
	s.opts.tsval = hs[2].opts.tsval + 500;
	s.opts.tsecr = hs[1].opts.tsval;
	tcb_input(n->s, &s, n->now, n->os);
	assert_non_null(tn_find(n->os, TCB_EV_OOO_QUEUED, TCB_WHY_DATA_OUT_OF_ORDER));
	tcb_get_vars(n->s, &vs);
	assert_int_equal(vs.ts_recent, hs[2].opts.tsval);
	assert_int_equal(n->os->seg[0].opts.tsecr, hs[2].opts.tsval);
	tn_free(n);
}

static void paws_rejects_an_old_tsval(void **state)
{
	struct net *n = tn_default();
	struct seg hs[3], s;
	const struct tcb_event *ev;
	static const uint8_t data[10];

	(void)state;
	wire_handshake(n, hs);
	s = tn_seg(&tn_ca, C_ISS + 1, S_ISS + 1, SEG_ACK);	/* in window, at RCV.NXT */
	s.payload = data;
	s.len = sizeof(data);
	s.opts.has_ts = true;
	s.opts.tsval = hs[2].opts.tsval - 1;	/* older than TS.Recent */
	tcb_input(n->s, &s, n->now + 1 * MS, n->os);
	ev = tn_find(n->os, TCB_EV_SEG_DROPPED, TCB_WHY_PAWS_REJECT);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], hs[2].opts.tsval - 1);
	assert_int_equal(ev->n[1], hs[2].opts.tsval);
	assert_int_equal(ev->n[2], C_ISS + 1);
	assert_int_equal(ev->n[3], 10);
	assert_int_equal(tcb_readable(n->s), 0);	/* not taken */
	assert_int_equal(n->os->nseg, 1);	/* §5.3 R1: an ACK in reply */
	assert_int_equal(n->os->seg[0].flags, SEG_ACK);
	assert_int_equal(n->os->seg[0].ack, C_ISS + 1);
	tcb_out_reset(n->os);
	s.opts.tsval = hs[2].opts.tsval;	/* equal is not older: taken */
	tcb_input(n->s, &s, n->now + 2 * MS, n->os);
	assert_null(tn_find(n->os, TCB_EV_SEG_DROPPED, TCB_WHY_PAWS_REJECT));
	assert_int_equal(tcb_readable(n->s), 10);
	tn_free(n);
}

static void paws_spares_rst_and_forgets_after_24_days(void **state)
{
	struct net *n = tn_default();
	struct seg hs[3], s;
	static const uint8_t data[10];

	(void)state;
	wire_handshake(n, hs);
	s = tn_seg(&tn_ca, C_ISS + 1, S_ISS + 1, SEG_ACK);
	s.payload = data;
	s.len = sizeof(data);
	s.opts.has_ts = true;
	s.opts.tsval = hs[2].opts.tsval - 1000;
	/* §5.5: TS.Recent idle for more than 24 days is no longer valid */
	tcb_input(n->s, &s, n->now + 25ull * 86400 * S, n->os);
	assert_null(tn_find(n->os, TCB_EV_SEG_DROPPED, TCB_WHY_PAWS_REJECT));
	assert_int_equal(tcb_readable(n->s), 10);
	tn_free(n);

	n = tn_default();
	wire_handshake(n, hs);
	s = tn_seg(&tn_ca, C_ISS + 1, 0, SEG_RST);	/* §5.3 R1: not for a RST */
	s.opts.has_ts = true;
	s.opts.tsval = hs[2].opts.tsval - 1;
	tcb_input(n->s, &s, n->now + 1 * MS, n->os);
	assert_null(tn_find(n->os, TCB_EV_SEG_DROPPED, TCB_WHY_PAWS_REJECT));
	assert_int_equal(tcb_state(n->s), TCB_CLOSED);
	tn_free(n);
}

static void ts_rttm_samples_a_resent_segment(void **state)
{
	struct net *n = tn_default();
	struct seg hs[3];
	static char data[100];
	const struct tcb_event *ev;

	(void)state;
	wire_handshake(n, hs);
	tcb_send(n->c, data, sizeof(data), n->now, n->oc, NULL);
	tcb_out_reset(n->oc);	/* lost */
	tcb_tick(n->c, n->now + 200 * MS, n->oc);	/* RTO = rto_min: resent */
	assert_non_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTO));
	wire_xfer(n->oc, n->s, n->os, n->now + 230 * MS, 0);
	wire_xfer(n->os, n->c, n->oc, n->now + 260 * MS, 0);
	/* Karn forbids the retransmission queue's sample; TSecr echoes the resend's TSval */
	assert_null(tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW));
	ev = tn_find(n->oc, TCB_EV_RTT, TCB_WHY_TS_RTTM);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], 60 * MS);	/* 260 - 200 ms, in 1 ms ticks */
	assert_int_equal(ev->n[3], hs[0].opts.tsval + 200);
	tn_free(n);
}

static void ts_data_leaves_room_for_the_option(void **state)
{
	struct net *n = tn_default();
	struct seg hs[3];
	static char data[3000];
	struct wire *w;

	(void)state;
	wire_handshake(n, hs);
	tcb_send(n->c, data, sizeof(data), n->now, n->oc, NULL);
	assert_int_equal(n->oc->nseg, 3);
	assert_int_equal(n->oc->seg[0].len, 1448);	/* 1460 - 12 (RFC 6691, as Linux) */
	assert_int_equal(n->oc->seg[1].len, 1448);
	assert_int_equal(n->oc->seg[2].len, 104);
	w = wire_of(n->oc, 1460);
	assert_int_equal(bytes_get16(w->buf[0] + 2), 1500);	/* IP total length = the MTU */
	free(w);
	tn_free(n);
}

/* ---- SACK (RFC 2018) ---- */

/* Five segments of 1000 bytes from the client (MSS 1000 on the server, no timestamps
 * on the client so the arithmetic stays round): out[] holds them as sent. */
static struct net *sack_net(struct seg hs[3], bool sack)
{
	struct tcb_params pc, ps;
	static char data[5000];
	struct net *n;

	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	pc.no_timestamps = true;
	pc.no_sack = !sack;
	ps.mss = 1000;
	n = tn_new(&pc, &ps);
	wire_handshake(n, hs);
	assert_int_equal(tcb_send(n->c, data, sizeof(data), n->now, n->oc, NULL), 5000);
	assert_int_equal(n->oc->nseg, 5);
	return n;
}

static void sack_blocks_latest_first(void **state)
{
	struct seg hs[3];
	struct net *n = sack_net(hs, true);
	const struct seg *a;

	(void)state;
	/* 1 and 3 lost; 2, 4, 5 arrive: ACKs carry blocks, the newest first */
	wire_xfer(n->oc, n->s, n->os, n->now, 1u << 0 | 1u << 2);
	assert_int_equal(n->os->nseg, 3);
	a = &n->os->seg[0];	/* after segment 2 */
	assert_int_equal(a->ack, C_ISS + 1);
	assert_int_equal(a->opts.nsack, 1);
	assert_int_equal(a->opts.sack[0].left, C_ISS + 1001);
	assert_int_equal(a->opts.sack[0].right, C_ISS + 2001);
	a = &n->os->seg[2];	/* after segment 5: its block (4-5) first, then 2's */
	assert_int_equal(a->opts.nsack, 2);
	assert_int_equal(a->opts.sack[0].left, C_ISS + 3001);
	assert_int_equal(a->opts.sack[0].right, C_ISS + 5001);
	assert_int_equal(a->opts.sack[1].left, C_ISS + 1001);
	assert_int_equal(a->opts.sack[1].right, C_ISS + 2001);
	tn_free(n);
}

static void sack_at_most_three_blocks_beside_timestamps(void **state)
{
	struct net *n = tn_default();
	struct seg hs[3], s;
	static const uint8_t data[10];
	struct wire *w;

	(void)state;
	wire_handshake(n, hs);
	for (int i = 1; i <= 5; i++) {	/* five separate holes */
		s = tn_seg(&tn_ca, C_ISS + 1 + 100 * (uint32_t)i, S_ISS + 1, SEG_ACK);
		s.payload = data;
		s.len = sizeof(data);
		s.opts.has_ts = true;
		s.opts.tsval = hs[2].opts.tsval;
		tcb_out_reset(n->os);
		tcb_input(n->s, &s, n->now, n->os);
	}
	assert_int_equal(n->os->seg[0].opts.nsack, 3);	/* 10 + 2 + 2 + 3 x 8 = 38 bytes */
	assert_int_equal(n->os->seg[0].opts.sack[0].left, C_ISS + 501);
	assert_int_equal(n->os->seg[0].opts.sack[1].left, C_ISS + 401);
	assert_int_equal(n->os->seg[0].opts.sack[2].left, C_ISS + 301);
	w = wire_of(n->os, 1460);	/* and it encodes */
	assert_int_equal(w->seg[0].opts.nsack, 3);
	assert_true(w->seg[0].opts.has_ts);
	free(w);
	tn_free(n);
}

static void sack_scoreboard_keeps_sacked_out_of_the_resend(void **state)
{
	struct seg hs[3], ack;
	struct net *n = sack_net(hs, true);
	const struct tcb_event *ev;
	struct tcb_vars v;

	(void)state;
	wire_xfer(n->oc, n->s, n->os, n->now, 1u << 0);	/* the first one lost */
	wire_xfer(n->os, n->c, n->oc, n->now + 1 * MS, 0);	/* four duplicate ACKs */
	ev = tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_SACK_MARKED);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], C_ISS + 1001);
	assert_int_equal(ev->n[2], 1000);
	assert_int_equal(ev->n[3], C_ISS + 1);
	tcb_get_vars(n->c, &v);
	assert_int_equal(v.sacked_bytes, 4000);
	tcb_out_reset(n->oc);
	tcb_tick(n->c, n->now + 200 * MS, n->oc);	/* RTO: the head only */
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 1);
	ev = tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_SACK_KEPT);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], 4);
	assert_int_equal(ev->n[1], 4000);
	tcb_out_reset(n->oc);
	/* an ACK of the head alone, below the recovery point: the resend that follows
	 * (tcb_cc.c, RFC 6582 §4) skips the SACKed 2..5, so nothing goes (compare
	 * sack_off_resends_one_segment_per_ack_after_rto) */
	ack = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 1001, SEG_ACK);
	tcb_input(n->c, &ack, n->now + 220 * MS, n->oc);
	assert_int_equal(n->oc->nseg, 0);
	assert_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTX_AFTER_RTO));
	tn_free(n);
}

/* Without SACK the sender cannot know 2..5 arrived: after the RTO resent the head, the
 * ACK of the head shows segment 2 missing and that one alone is resent (the first
 * unacknowledged segment, RFC 6582 §4), never the whole window (go-back-N). */
static void sack_off_resends_one_segment_per_ack_after_rto(void **state)
{
	struct seg hs[3], ack;
	struct net *n = sack_net(hs, false);
	const struct tcb_event *ev;
	unsigned resent = 0;

	(void)state;
	wire_xfer(n->oc, n->s, n->os, n->now, 1u << 0);
	assert_int_equal(n->os->seg[0].opts.nsack, 0);	/* not agreed: no blocks */
	wire_xfer(n->os, n->c, n->oc, n->now + 1 * MS, 0);
	tcb_out_reset(n->oc);
	tcb_tick(n->c, n->now + 200 * MS, n->oc);
	assert_int_equal(n->oc->nseg, 1);	/* the head */
	tcb_out_reset(n->oc);
	/* the same ACK of the head alone: without SACK, segment 2 alone goes again */
	ack = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 1001, SEG_ACK);
	tcb_input(n->c, &ack, n->now + 220 * MS, n->oc);
	for (unsigned i = 0; i < n->oc->nev; i++)
		resent += n->oc->ev[i].kind == TCB_EV_RETRANSMIT;
	assert_int_equal(resent, 1);
	ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTX_AFTER_RTO);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], C_ISS + 1001);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 1001);
	assert_int_equal(n->oc->seg[0].len, 1000);
	tn_free(n);
}

static void sack_reneging_clears_the_marks(void **state)
{
	struct seg hs[3];
	struct net *n = sack_net(hs, true);
	struct seg ack = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 1, SEG_ACK);
	const struct tcb_event *ev;
	struct tcb_vars v;

	(void)state;
	tcb_out_reset(n->oc);
	ack.opts.nsack = 1;	/* the head itself reported, yet never acknowledged */
	ack.opts.sack[0].left = C_ISS + 1;
	ack.opts.sack[0].right = C_ISS + 2001;
	tcb_input(n->c, &ack, n->now + 1 * MS, n->oc);
	tcb_get_vars(n->c, &v);
	assert_int_equal(v.sacked_bytes, 2000);
	tcb_out_reset(n->oc);
	tcb_tick(n->c, n->now + 200 * MS, n->oc);
	ev = tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_SACK_RENEGED);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], C_ISS + 1);
	assert_int_equal(ev->n[1], 2);
	tcb_get_vars(n->c, &v);
	assert_int_equal(v.sacked_bytes, 0);
	tn_free(n);
}

static void sack_ignores_blocks_outside_the_flight(void **state)
{
	struct seg hs[3];
	struct net *n = sack_net(hs, true);
	struct seg ack = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 1, SEG_ACK);
	struct tcb_vars v;

	(void)state;
	tcb_out_reset(n->oc);
	ack.opts.nsack = 2;
	ack.opts.sack[0].left = C_ISS + 4001;	/* runs past SND.NXT */
	ack.opts.sack[0].right = C_ISS + 9001;
	ack.opts.sack[1].left = C_ISS - 500;	/* below SND.UNA (a D-SACK) */
	ack.opts.sack[1].right = C_ISS + 1;
	tcb_input(n->c, &ack, n->now + 1 * MS, n->oc);
	tcb_get_vars(n->c, &v);
	assert_int_equal(v.sacked_bytes, 0);
	assert_null(tn_find(n->oc, TCB_EV_OPTION, TCB_WHY_SACK_MARKED));
	tn_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opts_syn_offers_all_by_default),
		cmocka_unit_test(opts_negotiated_both_sides),
		cmocka_unit_test(opts_negotiation_explained),
		cmocka_unit_test(opts_all_off_nothing_offered_nor_agreed),
		cmocka_unit_test(opts_one_side_only),
		cmocka_unit_test(opts_shift_above_14_used_as_14),
		cmocka_unit_test(ts_every_segment_echoes_ts_recent),
		cmocka_unit_test(ts_recent_not_taken_from_out_of_order),
		cmocka_unit_test(paws_rejects_an_old_tsval),
		cmocka_unit_test(paws_spares_rst_and_forgets_after_24_days),
		cmocka_unit_test(ts_rttm_samples_a_resent_segment),
		cmocka_unit_test(ts_data_leaves_room_for_the_option),
		cmocka_unit_test(sack_blocks_latest_first),
		cmocka_unit_test(sack_at_most_three_blocks_beside_timestamps),
		cmocka_unit_test(sack_scoreboard_keeps_sacked_out_of_the_resend),
		cmocka_unit_test(sack_off_resends_one_segment_per_ack_after_rto),
		cmocka_unit_test(sack_reneging_clears_the_marks),
		cmocka_unit_test(sack_ignores_blocks_outside_the_flight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
