"""``locust -f scenarios/locustfile.py --headless`` works directly, with the harness's checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness.execution.load.parts import read_part
from tests.load.support import SLOW_ON_SQLITE
from tests.support.servers import RunningServer

LOCUSTFILE = Path(__file__).resolve().parents[2] / "scenarios" / "locustfile.py"

pytestmark = SLOW_ON_SQLITE


def test_plain_locust_headless_run(served_app: RunningServer, tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        *("-u", "3", "-r", "10", "-t", "2s", "--host", served_app.url),
        *("--mt-results-dir", str(parts), "--mt-timeout", "5", "--mt-users", "20"),
        "--mt-actions=200",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    # Locust's own summary lists the simulator endpoints ...
    assert "POST     /msgs/<user>" in proc.stderr + proc.stdout
    # ... and the harness wrote every request's raw outcome.
    outcomes = list(read_part(parts / "part-local.tsv"))
    assert outcomes and all(o.verdict == "ok" for o in outcomes)
