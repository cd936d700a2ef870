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
	v->resolve = NULL;
	v->rctx = NULL;
	memset(v->idx, 0, sizeof(v->idx));
}

void explain_vars_resolver(struct explain_vars *v, explain_var_resolver fn, const void *ctx)
{
	v->resolve = fn;
	v->rctx = ctx;
}

/* FNV-1a of the first n bytes of name (stopping at a NUL). */
static unsigned name_hash(const char *name, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n && name[i]; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h & (EXPLAIN_VARS_HASH - 1);
}

/* The idx position holding name (n bytes), or the empty position where it would go. */
static unsigned var_pos(const struct explain_vars *v, const char *name, size_t n)
{
	unsigned h = name_hash(name, n);

	for (;;) {
		unsigned s = v->idx[h];
		if (s == 0)
			return h;
		const char *k = v->name[s - 1];
		if (strncmp(k, name, n) == 0 && k[n] == '\0')
			return h;
		h = (h + 1) & (EXPLAIN_VARS_HASH - 1);
	}
}

/* The slot of name (set, or a new one); -1 when the table is full. */
static int var_slot(struct explain_vars *v, const char *name)
{
	unsigned h = var_pos(v, name, strlen(name));

	if (v->idx[h])
		return v->idx[h] - 1;
	if (v->n == EXPLAIN_VARS_MAX)
		return -1;
	v->name[v->n] = name;
	v->idx[h] = (uint8_t)(v->n + 1);
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
	unsigned s = v->idx[var_pos(v, name, strlen(name))];

	return s ? v->val[s - 1] : "";
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

void explain_sb_u(struct explain_sb *sb, unsigned long long u, int width, char pad)
{
	char tmp[48], *end = tmp + sizeof(tmp), *p = end;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	while (end - p < width && p > tmp)
		*--p = pad;
	sb_putn(sb, p, (size_t)(end - p));
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

static const char *var_get(const struct explain_vars *v, const char *name, size_t n,
			   char *tmp, size_t cap)
{
	if (!v)
		return NULL;
	unsigned s = v->idx[var_pos(v, name, n)];
	if (s)
		return v->val[s - 1];
	return v->resolve ? v->resolve(v->rctx, name, n, tmp, cap) : NULL;
}

void explain_sb_tmpl(struct explain_sb *sb, const char *tmpl, const struct explain_vars *v)
{
	const char *p = tmpl;

	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		const char *val;
		char tmp[EXPLAIN_VAR_LEN];

		if (!open || !close) {
			explain_sb_puts(sb, p);
			return;
		}
		sb_putn(sb, p, (size_t)(open - p));
		val = var_get(v, open + 1, (size_t)(close - open - 1), tmp, sizeof(tmp));
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
