"""``minitwit-harness serve``: invalid settings fail in one line; the log file is capped."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from harness.cli.main import main
from tests.app.client import AUTH, Api, path_name
from tests.support.net import free_port, wait_accepted
from tests.support.servers import serve_reference_app


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--port", "0"], "--port: must be at least 1, got 0"),
        (["--port", "70000"], "--port: must be at most 65535, got 70000"),
        (["--workers", "0"], "--workers: must be at least 1"),
        (["--threads", "0"], "--threads: must be at least 1"),
        (["--server", "waitress"], "--server: invalid choice: 'waitress'"),
        (["--workers", "two"], "--workers: expected an integer, got 'two'"),
        (["--log-backups", "0"], "--log-backups: must be at least 1"),
        (["--log-max-bytes", "10"], "--log-max-bytes: must be at least 1024"),
        (["--log-file", "/no/such/dir/serve.log"], "--log-file: cannot write"),
        (["--database-url", "mysql://x/y"], "unsupported database URL"),
        (["--database-url", "sqlite:///:memory:"], "needs a file path"),
        (["--database-url", "sqlite:////no/such/dir/x.db"], "unable to open database file"),
        (["--database-url", "postgresql://nobody@127.0.0.1:1/x"], "connection"),
    ],
)
def test_invalid_settings_are_one_line_errors_with_exit_2(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["serve", "--port", str(free_port()), "--database-url", f"sqlite:///{tmp_path}/x.db"]
    assert main([*argv, *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_port_in_use_is_a_one_line_error_from_the_real_command(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "harness",
                "serve",
                "--port",
                str(port),
                "--database-url",
                f"sqlite:///{tmp_path}/x.db",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"minitwit-harness: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def _wait_for_text(path: Path, text: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never reached {path}")


SERVERS = ["gunicorn", "granian"]


@pytest.mark.slow
@pytest.mark.parametrize("wsgi_server", SERVERS)
def test_log_file_is_size_capped_and_rotated_while_stdout_gets_everything(
    tmp_path: Path, wsgi_server: str
) -> None:
    log_file = tmp_path / "app.log"
    args: tuple[str, ...] = ("--log-file", str(log_file), "--log-max-bytes", "4096")
    args += ("--log-backups", "2", "--access-log", "--server", wsgi_server)
    with serve_reference_app(f"sqlite:///{tmp_path}/m.db", tmp_path, extra_args=args) as server:
        api = Api(server.url)
        for i in range(150):  # ~150 access lines of ~150 bytes: several times the cap
            api.request("GET", f"/latest?n={i}", auth=False)
        api.request("GET", "/latest?marker=last", auth=False)
        _wait_for_text(log_file, "marker=last")
        stdout = server.log()
    files = sorted(p.name for p in tmp_path.glob("app.log*"))
    assert files == ["app.log", "app.log.1", "app.log.2"]
    assert all((tmp_path / name).stat().st_size <= 4096 for name in files)
    assert all(f"/latest?n={i} " in stdout for i in range(150))


@pytest.mark.parametrize("wsgi_server", SERVERS)
@pytest.mark.parametrize("access_log", [False, True])
def test_access_log_is_opt_in(tmp_path: Path, access_log: bool, wsgi_server: str) -> None:
    args = ("--server", wsgi_server, *(("--access-log",) if access_log else ()))
    with serve_reference_app(f"sqlite:///{tmp_path}/m.db", tmp_path, extra_args=args) as server:
        api = Api(server.url)
        api.request("GET", "/latest?marker=logged", auth=False)
        if access_log:
            _wait_for_text(server.log_path, "marker=logged")
        else:  # the request went through (and is counted on /metrics)...
            metrics = api.request("GET", "/metrics", auth=False).text
            assert 'endpoint="/latest"' in metrics
    if not access_log:  # ...and the server's whole log, complete once it stopped, lacks it
        assert server.process.poll() is not None
        assert "Shutting down" in server.log() and "marker=logged" not in server.log()


@pytest.mark.parametrize(
    ("threads", "worker", "keeps_alive"), [("1", "sync", False), ("4", "gthread", True)]
)
def test_threads_choose_the_worker_class(
    tmp_path: Path, threads: str, worker: str, keeps_alive: bool
) -> None:
    args = ("--threads", threads)
    with serve_reference_app(f"sqlite:///{tmp_path}/m.db", tmp_path, extra_args=args) as server:
        with requests.Session() as session:  # asks for keep-alive
            answers = [session.get(f"{server.url}/latest", timeout=10) for _ in range(2)]
        assert [(a.status_code, a.json()) for a in answers] == [(200, {"latest": -1})] * 2
        closes = [a.headers.get("Connection", "").lower() == "close" for a in answers]
        assert closes == [not keeps_alive] * 2  # sync workers answer one request per connection
        assert f"Using worker: {worker}" in server.log()


@pytest.mark.parametrize("wsgi_server", SERVERS)
def test_serves_on_ipv6_loopback(tmp_path: Path, wsgi_server: str) -> None:
    db = f"sqlite:///{tmp_path}/m.db"
    args = ("--server", wsgi_server)
    with serve_reference_app(db, tmp_path, host="::1", workers=1, extra_args=args) as s:
        assert s.url.startswith("http://[::1]:")
        assert Api(s.url).latest() == -1


@pytest.mark.parametrize("wsgi_server", SERVERS)
def test_sigterm_lets_a_request_in_flight_finish_then_exits_0(
    tmp_path: Path, wsgi_server: str
) -> None:
    db = f"sqlite:///{tmp_path}/m.db"
    with serve_reference_app(db, tmp_path, workers=1, extra_args=("--server", wsgi_server)) as s:
        name = Api(s.url).new_user()
        body = b'{"content": "sent across a shutdown"}'
        head = (
            f"POST /msgs/{path_name(name)} HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: {AUTH['Authorization']}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        port = int(s.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(head + body[:10])
            wait_accepted(client)  # the request is in a worker's hands before the signal
            s.process.send_signal(signal.SIGTERM)
            time.sleep(0.5)  # the rest after the signal (sent earlier, the test is only weaker)
            client.sendall(body[10:])
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 204"), answer[:200]
        assert s.process.wait(timeout=15) == 0, s.log()[-2000:]
