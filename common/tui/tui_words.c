/* tui_words.c - the full-screen view's own words (labels, keys, prompts) in English and Chinese. */
#include "tui_model.h"

static const char *const en[TUI_W_COUNT] = {
	[TUI_W_STATE] = "state: ",
	[TUI_W_TIMERS] = "timers: ",
	[TUI_W_NONE] = "none pending",
	[TUI_W_UNKNOWN_OFFLINE] = "not known from a capture",
	[TUI_W_DUE] = "due",
	[TUI_W_ROW] = "row",
	[TUI_W_EMPTY] = "No segment yet: press Enter for the first one.",
	[TUI_W_K_NEXT] = "Enter/space: next",
	[TUI_W_K_DROP] = "d: drop",
	[TUI_W_K_EDIT] = "e: edit...",
	[TUI_W_K_LINE] = "':' command",
	[TUI_W_K_CONT] = "c: continue",
	[TUI_W_K_SCROLL] = "arrows/PgUp/PgDn: scroll",
	[TUI_W_K_QUIT] = "q: quit",
	[TUI_W_P_EDIT] = "edit seq|ack|flags|win|payload V (Enter: apply, Esc: cancel): ",
	[TUI_W_P_LINE] = "command (Enter: run, Esc: cancel): ",
	[TUI_W_NOT_OFFERED] = "that key is not offered here",
	[TUI_W_TOO_SMALL] = "too small: 60x14 needed",
	[TUI_W_DROPPED] = "[dropped]",
	[TUI_W_SUMMARY] = "== connection summary",
	[TUI_W_SCROLLED] = "scrolled back, End: newest",
	[TUI_W_K_MORE] = "[ ]: more text",
	[TUI_W_K_HELP] = "?: help",
	[TUI_W_RAW] = "raw",
	[TUI_W_PENDING] = "waiting for you",
	[TUI_W_H_INTRO] = "Keys (any key closes this help):",
	[TUI_W_H_NEXT] = "Enter, space or s: let the segment waiting for you pass (send it).",
	[TUI_W_H_DROP] = "d: drop it: it never reaches the wire, as if the network lost it; "
			 "the sender's timers will notice.",
	[TUI_W_H_EDIT] = "e: edit it before it passes: a line such as 'seq +5; flags S.' "
			 "(fields seq, ack: +N, -N, N or raw:N; flags S. R F. ...; win N; payload "
			 "STR; ';' joins several); Enter applies, then Enter sends. An edit that "
			 "would change sequence numbers the sender already counted is refused with "
			 "the reason.",
	[TUI_W_H_LINE] = "':' any step command, e.g. 'delay 200'.",
	[TUI_W_H_CONT] = "c: stop stepping: every segment passes from now on.",
	[TUI_W_H_SCROLL] = "Up/Down (j/k): one row; PgUp/PgDn: a page; Home/End: first/newest "
			   "row; [ and ]: scroll the explanation.",
	[TUI_W_H_QUIT] = "q: quit.",
};

static const char *const zh[TUI_W_COUNT] = {
	[TUI_W_STATE] = "状态：",
	[TUI_W_TIMERS] = "定时器：",
	[TUI_W_NONE] = "无",
	[TUI_W_UNKNOWN_OFFLINE] = "从抓包中无法得知",
	[TUI_W_DUE] = "已到期",
	[TUI_W_ROW] = "行",
	[TUI_W_EMPTY] = "还没有报文段：按回车看第一个。",
	[TUI_W_K_NEXT] = "回车/空格：下一个",
	[TUI_W_K_DROP] = "d：丢弃",
	[TUI_W_K_EDIT] = "e：修改...",
	[TUI_W_K_LINE] = "':' 命令",
	[TUI_W_K_CONT] = "c：继续运行",
	[TUI_W_K_SCROLL] = "方向键/PgUp/PgDn：翻看",
	[TUI_W_K_QUIT] = "q：退出",
	[TUI_W_P_EDIT] = "修改 seq|ack|flags|win|payload V（回车：应用，Esc：取消）：",
	[TUI_W_P_LINE] = "命令（回车：执行，Esc：取消）：",
	[TUI_W_NOT_OFFERED] = "这里不提供这个按键",
	[TUI_W_TOO_SMALL] = "终端太小：需要 60x14",
	[TUI_W_DROPPED] = "[已丢弃]",
	[TUI_W_SUMMARY] = "== 连接总结",
	[TUI_W_SCROLLED] = "回看中，End：最新",
	[TUI_W_K_MORE] = "[ ]：翻看说明",
	[TUI_W_K_HELP] = "?：帮助",
	[TUI_W_RAW] = "原始值",
	[TUI_W_PENDING] = "等你决定",
	[TUI_W_H_INTRO] = "按键（按任意键关闭帮助）：",
	[TUI_W_H_NEXT] = "回车、空格或 s：放行等你决定的报文段（发送它）。",
	[TUI_W_H_DROP] = "d：丢弃它：它不会上线，就像网络把它丢了；发送方的定时器会发现。",
	[TUI_W_H_EDIT] = "e：放行前修改它：输入一行，例如 'seq +5; flags S.'（字段 seq、ack："
			 "+N、-N、N 或 raw:N；flags S. R F. ...；win N；payload STR；用 ';' 连接多项）；"
			 "回车应用，再按回车发送。会改变发送方已计入的序号的修改会被拒绝并说明原因。",
	[TUI_W_H_LINE] = "':' 任意单步命令，例如 'delay 200'。",
	[TUI_W_H_CONT] = "c：不再单步：此后所有报文段直接通过。",
	[TUI_W_H_SCROLL] = ("上/下（j/k）：一行；PgUp/PgDn：一页；Home/End：第一行/最新一行；"
			    "[ 和 ]：翻看说明。"),
	[TUI_W_H_QUIT] = "q：退出。",
};

const char *tui_word(enum explain_lang lang, enum tui_word w)
{
	if ((unsigned)w >= TUI_W_COUNT)
		return "?";
	return lang == EXPLAIN_LANG_ZH ? zh[w] : en[w];
}
