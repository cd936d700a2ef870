/* helper_explain_out.h - writes a scenario's segments as a commented pcapng, for unit and integration tests. */
#ifndef SYNLAB_HELPER_EXPLAIN_OUT_H
#define SYNLAB_HELPER_EXPLAIN_OUT_H

#include <stdio.h>

#include "explain_present.h"
#include "helper_explain_recs.h"

#define HELPER_EPOCH_NS 1700000000000000000ull	/* capture start, ns since the epoch */

/* One EPB per SEGMENT record of the scenario, commented with its prose (the ladder's
 * row prose: context-aware, impairment appended). When comments is not NULL each
 * comment is also written there, one per line. Returns packets written, or -1. */
int helper_write_pcapng(enum helper_scenario sc, enum explain_lang lang, const char *path,
			FILE *comments, struct err *e);

#endif
