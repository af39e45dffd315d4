"""The seed's story behind a real nginx: SQLite to PostgreSQL under simulator traffic.

The incident: copy while the old app keeps taking writes, start the PostgreSQL app, switch
nginx's upstream (reload): the writes the old app acknowledged after the copy are lost, and
the drill names them. The fix: the same cut-over with the documented procedure (freeze
writes, catch-up copy, switch, unfreeze): nothing lost, the frozen writes counted as refused.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.drill.restartable import start, start_command, stop
from tests.drill.support import reference_cmd, run_drill
from tests.support.net import free_port
from tests.support.nginx import RunningNginx, run_nginx

pytestmark = pytest.mark.postgres

HARNESS = shlex.join([sys.executable, "-m", "harness"])


@dataclass
class Site:
    """The old app on SQLite behind nginx, and where the new app will listen."""

    nginx: RunningNginx
    sqlite_url: str
    old_url: str
    old_frozen: Path
    new_url: str
    new_pid: Path
    tmp: Path

    def switch(self) -> str:
        """Point nginx's upstream at the new app and reload nginx (graceful, SIGHUP)."""
        conf = self.nginx.root / "nginx.conf"
        pid = self.nginx.root / "nginx.pid"
        edit = f"s#proxy_pass {self.old_url};#proxy_pass {self.new_url};#"
        return f"sed -i {shlex.quote(edit)} {conf} && kill -HUP $(cat {pid}) && sleep 0.5"

    def start_new(self, pg_url: str, *extra: str) -> str:
        """Start the PostgreSQL-backed app (detached; the test stops it)."""
        port = int(self.new_url.rsplit(":", 1)[1])
        cmd = [*reference_cmd(pg_url, port), *extra]
        return start_command(cmd, self.new_pid, self.new_url, self.tmp / "new.log")


@contextmanager
def site(tmp_path: Path) -> Iterator[Site]:
    port = free_port()
    old_url = f"http://127.0.0.1:{port}"
    sqlite_url = f"sqlite:///{tmp_path / 'old.db'}"
    old_frozen = tmp_path / "old.frozen"
    old_pid = tmp_path / "old.pid"
    cmd = [*reference_cmd(sqlite_url, port), "--maintenance-file", str(old_frozen)]
    start(cmd, old_pid, old_url, tmp_path / "old.log")
    new_pid = tmp_path / "new.pid"
    try:
        with run_nginx(old_url, tmp_path / "nginx") as nginx:
            new_url = f"http://127.0.0.1:{free_port()}"
            yield Site(nginx, sqlite_url, old_url, old_frozen, new_url, new_pid, tmp_path)
    finally:
        stop(old_pid)
        stop(new_pid)


def test_incident_copy_while_writing_loses_acknowledged_writes(tmp_path: Path, pg_url: str) -> None:
    with site(tmp_path) as s:
        operation = " && ".join(
            [
                f"{HARNESS} db copy --from {s.sqlite_url} --to {pg_url}",
                s.start_new(pg_url),
                s.switch(),
            ]
        )
        run = run_drill(s.nginx.url(), tmp_path, "--during", operation)
    assert run.code == 1, run.stdout + run.stderr
    doc = run.results
    assert doc["operation"]["exit_code"] == 0
    lost = doc["lost"]
    assert len(lost) >= 5
    # The lost writes were acknowledged by the old app during the operation: after the
    # copy's snapshot, before the switch.
    op = doc["operation"]
    assert all(op["start"] <= w["acknowledged"] <= op["end"] for w in lost)
    assert doc["lost_summary"].startswith(
        f"{len(lost)} acknowledged writes lost, all acknowledged between "
    )
    assert doc["lost_summary"] in run.stdout
    assert f"drill: FAILED: {doc['lost_summary']}" in run.stdout
    # The report beside the results marks every lost write on the timeline.
    html = (tmp_path / "drill.html").read_text()
    assert html.count('<g id="lost-writes">') == 1
    assert doc["lost_summary"] in (tmp_path / "drill.md").read_text()


def test_fix_freeze_catch_up_switch_unfreeze_loses_nothing(tmp_path: Path, pg_url: str) -> None:
    with site(tmp_path) as s:
        new_frozen = tmp_path / "new.frozen"
        operation = " && ".join(
            [
                f"{HARNESS} db copy --from {s.sqlite_url} --to {pg_url}",
                f"touch {new_frozen}",
                s.start_new(pg_url, "--maintenance-file", str(new_frozen)),
                f"touch {s.old_frozen}",
                "sleep 1",  # writes that passed the check before the freeze complete
                f"{HARNESS} db copy --from {s.sqlite_url} --to {pg_url} --since",
                s.switch(),
                f"rm {new_frozen}",
            ]
        )
        run = run_drill(s.nginx.url(), tmp_path, "--during", operation)
    assert run.code == 0, run.stdout + run.stderr
    doc = run.results
    assert doc["lost"] == []
    assert doc["latest"]["stale"] == []
    totals = doc["totals"]
    # The frozen writes were refused (503), counted as refused, never as lost.
    assert totals["refused_during_operation"] >= 10
    assert totals["failed"].get("HTTP 503", 0) >= 10
    assert "0 acknowledged writes lost" in run.stdout
    after = [t for t in doc["timeline"] if t["second"] > doc["operation"]["end_s"] + 1]
    assert sum(t["acknowledged"] for t in after) > 0
