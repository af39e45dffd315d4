"""``minitwit-harness dashboard``: served on its own; bad input is one line and exit 2."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from harness.cli.main import main
from harness.local import stop_process
from tests.support.sim_store import known_rows


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["dashboard", *args])
    _, err = capsys.readouterr()
    return code, err


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://postgres@127.0.0.1:1/nothing", "simulation database"),
        ("sqlite:////nonexistent-folder/sim.db", "does not exist"),
    ],
)
def test_unreachable_database_is_one_line(
    capsys: pytest.CaptureFixture[str], url: str, words: str
) -> None:
    code, err = _run(capsys, "--database-url", url, "--listen", "127.0.0.1:0")
    assert code == 2
    assert err.count("\n") == 1 and words in err, err


@pytest.mark.parametrize("listen", ["8080", "127.0.0.1:http", "127.0.0.1:70000", ":80", "[zz]:1"])
def test_bad_listen_address_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, listen: str
) -> None:
    code, err = _run(capsys, "--database-url", f"sqlite:///{tmp_path / 's.db'}", "--listen", listen)
    assert code == 2
    assert err.count("\n") == 1 and "--listen" in err, err
    assert "HOST:PORT" in err or "cannot listen on zz:1" in err, err


def test_address_in_use_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = _run(
            capsys,
            "--database-url",
            f"sqlite:///{tmp_path / 's.db'}",
            "--listen",
            f"127.0.0.1:{port}",
        )
    assert code == 2
    assert err.count("\n") == 1 and "cannot listen" in err and "--listen" in err, err


def test_serves_the_store_until_interrupted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    known_rows(url)
    cmd = [sys.executable, "-m", "harness", "dashboard", "--database-url", url]
    with subprocess.Popen(
        [*cmd, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.startswith("dashboard: http://127.0.0.1:"), line
            assert "controls off" in line, line
            base = line.split()[1]
            with urllib.request.urlopen(base + "api/status", timeout=10) as response:
                body = json.load(response)
            assert [t["name"] for t in body["targets"]] == ["a", "b"]
            assert body["targets"][0]["errors"] == 3
        finally:
            stop_process(proc)
