/* tui.h - the full-screen ladder view (ncursesw): both endpoints, the ladder growing per segment, the explanation, a key prompt. */
#ifndef SYNLAB_TUI_H
#define SYNLAB_TUI_H

/*
 * WHAT IS ON THE SCREEN (top to bottom)
 *
 *   title      the caller's title, then "row 3/10" (the selected row of the ladder)
 *   endpoints  client (left) and server (right): address, current RFC 9293 state, and
 *              the pending timers with the time left until each one fires
 *   ladder     two lifelines, one arrow per segment record (flags, seq/ack relative,
 *              len), client -> server arrows pointing right; a dropped segment ends in
 *              a cross and is marked [dropped]; a state beside a lifeline when it changed
 *   explain    the selected row: its one-line summary and the same prose the logger and
 *              synlab-explain write (explain_prose, en or zh), wrapped to the width
 *   status     the keys on offer and the caller's message (or the edit prompt)
 *
 * The view only draws what it is given: records (tui_add_rec), each endpoint's state and
 * timers (tui_set_state / tui_set_timers) and the time (tui_set_now). It never reads a
 * clock, runs no TCB and makes no decision: the caller steps, the view shows.
 *
 * HOW A PROGRAM USES IT (no callbacks, no blocking unless asked)
 *
 *   char why[256];
 *   if (tui_usable(why, sizeof why) < 0) -> print why, exit 2 (before any slow work)
 *   struct tui *t = tui_open(&opts, &e);
 *   loop:
 *       tui_add_rec(t, &rec, &e);            each record, in order (copied)
 *       tui_set_state(t, EXPLAIN_CLIENT, true, TCB_ESTABLISHED);
 *       tui_set_timers(t, EXPLAIN_SERVER, timers, n);  tui_set_now(t, now_us);
 *       an event loop: poll(tui_fd(t), POLLIN) among its other fds, then tui_poll(t, &cmd)
 *       (never blocks); or simply tui_wait(t, timeout_ms, &cmd).
 *       act on cmd.kind (NEXT, DROP, EDIT, LINE, CONTINUE, QUIT, SIGNAL)
 *   tui_close(t);                           restores the terminal
 *
 * ONE RECORD PER SEGMENT, ONE CONNECTION. Each SEGMENT record is one arrow. A process
 * that runs both ends sees every segment twice (sent by one TCB, received by the other):
 * give the view one record for it, the sender's or the receiver's, with both ep[] filled
 * when both states are known. All records carry the same conn number (the first one's;
 * records of another connection are ignored). Timer names: tcb_timer_name() (tcb.h).
 *
 * Scrolling (arrows, PgUp/PgDn, Home/End), '?' (the keys explained, in the explanation
 * area until the next key), resizing (SIGWINCH / KEY_RESIZE) and typing
 * into the edit prompt happen inside tui_poll: they never reach the caller. The screen
 * is redrawn by tui_poll / tui_wait (when a key or a setter changed something) and by
 * tui_redraw, never by a setter itself, so a caller may change many things and draw once.
 * After tui_poll returned a command, call it again before polling tui_fd: keys typed
 * together may already sit in the view's buffer.
 *
 * The terminal is restored by tui_close, at exit() if the caller forgets, and after
 * SIGINT / SIGTERM / SIGHUP: with own_signals the view catches them, and the next
 * tui_poll returns TUI_CMD_SIGNAL (cmd.signo) so the caller can close and leave as it
 * would for that signal. Without own_signals the caller keeps its handlers and must call
 * tui_close before it exits.
 *
 * Errors come back in struct err (err.h); nothing here exits or prints to stderr.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "explain.h"
#include "explain_text.h"

/* Step commands the caller offers besides next and quit (bits of tui_opts.keys). Keys of
 * commands not offered are answered in the status line, never passed on. */
enum {
	TUI_KEY_DROP = 1u << 0,		/* d: drop the segment about to be sent */
	TUI_KEY_EDIT = 1u << 1,		/* e: a prompt "edit seq|ack|flags|win|payload V" */
	TUI_KEY_LINE = 1u << 2,		/* ':' a prompt for any step command ("delay 200") */
	TUI_KEY_CONTINUE = 1u << 3,	/* c: stop stepping, run on */
};

struct tui_opts {
	enum explain_lang lang;
	const char *title;	/* first line, e.g. "synlab-explain f.pcap, connection 1" */
	unsigned keys;		/* TUI_KEY_* bits */
	bool own_signals;	/* catch SIGINT/SIGTERM/SIGHUP (see above) */
	bool timers_unknown;	/* no timer can be known (a capture): say so, not "none" */
	const char *not_offered;	/* status message for d/e/:/c when not offered (NULL:
					 * a generic one) */
	/* tui_poll and tui_wait never draw: the caller draws with tui_draw when it can
	 * spend the time (drawing on a slow terminal takes milliseconds, during which a
	 * program running both ends of a connection would let its timers run while a
	 * segment is in flight) */
	bool manual_draw;
};

/* What a key asked for. text holds the prompt's line for EDIT ("seq 5") and LINE. */
enum tui_cmd_kind {
	TUI_CMD_NONE,
	TUI_CMD_NEXT,		/* Enter, space, n, s (send) */
	TUI_CMD_DROP,		/* d */
	TUI_CMD_EDIT,		/* e, then a line */
	TUI_CMD_LINE,		/* ':', then a line */
	TUI_CMD_CONTINUE,	/* c */
	TUI_CMD_QUIT,		/* q */
	TUI_CMD_SIGNAL,		/* SIGINT/SIGTERM/SIGHUP arrived (own_signals) */
};

#define TUI_TEXT_MAX 128

struct tui_cmd {
	enum tui_cmd_kind kind;
	int signo;			/* TUI_CMD_SIGNAL */
	char text[TUI_TEXT_MAX];	/* TUI_CMD_EDIT / TUI_CMD_LINE */
};

/* A pending timer: name as the user knows it ("retransmission", "2MSL") and when it
 * fires, in the caller's clock (the same one as tui_set_now). */
struct tui_timer {
	const char *name;	/* copied */
	uint64_t deadline_us;
};
#define TUI_MAX_TIMERS 4

struct tui;

/* Can a full screen be drawn here? 0, or -1 with one line in msg: stdin or stdout is
 * not a terminal, TERM is unset or unknown to terminfo, or it cannot move the cursor
 * ("dumb"). Cheap; call it before reading a large input. */
int tui_usable(char *msg, size_t cap);

/* Takes over the terminal (tui_usable's checks first). NULL with e set. Sets LC_CTYPE
 * from the environment (ncursesw needs it to write UTF-8); without a UTF-8 locale it
 * draws ASCII and refuses lang zh (Chinese cannot be shown). One view at a time. */
struct tui *tui_open(const struct tui_opts *o, struct err *e);

/* Restores the terminal and frees the view; NULL is fine. */
void tui_close(struct tui *t);

/* Appends a record (copied, with up to EXPLAIN_STREAM_HEAD payload bytes) to the ladder
 * and makes it the selected row unless the user scrolled back. Records must come in order
 * (the prose of later segments refers back); all of one connection (the first record's);
 * others are ignored. An IMPAIR record about the last segment marks that arrow. EVENT
 * records of acknowledged / received data are too frequent to draw and are skipped.
 * Returns 0, or -1 with e (out of memory). */
int tui_add_rec(struct tui *t, const struct explain_rec *r, struct err *e);

/* The current state of one endpoint (known = false: shown as "?"). */
void tui_set_state(struct tui *t, enum explain_who side, bool known, enum tcb_state s);
/* Its pending timers (n <= TUI_MAX_TIMERS, 0 = none; more are cut). */
void tui_set_timers(struct tui *t, enum explain_who side, const struct tui_timer *tm, size_t n);
/* How an endpoint is named in its header ("198.18.0.1:40000"; copied). Without it the
 * addresses of the first segment are shown once there is one. */
void tui_set_addr(struct tui *t, enum explain_who side, const char *addr);
/* The caller's current time, for the time left on each timer. */
void tui_set_now(struct tui *t, uint64_t now_us);
/* The segment waiting for the caller's decision: r is the record it will have once it
 * has passed (synlab-duo takes it from live_preview), NULL when no decision waits.
 * label says whose decision it is ("client sends"; copied). The view shows it under the
 * ladder: its one-line summary, its seq / ack relative and raw and its length, and, while
 * the view follows the newest row, its explanation in the explanation area (scrolled
 * back, the selected row's stays). The prose is worded with the rows before it, as the
 * row will be once it comes; nothing of it is kept. */
void tui_set_pending(struct tui *t, const struct explain_rec *r, const char *label);
/* A message in the status line (copied; NULL or "" clears it). */
void tui_set_status(struct tui *t, const char *msg);

/* The descriptor to poll for POLLIN (the terminal's input). */
int tui_fd(const struct tui *t);
/* Handles every key already typed (scrolling, resize, the prompt), redraws, and returns
 * 1 with *c filled when one asked the caller for something, else 0. Never blocks. */
int tui_poll(struct tui *t, struct tui_cmd *c);
/* The same, waiting up to timeout_ms (-1: until a command comes). 0 on timeout. */
int tui_wait(struct tui *t, int timeout_ms, struct tui_cmd *c);
/* Draws the screen now. */
void tui_redraw(struct tui *t);
/* Draws it when something changed since it was last drawn; true when it drew. */
bool tui_draw(struct tui *t);

#endif
