/* live_cmd.c - parsing shared by the step prompt and --manual: flags, sequence values, conn= targets, ';'-separated commands. */
#include "live_cmd.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "impair.h"

int live_cmd_flags(const char *w, uint8_t *flags)
{
	char text[64];
	struct impair_rule r;
	struct err e;
	size_t n;

	if (!strcmp(w, "none")) {
		*flags = 0;
		return 0;
	}
	n = (size_t)snprintf(text, sizeof(text), "drop %s", w);
	if (n >= sizeof(text) || strchr(w, ' ') ||
	    impair_rule_parse(text, 0, n, &r, NULL, &e) < 0 || r.fmatch != IMPAIR_FLAGS_EXACT)
		return -1;
	*flags = r.flags;
	return 0;
}

int live_cmd_seqval(const char *v, uint32_t cur, uint32_t base, uint32_t *out)
{
	uint64_t n;
	struct err e;
	bool raw = !strncmp(v, "raw:", 4);

	if ((*v == '+' || *v == '-') && cli_parse_u64(v + 1, 0, UINT32_MAX, &n, &e) == 0) {
		*out = *v == '+' ? cur + (uint32_t)n : cur - (uint32_t)n;
		return 0;
	}
	if (cli_parse_u64(raw ? v + 4 : v, 0, UINT32_MAX, &n, &e) < 0)
		return -1;
	*out = raw ? (uint32_t)n : base + (uint32_t)n;
	return 0;
}

/* One end "A:P" or "[A6]:P" into the local or remote half of t->a. */
static int target_end(const char *s, bool local, struct live_target *t)
{
	struct cli_ip ip;
	struct err e;

	if (cli_parse_ipport(s, false, &ip, local ? &t->a.lport : &t->a.rport, &e) < 0)
		return -1;
	if (local && ip.v6 != t->a.v6)	/* both ends of one connection: one family */
		return -1;
	cli_ip_to_addr(&ip, local, &t->a);
	return 0;
}

static int target_value(const char *v, struct live_target *t)
{
	char l[64], r[64];
	const char *dash = strchr(v, '-');
	struct err e;
	uint64_t n;

	if (!strchr(v, ':'))
		return cli_parse_u64(v, 1, UINT32_MAX, &n, &e) < 0 ? -1 : (t->id = (unsigned)n, 0);
	if (!dash)
		return target_end(v, false, t);
	snprintf(l, sizeof(l), "%.*s", (int)(dash - v), v);
	snprintf(r, sizeof(r), "%s", dash + 1);
	t->full = true;
	return target_end(r, false, t) < 0 || target_end(l, true, t) < 0 ? -1 : 0;
}

char *live_cmd_target(char *line, struct live_target *t)
{
	char *w = line + strspn(line, " \t"), *end;

	memset(t, 0, sizeof(*t));
	if (strncmp(w, "conn=", 5))
		return line;
	end = w + strcspn(w, " \t;");
	if (*end)
		*end++ = '\0';
	if (target_value(w + 5, t) < 0)
		return NULL;
	t->set = true;
	return end;
}

bool live_cmd_target_match(const struct live_target *t, unsigned id, const struct tcb_addr *a)
{
	if (t->id)
		return t->id == id;
	if (a->v6 != t->a.v6 || a->rport != t->a.rport)
		return false;
	if (a->v6 ? memcmp(a->raddr6, t->a.raddr6, 16) != 0 : a->raddr != t->a.raddr)
		return false;
	if (!t->full || a->lport != t->a.lport)
		return !t->full;
	return a->v6 ? memcmp(a->laddr6, t->a.laddr6, 16) == 0 : a->laddr == t->a.laddr;
}

void live_cmd_target_text(const struct live_target *t, char *buf, size_t cap)
{
	const struct tcb_addr *a = &t->a;

	if (t->id)
		snprintf(buf, cap, "conn=%u", t->id);
	else {
		char s[64];

		snprintf(buf, cap, "conn=%s", cli_end_str(a, false, s, sizeof(s)));
	}
}

char *live_cmd_next(char **line)
{
	char *s = *line, *semi, *end;

	if (!s)
		return NULL;
	semi = strchr(s, ';');
	if (semi) {
		*semi = '\0';
		*line = semi + 1;
	} else {
		*line = NULL;
	}
	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}
