"""A simulation store read as results bundles: one per target, for the side-by-side report.

``report --simulation URL`` renders the existing report (:mod:`harness.reporting.model`)
from the stored outcomes, at any time: attempts still in flight are left out, an action
sent twice (in flight when ``simulate`` died) counts each attempt that has an outcome.
"""

from __future__ import annotations

from pathlib import Path

from harness.checks.verdicts import simulator_verdict
from harness.errors import InputError
from harness.reporting.bundle import FAILED, PASSED, Bundle, StageSummary, Summary
from harness.results import Outcome
from harness.simulation.store import Store, open_store, sqlite_path

#: The stage name the report shows for a simulation's outcomes.
STAGE = "simulate"


def _outcomes(store: Store, target: str) -> tuple[Outcome, ...]:
    rows = store.query(
        "SELECT action_id, command, status, error, failed, latency_ms, started, finished"
        " FROM sim_attempts WHERE target = ? AND finished IS NOT NULL ORDER BY finished",
        (target,),
    )
    out = []
    for action_id, command, status, error, failed, latency_ms, started, finished in rows:
        status = None if status is None else int(status)
        error = None if error is None else str(error)
        check = simulator_verdict(str(command), status, error).check if failed else None
        out.append(
            Outcome(
                action_id=int(action_id),
                command=str(command),
                user=None,
                status=status,
                error=error,
                verdict="error" if failed else "ok",
                check=check or ("simulator" if failed else None),
                latency_ms=float(latency_ms or 0.0),
                started=float(started),
                finished=float(finished),
            )
        )
    return tuple(out)


def _bundle(store: Store, where: Path, name: str, base_url: str, total: int) -> Bundle:
    outcomes = _outcomes(store, name)
    errors = sum(1 for o in outcomes if o.verdict != "ok")
    ((outages,),) = store.query("SELECT COUNT(*) FROM sim_outages WHERE target = ?", (name,))
    status = FAILED if errors else PASSED
    stage = StageSummary(
        name=STAGE,
        status=status,
        detail=f"{len(outcomes)} of {total} actions done, {errors} errors, {outages} outages",
    )
    times = [o.started for o in outcomes] + [o.finished for o in outcomes]
    summary = Summary(
        label=name,
        target=base_url,
        started=min(times, default=0.0),
        finished=max(times, default=0.0),
        status=status,
        stages=(stage,),
    )
    return Bundle(path=where, summary=summary, findings=(), outcomes={STAGE: outcomes})


def simulation_bundles(url: str) -> list[Bundle]:
    """One bundle per target of the simulation store at ``url``, by name.

    A SQLite store that does not exist, or a store without targets, is an ``InputError``.
    """
    postgres = url.startswith(("postgresql://", "postgres://"))
    if not postgres and not Path(sqlite_path(url)).is_file():
        raise InputError("no simulation store here", path=sqlite_path(url))
    store = open_store(url)
    try:
        where = Path(sqlite_path(url)) if not postgres else Path("postgresql")
        targets = store.query("SELECT name, base_url, total_actions FROM sim_targets ORDER BY name")
        if not targets:
            raise InputError("the simulation has no targets yet", path=str(where))
        return [_bundle(store, where, str(n), str(u), int(t)) for n, u, t in targets]
    finally:
        store.close()
