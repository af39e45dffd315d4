"""Requests whose client has already gone are dropped before any work (status 499).

After an overload, a server's queue holds requests whose clients gave up long ago (the
simulator waits 0.3 s): serving each of them (an argon2 hash, a write) before the first
live request kept the app busy for seconds after the load stopped. A client that gave up
closed its connection, so once its request has been read, its socket reads as
end-of-file: one non-blocking ``poll`` and a peek tell. The server must expose the socket:
gunicorn does (``gunicorn.socket``); under another server nothing is dropped. A client that
half-closes its connection after sending and still waits for the answer would be dropped
too; HTTP clients (requests, curl, browsers, Locust) do not do that. The 499 (nginx's
"client closed request") is never received; ``/metrics`` counts it.
"""

from __future__ import annotations

import select
import socket

from flask import Flask, Response, request

#: nginx's status for a request whose client closed the connection before the answer.
CLIENT_GONE = 499


def client_gone(sock: socket.socket) -> bool:
    """Whether the peer closed ``sock``: readable, and a peek reads end-of-file."""
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN | select.POLLRDHUP)
    events = poller.poll(0)
    if not events:
        return False
    if events[0][1] & (select.POLLHUP | select.POLLERR):
        return True
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:  # reset by the peer
        return True


def _drop_if_gone() -> Response | None:
    sock = request.environ.get("gunicorn.socket")
    if isinstance(sock, socket.socket) and client_gone(sock):
        return Response(status=CLIENT_GONE)
    return None


def init_app(app: Flask) -> None:
    """Drop requests whose client is gone, before auth, parsing or the database."""
    app.before_request(_drop_if_gone)
