"""The Locust user of the load run: scenario writes in causal order mixed with reads.

Imports Locust: only locustfiles import this module (never ``import harness``).
"""

from __future__ import annotations

from typing import Any

from locust import task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.exception import StopUser
from locust.user.wait_time import constant_throughput

from harness.constants import SIMULATOR_AUTH
from harness.planning.requests import request_for

from .judge import error_class, failure_message, judge
from .plugin import state_of
from .source import Writer
from .state import LoadState

#: Read endpoints: stats name and path (``{u}`` is the percent-encoded account).
READ_PATHS: dict[str, tuple[str, str]] = {
    "msgs": ("/msgs", "/msgs?no=100"),
    "msgs_user": ("/msgs/<user>", "/msgs/{u}?no=100"),
    "fllws": ("/fllws/<user>", "/fllws/{u}?no=100"),
    "latest": ("/latest", "/latest"),
}


class SimulatorLoadUser(FastHttpUser):
    """Sends the simulator's writes (its own lanes of the scenario) and dashboard-like reads."""

    def __init__(self, environment: Environment) -> None:
        state = state_of(environment)
        if state is None:
            raise RuntimeError("the minitwit load plugin is not installed in this locustfile")
        self._mt: LoadState = state
        # FastHttpUser reads these when it builds its client in __init__.
        self.network_timeout = state.options.timeout
        self.connection_timeout = state.options.timeout
        super().__init__(environment)
        self._writer = Writer(state.source)
        self._headers = {"Authorization": SIMULATOR_AUTH}
        if not state.options.keep_alive:
            self._headers["Connection"] = "close"  # like the simulator: a new connection each
        rate = state.options.user_rate
        self._pace = constant_throughput(rate) if rate else None

    def wait_time(self) -> float:
        """No wait (closed loop) or constant throughput pacing under ``--rate``."""
        return self._pace(self) if self._pace is not None else 0.0

    @task
    def step(self) -> None:
        """One request: a read with probability ``read_ratio``, else the next write."""
        state = self._mt
        if not state.budget_left():
            raise StopUser()
        if state.rng.random() < state.options.read_ratio:
            command, user = state.pick_read()
            name, path = READ_PATHS[command]
            if user is not None:
                path = path.format(u=state.source.registry.path_segment(user))
            self._send("GET", path, None, name=name, action_id=-1, command=command, user=user)
            return
        action = self._writer.next_write()
        planned = request_for(action)
        status = self._send(
            planned.method,
            planned.path,
            planned.body,
            name=planned.name.partition(" ")[2],  # Locust shows the method itself
            action_id=action.id,
            command=str(action.command),
            user=action.user,
        )
        if action.command == "register" and status in (204, 400):
            state.source.registry.add(action.user)

    def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        *,
        name: str,
        action_id: int,
        command: str,
        user: str | None,
    ) -> int | None:
        """Send, judge, mark the result in Locust, record the raw outcome; return the status."""
        state = self._mt
        with self.client.request(
            method, path, name=name, json=body, headers=self._headers, catch_response=True
        ) as resp:
            exc = getattr(resp, "error", None) or resp.request_meta.get("exception")
            status: int | None = resp.status_code or None
            error = error_class(exc) if exc is not None and status is None else None
            verdict = judge(state.options.profile, command, status, error)
            if verdict.ok:
                resp.success()
            else:
                resp.failure(failure_message(verdict.check or "load", status, error))
        meta = resp.request_meta
        state.record(
            action_id=action_id,
            command=command,
            user=user,
            status=status,
            error=error,
            check=verdict.check,
            latency_ms=float(meta["response_time"]),
            started=float(meta["start_time"]),
        )
        return status
