#!/usr/bin/env bash
# test_explain_cli.sh - synlab-explain's renderers on stored vectors: -q, --ladder, --html, -w pcapng, --lang zh, colour, bad combinations.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
X=$BUILD/synlab-explain
V=tests/vectors/explain
ECHO=$V/eth_echo.pcap	# seed 003's echo: handshake, 14 bytes each way, four-segment close
TMP=$(mktemp -d /tmp/synlab-present-cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C.UTF-8	# box drawing; a non-UTF-8 locale falls back to ASCII (checked below)

ok() { echo "ok $1"; }
nok() { echo "not ok $1 ${2:-}"; }
check() { if eval "$2" >/dev/null 2>&1; then ok "$1"; else nok "$1" "${3:-}"; fi; }

# The oracle for "how many segments": tshark, not our reader.
nseg=$(tshark -r "$ECHO" -Y tcp 2>/dev/null | wc -l)

# ---- -q: exactly one line per segment, frames 1..n in order ----
"$X" -q "$ECHO" >"$TMP/q.txt" 2>"$TMP/q.err"
check quiet_one_line_per_segment "[ $nseg -eq 10 ] && [ \$(wc -l <$TMP/q.txt) -eq $nseg ] &&
	[ \"\$(awk '{print \$1}' $TMP/q.txt | tr '\n' ' ')\" = '1 2 3 4 5 6 7 8 9 10 ' ]" \
	"$(wc -l <"$TMP/q.txt") lines for $nseg segments"
check quiet_line_has_fin_seq_15 "grep -q '^   6 .*client → server FIN+ACK seq=15 ack=1 .*\[client ESTABLISHED → FIN-WAIT-1\]' $TMP/q.txt"
check quiet_no_colour_in_pipe "! grep -q \$'\\033' $TMP/q.txt"

# ---- default text: a header line and the prose (with context) per segment ----
"$X" "$ECHO" >"$TMP/text.txt"
check text_prose_refers_back "grep -qF \"seq 15: the client sent bytes 1..14 ('Just a test.\\r\\n'), so its FIN takes sequence number 15\" $TMP/text.txt"
check text_close_4_of_4 "grep -q 'Close 4/4: the client acknowledges' $TMP/text.txt && grep -q '^== Connection 1 summary' $TMP/text.txt"

# ---- --ladder: arrows at the end, the client's FIN with seq 15 pointing to the server ----
"$X" -q --ladder "$ECHO" >"$TMP/lad.txt"
# an end's state is drawn when its own segment shows it (the server's CLOSE-WAIT at its ACK)
check ladder_client_fin_arrow "grep -q 'FIN-WAIT-1 │──FIN+ACK seq=15 ack=1 len=0─*>│\$' $TMP/lad.txt && grep -q '│<─PSH+ACK seq=1 ack=16 len=22─*│ CLOSE-WAIT' $TMP/lad.txt"
check ladder_server_fin_arrow "grep -q ' │<─FIN+ACK seq=23 ack=16 len=0─*│ LAST-ACK' $TMP/lad.txt && grep -q 'TIME-WAIT │──ACK seq=16 ack=24 len=0─*>│' $TMP/lad.txt"
check ladder_after_the_lines "[ \$(grep -n 'FIN+ACK seq=15 ack=1 len=0─' $TMP/lad.txt | cut -d: -f1) -gt $nseg ]"
"$X" -q --ladder --ascii "$ECHO" >"$TMP/lad_a.txt"
check ladder_ascii "grep -q 'FIN-WAIT-1 |--FIN+ACK seq=15 ack=1 len=0-*>|\$' $TMP/lad_a.txt && ! grep -q '│' $TMP/lad_a.txt"

LC_ALL=C "$X" -q --ladder "$ECHO" >"$TMP/lad_c.txt"
check ladder_ascii_in_c_locale "grep -q 'FIN-WAIT-1 |--FIN+ACK seq=15' $TMP/lad_c.txt && ! grep -q '│' $TMP/lad_c.txt"

# ---- --html: structure checked by independent parsers; each arrow's title = the JSON text ----
"$X" --json "$ECHO" >"$TMP/echo.jsonl"
"$X" --html "$TMP/echo.html" -q "$ECHO" >/dev/null
if python3 - "$TMP/echo.html" "$TMP/echo.jsonl" >"$TMP/html.out" 2>&1 <<'PY'
import html, html.parser, json, re, sys, xml.etree.ElementTree as E
s = open(sys.argv[1], encoding="utf-8").read()
assert s.startswith("<!DOCTYPE html>"), "no doctype"
E.fromstring(s[s.index("<svg "):s.index("</svg>") + 6])        # SVG is well-formed XML
class P(html.parser.HTMLParser):                                 # every element closed in order
    void = {"meta", "br", "hr", "img", "input", "link"}
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, t, a):
        if t not in self.void: self.stack.append(t)
    def handle_endtag(self, t):
        assert self.stack and self.stack[-1] == t, "mismatched </%s>" % t
        self.stack.pop()
p = P(); p.feed(s); p.close()
assert not p.stack, "unclosed %s" % p.stack
assert not re.search(r'https?://| src=|href=|@import', s), "external resource"
titles = [html.unescape(t) for t in re.findall(r"<title>(.*?)</title>", s, re.S)][1:]
segs = [json.loads(l) for l in open(sys.argv[2]) if '"segment"' in l]
want = [x["explain"] for x in segs]
assert titles == want, "titles differ from JSON explain (%d vs %d)" % (len(titles), len(want))
PY
then ok html_structure_and_titles; else nok html_structure_and_titles "$(tail -n1 "$TMP/html.out")"; fi

# ---- -w: pcapng comments read back by tshark = JSON explain; the bytes are the packets ----
for lang in en zh; do
	"$X" -q --lang "$lang" -w "$TMP/c_$lang.pcapng" "$ECHO" >/dev/null
	"$X" --json --lang "$lang" "$ECHO" >"$TMP/j_$lang.jsonl"
	tshark -r "$TMP/c_$lang.pcapng" -T json -e frame.comment -e tcp.seq -e tcp.ack -e tcp.len \
		-e tcp.checksum.status -o tcp.check_checksum:TRUE >"$TMP/t_$lang.json" 2>/dev/null
	if python3 - "$TMP/t_$lang.json" "$TMP/j_$lang.jsonl" >"$TMP/pn.out" 2>&1 <<'PY'
import json, sys
t = [p["_source"]["layers"] for p in json.load(open(sys.argv[1]))]
segs = [x for x in map(json.loads, open(sys.argv[2])) if x["type"] == "segment"]
assert len(t) == len(segs) == 10, (len(t), len(segs))
for a, b in zip(t, segs):
    c = a["frame.comment"]
    c = c[0] if isinstance(c, list) else c
    assert c == b["explain"], "frame %d comment differs" % b["frame"]
    assert [int(a["tcp.seq"][0]), int(a["tcp.ack"][0]), int(a["tcp.len"][0])] == \
        [b["seq"], b["ack"], b["len"]], "frame %d numbers" % b["frame"]
    assert a["tcp.checksum.status"][0] == "1", "frame %d checksum" % b["frame"]
PY
	then ok "pcapng_comments_equal_json_$lang"; else nok "pcapng_comments_equal_json_$lang" "$(tail -n1 "$TMP/pn.out")"; fi
done
"$X" -q -w /nonexistent-dir/x.pcapng "$ECHO" >/dev/null 2>"$TMP/w.err"
check pcapng_bad_path_exit_1 "[ $? -eq 1 ] && grep -q 'No such file' $TMP/w.err"

# ---- --lang zh everywhere ----
"$X" --lang zh --ladder "$ECHO" >"$TMP/zh.txt"
check zh_text_terms "grep -q '三次握手' $TMP/zh.txt && grep -q '四次挥手' $TMP/zh.txt && grep -q 'TIME_WAIT' $TMP/zh.txt"
check zh_ladder_arrow "grep -q 'FIN_WAIT_1 │──FIN+ACK seq=15 ack=1 len=0─*>│\$' $TMP/zh.txt && grep -q '│<─PSH+ACK seq=1 ack=16 len=22─*│ CLOSE_WAIT' $TMP/zh.txt"
"$X" --lang zh -q "$ECHO" >"$TMP/zhq.txt"
check zh_quiet_lines "[ \$(wc -l <$TMP/zhq.txt) -eq $nseg ] && grep -q '客户端 → 服务端 FIN+ACK seq=15' $TMP/zhq.txt"
"$X" --lang zh --html "$TMP/zh.html" -q "$ECHO" >/dev/null
check zh_html "grep -q '<html lang=\"zh' $TMP/zh.html && grep -q '第四次挥手' $TMP/zh.html"

# ---- colour: only on a terminal, never with NO_COLOR (script(1) gives a pty) ----
if command -v script >/dev/null; then
	env -u NO_COLOR script -qec "$X -q $ECHO" /dev/null >"$TMP/tty.txt" 2>&1
	check colour_on_terminal "grep -q \$'\\033\\[' $TMP/tty.txt"
	NO_COLOR=1 script -qec "$X -q $ECHO" /dev/null >"$TMP/tty_nc.txt" 2>&1
	check no_colour_with_NO_COLOR "grep -q 'FIN+ACK seq=15' $TMP/tty_nc.txt && ! grep -q \$'\\033\\[' $TMP/tty_nc.txt"
else
	nok colour_on_terminal "script(1) missing"
fi

# ---- usage errors exit 2 with one line ----
bad() {
	"$X" "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	local rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ] && [ ! -s "$TMP/bad.out" ]
}
check bad_q_json "bad -q --json $ECHO"
check bad_summary_json "bad --summary --json $ECHO"
check bad_q_summary "bad -q --summary $ECHO"
check bad_ladder_json "bad --ladder --json $ECHO"
check bad_ascii_without_ladder "bad --ascii $ECHO"
check bad_html_and_w_same_file "bad --html $TMP/same -w $TMP/same $ECHO && [ ! -e $TMP/same ]"
check bad_conn_zero "bad --conn 0 $ECHO"
check bad_w_without_file "bad $ECHO -w"
check bad_lang "bad --lang fr $ECHO"
check help_lists_options "$X --help | grep -q -- '--ladder' && $X --help | grep -q -- '--html FILE' && $X --help | grep -q -- '-w FILE'"
