/* test_seg_print.c - seg_flags_str / seg_format / seg_format_addrs compared with real tcpdump output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "seg.h"

#define VECTORS "tests/vectors/"	/* scripts/run-tests runs from the repository top */

/* tcpdump's relative-numbering state (print-tcp.c, tcp_seq_hash): kept per connection for
 * segments with ACK set; the first one seen, or one with SYN, records the bases and is
 * printed absolute; later ones print seq/ack minus the bases. */
struct td_conn {
	uint32_t lo_addr, hi_addr;
	uint16_t lo_port, hi_port;
	uint32_t seq_lo, ack_lo;	/* bases for segments from the "lo" end */
};

struct td_track {
	struct td_conn c[512];
	int n;
};

static struct td_conn *td_find(struct td_track *t, const struct seg *s, bool rev)
{
	uint32_t lo = rev ? s->daddr : s->saddr, hi = rev ? s->saddr : s->daddr;
	uint16_t lp = rev ? s->dport : s->sport, hp = rev ? s->sport : s->dport;
	int i;

	for (i = 0; i < t->n; i++)
		if (t->c[i].lo_addr == lo && t->c[i].hi_addr == hi && t->c[i].lo_port == lp &&
		    t->c[i].hi_port == hp)
			return &t->c[i];
	return NULL;
}

static void td_bases(struct td_track *t, const struct seg *s, uint32_t *sb, uint32_t *ab)
{
	bool rev = s->saddr > s->daddr || (s->saddr == s->daddr && s->sport > s->dport);
	struct td_conn *c;

	*sb = *ab = 0;
	if (!(s->flags & SEG_ACK))
		return;
	c = td_find(t, s, rev);
	if (c && !(s->flags & SEG_SYN)) {
		*sb = rev ? c->ack_lo : c->seq_lo;
		*ab = rev ? c->seq_lo : c->ack_lo;
		return;
	}
	if (!c) {
		assert_true(t->n < 512);
		c = &t->c[t->n++];
		c->lo_addr = rev ? s->daddr : s->saddr;
		c->hi_addr = rev ? s->saddr : s->daddr;
		c->lo_port = rev ? s->dport : s->sport;
		c->hi_port = rev ? s->sport : s->dport;
	}
	c->seq_lo = rev ? s->ack - 1 : s->seq;
	c->ack_lo = rev ? s->seq : s->ack - 1;
}

/* "IP <addrs>: <format>" as tcpdump -n prints it after the timestamp. */
static void expected_line(struct td_track *t, const struct seg *s, char *buf, size_t cap)
{
	char addrs[64], body[512];
	uint32_t sb, ab;

	td_bases(t, s, &sb, &ab);
	seg_format_addrs(s, addrs, sizeof(addrs));
	seg_format(s, sb, ab, body, sizeof(body));
	snprintf(buf, cap, "IP %s: %s", addrs, body);
}

/* Strips "HH:MM:SS.uuuuuu " and the newline from a tcpdump line. */
static const char *td_strip(char *line)
{
	char *sp = strchr(line, ' ');

	line[strcspn(line, "\n")] = '\0';
	return sp ? sp + 1 : line;
}

static void flags_str_tcpdump_order(void **state)
{
	char b[12];

	(void)state;
	assert_string_equal(seg_flags_str(SEG_FIN | SEG_PSH | SEG_ACK, b), "FP.");
	assert_string_equal(seg_flags_str(SEG_SYN | SEG_ACK, b), "S.");
	assert_string_equal(seg_flags_str(SEG_RST | SEG_ACK, b), "R.");
	assert_string_equal(seg_flags_str(SEG_SYN | SEG_ACK | SEG_ECE, b), "S.E");
	assert_string_equal(seg_flags_str(SEG_SYN | SEG_ECE | SEG_CWR, b), "SEW");
	assert_string_equal(seg_flags_str(0xff, b), "FSRP.UEW");
	assert_string_equal(seg_flags_str(0, b), "none");
}

static void format_addrs_dotted_quad_and_port(void **state)
{
	struct seg s;
	char b[64];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.saddr = 0xc6120001u;
	s.daddr = 0xc61200ffu;
	s.sport = 40000;
	s.dport = 8080;
	assert_int_equal(seg_format_addrs(&s, b, sizeof(b)), 36);
	assert_string_equal(b, "198.18.0.1.40000 > 198.18.0.255.8080");
}

static void format_syn_ack_example(void **state)
{
	struct seg s;
	char b[256];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.seq = 7000;
	s.ack = 101;
	s.flags = SEG_SYN | SEG_ACK;
	s.win = 64240;
	s.opts.has_mss = true; s.opts.mss = 1460;
	s.opts.sack_perm = true;
	s.opts.has_ts = true; s.opts.tsval = 1; s.opts.tsecr = 0;
	s.opts.has_wscale = true; s.opts.wscale = 7;
	seg_format(&s, 7000, 100, b, sizeof(b));
	assert_string_equal(b, "Flags [S.], seq 0, ack 1, win 64240, options [mss 1460,sackOK,"
			       "TS val 1 ecr 0,nop,wscale 7], length 0");
}

static void format_truncates_like_snprintf(void **state)
{
	struct seg s;
	char b[256], small[10];
	int full;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.flags = SEG_RST;
	s.seq = 42;
	full = seg_format(&s, 0, 0, b, sizeof(b));
	assert_string_equal(b, "Flags [R], seq 42, win 0, length 0");
	assert_int_equal(full, (int)strlen(b));
	assert_int_equal(seg_format(&s, 0, 0, small, sizeof(small)), full);
	assert_string_equal(small, "Flags [R]");
}

/* Every segment of the kernel capture, formatted with tcpdump's numbering, equals the
 * line tcpdump -n printed for it (kernel_handshake.txt, made by tests/vectors/capture.sh). */
static void format_kernel_capture_matches_tcpdump(void **state)
{
	char ebuf[PCAP_ERRBUF_SIZE], line[1024], want[1024];
	static struct td_track t;
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline(VECTORS "kernel_handshake.pcap", ebuf);
	FILE *f = fopen(VECTORS "kernel_handshake.txt", "r");
	struct seg s;
	struct err e = { "" };
	int n = 0;

	(void)state;
	t.n = 0;
	assert_non_null(p);
	assert_non_null(f);
	while (pcap_next_ex(p, &h, &d) == 1) {
		assert_int_equal(seg_parse(d + 14, h->caplen - 14, &s, &e), 0);
		expected_line(&t, &s, want, sizeof(want));
		assert_non_null(fgets(line, sizeof(line), f));
		assert_string_equal(want, td_strip(line));
		n++;
	}
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	pcap_close(p);
	assert_int_equal(n, 10);
}

/* ---- crafted segments, judged by the tcpdump installed on this machine ---- */

static struct seg crafted_base(uint16_t sport)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.saddr = 0xc6120001u;
	s.daddr = 0xc6120002u;
	s.sport = sport;
	s.dport = 18080;	/* no tcpdump application decoder on either port */
	s.win = 1024;
	return s;
}

/* All 256 flag combinations, one connection each; URG ones carry an urgent pointer and
 * every third one data, including a range that wraps past 2^32. */
static int craft_flags(struct seg *v)
{
	int i;

	for (i = 0; i < 256; i++) {
		v[i] = crafted_base((uint16_t)(30000 + i));
		v[i].flags = (uint8_t)i;
		v[i].seq = 0xffffffe0u + (uint32_t)i;	/* i = 30: data wraps 2^32 */
		v[i].ack = 77u * (uint32_t)i;
		v[i].urp = (uint16_t)(i * 3);
		v[i].payload = (const uint8_t *)"0123456789abcdefghijklmnopqrstuvwxyz";
		v[i].len = i % 3 == 0 ? (uint32_t)(i % 37) : 0;
	}
	return 256;
}

/* One connection: SYN, SYN+ACK (sets tcpdump's bases), then ACKs with SACK blocks, data,
 * unknown options, EOL in the middle of the list. */
static int craft_options(struct seg *v)
{
	static const uint8_t unk[] = { 0x63, 0x04, 0xab, 0xcd, 0xfd, 0x02, 0x01, 0x03, 0x03,
				       0x05, 0x00, 0x00 };
	static const uint8_t eol_mid[] = { 0x02, 0x04, 0x05, 0x78, 0x00, 0x00, 0x00, 0x00 };
	struct seg a = crafted_base(40000), b = crafted_base(18080);
	int n = 0;

	b.saddr = a.daddr; b.daddr = a.saddr; b.dport = 40000;
	v[n] = a; v[n].flags = SEG_SYN; v[n].seq = 1000;
	v[n].opts.has_mss = true; v[n].opts.mss = 1460; v[n].opts.sack_perm = true; n++;
	v[n] = b; v[n].flags = SEG_SYN | SEG_ACK; v[n].seq = 9000; v[n].ack = 1001;
	v[n].opts.has_mss = true; v[n].opts.mss = 1400; v[n].opts.has_wscale = true;
	v[n].opts.wscale = 14; n++;
	v[n] = a; v[n].flags = SEG_ACK; v[n].seq = 1001; v[n].ack = 9101;
	v[n].opts.nsack = 2;
	v[n].opts.sack[0] = (struct seg_sack){ 9201, 9301 };
	v[n].opts.sack[1] = (struct seg_sack){ 9401, 9501 }; n++;
	v[n] = b; v[n].flags = SEG_ACK | SEG_PSH | SEG_URG; v[n].seq = 9001; v[n].ack = 1001;
	v[n].urp = 5; v[n].payload = (const uint8_t *)"payload!"; v[n].len = 8;
	v[n].opts.has_ts = true; v[n].opts.tsval = 4000000000u; v[n].opts.tsecr = 7;
	v[n].opts.nsack = 1; v[n].opts.sack[0] = (struct seg_sack){ 1001, 1002 }; n++;
	v[n] = a; v[n].flags = SEG_ACK; v[n].seq = 1001; v[n].ack = 9009;
	memcpy(v[n].opts.raw, unk, sizeof(unk)); v[n].opts.raw_len = sizeof(unk); n++;
	v[n] = a; v[n].flags = SEG_ACK | SEG_FIN; v[n].seq = 1001; v[n].ack = 9009;
	memcpy(v[n].opts.raw, eol_mid, sizeof(eol_mid)); v[n].opts.raw_len = sizeof(eol_mid); n++;
	v[n] = b; v[n].flags = SEG_RST; v[n].seq = 9009; n++;
	return n;
}

static void write_pcap(const char *path, const struct seg *v, int n)
{
	static uint8_t out[SEG_IP_MAX];
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	struct pcap_pkthdr h = { { 0, 0 }, 0, 0 };
	struct err e = { "" };
	size_t len;
	int i;

	assert_non_null(d);
	for (i = 0; i < n; i++) {
		if (seg_build(&v[i], out, sizeof(out), &len, &e) < 0)
			fail_msg("segment %d: %s", i, e.msg);
		h.caplen = h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)d, &h, out);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

/* Builds the segments, has tcpdump -n read them back, and compares line by line with
 * seg_format of the parsed bytes. */
static void compare_with_live_tcpdump(const struct seg *v, int n)
{
	static struct td_track t;
	static uint8_t out[SEG_IP_MAX];
	char path[] = "/tmp/synlab-print-XXXXXX", cmd[128], line[1024], want[1024];
	int fd = mkstemp(path), i;
	struct seg s;
	struct err e = { "" };
	size_t len;
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	write_pcap(path, v, n);
	snprintf(cmd, sizeof(cmd), "tcpdump -n -r %s 2>/dev/null", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	t.n = 0;
	for (i = 0; i < n; i++) {
		assert_int_equal(seg_build(&v[i], out, sizeof(out), &len, &e), 0);
		assert_int_equal(seg_parse(out, len, &s, &e), 0);
		expected_line(&t, &s, want, sizeof(want));
		if (!fgets(line, sizeof(line), f))
			fail_msg("tcpdump printed only %d of %d lines", i, n);
		if (strcmp(want, td_strip(line)) != 0)
			fail_msg("segment %d:\n synlab:  %s\n tcpdump: %s", i, want, line);
	}
	pclose(f);
	unlink(path);
}

static void format_all_flag_combinations_match_tcpdump(void **state)
{
	static struct seg v[256];

	(void)state;
	compare_with_live_tcpdump(v, craft_flags(v));
}

static void format_options_match_tcpdump(void **state)
{
	static struct seg v[16];

	(void)state;
	compare_with_live_tcpdump(v, craft_options(v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flags_str_tcpdump_order),
		cmocka_unit_test(format_addrs_dotted_quad_and_port),
		cmocka_unit_test(format_syn_ack_example),
		cmocka_unit_test(format_truncates_like_snprintf),
		cmocka_unit_test(format_kernel_capture_matches_tcpdump),
		cmocka_unit_test(format_all_flag_combinations_match_tcpdump),
		cmocka_unit_test(format_options_match_tcpdump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
