"""``import harness`` (and the load command's own modules) never import Locust or gevent."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "harness",
    "harness.cli.main",
    "harness.cli.commands.load",
    "harness.execution.load",
    "harness.execution.load.runner",
    "harness.checks.thresholds",
)


def test_load_modules_do_not_import_locust_or_gevent() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {MODULES!r}: importlib.import_module(m)\n"
        "from harness.cli.main import build_parser; build_parser()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('locust', 'gevent'))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
