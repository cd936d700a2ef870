/* tui_check.c - can a full screen be drawn here: terminals on stdin/stdout, a usable TERM, the locale's character set. */
#include "tui_impl.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>	/* last: it defines macros named like ordinary words */

int tui_usable(char *msg, size_t cap)
{
	const char *term = getenv("TERM");
	int err = 0;
	const char *cup;

	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		snprintf(msg, cap, "the full-screen view needs a terminal, and %s is not one",
			 !isatty(STDOUT_FILENO) ? "stdout" : "stdin");
		return -1;
	}
	if (!term || !*term) {
		snprintf(msg, cap, "the full-screen view needs TERM to name the terminal; it is not set");
		return -1;
	}
	/* setupterm with an error pointer reports instead of printing and exiting. */
	if (setupterm(term, STDOUT_FILENO, &err) != OK) {
		snprintf(msg, cap, err == 0 ? "TERM '%s' is not in the terminfo database"
					    : "no terminfo database found for TERM '%s'", term);
		return -1;
	}
	cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		del_curterm(cur_term);
		snprintf(msg, cap, "TERM '%s' cannot move the cursor: no full-screen view on it", term);
		return -1;
	}
	del_curterm(cur_term);
	return 0;
}

bool tui_locale_utf8(void)
{
	setlocale(LC_CTYPE, "");
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}
