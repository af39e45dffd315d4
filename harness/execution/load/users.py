"""The Locust user of the load run: scenario writes in causal order mixed with reads.

Imports Locust: only locustfiles import this module (never ``import harness``).
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

import gevent
from geventhttpclient.url import URL
from locust import task
from locust.contrib.fasthttp import FAILURE_EXCEPTIONS, FastHttpUser
from locust.env import Environment
from locust.exception import CatchResponseError, StopUser
from locust.user.wait_time import constant_throughput

from harness.constants import SIMULATOR_AUTH
from harness.execution.replay.redirects import Hop
from harness.execution.replay.transport import Endpoint, WireClient
from harness.planning.requests import request_for
from harness.scenario.model import Command
from harness.simulator_headers import simulator_headers
from harness.target import Target

from .judge import error_class, failure_message, judge_response
from .plugin import state_of
from .source import READ, WriteSource
from .state import LoadState

#: How often, and how long, a user waits for one of its process's accounts to be free
#: (never in practice: the warm-up registers two accounts per Locust user).
FREE_ACCOUNT_TRIES, FREE_ACCOUNT_WAIT_S = 1000, 0.01

#: Read endpoints: stats name and path (``{u}`` is the percent-encoded account).
READ_PATHS: dict[str, tuple[str, str]] = {
    "msgs": ("/msgs", "/msgs?no=100"),
    "msgs_user": ("/msgs/<user>", "/msgs/{u}?no=100"),
    "fllws": ("/fllws/<user>", "/fllws/{u}?no=100"),
    "latest": ("/latest", "/latest"),
}


class SimulatorLoadUser(FastHttpUser):
    """Sends the simulator's writes (its own lanes of the scenario) and dashboard-like reads.

    Requests go through FastHttpUser's own geventhttpclient client (its connection pool,
    timeouts and keep-alive), and every result is reported with Locust's ``request`` event,
    as Locust documents for custom clients. It skips ``FastHttpSession.request``, its
    ``catch_response`` context manager and the agent's URL parsing: they rebuild the URL,
    the headers and the metadata on every request, a large share of a load generator's CPU
    (``bench/bench_load.py``).
    """

    def __init__(self, environment: Environment) -> None:
        state = state_of(environment)
        if state is None:
            raise RuntimeError("the minitwit load plugin is not installed in this locustfile")
        self._mt: LoadState = state
        # FastHttpUser reads these when it builds its client in __init__.
        self.network_timeout = state.options.timeout
        self.connection_timeout = state.options.timeout
        super().__init__(environment)
        self._source: WriteSource = state.source
        self._base = Target.parse(self.host or "").base_url
        # FastHttpSession's own geventhttpclient client for the target (its connection pool
        # and the timeouts above), below the agent's URL parsing, cookies and redirects: a
        # write's 3xx or encoded body goes to replay's transport, which ends it as the
        # simulator's requests client does (redirects followed, gzip/deflate decoded).
        base = URL(self._base)
        self._http = self.client.client.clientpool.get_client(base)
        self._prefix = Target.parse(self._base).prefix
        self._request_event = environment.events.request
        read = {"Authorization": SIMULATOR_AUTH, "Accept": "application/json"}
        if not state.options.keep_alive:
            read["Connection"] = "close"  # like the simulator: a new connection each
        self._read_headers = read
        # Writes carry the simulator's headers, as its requests client sends them.
        self._write_hop_headers = simulator_headers(keep_alive=state.options.keep_alive)
        self._write_headers = dict(self._write_hop_headers)
        self._settle = WireClient(Endpoint(self._base), state.options.timeout, keep_alive=False)
        rate = state.options.user_rate
        self._pace = constant_throughput(rate) if rate else None

    def wait_time(self) -> float:
        """No wait (closed loop) or constant throughput pacing under ``--rate``."""
        return self._pace(self) if self._pace is not None else 0.0

    @task
    def step(self) -> None:
        """One request of the kind the process's mix schedules next (a read or a write)."""
        state = self._mt
        if not state.budget_left():
            raise StopUser()
        registry = self._source.registry
        kind = state.mix.next()
        if kind == READ:
            command, user = state.pick_read()
            name, path = READ_PATHS[command]
            if user is not None:
                path = path.format(u=registry.path_segment(user))
            self._send("GET", path, None, name=name, action_id=-1, command=command, user=user)
            return
        action = self._source.write(kind)
        for _ in range(FREE_ACCOUNT_TRIES):
            if action is not None:
                break
            gevent.sleep(FREE_ACCOUNT_WAIT_S)
            action = self._source.write(kind)
        if action is None:
            raise StopUser()  # every account stayed busy for 10 s: nothing sensible to send
        is_register = action.command is Command.REGISTER
        segment = None if is_register else registry.path_segment(action.user)
        planned = request_for(action, segment=segment)
        status = self._send(
            planned.method,
            planned.path,
            json.dumps(planned.body),
            name=planned.name.partition(" ")[2],  # Locust shows the method itself
            action_id=action.id,
            command=str(action.command),
            user=action.user,
        )
        self._source.done(action, status)

    def _settled(
        self, method: str, path: str, payload: str, status: int, body: bytes, response: Any
    ) -> tuple[int | None, bytes, str | None]:
        """A write's 3xx or non-empty answer as the simulator's client ends with it."""
        data = payload.encode()
        headers = (*self._write_hop_headers, ("Content-Length", str(len(data))))
        hop = Hop(method, self._base + path, headers, data)
        try:
            status_, body, error, _ = self._settle.settle(hop, status, body, None, response)
        except Exception as exc:  # the simulator logs any other exception by class name
            return None, b"", type(exc).__name__
        finally:
            self._settle.close()
        return (None if error else status_), body, error

    def _send(
        self,
        method: str,
        path: str,
        payload: str | None,
        *,
        name: str,
        action_id: int,
        command: str,
        user: str | None,
    ) -> int | None:
        """Send, judge, report to Locust, record the raw outcome; return the status."""
        state = self._mt
        headers = self._read_headers if payload is None else self._write_headers
        started = time.time()
        t0 = time.perf_counter()
        response: Any = None
        status: int | None = None
        error: str | None = None
        body = b""
        try:
            response = self._http.request(method, self._prefix + path, payload, headers)
        except FAILURE_EXCEPTIONS as exc:
            error = error_class(exc)
        if response is not None:
            status = response.status_code or None
            # Read the body, as requests does; when it breaks, a status line came back all
            # the same, and the simulator judges the status.
            with contextlib.suppress(*FAILURE_EXCEPTIONS):
                body = response.read()
            if payload is not None and status is not None and (300 <= status < 400 or body):
                status, body, error = self._settled(method, path, payload, status, body, response)
        latency_ms = (time.perf_counter() - t0) * 1000
        verdict = judge_response(state.options.profile, command, status, error, body)
        failure = None
        if not verdict.ok:
            failure = CatchResponseError(failure_message(verdict.check or "load", status, error))
        self._request_event.fire(  # type: ignore[no-untyped-call]
            request_type=method,
            name=name,
            response_time=latency_ms,
            response_length=len(body),
            exception=failure,
            context={},
            response=response,
            start_time=started,
            url=self._base + path,
        )
        state.record(
            action_id=action_id,
            command=command,
            user=user,
            status=status,
            error=error,
            check=verdict.check,
            latency_ms=latency_ms,
            started=started,
        )
        return status
