/* tui_model.h - what the full-screen view shows, without a terminal: rows, states, keys, and the screen laid out as text lines. */
#ifndef SYNLAB_TUI_MODEL_H
#define SYNLAB_TUI_MODEL_H

/*
 * The view is split so that everything but the terminal is plain data and testable:
 *   tui_model.c  the rows (an explain_ladder plus each row's prose), both endpoints'
 *                states and timers, selection and scrolling;
 *   tui_keys.c   a key -> scrolling, the prompt, or a command for the caller;
 *   tui_lay.c    the screen of a given size as lines of UTF-8 text with one attribute
 *                each (tui_term.c only copies them to ncurses);
 *   tui_ladder.c the ladder rows within it;
 *   tui_wrap.c   display-width helpers (fit, wrap, ASCII folding).
 * Nothing here includes curses or reads a clock.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explain_present.h"
#include "tui.h"

#define TUI_CELL_MAX 40		/* bytes of a state label beside a lifeline */
#define TUI_HEAD_MAX 512	/* bytes of a row's one-line summary */

/* What the model keeps per row beside the explain_ladder's own copy of the record. */
struct tui_row_x {
	char *prose;				/* explain_row_prose, in order; malloc'd */
	char head[TUI_HEAD_MAX];		/* the -q line of a segment; "" otherwise */
	char cell[2][TUI_CELL_MAX];		/* state shown beside each lifeline, "" none */
};

struct tui_side {
	bool known;
	enum tcb_state st;
	size_t ntm;
	char tm_name[TUI_MAX_TIMERS][32];
	uint64_t tm_deadline[TUI_MAX_TIMERS];
};

struct tui_model {
	enum explain_lang lang;
	unsigned keys;
	bool timers_unknown;
	bool utf8;			/* the terminal shows UTF-8; else ASCII is drawn */
	char title[160];
	char not_offered[160];

	struct explain_ladder *lad;	/* the records, one connection */
	struct tui_row_x *x;		/* parallel to the ladder's rows */
	size_t nx, capx;
	struct explain_prose_ctx pc;
	bool shown_known[2];		/* the state last put beside each lifeline */
	enum tcb_state shown[2];

	size_t sel;			/* selected row (valid when nx > 0) */
	size_t top;			/* first row in the ladder area */
	bool follow;			/* the selection follows the newest row */
	size_t page;			/* ladder rows on screen at the last layout */
	size_t etop;			/* first explanation line shown ('[' / ']') */
	size_t etop_sel;		/* the row etop belongs to (another row: from 0) */
	bool ecut;			/* the explanation did not fit at the last layout */

	struct tui_side side[2];
	char addr[2][64];		/* tui_set_addr ("[IPv6]:port" fits); "" = from the first segment */
	uint64_t now_us;
	char status[160];

	/* the decision waiting (tui_set_pending): pend false when none */
	bool pend;
	char pend_label[64];
	char pend_head[TUI_HEAD_MAX];		/* its -q line */
	char pend_nums[160];			/* seq / ack relative and raw, len */
	char *pend_prose;			/* malloc'd; NULL without one */
	bool help;			/* '?': the keys explained instead of the prose */

	int prompt;			/* 0, or TUI_CMD_EDIT / TUI_CMD_LINE being typed */
	char ptext[TUI_TEXT_MAX];
	size_t plen;
};

/* ---- tui_model.c ---- */
int tui_model_init(struct tui_model *m, const struct tui_opts *o, bool utf8, struct err *e);
void tui_model_free(struct tui_model *m);
int tui_model_add(struct tui_model *m, const struct explain_rec *r, struct err *e);
size_t tui_model_nrows(const struct tui_model *m);
const struct explain_row *tui_model_row(const struct tui_model *m, size_t i);
const struct tui_row_x *tui_model_x(const struct tui_model *m, size_t i);
void tui_model_set_state(struct tui_model *m, enum explain_who side, bool known,
			 enum tcb_state s);
void tui_model_set_timers(struct tui_model *m, enum explain_who side,
			  const struct tui_timer *tm, size_t n);
void tui_model_set_status(struct tui_model *m, const char *msg);
/* The decision waiting (r NULL: none); -1 with e when out of memory. */
int tui_model_set_pending(struct tui_model *m, const struct explain_rec *r, const char *label,
			  struct err *e);
/* What the explanation area shows: the help, the pending segment's explanation (while
 * following the newest row), or the selected row's; head first (may be ""). */
void tui_model_expl(const struct tui_model *m, const char **head, const char **prose);
/* The help text for the keys offered (tui_words.c words joined), in buf. */
void tui_model_help(const struct tui_model *m, char *buf, size_t cap);
/* Moves the selection by delta rows (clamped); reaching the last row follows again. */
void tui_model_select(struct tui_model *m, long delta);
void tui_model_select_end(struct tui_model *m, bool last);

/* ---- tui_keys.c ---- */
enum tui_key {
	TUI_K_NONE = 0,
	/* printable characters are their Unicode code point (< 0x110000) */
	TUI_K_ENTER = 0x200000,
	TUI_K_ESC, TUI_K_BACKSPACE,
	TUI_K_UP, TUI_K_DOWN, TUI_K_PGUP, TUI_K_PGDN, TUI_K_HOME, TUI_K_END,
	TUI_K_RESIZE,
};
/* Applies one key. Returns 1 with *c filled when the caller must act, else 0. */
int tui_model_key(struct tui_model *m, int key, struct tui_cmd *c);

/* ---- tui_lay.c ---- */
enum tui_attr {
	TUI_A_NORMAL,
	TUI_A_BAR,		/* title and status: reverse video */
	TUI_A_SEL,		/* the selected row */
	TUI_A_DROP,		/* an arrow that never arrived */
	TUI_A_RTX,		/* a retransmission */
	TUI_A_RST,		/* a reset */
	TUI_A_DIM,		/* separators, notes */
	TUI_A_HEAD,		/* the explained row's one-line summary */
};
#define TUI_LINE_BYTES 2048

struct tui_line {
	char text[TUI_LINE_BYTES];
	enum tui_attr attr;
};

/* The smallest screen the view draws; below it one line asks for more room. */
#define TUI_MIN_COLS 60
#define TUI_MIN_LINES 14

/* Lays out a cols x lines screen into out[0..lines-1] (the caller's array). Updates the
 * model's scrolling (top, page) so that the selection is on screen. */
void tui_lay_screen(struct tui_model *m, int cols, int lines, struct tui_line *out);

/* ---- tui_ladder.c ---- */
/* The ladder area: lh rows of arrows / notes between the lifelines, scrolled so that
 * the selection shows (updates top and page). */
void tui_lay_ladder(struct tui_model *m, size_t cols, size_t lh, struct tui_line *out);
/* A full-width rule. */
void tui_lay_rule(const struct tui_model *m, size_t cols, struct tui_line *ln);

/* ---- tui_wrap.c ---- */
/* One screen line being built: its bytes and the columns they take. */
struct tui_lb {
	char *buf;
	size_t len, cols, cap;
};
void tui_lb_init(struct tui_lb *b, struct tui_line *ln);
void tui_lb_put(struct tui_lb *b, const char *s);
void tui_lb_rep(struct tui_lb *b, const char *s, size_t n);
/* s in exactly width columns (cut, or padded on the left when right). */
void tui_lb_field(struct tui_lb *b, const char *s, size_t width, bool right);
/* Pads with spaces to column col. */
void tui_lb_to(struct tui_lb *b, size_t col);

/* Copies the longest prefix of s (whole UTF-8 characters) that fits in cols columns, then
 * spaces up to cols when pad. Returns the columns used. */
size_t tui_fit(const char *s, size_t cols, bool pad, char *out, size_t cap);
/* Wraps text to cols columns: breaks at spaces, or before and after any wide (CJK)
 * character; a word longer than a line is cut. Calls line(ctx, start, nbytes) per line;
 * stops early when it returns false. Returns the number of lines. */
size_t tui_wrap(const char *text, size_t cols, bool (*line)(void *ctx, const char *s, size_t n),
		void *ctx);
/* The text with every non-ASCII character replaced by an ASCII stand-in (→ "->", § "S",
 * anything else "?"), for a terminal without UTF-8. */
void tui_ascii_fold(const char *s, char *out, size_t cap);

/* ---- the view's own words (tui_words.c) ---- */
enum tui_word {
	TUI_W_STATE, TUI_W_TIMERS, TUI_W_NONE, TUI_W_UNKNOWN_OFFLINE, TUI_W_DUE, TUI_W_ROW,
	TUI_W_EMPTY, TUI_W_K_NEXT, TUI_W_K_DROP, TUI_W_K_EDIT, TUI_W_K_LINE, TUI_W_K_CONT,
	TUI_W_K_SCROLL, TUI_W_K_QUIT, TUI_W_P_EDIT, TUI_W_P_LINE, TUI_W_NOT_OFFERED,
	TUI_W_TOO_SMALL, TUI_W_DROPPED, TUI_W_SUMMARY, TUI_W_SCROLLED, TUI_W_K_MORE,
	TUI_W_K_HELP, TUI_W_RAW, TUI_W_PENDING, TUI_W_H_INTRO, TUI_W_H_NEXT, TUI_W_H_DROP,
	TUI_W_H_EDIT, TUI_W_H_LINE, TUI_W_H_CONT, TUI_W_H_SCROLL, TUI_W_H_QUIT, TUI_W_COUNT
};
const char *tui_word(enum explain_lang lang, enum tui_word w);

#endif
