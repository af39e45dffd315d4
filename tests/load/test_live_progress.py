"""A load run reports every request to its event sink while Locust runs, not only at the end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.config import Config, LoadConfig
from harness.events import ActionChecked, Event
from harness.execution.load import run_load
from harness.results import read_outcomes
from tests.load.support import assert_mix_kept, run_load_cli
from tests.support.faulty_target import faulty_target
from tests.support.servers import RunningServer

pytestmark = pytest.mark.slow


def test_every_request_reaches_the_sink_during_the_run(tmp_path: Path) -> None:
    """Live, judged by what the target received, not by the clock: most events reach the
    sink while requests are still arriving, not in one burst when Locust exits."""
    seen: list[tuple[int, Event]] = []
    with faulty_target() as target:

        def sink(event: Event) -> None:
            seen.append((len(target.behaviour.log), event))  # requests received so far

        config = Config(
            target=target.url,
            output_dir=str(tmp_path),
            load=LoadConfig(users=2, rate=40, spawn_rate=100, run_time=4, timeout=5),
        )
        result = run_load(config, sink)
        received = len(target.behaviour.log)
    checked = [(n, e) for n, e in seen if isinstance(e, ActionChecked)]
    # every request once, the same ones the results file holds
    assert len(checked) == result.requests > 0
    keys = sorted((e.outcome.started, e.outcome.action_id) for _, e in checked)
    assert keys == sorted((o.started, o.action_id) for o in read_outcomes(result.results_path))
    # live: a third of the events came while at least 20 more requests were still to arrive
    early = sum(1 for n, _ in checked if received - n >= 20)
    assert early >= len(checked) // 3, (early, len(checked), received)
    assert_mix_kept(
        list(read_outcomes(result.results_path)), tmp_path / "load" / "scenario.tsv", 0.5
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_cli_prints_progress_lines_while_it_runs(
    served_app: RunningServer, tmp_path: Path
) -> None:
    run = run_load_cli(
        served_app.url,
        tmp_path,
        *("--rate", "40", "--spawn-rate", "100", "--run-time", "5", "--timeout", "5"),
    )
    assert run.returncode == 0, run.stderr
    counts = [int(n) for n in re.findall(r"^  load: (\d+) requests", run.stderr, re.M)]
    # one line every 2 s: two or more, counting up, means they were printed as it ran
    assert len(counts) >= 2, run.stderr
    assert counts == sorted(counts) and counts[0] < counts[-1]
    assert counts[-1] <= len(run.outcomes())
    assert f"✔ load: passed {len(run.outcomes())} requests" in run.stderr
    run.assert_mix_kept()
