#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/dns-server.py: a tiny authoritative DNS server for tests/egress.t (UDP and TCP).

    dns-server.py ADDR ZONEFILE QUERYLOG

ZONEFILE, read again for every query (a test changes answers by rewriting it), has lines
"NAME TYPE VALUE TTL" with TYPE A, AAAA or CNAME.  A CNAME is followed, its target's
records added.  Every question is appended to QUERYLOG as "NAME TYPE", so that a test sees
what reached the server.  Prints "ready" once it listens on both protocols.
"""
import ipaddress
import socket
import struct
import sys
import threading

TYPES = {"A": 1, "AAAA": 28, "CNAME": 5}
NAMES = {v: k for k, v in TYPES.items()}


def read_zone(path):
    zone = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4:
                zone.setdefault(parts[0].lower().rstrip("."), []).append(
                    (TYPES[parts[1]], parts[2], int(parts[3])))
    return zone


def parse_name(msg, off):
    labels = []
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return ".".join(labels), off + 1


def encode_name(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rdata(rtype, value):
    if rtype == 1:
        return ipaddress.IPv4Address(value).packed
    if rtype == 28:
        return ipaddress.IPv6Address(value).packed
    return encode_name(value)


def answer(msg, zone_path, log_path):
    qid, flags, qd = struct.unpack(">HHH", msg[:6])
    name, off = parse_name(msg, 12)
    qtype, qclass = struct.unpack(">HH", msg[off:off + 4])
    with open(log_path, "a") as log:
        log.write("%s %s\n" % (name.lower(), NAMES.get(qtype, qtype)))
    zone = read_zone(zone_path)
    records, cur = [], name.lower()
    for _ in range(8):
        cnames = [r for r in zone.get(cur, []) if r[0] == 5]
        if not cnames or qtype == 5:
            break
        records.append((cur, cnames[0]))
        cur = cnames[0][1].lower()
    records += [(cur, r) for r in zone.get(cur, []) if r[0] == qtype]
    rcode = 0 if (cur in zone or records) else 3
    body = b""
    for owner, (rtype, value, ttl) in records:
        rd = rdata(rtype, value)
        body += encode_name(owner) + struct.pack(">HHIH", rtype, 1, ttl, len(rd)) + rd
    head = struct.pack(">HHHHHH", qid, 0x8400 | (flags & 0x0100) | rcode, 1, len(records), 0, 0)
    return head + msg[12:off + 4] + body


def serve_tcp(sock, zone, log):
    while True:
        conn, _ = sock.accept()
        with conn:
            data = conn.recv(65535)
            if len(data) > 2:
                reply = answer(data[2:], zone, log)
                conn.sendall(struct.pack(">H", len(reply)) + reply)


def main():
    addr, zone, log = sys.argv[1:4]
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    udp = socket.socket(family, socket.SOCK_DGRAM)
    udp.bind((addr, 53))
    tcp = socket.socket(family, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, 53))
    tcp.listen(8)
    threading.Thread(target=serve_tcp, args=(tcp, zone, log), daemon=True).start()
    print("ready", flush=True)
    while True:
        msg, peer = udp.recvfrom(4096)
        try:
            udp.sendto(answer(msg, zone, log), peer)
        except (ValueError, IndexError, struct.error):
            pass


if __name__ == "__main__":
    main()
