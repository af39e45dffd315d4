"""``minitwit-harness scenario generate|stats`` through the real CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli.main import main
from harness.scenario.generate import generate_actions, write_scenario


def test_generate_writes_the_same_file_as_the_library(tmp_path: Path) -> None:
    out = tmp_path / "gen.tsv"
    code = main(["scenario", "generate", "--users", "12", "--actions", "300", "--seed", "9",
                 "-o", str(out)])  # fmt: skip
    assert code == 0
    expected = tmp_path / "lib.tsv"
    write_scenario(expected, generate_actions(12, 300, 9))
    assert out.read_bytes() == expected.read_bytes()


def test_generate_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "generate", "--users", "2", "--actions", "5", "-o", "-"]) == 0
    lines = capsys.readouterr().out.split("\n")
    assert len(lines) == 6 and lines[-1] == ""
    assert lines[0].split("\t")[:4] == ["0", "0", lines[0].split("\t")[2], "register"]


def test_stats_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.tsv"
    write_scenario(path, generate_actions(20, 2000, 1))
    assert main(["scenario", "stats", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "minitwit-harness.scenario-stats" and doc["version"] == 1
    assert doc["actions"] == 2000 and doc["users_registered"] == 20
    assert doc["hazards"]["references_before_register"] == 0
    assert doc["hazards"]["tweets_leading_bom"] >= 1


def test_stats_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.tsv"
    write_scenario(path, generate_actions(5, 200, 1))
    assert main(["scenario", "stats", str(path)]) == 0
    out = capsys.readouterr().out
    assert "200 actions" in out and "mix: register 5 (2.5%)" in out
    assert "unfollows_not_followed:" in out


def test_malformed_line_is_one_error_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("0\t0\t1\tregister\tA B\ta@x\tp\n1\t0\t1\ttweet\tA B\n", encoding="utf-8")
    assert main(["scenario", "stats", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"minitwit-harness: error: {path}:2: 5 columns for tweet, expected 6\n"


def test_skip_bad_lines_reports_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(
        "0\t0\t1\tregister\tA B\ta@x\tp\n1\t0\t1\tjump\tA B\tx\n2\t0\t1\ttweet\tA B\thello\n",
        encoding="utf-8",
    )
    assert main(["scenario", "stats", str(path), "--skip-bad-lines", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"{path}:2: skipped: unknown command 'jump'\n"
    doc = json.loads(captured.out)
    assert doc["actions"] == 2 and doc["bad_lines"] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scenario", "generate", "--users", "5", "--actions", "2", "-o", "x"],
         "actions (2) must be at least users (5)"),
        (["scenario", "generate", "--users", "5"], "scenario generate needs -o FILE"),
        (["scenario", "generate", "--users", "many", "-o", "x"],
         "--users: expected an integer, got 'many'"),
        (["scenario", "generate", "-o", "/nonexistent-dir/x.tsv"],
         "cannot write /nonexistent-dir/x.tsv: No such file or directory"),
    ],
)  # fmt: skip
def test_bad_generate_arguments(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_process_exit_code_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "crlf.tsv"
    path.write_bytes(b"0\t0\t1\tregister\tA B\ta@x\tp\r\n")
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "scenario", "stats", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr
        == f"minitwit-harness: error: {path}:1: CRLF line ending (the format uses LF only)\n"
    )
