/* tui_term.c - the full-screen view's terminal (ncursesw): takes it over, draws the laid-out lines, reads keys, gives it back on close, exit and signals. */
#include "tui_impl.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

struct tui_term {
	SCREEN *scr;
	struct tui_line *lines;		/* the last layout, one per screen line */
	int nlines;
	bool colour;
	struct sigaction old[3];
	bool own_signals;
};

static const int caught[3] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t pending_signal;
/* The open terminal, for the exit handler (one view at a time). */
static struct tui_term *open_term;

static void on_signal(int sig)
{
	pending_signal = sig;	/* the next tui_poll reports it; poll(2) sees EINTR */
}

/* exit() without tui_close must not leave the terminal in raw mode without echo. */
static void at_exit(void)
{
	if (open_term && !isendwin())
		endwin();
}

static void catch_signals(struct tui_term *tt)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocked poll(2) returns at once */
	for (int i = 0; i < 3; i++)
		sigaction(caught[i], &sa, &tt->old[i]);
}

static void colours(struct tui_term *tt)
{
	const char *nc = getenv("NO_COLOR");

	tt->colour = has_colors() && !(nc && *nc);	/* no-color.org */
	if (!tt->colour)
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_RED, -1);
	init_pair(2, COLOR_YELLOW, -1);
	init_pair(3, COLOR_MAGENTA, -1);
}

struct tui_term *tui_term_open(bool own_signals, struct err *e)
{
	static bool exit_hook;
	struct tui_term *tt;

	if (open_term) {
		err_set(e, "tui: a full-screen view is already open");
		return NULL;
	}
	if (!(tt = calloc(1, sizeof(*tt)))) {
		err_set(e, "tui: out of memory");
		return NULL;
	}
	tt->own_signals = own_signals;
	/* before newterm: ncurses only installs its own handlers where none is set */
	if (own_signals)
		catch_signals(tt);
	if (!(tt->scr = newterm(NULL, stdout, stdin))) {
		tui_term_close(tt);
		err_set(e, "tui: cannot set up the terminal '%s'", getenv("TERM"));
		return NULL;
	}
	set_term(tt->scr);
	cbreak();	/* keys at once; Ctrl-C still raises SIGINT */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);	/* Esc cancels the prompt without a one-second wait */
	curs_set(0);
	colours(tt);
	open_term = tt;
	if (!exit_hook)
		exit_hook = atexit(at_exit) == 0;
	return tt;
}

void tui_term_close(struct tui_term *tt)
{
	if (!tt)
		return;
	if (tt->scr) {
		endwin();
		delscreen(tt->scr);
	}
	if (tt->own_signals)
		for (int i = 0; i < 3; i++)
			sigaction(caught[i], &tt->old[i], NULL);
	if (open_term == tt)
		open_term = NULL;
	free(tt->lines);
	free(tt);
}

static attr_t attr_of(const struct tui_term *tt, enum tui_attr a)
{
	switch (a) {
	case TUI_A_BAR: return A_REVERSE;
	case TUI_A_SEL: return A_REVERSE | A_BOLD;
	case TUI_A_DROP: return tt->colour ? COLOR_PAIR(1) | A_BOLD : A_BOLD;
	case TUI_A_RST: return tt->colour ? COLOR_PAIR(3) | A_BOLD : A_BOLD;
	case TUI_A_RTX: return tt->colour ? COLOR_PAIR(2) : A_NORMAL;
	case TUI_A_DIM: return A_DIM;
	case TUI_A_HEAD: return A_BOLD;
	case TUI_A_NORMAL: break;
	}
	return A_NORMAL;
}

void tui_term_draw(struct tui_term *tt, struct tui_model *m)
{
	int h, w;

	getmaxyx(stdscr, h, w);
	if (h <= 0 || w <= 0)
		return;
	if (h != tt->nlines) {
		struct tui_line *nl = realloc(tt->lines, (size_t)h * sizeof(*nl));

		if (!nl)
			return;	/* keep the old screen rather than draw half of one */
		tt->lines = nl;
		tt->nlines = h;
	}
	tui_lay_screen(m, w, h, tt->lines);
	for (int i = 0; i < h; i++) {
		move(i, 0);
		attrset(attr_of(tt, tt->lines[i].attr));
		addstr(tt->lines[i].text);	/* ERR at the bottom-right corner is harmless */
		attrset(A_NORMAL);
		clrtoeol();
	}
	refresh();
}

static int map_code(int k)
{
	switch (k) {
	case KEY_ENTER: return TUI_K_ENTER;
	case KEY_BACKSPACE: return TUI_K_BACKSPACE;
	case KEY_UP: return TUI_K_UP;
	case KEY_DOWN: return TUI_K_DOWN;
	case KEY_PPAGE: return TUI_K_PGUP;
	case KEY_NPAGE: return TUI_K_PGDN;
	case KEY_HOME: return TUI_K_HOME;
	case KEY_END: return TUI_K_END;
	case KEY_RESIZE: return TUI_K_RESIZE;
	default: return TUI_K_NONE;	/* function keys etc.: ignored */
	}
}

static int map_char(wint_t c)
{
	switch (c) {
	case '\r': case '\n': return TUI_K_ENTER;
	case 27: return TUI_K_ESC;
	case 127: case 8: return TUI_K_BACKSPACE;
	default: return c < 0x20 ? TUI_K_NONE : (int)c;
	}
}

int tui_term_key(struct tui_term *tt)
{
	wint_t c;
	int rc;

	(void)tt;
	/* a key without meaning (TUI_K_NONE) is skipped, so NONE means "nothing typed" */
	while ((rc = get_wch(&c)) != ERR) {
		int k = rc == KEY_CODE_YES ? map_code((int)c) : map_char(c);

		if (k != TUI_K_NONE)
			return k;
	}
	return TUI_K_NONE;
}

int tui_term_signal(void)
{
	int s = pending_signal;

	pending_signal = 0;
	return s;
}

int tui_term_fd(const struct tui_term *tt)
{
	(void)tt;
	return STDIN_FILENO;
}
