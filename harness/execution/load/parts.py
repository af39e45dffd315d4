"""Part files: the raw timings one Locust process hands to ``run_load`` (Locust-free).

A part file is private to a run: a JSON header line, then one tab-separated line per
request (``action_id, command, user, status, error, check, latency_ms, started``). It is
written on the load generator's hot path, where a JSON record per request would cost a
large share of the client's CPU (see ``bench/bench_load.py``); ``run_load`` turns the parts
into ``outcome`` records of the versioned results file. Scenario fields never contain tabs
or newlines (the scenario format is tab-separated, one action per line), nor do check names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from harness.errors import InputError
from harness.results import Outcome

PART_FORMAT = "minitwit-harness.load-part"


class PartWriter:
    """Appends raw timings of one process; buffered, flushed on close."""

    def __init__(self, path: Path, worker: str, target: str | None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.worker = worker
        # Held open for the whole run; closed when the Locust process quits.
        self._fh: IO[str] = open(path, "w", encoding="utf-8", buffering=1 << 16)  # noqa: SIM115
        header = {"type": "header", "format": PART_FORMAT, "worker": worker, "target": target}
        self._fh.write(json.dumps(header) + "\n")

    def write(
        self,
        action_id: int,
        command: str,
        user: str | None,
        status: int | None,
        error: str | None,
        check: str | None,
        latency_ms: float,
        started: float,
    ) -> None:
        """One request's line (``None`` is written as an empty field)."""
        self._fh.write(
            f"{action_id}\t{command}\t{user or ''}\t{status or ''}\t{error or ''}\t"
            f"{check or ''}\t{latency_ms!r}\t{started!r}\n"
        )

    def close(self) -> None:
        """Flush and close."""
        self._fh.close()


def read_part(path: Path) -> Iterator[Outcome]:
    """The outcomes of one part file; a torn last line (killed process) is ignored."""
    lines = path.read_text(encoding="utf-8").split("\n")
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError:
        header = {}
    if header.get("format") != PART_FORMAT:
        raise InputError("not a load part file", path=str(path), line=1)
    worker = str(header["worker"])
    for line in lines[1:]:
        fields = line.split("\t")
        if len(fields) != 8:
            continue  # the empty tail, or a line torn by a killed process
        action_id, command, user, status, error, check, latency, started = fields
        latency_ms = float(latency)
        yield Outcome(
            action_id=int(action_id),
            command=command,
            user=user or None,
            status=int(status) if status else None,
            error=error or None,
            verdict="error" if check else "ok",
            check=check or None,
            latency_ms=latency_ms,
            started=float(started),
            finished=float(started) + latency_ms / 1000,
            worker=worker,
        )
