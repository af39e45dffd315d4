"""Targets spread over worker processes that share the store (``--workers``, ``--master``,
``--worker``).

The store is the only channel (no message bus): the master writes the targets (teams file,
dashboard) and ``run_state``; each worker claims its fair share of the targets with leases
(:mod:`harness.simulation.lease`), renews them every control tick and drives only what it
holds. A lane sends a request only while its worker's claims surely hold for the request's
whole timeout; a worker that dies (``kill -9``) stops renewing, and when its leases expire
another worker claims its targets and resumes them exactly as a restart does (the action in
flight is sent again as attempt 2). ``--workers N`` starts N local ``simulate --worker``
processes and stops them at the end; a local worker that dies is said on the console, and
when none is left the run stops with one line.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from harness.config import SimulateConfig
from harness.errors import HarnessError, UsageError
from harness.execution.simulate.lane import Lane, WorkerLease
from harness.simulation.lease import (
    LEASE_S,
    claim,
    forget_worker,
    live_workers,
    mark_done,
    master_seen,
    master_silent_for,
    open_targets,
    recorded_master,
    register_worker,
    renew,
    run_state,
    set_master,
    set_run_state,
)
from harness.simulation.store import Store, open_store, sqlite_path

Role = Literal["single", "master", "worker"]

#: A lane stops sending this long before its worker's lease expires (commit of the outcome).
MARGIN_S = 2.0
#: A master heartbeat more recent than this (seconds) means that master runs (it beats
#: every 0.5 s): another ``simulate`` on the store is refused.
MASTER_ALIVE_S = 5.0
#: How long the master gives its local workers to end after the run ended.
STOP_GRACE_S = 15.0


class Spread:
    """The part of a run that concerns worker processes (nothing for a single process)."""

    def __init__(
        self,
        role: Role,
        settings: SimulateConfig,
        store: Store,
        say: Callable[[str], None],
        worker_id: str,
        lease: WorkerLease | None,
        lanes: dict[str, Lane],
        *,
        keep_paused: bool,
    ) -> None:
        self.role = role
        self.settings = settings
        self.store = store
        self.say = say
        self.worker_id = worker_id
        self.lease = lease
        self.lanes = lanes
        self.keep_paused = keep_paused
        self.lease_s = LEASE_S + 2 * max(settings.timeout, 1.0)
        self.threads: dict[str, threading.Thread] = {}
        self.marked: set[str] = set()
        self.procs: list[subprocess.Popen[bytes]] = []

    @staticmethod
    def worker_store(settings: SimulateConfig, worker_id: str) -> Store:
        """The master's store, for a worker: it must exist and hold a running simulation.

        The worker's heartbeat starts at once: a master waits for its workers to join before
        the run starts, so that each claims its fair share.
        """
        url = settings.database_url
        if (
            not url.startswith(("postgresql://", "postgres://"))
            and not Path(sqlite_path(url)).is_file()
        ):
            raise UsageError(
                f"simulate --worker: no simulation database at {url} (a worker shares the "
                "master's --database-url; across machines, use postgresql://...)"
            )
        store = open_store(url)
        deadline = time.monotonic() + settings.worker_wait
        while True:
            register_worker(store, worker_id)
            if run_state(store) == "running":
                break
            if time.monotonic() >= deadline:
                store.close()
                raise UsageError(
                    f"simulate --worker: no master runs a simulation in {url} "
                    f"(waited {settings.worker_wait:g}s; start simulate --master first)"
                )
            time.sleep(0.5)
        return store

    @staticmethod
    def refuse_second_master(store: Store) -> None:
        """A master that runs this simulation now: a second sender would send twice."""
        silent = master_silent_for(store)
        alive = silent is not None and silent < MASTER_ALIVE_S and run_state(store) != "ended"
        if alive and _dead_here(recorded_master(store)):
            alive = False  # a master of this machine killed a moment ago: its restart goes on
        if alive:
            store.close()
            raise UsageError(
                f"simulation database {store.url}: a master runs this simulation (seen "
                f"{silent:.1f}s ago); add workers with simulate --worker, or stop it first"
            )

    def start(self) -> None:
        """Master: say the run is on, start the local workers; worker: join."""
        if self.role == "master":
            set_master(self.store, self.worker_id)
            master_seen(self.store)
            set_run_state(self.store, "starting")
            if not self.settings.master:
                for _ in range(self.settings.workers):
                    # Their own session: a terminal's Ctrl-C reaches the master only, which
                    # ends them through the store (the requests in flight are recorded).
                    proc = subprocess.Popen(self._worker_cmd(), start_new_session=True)
                    self.procs.append(proc)
                pids = ", ".join(str(p.pid) for p in self.procs)
                self.say(f"simulate: {len(self.procs)} local workers (pids {pids})")
            self._wait_for_workers(max(1, self.settings.workers))
            set_run_state(self.store, "running")
        elif self.role == "worker":
            self.say(f"simulate: worker {self.worker_id} joined")
            self.sync_claims()

    def _worker_cmd(self) -> list[str]:
        s = self.settings
        return [
            sys.executable,
            "-m",
            "harness",
            "simulate",
            "--worker",
            "--database-url",
            s.database_url,
            "--log-dir",
            s.log_dir,
            "--timeout",
            repr(s.timeout),
            "--latest-interval",
            repr(s.latest_interval),
            "--worker-wait",
            repr(s.worker_wait),
        ]

    # --- worker ---------------------------------------------------------------------------

    def sync_claims(self) -> set[str]:
        """Renew, let go of lost targets, mark done ones, claim more; the targets held."""
        assert self.lease is not None
        began = time.monotonic()
        owned = renew(self.store, self.worker_id, self.lease_s)
        self.lease.valid_until = began + self.lease_s - MARGIN_S
        for name, lane in list(self.lanes.items()):
            if lane.done and name not in self.marked:
                mark_done(self.store, name, self.worker_id)
                self.marked.add(name)
            elif name not in owned and not lane.done:
                lane.lost.set()
                del self.lanes[name]
                self.say(f"{name}: taken over by another worker; no longer sent from here")
        owned |= set(claim(self.store, self.worker_id, self.lease_s, len(owned)))
        return owned

    def may_start(self, name: str) -> bool:
        """A lane of ``name`` may start (the previous one of this process has ended)."""
        thread = self.threads.get(name)
        return thread is None or not thread.is_alive()

    def started(self, name: str, thread: threading.Thread) -> None:
        """Remember the thread of a lane."""
        self.threads[name] = thread

    # --- master ---------------------------------------------------------------------------

    def _wait_for_workers(self, count: int) -> None:
        """Master: until ``count`` workers joined (each then claims its fair share)."""
        wait = self.settings.worker_wait
        deadline = time.monotonic() + wait
        while live_workers(self.store, self.lease_s) < count:
            self.check_workers()
            if time.monotonic() >= deadline:
                hint = "" if self.procs else " (start simulate --worker --database-url ...)"
                raise HarnessError(
                    f"simulate: fewer than {count} workers joined within {wait:g}s{hint}"
                )
            time.sleep(0.2)

    def check_workers(self) -> None:
        """Master: its heartbeat; a local worker that ended is said; none left stops the run."""
        master_seen(self.store)
        for proc in list(self.procs):
            code = proc.poll()
            if code is not None:
                self.procs.remove(proc)
                self.say(
                    f"simulate: local worker pid {proc.pid} ended (exit {code}); its targets "
                    "go to the other workers when its lease expires"
                )
                if not self.procs and open_targets(self.store):
                    raise HarnessError(
                        "simulate: every local worker process ended before the targets were "
                        "done; start simulate again to resume"
                    )

    def progress_line(self) -> str:
        """Master: the run's progress as the store says it."""
        (targets, done, paused) = self.store.query(
            "SELECT COUNT(*), COUNT(done_at), COALESCE(SUM(paused), 0) FROM sim_targets"
        )[0]
        (sent, errors) = self.store.query(
            "SELECT COUNT(*), COALESCE(SUM(failed), 0) FROM sim_attempts WHERE finished IS NOT NULL"
        )[0]
        workers = live_workers(self.store, self.lease_s)
        return (
            f"simulate: {targets} targets ({done} done, {paused} paused) on {workers} workers; "
            f"{sent} actions sent, {errors} errors"
        )

    # --- both -----------------------------------------------------------------------------

    def end(self) -> str | None:
        """Why a master's or a worker's run ends now (None: it goes on)."""
        if self.role == "worker":
            silent = master_silent_for(self.store)
            if silent is not None and silent > self.settings.worker_wait:
                raise HarnessError(
                    f"simulate --worker: the master has not been seen for {silent:.0f}s "
                    f"(--worker-wait {self.settings.worker_wait:g}s); stopping: start the master "
                    "again, then the workers"
                )
            return "ended by the master" if run_state(self.store) == "ended" else None
        (targets, open_, running) = self.store.query(
            "SELECT COUNT(*), COUNT(*) - COUNT(done_at),"
            " COALESCE(SUM(CASE WHEN done_at IS NULL AND paused = 0 THEN 1 ELSE 0 END), 0)"
            " FROM sim_targets"
        )[0]
        if targets and not open_:
            return "finished"
        if open_ and not running and not self.keep_paused:
            return "idle"
        return None

    def close(self, reason: str) -> None:
        """Master: tell the workers and wait for the local ones; worker: free its targets."""
        if self.role == "worker":
            forget_worker(self.store, self.worker_id)
            return
        if self.role != "master":
            return
        set_run_state(self.store, "ended")
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                self.say(f"simulate: local worker pid {proc.pid} did not end; killed")


def _dead_here(process: str | None) -> bool:
    """Whether ``host:pid`` names a process of this machine that no longer runs."""
    if process is None:
        return False
    host, _, pid = process.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
