"""Write-heavy traffic for the app benchmark, and a concurrent client that replays it.

The traffic is a generated scenario (register/tweet/follow/unfollow in the course mix) with
one read interleaved after every ``READ_EVERY`` writes. The client sends it in order from a
pool of threads, each request on a new connection as the simulator does; a request waits
until the users it names are registered, so the only errors are the server's own. The
client is lean on purpose (requests encoded before the clock starts, raw sockets): it runs
on the same two cores as the server under test, and every microsecond it spends is taken
from a server that can use both cores (the reference app) but not from one that cannot
(the baseline, one process held by one interpreter lock).
"""

from __future__ import annotations

import math
import random
import socket
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from harness.checks.verdicts import simulator_verdict
from harness.execution.replay.transport import Endpoint
from harness.planning.requests import PlannedRequest, request_for, user_path
from harness.scenario.model import Action, Command

READ_EVERY = 9  # one read per nine writes: about 10 % reads
SIMULATOR_TIMEOUT_S = 0.3  # answers slower than this count as "slow" (the simulator's budget)


@dataclass(frozen=True)
class Step:
    """One request of the traffic and the users that must exist before it is sent."""

    request: PlannedRequest
    command: str  # scenario command, or "read"
    needs: tuple[str, ...] = ()
    registers: str | None = None


def generator_name() -> str:
    """Which generator :func:`scenario_actions` uses."""
    try:
        from harness.scenario.generate import generate_actions  # noqa: F401
    except ImportError:
        return "bench.app_traffic (local stand-in)"
    return "harness.scenario.generate"


def scenario_actions(users: int, actions: int, seed: int) -> list[Action]:
    """The write traffic: the project's scenario generator, or a small local stand-in."""
    try:
        from harness.scenario.generate import generate_actions
    except ImportError:
        return _local_actions(users, actions, seed)
    return generate_actions(users=users, actions=actions, seed=seed)


def _local_actions(users: int, actions: int, seed: int) -> list[Action]:
    """Register/tweet/follow/unfollow in the course mix (0.8/44/38/18 %), causally valid."""
    rng = random.Random(seed)
    names: list[str] = []
    out: list[Action] = []

    def add(command: Command, user: str, **kw: str) -> None:
        out.append(
            Action(
                len(out),
                0,
                0,
                command,
                user,
                email=kw.get("email"),
                pwd=kw.get("pwd"),
                content=kw.get("content"),
                target=kw.get("target"),
            )
        )

    while len(out) < actions:
        roll = rng.random()
        if len(names) < 2 or (roll < 0.008 and len(names) < users):
            name = f"Bench User{len(names)} Ünïcode"
            names.append(name)
            add(Command.REGISTER, name, email=f"u{len(names)}@example.org", pwd="pw\\")
        elif roll < 0.448:
            text = f"\ufeff“tweet” {len(out)} — " + "x" * rng.randint(0, 100)
            add(Command.TWEET, rng.choice(names), content=text)
        else:
            user, target = rng.sample(names, 2)
            add(Command.FOLLOW if roll < 0.828 else Command.UNFOLLOW, user, target=target)
    return out


def build_traffic(actions: Sequence[Action], seed: int) -> list[Step]:
    """The steps to send: every action, plus one read after every ``READ_EVERY`` writes."""
    rng = random.Random(seed)
    registered: list[str] = []
    steps: list[Step] = []
    for index, action in enumerate(actions):
        request = request_for(action)
        if action.command is Command.REGISTER:
            steps.append(Step(request, str(action.command), registers=action.user))
            registered.append(action.user)
        else:
            needs = (action.user,) if action.target is None else (action.user, action.target)
            steps.append(Step(request, str(action.command), needs=needs))
        if index % READ_EVERY == READ_EVERY - 1 and registered:
            steps.append(_read(rng, registered, index))
    return steps


def _read(rng: random.Random, registered: list[str], index: int) -> Step:
    user = rng.choice(registered)
    kind = index // READ_EVERY % 3
    if kind == 0:
        return Step(PlannedRequest("GET", "/msgs?no=100", None, "GET /msgs"), "read")
    if kind == 1:
        path, name = f"/msgs/{user_path(user)}?no=100", "GET /msgs/<user>"
    else:
        path, name = f"/fllws/{user_path(user)}?no=100", "GET /fllws/<user>"
    return Step(PlannedRequest("GET", path, None, name), "read", needs=(user,))


@dataclass
class EndpointStats:
    """Latencies (ms) and errors of one endpoint."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    slow: int = 0

    def summary(self) -> dict[str, float | int]:
        """Count, errors, answers over the simulator's budget, p50 and p99 in ms."""
        lat = sorted(self.latencies_ms)
        return {
            "requests": len(lat),
            "errors": self.errors,
            "over_0.3s": self.slow,
            "p50_ms": round(percentile(lat, 50), 2),
            "p99_ms": round(percentile(lat, 99), 2),
        }


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values (0.0 for none)."""
    if not sorted_values:
        return 0.0
    rank = math.ceil(pct / 100 * len(sorted_values))  # 1-based
    return float(sorted_values[min(max(rank, 1), len(sorted_values)) - 1])


def encode(base_url: str, request: PlannedRequest) -> bytes:
    """The whole request as bytes, as the harness's replay sends it (``Connection: close``)."""
    return Endpoint(base_url).encode(request, keep_alive=False)


def exchange(address: tuple[str, int], data: bytes, timeout: float) -> int:
    """Send one encoded request on a new connection, read the answer to its end; the status.

    The load generator of the benchmark shares the machine's cores with the server under
    test, so it does as little as a client can: bytes encoded before the clock starts, one
    ``sendall``, reads until the server closes, the status taken from the status line.
    Raises OSError (refused, reset, timeout) or ValueError (no HTTP status line).
    """
    with socket.socket(socket.AF_INET6 if ":" in address[0] else socket.AF_INET) as sock:
        sock.settimeout(timeout)
        sock.connect(address)
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head = b"".join(chunks)[:12]
    if not head.startswith(b"HTTP/1.") or len(head) < 12:
        raise ValueError(f"not an HTTP answer: {head!r}")
    return int(head[9:12])


def send(base_url: str, request: PlannedRequest, timeout: float) -> int:
    """Send one request on a new connection (``Connection: close``); the status code."""
    parts = urlsplit(base_url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    return exchange(address, encode(base_url, request), timeout)


def replay(
    base_url: str, steps: Sequence[Step], *, concurrency: int, max_seconds: float
) -> dict[str, object]:
    """Send ``steps`` with ``concurrency`` threads; requests/s and per-endpoint statistics.

    Each thread takes the next step from one shared iterator (in order) and keeps its raw
    results to itself; statistics are computed after the clock stops.
    """
    registered: dict[str, threading.Event] = {}
    for step in steps:
        if step.registers is not None:
            registered[step.registers] = threading.Event()
    parts = urlsplit(base_url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    target = Endpoint(base_url)
    work = [(step, target.encode(step.request, keep_alive=False)) for step in steps]
    feed = iter(work)
    feed_lock = threading.Lock()
    results: list[list[tuple[Step, int | None, str | None, float]]] = []
    deadline = time.monotonic() + max_seconds

    def sender() -> None:
        done: list[tuple[Step, int | None, str | None, float]] = []
        results.append(done)
        while time.monotonic() < deadline:
            with feed_lock:
                item = next(feed, None)
            if item is None:
                return
            step, data = item
            for user in step.needs:
                registered[user].wait(timeout=max(0.0, deadline - time.monotonic()))
            started = time.perf_counter()
            try:
                status: int | None = exchange(address, data, timeout=10.0)
                error = None
            except (OSError, ValueError) as exc:
                status, error = None, type(exc).__name__
            done.append((step, status, error, time.perf_counter() - started))
            if step.registers is not None:
                registered[step.registers].set()

    started, cpu_started = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=sender) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_started  # the client shares the machine's cores
    stats: dict[str, EndpointStats] = {}
    for step, status, error, elapsed in (r for done in results for r in done):
        if step.command == "read":
            ok = error is None and status == 200
        else:
            ok = simulator_verdict(step.command, status, error).ok
        entry = stats.setdefault(step.request.name, EndpointStats())
        entry.latencies_ms.append(elapsed * 1000)
        entry.errors += 0 if ok else 1
        entry.slow += elapsed > SIMULATOR_TIMEOUT_S
    done_count = sum(len(s.latencies_ms) for s in stats.values())
    all_latencies = sorted(x for s in stats.values() for x in s.latencies_ms)
    return {
        "requests": done_count,
        "not_sent": len(steps) - done_count,
        "errors": sum(s.errors for s in stats.values()),
        "seconds": round(wall, 2),
        "rps": round(done_count / wall, 1) if wall > 0 else 0.0,
        "p50_ms": round(percentile(all_latencies, 50), 2),
        "p99_ms": round(percentile(all_latencies, 99), 2),
        "mean_ms": round(statistics.fmean(all_latencies), 2) if all_latencies else 0.0,
        "client_cpu_ms_per_request": round(client_cpu * 1000 / max(1, done_count), 3),
        "endpoints": {name: s.summary() for name, s in sorted(stats.items())},
    }
