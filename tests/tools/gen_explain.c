/* gen_explain.c - test generator: writes a synthetic connection as HTML or commented pcapng (integration tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper_explain_out.h"

#define MAXRECS 64

static int find_scenario(const char *name)
{
	for (int i = 0; i < HELPER_NSCENARIOS; i++)
		if (strcmp(name, helper_scenario_name[i]) == 0)
			return i;
	return -1;
}

static int gen_html(int sc, enum explain_lang lang, const char *out, struct err *e)
{
	struct explain_rec r[MAXRECS];
	size_t n = helper_scenario((enum helper_scenario)sc, r, MAXRECS);
	struct explain_ladder *l = explain_ladder_new(0, e);
	int rc;

	if (!l)
		return -1;
	for (size_t i = 0; i < n; i++)
		explain_ladder_add(l, &r[i], e);
	rc = explain_html_save(l, lang, NULL, out, e);
	explain_ladder_free(l);
	return rc;
}

/* usage: gen_explain html|pcapng SCENARIO en|zh OUT [COMMENTS] */
int main(int argc, char **argv)
{
	int lang;
	struct err e = { "" };
	FILE *comments = NULL;
	int sc, rc;

	if (argc < 5 || (sc = find_scenario(argv[2])) < 0 || (lang = explain_lang_parse(argv[3])) < 0) {
		fprintf(stderr, "usage: gen_explain html|pcapng SCENARIO en|zh OUT [COMMENTS]\n");
		return 2;
	}
	if (strcmp(argv[1], "html") == 0) {
		rc = gen_html(sc, (enum explain_lang)lang, argv[4], &e);
	} else {
		if (argc > 5 && !(comments = fopen(argv[5], "w"))) {
			perror(argv[5]);
			return 1;
		}
		rc = helper_write_pcapng((enum helper_scenario)sc, (enum explain_lang)lang, argv[4], comments, &e) < 0 ? -1 : 0;
		if (comments)
			fclose(comments);
	}
	if (rc < 0) {
		fprintf(stderr, "gen_explain: %s\n", e.msg);
		return 1;
	}
	return 0;
}
