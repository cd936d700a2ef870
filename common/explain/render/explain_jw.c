/* explain_jw.c - a direct JSON Lines writer (see explain_jw.h for why it is by hand). */
#include "explain_jw.h"

#include <string.h>

#define ONES 0x0101010101010101ull	/* a byte value times ONES: in all 8 bytes */
#define HIGH 0x8080808080808080ull	/* the top bit of each byte */

void explain_jw_init(struct explain_jw *w, FILE *out)
{
	w->out = out;
	w->n = 0;
	w->comma = false;
	w->err = false;
}

static void flush(struct explain_jw *w)
{
	if (w->n && fwrite(w->buf, 1, w->n, w->out) != w->n)
		w->err = true;
	w->n = 0;
}

static void put(struct explain_jw *w, const char *p, size_t n)
{
	if (n < sizeof(w->buf) - w->n) {	/* the usual case: it fits */
		memcpy(w->buf + w->n, p, n);
		w->n += n;
		return;
	}
	while (n) {
		size_t room = sizeof(w->buf) - w->n, k = n < room ? n : room;

		memcpy(w->buf + w->n, p, k);
		w->n += k;
		p += k;
		n -= k;
		if (w->n == sizeof(w->buf))
			flush(w);
	}
}

static void putc1(struct explain_jw *w, char c)
{
	if (w->n == sizeof(w->buf))
		flush(w);
	w->buf[w->n++] = c;
}

/* The ',' between two members or elements. */
static void sep(struct explain_jw *w)
{
	if (w->comma)
		putc1(w, ',');
}

void explain_jw_open(struct explain_jw *w, char c)
{
	sep(w);
	putc1(w, c);
	w->comma = false;
}

void explain_jw_close(struct explain_jw *w, char c)
{
	putc1(w, c);
	w->comma = true;
}

void explain_jw_keyn(struct explain_jw *w, const char *k, size_t n)
{
	sep(w);
	putc1(w, '"');
	put(w, k, n);
	put(w, "\":", 2);
	w->comma = false;
}

/* Length of the well-formed UTF-8 sequence at s (lead byte c), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
		   : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	uint32_t cp;

	if (len <= 1 || len > left)
		return len > left ? 0 : len;
	cp = c & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* overlong 3- and 4-byte forms, UTF-16 surrogates, beyond Unicode */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

bool explain_jw_utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		uint64_t v;
		size_t k;

		if (i + 8 <= n && (memcpy(&v, p + i, 8), !(v & HIGH))) {
			i += 8;	/* eight ASCII bytes */
			continue;
		}
		k = utf8_seq(p + i, n - i);

		if (!k)
			return false;
		i += k;
	}
	return true;
}

/* One character that JSON (and jansson) escapes. */
static void put_escape(struct explain_jw *w, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '"': put(w, "\\\"", 2); return;
	case '\\': put(w, "\\\\", 2); return;
	case '\b': put(w, "\\b", 2); return;
	case '\f': put(w, "\\f", 2); return;
	case '\n': put(w, "\\n", 2); return;
	case '\r': put(w, "\\r", 2); return;
	case '\t': put(w, "\\t", 2); return;
	}
	put(w, u, sizeof(u));
}

/* Whether one of the 8 bytes in v is one JSON escapes: below 0x20, '"' or '\\'. The
 * usual "has a zero byte" test (x - 0x01.. & ~x & 0x80..) on v, v ^ '"'.., v ^ '\\'..;
 * and x - 0x20.. & ~x & 0x80.. for the controls (a byte >= 0x80 never counts). */
static bool word_needs_escape(uint64_t v)
{
	uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');

	return (((v - ONES * 0x20) & ~v) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGH;
}

/* The escaping loop for text already known to be well-formed UTF-8; put() may flush. */
static void put_escaped(struct explain_jw *w, const char *s, size_t n)
{
	size_t run = 0, i = 0;

	while (i < n) {
		uint64_t v;
		unsigned char c;

		if (i + 8 <= n) {
			memcpy(&v, s + i, 8);
			if (!word_needs_escape(v)) {
				i += 8;
				continue;
			}
		}
		c = (unsigned char)s[i++];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, s + run, i - 1 - run);
		put_escape(w, c);
		run = i;
	}
	put(w, s + run, n - run);
}

/* One pass that checks and escapes into buf, which has room for the worst case (every
 * byte a \u00XX); false (nothing kept) at the first byte that is no character. */
static bool escape_checked(struct explain_jw *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char *o = w->buf + w->n;
	size_t i = 0;

	while (i < n) {
		uint64_t v;

		if (i + 8 <= n && (memcpy(&v, p + i, 8), !(v & HIGH) && !word_needs_escape(v))) {
			memcpy(o, p + i, 8);	/* eight plain ASCII bytes */
			o += 8;
			i += 8;
		} else if (p[i] >= 0x80) {
			size_t k = utf8_seq(p + i, n - i);

			if (!k)
				return false;
			memcpy(o, p + i, k);
			o += k;
			i += k;
		} else if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\') {
			*o++ = (char)p[i++];
		} else {
			size_t at = w->n;

			w->n = (size_t)(o - w->buf);
			put_escape(w, p[i++]);	/* fits: room was made for the worst case */
			o = w->buf + w->n;
			w->n = at;
		}
	}
	w->n = (size_t)(o - w->buf);
	return true;
}

bool explain_jw_strn(struct explain_jw *w, const char *s, size_t n)
{
	bool fits = n <= (sizeof(w->buf) - 8) / 6;

	if (fits && w->n + 6 * n + 8 > sizeof(w->buf))
		flush(w);
	if (!fits && !explain_jw_utf8_ok(s, n))
		return false;
	sep(w);
	putc1(w, '"');
	if (fits) {
		size_t at = w->n;

		if (!escape_checked(w, s, n)) {
			w->n = at - 1 - (w->comma ? 1 : 0);	/* take the quote and comma back */
			return false;
		}
	} else {
		put_escaped(w, s, n);
	}
	putc1(w, '"');
	w->comma = true;
	return true;
}

bool explain_jw_str(struct explain_jw *w, const char *s)
{
	return explain_jw_strn(w, s, strlen(s));
}

void explain_jw_int(struct explain_jw *w, int64_t v)
{
	char d[24], *p = d + sizeof(d);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	sep(w);
	put(w, p, (size_t)(d + sizeof(d) - p));
	w->comma = true;
}

void explain_jw_rawn(struct explain_jw *w, const char *s, size_t n)
{
	sep(w);
	put(w, s, n);
	w->comma = true;
}

void explain_jw_raw(struct explain_jw *w, const char *s)
{
	explain_jw_rawn(w, s, strlen(s));
}

void explain_jw_null(struct explain_jw *w)
{
	explain_jw_raw(w, "null");
}

void explain_jw_bool(struct explain_jw *w, bool v)
{
	explain_jw_raw(w, v ? "true" : "false");
}

int explain_jw_end(struct explain_jw *w)
{
	putc1(w, '\n');
	flush(w);
	w->comma = false;
	return w->err ? -1 : 0;
}
