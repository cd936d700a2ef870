/* tui_keys.c - what each key does in the full-screen view: scroll, type into the prompt, or hand a step command to the caller. */
#include "tui_model.h"

#include <string.h>

static int cmd(struct tui_cmd *c, enum tui_cmd_kind k)
{
	memset(c, 0, sizeof(*c));
	c->kind = k;
	return 1;
}

/* A step makes a new row the one to read: the view follows the newest row again. */
static void follow(struct tui_model *m)
{
	m->follow = true;
	if (m->nx)
		m->sel = m->nx - 1;
}

/* Appends code point cp to the prompt as UTF-8 (silently full at TUI_TEXT_MAX - 1). */
static void prompt_put(struct tui_model *m, uint32_t cp)
{
	char u[4];
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

	if (cp < 0x20 || cp == 0x7f || m->plen + n >= sizeof(m->ptext))
		return;
	if (n == 1) {
		u[0] = (char)cp;
	} else {
		for (size_t i = n - 1; i > 0; i--, cp >>= 6)
			u[i] = (char)(0x80 | (cp & 0x3f));
		u[0] = (char)((n == 2 ? 0xc0 : n == 3 ? 0xe0 : 0xf0) | cp);
	}
	memcpy(m->ptext + m->plen, u, n);
	m->plen += n;
	m->ptext[m->plen] = '\0';
}

/* Removes the last UTF-8 character of the prompt. */
static void prompt_back(struct tui_model *m)
{
	while (m->plen > 0 && ((unsigned char)m->ptext[--m->plen] & 0xc0) == 0x80)
		;
	m->ptext[m->plen] = '\0';
}

/* A key while the prompt is open: Enter hands the line over, Esc cancels. */
static int prompt_key(struct tui_model *m, int key, struct tui_cmd *c)
{
	if (key == TUI_K_ENTER) {
		int kind = m->prompt;

		m->prompt = 0;
		if (m->plen == 0)
			return 0;	/* an empty line changes nothing */
		follow(m);
		cmd(c, (enum tui_cmd_kind)kind);
		memcpy(c->text, m->ptext, m->plen + 1);
		return 1;
	}
	if (key == TUI_K_ESC) {
		m->prompt = 0;
	} else if (key == TUI_K_BACKSPACE) {
		prompt_back(m);
	} else if (key > 0 && key < 0x110000) {
		prompt_put(m, (uint32_t)key);
	}
	return 0;
}

static void open_prompt(struct tui_model *m, int kind)
{
	m->prompt = kind;
	m->plen = 0;
	m->ptext[0] = '\0';
}

/* Scrolling keys; true when key was one. A page is the ladder area of the last layout. */
static bool scroll_key(struct tui_model *m, int key)
{
	long page = m->page > 1 ? (long)m->page - 1 : 1;

	switch (key) {
	case TUI_K_UP: case 'k': tui_model_select(m, -1); return true;
	case TUI_K_DOWN: case 'j': tui_model_select(m, 1); return true;
	case TUI_K_PGUP: tui_model_select(m, -page); return true;
	case TUI_K_PGDN: tui_model_select(m, page); return true;
	case TUI_K_HOME: tui_model_select_end(m, false); return true;
	case TUI_K_END: tui_model_select_end(m, true); return true;
	case '[': if (m->etop) m->etop--; return true;
	case ']': m->etop++; return true;	/* the layout keeps it within the text */
	case TUI_K_RESIZE: return true;	/* the next layout uses the new size */
	default: return false;
	}
}

/* A step key: the caller's command when it is offered, else a word in the status line. */
static int step_key(struct tui_model *m, unsigned need, enum tui_cmd_kind k, struct tui_cmd *c)
{
	if (!(m->keys & need)) {
		tui_model_set_status(m, m->not_offered);
		return 0;
	}
	if (k == TUI_CMD_EDIT || k == TUI_CMD_LINE) {
		open_prompt(m, k);
		return 0;
	}
	follow(m);
	return cmd(c, k);
}

int tui_model_key(struct tui_model *m, int key, struct tui_cmd *c)
{
	if (m->prompt)
		return prompt_key(m, key, c);
	if (key == '?' || (m->help && key == TUI_K_ESC)) {
		m->help = key == '?' && !m->help;
		m->etop = 0;
		return 0;
	}
	if (m->help && key != TUI_K_RESIZE) {	/* any other key closes it, and acts */
		m->help = false;
		m->etop = 0;
	}
	if (scroll_key(m, key))
		return 0;
	switch (key) {
	case TUI_K_ENTER: case ' ': case 'n': case 's':
		follow(m);
		return cmd(c, TUI_CMD_NEXT);
	case 'q': case 'Q':
		return cmd(c, TUI_CMD_QUIT);
	case 'd': return step_key(m, TUI_KEY_DROP, TUI_CMD_DROP, c);
	case 'e': return step_key(m, TUI_KEY_EDIT, TUI_CMD_EDIT, c);
	case ':': return step_key(m, TUI_KEY_LINE, TUI_CMD_LINE, c);
	case 'c': return step_key(m, TUI_KEY_CONTINUE, TUI_CMD_CONTINUE, c);
	default: return 0;
	}
}
