# SPDX-License-Identifier: GPL-2.0-or-later
# A TCP server for the tests that connect sandboxes (netjoin.t, network.t,
# escape/netjoin-state.t): python3 reply-server.py ADDRESS PORT READY [REPLY]
# listens on ADDRESS:PORT, creates the file READY, then answers each connection with
# one line: REPLY, or the host name it runs under (a sandbox's --hostname or name).
import socket
import sys

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
open(sys.argv[3], "w").close()
reply = sys.argv[4] if len(sys.argv) > 4 else socket.gethostname()
while True:
    c, _ = s.accept()
    c.sendall(reply.encode() + b"\n")
    c.close()
