"""The headers the course simulator sends (spec sections 1 and 2), defined once.

The simulator is a ``requests`` client without the optional brotli/zstandard packages: its
session's defaults (User-Agent, Accept-Encoding, Accept, Connection) merged with its own
(``Connection: close``, ``Content-Type``, ``Authorization``). Every client of the harness
that plays the simulator sends these: replay and drill (``execution/replay/transport.py``),
load's writes, and the contract's probes and property phase (``checks/contract``).
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

from harness.constants import SIMULATOR_AUTH

#: requests' own ``Accept-Encoding`` without the optional brotli/zstandard packages.
ACCEPT_ENCODING = "gzip, deflate"


@cache
def user_agent() -> str:
    """requests' User-Agent for the requests version installed with the harness."""
    try:
        return f"python-requests/{version('requests')}"
    except PackageNotFoundError:  # pragma: no cover - requests is a dependency
        return "python-requests"


def session_headers(*, keep_alive: bool) -> tuple[tuple[str, str], ...]:
    """The headers of every simulator request, in the order ``requests`` sends them:
    its session defaults, with ``Connection: close`` unless ``keep_alive``."""
    return (
        ("User-Agent", user_agent()),
        ("Accept-Encoding", ACCEPT_ENCODING),
        ("Accept", "*/*"),
        ("Connection", "keep-alive" if keep_alive else "close"),
    )


def simulator_headers(*, keep_alive: bool) -> tuple[tuple[str, str], ...]:
    """The headers of a simulator write after Host, in the order ``requests`` sends them.

    The session's (:func:`session_headers`), then the simulator's Content-Type and
    Authorization; urllib3 writes Host first and Content-Length, from the body, last.
    """
    return (
        *session_headers(keep_alive=keep_alive),
        ("Content-Type", "application/json"),
        ("Authorization", SIMULATOR_AUTH),
    )
