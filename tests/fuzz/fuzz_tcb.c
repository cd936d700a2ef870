/* fuzz_tcb.c - fuzz target: two TCBs wired back to back, driven by a byte stream decoded into
 * deliveries, drops, crafted segments, user calls and clock steps; RFC 9293 §3.3.1
 * invariants (SND.UNA =< SND.NXT, ISS =< SND.UNA, queues bounded, emitted segments inside
 * [ISS, SND.NXT], state events chained, no timer left overdue) are checked after each. */
#include <string.h>

#include "fuzz.h"
#include "seq.h"
#include "tcb.h"

#define FZ_QMAX 64		/* segments in flight per direction */
#define FZ_PAYLOAD 1460		/* bytes: our MSS, the most one segment carries */
#define FZ_STEPS 400		/* operations per input */

struct fz_seg {
	struct seg s;
	uint8_t payload[FZ_PAYLOAD];
};

/* One end: its TCB, what it sent and the other end has not yet taken. */
struct fz_end {
	struct tcb *t;
	struct fz_seg q[FZ_QMAX];
	unsigned n;
	uint64_t sent;		/* stream bytes tcb_send accepted from this end */
	uint64_t got;		/* stream bytes tcb_receive returned to this end */
};

struct fz {
	const uint8_t *p;
	size_t left;
	uint64_t now;
	struct fz_end end[2];	/* 0 client, 1 server */
	struct tcb_params par[2];	/* each end's parameters: tcb_new keeps a pointer */
	struct tcb_out out;
	/* The data oracle holds while the pair runs the connection setup() opened and nothing
	 * but the network (loss, duplication, reordering, delay) came between them: no
	 * crafted segment, no new OPEN, no ABORT, no return to CLOSED or LISTEN. */
	bool tainted;
	bool server_left_listen;
};

/* Byte x of either end's stream: position-dependent, so a byte out of place shows. */
static uint8_t fz_pat(uint64_t x) { return (uint8_t)((x * 2654435761u) >> 24); }

static uint8_t byte(struct fz *f)
{
	if (!f->left)
		return 0;
	f->left--;
	return *f->p++;
}

static uint32_t u16(struct fz *f) { return (uint32_t)byte(f) << 8 | byte(f); }

/* A sequence number near a or b, or anything at all. */
static uint32_t near(struct fz *f, uint32_t a, uint32_t b)
{
	static const int32_t d[] = {0, 0, 1, -1, 2, -2, 1460, -1460, 65535, -65535, 70000,
				    -70000, 100, 536, 0x7fffffff, 0};
	uint8_t k = byte(f);

	if (k == 0xff)
		return (uint32_t)u16(f) << 16 | u16(f);
	return ((k & 0x80) ? a : b) + (uint32_t)d[k & 15] + ((k >> 4) & 7);
}

/* Checks one call's output against the TCB that made it. */
static void check_out(struct tcb *t, const struct tcb_out *o, enum tcb_state before)
{
	const struct tcb_addr a_ = tcb_addr(t), *a = &a_;
	enum tcb_state cur = before, st = tcb_state(t);
	struct tcb_vars v;

	tcb_get_vars(t, &v);
	FUZZ_CHECK(o->nseg <= TCB_OUT_SEGS && o->nev <= TCB_OUT_EVENTS);
	for (unsigned i = 0; i < o->nev; i++) {
		FUZZ_CHECK(o->ev[i].why < TCB_WHY_COUNT && o->ev[i].kind < TCB_NEV_KINDS);
		if (o->ev[i].kind != TCB_EV_STATE)
			continue;
		FUZZ_CHECK(o->ev[i].from == cur);
		cur = o->ev[i].to;
	}
	FUZZ_CHECK(o->ev_overflow || cur == st);
	for (unsigned i = 0; i < o->nseg; i++) {
		const struct seg *s = &o->seg[i];

		FUZZ_CHECK(s->len <= FZ_PAYLOAD && (s->len == 0 || s->payload));
		if (s->flags & SEG_RST)
			continue;	/* RSTs echo the peer's numbers (<SEQ=SEG.ACK>) */
		FUZZ_CHECK(s->saddr == a->laddr && s->dport == a->rport);
		if (st == TCB_CLOSED || st == TCB_LISTEN)
			continue;	/* the numbers went with the connection */
		FUZZ_CHECK(seq_geq(s->seq, v.iss));
		FUZZ_CHECK(seq_leq(s->seq + seg_seqlen(s), v.snd_nxt));
	}
}

/* RFC 9293 §3.3.1 relations that hold in every synchronized or half-open state. */
static void check_vars(const struct tcb *t)
{
	struct tcb_vars v;
	enum tcb_state st = tcb_state(t);

	FUZZ_CHECK((unsigned)st < TCB_NSTATES);
	if (st == TCB_CLOSED || st == TCB_LISTEN)
		return;
	tcb_get_vars(t, &v);
	FUZZ_CHECK(seq_leq(v.snd_una, v.snd_nxt));
	FUZZ_CHECK(seq_leq(v.iss, v.snd_una));
	FUZZ_CHECK(v.snd_unsent <= v.snd_queued);
	FUZZ_CHECK((uint64_t)v.rcv_ready + v.rcv_ooo <= 65535);
	FUZZ_CHECK(v.rcv_wnd <= 65535);
	FUZZ_CHECK(v.eff_mss >= 1 && v.eff_mss <= FZ_PAYLOAD);
	FUZZ_CHECK(v.rtx_inflight <= 128);
}

/* Copies what end i emitted into its in-flight queue (payloads copied: they point into
 * the TCB's send queue, valid only until its next call). */
static void collect(struct fz *f, int i)
{
	struct fz_end *x = &f->end[i];

	for (unsigned k = 0; k < f->out.nseg && x->n < FZ_QMAX; k++) {
		struct fz_seg *q = &x->q[x->n++];

		q->s = f->out.seg[k];
		if (q->s.len)
			memcpy(q->payload, q->s.payload, q->s.len);
		q->s.payload = q->payload;
	}
}

/* Removes segment k of end i's queue into *out. */
static void take(struct fz_end *x, unsigned k, struct fz_seg *out)
{
	*out = x->q[k];
	out->s.payload = out->payload;
	memmove(&x->q[k], &x->q[k + 1], (x->n - k - 1) * sizeof(x->q[0]));
	x->n--;
	for (unsigned j = k; j < x->n; j++)
		x->q[j].s.payload = x->q[j].payload;
}

/* A crafted segment from the other end, numbers near the ones end i expects. */
static struct fz_seg craft(struct fz *f, int i)
{
	struct fz_seg q;
	struct tcb_vars v;
	const struct tcb_addr a_ = tcb_addr(f->end[i].t), *a = &a_;
	uint8_t fl = byte(f), opt = byte(f);

	memset(&q.s, 0, sizeof(q.s));
	tcb_get_vars(f->end[i].t, &v);
	q.s.saddr = a->raddr;
	q.s.daddr = a->laddr;
	q.s.sport = a->rport;
	q.s.dport = a->lport;
	q.s.flags = fl;
	q.s.seq = near(f, v.rcv_nxt, v.irs);
	q.s.ack = near(f, v.snd_una, v.snd_nxt);
	q.s.win = (uint16_t)u16(f);
	q.s.len = (opt & 0x80) ? (uint32_t)u16(f) % (FZ_PAYLOAD + 1) : 0;
	memset(q.payload, 'x', q.s.len);
	q.s.payload = q.payload;
	q.s.opts.has_mss = opt & 1;
	q.s.opts.mss = (uint16_t)((opt >> 1) * 23);
	q.s.opts.has_wscale = opt & 0x40;
	q.s.opts.wscale = opt & 15;
	q.s.tcp_csum_ok = q.s.ip_csum_ok = true;
	return q;
}

/* Segment arrives at end i: one in flight to it (delivered or dropped), or a crafted one. */
static void arrive(struct fz *f, int i, uint8_t op)
{
	struct fz_end *from = &f->end[!i];
	struct fz_seg q;

	if (op & 0x20) {
		q = craft(f, i);
		q.s.payload = q.payload;	/* craft's pointer named its own copy */
		f->tainted = true;
	} else {
		if (!from->n)
			return;
		take(from, byte(f) % from->n, &q);	/* any of them: reordering */
		if (op & 0x10)
			return;				/* lost */
		if (op & 0x08 && from->n < FZ_QMAX) {	/* duplicated */
			from->q[from->n] = q;
			from->q[from->n].s.payload = from->q[from->n].payload;
			from->n++;
		}
	}
	tcb_input(f->end[i].t, &q.s, f->now, &f->out);
}

/* A timer step on end i: to its deadline, or a little. */
static void tick(struct fz *f, int i, uint8_t op)
{
	uint64_t d = tcb_deadline(f->end[i].t);

	if (op & 0x20 && d != TCB_NEVER && d > f->now)
		f->now = d;
	tcb_tick(f->end[i].t, f->now, &f->out);
	d = tcb_deadline(f->end[i].t);
	FUZZ_CHECK(d == TCB_NEVER || d > f->now);	/* every due timer was handled */
}

/* A user call on end i (RFC 9293 §3.10). */
static void user(struct fz *f, int i, uint8_t op)
{
	static uint8_t buf[8192];
	struct fz_end *x = &f->end[i];
	struct err e;
	size_t n;
	long sent;

	switch ((op >> 4) & 7) {
	case 0: case 1:
		n = u16(f) % sizeof(buf);
		for (size_t k = 0; k < n; k++)
			buf[k] = fz_pat(x->sent + k);
		if ((sent = tcb_send(x->t, buf, n, f->now, &f->out, &e)) > 0)
			x->sent += (uint64_t)sent;
		break;
	case 2: case 3:
		n = tcb_receive(x->t, buf, u16(f) % sizeof(buf), f->now, &f->out);
		for (size_t k = 0; k < n && !f->tainted; k++)	/* in order, none lost */
			FUZZ_CHECK(buf[k] == fz_pat(x->got + k));
		x->got += n;
		FUZZ_CHECK(f->tainted || x->got <= f->end[!i].sent);
		break;
	case 4: tcb_close(x->t, f->now, &f->out, &e); break;
	case 5: tcb_abort(x->t, f->now, &f->out); f->tainted = true; break;
	case 6: tcb_open_active(x->t, f->now, &f->out, &e); f->tainted = true; break;
	default: tcb_open_passive(x->t, f->now, &f->out, &e); f->tainted = true; break;
	}
}

/* Ends in CLOSED, or a server back in LISTEN, may start over: the oracle stops there. */
static void watch_taint(struct fz *f)
{
	enum tcb_state c = tcb_state(f->end[0].t), s = tcb_state(f->end[1].t);

	f->server_left_listen |= s != TCB_LISTEN;
	if (c == TCB_CLOSED || s == TCB_CLOSED || (s == TCB_LISTEN && f->server_left_listen))
		f->tainted = true;
}

/* One operation: low bits pick what, bit 2 which end. */
static void step(struct fz *f)
{
	uint8_t op = byte(f);
	int i = (op >> 2) & 1;
	enum tcb_state before = tcb_state(f->end[i].t);

	tcb_out_reset(&f->out);
	switch (op & 3) {
	case 0: arrive(f, i, op); break;
	case 1: tick(f, i, op); break;
	case 2: user(f, i, op); break;
	default: f->now += (uint64_t)byte(f) << (op >> 4); return;
	}
	check_out(f->end[i].t, &f->out, before);
	check_vars(f->end[i].t);
	collect(f, i);
	watch_taint(f);
#ifdef FZ_TRACE
	fprintf(stderr, "op %02x end %d: %s / %s, in flight %u / %u\n", op, i,
		tcb_state_name(tcb_state(f->end[0].t)), tcb_state_name(tcb_state(f->end[1].t)),
		f->end[0].n, f->end[1].n);
#endif
}

static int setup(struct fz *f)
{
	static const struct tcb_addr ca = { .laddr = 0xc6120001, .raddr = 0xc6120002, .lport = 40000, .rport = 8080 };
	static const struct tcb_addr sa = { .laddr = 0xc6120002, .raddr = 0xc6120001, .lport = 8080, .rport = 40000 };
	struct tcb_params *p = &f->par[0];
	struct err e;
	uint8_t cfg = byte(f);

	tcb_params_default(p);
	p->isn_fixed = cfg & 1;
	p->isn = cfg & 2 ? 0xfffffff0u : 1000;	/* near the wrap of sequence space */
	p->rfc1337 = cfg & 4;
	p->mss = cfg & 8 ? 536 : 1460;
	p->rcv_buf = cfg & 16 ? 3000 : 65535;
	p->syn_schedule = cfg & 32 ? TCB_SYN_DOUBLING : TCB_SYN_LINEAR;
	f->end[0].t = tcb_new(p, &ca, &e);
	f->par[1] = *p;
	f->par[1].isn = cfg & 64 ? 0x7ffffff0u : 5000;
	f->end[1].t = tcb_new(&f->par[1], &sa, &e);
	if (!f->end[0].t || !f->end[1].t)
		return -1;
	tcb_out_reset(&f->out);
	tcb_open_passive(f->end[1].t, 0, &f->out, &e);
	tcb_out_reset(&f->out);
	tcb_open_active(f->end[0].t, 0, &f->out, &e);
	collect(f, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;

	memset(&f, 0, sizeof(f));
	f.p = data;
	f.left = size;
	f.now = 1000000;
	if (setup(&f) == 0)
		for (int k = 0; k < FZ_STEPS && f.left; k++)
			step(&f);
	tcb_free(f.end[0].t);
	tcb_free(f.end[1].t);
	return 0;
}
