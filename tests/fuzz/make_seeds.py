#!/usr/bin/env python3
"""Writes the committed seed corpora under tests/fuzz/corpus/ (run again to regenerate).

packet_parser    small valid IPv4 packets (TCP with each option kind, UDP, ICMP), checksums right
scenario_loader  the example scenarios, a few rejected ones, and scenarios using every action
crafted_segment  byte strings in the layout documented in entry_points.h (crafted_segments)
"""
import glob
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLIENT, SERVER = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto, l4, src=CLIENT, dst=SERVER, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, ttl, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + l4


def l4_sum(proto, seg, src=CLIENT, dst=SERVER):
    return checksum(src + dst + struct.pack("!BBH", 0, proto, len(seg)) + seg)


def tcp(flags, seq=1000, ack=0, options=b"", payload=b"", window=65535, urgent=0, sport=40000, dport=80):
    options += b"\0" * (-len(options) % 4)
    doff = (20 + len(options)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, window, 0, urgent)
    seg += options + payload
    seg = seg[:16] + struct.pack("!H", l4_sum(6, seg)) + seg[18:]
    return ipv4(6, seg)


def udp(payload, zero_checksum=False):
    seg = struct.pack("!HHHH", 5353, 53, 8 + len(payload), 0) + payload
    if not zero_checksum:
        c = l4_sum(17, seg) or 0xFFFF
        seg = seg[:6] + struct.pack("!H", c) + seg[8:]
    return ipv4(17, seg)


def icmp(type_, code, rest, body):
    msg = struct.pack("!BBHI", type_, code, 0, rest) + body
    msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
    return ipv4(1, msg, SERVER, CLIENT)


MSS = bytes([2, 4, 0x05, 0xB4])
SACK_OK = bytes([4, 2])
TS = bytes([8, 10]) + struct.pack("!II", 12345, 0)
WSCALE = bytes([1, 3, 3, 7])
TS_ECHO = bytes([1, 1, 8, 10]) + struct.pack("!II", 12346, 12345)
SACK2 = bytes([1, 1, 5, 18]) + struct.pack("!IIII", 3000, 4000, 5000, 6000)

PACKETS = {
    "tcp-syn": tcp(0x02, options=MSS + SACK_OK + TS + WSCALE),
    "tcp-syn-ack": tcp(0x12, seq=5000, ack=1001, options=MSS + SACK_OK + TS + WSCALE),
    "tcp-ack-sack": tcp(0x10, seq=1001, ack=2000, options=TS_ECHO + SACK2),
    "tcp-data": tcp(0x18, seq=1001, ack=5001, options=TS_ECHO, payload=b"GET / HTTP/1.1\r\n\r\n"),
    "tcp-rst": tcp(0x04, seq=1001),
    "tcp-fin-ack": tcp(0x11, seq=1100, ack=5001),
    "tcp-urg": tcp(0x38, seq=1001, ack=5001, payload=b"abc!", urgent=4),
    "tcp-unknown-option": tcp(0x10, seq=1001, ack=5001, options=bytes([30, 4, 1, 2, 0])),
    "tcp-ece-cwr-ae": tcp(0xC0 | 0x10, seq=1001, ack=5001),
    "udp": udp(b"hello"),
    "udp-no-checksum": udp(b"hello", zero_checksum=True),
    "icmp-port-unreachable": icmp(3, 3, 0, udp(b"hello")[:28]),
    "icmp-echo": icmp(8, 0, 0x00010001, b"ping"),
    "tcp-link-padding": tcp(0x10, seq=1001, ack=5001) + b"\0" * 6,
}

# crafted_segment: header byte, then per segment: how, wait, flags(2), [ports], [seq], [ack],
# [window], urgent(2), ttl, option length + options, payload length + payload.
def segment(how, flags, wait=10, extra=b"", urgent=0, ttl=64, options=b"", payload=b""):
    return (bytes([how, wait]) + struct.pack("!H", flags) + extra + struct.pack("!H", urgent) +
            bytes([ttl, len(options)]) + options + bytes([len(payload)]) + payload)


SEGMENTS = {
    "data-from-client": bytes([0x01]) + segment(0, 0x18, payload=b"hello"),
    "rst-from-server": bytes([0x00]) + segment(1, 0x04),
    "syn-in-established": bytes([0x01]) + segment(0, 0x02),
    "sack-from-server": bytes([0x01]) + segment(1, 0x10, options=SACK2),
    "fin-from-client": bytes([0x00]) + segment(0, 0x11),
    "urgent-data": bytes([0x00]) + segment(0, 0x38, urgent=3, payload=b"abc"),
    "seq-delta": bytes([0x00]) + segment(1 << 3, 0x10, extra=struct.pack("!h", -100), payload=b"x"),
    "syn-to-listener": bytes([0x00]) + segment(1 << 1, 0x02, options=MSS + SACK_OK + TS + WSCALE),
    "syn-to-closed-port": bytes([0x00]) + segment(3 << 1, 0x02),
    "zero-window": bytes([0x01]) + segment(1 | 0x80, 0x10, extra=struct.pack("!H", 0)),
    "manual-server": bytes([0x02 | (2 << 2)]) + segment(0, 0x18, payload=b"one") +
                     segment(0, 0x18, payload=b"two") + segment(0, 0x11),
    "four-segments": bytes([0x01 | (3 << 2)]) + segment(1, 0x10) + segment(1, 0x10) +
                     segment(1, 0x10) + segment(0, 0x04),
}


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    for name, data in PACKETS.items():
        write("packet_parser", name, data)
    for name, data in SEGMENTS.items():
        write("crafted_segment", name, data)
    scen = os.path.join(HERE, "corpus", "scenario_loader")
    os.makedirs(scen, exist_ok=True)
    for path in glob.glob(os.path.join(ROOT, "examples", "*.json")):
        shutil.copy(path, scen)
    for name in ["bad-json-syntax", "unknown-action", "bad-flags-letters", "socket-used-too-early",
                 "bad-duration-unit", "probability-above-one"]:
        shutil.copy(os.path.join(ROOT, "tests", "scenarios", "bad", name + ".json"),
                    os.path.join(scen, "bad-" + name.removeprefix("bad-") + ".json"))


if __name__ == "__main__":
    main()
