/* app.h - the server's applications (echo, discard, http): bytes in, reply bytes out; no I/O. */
#ifndef SYNLAB_APP_H
#define SYNLAB_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum app_kind {
	APP_ECHO,	/* answers each chunk with "Server: " + chunk (seed 003's swoole server) */
	APP_DISCARD,	/* reads and answers nothing */
	APP_HTTP,	/* answers any HTTP request with a small fixed HTML page, then closes */
	APP_MIRROR,	/* answers each chunk with the same bytes, nothing added (RFC 862) */
};

#define APP_HTTP_REQ_MAX 8192	/* bytes of request head kept before answering 400 */

/* Per-connection application state. */
struct app {
	enum app_kind kind;
	bool done;			/* the app has said all it will: the server may close */
	size_t req_len;			/* http: bytes of request head seen */
	char *req;			/* http: the request head so far (APP_HTTP_REQ_MAX
					 * bytes, allocated at the first byte: echo and
					 * discard connections never hold one) */
};

int app_parse_kind(const char *name, enum app_kind *k, struct err *e);
const char *app_kind_name(enum app_kind k);
void app_init(struct app *a, enum app_kind k);
/* Frees what the app allocated (the http request head); a stays usable as new. */
void app_free(struct app *a);

/* Feeds a chunk received from the peer. The reply (possibly empty) is stored at *reply
 * (static text, out, or for mirror data itself), its length returned. `out` must hold at least
 * len + 16 bytes for echo; a reply that does not fit in cap is cut to cap. */
size_t app_input(struct app *a, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
		 const uint8_t **reply);

/* n bytes of the RFC 864 chargen stream starting at byte offset (74-byte lines:
 * 72 characters and CRLF). The server's --send-after-fin data. */
void app_chargen(uint8_t *out, size_t n, size_t offset);

/* Streaming split of an HTTP response into head (logged) and body (to stdout). */
struct app_http_resp {
	bool in_body;		/* head complete: every further byte is body */
	size_t head_len;	/* bytes of head kept (truncated at sizeof(head) - 1) */
	char head[4096];	/* the status line and headers, NUL-terminated */
	int status;		/* status code, 0 until the head is complete */
	unsigned match;		/* bytes of "\r\n\r\n" matched so far */
};

/* Consumes data; sets *body and *body_len to the body bytes inside data (possibly none). */
void app_http_resp_feed(struct app_http_resp *r, const uint8_t *data, size_t len,
			const uint8_t **body, size_t *body_len);

#endif
