"""A load run reports every request to its event sink while Locust runs, not only at the end."""

from __future__ import annotations

import re
import time
from pathlib import Path

from harness.config import Config, LoadConfig
from harness.events import ActionChecked, Event, RunFinished, RunStarted
from harness.execution.load import run_load
from harness.results import read_outcomes
from tests.load.support import SLOW_ON_SQLITE, assert_mix_kept, run_load_cli
from tests.support.servers import RunningServer

pytestmark = SLOW_ON_SQLITE


def test_every_request_reaches_the_sink_during_the_run(
    served_app: RunningServer, tmp_path: Path
) -> None:
    seen: list[tuple[float, Event]] = []

    def sink(event: Event) -> None:
        seen.append((time.monotonic(), event))

    config = Config(
        target=served_app.url,
        output_dir=str(tmp_path),
        load=LoadConfig(users=2, rate=40, spawn_rate=100, run_time=4, timeout=5),
    )
    result = run_load(config, sink)
    checked = [(t, e) for t, e in seen if isinstance(e, ActionChecked)]
    started = next(t for t, e in seen if isinstance(e, RunStarted))
    finished = next(t for t, e in seen if isinstance(e, RunFinished))
    # every request once, the same ones the results file holds
    assert len(checked) == result.requests > 0
    keys = sorted((e.outcome.started, e.outcome.action_id) for _, e in checked)
    assert keys == sorted((o.started, o.action_id) for o in read_outcomes(result.results_path))
    # live: the first requests arrived seconds before the 4 s run ended, and most of them
    # more than a second before its end (not in one burst when Locust exited)
    assert checked[0][0] - started < 3.0
    early = sum(1 for t, _ in checked if finished - t > 1.0)
    assert early >= len(checked) // 3, (early, len(checked))
    assert_mix_kept(
        list(read_outcomes(result.results_path)), tmp_path / "load" / "scenario.tsv", 0.5
    )


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
