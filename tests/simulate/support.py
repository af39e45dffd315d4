"""Running ``minitwit-harness simulate`` as users do (its own process) and reading its store."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.simulation.store import open_store

STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def write_teams(path: Path, targets: Sequence[tuple[str, str]]) -> Path:
    """A teams file with ``(name, url)`` targets."""
    text = "".join(f'[[target]]\nname = "{n}"\nurl = "{u}"\n\n' for n, u in targets)
    path.write_text(text, encoding="utf-8")
    return path


def simulate_cmd(teams: Path, database_url: str, log_dir: Path, *extra: str) -> list[str]:
    """The command line of ``simulate`` for ``teams`` into ``database_url``."""
    return [
        sys.executable,
        "-m",
        "harness",
        "simulate",
        "--targets",
        str(teams),
        "--database-url",
        database_url,
        "--log-dir",
        str(log_dir),
        *extra,
    ]


def start_simulate(cmd: list[str], out: Path) -> subprocess.Popen[bytes]:
    """Start ``cmd`` with stdout and stderr into ``out`` (the console, read afterwards)."""
    with open(out, "ab") as fh:
        return subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)


def rows(database_url: str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of one query on the simulation store."""
    store = open_store(database_url)
    try:
        return store.query(sql, params)
    finally:
        store.close()


def log_lines(text: str, url: str) -> list[str]:
    """A simulator log without its timestamps, the target's URL as ``URL``."""
    out = []
    for line in text.splitlines():
        stamp, _, rest = line.partition(",")
        assert STAMP.fullmatch(stamp), line
        out.append(rest.replace(url, "URL"))
    return out
