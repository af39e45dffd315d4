"""The probe client: sends one request the way the simulator does and records the exchange."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import requests

from harness import liveness
from harness.constants import SIMULATOR_AUTH
from harness.findings import BODY_LIMIT, Exchange
from harness.liveness import Failure, State
from harness.simulator_headers import session_headers
from harness.target import Target

#: Marker for "no JSON body could be parsed" (``None`` is a valid JSON body: ``null``).
NO_JSON: Any = object()

#: The `latest` value ordinary probes carry: present (fragile servers need it) yet ignored by
#: the normative API, so probes never move the value the course dashboard plots.
NEUTRAL_LATEST = "-1"


@dataclass(frozen=True)
class Reply:
    """One exchange and its parsed JSON body (``NO_JSON`` when there is none)."""

    exchange: Exchange
    data: Any = NO_JSON
    where: str = ""  # endpoint, e.g. "POST /msgs/<user>" (set by CheckContext.call)

    @property
    def status(self) -> int | None:
        """The HTTP status, None when the request failed."""
        return self.exchange.status

    @property
    def content_type(self) -> str:
        """The media type of the response, lower-case, without parameters."""
        raw = self.exchange.response_headers.get("Content-Type", "")
        return raw.split(";")[0].strip().lower()

    @property
    def has_json(self) -> bool:
        """Whether the body parsed as JSON."""
        return self.data is not NO_JSON


@dataclass(frozen=True)
class Crash:
    """The target crashed: ``request`` caused it, ``failed`` is the request that found out.

    They are one request when the connection was dropped without an answer or the target
    stopped answering within the timeout; when the target was already gone (refused),
    ``request`` is the last one it answered. ``back_after_s`` is None when it never came back
    within the restart wait.
    """

    request: Exchange
    failed: Exchange
    how: Failure
    back_after_s: float | None
    waited: bool = True  # False: seen in a recording (Schemathesis'), nobody waited for it

    def describe(self) -> str:
        """One line: what happened to which request, and whether the target came back."""
        req = self.request
        line = f"{req.method} {req.url}"
        if self.how is Failure.DROPPED:
            what = f"the target dropped the connection without an answer to {line}"
        elif self.request is self.failed and self.how is Failure.REFUSED:
            what = f"the target stopped answering: {line} was refused"
        elif self.request is self.failed:
            what = f"{line} got no answer ({self.failed.error}) and the target stopped answering"
        else:
            what = (
                f"the target stopped answering after {line} (answered {req.status}); "
                f"the next request was refused"
            )
        if not self.waited:
            return what
        if self.back_after_s is None:
            return f"{what}; it did not come back"
        return f"{what}; it answered again after {self.back_after_s:.1f} s"


class TargetGone(Exception):
    """The target crashed and did not come back within the restart wait."""

    def __init__(self, crash: Crash) -> None:
        super().__init__(crash.describe())
        self.crash = crash
        self.exchange = crash.failed


class Client:
    """Sends probes to one base URL with the simulator's headers (``simulator_headers``);
    every request uses a new connection, like the simulator.

    A request that crashes the target is recorded in ``crashes``; the client then waits up
    to ``restart_wait`` seconds for the target to come back (TargetGone when it does not).
    """

    def __init__(
        self, base_url: str, timeout: float = 5.0, restart_wait: float = liveness.RESTART_WAIT_S
    ) -> None:
        self.base_url = Target.parse(base_url).base_url
        self.timeout = timeout
        self.restart_wait = restart_wait
        self.sent = 0
        self.last_answered: Exchange | None = None
        self.crashes: list[Crash] = []

    def send(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = NO_JSON,
        raw_body: str | None = None,
        auth: str | None = SIMULATOR_AUTH,
        content_type: str | None = "application/json",
        latest: str | None = NEUTRAL_LATEST,
        query: dict[str, str] | None = None,
    ) -> Reply:
        """Send one request; a crash is recorded, and TargetGone raised if it stays down."""
        params = dict(query or {})
        if latest is not None:
            params = {"latest": latest, **params}
        # The simulator's headers, in requests' order: its session's, then Content-Type
        # (with a body) and Authorization, each left out when a probe tests its absence.
        headers = dict(session_headers(keep_alive=False))
        body: str | None = raw_body
        if json_body is not NO_JSON:
            body = json.dumps(json_body, ensure_ascii=False)
        if body is not None and content_type is not None:
            headers["Content-Type"] = content_type
        if auth is not None:
            headers["Authorization"] = auth
        prepared = requests.Request(
            method, self.base_url + path, headers=headers, params=params, data=body
        ).prepare()
        if body is not None:
            prepared.body = body.encode("utf-8")
            prepared.headers["Content-Length"] = str(len(prepared.body))
        self.sent += 1
        started = time.perf_counter()
        try:
            with requests.Session() as session:
                resp = session.send(prepared, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            exchange = Exchange(
                method=method,
                url=prepared.url or path,
                request_headers=dict(prepared.headers),
                request_body=body,
                error=liveness.error_class(exc),
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )
            self._after_failure(exchange, liveness.failure_kind(exc))
            return Reply(exchange)
        status, headers = resp.status_code, dict(resp.headers)
        elapsed_ms = resp.elapsed.total_seconds() * 1000
        content = resp.content
        # Checks read the parsed body; the text is evidence, kept only to BODY_LIMIT (a
        # target answering megabytes would otherwise hold them in every reply).
        shown = content[: 4 * BODY_LIMIT].decode("utf-8", errors="replace")
        exchange = Exchange(
            method=method,
            url=prepared.url or path,
            request_headers=dict(prepared.headers),
            request_body=body,
            status=status,
            response_headers=headers,
            response_body=shown[:BODY_LIMIT],
            elapsed_ms=elapsed_ms,
            response_body_size=len(content) if len(shown) > BODY_LIMIT else None,
        )
        self.last_answered = exchange
        return Reply(exchange, parse_json(content))

    def _after_failure(self, exchange: Exchange, how: Failure) -> None:
        """Record a crash and wait for the target; a slow answer alone is no crash."""
        slow = how in (Failure.TIMEOUT, Failure.OTHER)
        if slow and liveness.probe(self.base_url, min(self.timeout, 2.0)) is not State.DOWN:
            return
        blamed = exchange
        if how is Failure.REFUSED and self.last_answered is not None:
            blamed = self.last_answered  # it died after answering that one
        back = liveness.wait_until_up(self.base_url, self.restart_wait)
        crash = Crash(blamed, exchange, how, back)
        self.crashes.append(crash)
        self.last_answered = None  # answered before the crash: not what a later refusal blames
        if back is None:
            raise TargetGone(crash)

    def take_crashes(self) -> list[Crash]:
        """The crashes recorded since the last call."""
        out, self.crashes = self.crashes, []
        return out

    def ensure_reachable(self) -> None:
        """Raise TargetUnreachable (one line) when nothing answers at the start."""
        liveness.require_reachable(self.base_url, self.timeout)


def parse_json(content: bytes) -> Any:
    """The JSON value of a body, or NO_JSON."""
    if not content.strip():
        return NO_JSON
    try:
        return json.loads(content)
    except ValueError:
        return NO_JSON
