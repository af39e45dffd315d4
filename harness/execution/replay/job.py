"""What the launcher hands to the Locust process: the job file and the wire form of actions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from harness.constants import SIMULATOR_TIMEOUT_S
from harness.scenario.model import Action, Command


def action_to_wire(action: Action) -> list[Any]:
    """A compact, msgpack- and JSON-friendly form of an action."""
    return [
        action.id,
        action.delay_ms,
        action.ts_ms,
        str(action.command),
        action.user,
        action.email,
        action.pwd,
        action.content,
        action.target,
        action.line,
    ]


def action_from_wire(data: list[Any]) -> Action:
    """Inverse of :func:`action_to_wire`."""
    ident, delay, ts, command, user, email, pwd, content, target, line = data
    return Action(
        id=ident,
        delay_ms=delay,
        ts_ms=ts,
        command=Command(command),
        user=user,
        email=email,
        pwd=pwd,
        content=content,
        target=target,
        line=line,
    )


@dataclass
class Job:
    """Everything a Locust process (local, master or worker) needs to run."""

    role: str  # local, master or worker
    target: str = ""
    results: str = ""
    simulator_log: str | None = None
    speed: float | None = None  # None = as fast as possible
    profile: str = "simulator"
    timeout: float = SIMULATOR_TIMEOUT_S
    keep_alive: bool = False
    concurrency: int = 4
    register_concurrency: int = 1  # 0 = no limit
    max_errors: int | None = None
    workers: int = 0  # workers the master waits for
    master_host: str = "127.0.0.1"
    master_port: int = 5557
    bind_host: str = "*"
    worker_wait: float = 60.0  # seconds the master waits for its workers
    done: list[int] = field(default_factory=list)
    actions: list[list[Any]] = field(default_factory=list)

    def write(self, path: Path) -> None:
        """Write the job as JSON."""
        # Not dataclasses.asdict: it deep-copies every action list (~0.35 s for 20k actions).
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def read(cls, path: str | Path) -> Job:
        """Read a job written by :meth:`write`."""
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))
