/* explain_text.c - plain-text (en/zh) rendering of explain records: tcpdump-style line, states, why. */
#include "explain_text.h"

#include <stdarg.h>
#include <string.h>

#include "seg.h"

int explain_lang_parse(const char *s)
{
	if (strcmp(s, "en") == 0)
		return EXPLAIN_LANG_EN;
	if (strcmp(s, "zh") == 0)
		return EXPLAIN_LANG_ZH;
	return -1;
}

static const char *who_name(int w, enum explain_lang l)
{
	if (l == EXPLAIN_LANG_ZH)
		return w == EXPLAIN_CLIENT ? "客户端" : "服务器";
	return w == EXPLAIN_CLIENT ? "client" : "server";
}

/* Appends formatted text at *off within buf (bounded, always terminated). */
static void app(char *buf, size_t cap, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void app(char *buf, size_t cap, size_t *off, const char *fmt, ...)
{
	va_list ap;

	if (*off >= cap)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *off, cap - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < cap - *off ? (size_t)n : cap - *off - 1;
}

static void why_en(const struct explain_rec *r, char *b, size_t cap, size_t *o)
{
	const char *me = who_name(r->who, EXPLAIN_LANG_EN);
	const char *peer = who_name(!r->who, EXPLAIN_LANG_EN);

	switch (r->why.rule) {
	case EXPLAIN_WHY_SYN:
		app(b, cap, o, "The client asks to open a connection: SYN with initial sequence number %u (relative 0); the SYN uses one sequence number, so the server must answer ack %u.", r->seq_raw, r->why.seq_next);
		break;
	case EXPLAIN_WHY_SYN_ACK:
		app(b, cap, o, "The server accepts: its own SYN (ISN %u, relative 0) plus ack %u = the client's ISN + 1, acknowledging the client's SYN.", r->seq_raw, r->ack);
		break;
	case EXPLAIN_WHY_HANDSHAKE_ACK:
		app(b, cap, o, "The client acknowledges the server's SYN (ack %u = server ISN + 1): the three-way handshake is complete.", r->ack);
		break;
	case EXPLAIN_WHY_DATA:
		app(b, cap, o, "The %s sends %u bytes (seq %u to %u); the %s will acknowledge them with ack %u.", me, r->len, r->seq, r->seq + r->len - 1, peer, r->why.seq_next);
		break;
	case EXPLAIN_WHY_ACK:
		app(b, cap, o, "The %s acknowledges everything before seq %u of the %s (%u newly acknowledged).", me, r->ack, peer, r->why.bytes_acked);
		break;
	case EXPLAIN_WHY_FIN:
		app(b, cap, o, "The %s closes first (active close): FIN at seq %u uses one sequence number, so the %s will acknowledge with ack %u.", me, r->seq + r->len, peer, r->why.seq_next);
		break;
	case EXPLAIN_WHY_FIN_REPLY:
		app(b, cap, o, "The %s closes its side too (passive close): FIN at seq %u, ack %u.", me, r->seq + r->len, r->ack);
		break;
	case EXPLAIN_WHY_FIN_ACK:
		app(b, cap, o, "The %s acknowledges the %s's FIN (ack %u): the last segment of the close.", me, peer, r->ack);
		break;
	case EXPLAIN_WHY_RST:
		app(b, cap, o, "The %s resets the connection: both ends drop it at once, without TIME-WAIT.", me);
		break;
	case EXPLAIN_WHY_SIMULTANEOUS:
		app(b, cap, o, "The %s's %s crosses the %s's: simultaneous %s.", me, (r->seg.flags & SEG_SYN) ? "SYN" : "FIN", peer, (r->seg.flags & SEG_SYN) ? "open" : "close");
		break;
	default:
		app(b, cap, o, "A segment from the %s.", me);
	}
}

static void why_zh(const struct explain_rec *r, char *b, size_t cap, size_t *o)
{
	const char *me = who_name(r->who, EXPLAIN_LANG_ZH);
	const char *peer = who_name(!r->who, EXPLAIN_LANG_ZH);

	switch (r->why.rule) {
	case EXPLAIN_WHY_SYN:
		app(b, cap, o, "第一次握手：客户端发送 SYN，初始序列号 ISN=%u（相对序号 0）；SYN 占一个序号，服务器应回 ack=%u。", r->seq_raw, r->why.seq_next);
		break;
	case EXPLAIN_WHY_SYN_ACK:
		app(b, cap, o, "第二次握手：服务器发送 SYN+ACK，自己的 ISN=%u（相对序号 0），ack=%u 即客户端 ISN+1。", r->seq_raw, r->ack);
		break;
	case EXPLAIN_WHY_HANDSHAKE_ACK:
		app(b, cap, o, "第三次握手：客户端确认服务器的 SYN（ack=%u 即服务器 ISN+1），连接建立。", r->ack);
		break;
	case EXPLAIN_WHY_DATA:
		app(b, cap, o, "%s发送 %u 字节数据（seq %u 到 %u），%s将回 ack=%u。", me, r->len, r->seq, r->seq + r->len - 1, peer, r->why.seq_next);
		break;
	case EXPLAIN_WHY_ACK:
		app(b, cap, o, "%s确认收到%s seq %u 之前的全部数据（新确认 %u）。", me, peer, r->ack, r->why.bytes_acked);
		break;
	case EXPLAIN_WHY_FIN:
		app(b, cap, o, "第一次挥手：%s主动关闭，发送 FIN（seq=%u），FIN 占一个序号，%s将回 ack=%u。", me, r->seq + r->len, peer, r->why.seq_next);
		break;
	case EXPLAIN_WHY_FIN_REPLY:
		app(b, cap, o, "%s也关闭自己的发送方向（被动关闭），发送 FIN（seq=%u，ack=%u）。", me, r->seq + r->len, r->ack);
		break;
	case EXPLAIN_WHY_FIN_ACK:
		app(b, cap, o, "最后一次挥手：%s确认%s的 FIN（ack=%u）。", me, peer, r->ack);
		break;
	case EXPLAIN_WHY_RST:
		app(b, cap, o, "%s发送 RST 重置连接：双方立即关闭，不经过 TIME_WAIT。", me);
		break;
	case EXPLAIN_WHY_SIMULTANEOUS:
		app(b, cap, o, "%s与%s同时%s。", me, peer, (r->seg.flags & SEG_SYN) ? "打开" : "关闭");
		break;
	default:
		app(b, cap, o, "%s发送的报文段。", me);
	}
}

static void why_analysis(const struct explain_rec *r, enum explain_lang l, char *b, size_t cap,
			 size_t *o)
{
	if (r->analysis & EXPLAIN_AF_RETRANSMISSION)
		app(b, cap, o, l == EXPLAIN_LANG_ZH ? " 这是第 %llu 帧的重传，间隔 %.3f 秒。"
						    : " This is a retransmission of frame %llu, %.3f s later.",
		    (unsigned long long)r->why.rtx_of_frame, r->why.rtx_after_us / 1e6);
	if (r->analysis & EXPLAIN_AF_DUPLICATE_ACK)
		app(b, cap, o, l == EXPLAIN_LANG_ZH ? " 重复 ACK #%u（原 ACK 在第 %llu 帧）。"
						    : " Duplicate ACK #%u of frame %llu.",
		    r->why.dupack_num, (unsigned long long)r->why.dupack_of_frame);
}

int explain_text_why(const struct explain_rec *r, enum explain_lang lang, char *buf,
		     size_t cap)
{
	size_t o = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (r->kind != EXPLAIN_REC_SEGMENT)
		return 0;
	if (lang == EXPLAIN_LANG_ZH)
		why_zh(r, buf, cap, &o);
	else
		why_en(r, buf, cap, &o);
	why_analysis(r, lang, buf, cap, &o);
	return (int)o;
}

static int render_segment(const struct explain_rec *r, enum explain_lang l, FILE *out)
{
	char addrs[64], line[512], why[1024];

	seg_format_addrs(&r->seg, addrs, sizeof(addrs));
	seg_format(&r->seg, r->seq_raw - r->seq, r->ack_raw - r->ack, line, sizeof(line));
	fprintf(out, "%llu %llu.%06llu #%u %s: %s", (unsigned long long)r->frame,
		(unsigned long long)(r->t_us / 1000000u), (unsigned long long)(r->t_us % 1000000u),
		r->conn, addrs, line);
	for (unsigned i = 0; i < EXPLAIN_AF_COUNT; i++)
		if (r->analysis & (1u << i))
			fprintf(out, " [%s]", explain_flag_name(1u << i));
	fputc('\n', out);
	for (int w = 0; w < 2; w++)
		if (r->ep[w].known && r->ep[w].before != r->ep[w].after)
			fprintf(out, "    %s: %s -> %s\n", who_name(w, l),
				explain_state_name(r->ep[w].before), explain_state_name(r->ep[w].after));
	explain_text_why(r, l, why, sizeof(why));
	fprintf(out, "    %s\n", why);
	return ferror(out) ? -1 : 0;
}

static int render_summary(const struct explain_rec *r, enum explain_lang l, FILE *out)
{
	const struct explain_summary *m = &r->sum;
	char addrs[64];

	(void)l;
	seg_format_addrs(&r->seg, addrs, sizeof(addrs));
	fprintf(out, "== connection #%u %s: %llu + %llu segments, %llu + %llu bytes\n", r->conn,
		addrs, (unsigned long long)m->nsegs[0], (unsigned long long)m->nsegs[1],
		(unsigned long long)m->bytes[0], (unsigned long long)m->bytes[1]);
	if (m->has_handshake)
		fprintf(out, "   handshake RTT %.3f ms (SYN -> SYN+ACK %.3f ms)\n",
			m->hs_rtt_us / 1e3, m->hs_syn_synack_us / 1e3);
	if (m->reset)
		fprintf(out, "   reset by the %s\n", who_name(m->closer, EXPLAIN_LANG_EN));
	else if (m->closer >= 0)
		fprintf(out, "   %s closed first; %d-segment close; TIME-WAIT: %s\n",
			who_name(m->closer, EXPLAIN_LANG_EN), m->close_segments,
			m->time_wait >= 0 ? who_name(m->time_wait, EXPLAIN_LANG_EN) : "none");
	for (uint32_t i = 0; i < m->nrtx && i < EXPLAIN_MAX_RTX; i++)
		fprintf(out, "   retransmission frame %llu (of %llu) after %.3f s\n",
			(unsigned long long)m->rtx[i].frame, (unsigned long long)m->rtx[i].of_frame,
			m->rtx[i].after_us / 1e6);
	return ferror(out) ? -1 : 0;
}

int explain_text_render(const struct explain_rec *r, enum explain_lang lang, FILE *out)
{
	switch (r->kind) {
	case EXPLAIN_REC_SEGMENT:
		return render_segment(r, lang, out);
	case EXPLAIN_REC_SUMMARY:
		return render_summary(r, lang, out);
	case EXPLAIN_REC_EVENT:
		/* tcb_why_name() will name the reason once the TCB lands; the number for now */
		fprintf(out, "    %s event %d, reason %d: %s -> %s\n", who_name(r->who, lang),
			(int)r->ev.kind, (int)r->ev.why, explain_state_name(r->ev.from),
			explain_state_name(r->ev.to));
		return ferror(out) ? -1 : 0;
	case EXPLAIN_REC_IMPAIR:
		fprintf(out, "    impairment: %s\n", r->impair.rule);
		return ferror(out) ? -1 : 0;
	}
	return 0;
}
