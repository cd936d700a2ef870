/* live_time.c - formatting of wall time and the protocol time it stands for at a --time-scale. */
#include "live.h"

#include <stdio.h>

int live_time_format(uint64_t wall_us, double scale, char *buf, size_t cap)
{
	if (scale <= 0 || scale == 1.0)
		return snprintf(buf, cap, "+%.3f s", wall_us / 1e6);
	return snprintf(buf, cap, "+%.3f s wall = %.3f s protocol at scale %g", wall_us / 1e6,
			wall_us / 1e6 / scale, scale);
}
