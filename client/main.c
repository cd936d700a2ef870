/* main.c - synlab-client's entry point: parse the command line, run, exit. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"

int main(int argc, char **argv)
{
	static struct client_opts o;
	struct err e;
	int r = client_parse(argc, argv, &o, &e);

	if (r < 0) {
		fprintf(stderr, "synlab-client: %s\n", e.msg);
		return 2;
	}
	if (r > 0)
		return 0;
	return client_run(&o);
}
