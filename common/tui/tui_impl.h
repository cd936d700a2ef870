/* tui_impl.h - the full-screen view's handle, shared by its API (tui.c), terminal (tui_term.c) and checks (tui_check.c). */
#ifndef SYNLAB_TUI_IMPL_H
#define SYNLAB_TUI_IMPL_H

#include "tui_model.h"

struct tui_term;	/* ncurses state, tui_term.c */

struct tui {
	struct tui_model m;
	struct tui_term *term;
	bool own_signals;
	bool manual_draw;	/* tui_opts.manual_draw */
	bool dirty;		/* something changed since the screen was last drawn */
};

/* tui_check.c: the terminal checks of tui_usable, and whether the locale is UTF-8
 * (after setting LC_CTYPE from the environment). */
bool tui_locale_utf8(void);

/* tui_term.c */
struct tui_term *tui_term_open(bool own_signals, struct err *e);
void tui_term_close(struct tui_term *tt);
/* Draws m on the terminal. */
void tui_term_draw(struct tui_term *tt, struct tui_model *m);
/* The next key typed (enum tui_key or a code point), TUI_K_NONE when none is waiting. */
int tui_term_key(struct tui_term *tt);
/* The signal caught since the last call (own_signals), 0 none. */
int tui_term_signal(void);
int tui_term_fd(const struct tui_term *tt);

#endif
