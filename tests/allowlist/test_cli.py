"""``minitwit-harness allowlist`` on the command line: matrix, exit codes, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli.main import main
from tests.allowlist.probing import serve_with
from tests.support.net import free_port
from tests.support.servers import RunningServer


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serve_with(tmp_path_factory.mktemp("cli"), accepted="127.0.0.5") as server:
        yield server


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["allowlist", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_matrix_and_exit_zero_when_the_allowlist_holds(
    app: RunningServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "out" / "allowlist.json"
    code, out, _ = run_cli(
        capsys,
        "--target",
        app.url,
        "--allowed-source",
        "127.0.0.5",
        "--denied-source",
        "127.0.0.9",
        "--path",
        "/msgs?no=1",
        "--json",
        str(report),
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split() == [
        "source",
        "trick",
        "path",
        "claims",
        "expected",
        "observed",
        "verdict",
    ]
    assert "127.0.0.9  x-real-ip" in out
    assert "no findings" in out
    data = json.loads(report.read_text())
    assert data["format"] == "minitwit-harness.allowlist" and data["version"] == 1
    assert data["ok"] is True and data["counts"]["fail"] == 0
    assert len(data["matrix"]) == sum(1 for line in lines if line.endswith("PASS"))


def test_exit_one_and_findings_when_the_expectation_is_wrong(
    app: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        capsys, "--target", app.url, "--allowed-source", "127.0.0.9", "--no-spoofing"
    )
    assert code == 1
    assert "allowlist.allowed-source-locked-out" in out
    assert "FAIL" in out


def _one_line_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, _out, err = run_cli(capsys, *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_unreachable_target_is_one_line_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    target = f"http://127.0.0.1:{free_port()}"
    line = _one_line_error(capsys, "--target", target, "--denied-source", "127.0.0.9")
    assert line == f"minitwit-harness: error: target {target} is unreachable: Connection refused"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--denied-source", "127.0.0.9"), "need --target URL"),
        (
            ("--target", "ftp://x", "--denied-source", "127.0.0.9"),
            "--target: expected an http(s) URL, got 'ftp://x'",
        ),
        (("--target", "{url}"), "need an --allowed-source or a --denied-source"),
        (("--target", "{url}", "--denied-source", "nine"), "source 'nine' is not an IP address"),
        (("--target", "{url}", "--denied-source", "::1"), "source ::1 is IPv6 but target"),
        (
            ("--target", "{url}", "--allowed-source", "192.0.2.7"),
            "source 192.0.2.7 is not a usable address of this machine",
        ),
        (("--target", "{url}", "--denied-source", "127.0.0.9", "--timeout", "x"), "--timeout"),
    ],
)
def test_bad_invocations_are_one_line_errors(
    app: RunningServer,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    needle: str,
) -> None:
    line = _one_line_error(capsys, *(a.replace("{url}", app.url) for a in args))
    assert needle in line


def test_unwritable_json_path_fails_before_probing(
    app: RunningServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    args = ("--target", app.url, "--denied-source", "127.0.0.9", "--json", f"{blocker}/a.json")
    line = _one_line_error(capsys, *args)
    assert f"cannot write {blocker}/a.json" in line
