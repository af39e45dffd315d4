"""What ``simulate``'s engine writes into and reads back from the store (:mod:`.store`).

The statements the engine's one writer thread runs (``INSERT_ATTEMPT`` ... ``CLOSE_OUTAGE``),
the simulation's identity in ``sim_meta`` (a restart with another scenario is refused), the
targets' rows, and where each target stands when ``simulate`` starts again.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.errors import UsageError
from harness.simulation.store import Store
from harness.simulation.teams import TeamTarget

INSERT_ATTEMPT = (
    "INSERT INTO sim_attempts (target, action_id, attempt, command, scheduled, started, worker)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
FINISH_ATTEMPT = (
    "UPDATE sim_attempts SET started = ?, finished = ?, status = ?, error = ?, failed = ?,"
    " latency_ms = ?, exchange = ? WHERE target = ? AND action_id = ? AND attempt = ?"
)
INSERT_LATEST = (
    "INSERT INTO sim_latest (target, at, value, last_sent, error) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (target, at) DO NOTHING"
)
OPEN_OUTAGE = (
    "INSERT INTO sim_outages (target, started, ended) VALUES (?, ?, NULL)"
    " ON CONFLICT (target, started) DO NOTHING"
)
CLOSE_OUTAGE = "UPDATE sim_outages SET ended = ? WHERE target = ? AND ended IS NULL"


@dataclass(frozen=True)
class TargetRow:
    """One row of ``sim_targets``."""

    name: str
    base_url: str
    source_address: str | None
    start_offset: float
    paused: bool
    added_at: float


@dataclass(frozen=True)
class TargetProgress:
    """Where a target stands in the store when ``simulate`` (re)starts."""

    last_done: int | None  # greatest action id with an outcome
    in_flight: dict[int, int]  # action id -> its last attempt, for attempts without outcome
    last_acknowledged: int | None  # greatest action id the simulator counted as fine
    answered: bool  # the target answered a request or a poll before
    down_since: float | None  # start of the open outage, if any


def driver_errors() -> tuple[type[Exception], ...]:
    """The errors a store's driver raises when the database fails (or went away)."""
    import sqlite3

    import psycopg

    return (sqlite3.Error, psycopg.Error)


def _meta(store: Store) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.query("SELECT key, value FROM sim_meta")}


def recorded_scenario(store: Store) -> str | None:
    """The scenario path the store was started with (None: a new store)."""
    return _meta(store).get("scenario")


def prepare_meta(
    store: Store, scenario: str, sha256: str, speed: str | None, now: float
) -> tuple[float, str]:
    """Record the simulation's identity at its first start; ``started_at`` and the speed.

    A restart with a scenario of another content is a UsageError (its ids would mean other
    actions); the speed may change between starts (None: keep the recorded one, else 1).
    """
    meta = _meta(store)
    if "scenario_sha256" in meta:
        if meta["scenario_sha256"] != sha256:
            raise UsageError(
                f"simulation database {store.url}: started with scenario "
                f"{meta.get('scenario')} (sha256 {meta['scenario_sha256'][:12]}), "
                f"not {scenario} (sha256 {sha256[:12]}); use another --database-url"
            )
        if speed is None:
            speed = meta.get("speed", "1")
        store.execute("UPDATE sim_meta SET value = ? WHERE key = 'speed'", (speed,))
        return float(meta["started_at"]), speed
    speed = speed or "1"
    with store.transaction():
        for key, value in (
            ("scenario", scenario),
            ("scenario_sha256", sha256),
            ("speed", speed),
            ("started_at", repr(now)),
        ):
            store.execute("INSERT INTO sim_meta (key, value) VALUES (?, ?)", (key, value))
    return now, speed


def upsert_target(
    store: Store, target: TeamTarget, total: int, now: float, *, update: bool = True
) -> bool:
    """Insert a target; whether a row was inserted.

    ``update``: a target of the teams file that exists already gets its URL, source, offset
    and total (its pause state and outcomes stay); without it (the dashboard's "add"), an
    existing target is left as it is.
    """
    exists = bool(store.query("SELECT 1 FROM sim_targets WHERE name = ?", (target.name,)))
    if exists and not update:
        return False
    store.execute(
        "INSERT INTO sim_targets (name, base_url, source_address, start_offset, paused,"
        " added_at, total_actions) VALUES (?, ?, ?, ?, 0, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET base_url = excluded.base_url,"
        " source_address = excluded.source_address, start_offset = excluded.start_offset,"
        " total_actions = excluded.total_actions",
        (target.name, target.url, target.source_address, target.start_offset, now, total),
    )
    return not exists


def set_paused(store: Store, name: str, paused: bool) -> bool:
    """Pause or resume a target; whether it exists."""
    if not store.query("SELECT 1 FROM sim_targets WHERE name = ?", (name,)):
        return False
    store.execute("UPDATE sim_targets SET paused = ? WHERE name = ?", (int(paused), name))
    return True


def set_total(store: Store, name: str, total: int) -> None:
    """Fix ``total_actions`` of a target added by someone else (the dashboard)."""
    store.execute(
        "UPDATE sim_targets SET total_actions = ? WHERE name = ? AND total_actions <> ?",
        (total, name, total),
    )


def target_rows(store: Store) -> list[TargetRow]:
    """Every target, by name."""
    rows = store.query(
        "SELECT name, base_url, source_address, start_offset, paused, added_at"
        " FROM sim_targets ORDER BY name"
    )
    return [
        TargetRow(str(n), str(u), None if s is None else str(s), float(o), bool(p), float(a))
        for n, u, s, o, p, a in rows
    ]


def progress(store: Store, name: str) -> TargetProgress:
    """Where target ``name`` stands (a few indexed queries, whatever the run's length)."""
    (last_done,) = store.query(
        "SELECT MAX(action_id) FROM sim_attempts WHERE target = ? AND finished IS NOT NULL",
        (name,),
    )[0]
    in_flight = store.query(
        "SELECT action_id, MAX(attempt) FROM sim_attempts WHERE target = ? AND action_id > ?"
        " GROUP BY action_id",
        (name, -1 if last_done is None else last_done),
    )
    (acknowledged,) = store.query(
        "SELECT MAX(action_id) FROM sim_attempts WHERE target = ? AND failed = 0", (name,)
    )[0]
    answered = bool(
        store.query(
            "SELECT 1 FROM sim_attempts WHERE target = ? AND finished IS NOT NULL"
            " AND error IS NULL LIMIT 1",
            (name,),
        )
        or store.query(
            "SELECT 1 FROM sim_latest WHERE target = ? AND error IS NULL LIMIT 1", (name,)
        )
    )
    down = store.query(
        "SELECT MIN(started) FROM sim_outages WHERE target = ? AND ended IS NULL", (name,)
    )[0][0]
    return TargetProgress(
        last_done=None if last_done is None else int(last_done),
        in_flight={int(a): int(n) for a, n in in_flight},
        last_acknowledged=None if acknowledged is None else int(acknowledged),
        answered=answered,
        down_since=None if down is None else float(down),
    )


@dataclass(frozen=True)
class TargetSummary:
    """The end-of-run line of one target."""

    name: str
    sent: int  # actions with an outcome
    total: int
    errors: int  # outcomes the simulator counts as errors
    outages: int
    resent: int  # actions sent a second time (in flight when simulate died)


def summaries(store: Store) -> list[TargetSummary]:
    """One summary per target, by name."""
    out = []
    for name, total in store.query("SELECT name, total_actions FROM sim_targets ORDER BY name"):
        sent, errors = store.query(
            "SELECT COUNT(*), COALESCE(SUM(failed), 0) FROM sim_attempts"
            " WHERE target = ? AND finished IS NOT NULL",
            (name,),
        )[0]
        (outages,) = store.query("SELECT COUNT(*) FROM sim_outages WHERE target = ?", (name,))[0]
        (resent,) = store.query(
            "SELECT COUNT(*) FROM sim_attempts WHERE target = ? AND attempt > 1", (name,)
        )[0]
        out.append(
            TargetSummary(str(name), int(sent), int(total), int(errors), int(outages), int(resent))
        )
    return out
