"""``minitwit-harness serve`` refuses an invalid allowlist setting at start, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.net import free_port


def serve(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        sys.executable,
        "-m",
        "harness",
        "serve",
        "--database-url",
        f"sqlite:///{tmp_path / 'x.db'}",
        "--port",
        str(free_port()),
        *args,
    ]
    return subprocess.run(
        cmd, env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "args", "needle"),
    [
        ({"ACCEPTED_IPS": "127.0.0.1,bogus"}, (), "ACCEPTED_IPS: 'bogus' is not an IP address"),
        ({"TRUSTED_PROXIES": "10.0.0.1/8"}, (), "TRUSTED_PROXIES: '10.0.0.1/8'"),
        ({}, ("--accepted-ips", "127.0.0.1/40"), "ACCEPTED_IPS: '127.0.0.1/40'"),
        ({"MINITWIT_SERVE_TRUSTED_PROXIES": "*"}, (), "TRUSTED_PROXIES: '*' is not allowed"),
    ],
)
def test_invalid_setting_stops_serve_with_one_line(
    tmp_path: Path, env: dict[str, str], args: tuple[str, ...], needle: str
) -> None:
    result = serve(tmp_path, env, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("minitwit-harness: error: ")
    assert needle in lines[0]
    assert "Traceback" not in result.stdout + result.stderr
