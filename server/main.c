/* main.c - synlab-server's entry point: parse the command line, run, exit. */
#include <stdio.h>

#include "server.h"

int main(int argc, char **argv)
{
	static struct server_opts o;
	struct err e;
	int r = server_parse(argc, argv, &o, &e);

	if (r < 0) {
		fprintf(stderr, "synlab-server: %s\n", e.msg);
		return 2;
	}
	if (r > 0)
		return 0;
	return server_run(&o);
}
