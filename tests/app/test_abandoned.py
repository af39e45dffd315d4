"""A request whose client closed its connection before the server got to it is dropped.

After an overload the queue holds such requests (the simulator gives up after 0.3 s);
serving them first kept the app busy long after the load stopped.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from reference_app.abandoned import client_gone
from tests.app.client import AUTH, Api, path_name
from tests.support.servers import serve_reference_app


@pytest.fixture
def connected() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A client socket and the server's end of it, over real loopback TCP."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
        with client, server:
            yield client, server


def test_an_open_client_is_not_gone(connected: tuple[socket.socket, socket.socket]) -> None:
    client, server = connected
    assert not client_gone(server)
    client.sendall(b"GET / HTTP/1.1\r\n\r\n")  # a pipelined next request is not an ending
    assert not client_gone(server)


def test_a_closed_client_is_gone_once_its_request_was_read(
    connected: tuple[socket.socket, socket.socket],
) -> None:
    client, server = connected
    client.sendall(b"GET / HTTP/1.1\r\n\r\n")
    client.close()
    assert not client_gone(server)  # its request is still to be read
    server.settimeout(5)
    assert server.recv(100) == b"GET / HTTP/1.1\r\n\r\n"
    assert client_gone(server)


def _post(name: str, body: bytes) -> tuple[bytes, bytes]:
    head = (
        f"POST /msgs/{path_name(name)} HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return head, body


def test_a_queued_request_whose_client_left_is_dropped_with_499(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/m.db"
    with serve_reference_app(db, tmp_path, workers=1) as server:
        api = Api(server.url)
        name = api.new_user()
        port = int(server.url.rsplit(":", 1)[1])
        busy_head, busy_body = _post(name, b'{"content": "kept the worker busy"}')
        gone_head, gone_body = _post(name, b'{"content": "nobody waits for this"}')
        with socket.create_connection(("127.0.0.1", port), timeout=10) as busy:
            # The one worker takes connections in order and waits for the rest of this
            # body, so the next request queues behind it.
            busy.sendall(busy_head + busy_body[:5])
            with socket.create_connection(("127.0.0.1", port), timeout=10) as gone:
                gone.sendall(gone_head + gone_body)
            busy.sendall(busy_body[5:])
            answer = busy.recv(65536)
        assert answer.startswith(b"HTTP/1.1 204")
        contents = [m["content"] for m in api.messages(name).json()]
        assert contents == ["kept the worker busy"]
        metrics = requests.get(f"{server.url}/metrics", timeout=10).text
        assert (
            'minitwit_http_requests_total{endpoint="/msgs/<username:username>",'
            'method="POST",status="499"} 1.0'
        ) in metrics
