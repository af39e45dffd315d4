"""Planning a load run: validated flags, users under --rate, and the Locust command lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.config import build_config
from harness.errors import UsageError
from harness.execution.load.plan import (
    LoadPlan,
    locustfile_path,
    main_command,
    plan_load,
    worker_command,
)


def _plan(**load: object) -> LoadPlan:
    cli = {"target": "http://127.0.0.1:1/api/"} | {f"load.{k}": v for k, v in load.items()}
    return plan_load(build_config(cli, env={}), Path("s.tsv"), Path("out"))


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("users", 0, "--users: must be at least 1, got 0"),
        ("run_time", 0, "--run-time: must be greater than 0"),
        ("run_time", "soon", "--run-time: expected a duration like 30, 30s, 1m30s or 2h"),
        ("rate", -1, "--rate: must be greater than 0"),
        ("read_ratio", 1.5, "--read-ratio: must be at most 1"),
        ("workers", -1, "--workers: must be at least 0"),
        ("profile", "lenient", "--profile: expected 'simulator' or 'strict', got 'lenient'"),
        ("timeout", 0, "--timeout: must be greater than 0"),
        ("max_requests", 0, "--max-requests: must be at least 1"),
    ],
)
def test_bad_values_are_usage_errors_naming_the_flag(field: str, value: object, says: str) -> None:
    with pytest.raises(UsageError, match=re.escape(says)):
        _plan(**{field: value})


def test_run_time_takes_locust_syntax() -> None:
    assert _plan(run_time="1m30s").run_time == 90
    assert _plan(run_time="8s").run_time == 8


def test_target_is_required() -> None:
    with pytest.raises(UsageError, match="--target is required"):
        plan_load(build_config({}, env={}), Path("s.tsv"), Path("out"))


def test_rate_without_users_gives_one_user_per_five_requests_per_second() -> None:
    plan = _plan(rate=52)
    assert plan.users == 11
    assert _plan().users == 10
    assert _plan(rate=52, users=3).users == 3


def test_commands_run_the_packaged_locustfile_bounded_in_time() -> None:
    plan = _plan(run_time=2.5, workers=2, rate=40)
    local = main_command(plan, None)
    assert local[local.index("-f") + 1] == locustfile_path()
    assert "--headless" in local and "--run-time=3s" in local
    assert "--host=http://127.0.0.1:1/api" in local and "--mt-rate=40.0" in local
    assert not any(a.startswith("--master") for a in local)
    master = main_command(plan, 5555)
    assert "--master" in master and "--expect-workers=2" in master
    assert "--master-port=5555" in worker_command(5555)
    assert Path(locustfile_path()).name == "locustfile.py"
