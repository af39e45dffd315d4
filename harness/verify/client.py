"""The reads verify sends: simulator-authenticated GETs, each kept as an Exchange.

Reads never carry ``latest`` (that would move the value being verified). Lists are read
with ``no`` = expected length + a margin, and re-read with a larger ``no`` while the
answer fills it, so that unexpected extra entries are seen too.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import requests

from harness.constants import SIMULATOR_AUTH
from harness.findings import Exchange
from harness.target import Target

MAX_BODY_CHARS = 4_000  # evidence keeps the start of a body; a full timeline can be MBs
MARGIN = 100
GROWTH = 4
MAX_READS = 4


@dataclass(frozen=True)
class ReadBack:
    """One GET: its exchange, and the JSON body when it parsed."""

    exchange: Exchange
    body: Any = None
    problem: str | None = None  # why ``body`` is missing: transport error or not JSON
    started: float = 0.0
    finished: float = 0.0
    limit: int | None = None  # the ``no`` a list read asked for

    def full(self, listed: list[Any] | None) -> bool:
        """Whether a list read came back as long as it asked for (there may be more)."""
        return listed is not None and self.limit is not None and len(listed) >= self.limit

    @property
    def status(self) -> int | None:
        """The HTTP status, None when no response came."""
        return self.exchange.status


class Reader:
    """Sends reads to one target; one keep-alive session per thread."""

    def __init__(self, target: str, timeout: float) -> None:
        self.base = Target.parse(target).base_url
        self.timeout = timeout
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update({"Authorization": SIMULATOR_AUTH, "Accept": "application/json"})
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def get(self, path: str) -> ReadBack:
        """GET ``path`` (relative, query included) and parse the JSON answer."""
        url = self.base + path
        started = time.time()
        t0 = time.perf_counter()
        try:
            resp = self._session().get(url, timeout=self.timeout)
        except requests.RequestException as exc:
            elapsed = (time.perf_counter() - t0) * 1000
            error = type(exc).__name__
            exchange = Exchange("GET", url, error=error, elapsed_ms=elapsed)
            return ReadBack(
                exchange, problem=f"{error}: {exc}", started=started, finished=time.time()
            )
        elapsed = (time.perf_counter() - t0) * 1000
        # Only the evidence's start is decoded: a whole timeline can be megabytes.
        text = resp.content[: 4 * MAX_BODY_CHARS].decode("utf-8", errors="replace")
        exchange = Exchange(
            "GET",
            url,
            request_headers=dict(resp.request.headers),
            status=resp.status_code,
            response_headers=dict(resp.headers),
            response_body=text[:MAX_BODY_CHARS],
            elapsed_ms=elapsed,
            response_body_size=len(resp.content) if len(text) > MAX_BODY_CHARS else None,
        )
        body: Any = None
        problem = None
        try:
            body = json.loads(resp.content)
        except (ValueError, UnicodeDecodeError):
            problem = "response body is not JSON"
        return ReadBack(exchange, body, problem, started, time.time())

    def get_list(
        self,
        path: str,
        expected: int,
        items: Callable[[Any], list[Any] | None],
        enough: Callable[[list[Any]], bool] | None = None,
    ) -> list[ReadBack]:
        """Read a list endpoint with ``no`` large enough to see extras; every try is kept.

        A full answer is read again with a larger ``no`` (bounded), unless ``enough`` says
        the entries read already cover what is judged.
        """
        no = expected + MARGIN
        reads: list[ReadBack] = []
        sep = "&" if "?" in path else "?"
        for _ in range(MAX_READS):
            read = replace(self.get(f"{path}{sep}no={no}"), limit=no)
            reads.append(read)
            listed = items(read.body) if read.status == 200 else None
            if not read.full(listed) or (enough is not None and enough(listed or [])):
                break
            no *= GROWTH
        return reads

    def close(self) -> None:
        """Close every thread's session."""
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()
