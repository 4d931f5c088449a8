#!/usr/bin/env python3
"""Send probe packets as raw Ethernet frames (stdlib only): TCP SYN, UDP, ICMP/ICMPv6 echo.

Usage: send-probes.py IFACE SRC_MAC DST_MAC < probes.json
probes.json: [{"id": 7, "v": 4, "src": "192.0.2.9", "dst": "203.0.113.5", "proto": "tcp", "dport": 22}, ...]
The probe id is the TCP/UDP source port or the ICMP echo id, so the observer can tell probes apart.
"""
import ipaddress
import json
import socket
import struct
import sys


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def l4(p, proto_num, pseudo):
    if p["proto"] == "tcp":
        hdr = struct.pack("!HHIIBBHHH", p["id"], p["dport"], 1000 + p["id"], 0, 5 << 4, 0x02, 64240, 0, 0)
    elif p["proto"] == "udp":
        hdr = struct.pack("!HHHH", p["id"], p["dport"], 8 + 4, 0) + b"kern"
    else:
        hdr = struct.pack("!BBHHH", 8 if p["v"] == 4 else 128, 0, 0, p["id"], 1) + b"kern"
    ck = csum(pseudo + hdr) if (p["proto"] != "icmp" or p["v"] == 6) else csum(hdr)
    off = {"tcp": 16, "udp": 6}.get(p["proto"], 2)
    return hdr[:off] + struct.pack("!H", ck) + hdr[off + 2:]


def packet(p):
    proto_num = {"tcp": 6, "udp": 17}.get(p["proto"], 1 if p["v"] == 4 else 58)
    src = ipaddress.ip_address(p["src"]).packed
    dst = ipaddress.ip_address(p["dst"]).packed
    if p["v"] == 4:
        length = {"tcp": 20, "udp": 12, "icmp": 12}[p["proto"]]
        pseudo = src + dst + struct.pack("!BBH", 0, proto_num, length)
        body = l4(p, proto_num, pseudo)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), p["id"], 0, 64, proto_num, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        return 0x0800, ip + body
    length = {"tcp": 20, "udp": 12, "icmp": 12}[p["proto"]]
    pseudo = src + dst + struct.pack("!IxxxB", length, proto_num)
    body = l4(p, proto_num, pseudo)
    ip = struct.pack("!IHBB16s16s", 6 << 28, len(body), proto_num, 64, src, dst)
    return 0x86DD, ip + body


def main():
    iface, src_mac, dst_mac = sys.argv[1:4]
    probes = json.load(sys.stdin)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    smac = bytes.fromhex(src_mac.replace(":", ""))
    dmac = bytes.fromhex(dst_mac.replace(":", ""))
    for p in probes:
        ethertype, payload = packet(p)
        s.send(dmac + smac + struct.pack("!H", ethertype) + payload)
    print(len(probes))


if __name__ == "__main__":
    main()
