"""The drill's harness side never imports Locust or gevent (only its sender process does)."""

from __future__ import annotations

import subprocess
import sys


def test_drill_api_does_not_import_gevent() -> None:
    code = (
        "import sys, harness.execution.drill, harness.cli.commands.drill;"
        "from harness.execution.drill import run, proof, traffic, operation, document;"
        "bad = sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('locust', 'gevent', 'geventhttpclient'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
