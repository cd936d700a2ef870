#!/usr/bin/env bash
# test_ack_loop.sh - hand-made segments that make two synlab ends find each other's ACKs unacceptable: the per-connection answer limit (RFC 5961 §7, 500 ms) stops the ACK loop.
. "$(dirname "$0")/lib.sh"
PORT=7300

lab_up ackloop || { not_ok ack_loop_lab_up; exit 1; }
cap_start "$T_TMP/loop.pcap" || { not_ok ack_loop_capture_started; exit 1; }
bg SPID in_s timeout 20 "$BIN/synlab-server" --listen "$ADDR_S:$PORT" --once --app discard \
	--log "$T_TMP/server.log"
sleep 0.3
# 1: data whose ACK is 5000 beyond the server's SND.NXT (RFC 9293 §3.10.7.4: dropped,
#    answered with an ACK); 2: data the client's TCB never sent (seq= given: outside its
#    send path, which plain `send P. data=` uses), which the server takes,
#    so its ACKs lie beyond the client's SND.NXT and the client's ACKs behind the
#    server's RCV.NXT: each answers the other (13,363 frames in 0.3 s before the limit).
#    --app discard: no reply data, whose retransmissions (the client drops it, its ACK
#    being unacceptable) would be frames of their own, not of the loop.
printf '%s\n' 'wait ESTABLISHED' 'sleep 300ms' 'send P. ack=+5000 data=hi' 'send P. seq=+0 data=hi' \
	'sleep 2500ms' 'quit' |
	in_c timeout 15 "$BIN/synlab-client" --connect "$ADDR_S:$PORT" --manual --wait-close \
		--log "$T_TMP/client.log" >/dev/null 2>"$T_TMP/client.err"
cap_stop

# The first hand-made segment ("hi" with the far ACK) and every frame in the 2 s after it.
t1=$(tshark -r "$T_TMP/loop.pcap" -Y "ip.src==$ADDR_C && tcp.len==2" -T fields \
	-e frame.time_relative 2>/dev/null | head -n1)
check ack_loop_manual_segment_sent [ -n "$t1" ]
n=$(tshark -r "$T_TMP/loop.pcap" -Y "frame.time_relative >= ${t1:-0} && frame.time_relative < ${t1:-0} + 2" \
	2>/dev/null | wc -l)
echo "# $n frames in the 2 s after the first hand-made segment" >&2
check ack_loop_bounded_10_frames_in_2s [ "$n" -ge 2 -a "$n" -le 10 ]
# each end answered the other's unacceptable ACK once (<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>)
for side in client server; do
	check "ack_loop_${side}_answered_unsent_ack" \
		grep -q 'acknowledges something not sent yet' "$T_TMP/$side.log"
done
# and the server, whose answer to the client's answer came within 500 ms of its last,
# explains the one it did not send
check ack_loop_server_explains_suppressed_ack grep -q 'so none is sent this time' "$T_TMP/server.log"
exit $(( T_FAILS > 0 ))
