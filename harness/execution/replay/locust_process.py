"""The Locust process of a replay: ``python -m harness.execution.replay.locust_process JOB``.

Runs in its own process because importing Locust monkey-patches it with gevent. One module
for the three roles, so that a local run and a distributed run share one code path:

* ``local``: a Locust ``LocalRunner``; its custom messages are delivered in-process, so the
  coordinator and the (single) sender side talk exactly as master and workers do.
* ``master``: a ``MasterRunner`` that waits for its workers, partitions the users across
  them, runs the :class:`Coordinator` and never sends traffic itself.
* ``worker``: a ``WorkerRunner`` that receives its plan from the master and sends.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import sys
import time
from typing import Any, ClassVar

from locust import User, constant, task  # monkey-patches this process (gevent)
from locust.env import Environment
from locust.exception import StopUser

from harness.checks.strict import expected_statuses
from harness.execution.replay.coordinator import (
    MSG_COMPLETED,
    MSG_OUTCOME,
    MSG_PLAN,
    MSG_RELEASE_FINAL,
    Coordinator,
)
from harness.execution.replay.job import Job, action_from_wire
from harness.execution.replay.outcome import judged_outcome, tool_error_outcome
from harness.execution.replay.scheduler import Scheduler
from harness.execution.replay.transport import Endpoint, WireClient
from harness.planning.causal import partition_users
from harness.planning.requests import request_for
from harness.results import ResultsWriter
from harness.scenario.model import Action

#: Exit codes of this process, read by the launcher.
EXIT_OK = 0
EXIT_WORKERS_LOST = 3
EXIT_NO_WORKERS = 4


class SenderState:
    """The sender side of one process: its scheduler and what it judges with."""

    def __init__(self) -> None:
        self.scheduler = Scheduler()
        self.job: dict[str, Any] = {}
        self.expected: dict[int, int] = {}
        self.worker_name = "local"


class ReplayUser(User):
    """One concurrent sender: takes ready actions and sends them, until none are left."""

    abstract = True  # bound to a process's SenderState by :func:`bind_user`
    wait_time = constant(0)
    state: ClassVar[SenderState]

    def on_start(self) -> None:
        """Each sender gets its own connection (or none, with ``Connection: close``)."""
        self.scheduler = self.state.scheduler
        self.client_: WireClient | None = None

    @task
    def step(self) -> None:
        """Send the next ready action and report its outcome to the coordinator."""
        action = self.scheduler.take()
        if action is None:
            raise StopUser()
        planned = request_for(action)
        evidence: dict[str, Any] | None = None
        try:
            reply = self._client().send(planned)
            outcome, evidence = judged_outcome(
                action,
                planned,
                reply,
                profile=self.state.job["profile"],
                expected_status=self.state.expected.get(action.id),
                worker=self.state.worker_name,
            )
        except Exception as exc:  # a bug of ours must not stall the causal plan
            logging.exception("replay: action %s", action.id)
            outcome = tool_error_outcome(action, exc, self.state.worker_name)
        self.scheduler.complete([action.id])
        self.environment.events.request.fire(
            request_type=planned.method,
            name=planned.name,
            response_time=outcome.latency_ms,
            response_length=0,
            exception=None if outcome.verdict == "ok" else Exception(outcome.check),
            context={},
        )
        runner: Any = self.environment.runner
        # vars() instead of to_record(): dataclasses.asdict deep-copies, ~60 us per call
        record = {"type": "outcome", **vars(outcome)}
        runner.send_message(MSG_OUTCOME, {"outcome": record, "evidence": evidence})

    def _client(self) -> WireClient:
        if self.client_ is None:
            job = self.state.job
            target = Endpoint(job["target"])
            self.client_ = WireClient(target, job["timeout"], keep_alive=job["keep_alive"])
        return self.client_


def bind_user(state: SenderState) -> type[ReplayUser]:
    """A concrete user class whose instances send from ``state``."""
    return type("BoundReplayUser", (ReplayUser,), {"state": state, "abstract": False})


def _install_sender(env: Environment, state: SenderState) -> None:
    """Register the sender-side message handlers on ``env.runner``."""

    def on_plan(environment: Environment, msg: Any, **_: Any) -> None:
        data = msg.data
        state.job = data["job"]
        # A local run hands over the coordinator's Action objects (no message is encoded).
        actions = [a if isinstance(a, Action) else action_from_wire(a) for a in data["actions"]]
        owned = set(data["owned"])
        if state.job["profile"] == "strict":
            state.expected = expected_statuses(actions)
        state.scheduler.load(
            actions,
            owned=lambda a: a.user in owned,
            done=data["done"],
            speed=state.job["speed"],
            register_limit=state.job["register_limit"],
        )

    def on_completed(environment: Environment, msg: Any, **_: Any) -> None:
        state.scheduler.complete(msg.data)

    def on_release(environment: Environment, msg: Any, **_: Any) -> None:
        state.scheduler.release_final()

    runner: Any = env.runner
    runner.register_message(MSG_PLAN, on_plan)
    runner.register_message(MSG_COMPLETED, on_completed)
    runner.register_message(MSG_RELEASE_FINAL, on_release)


def _plan_message(job: Job, owned: frozenset[str], actions: list[Any]) -> dict[str, Any]:
    settings = {
        "target": job.target,
        "timeout": job.timeout,
        "keep_alive": job.keep_alive,
        "profile": job.profile,
        "speed": job.speed,
        "register_limit": job.register_concurrency or None,
    }
    return {"job": settings, "actions": actions, "owned": sorted(owned), "done": job.done}


def _coordinate(env: Environment, job: Job, worker_ids: list[str], is_local: bool) -> int:
    """Run the coordinator until every action completed (or max errors); return exit code."""
    import gevent

    runner: Any = env.runner
    actions = [action_from_wire(a) for a in job.actions]
    done = set(job.done)
    parts = partition_users([a for a in actions if a.id not in done], len(worker_ids))

    def broadcast(kind: str, data: Any) -> None:
        runner.send_message(kind, data)

    simlog = open(job.simulator_log, "a", encoding="utf-8") if job.simulator_log else None  # noqa: SIM115
    with ResultsWriter(job.results, append=True) as writer:
        coordinator = Coordinator(
            actions,
            set(job.done),
            writer,
            base_url=job.target,
            broadcast=broadcast,
            simulator_log=simlog,
            max_errors=job.max_errors,
        )
        runner.register_message(
            MSG_OUTCOME, lambda environment, msg, **_: coordinator.on_outcome(msg.data)
        )
        # Workers get the wire form (msgpack); the local sender the objects themselves.
        planned: list[Any] = actions if is_local else job.actions
        for worker_id, owned in zip(worker_ids, parts, strict=True):
            runner.send_message(MSG_PLAN, _plan_message(job, owned, planned), client_id=worker_id)
        coordinator.start()
        users = max(1, job.concurrency)
        runner.start(users, spawn_rate=max(users, 100))
        code = EXIT_OK
        while not coordinator.finished.wait(timeout=0.5):
            if not is_local and runner.clients.missing:
                code = EXIT_WORKERS_LOST
                break
        runner.quit()
        gevent.sleep(0)
        coordinator.close()
    return code


def _wait_for_workers(env: Environment, job: Job) -> list[str] | None:
    import gevent

    runner: Any = env.runner
    deadline = time.monotonic() + job.worker_wait
    while time.monotonic() < deadline:
        ready = sorted(w.id for w in runner.clients.ready)
        if len(ready) >= job.workers:
            return ready[: job.workers] if job.workers else ready
        gevent.sleep(0.05)
    return None


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a killed harness)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> int:
    """Run one role of the replay described by the job file ``argv[0]``.

    ``--wait JOB``: the process was started ahead of its job. Locust is imported by now;
    it waits for ``go`` on its standard input before reading the job file, and ends
    without doing anything when the input ends first (the run was called off).
    """
    _die_with_parent()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    path = argv[-1]
    if argv[0] == "--wait" and sys.stdin.readline().strip() != "go":
        return EXIT_OK
    job = Job.read(path)
    state = SenderState()
    env = Environment(user_classes=[bind_user(state)])
    if job.role == "worker":
        runner: Any = env.create_worker_runner(job.master_host, job.master_port)
        state.worker_name = runner.client_id
        _install_sender(env, state)
        runner.greenlet.join()
        return EXIT_OK
    if job.role == "local":
        env.create_local_runner()
        _install_sender(env, state)
        return _coordinate(env, job, ["local"], is_local=True)
    master: Any = env.create_master_runner(job.bind_host, job.master_port)
    workers = _wait_for_workers(env, job)
    if workers is None:
        master.quit()
        return EXIT_NO_WORKERS
    return _coordinate(env, job, workers, is_local=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
