/* app.c - the server's applications and the client's HTTP response splitter (see app.h). */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = { "echo", "discard", "http", "mirror" };

int app_parse_kind(const char *name, enum app_kind *k, struct err *e)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (name && !strcmp(name, kind_names[i])) {
			*k = (enum app_kind)i;
			return 0;
		}
	}
	return err_set(e, "unknown application '%s' (echo, discard, http or mirror)", name ? name : "");
}

const char *app_kind_name(enum app_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

void app_init(struct app *a, enum app_kind k)
{
	a->kind = k;
	a->done = false;
	a->req_len = 0;
	a->req = NULL;
}

void app_free(struct app *a)
{
	free(a->req);
	a->req = NULL;
	a->req_len = 0;
}

#define HTML_BODY                                                                      \
	"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>synlab</title></head>\n" \
	"<body><h1>Hello from synlab-server</h1>\n"                                        \
	"<p>This page crossed a TCP connection whose every segment was crafted in user "  \
	"space: SYN, SYN+ACK, ACK, data, FIN.</p></body></html>\n"

static const char http_ok[] =
	"HTTP/1.0 200 OK\r\nServer: synlab\r\nContent-Type: text/html; charset=utf-8\r\n"
	"Content-Length: %zu\r\nConnection: close\r\n\r\n%s";
static const char http_bad[] =
	"HTTP/1.0 400 Bad Request\r\nServer: synlab\r\nContent-Length: 0\r\n"
	"Connection: close\r\n\r\n";

/* HTTP: collect the request head until a blank line, then answer once. */
static size_t http_input(struct app *a, const uint8_t *data, size_t len, uint8_t *out,
			 size_t cap, const uint8_t **reply)
{
	size_t room = APP_HTTP_REQ_MAX - 1 - a->req_len;
	size_t take = len < room ? len : room;
	int n;

	if (a->done)
		return 0;
	if (!a->req && !(a->req = calloc(1, APP_HTTP_REQ_MAX))) {
		a->req_len = APP_HTTP_REQ_MAX - 1;	/* no memory: a 400, not a crash */
		take = 0;
	} else {
		memcpy(a->req + a->req_len, data, take);
	}
	a->req_len += take;
	if (a->req)
		a->req[a->req_len] = '\0';
	if (a->req && (strstr(a->req, "\r\n\r\n") || strstr(a->req, "\n\n")))
		n = snprintf((char *)out, cap, http_ok, strlen(HTML_BODY), HTML_BODY);
	else if (a->req_len == APP_HTTP_REQ_MAX - 1)
		n = snprintf((char *)out, cap, "%s", http_bad);
	else
		return 0;
	a->done = true;
	*reply = out;
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t app_input(struct app *a, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
		 const uint8_t **reply)
{
	static const char prefix[] = "Server: ";
	const size_t plen = sizeof(prefix) - 1;

	*reply = out;
	switch (a->kind) {
	case APP_ECHO:
		if (len + plen > cap)
			len = cap - plen;
		memcpy(out, prefix, plen);
		memcpy(out + plen, data, len);
		return plen + len;
	case APP_HTTP:
		return http_input(a, data, len, out, cap, reply);
	case APP_MIRROR:	/* byte-exact: a 64 KiB upload comes back as the same 64 KiB */
		*reply = data;
		return len < cap ? len : cap;
	default:
		return 0;
	}
}

/* Keeps head bytes, NUL-terminated, truncating what does not fit. */
static void head_keep(struct app_http_resp *r, uint8_t c)
{
	if (r->head_len < sizeof(r->head) - 1)
		r->head[r->head_len++] = (char)c;
	r->head[r->head_len] = '\0';
}

void app_http_resp_feed(struct app_http_resp *r, const uint8_t *data, size_t len,
			const uint8_t **body, size_t *body_len)
{
	static const char end[] = "\r\n\r\n";
	size_t i = 0;

	while (!r->in_body && i < len) {
		uint8_t c = data[i++];

		head_keep(r, c);
		r->match = (c == (uint8_t)end[r->match]) ? r->match + 1 : (c == '\r');
		if (r->match == 4) {
			r->in_body = true;
			if (sscanf(r->head, "HTTP/%*d.%*d %d", &r->status) != 1)
				r->status = -1;
		}
	}
	*body = data + i;
	*body_len = len - i;
}

/* RFC 864 character generator: line k is 72 printable characters (ASCII 33..126,
 * rotating by one per line) and CRLF. Written here because it is four lines. */
void app_chargen(uint8_t *out, size_t n, size_t offset)
{
	for (size_t i = 0; i < n; i++) {
		size_t pos = offset + i, line = pos / 74, col = pos % 74;

		out[i] = col == 72 ? '\r' : col == 73 ? '\n' : (uint8_t)(33 + (line + col) % 94);
	}
}
