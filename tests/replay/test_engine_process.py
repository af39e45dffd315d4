"""The Locust process started ahead of its job: it imports while the scenario is read.

It must run the job it is handed, end by itself when the run is called off before that,
and never outlive a harness that stopped on bad input.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness.execution.replay.job import Job, action_to_wire
from harness.execution.replay.launcher import EngineProcess
from harness.results import ResultsWriter, header_record, read_records
from tests.replay.replay_support import (
    processes_mentioning,
    run_replay_cli,
    simple_actions,
    write_scenario,
)
from tests.support.net import free_port


def test_called_off_before_its_job_it_ends_by_itself(tmp_path: Path) -> None:
    job_path = tmp_path / "job-local.json"
    engine = EngineProcess(job_path, tmp_path / "locust.log")
    assert engine.proc.stdin is not None
    engine.proc.stdin.close()  # what leaving the block without hand() does first
    assert engine.proc.wait(timeout=60) == 0  # its own clean exit, not a signal
    assert not job_path.exists()


def test_leaving_the_block_without_a_job_stops_it(tmp_path: Path) -> None:
    job_path = tmp_path / "job-local.json"
    with EngineProcess(job_path, tmp_path / "locust.log") as engine:
        assert engine.proc.poll() is None  # still importing Locust
    assert engine.proc.poll() is not None
    assert not processes_mentioning(str(job_path))


def test_it_runs_the_job_it_is_handed(tmp_path: Path) -> None:
    # Nothing listens on the target: every action becomes a ConnectionError outcome.
    results = tmp_path / "results.jsonl"
    with ResultsWriter(results) as writer:
        writer.write(header_record("replay", "http://x", actions=3))
    job = Job(role="local", target=f"http://127.0.0.1:{free_port()}", results=str(results))
    job.actions = [action_to_wire(a) for a in simple_actions(1, 3)]
    with EngineProcess(tmp_path / "job-local.json", tmp_path / "locust.log") as engine:
        proc = engine.hand(job)
        assert proc.wait(timeout=60) == 0, (tmp_path / "locust.log").read_text()
    outcomes = [r for r in read_records(results) if r["type"] == "outcome"]
    assert sorted(r["action_id"] for r in outcomes) == [0, 1, 2]
    assert {r["error"] for r in outcomes} == {"ConnectionError"}


def test_bad_scenario_leaves_no_engine_behind(tmp_path: Path, out_dir: Path) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(2, 3))
    with open(scenario, "a", encoding="utf-8") as fh:
        fh.write("3\tx\n")
    run = run_replay_cli(f"http://127.0.0.1:{free_port()}", scenario, out_dir)
    assert run.code == 2 and f"{scenario}:4:" in run.stderr
    job_path = out_dir / "replay" / "job-local.json"
    assert not job_path.exists()  # the job was never handed over
    assert not processes_mentioning(str(job_path))


def test_records_before_an_offset(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    with ResultsWriter(results) as writer:
        writer.write(header_record("replay", "http://x", actions=3))
        writer.write({"type": "outcome", "action_id": 0})
    offset = results.stat().st_size
    with ResultsWriter(results, append=True) as writer:
        writer.write({"type": "outcome", "action_id": 1})
    earlier = list(read_records(results, end=offset))
    assert [r["type"] for r in earlier] == ["header", "outcome"]
    assert len(list(read_records(results))) == 3


def test_the_cli_parser_imports_no_engine() -> None:
    # Every command's parser is built on every call: the engines load only to run.
    code = (
        "import sys; from harness.cli.main import build_parser; build_parser();"
        "heavy = ('requests', 'jsonschema', 'harness.verify', 'harness.checks.contract',"
        " 'harness.execution.replay.engine', 'harness.probes.allowlist');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_replay_engine_starts_its_process_before_loading_requests() -> None:
    # requests and verify load only when used (--resume-from-latest, --verify), after the
    # Locust process was started.
    code = (
        "import sys; import harness.execution.replay.engine;"
        "print(sorted(m for m in ('requests', 'harness.verify') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
