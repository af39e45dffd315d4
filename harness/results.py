"""The versioned results format shared by replay, load, verify and the reports.

A results file is JSON Lines: a header record first, then one ``outcome`` record per
request as it completes (appended and flushed, so a killed run loses at most what was in
flight). Other record types may follow (``latest`` samples, ``summary``); readers skip
types they do not know.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from harness.constants import FORMAT_VERSION, RESULTS_FORMAT
from harness.errors import InputError


@dataclass(frozen=True)
class Outcome:
    """The result of one request the harness sent."""

    action_id: int  # scenario action id; -1 for reads that are not scenario actions
    command: str  # register, tweet, follow, unfollow, or a read: msgs, msgs_user, fllws, latest
    user: str | None
    status: int | None  # HTTP status, None when an error class replaced the response
    error: str | None  # ConnectionError, ReadTimeout, other exception class, or None
    verdict: str  # "ok" or "error" under the run's profile
    check: str | None  # name of the failed check, None when ok
    latency_ms: float  # sub-millisecond precision
    started: float  # epoch seconds
    finished: float  # epoch seconds
    worker: str | None = None
    redirects: int = 0  # redirects followed before the judged answer (replay)

    def to_record(self) -> dict[str, Any]:
        """The JSON record, with its type tag."""
        return {"type": "outcome", **asdict(self)}

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Outcome:
        """Inverse of :meth:`to_record`."""
        fields = {k: v for k, v in rec.items() if k != "type"}
        return cls(**fields)


def header_record(kind: str, target: str | None, **extra: Any) -> dict[str, Any]:
    """The first line of every results file."""
    return {
        "type": "header",
        "format": RESULTS_FORMAT,
        "version": FORMAT_VERSION,
        "kind": kind,
        "target": target,
        **extra,
    }


class ResultsWriter:
    """Appends records to a results file, flushing each one."""

    def __init__(self, path: str | Path, *, append: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Held open for the whole run; closed by close() or the context manager.
        self._fh: IO[str] = open(self.path, "a" if append else "w", encoding="utf-8")  # noqa: SIM115

    def write(self, record: dict[str, Any]) -> None:
        """Write one record and flush it to the OS."""
        self._fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._fh.flush()

    def outcome(self, outcome: Outcome) -> None:
        """Write one outcome record."""
        self.write(outcome.to_record())

    def close(self) -> None:
        """Close the file."""
        self._fh.close()

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LineTail:
    """Follows a file another process appends to: the whole lines added since the last call.

    A line whose end is not written yet stays in the file for the next call.
    """

    def __init__(self, path: str | Path, offset: int = 0) -> None:
        self.path = Path(path)
        self.offset = offset

    def new_lines(self) -> list[bytes]:
        """The complete lines (without their newline) written since the previous call."""
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                chunk = fh.read()
        except FileNotFoundError:
            return []
        end = chunk.rfind(b"\n")
        if end < 0:
            return []
        self.offset += end + 1
        return chunk[:end].split(b"\n")


def read_records(path: str | Path, *, end: int | None = None) -> Iterator[dict[str, Any]]:
    """Yield the records of a results file; a torn last line (killed writer) is ignored.

    ``end``: read only the file's first ``end`` bytes (the records written before then).
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            lines = fh.read(-1 if end is None else end).decode("utf-8").split("\n")
    except FileNotFoundError:
        raise InputError("results file not found", path=str(p)) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            if number >= len(lines) - 1:  # torn final line of a killed run
                return
            raise InputError("not a JSON record", path=str(p), line=number) from None
        if number == 1 and (rec.get("type") != "header" or rec.get("format") != RESULTS_FORMAT):
            raise InputError("not a minitwit-harness results file", path=str(p), line=1)
        if number == 1 and rec.get("version") != FORMAT_VERSION:
            raise InputError(f"unsupported results version {rec.get('version')}", path=str(p))
        yield rec


def read_outcomes(path: str | Path) -> Iterator[Outcome]:
    """Yield only the outcome records of a results file."""
    for rec in read_records(path):
        if rec.get("type") == "outcome":
            yield Outcome.from_record(rec)


def recorded_namespace(path: str | Path) -> str | None:
    """The namespace tag a replay results file's header recorded (None: names as written)."""
    for rec in read_records(path):
        tag = rec.get("namespace")
        return tag if isinstance(tag, str) else None
    return None
