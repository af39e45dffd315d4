"""``minitwit-harness verify`` on bad input: one error line, exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli.main import main
from tests.support.net import free_port
from tests.verify.canned import GOOD, canned_server

SCENARIO = "0\t0\t1\tregister\tAnn Lee\ta@x\tp\n1\t0\t1\ttweet\tAnn Lee\thello there you\n"
BAD = (
    "0\t0\t1\tregister\tAnn Lee\ta@x\tp\n"
    "1\t0\t1\ttweet\tAnn Lee\n"  # a column short
    "2\t0\t1\ttweet\tAnn Lee\thello there you\n"
)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_unreachable_target_is_one_line_exit_2(tmp_path: Path) -> None:
    target = f"http://127.0.0.1:{free_port()}"
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "verify", "--target", target,
         "--scenario", str(_file(tmp_path, SCENARIO))],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"minitwit-harness: error: target {target} is unreachable: ")
    assert "Connection refused" in proc.stderr and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_malformed_scenario_line_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, BAD)
    assert main(["verify", "--target", "http://127.0.0.1:9", "--scenario", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"minitwit-harness: error: {path}:2: 5 columns for tweet, expected 6\n"
    )


def test_skip_bad_lines_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path, BAD)
    routes = {**GOOD, "/latest": (200, "application/json", b'{"latest": 2}')}
    with canned_server(routes) as url:
        code = main(["verify", "--target", url, "--scenario", str(path), "--skip-bad-lines"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{path}:2: skipped: 5 columns for tweet, expected 6" in out
    assert "verify passed: 0 difference(s)" in out


def test_findings_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    routes = {**GOOD, "/latest": (200, "application/json", b'{"latest": -1}')}
    with canned_server(routes) as url:
        code = main(["verify", "--target", url, "--scenario", str(_file(tmp_path, SCENARIO))])
    assert code == 1
    assert "[verify.wrong-latest] GET /latest: GET /latest is -1 (stale)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["verify", "--scenario", "x.tsv"], "verify needs --target URL"),
        (["verify", "--target", "http://127.0.0.1:9"], "verify needs --scenario FILE"),
        (["verify", "--target", "http://127.0.0.1:9", "--scenario", "nope.tsv"],
         "nope.tsv: scenario file not found"),
        (["verify", "--target", "http://127.0.0.1:9", "--scenario", "x", "--concurrency", "0"],
         "--concurrency: must be at least 1, got 0"),
        (["verify", "--target", "http://127.0.0.1:9", "--scenario", "x", "--results", "r.jsonl"],
         "r.jsonl: results file not found"),
    ],
)  # fmt: skip
def test_bad_arguments(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    _file(tmp_path, SCENARIO).rename(tmp_path / "x")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
