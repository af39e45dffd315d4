"""The seed's story behind a real nginx: SQLite to PostgreSQL under simulator traffic.

Both operations are the scripts the README documents (``examples/drill/``). The incident:
copy while the old app keeps taking writes, start the PostgreSQL app, switch nginx's
upstream (reload): the writes the old app acknowledged after the copy are lost, and the
drill names them. The fix: freeze writes, catch-up copy, switch, unfreeze: nothing lost,
the frozen writes counted as refused.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.drill.restartable import start, start_command, stop
from tests.drill.support import reference_cmd, run_drill
from tests.support.net import free_port
from tests.support.nginx import RunningNginx, run_nginx

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def site(tmp_path: Path, pg_url: str) -> Iterator[tuple[RunningNginx, dict[str, str]]]:
    """The old app on SQLite behind nginx; the scripts' settings for the move to ``pg_url``."""
    old_port, new_port = free_port(), free_port()
    old_url, new_url = f"http://127.0.0.1:{old_port}", f"http://127.0.0.1:{new_port}"
    sqlite_url = f"sqlite:///{tmp_path / 'old.db'}"
    old_frozen, new_frozen = tmp_path / "old.frozen", tmp_path / "new.frozen"
    old_pid, new_pid = tmp_path / "old.pid", tmp_path / "new.pid"
    start(
        [*reference_cmd(sqlite_url, old_port), "--maintenance-file", str(old_frozen)],
        old_pid,
        old_url,
        tmp_path / "old.log",
    )
    new_cmd = [*reference_cmd(pg_url, new_port), "--maintenance-file", str(new_frozen)]
    try:
        with run_nginx(old_url, tmp_path / "nginx") as nginx:
            yield (
                nginx,
                {
                    "HARNESS": shlex.join([sys.executable, "-m", "harness"]),
                    "OLD_DB": sqlite_url,
                    "NEW_DB": pg_url,
                    "START_NEW": start_command(new_cmd, new_pid, new_url, tmp_path / "new.log"),
                    "NGINX_CONF": str(nginx.root / "nginx.conf"),
                    "NGINX_PID": str(nginx.root / "nginx.pid"),
                    "OLD_UPSTREAM": old_url,
                    "NEW_UPSTREAM": new_url,
                    "OLD_FROZEN": str(old_frozen),
                    "NEW_FROZEN": str(new_frozen),
                },
            )
    finally:
        stop(old_pid)
        stop(new_pid)


def _during(script: str) -> str:
    """The operation as the README shows it (run from the repository's root)."""
    return f"sh examples/drill/{script}"


def test_incident_copy_while_writing_loses_acknowledged_writes(tmp_path: Path, pg_url: str) -> None:
    with site(tmp_path, pg_url) as (nginx, env):
        run = run_drill(
            nginx.url(), tmp_path, "--during", _during("cutover-naive.sh"), env=env, cwd=REPO
        )
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
    assert f"drill: FAILED: {doc['lost_summary']}" in run.stdout
    assert doc["verdict"]["checks"][0] == "drill.lost-writes"
    # The report beside the results marks every lost write on the timeline.
    html = (tmp_path / "drill.html").read_text()
    assert html.count('<g id="lost-writes">') == 1
    assert doc["lost_summary"] in (tmp_path / "drill.md").read_text()


def test_fix_freeze_catch_up_switch_unfreeze_loses_nothing(tmp_path: Path, pg_url: str) -> None:
    with site(tmp_path, pg_url) as (nginx, env):
        run = run_drill(
            nginx.url(), tmp_path, "--during", _during("cutover-frozen.sh"), env=env, cwd=REPO
        )
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
