"""Targets spread over worker processes: exclusive, leased claims in the store.

A worker (``simulate --worker``, or one of ``--workers N``) registers in ``sim_workers`` and
claims targets with one atomic ``UPDATE ... WHERE`` the target is free (no owner, or its
owner's lease has expired by the database's clock), up to its fair share of the targets not
done. It renews its leases and its heartbeat every control tick; a worker that dies stops
renewing, and once its leases expire another worker claims its targets and resumes them as a
restart does. The run's state (``run_state`` in ``sim_meta``: ``running`` or ``ended``) is
how the master tells its workers the run is over.
"""

from __future__ import annotations

import math

from harness.simulation.store import Store

#: How long a claim holds without renewal (seconds, the database's clock), before the
#: request timeout is added (a request in flight must end well inside the lease).
LEASE_S = 10.0


def register_worker(store: Store, worker: str) -> None:
    """Record (or refresh) the heartbeat of ``worker``."""
    store.execute(
        f"INSERT INTO sim_workers (id, seen) VALUES (?, {store.now_sql})"
        f" ON CONFLICT (id) DO UPDATE SET seen = {store.now_sql}",
        (worker,),
    )


def forget_worker(store: Store, worker: str) -> None:
    """A worker that ends cleanly: its row goes, its unfinished targets are free at once."""
    store.execute(
        "UPDATE sim_targets SET lease_until = NULL WHERE owner = ? AND done_at IS NULL", (worker,)
    )
    store.execute("DELETE FROM sim_workers WHERE id = ?", (worker,))


def live_workers(store: Store, lease: float) -> int:
    """Workers whose heartbeat is more recent than ``lease`` seconds."""
    (count,) = store.query(
        f"SELECT COUNT(*) FROM sim_workers WHERE seen > {store.now_sql} - ?", (lease,)
    )[0]
    return int(count)


def renew(store: Store, worker: str, lease: float) -> set[str]:
    """Extend the leases of ``worker`` (and its heartbeat); the targets it still owns."""
    register_worker(store, worker)
    store.execute(
        f"UPDATE sim_targets SET lease_until = {store.now_sql} + ?"
        " WHERE owner = ? AND done_at IS NULL",
        (lease, worker),
    )
    rows = store.query(
        "SELECT name FROM sim_targets WHERE owner = ? AND done_at IS NULL", (worker,)
    )
    return {str(n) for (n,) in rows}


def claim(store: Store, worker: str, lease: float, owned: int) -> list[str]:
    """Claim free targets up to the fair share of ``worker`` (which owns ``owned``)."""
    (open_targets,) = store.query("SELECT COUNT(*) FROM sim_targets WHERE done_at IS NULL")[0]
    share = math.ceil(int(open_targets) / max(1, live_workers(store, lease)))
    claimed: list[str] = []
    if owned >= share:
        return claimed
    free = store.query(
        "SELECT name FROM sim_targets WHERE done_at IS NULL AND (owner IS NULL"
        f" OR lease_until IS NULL OR lease_until < {store.now_sql}) ORDER BY name"
    )
    for (name,) in free:
        if owned + len(claimed) >= share:
            break
        store.execute(
            f"UPDATE sim_targets SET owner = ?, lease_until = {store.now_sql} + ?"
            " WHERE name = ? AND done_at IS NULL AND (owner IS NULL OR lease_until IS NULL"
            f" OR lease_until < {store.now_sql})",
            (worker, lease, name),
        )
        # The UPDATE either won the row or found it taken; the row says which.
        row = store.query("SELECT owner FROM sim_targets WHERE name = ?", (name,))
        if row and row[0][0] == worker:
            claimed.append(str(name))
    return claimed


def mark_done(store: Store, name: str, worker: str) -> None:
    """Every action of ``name`` has an outcome: it is never claimed again."""
    store.execute(
        f"UPDATE sim_targets SET done_at = {store.now_sql}, lease_until = NULL"
        " WHERE name = ? AND owner = ?",
        (name, worker),
    )


def open_targets(store: Store) -> int:
    """Targets not done."""
    (count,) = store.query("SELECT COUNT(*) FROM sim_targets WHERE done_at IS NULL")[0]
    return int(count)


def run_state(store: Store) -> str | None:
    """``running``, ``ended`` or None (no master started this store yet)."""
    rows = store.query("SELECT value FROM sim_meta WHERE key = 'run_state'")
    return str(rows[0][0]) if rows else None


def set_run_state(store: Store, state: str) -> None:
    """The master's word to its workers."""
    store.execute(
        "INSERT INTO sim_meta (key, value) VALUES ('run_state', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (state,),
    )


def master_seen(store: Store) -> None:
    """The master's heartbeat (the database's clock): its workers end when it stops."""
    store.execute(
        f"INSERT INTO sim_meta (key, value) VALUES ('master_seen', CAST({store.now_sql} AS TEXT))"
        f" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )


def master_silent_for(store: Store) -> float | None:
    """Seconds since the master's last heartbeat (None: never seen)."""
    rows = store.query(
        f"SELECT {store.now_sql} - CAST(value AS DOUBLE PRECISION) FROM sim_meta"
        " WHERE key = 'master_seen'"
    )
    return float(rows[0][0]) if rows else None


def set_master(store: Store, master: str) -> None:
    """Record which process (``host:pid``) is the master."""
    store.execute(
        "INSERT INTO sim_meta (key, value) VALUES ('master', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (master,),
    )


def recorded_master(store: Store) -> str | None:
    """The last master's ``host:pid`` (None: none yet)."""
    rows = store.query("SELECT value FROM sim_meta WHERE key = 'master'")
    return str(rows[0][0]) if rows else None
