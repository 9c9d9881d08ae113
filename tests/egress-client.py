#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/egress-client.py: what tests/egress.t runs inside the sandbox.

    egress-client.py tcp HOST PORT        connects (3 s at most): "ok" or the errno name
    egress-client.py get HOST PORT        GET / over HTTP: the body, or the errno name
    egress-client.py udp HOST PORT        sends "ping", waits 2 s for the answer: the
                                          answer, "timeout", or the errno name
    egress-client.py resolve NAME         getaddrinfo: the addresses, sorted, one a line,
                                          or "error"
    egress-client.py dns SERVER NAME [tcp]  an A query sent to SERVER port 53 (UDP, or TCP):
                                          "rcode=N" and the addresses, or the errno name
    egress-client.py wait6                waits up to 10 s for IPv6 (a route, an address)
"""
import errno
import socket
import struct
import sys
import time
import urllib.request


def err_name(e):
    if isinstance(e, socket.timeout):
        return "timeout"
    return errno.errorcode.get(e.errno, str(e))


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def tcp(host, port):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect((host, int(port)))
        return "ok"
    except OSError as e:
        return err_name(e)


def get(host, port):
    url = "http://%s:%s/" % ("[%s]" % host if ":" in host else host, port)
    try:
        return urllib.request.urlopen(url, timeout=3).read().decode().strip()
    except OSError as e:
        return err_name(getattr(e, "reason", e))


def udp(host, port):
    addr = socket.getaddrinfo(host, int(port), family(host), socket.SOCK_DGRAM)[0]
    s = socket.socket(addr[0], socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        s.sendto(b"ping", addr[4])
        return s.recv(100).decode()
    except OSError as e:
        return err_name(e)


def resolve(name):
    try:
        infos = socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return "error"
    return "\n".join(sorted({i[4][0] for i in infos}))


def dns(server, name, proto="udp"):
    q = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    q += struct.pack(">HH", 1, 1)
    try:
        if proto == "tcp":
            s = socket.socket(family(server), socket.SOCK_STREAM)
            s.settimeout(3)
            s.connect((server, 53))
            s.sendall(struct.pack(">H", len(q)) + q)
            r = b""
            while len(r) < 2 or len(r) < 2 + struct.unpack(">H", r[:2])[0]:
                d = s.recv(4096)
                if not d:
                    break
                r += d
            r = r[2:]
        else:
            s = socket.socket(family(server), socket.SOCK_DGRAM)
            s.settimeout(3)
            s.sendto(q, (server, 53))
            r = s.recv(4096)
    except OSError as e:
        return err_name(e)
    out = ["rcode=%d" % (r[3] & 15)]
    an = struct.unpack(">H", r[6:8])[0]
    off = len(q)
    for _ in range(an):
        while r[off] and r[off] < 0xc0:
            off += r[off] + 1
        off += 2 if r[off] >= 0xc0 else 1
        rtype, _, _, rdlen = struct.unpack(">HHIH", r[off:off + 10])
        off += 10
        if rtype == 1:
            out.append(socket.inet_ntop(socket.AF_INET, r[off:off + 4]))
        off += rdlen
    return "\n".join(out)


def wait6():
    """slirp4netns configures IPv6 by router advertisement: a default route, then a global
    address once duplicate address detection is over (scope 00, not tentative: 0x40)"""
    for _ in range(100):
        with open("/proc/net/ipv6_route") as f:
            route = any(l.startswith("0" * 32 + " 00 ") for l in f)
        with open("/proc/net/if_inet6") as f:
            addr = any(l.split()[3] == "00" and not int(l.split()[4], 16) & 0x40 for l in f)
        if route and addr:
            return "ok"
        time.sleep(0.1)
    return "no route"


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    print({"tcp": tcp, "get": get, "udp": udp, "resolve": resolve, "dns": dns,
           "wait6": wait6}[cmd](*args))


if __name__ == "__main__":
    main()
