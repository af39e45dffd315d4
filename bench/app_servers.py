"""Servers under test for the app benchmark, and direct bulk loading of their databases.

The reference app runs exactly as users run it (``minitwit-harness serve``: gunicorn); the
baseline runs on Flask's development server. Large message tables are written straight into
the database files (``executemany`` / ``COPY``): a million HTTP requests would measure the
loader, not the reads.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from harness.local import free_port, stop_process

#: The Debian package's nginx, answering 204 to everything: a server that costs next to nothing.
NGINX = "/usr/sbin/nginx"
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {dir}; proxy_temp_path {dir}; fastcgi_temp_path {dir};
  uwsgi_temp_path {dir}; scgi_temp_path {dir};
  server {{ listen 127.0.0.1:{port}; location / {{ return 204; }} }}
}}
"""

#: Admin connection used to create (and drop) one fresh benchmark database per run.
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BULK_USERS = 1000
BATCH = 50_000


@dataclass(frozen=True)
class AppServer:
    """A running server and the database behind it."""

    name: str
    url: str
    database_url: str  # sqlite:///PATH or postgresql://...
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server and its live worker processes (Linux /proc)."""
        return _tree_cpu_seconds(self.pid)

    def database_cpu_seconds(self) -> float:
        """CPU time used so far by the PostgreSQL sessions open on the target's database.

        A PostgreSQL server's work (parsing, a round trip's wake-up) runs in its session
        processes, not the app's: the app's own CPU alone would flatter a chatty app. The
        pool keeps its sessions for the server's life, so a difference over a run counts
        them all. 0.0 for SQLite, which works inside the app's processes.
        """
        if not self.database_url.startswith("postgresql"):
            return 0.0
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return sum(_process_cpu_seconds(int(row[0])) for row in rows)


def _process_cpu_seconds(pid: int) -> float:
    """user+system CPU seconds of one process (0.0 once it has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree_cpu_seconds(root: int) -> float:
    """user+system CPU seconds of ``root`` and its descendants that are alive now."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        fields = stat.rsplit(")", 1)[1].split()  # the command name may contain spaces
        parents[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    return sum(ticks.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/latest", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} not ready after 60 s")


@contextmanager
def _process(cmd: list[str], name: str, db_url: str, port: int, work: Path) -> Iterator[AppServer]:
    log = work / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process, log)
        yield AppServer(name, url, db_url, process.pid)
    finally:
        stop_process(process, grace_s=15)


@contextmanager
def nginx_204(work: Path, *, cpu: int | None = None) -> Iterator[str]:
    """A real nginx answering 204 to every request, in ``work``; yield its base URL.

    ``cpu``: pin it to that core (so that a client pinned elsewhere never competes with it).
    """
    port = free_port()
    (work / "nginx.conf").write_text(NGINX_CONF.format(dir=work, port=port))
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    nginx = subprocess.Popen(
        [NGINX, "-c", str(work / "nginx.conf"), "-p", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=pin,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, nginx, work / "error.log")
        yield url
    finally:
        stop_process(nginx, grace_s=10)


@contextmanager
def reference(
    name: str, database_url: str, work: Path, *, server: str | None = None
) -> Iterator[AppServer]:
    """The reference app under ``minitwit-harness serve`` with its default workers/threads.

    ``server``: a ``serve --server`` other than the default (a candidate).
    """
    port = free_port()
    cmd = [sys.executable, "-m", "harness", "serve", "--database-url", database_url]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    cmd += [] if server is None else ["--server", server]
    with _process(cmd, name, database_url, port, work) as target:
        yield target


@contextmanager
def baseline(work: Path) -> Iterator[AppServer]:
    """The naive baseline app on a fresh SQLite file and latest file."""
    port = free_port()
    db = work / f"baseline-{port}.db"
    cmd = [sys.executable, "-m", "bench.baseline_app", "--db", str(db), "--port", str(port)]
    cmd += ["--latest-file", str(work / f"latest-{port}.txt")]
    with _process(cmd, "baseline", f"sqlite:///{db}", port, work) as target:
        yield target


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """An empty PostgreSQL database for one benchmark run, dropped afterwards."""
    name = f"mth_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _message_rows(first: int, last: int, author_ids: list[int]) -> Iterator[tuple[int, str, int]]:
    """Messages ``first``..``last-1``: round-robin authors, one second apart, realistic text."""
    for i in range(first, last):
        text = f"Bulk message {i} with “curly quotes” — and some padding to look like a tweet"
        yield author_ids[i % len(author_ids)], text, 1_600_000_000 + i


def bulk_users(target: AppServer, baseline_schema: bool) -> list[int]:
    """Insert ``BULK_USERS`` users named ``bulk user N``; their ids in insertion order."""
    table = "user" if baseline_schema else "users"
    rows = [(f"bulk user {i}", f"b{i}@example.org", "not-a-hash") for i in range(BULK_USERS)]
    sql = f"INSERT INTO {table} (username, email, pw_hash) VALUES (%s, %s, %s)"
    select = f"SELECT user_id FROM {table} WHERE username LIKE 'bulk user %' ORDER BY user_id"
    if target.database_url.startswith("postgresql"):
        with psycopg.connect(target.database_url) as pg:
            pg.cursor().executemany(sql, rows)
            return [int(r[0]) for r in pg.execute(select).fetchall()]
    with sqlite3.connect(target.database_url.removeprefix("sqlite:///"), timeout=60) as db:
        db.executemany(sql.replace("%s", "?"), rows)
        return [int(r[0]) for r in db.execute(select).fetchall()]


def bulk_messages(
    target: AppServer, baseline_schema: bool, first: int, last: int, authors: list[int]
) -> None:
    """Insert messages ``first``..``last-1`` straight into the target's database."""
    rows = _message_rows(first, last, authors)
    if target.database_url.startswith("postgresql"):
        with psycopg.connect(target.database_url) as pg, pg.cursor() as cur:
            copy_sql = "COPY message (author_id, text, pub_date) FROM STDIN"
            with cur.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute("ANALYZE message")  # what autovacuum does soon after a bulk load
        return
    if baseline_schema:
        sql = "INSERT INTO message (author_id, text, pub_date, flagged) VALUES (?, ?, ?, 0)"
    else:
        sql = "INSERT INTO message (author_id, text, pub_date) VALUES (?, ?, ?)"
    with sqlite3.connect(target.database_url.removeprefix("sqlite:///"), timeout=60) as db:
        db.executemany(sql, rows)
    if not baseline_schema:  # fold the big write into the main file, as a quiet server would
        with sqlite3.connect(target.database_url.removeprefix("sqlite:///"), timeout=60) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
