/* pcapw.h - writes the segments a program sends and receives to a nanosecond pcap file (-w FILE). */
#ifndef SYNLAB_PCAPW_H
#define SYNLAB_PCAPW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct pcap;
struct pcap_dumper;

struct pcapw {
	struct pcap *dead;		/* pcap_open_dead handle (DLT_RAW, nanosecond) */
	struct pcap_dumper *dump;
	int64_t real_minus_mono_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC, taken at open */
	long good;			/* file size after the last complete flush, bytes */
	bool failed;			/* a write failed: the tail after `good` is cut at close */
};

/* Creates (truncates) path as a pcap file of link type DLT_RAW (IPv4 datagrams, no link
 * header) with nanosecond timestamps. The file header is flushed at once, so a full disk
 * or /dev/full fails here. */
int pcapw_open(struct pcapw *pw, const char *path, struct err *e);

/* Appends one IPv4 datagram with the timestamp of monotonic time mono_us, converted to
 * wall-clock time with the offset measured at open (so intervals in the file are the
 * program's own monotonic intervals). Flushes, so a crash loses nothing and a full disk
 * is reported here; after such a failure the caller closes the writer, which cuts the
 * file back to its last complete record so it stays readable. */
int pcapw_write(struct pcapw *pw, uint64_t mono_us, const uint8_t *ip, size_t len,
		struct err *e);

/* Flushes and closes; reports a failed final flush. Safe on a never-opened pcapw that
 * was zeroed. */
int pcapw_close(struct pcapw *pw, struct err *e);

#endif
