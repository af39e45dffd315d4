"""Whether a target answers, how a request failed, and waiting for a crashed target to return.

Real targets crash and are brought back by a supervisor or a container restart policy, so a
run that meets a dead target waits for it (``--restart-wait``) before it calls the rest of
its work "not run". ``GET /latest`` is the probe: every implementation serves it, without
credentials.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

import requests

from harness.errors import TargetUnreachable
from harness.simulator_headers import session_headers
from harness.target import Target, target_url

#: Statuses a reverse proxy answers for an application that is down (nginx, Traefik, ...).
PROXY_DOWN = frozenset({502, 503, 504})
#: Seconds between two probes while waiting for a target to come back.
POLL_S = 0.2
#: Default of ``--restart-wait``: long enough for a supervisor or Docker to restart an app.
RESTART_WAIT_S = 15.0


class Failure(StrEnum):
    """How a request got no HTTP answer."""

    DROPPED = "dropped"  # connected, then closed or reset without an answer
    REFUSED = "refused"  # nothing listening (or unreachable)
    TIMEOUT = "timeout"  # no answer in time
    OTHER = "other"


class State(StrEnum):
    """What a probe of the target saw."""

    UP = "up"  # an HTTP answer
    DROPPING = "dropping"  # the connection is accepted, then closed without an answer
    DOWN = "down"  # refused, timed out, or a proxy saying the app is gone


def failure_kind(exc: BaseException) -> Failure:
    """Classify a ``requests`` exception: dropped, refused, timeout or other."""
    if isinstance(exc, requests.Timeout):
        return Failure.TIMEOUT
    if not isinstance(exc, requests.ConnectionError):
        return Failure.OTHER
    cause: BaseException | None = exc
    seen = 0
    while cause is not None and seen < 10:
        name = type(cause).__name__
        if name in ("NewConnectionError", "ConnectTimeoutError", "NameResolutionError"):
            return Failure.REFUSED
        if isinstance(cause, ConnectionRefusedError):
            return Failure.REFUSED
        nested = getattr(cause, "reason", None) or (cause.args[0] if cause.args else None)
        cause = nested if isinstance(nested, BaseException) else cause.__context__
        seen += 1
    return Failure.DROPPED


def _probe_headers() -> dict[str, str]:
    """The simulator's session headers (a new connection each), no credentials."""
    return dict(session_headers(keep_alive=False))


def probe(base_url: str, timeout: float = 2.0) -> State:
    """One ``GET /latest``: up, dropping the connection, or down."""
    try:
        response = requests.get(
            target_url(base_url, "/latest"), headers=_probe_headers(), timeout=timeout
        )
    except requests.RequestException as exc:
        return State.DROPPING if failure_kind(exc) is Failure.DROPPED else State.DOWN
    return State.DOWN if response.status_code in PROXY_DOWN else State.UP


def require_reachable(base_url: str, timeout: float) -> None:
    """Raise TargetUnreachable (one line) when nothing answers ``GET /latest`` at the start.

    A dropped connection is an answer of sorts (something is listening): the run reports it
    as a crash instead.
    """
    try:
        requests.get(target_url(base_url, "/latest"), headers=_probe_headers(), timeout=timeout)
    except requests.RequestException as exc:
        if failure_kind(exc) is not Failure.DROPPED:
            reason = error_class(exc)
            raise TargetUnreachable(
                f"target {Target.parse(base_url)} is unreachable: {reason} on GET /latest"
            ) from None


def error_class(exc: requests.RequestException) -> str:
    """The simulator's name for a ``requests`` transport error."""
    if isinstance(exc, requests.ReadTimeout):
        return "ReadTimeout"
    if isinstance(exc, requests.ConnectionError):
        return "ConnectionError"
    return type(exc).__name__


def wait_until_up(
    base_url: str,
    wait_s: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> float | None:
    """Seconds until the target answered again, or None when it did not within ``wait_s``.

    A dropped connection counts as "up" only when it repeats: a dying process may still
    accept a connection for a moment, while a live one that drops ``GET /latest`` (a known
    failure of fresh targets) keeps doing so.
    """
    started = clock()
    dropping = False
    while True:
        state = probe(base_url, timeout=min(2.0, max(wait_s, 0.5)))
        if state is State.UP or (state is State.DROPPING and dropping):
            return clock() - started
        dropping = state is State.DROPPING
        if clock() - started >= wait_s:
            return None
        sleep(POLL_S)  # polling a restarting server: there is nothing to wait on
