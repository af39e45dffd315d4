"""Locust hooks of the load run: ``--mt-*`` options, per-process state, request cap, summary.

Imports Locust: only locustfiles import this module (never ``import harness``).
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.env import Environment
from locust.runners import LocalRunner, MasterRunner, WorkerRunner

from harness.config import LoadConfig, ScenarioConfig
from harness.scenario.model import Action
from harness.target import Target

from .judge import PROFILES
from .state import LoadOptions, LoadState

_STATE_ATTR = "minitwit_load_state"


#: The built-in defaults of ``minitwit-harness load``: plain Locust uses the same ones.
_SCENARIO, _LOAD = ScenarioConfig(), LoadConfig()


def add_arguments(parser: Any) -> None:
    """The ``--mt-*`` options (Locust forwards them from the master to its workers).

    Locust prints ``--help`` before it imports a locustfile, so these never show in
    ``locust --help``; the README's table lists them, and a test keeps it complete.
    """
    group = parser.add_argument_group("minitwit-harness load")
    add = group.add_argument
    add("--mt-scenario", default="", help="scenario file (default: a generated one)")
    add("--mt-users", type=int, default=_SCENARIO.users, help="unused (0.8%% of actions)")
    add("--mt-actions", type=int, default=_SCENARIO.actions, help="generated (5000 at least)")
    add("--mt-seed", type=int, default=_SCENARIO.seed, help="its random seed")
    add("--mt-read-ratio", type=float, default=_LOAD.read_ratio, help="share of reads (0..1)")
    add("--mt-rate", type=float, default=0.0, help="target requests/s in total (0: no pacing)")
    add("--mt-profile", choices=list(PROFILES), default=_LOAD.profile, help="verdicts")
    add("--mt-timeout", type=float, default=_LOAD.timeout, help="request timeout in seconds")
    add("--mt-keep-alive", action="store_true", help="reuse connections")
    add("--mt-max-requests", type=int, default=_LOAD.max_requests, help="request cap")
    add(
        "--mt-results-dir",
        default="harness-output/load/parts",
        help="where each process writes its part file of raw timings",
    )
    add("--mt-summary", default="", help="the master writes Locust's own counts here (JSON)")
    add("--mt-accounts", default="", help="JSON list of accounts registered by the warm-up")
    add("--mt-processes", type=int, default=1, help="processes that share those accounts")


def state_of(environment: Environment) -> LoadState | None:
    """The process state (None before the test started, and on a master)."""
    state: LoadState | None = getattr(environment, _STATE_ATTR, None)
    return state


def _actions(opts: Any) -> list[Action]:
    if opts.mt_scenario:
        from harness.scenario.parse import read_scenario

        return list(read_scenario(opts.mt_scenario).actions)
    from .source import generated_load_actions

    return generated_load_actions(opts.mt_actions, opts.mt_seed)


def _own_warmup(options: LoadOptions, actions: list[Action], name: str, users: int) -> LoadOptions:
    """Register this process's accounts before its users start (not measured)."""
    from dataclasses import replace

    from .warmup import account_count, warm_up

    path = Path(options.results_dir) / f"accounts-{name}.json"
    count = account_count(users)
    target = Target.parse(options.target).base_url if options.target else ""
    result = warm_up(target, actions, count, options.timeout, path)
    print(result.describe(), flush=True)
    return replace(options, accounts=str(path), processes=1)


def _worker_name(environment: Environment) -> tuple[str, int]:
    """This process's name in the results and its index among the sending processes."""
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        return f"worker-{runner.worker_index}", runner.worker_index
    return "local", 0


def _on_test_start(environment: Environment, **_: Any) -> None:
    opts = environment.parsed_options
    runner = environment.runner
    if opts is None or runner is None:
        return
    if not isinstance(runner, WorkerRunner) and opts.mt_rate > 0:
        # Constant arrival rate: every user paces itself to rate/users task runs per second;
        # the master forwards this custom value to its workers with the spawn message.
        opts.mt_user_rate = opts.mt_rate / max(1, opts.num_users or 1)
    if not isinstance(runner, MasterRunner) and state_of(environment) is None:
        options = LoadOptions(
            read_ratio=opts.mt_read_ratio,
            profile=opts.mt_profile,
            timeout=opts.mt_timeout,
            keep_alive=opts.mt_keep_alive,
            max_requests=opts.mt_max_requests,
            user_rate=getattr(opts, "mt_user_rate", None),
            results_dir=opts.mt_results_dir,
            target=environment.host,
            accounts=opts.mt_accounts,
            processes=opts.mt_processes,
        )
        name, index = _worker_name(environment)
        actions = _actions(opts)
        if not options.accounts:  # plain ``locust -f``: this process warms up for itself
            options = _own_warmup(options, actions, name, opts.num_users or 1)
        state = LoadState.open(options, actions, name, index)
        setattr(environment, _STATE_ATTR, state)
        # The scenario, Locust and its imports live for the whole run: keep them out of
        # the cyclic garbage collector's full passes, which otherwise rescan them all.
        gc.freeze()
    if not isinstance(runner, WorkerRunner):
        gevent.spawn(_watch_cap, environment, opts.mt_max_requests)


def _watch_cap(environment: Environment, cap: int) -> None:
    """Quit the run once the aggregated request count reaches the cap (master or local)."""
    runner = environment.runner
    while runner is not None and runner.state not in ("stopped", "stopping"):
        if environment.stats.total.num_requests >= cap:
            runner.quit()
            return
        gevent.sleep(0.2)


class _Counts:
    """Per-worker request counts as the master saw them in worker reports."""

    def __init__(self) -> None:
        self.by_worker: dict[str, int] = {}

    def on_report(self, client_id: str, data: dict[str, Any], **_: Any) -> None:
        total = data.get("stats_total", {}).get("num_requests", 0)
        self.by_worker[client_id] = self.by_worker.get(client_id, 0) + int(total)


def _write_summary(environment: Environment, counts: _Counts) -> None:
    opts = environment.parsed_options
    if opts is None or not opts.mt_summary:
        return
    runner = environment.runner
    stats = environment.stats
    indexes: dict[str, int] = getattr(runner, "worker_indexes", {})
    summary = {
        "mode": "master" if isinstance(runner, MasterRunner) else "local",
        "total_requests": stats.total.num_requests,
        "total_failures": stats.total.num_failures,
        "endpoints": {
            f"{e.method} {e.name}": [e.num_requests, e.num_failures] for e in stats.entries.values()
        },
        "errors": {f"{e.method} {e.name}: {e.error}": e.occurrences for e in stats.errors.values()},
        "workers": {f"worker-{indexes.get(k, k)}": v for k, v in counts.by_worker.items()},
    }
    Path(opts.mt_summary).parent.mkdir(parents=True, exist_ok=True)
    Path(opts.mt_summary).write_text(json.dumps(summary, indent=2) + "\n")


def _refresh_clock(**_: Any) -> None:
    """Refresh gevent's cached loop time after the (slow) imports of start-up.

    libev caches "now" per loop iteration; Locust arms its ``--run-time`` timer before the
    loop first runs, so on a busy machine a stale clock made short runs end at once.
    """
    gevent.get_hub().loop.update_now()


def install(environment_events: Any = events) -> None:
    """Register the hooks (call once from the locustfile)."""
    if getattr(environment_events, "_minitwit_installed", False):
        return
    environment_events._minitwit_installed = True
    counts = _Counts()
    environment_events.init_command_line_parser.add_listener(add_arguments)
    environment_events.init.add_listener(_refresh_clock)
    environment_events.test_start.add_listener(_on_test_start)
    environment_events.worker_report.add_listener(counts.on_report)

    def on_quitting(environment: Environment, **_: Any) -> None:
        state = state_of(environment)
        if state is not None:
            state.close()
        if isinstance(environment.runner, MasterRunner | LocalRunner):
            _write_summary(environment, counts)

    environment_events.quitting.add_listener(on_quitting)
