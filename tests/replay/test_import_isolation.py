"""``import harness`` and the replay API never import Locust or gevent (they monkey-patch)."""

from __future__ import annotations

import subprocess
import sys


def test_replay_api_and_cli_do_not_import_locust() -> None:
    code = (
        "import sys, harness, harness.execution.replay, harness.cli.main;"
        "harness.cli.main.build_parser();"
        "from harness.execution.replay import engine, launcher, scheduler, transport;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('locust', 'gevent'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
