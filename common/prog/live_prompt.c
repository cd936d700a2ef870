/* live_prompt.c - non-blocking line reader for the step prompt and --manual: a terminal and a pipe alike. */
#include "live_prompt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void live_prompt_init(struct live_prompt *pr, int fd)
{
	memset(pr, 0, sizeof(*pr));
	pr->fd = fd;
	pr->tty = isatty(fd);
}

/* Called only when poll said the descriptor is readable, so one read() cannot block:
 * a terminal in canonical mode hands over a whole line (the user's erase and kill keys
 * work), a pipe whatever is buffered. */
int live_prompt_read(struct live_prompt *pr, struct err *e)
{
	ssize_t n;

	if (pr->eof)
		return 0;
	if (pr->len == sizeof(pr->in))
		pr->len = 0;	/* a line longer than the buffer: forget it */
	n = read(pr->fd, pr->in + pr->len, sizeof(pr->in) - pr->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0)
		return err_set(e, "reading commands from stdin: %s", strerror(errno));
	if (n == 0)
		pr->eof = true;
	pr->len += (size_t)n;
	return 0;
}

bool live_prompt_line(struct live_prompt *pr, char *buf, size_t cap)
{
	char *nl = memchr(pr->in, '\n', pr->len);
	size_t n = nl ? (size_t)(nl - pr->in) : pr->len;

	if (!nl && !(pr->eof && pr->len))
		return false;
	snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), pr->in);
	if (n > 0 && buf[strlen(buf) - 1] == '\r')
		buf[strlen(buf) - 1] = '\0';
	n += nl != NULL;
	memmove(pr->in, pr->in + n, pr->len - n);
	pr->len -= n;
	return true;
}
