/* tcb_user.c - the user calls of RFC 9293 §3.10.1 - §3.10.5: OPEN, SEND, RECEIVE, CLOSE, ABORT. */
#include "tcb_impl.h"

/* §3.10.1 OPEN, active: choose the ISS, send <SEQ=ISS><CTL=SYN>, SYN-SENT. */
int tcb_open_active(struct tcb *t, uint64_t now, struct tcb_out *o, struct err *e)
{
	if (tcb_tw_is(t))
		return err_set(e, "open: a compact TIME-WAIT record is not reopened (tcb_compact)");
	if (t->state != TCB_CLOSED && t->state != TCB_LISTEN)
		return err_set(e, "open: connection already exists (%s)",
			       tcb_state_name(t->state));
	tcb_reset_conn(t);
	t->passive = false;
	t->iss = tcb_choose_iss(t, now);
	t->snd_una = t->iss;
	t->snd_nxt = t->iss;
	t->sndq_seq = t->iss + 1;
	rto_init(&t->rto, tcb_p_rto_init(t), tcb_p_rto_min(t), tcb_p_rto_max(t));
	tcb_ev_n(tcb_set_state(t, TCB_SYN_SENT, TCB_WHY_USER_OPEN_ACTIVE, now, o), t->iss, 0,
		 0, 0);
	tcb_send_syn(t, now, o);
	return 0;
}

/* §3.10.1 OPEN, passive: LISTEN for the one peer of this TCB's 4-tuple. */
int tcb_open_passive(struct tcb *t, uint64_t now, struct tcb_out *o, struct err *e)
{
	if (tcb_tw_is(t))
		return err_set(e, "open: a compact TIME-WAIT record is not reopened (tcb_compact)");
	if (t->state != TCB_CLOSED)
		return err_set(e, "open: connection already exists (%s)",
			       tcb_state_name(t->state));
	tcb_reset_conn(t);
	t->passive = true;
	tcb_set_state(t, TCB_LISTEN, TCB_WHY_USER_OPEN_PASSIVE, now, o);
	return 0;
}

/* §3.10.2 SEND: queue the bytes; they leave at once when the state allows. */
long tcb_send(struct tcb *t, const void *buf, size_t len, uint64_t now, struct tcb_out *o,
	      struct err *e)
{
	long n;

	if (tcb_tw_is(t)) {	/* compact TIME-WAIT: the same code on the rebuilt TCB */
		struct tcb x;

		n = tcb_send(tcb_tw_begin(t, &x, o), buf, len, now, o, e);
		tcb_tw_end(t, &x, o);
		return n;
	}
	switch (t->state) {
	case TCB_SYN_SENT:
	case TCB_SYN_RECEIVED:
	case TCB_ESTABLISHED:
	case TCB_CLOSE_WAIT:
		break;
	case TCB_CLOSED:
		return err_set(e, "send: connection does not exist");
	case TCB_LISTEN:
		return err_set(e, "send: connection not open (LISTEN)");
	default:
		return err_set(e, "send: connection closing (%s)", tcb_state_name(t->state));
	}
	if (t->close_pending)
		return err_set(e, "send: connection closing");
	if (len == 0)
		return 0;
	if (!buf)
		return err_set(e, "send: no buffer");
	n = sndq_append(&t->sndq, buf, len);
	if (n < 0)
		return err_set(e, "send: out of memory for the send buffer");
	tcb_output(t, now, o);
	return n;
}

/* §3.10.3 RECEIVE: copy in-order bytes; announce a window that opened (§3.8.6.2.2). */
size_t tcb_receive(struct tcb *t, void *buf, size_t cap, uint64_t now, struct tcb_out *o)
{
	uint32_t old;
	size_t n;

	if (tcb_tw_is(t)) {	/* compact TIME-WAIT: the same code on the rebuilt TCB */
		struct tcb x;

		n = tcb_receive(tcb_tw_begin(t, &x, o), buf, cap, now, o);
		tcb_tw_end(t, &x, o);
		return n;
	}
	old = tcb_rcv_wnd(t);
	if (!buf || cap == 0)
		return 0;
	n = rcvq_read(&t->rcvq, buf, cap);
	if (n == 0 || t->state < TCB_SYN_RECEIVED || t->state == TCB_TIME_WAIT)
		return n;
	if (tcb_rcv_edge_update(t)) {
		tcb_ev_n(tcb_ev(t, o, TCB_EV_ACK_SENT, TCB_WHY_WINDOW_OPENED, now), old,
			 tcb_rcv_wnd(t), 0, 0);
		tcb_send_ack(t, now, o);
	}
	return n;
}

/* FIN-WAIT-1 or LAST-ACK with the FIN after every queued byte. */
static void tcb_close_fin(struct tcb *t, enum tcb_state to, uint64_t now, struct tcb_out *o)
{
	t->close_pending = true;
	tcb_ev_n(tcb_set_state(t, to, TCB_WHY_USER_CLOSE, now, o), t->sndq_seq + t->sndq.len,
		 0, 0, 0);
	tcb_output(t, now, o);
}

/* §3.10.4 CLOSE. */
int tcb_close(struct tcb *t, uint64_t now, struct tcb_out *o, struct err *e)
{
	if (tcb_tw_is(t)) {	/* compact TIME-WAIT: the same code on the rebuilt TCB */
		struct tcb x;
		int r = tcb_close(tcb_tw_begin(t, &x, o), now, o, e);

		tcb_tw_end(t, &x, o);
		return r;
	}
	switch (t->state) {
	case TCB_CLOSED:
		return err_set(e, "close: connection does not exist");
	case TCB_LISTEN:
	case TCB_SYN_SENT:
		tcb_set_state(t, TCB_CLOSED, TCB_WHY_USER_CLOSE, now, o);
		return 0;
	case TCB_SYN_RECEIVED:
		if (t->sndq.len > 0) {	/* FIN after ESTABLISHED, once the data is out */
			t->close_pending = true;
			return 0;
		}
		tcb_close_fin(t, TCB_FIN_WAIT_1, now, o);
		return 0;
	case TCB_ESTABLISHED:
		tcb_close_fin(t, TCB_FIN_WAIT_1, now, o);
		return 0;
	case TCB_CLOSE_WAIT:
		tcb_close_fin(t, TCB_LAST_ACK, now, o);
		return 0;
	default:
		return err_set(e, "close: connection closing (%s)", tcb_state_name(t->state));
	}
}

/* §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST> in the states that have told the peer anything
 * it must forget; CLOSED in every case. */
void tcb_abort(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	if (tcb_tw_is(t)) {	/* compact TIME-WAIT: the same code on the rebuilt TCB */
		struct tcb x;

		tcb_abort(tcb_tw_begin(t, &x, o), now, o);
		tcb_tw_end(t, &x, o);
		return;
	}
	switch (t->state) {
	case TCB_SYN_RECEIVED:
	case TCB_ESTABLISHED:
	case TCB_FIN_WAIT_1:
	case TCB_FIN_WAIT_2:
	case TCB_CLOSE_WAIT:
		tcb_send_rst(t, t->snd_nxt, TCB_WHY_USER_ABORT, now, o);
		break;
	case TCB_CLOSED:
		return;
	default:
		break;
	}
	tcb_ev_n(tcb_set_state(t, TCB_CLOSED, TCB_WHY_USER_ABORT, now, o), t->snd_nxt, 0, 0,
		 0);
}
