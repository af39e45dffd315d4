"""The probe client: sends one request the way the simulator does and records the exchange."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import requests

from harness.constants import SIMULATOR_AUTH
from harness.errors import TargetUnreachable
from harness.findings import Exchange

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


class TargetGone(Exception):
    """The target stopped answering; ``exchange`` is the probe that got no answer."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__(exchange.error or "no answer")
        self.exchange = exchange


class Client:
    """Sends probes to one base URL; every request uses a new connection, like the simulator."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.sent = 0
        self.last_answered: Exchange | None = None

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
        """Send one request; a refused or reset connection raises TargetGone if it stays down."""
        params = dict(query or {})
        if latest is not None:
            params = {"latest": latest, **params}
        headers = {"Connection": "close"}
        if auth is not None:
            headers["Authorization"] = auth
        body: str | None = raw_body
        if json_body is not NO_JSON:
            body = json.dumps(json_body, ensure_ascii=False)
        if body is not None and content_type is not None:
            headers["Content-Type"] = content_type
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
                error=_error_class(exc),
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )
            if not self.alive():
                raise TargetGone(exchange) from None
            return Reply(exchange)
        exchange = Exchange(
            method=method,
            url=prepared.url or path,
            request_headers=dict(prepared.headers),
            request_body=body,
            status=resp.status_code,
            response_headers=dict(resp.headers),
            response_body=resp.content.decode("utf-8", errors="replace"),
            elapsed_ms=resp.elapsed.total_seconds() * 1000,
        )
        self.last_answered = exchange
        return Reply(exchange, parse_json(resp.content))

    def alive(self, attempts: int = 3) -> bool:
        """Whether the target still answers anything on ``GET /latest``."""
        for attempt in range(attempts):
            try:
                requests.get(
                    self.base_url + "/latest",
                    headers={"Connection": "close"},
                    timeout=min(self.timeout, 2.0),
                )
                return True
            except requests.RequestException:
                # Give a restarting worker a moment before the next try.
                time.sleep(0.3 * (attempt + 1))
        return False

    def ensure_reachable(self) -> None:
        """Raise TargetUnreachable (one line) unless the target answers at the start."""
        try:
            requests.get(
                self.base_url + "/latest", headers={"Connection": "close"}, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise TargetUnreachable(
                f"target {self.base_url} is unreachable: {_error_class(exc)} on GET /latest"
            ) from None


def _error_class(exc: requests.RequestException) -> str:
    """The simulator's name for a transport error."""
    if isinstance(exc, requests.ReadTimeout):
        return "ReadTimeout"
    if isinstance(exc, requests.ConnectionError):
        return "ConnectionError"
    return type(exc).__name__


def parse_json(content: bytes) -> Any:
    """The JSON value of a body, or NO_JSON."""
    if not content.strip():
        return NO_JSON
    try:
        return json.loads(content)
    except ValueError:
        return NO_JSON
