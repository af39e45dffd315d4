"""The embedded target: the reference app under ``minitwit-harness serve`` on a temporary SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import requests

from harness.config import ServeConfig
from harness.errors import HarnessError
from harness.findings import Exchange
from harness.liveness import Failure, failure_kind
from harness.local import free_port, stop_process
from harness.target import target_url

START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class FirstExchange:
    """The one request shown before the gate starts: ``GET /latest`` and its answer."""

    url: str
    status: int | None  # None: the connection was dropped without an answer
    body: str
    exchange: Exchange | None = None  # the whole exchange, for the contract's latest.fresh

    def describe(self) -> str:
        """``GET http://.../latest -> 200 {"latest": -1}``."""
        if self.status is None:
            return f"GET {self.url} -> connection dropped without an answer"
        return f"GET {self.url} -> {self.status} {self.body}"


def first_exchange(base_url: str, timeout: float = 5.0) -> FirstExchange:
    """``GET /latest`` on the target; nothing listening is a HarnessError (exit 2).

    A dropped connection is no tool error: something answered, and crashed (a finding).
    """
    url = target_url(base_url, "/latest")
    try:
        response = requests.get(url, timeout=timeout)
    except requests.RequestException as exc:
        if failure_kind(exc) is Failure.DROPPED:
            dropped = Exchange(method="GET", url=url, error="ConnectionError")
            return FirstExchange(url=url, status=None, body="", exchange=dropped)
        reason = type(exc).__name__
        raise HarnessError(f"target not reachable: GET {url}: {reason}") from None
    body = response.text.strip()
    with suppress(ValueError):  # not JSON: shown as it came
        body = json.dumps(response.json())
    if len(body) > 200:  # one line on the console, whatever the target answers
        body = f"{body[:200]}… ({len(body)} characters)"
    exchange = Exchange(
        method="GET",
        url=url,
        status=response.status_code,
        response_headers=dict(response.headers),
        response_body=response.text,
        elapsed_ms=response.elapsed.total_seconds() * 1000,
    )
    return FirstExchange(url=url, status=response.status_code, body=body, exchange=exchange)


def _wait_ready(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise HarnessError(f"embedded reference app exited at start: {tail[0]}")
        try:
            requests.get(base_url + "/latest", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)  # polling a server that is still starting; nothing to wait on
    raise HarnessError(f"embedded reference app did not answer within {START_TIMEOUT_S:.0f}s")


@contextmanager
def embedded_reference_app(serve: ServeConfig, work_dir: Path | None = None) -> Iterator[str]:
    """Start the reference app on a fresh SQLite file and a free port; yield its base URL."""
    with tempfile.TemporaryDirectory(prefix="minitwit-gate-") as tmp:
        base = Path(work_dir or tmp)
        base.mkdir(parents=True, exist_ok=True)
        db = Path(tmp) / "minitwit.db"
        log = base / "embedded-app.log"
        port = free_port(serve.host)
        cmd = [
            sys.executable,
            "-m",
            "harness",
            "serve",
            "--database-url",
            f"sqlite:///{db}",
            "--host",
            serve.host,
            "--port",
            str(port),
            "--workers",
            str(serve.workers),
            "--threads",
            str(serve.threads),
        ]
        if serve.accepted_ips:
            cmd += ["--accepted-ips", serve.accepted_ips]
        if serve.trusted_proxies:
            cmd += ["--trusted-proxies", serve.trusted_proxies]
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://{serve.host}:{port}"
        try:
            _wait_ready(url, proc, log)
            yield url
        finally:
            stop_process(proc, grace_s=15)
