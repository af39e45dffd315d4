"""Bad input to ``replay``: one clear line, exit 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.replay.replay_support import run_replay_cli, simple_actions, write_scenario
from tests.support.net import free_port


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--speed", "fast"), "--speed: expected 'max' or a number"),
        (("--speed", "-1"), "--speed: the factor must be greater than 0, got '-1'"),
        (("--profile", "lenient"), "invalid choice"),
        (("--concurrency", "many"), "--concurrency: expected an integer, got 'many'"),
        (("--concurrency", "0"), "--concurrency: must be at least 1, got 0"),
        (("--workers", "4", "--concurrency", "2"), "must be at least --workers"),
    ],
)
def test_bad_flags(tmp_path: Path, out_dir: Path, extra: tuple[str, ...], message: str) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(2, 3))
    run = run_replay_cli("http://127.0.0.1:9", scenario, out_dir, *extra)
    assert run.code == 2
    assert message in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_missing_scenario_file(tmp_path: Path, out_dir: Path) -> None:
    run = run_replay_cli("http://127.0.0.1:9", tmp_path / "nope.tsv", out_dir)
    assert run.code == 2 and "nope.tsv" in run.stderr
    assert "Traceback" not in run.stderr


def test_resume_with_a_results_file_of_another_scenario(tmp_path: Path, out_dir: Path) -> None:
    results = out_dir / "replay" / "results.jsonl"
    results.parent.mkdir(parents=True)
    header = {"type": "header", "format": "minitwit-harness.results", "version": 1}
    results.write_text(json.dumps({**header, "kind": "replay", "actions": 99}) + "\n")
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(2, 3))
    url = f"http://127.0.0.1:{free_port()}"
    run = run_replay_cli(url, scenario, out_dir, "--resume")
    assert run.code == 2
    assert "different scenario" in run.stderr and "Traceback" not in run.stderr


def test_resume_from_latest_with_an_unreachable_target(tmp_path: Path, out_dir: Path) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(2, 3))
    url = f"http://127.0.0.1:{free_port()}"
    run = run_replay_cli(url, scenario, out_dir, "--resume-from-latest")
    assert run.code == 2 and "/latest" in run.stderr


def test_target_that_is_not_a_url(tmp_path: Path, out_dir: Path) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(2, 3))
    run = run_replay_cli("localhost:5001", scenario, out_dir)
    assert run.code == 2 and "--target" in run.stderr and "Traceback" not in run.stderr


def test_bad_scenario_line_names_file_and_line(tmp_path: Path, out_dir: Path) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(2, 3))
    with open(scenario, "a", encoding="utf-8") as fh:
        fh.write("3\t0\t0\ttweet\tfive columns\n4\tx\n")
    url = f"http://127.0.0.1:{free_port()}"
    run = run_replay_cli(url, scenario, out_dir)
    assert run.code == 2 and f"{scenario}:4:" in run.stderr and "Traceback" not in run.stderr
    skipping = run_replay_cli(url, scenario, out_dir, "--skip-bad-lines")
    assert skipping.code == 1  # nothing listens: ConnectionErrors, but the run went on
    assert f"{scenario}:4: skipped" in skipping.stderr
    assert f"{scenario}:5: skipped" in skipping.stderr
    assert len(skipping.outcomes()) == 3


def test_resume_without_a_results_file(tmp_path: Path, out_dir: Path) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(2, 3))
    run = run_replay_cli(f"http://127.0.0.1:{free_port()}", scenario, out_dir, "--resume")
    assert run.code == 2 and "no results file to resume" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and not run.results.exists()


def test_retry_failed_needs_resume(tmp_path: Path, out_dir: Path) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(2, 3))
    run = run_replay_cli(f"http://127.0.0.1:{free_port()}", scenario, out_dir, "--retry-failed")
    assert run.code == 2 and "--retry-failed needs --resume" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content", ["", "0\t0\t0\ttweet\n"])
def test_a_scenario_without_actions(tmp_path: Path, out_dir: Path, content: str) -> None:
    scenario = tmp_path / "empty.tsv"
    scenario.write_text(content, encoding="utf-8")
    extra = ("--skip-bad-lines",) if content else ()
    run = run_replay_cli(f"http://127.0.0.1:{free_port()}", scenario, out_dir, *extra)
    assert run.code == 2 and f"{scenario}: the scenario has no actions" in run.stderr
    assert "Traceback" not in run.stderr
