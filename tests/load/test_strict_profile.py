"""``load --profile strict``: normative statuses and the JSON Schema of every body.

The strict profile of load is the same body check as replay's (harness.checks.strict):
the reference app passes it, and an implementation that answers ``pub_date`` as an ISO
string (a schema violation the simulator never sees) fails under the schema's check name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.support import run_load_cli
from tests.support.deviant_app import serve_deviant_app
from tests.support.servers import RunningServer

pytestmark = pytest.mark.slow

RUN = ("--users", "3", "--run-time", "2", "--timeout", "5", "--read-ratio", "0.5")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_reference_app_passes_the_strict_profile(served_app: RunningServer, tmp_path: Path) -> None:
    run = run_load_cli(
        served_app.url, tmp_path, *RUN, "--profile", "strict", "--threshold", "error_rate<0.1%"
    )
    assert run.returncode == 0, run.stdout + run.stderr
    outcomes = run.outcomes()
    reads = {o.command for o in outcomes if o.action_id == -1}
    assert {"msgs", "latest"} <= reads  # bodies of reads were validated, not only writes
    assert all(o.verdict == "ok" for o in outcomes)
    run.assert_mix_kept()


def test_a_body_that_breaks_the_schema_fails_only_under_strict(tmp_path: Path) -> None:
    with serve_deviant_app(["pub-date-iso"], tmp_path) as app:
        lenient = run_load_cli(
            app.url, tmp_path / "simulator", *RUN, "--threshold", "error_rate<0.1%"
        )
        strict = run_load_cli(
            app.url,
            tmp_path / "strict",
            *RUN,
            *("--profile", "strict", "--threshold", "error_rate<0.1%"),
        )
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr  # the simulator never reads
    assert strict.returncode == 1, strict.stdout + strict.stderr
    failed = [o for o in strict.outcomes() if o.verdict == "error"]
    assert failed and {o.check for o in failed} == {"strict.messages-schema"}
    assert {o.command for o in failed} <= {"msgs", "msgs_user"}
    errors = strict.locust_summary()["errors"]
    assert any("strict.messages-schema" in e for e in errors), errors
    lenient.assert_mix_kept()
    strict.assert_mix_kept()
