"""A real nginx (the Debian package) as a reverse proxy in front of a test server.

The test writes the config into its tmp_path; pid file, temp paths and logs stay there.
nginx runs in the foreground (``daemon off``) so the test owns and stops the process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.local import stop_process

NGINX = "/usr/sbin/nginx"

CONFIG = """\
daemon off;
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 128; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
{listen}
        location / {{
            proxy_pass {upstream};
            proxy_bind {bind};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


@dataclass
class RunningNginx:
    """An nginx process: the proxy's address as the app sees it, and its URLs per host."""

    port: int
    proxy_address: str  # the source address nginx uses towards the upstream
    hosts: tuple[str, ...]
    process: subprocess.Popen[bytes]
    root: Path

    def url(self, host: str | None = None) -> str:
        """Base URL of the proxy on ``host`` (default: the first listen address)."""
        host = host or self.hosts[0]
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def error_log(self) -> str:
        """What nginx logged so far."""
        path = self.root / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def access_log(
        self, *, lines: int = 1, containing: Sequence[str] = (), timeout: float = 5.0
    ) -> str:
        """The access log once it holds ``lines`` lines and every ``containing`` text.

        nginx writes a request's line in its log phase, after the response went out: a
        client can have its answer before the line is there. At ``timeout`` the log is
        returned as it is, for the test's assertion to show.
        """
        path = self.root / "access.log"
        deadline = time.monotonic() + timeout
        while True:
            text = path.read_text(errors="replace") if path.exists() else ""
            done = text.count("\n") >= lines and all(part in text for part in containing)
            if done or time.monotonic() > deadline:
                return text
            time.sleep(0.02)


def _free_port_on_all(hosts: Sequence[str]) -> int:
    """A port free on every host (the first host picks it, the others are checked)."""
    for _ in range(50):
        family = socket.AF_INET6 if ":" in hosts[0] else socket.AF_INET
        with socket.socket(family) as first:
            first.bind((hosts[0], 0))
            port = int(first.getsockname()[1])
            if all(_bindable(h, port) for h in hosts[1:]):
                return port
    raise RuntimeError(f"no common free port on {hosts}")


def _bindable(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _wait_listening(host: str, port: int, proc: subprocess.Popen[bytes], timeout: float) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket(family) as sock:
            if sock.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.05)
    return False


@contextmanager
def run_nginx(
    upstream: str,
    root: Path,
    *,
    hosts: Sequence[str] = ("127.0.0.2",),
    proxy_address: str = "127.0.0.2",
) -> Iterator[RunningNginx]:
    """Proxy ``hosts`` (free common port) to ``upstream``, connecting from ``proxy_address``."""
    root.mkdir(parents=True, exist_ok=True)
    port = _free_port_on_all(hosts)
    listen = "\n".join(f"        listen {'[' + h + ']' if ':' in h else h}:{port};" for h in hosts)
    # The Debian build defaults to user www-data, which cannot reach a root-owned tmp_path.
    user = "user root;" if os.geteuid() == 0 else ""
    conf = root / "nginx.conf"
    conf.write_text(
        CONFIG.format(user=user, root=root, listen=listen, upstream=upstream, bind=proxy_address)
    )
    cmd = [NGINX, "-p", str(root), "-e", str(root / "error.log"), "-c", str(conf)]
    with open(root / "stdout.log", "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    server = RunningNginx(port, proxy_address, tuple(hosts), proc, root)
    try:
        if not all(_wait_listening(h, port, proc, 15) for h in hosts):
            raise RuntimeError(f"nginx did not start:\n{server.error_log()}")
        yield server
    finally:
        stop_process(proc, grace_s=10)
