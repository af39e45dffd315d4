"""``simulate``'s engine: the store, the lanes, and the control loop around them.

The control loop (the calling thread) polls ``sim_targets`` twice a second (pauses and
targets the dashboard adds), reloads the teams file when its mtime changes (new targets
start, removed ones are paused, never deleted), prints a progress line every few seconds
and decides the end: every target done, or none left running (the rest paused, and no
status page to resume them from), ``--run-time``, or :meth:`Simulation.request_stop`
(SIGINT/SIGTERM). Stopping lets every lane finish the request it has in flight and record
its outcome.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from harness.config import SimulateConfig
from harness.errors import HarnessError, UsageError
from harness.execution.simulate.lane import Lane, LaneSettings, WorkerLease
from harness.execution.simulate.spread import Role, Spread
from harness.execution.simulate.writer import StoreLost, Writer
from harness.planning.causal import due_offsets
from harness.scenario.model import Action
from harness.scenario.parse import read_scenario
from harness.simulation.record import (
    TargetRow,
    TargetSummary,
    driver_errors,
    prepare_meta,
    progress,
    recorded_scenario,
    set_paused,
    set_total,
    summaries,
    target_rows,
    upsert_target,
)
from harness.simulation.store import Store, open_store
from harness.simulation.teams import TeamTarget, read_teams
from harness.target import Target

CONTROL_INTERVAL_S = 0.5
PROGRESS_INTERVAL_S = 5.0


@dataclass(frozen=True)
class SimulationResult:
    """How the run ended and each target's numbers."""

    reason: str  # "finished", "run-time", "stopped", "idle"
    targets: list[TargetSummary]

    @property
    def errors(self) -> int:
        """Simulator errors over every target."""
        return sum(t.errors for t in self.targets)


def _scenario(store: Store, given: str | None) -> tuple[str, list[Action], str]:
    path = given or recorded_scenario(store)
    if path is None:
        raise UsageError("simulate needs --scenario FILE (at the first start of a database)")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"--scenario: cannot read {path}: {exc.strerror or exc}") from None
    actions = sorted(read_scenario(path).actions, key=lambda a: a.id)
    if not actions:
        raise UsageError(f"--scenario: {path} has no actions")
    return str(Path(path).resolve()), actions, hashlib.sha256(data).hexdigest()


class Simulation:
    """One run of ``simulate`` (build, then :meth:`run` from the main thread).

    ``role``: ``single`` drives every target itself; ``master`` keeps the teams file and the
    end and drives nothing (its workers do, see :mod:`.spread`); ``worker`` drives the
    targets it claims in the master's store.
    """

    def __init__(
        self,
        settings: SimulateConfig,
        say: Callable[[str], None],
        *,
        keep_paused: bool,
        role: Role = "single",
    ) -> None:
        self.settings = settings
        self.say = say
        self.keep_paused = keep_paused  # a status page may resume paused targets
        self.role: Role = role
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.log_dir = Path(settings.log_dir)
        self.teams: list[TeamTarget] = []
        if role != "worker":
            if settings.targets is None:
                raise UsageError("simulate needs --targets FILE (the teams file)")
            self.teams_path = Path(settings.targets)
            self.teams = read_teams(self.teams_path)
            self.teams_mtime = self.teams_path.stat().st_mtime_ns
            self.store = open_store(settings.database_url)
            Spread.refuse_second_master(self.store)
        else:
            self.store = Spread.worker_store(settings, self.worker_id)
        self.scenario_path, self.actions, sha = _scenario(self.store, settings.scenario)
        speed = None if role == "worker" else settings.speed
        self.started_at, self.speed = prepare_meta(
            self.store, self.scenario_path, sha, speed, time.time()
        )
        factor = None if self.speed == "max" else float(self.speed)
        self.offsets = due_offsets(self.actions, factor)
        now = time.time()
        for team in self.teams:
            upsert_target(self.store, team, len(self.actions), now)
        self.lease = None if role == "single" else WorkerLease()
        self.writer = Writer(settings.database_url)
        self.stop = threading.Event()
        self.lanes: dict[str, Lane] = {}
        self.broken: set[str] = set()  # rows added with a URL no lane can use
        self.threads: list[threading.Thread] = []
        self.logs: list[IO[str]] = []
        self.lane_settings = LaneSettings(
            timeout=settings.timeout,
            latest_interval=settings.latest_interval,
            latest_timeout=max(settings.timeout, 1.0),
            worker=self.worker_id,
            lease=self.lease,
        )
        self.spread = Spread(
            role,
            settings,
            self.store,
            say,
            self.worker_id,
            self.lease,
            self.lanes,
            keep_paused=keep_paused,
        )

    def request_stop(self) -> None:
        """End the run soon (signal handlers call this)."""
        self.stop.set()

    def run(self) -> SimulationResult:
        """Drive every target until the end; the summary of each."""
        self.writer.start()
        self.spread.start()
        deadline = None if self.settings.run_time is None else time.time() + self.settings.run_time
        reason = "stopped"
        next_progress = time.time() + PROGRESS_INTERVAL_S
        try:
            while True:
                with self._store_guard():
                    self._sync_targets()
                if self.stop.is_set():
                    break
                if deadline is not None and time.time() >= deadline:
                    reason = "run-time"
                    break
                with self._store_guard():
                    end = self.spread.end() if self.role != "single" else self._end()
                if end is not None:
                    reason = end
                    break
                if time.time() >= next_progress:
                    with self._store_guard():
                        line = self.spread.progress_line() if self.role == "master" else None
                    self.say(line or self._progress_line())
                    next_progress = time.time() + PROGRESS_INTERVAL_S
                self.writer.check()
                self._check_lanes()
                self.stop.wait(CONTROL_INTERVAL_S)
        finally:
            self.stop.set()
            for thread in self.threads:
                thread.join()
            self.writer.close()
            for log in self.logs:
                log.close()
            with self._store_guard():
                self.spread.close(reason)
        self.writer.check()
        with self._store_guard():
            targets = [] if self.role == "worker" else summaries(self.store)
            result = SimulationResult(reason, targets)
        self.store.close()
        return result

    def _end(self) -> str | None:
        """Why a single process's run ends now (None: it goes on)."""
        if self.lanes and all(lane.done for lane in self.lanes.values()):
            return "finished"
        lanes = self.lanes.values()
        running = [ln for ln in lanes if not ln.done and not ln.paused.is_set()]
        if not running and not self.keep_paused:
            return "idle"
        return None

    def _progress_line(self) -> str:
        lanes = list(self.lanes.values())
        done = sum(ln.done for ln in lanes)
        paused = sum(ln.paused.is_set() and not ln.done for ln in lanes)
        down = sum(ln.down_since is not None for ln in lanes)
        sent = sum(ln.sent for ln in lanes)
        errors = sum(ln.errors for ln in lanes)
        return (
            f"simulate: {len(lanes)} targets ({len(lanes) - paused - done} running, "
            f"{paused} paused, {done} done, {down} down); {sent} actions sent, "
            f"{errors} errors since start"
        )

    def _check_lanes(self) -> None:
        """A lane that died of the harness's own error stops the run (never a silent stall)."""
        for lane in self.lanes.values():
            if lane.crashed is not None:
                raise HarnessError(
                    f"simulate: the lane of {lane.name} failed: {lane.crashed!r} (a bug of the "
                    "harness; start it again to resume)"
                )

    @contextmanager
    def _store_guard(self) -> Iterator[None]:
        """The control connection's driver errors as one StoreLost (one line, exit 2)."""
        try:
            yield
        except driver_errors() as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StoreLost(f"simulation database {self.settings.database_url}: {reason}") from exc

    def _sync_targets(self) -> None:
        """Pick up the teams file's and the store's changes (a worker: its claims')."""
        if self.role != "worker":
            self._reload_teams()
        if self.role == "master":
            self.spread.check_workers()
            return
        owned = None if self.role == "single" else self.spread.sync_claims()
        for row in target_rows(self.store):
            if owned is not None and row.name not in owned:
                continue
            lane = self.lanes.get(row.name)
            if lane is None and row.name not in self.broken:
                self._start_lane(row)
            elif lane is None:
                continue
            elif row.paused != lane.paused.is_set():
                if row.paused:
                    lane.paused.set()
                else:
                    lane.paused.clear()
                self.say(f"{row.name}: {'paused' if row.paused else 'resumed'}")
            if lane is not None and self.role == "worker" and row.base_url != lane.base_url:
                lane.move(row.base_url, row.source_address)  # the master's teams file moved it

    def _reload_teams(self) -> None:
        try:
            mtime = self.teams_path.stat().st_mtime_ns
        except OSError as exc:
            self.say(f"{self.teams_path}: {exc.strerror or exc}; keeping the targets")
            return
        if mtime == self.teams_mtime:
            return
        self.teams_mtime = mtime
        try:
            teams = read_teams(self.teams_path)
        except UsageError as exc:
            self.say(f"{exc}; keeping the targets as they were")
            return
        before = {t.name: t for t in self.teams}
        after = {t.name: t for t in teams}
        now = time.time()
        for name, team in after.items():
            old = before.get(name)
            if old is None:
                upsert_target(self.store, team, len(self.actions), now)
                set_paused(self.store, name, False)
                self.say(f"{self.teams_path}: target {name} added")
            elif (old.url, old.source_address) != (team.url, team.source_address):
                upsert_target(self.store, team, len(self.actions), now)
                if name in self.lanes:
                    self.lanes[name].move(team.url, team.source_address)
                self.say(f"{self.teams_path}: target {name} now at {team.url}")
        for name in before - after.keys():
            set_paused(self.store, name, True)
            self.say(f"{self.teams_path}: target {name} removed: paused (its outcomes stay)")
        self.teams = teams

    def _start_lane(self, row: TargetRow) -> None:
        if not self.spread.may_start(row.name):
            return
        try:
            Target.parse(row.base_url)
        except ValueError:
            self.broken.add(row.name)
            self.say(f"{row.name}: base_url {row.base_url!r} is not an http(s) URL; not started")
            return
        set_total(self.store, row.name, len(self.actions))
        state = progress(self.store, row.name)
        log = open(self.log_dir / f"{row.name}.log", "a", encoding="utf-8")  # noqa: SIM115
        self.logs.append(log)
        lane = Lane(
            row.name,
            row.base_url,
            row.source_address,
            self.actions,
            self.offsets,
            max(self.started_at + row.start_offset, row.added_at),
            state,
            self.writer,
            log,
            self.lane_settings,
            self.stop,
            self.say,
        )
        if row.paused:
            lane.paused.set()
        self.lanes[row.name] = lane
        if lane.done:
            return
        thread = threading.Thread(target=lane.run, name=f"lane-{row.name}", daemon=True)
        self.threads.append(thread)
        self.spread.started(row.name, thread)
        thread.start()
