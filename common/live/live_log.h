/* live_log.h - the explaining log of the live programs: records to text, -q lines, JSON, ladder, HTML, pcap / pcapng. */
#ifndef SYNLAB_LIVE_LOG_H
#define SYNLAB_LIVE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "explain.h"
#include "explain_out.h"
#include "explain_present.h"
#include "live_log_hold.h"
#include "live_log_queue.h"
#include "live_opts.h"
#include "live_rec.h"
#include "pcapw.h"
#include "seg.h"

struct pcapngw;
struct live_conn;
struct tcb_out;

/* One connection's part of the log (hung on struct live_conn). */
struct live_log_conn {
	struct live_rec_conn rec;	/* its records (explain_build.c) */
	struct explain_out_conn oc;	/* its outputs' state: prose context, ladder */
};

/* Everything the log writes to (one per program, owned by its runtime). */
struct live_log {
	struct live_out_opts o;
	enum explain_who local;		/* this program's side */
	FILE *f;			/* the log; NULL: none (or muted) */
	bool own_f;			/* opened by live_log_open (--log FILE) */
	bool colour;
	struct explain_out *out;	/* text / -q / JSON, ladders, HTML, pcapng comments */
	struct pcapw pw;		/* -w FILE.pcap */
	bool has_pcap;
	bool capture_lost;		/* -w stopped on a write error (full disk): exit 1 */
	bool close_failed;		/* live_log_close could not write an output: exit 1 */
	struct pcapngw *ng;		/* -w FILE.pcapng */
	int64_t real_minus_mono_ns;	/* for pcapng timestamps */
	struct live_log_hold hold;	/* pcapng: packets waiting for their comments */
	struct live_log_held held;	/* the one being written (buffers reused) */
	uint64_t last_pkt_us;		/* monotonic time of the last packet */
	uint64_t t0;			/* monotonic us of the start: the log's time 0 */
	uint64_t frame;			/* packets sent and received so far (-w frames) */
	/* Send first, explain after: while `defer` is set, records, notes and -w packets
	 * wait in q (in order, with the FILE they were meant for) and are rendered by
	 * live_log_flush once the step's segments are on the wire. */
	bool defer, replaying;
	struct live_log_q q;
	/* The step prompt ("step> ", no newline) ends the terminal's last line. A line the
	 * log writes meanwhile to that stream ends the prompt's line first, and the prompt
	 * is drawn again before the program sleeps (live_log_idle). */
	FILE *prompt_f;			/* where the open prompt is; NULL: none */
	FILE *owed_f;			/* where it is to be drawn again; NULL: nowhere */
	/* live_cfg.rec_tap: every record as it is rendered (NULL none) */
	void (*tap)(void *ctx, const struct explain_rec *r, bool shown);
	void *tap_ctx;
};

/* Opens the log, the capture file and nothing else. On failure nothing stays open. */
int live_log_open(struct live_log *g, const struct live_out_opts *o, enum explain_who local,
		  struct err *e);
/* Flushes the pending packet, draws the ladders, writes the HTML pages, closes files.
 * -1 with e for the first failure (everything is closed anyway). */
int live_log_close(struct live_log *g, struct err *e);

/* Microseconds of the log's clock (since t0) at monotonic time now. */
static inline uint64_t live_log_elapsed(const struct live_log *g, uint64_t now)
{
	return now >= g->t0 ? now - g->t0 : 0;
}

/* ---- records (live_log.c); c is NULL for a segment of no connection ---- */

/* A packet sent or received: counts the frame, writes it to -w. */
void live_log_packet(struct live_log *g, uint64_t now, const uint8_t *ip, size_t len);
/* A segment received for c, with c's states around tcb_input; frame and mono_us are
 * those of its arrival on the wire (0: the latest packet's), which differ from the
 * latest when a delay held it. */
void live_log_in(struct live_log *g, struct live_conn *c, const struct seg *s, uint64_t frame,
		 uint64_t mono_us, enum tcb_state before, enum tcb_state after);
/* Received segment s of c (its frame and arrival) is held before its TCB takes it (a
 * step decision waits): its analysis is made now, in the wire's order, and its record,
 * from live_log_in later, uses it (live_rec_arrived). No-op for c NULL. */
void live_log_arrived(struct live_log *g, struct live_conn *c, const struct seg *s,
		      uint64_t frame, uint64_t mono_us);
/* Marks the next segment record of c (live_log_in / live_log_seg): made = its numbers
 * before a step edit (NULL: not edited), held_us = time held at the step prompt
 * (live_rec_mark). No-op for c NULL. */
void live_log_mark(struct live_log *g, struct live_conn *c, const struct seg *made,
		   uint64_t held_us);
/* A segment sent for c (NULL: no TCB owns it); copy: a second copy --impair dup made,
 * not a send of the TCB; rtx_why: a resend, the TCB's reason (enum tcb_why), else 0;
 * note: an extra line in text mode. */
void live_log_seg(struct live_log *g, struct live_conn *c, const struct seg *s, uint64_t now,
		  bool copy, unsigned rtx_why, const char *note);
/* Every event of o (call before its segments are sent); event times are c's protocol
 * clock, shown on the log's wall clock. held_out: c's segments waiting at the step
 * prompt, not yet on the wire (a resend then says its earlier copy never left). */
void live_log_events(struct live_log *g, struct live_conn *c, const struct tcb_out *o,
		     unsigned held_out);
/* The impairment engine (or the step prompt) acted on segment s (sent: out) of c; frame:
 * the one it arrived in, 0 for a segment to send (not on the wire, or not yet). */
void live_log_impair(struct live_log *g, struct live_conn *c, const struct seg *s, bool out,
		     const struct explain_impair *imp, uint64_t frame, uint64_t now);
/* The record s would get if it were logged now (live_preview), c's records unchanged. */
int live_log_preview(struct live_log *g, struct live_conn *c, const struct seg *s, bool out,
		     uint64_t now, struct explain_rec *r, struct err *e);
/* c is finished: its summary. */
void live_log_conn_end(struct live_log *g, struct live_conn *c, uint64_t now);

/* Renders what waits in the queue, in order, and ends deferring. */
void live_log_flush(struct live_log *g);
/* The program is about to sleep: writes out what the log's buffers hold (the log is
 * fully buffered, stderr too, so that a step costs one write, not one per line). */
void live_log_idle(struct live_log *g);

/* The step prompt: drawn on f (its text ends f's last line); broken: whatever is
 * written to f next starts on a line of its own (the prompt is owed, drawn again by
 * live_log_idle); taken: a line was read (the terminal echoed its newline), or no
 * decision waits any more: nothing is owed. */
void live_log_prompt_drawn(struct live_log *g, FILE *f);
void live_log_prompt_break(struct live_log *g, FILE *f);
void live_log_prompt_taken(struct live_log *g);

/* One line of information that is not a record ("HTTP response head: ..."): to the log
 * as it is in text and -q modes, as a {"type":"note"} record with --json (so that the
 * log stays JSON Lines). */
void live_log_note(struct live_log *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- live_log_out.c: the outputs ---- */

/* Hands r to every output (explain_out_put): the log (text, -q or JSON), the pcapng
 * comment of the pending packet (segments), x's ladder. show: text and the ladder show r
 * (false for a STATE event a segment's explanation already tells); note: an extra line
 * under r in text mode. x NULL: no connection state. */
void live_log_put(struct live_log *g, struct live_log_conn *x, const struct explain_rec *r,
		  bool show, const char *note);

/* Packet frame, sent or received, for -w: written now (pcap), or held until its record
 * gives the comment (pcapng, live_log_hold.h; a packet without a record is written bare). */
void live_log_capture(struct live_log *g, uint64_t frame, uint64_t mono_us, const uint8_t *ip,
		      size_t len);

/* A connection's log state: made at its first record, ended (its ladder kept for the
 * drawing at exit) when the connection is forgotten. */
void live_log_conn_init(struct live_log_conn *x, uint32_t id, enum explain_who local);
void live_log_conn_done(struct live_log *g, struct live_log_conn *x);

#endif
