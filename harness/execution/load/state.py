"""Per-process state of a load run inside a Locust process (local or worker), Locust-free.

Holds the request mix, the write source, the options every user reads, the request budget,
and the part file this process writes (one line per request with its raw response time).
"""

from __future__ import annotations

import json
import random
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.constants import SIMULATOR_TIMEOUT_S
from harness.scenario.model import Action

from .parts import PartWriter
from .source import Mix, WriteSource, configured_mix

READS: tuple[str, ...] = ("msgs", "msgs_user", "fllws", "latest")


@dataclass
class LoadOptions:
    """What a Locust process needs to know (from ``--mt-*`` options)."""

    read_ratio: float = 0.5
    profile: str = "simulator"
    timeout: float = SIMULATOR_TIMEOUT_S
    keep_alive: bool = False
    max_requests: int = 1_000_000
    user_rate: float | None = None  # task runs per second per Locust user (pacing)
    results_dir: str = "harness-output/load/parts"
    target: str | None = None
    accounts: str = ""  # JSON list of the accounts the warm-up registered
    processes: int = 1  # Locust processes that send (each acts as its slice of accounts)


@dataclass
class LoadState:
    """Shared by every Locust user of one process."""

    options: LoadOptions
    source: WriteSource
    worker: str
    writer: PartWriter
    mix: Mix
    rng: random.Random = field(default_factory=random.Random)
    sent: int = 0
    started: float = field(default_factory=time.time)

    @classmethod
    def open(
        cls, options: LoadOptions, actions: list[Action], worker: str, index: int = 0
    ) -> LoadState:
        """Create the state and its part file ``<results_dir>/part-<worker>.tsv``.

        ``index``: this process's place among ``options.processes``; it acts as every
        ``processes``-th warm-up account from there, and uses the others as targets.
        """
        accounts = json.loads(Path(options.accounts).read_text(encoding="utf-8"))
        step = max(1, options.processes)
        own = accounts[index % step :: step]
        others = [a for i, a in enumerate(accounts) if i % step != index % step]
        source = WriteSource(actions, secrets.token_hex(3), own, others)
        mix = Mix(configured_mix(actions, options.read_ratio))
        path = Path(options.results_dir) / f"part-{worker}.tsv"
        writer = PartWriter(path, worker, options.target)
        return cls(options, source, worker, writer, mix)

    def budget_left(self) -> bool:
        """Whether this process may send another request (the per-process request cap)."""
        return self.sent < self.options.max_requests

    def record(
        self,
        *,
        action_id: int,
        command: str,
        user: str | None,
        status: int | None,
        error: str | None,
        check: str | None,
        latency_ms: float,
        started: float,
    ) -> None:
        """Write one request's raw outcome to this process' part file."""
        self.sent += 1
        self.writer.write(action_id, command, user, status, error, check, latency_ms, started)

    def pick_read(self) -> tuple[str, str | None]:
        """A read command and, for per-user reads, a registered account of this process."""
        rng = self.rng
        command = READS[int(rng.random() * len(READS))]
        if command in ("msgs_user", "fllws"):
            user = self.source.registry.pick(int(rng.random() * (1 << 30)))
            if user is None:
                return "msgs", None
            return command, user
        return command, None

    def close(self) -> None:
        """Close the part file."""
        self.writer.close()
