/* impair.c - impairment decisions: which rule fires for a segment, and the verdict. */
#include "impair.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The direction, flags, data, state, conn and port filters (not nth, not the draw). */
static bool rule_matches(const struct impair_rule *r, enum impair_dir dir,
			 const struct seg *s, enum tcb_state st, unsigned conn)
{
	uint16_t remote = dir == IMPAIR_OUT ? s->dport : s->sport;

	if (!(r->dirs & (unsigned)dir))
		return false;
	if (r->fmatch == IMPAIR_FLAGS_EXACT && s->flags != r->flags)
		return false;
	if (r->fmatch == IMPAIR_FLAGS_HAS && (s->flags & r->flags) != r->flags)
		return false;
	if (r->data && s->len == 0)
		return false;
	if (r->states && ((unsigned)st >= TCB_NSTATES || !(r->states & (1u << st))))
		return false;
	if (r->conn && conn != r->conn)
		return false;
	return !r->port || remote == r->port;
}

static bool nth_inside(const struct impair_rule *r, uint64_t match)
{
	return r->nth_lo == 0 || (match >= r->nth_lo && match <= r->nth_hi);
}

/* Consults one rule: counts the match, checks nth, draws. True when it fires. */
static bool slot_fires(struct impair_slot *sl, enum impair_dir dir, const struct seg *s,
		       enum tcb_state st, unsigned conn, struct impair_verdict *v)
{
	const struct impair_rule *r = &sl->rule;

	if (!rule_matches(r, dir, s, st, conn))
		return false;
	sl->matches++;
	if (!nth_inside(r, sl->matches))
		return false;
	if (r->random) {
		v->drew = true;
		v->draw = prng_below(&sl->rng, IMPAIR_PPM);
		v->ppm = r->ppm;
		if (v->draw >= r->ppm)
			return false;
	}
	return true;
}

/* Fills the action's details once slot sl has fired. */
static void verdict_fill(struct impair_slot *sl, unsigned number, uint64_t now,
			 struct impair_verdict *v)
{
	const struct impair_rule *r = &sl->rule;

	sl->fired++;
	v->action = r->action;
	v->rule = number;
	v->rule_text = sl->text;
	v->match = sl->matches;
	if (r->action == IMPAIR_DELAY) {
		if (r->jitter_us)
			v->jitter_us = (int64_t)prng_below(&sl->rng, (uint32_t)(2 * r->jitter_us + 1)) -
				       (int64_t)r->jitter_us;
		v->delay_us = (uint64_t)((int64_t)r->delay_us + v->jitter_us);
		v->until = now + v->delay_us;
	}
	if (r->action == IMPAIR_REORDER)
		v->until = now + (r->has_time ? r->delay_us : IMPAIR_REORDER_HOLD_US);
}

int impair_decide(struct impair *im, enum impair_dir dir, const struct seg *s,
		  enum tcb_state st, unsigned conn, uint64_t now, struct impair_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->action = IMPAIR_DELIVER;
	v->dir = dir;
	v->rule_text = "";
	v->at = now;
	if (!im || !s || (dir != IMPAIR_IN && dir != IMPAIR_OUT))
		return -1;
	for (unsigned i = 0; i < im->nrules; i++) {
		struct impair_verdict try = *v;

		if (slot_fires(&im->slot[i], dir, s, st, conn, &try)) {
			*v = try;
			verdict_fill(&im->slot[i], i + 1, now, v);
			break;
		}
		if (try.drew && v->rule == 0) {	/* keep the last failed draw for the log */
			v->drew = true;
			v->draw = try.draw;
			v->ppm = try.ppm;
		}
	}
	if (v->action == IMPAIR_DELIVER || v->action == IMPAIR_DUP ||
	    v->action == IMPAIR_CORRUPT)
		impair_release(im, dir, now);
	return 0;
}

static void fmt_signed_us(int64_t us, char *buf, size_t cap)
{
	char t[32];

	impair_format_us((uint64_t)(us < 0 ? -us : us), t, sizeof(t));
	snprintf(buf, cap, "%c%s", us < 0 ? '-' : '+', t);
}

int impair_verdict_format(const struct impair_verdict *v, char *buf, size_t cap)
{
	char what[64] = "", draw[96] = "", jit[64] = "", a[40], b[40];

	if (v->action == IMPAIR_DELIVER)
		return snprintf(buf, cap, "delivered (no rule fired)");
	if (v->action == IMPAIR_DELAY) {
		impair_format_us(v->delay_us, a, sizeof(a));
		snprintf(what, sizeof(what), "delayed %s", a);
	}
	if (v->action == IMPAIR_DELAY && v->jitter_us) {
		fmt_signed_us(v->jitter_us, a, sizeof(a));
		snprintf(jit, sizeof(jit), ", jitter %s", a);
	}
	if (v->drew) {
		impair_format_ppm(v->draw, a, sizeof(a));
		impair_format_ppm(v->ppm, b, sizeof(b));
		snprintf(draw, sizeof(draw), ", draw %s < %s", a, b);
	}
	return snprintf(buf, cap, "%s by rule %u '%s' (match #%" PRIu64 "%s%s)",
			v->action == IMPAIR_DROP ? "dropped"
			: v->action == IMPAIR_DUP ? "duplicated"
			: v->action == IMPAIR_REORDER ? "held back to reorder"
			: v->action == IMPAIR_CORRUPT ? "corrupted" : what,
			v->rule, v->rule_text, v->match, draw, jit);
}

int impair_corrupt_bytes(uint8_t *pkt, size_t len)
{
	size_t ihl, total;

	if (!pkt || len < 20 || (pkt[0] >> 4) != 4)
		return -1;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	total = (size_t)pkt[2] << 8 | pkt[3];
	if (ihl < 20 || pkt[9] != 6 || ((pkt[6] & 0x1f) | pkt[7]) != 0)
		return -1;	/* not TCP, or a non-first fragment without the TCP header */
	if (total > len)
		total = len;
	if (ihl + 18 > total)
		return -1;	/* the checksum field (TCP bytes 16-17) is not all there */
	pkt[ihl + 16] ^= 0x55;
	pkt[ihl + 17] ^= 0x55;
	return 0;
}
