"""Resume completes the job (issue 14, item 7): an outage, a restart, ``--retry-failed``.

The target is the reference app as a real process (gunicorn, SQLite file), killed with its
workers mid-replay and started again on the same port and database. The resumed run sends
the failed actions again and the target ends exactly as the scenario leaves it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.scenario.generate import generate_actions, write_scenario
from tests.replay.replay_support import (
    LOADED_MACHINE,
    outcome_ids,
    replay_command,
    run_replay_cli,
)
from tests.support.net import free_port, wait_http
from tests.support.waiting import wait_until


def _serve(database: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``minitwit-harness serve`` in its own process group (so it can die with its workers)."""
    cmd = [sys.executable, "-m", "harness", "serve", "--database-url", f"sqlite:///{database}"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/latest", timeout=30)
    except TimeoutError:
        _kill(proc)
        raise
    return proc


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server and its workers: requests in flight get no answer."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_retry_failed_after_a_crash_and_restart_completes_the_scenario(
    tmp_path: Path, out_dir: Path
) -> None:
    actions = generate_actions(users=20, actions=800, seed=7)
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, actions)
    results = out_dir / "replay" / "results.jsonl"
    database, port, log = tmp_path / "m.db", free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}"
    server = _serve(database, port, log)
    argv = replay_command(url, scenario, out_dir, "--concurrency", "2", *LOADED_MACHINE)
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: len(outcome_ids(results)) >= 200, timeout=60, what="200 outcomes")
        _kill(server)  # mid-replay
        stdout, stderr = first.communicate(timeout=120)
        assert first.returncode == 1, stdout + stderr
        failed = {o["action_id"] for o in _outcomes(results) if o["verdict"] != "ok"}
        assert failed and len(failed) < len(actions)
        server = _serve(database, port, log)  # the same database, the same port
        resumed = run_replay_cli(
            url, scenario, out_dir, "--resume", "--retry-failed", "--verify", *LOADED_MACHINE
        )
        verify = [sys.executable, "-m", "harness", "verify", "--target", url]
        verify += ["--scenario", str(scenario), "--results", str(results)]
        verified = subprocess.run(verify, capture_output=True, text=True, timeout=120)
    finally:
        _kill(server)
        if first.poll() is None:
            first.kill()
            first.wait()
    assert resumed.code == 0, resumed.stdout[-3000:] + resumed.stderr[-2000:]
    assert "verify: passed" in resumed.stdout  # 0 lost, 0 duplicated, 0 altered
    assert verified.returncode == 0, verified.stdout + verified.stderr  # and verify alone
    assert "finding" not in resumed.stdout
    assert f"sent again after failing (--retry-failed): {len(failed)}" in resumed.stdout
    outcomes = _outcomes(results)
    acknowledged_before = {o["action_id"] for o in outcomes[: -len(failed)] if o["verdict"] == "ok"}
    sent_again = [o["action_id"] for o in outcomes[-len(failed) :]]
    assert sorted(sent_again) == sorted(failed)  # every failed one, none acknowledged
    assert not acknowledged_before & set(sent_again)
    assert {o["action_id"] for o in outcomes} == {a.id for a in actions}


def _outcomes(results: Path) -> list[dict[str, Any]]:
    """The outcome records of the results file, in file order."""
    records = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    return [r for r in records if r.get("type") == "outcome"]
