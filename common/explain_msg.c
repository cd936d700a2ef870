/* explain_msg.c - message lookup, language names and "{name}" template expansion. */
#include "explain_msg.h"

#include <stdio.h>
#include <string.h>

const char *explain_msg(enum explain_lang lang, enum explain_msg_id id)
{
	const char *s = NULL;

	if ((unsigned)id >= EXPLAIN_M_COUNT)
		return "";
	if (lang == EXPLAIN_LANG_ZH)
		s = explain_msg_zh[id];
	else if (lang == EXPLAIN_LANG_EN)
		s = explain_msg_en[id];
	return s ? s : "";
}

void explain_vars_init(struct explain_vars *v)
{
	v->n = 0;	/* the values are written before they are read: no 24 KB memset */
}

/* The slot of name (set, or a new one); -1 when the table is full. Names are string
 * literals, so the pointer usually matches; the first byte rules most others out
 * before strcmp (this runs ~40 times per explained record). */
static int var_slot(struct explain_vars *v, const char *name)
{
	unsigned i;

	for (i = 0; i < v->n; i++)
		if (v->name[i] == name || (v->name[i][0] == name[0] && strcmp(v->name[i], name) == 0))
			return (int)i;
	if (v->n == EXPLAIN_VARS_MAX)
		return -1;
	v->name[v->n] = name;
	return (int)v->n++;
}

void explain_var(struct explain_vars *v, const char *name, const char *fmt, ...)
{
	va_list ap;
	int i = var_slot(v, name);

	if (i < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(v->val[i], sizeof(v->val[i]), fmt, ap);
	va_end(ap);
}

void explain_var_s(struct explain_vars *v, const char *name, const char *s)
{
	int i = var_slot(v, name);
	size_t n;

	if (i < 0)
		return;
	n = strnlen(s, EXPLAIN_VAR_LEN - 1);	/* the cut vsnprintf("%s") makes */
	memcpy(v->val[i], s, n);
	v->val[i][n] = '\0';
}

void explain_var_u(struct explain_vars *v, const char *name, unsigned long long u)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	int i = var_slot(v, name);

	if (i < 0)
		return;
	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	memcpy(v->val[i], p, (size_t)(tmp + sizeof(tmp) - p));
}

const char *explain_var_get(const struct explain_vars *v, const char *name)
{
	for (unsigned i = 0; i < v->n; i++)
		if (strcmp(v->name[i], name) == 0)
			return v->val[i];
	return "";
}

void explain_sb_init(struct explain_sb *sb, char *buf, size_t cap)
{
	sb->buf = buf;
	sb->cap = cap;
	sb->len = 0;
	sb->trunc = false;
	if (cap)
		buf[0] = '\0';
}

/* Appends n bytes, cutting at the capacity without splitting a UTF-8 sequence. */
static void sb_putn(struct explain_sb *sb, const char *s, size_t n)
{
	size_t room;

	if (sb->cap == 0) {
		sb->trunc = sb->trunc || n > 0;
		return;
	}
	room = sb->cap - 1 - sb->len;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		sb->trunc = true;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void explain_sb_puts(struct explain_sb *sb, const char *s)
{
	sb_putn(sb, s, strlen(s));
}

void explain_sb_printf(struct explain_sb *sb, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		sb->trunc = true;
	explain_sb_puts(sb, tmp);
}

static const char *var_get(const struct explain_vars *v, const char *name, size_t n)
{
	if (!v)
		return NULL;
	for (unsigned i = 0; i < v->n; i++)
		if (v->name[i][0] == name[0] && strncmp(v->name[i], name, n) == 0 &&
		    v->name[i][n] == '\0')
			return v->val[i];
	return NULL;
}

void explain_sb_tmpl(struct explain_sb *sb, const char *tmpl, const struct explain_vars *v)
{
	const char *p = tmpl;

	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		const char *val;

		if (!open || !close) {
			explain_sb_puts(sb, p);
			return;
		}
		sb_putn(sb, p, (size_t)(open - p));
		val = var_get(v, open + 1, (size_t)(close - open - 1));
		if (val)
			explain_sb_puts(sb, val);
		else
			sb_putn(sb, open, (size_t)(close - open + 1));
		p = close + 1;
	}
}

void explain_sb_msg(struct explain_sb *sb, enum explain_lang lang, enum explain_msg_id id,
		    const struct explain_vars *v)
{
	explain_sb_tmpl(sb, explain_msg(lang, id), v);
}
