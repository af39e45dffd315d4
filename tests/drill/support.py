"""Run ``minitwit-harness drill`` as a real process and read its JSON results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.servers import serve_cmd


@dataclass
class DrillRun:
    """Exit code, console output and the JSON results of one drill."""

    code: int
    stdout: str
    stderr: str
    results: dict[str, Any]


def reference_cmd(database_url: str, port: int) -> list[str]:
    """``minitwit-harness serve`` on loopback ``port``."""
    return serve_cmd(database_url, port)


def run_drill(
    target: str,
    tmp_path: Path,
    *args: str,
    timeout: float = 120.0,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> DrillRun:
    """Run a drill with short phases (4 s warm-up, 5 s cool-down) unless ``args`` say else."""
    results = tmp_path / "drill.json"
    cmd = [
        sys.executable,
        "-m",
        "harness",
        "drill",
        "--target",
        target,
        "--warm-up",
        "4s",
        "--cool-down",
        "5s",
        "--rate",
        "20",
        "--results",
        str(results),
        "--output-dir",
        str(tmp_path / "out"),
        *args,
    ]
    full_env = None if env is None else {**os.environ, **env}
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, check=False, env=full_env, cwd=cwd
    )
    data = json.loads(results.read_text()) if results.exists() else {}
    return DrillRun(proc.returncode, proc.stdout, proc.stderr, data)
