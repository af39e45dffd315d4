"""Parser of the course's scenario format (spec section 5): exact, strict, streaming.

UTF-8, LF line endings, tab-separated with no quoting at all: a field may contain quotes,
backslashes, commas or start with ``#``, so neither the csv module nor a comment-skipping
reader is ever used. Lines are split on ``\\n`` only (never ``str.splitlines``, which also
breaks on U+2028, form feeds and other characters a tweet may contain).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import assert_never

from harness.errors import InputError
from harness.scenario.api import spec
from harness.scenario.model import Action, Command

_COMMANDS: dict[str, Command] = {str(c): c for c in Command}
_EXPECTED_COLUMNS = "7 for register, 6 otherwise"


@dataclass(frozen=True, slots=True)
class BadLine:
    """A malformed line: its 1-based number, what is wrong, and its text (as decoded)."""

    line: int
    problem: str
    text: str


@dataclass
class Scenario:
    """A parsed scenario file: its actions in file order and the lines that were skipped."""

    path: str
    actions: list[Action] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)


class LineError(ValueError):
    """A problem with one line (internal; surfaces as InputError or BadLine)."""


def _integer(text: str, name: str) -> int:
    # ASCII digits only: str.isdigit() alone accepts "²" and other Unicode digits.
    if not text or not (text.isascii() and text.isdigit()):
        raise LineError(f"{name} must be a non-negative integer, got {text!r}")
    return int(text)


def parse_fields(text: str, line_no: int) -> Action:
    """Turn one decoded line (without its LF) into an Action; raise LineError if malformed."""
    if text.endswith("\r"):
        raise LineError("CRLF line ending (the format uses LF only)")
    if not text:
        raise LineError("empty line")
    cols = text.split("\t")
    if len(cols) < 4:
        raise LineError(f"{len(cols)} tab-separated columns, expected {_EXPECTED_COLUMNS}")
    command = _COMMANDS.get(cols[3])
    if command is None:
        raise LineError(f"unknown command {cols[3]!r}")
    columns = spec(command).columns
    if len(cols) != columns:
        raise LineError(f"{len(cols)} columns for {command}, expected {columns}")
    action_id = _integer(cols[0], "id")
    if action_id != line_no - 1:
        raise LineError(f"id {action_id} does not match the line index {line_no - 1}")
    delay_ms = _integer(cols[1], "delay_ms")
    ts_ms = _integer(cols[2], "ts_ms")
    head = (action_id, delay_ms, ts_ms, command, cols[4])
    match command:
        case Command.REGISTER:
            return Action(*head, email=cols[5], pwd=cols[6], line=line_no)
        case Command.TWEET:
            return Action(*head, content=cols[5], line=line_no)
        case Command.FOLLOW | Command.UNFOLLOW:
            return Action(*head, target=cols[5], line=line_no)
        case _:
            assert_never(command)


def parse_line(text: str, line_no: int, path: str) -> Action:
    """Parse one line (1-based ``line_no``); a malformed line raises InputError."""
    try:
        return parse_fields(text, line_no)
    except LineError as exc:
        raise InputError(str(exc), path=path, line=line_no) from None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(f"invalid UTF-8 at byte {exc.start} of the line") from None


def iter_lines(chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """Yield (1-based number, bytes without LF) for each line of a binary stream."""
    for number, raw in enumerate(chunks, start=1):
        yield number, raw[:-1] if raw.endswith(b"\n") else raw


def iter_actions(
    chunks: Iterable[bytes], path: str, bad_lines: list[BadLine] | None = None
) -> Iterator[Action]:
    """Parse a binary line stream lazily; with ``bad_lines`` collect bad lines and go on."""
    for number, raw in iter_lines(chunks):
        try:
            yield parse_fields(_decode(raw), number)
        except LineError as exc:
            if bad_lines is None:
                raise InputError(str(exc), path=path, line=number) from None
            bad_lines.append(BadLine(number, str(exc), raw.decode("utf-8", errors="replace")))


def read_scenario(path: str | Path, *, skip_bad_lines: bool = False) -> Scenario:
    """Read a whole scenario file; a bad line raises InputError unless ``skip_bad_lines``."""
    name = str(path)
    scenario = Scenario(path=name)
    try:
        with open(path, "rb") as fh:
            bad = scenario.bad_lines if skip_bad_lines else None
            scenario.actions.extend(iter_actions(fh, name, bad))
    except FileNotFoundError:
        raise InputError("scenario file not found", path=name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a scenario file", path=name) from None
    except PermissionError:
        raise InputError("permission denied", path=name) from None
    return scenario
