"""The teams file of ``simulate``: which targets the simulator drives.

TOML, one ``[[target]]`` table per target::

    [[target]]
    name = "team-a"                       # unique; names the log file and the store's rows
    url = "http://10.0.0.5:5001"          # the base URL the simulator writes to
    source_address = "127.0.0.2"          # optional: bind the client socket (allowlists)
    start_offset = "30s"                  # optional: first action this long after the start

Any problem is one :class:`~harness.errors.UsageError` naming the file, the target and the
field (``teams.toml: target 2 ('team-b'): url: expected an http(s) URL, got 'ftp://x'``).
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config_values import parse_duration
from harness.errors import UsageError
from harness.target import Target

#: A name fits a file name and a URL path segment: the log is ``<log-dir>/<name>.log``.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_FIELDS = ("name", "url", "source_address", "start_offset")


@dataclass(frozen=True)
class TeamTarget:
    """One target of the teams file."""

    name: str
    url: str
    source_address: str | None = None
    start_offset: float = 0.0  # seconds after the simulation's start


def read_teams(path: str | Path) -> list[TeamTarget]:
    """The targets of the teams file at ``path``, in file order."""
    where = str(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise UsageError(f"{where}: teams file not found") from None
    except IsADirectoryError:
        raise UsageError(f"{where}: teams file is a directory") from None
    except PermissionError:
        raise UsageError(f"{where}: teams file not readable") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{where}: invalid TOML: {exc}") from None
    unknown = sorted(k for k in data if k != "target")
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} (expected [[target]] tables)")
    tables = data.get("target")
    if not isinstance(tables, list) or not tables:
        raise UsageError(f"{where}: no [[target]] table (each needs name and url)")
    targets: list[TeamTarget] = []
    seen: set[str] = set()
    for index, table in enumerate(tables, start=1):
        target = parse_target(f"{where}: target {index}", table)
        if target.name in seen:
            raise UsageError(f"{where}: target {index}: name {target.name!r} is used twice")
        seen.add(target.name)
        targets.append(target)
    return targets


def parse_target(label: str, table: Mapping[str, Any]) -> TeamTarget:
    """One target from a ``[[target]]`` table (or the dashboard's JSON); a UsageError starting
    with ``label`` names the field."""
    if not isinstance(table, dict):
        raise UsageError(f"{label}: expected a [[target]] table")
    name = table.get("name")
    if isinstance(name, str):
        label = f"{label} ({name!r})"
    unknown = sorted(k for k in table if k not in _FIELDS)
    if unknown:
        raise UsageError(f"{label}: unknown field {unknown[0]!r}")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UsageError(
            f"{label}: name: expected letters, digits, '.', '_' or '-' (at most 64), got {name!r}"
        )
    url = table.get("url")
    try:
        if not isinstance(url, str):
            raise ValueError(url)
        Target.parse(url)
    except ValueError:
        raise UsageError(f"{label}: url: expected an http(s) URL, got {url!r}") from None
    source = table.get("source_address")
    if source is not None:
        try:
            if not isinstance(source, str):
                raise ValueError(source)
            ipaddress.ip_address(source)
        except ValueError:
            raise UsageError(
                f"{label}: source_address: expected an IP address, got {source!r}"
            ) from None
    raw_offset = table.get("start_offset", 0)
    try:
        offset = parse_duration(raw_offset)
        if offset < 0:
            raise ValueError(raw_offset)
    except ValueError:
        raise UsageError(
            f"{label}: start_offset: expected a duration like 30, 30s or 1m30s, got {raw_offset!r}"
        ) from None
    return TeamTarget(name, url, source, offset)
