"""The ``strict`` profile of replay checks: simulator verdicts plus the normative API.

One engine, two profiles: :func:`judge` always applies the simulator's verdict first
(:mod:`harness.checks.verdicts`); under ``strict`` it then checks the normative status of
each action (spec section 3, derived from the scenario itself by
:func:`expected_statuses`) and validates every response body against the JSON Schemas
of package ``schemas`` (204 must be empty, every 4xx/5xx an ``error`` object).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, assert_never

from harness.checks.verdicts import Verdict, simulator_verdict
from harness.findings import Profile
from harness.scenario.api import operation_named, spec
from harness.scenario.model import Action, Command


@dataclass(frozen=True)
class Judgement:
    """A verdict plus a one-line detail for the evidence (empty when ok)."""

    verdict: Verdict
    detail: str = ""


def _valid_register(action: Action) -> bool:
    fields = (action.user, action.email, action.pwd)
    return all(isinstance(f, str) and f for f in fields) and "@" in (action.email or "")


def expected_statuses(actions: Iterable[Action]) -> dict[int, int]:
    """The normative status of every action, replayed in scenario order on an empty target."""
    users: set[str] = set()
    out: dict[int, int] = {}
    for action in actions:
        success = spec(action.command).success
        match action.command:
            case Command.REGISTER:
                if not _valid_register(action) or action.user in users:
                    out[action.id] = 400
                else:
                    users.add(action.user)
                    out[action.id] = success
            case Command.TWEET:
                out[action.id] = success if action.user in users else 404
            case Command.FOLLOW | Command.UNFOLLOW:
                known = action.user in users and action.target in users
                out[action.id] = success if known else 404
            case _:
                assert_never(action.command)
    return out


@cache
def _validator(name: str) -> Any:
    """The JSON-Schema validator of the contract for ``name`` (loaded once per process)."""
    import schemas  # the contract package; imported on first strict check only

    return schemas.validator(name)


def _schema_problem(name: str, document: Any) -> str | None:
    """The first schema violation of ``document`` against schema ``name``, or None."""
    error = next(iter(_validator(name).iter_errors(document)), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"


def _strict_body(status: int, body: bytes) -> Judgement | None:
    """Normative body checks for the response of a scenario write."""
    if status == 204:
        if body:
            return Judgement(Verdict(False, "strict.204-with-body"), f"{len(body)} body bytes")
        return None
    if not body and status < 400:
        return None
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return Judgement(Verdict(False, "strict.invalid-json"), f"body is not JSON: {exc}")
    if status >= 400:
        problem = _schema_problem("error", document)
        if problem is not None:
            return Judgement(Verdict(False, "strict.error-schema"), problem)
    return None


def body_problem(command: str, status: int, body: bytes) -> Judgement | None:
    """Normative body checks of any answer: a write's (see above) or a read's schema.

    ``command`` is an operation of the catalogue; an unknown one is a ValueError.
    """
    schema = spec(operation_named(command)).response_schema
    if schema is None or status != 200:
        return _strict_body(status, body)
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return Judgement(Verdict(False, "strict.invalid-json"), f"body is not JSON: {exc}")
    problem = _schema_problem(schema, document)
    if problem is not None:
        return Judgement(Verdict(False, f"strict.{schema}-schema"), problem)
    return None


def judge_action(
    profile: Profile | str,
    action: Action,
    status: int | None,
    error: str | None,
    body: bytes = b"",
    expected_status: int | None = None,
) -> Judgement:
    """Judge one replayed action under ``profile`` (simulator first, then strict)."""
    base = simulator_verdict(str(action.command), status, error)
    if str(profile) != str(Profile.STRICT) or error is not None or status is None:
        detail = "" if base.ok else (error or f"status {status}")
        return Judgement(base, detail)
    if expected_status is not None and status != expected_status:
        return Judgement(
            Verdict(False, f"strict.{action.command}-status"),
            f"status {status}, normative {expected_status}",
        )
    body_problem = _strict_body(status, body)
    if body_problem is not None:
        return body_problem
    if not base.ok:  # a status the spec allows here but the simulator does not
        return Judgement(base, f"status {status}")
    return Judgement(base)
