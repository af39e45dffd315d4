"""The catalogue of the simulator API: every scenario command and every read, with what the
layers above need (request, statuses, schemas, labels, causal dependency, columns).

The one place that says what an operation is (spec sections 1-3 and 5). Consumers that branch
on a command or a read do so with an exhaustive ``match`` ending in ``assert_never``, so a new
operation fails type-checking in every layer until each handles it (see ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from harness.scenario.model import Command


class Read(StrEnum):
    """The reads of the API (the simulator sends none; verify and load do)."""

    LATEST = "latest"
    MSGS = "msgs"
    MSGS_USER = "msgs_user"
    FLLWS = "fllws"


#: An operation of the API: a scenario command (a write) or a read.
Operation = Command | Read


@dataclass(frozen=True)
class Spec:
    """What one operation is on the wire and how it is judged."""

    method: str
    path: str  # template, ``{user}`` for the percent-encoded username
    label: str  # the endpoint as reports show it, e.g. "POST /fllws/<user> (follow)"
    auth: bool  # needs the simulator's credentials
    success: int  # the normative success status
    #: Statuses the course simulator accepts (anything else it logs); None: not judged by
    #: the simulator (it sends no reads).
    simulator_accepted: frozenset[int] | None
    response_schema: str | None  # schema of the success body (``schemas``), None: empty
    body_key: str | None = None  # JSON key of the action's field in the request body
    columns: int = 0  # tab-separated columns of a scenario line (commands only)
    #: Waits for the register of another user (the follow's target) before it is sent.
    needs_target: bool = False


def spec(operation: Operation) -> Spec:
    """The catalogue entry of ``operation``."""
    match operation:
        case Command.REGISTER:
            return Spec("POST", "/register", "POST /register", False, 204,
                        frozenset({204, 400}), None, columns=7)  # fmt: skip
        case Command.TWEET:
            return Spec("POST", "/msgs/{user}", "POST /msgs/<user>", True, 204,
                        frozenset({204}), None, body_key="content", columns=6)  # fmt: skip
        case Command.FOLLOW:
            return Spec("POST", "/fllws/{user}", "POST /fllws/<user> (follow)", True, 204,
                        frozenset({204}), None, body_key="follow", columns=6,
                        needs_target=True)  # fmt: skip
        case Command.UNFOLLOW:
            return Spec("POST", "/fllws/{user}", "POST /fllws/<user> (unfollow)", True, 204,
                        frozenset({204}), None, body_key="unfollow", columns=6,
                        needs_target=True)  # fmt: skip
        case Read.LATEST:
            return Spec("GET", "/latest", "GET /latest", False, 200, None, "latest")
        case Read.MSGS:
            return Spec("GET", "/msgs", "GET /msgs", True, 200, None, "messages")
        case Read.MSGS_USER:
            return Spec("GET", "/msgs/{user}", "GET /msgs/<user>", True, 200, None, "messages")
        case Read.FLLWS:
            return Spec("GET", "/fllws/{user}", "GET /fllws/<user>", True, 200, None, "follows")
        case _:
            assert_never(operation)


def operation_named(name: str) -> Operation:
    """The operation a results file or a check names (``tweet``, ``msgs_user``, ...).

    ValueError for a name the API does not have: an unknown operation is never judged.
    """
    for kind in (Command, Read):
        try:
            return kind(name)
        except ValueError:
            continue
    raise ValueError(f"not an operation of the simulator API: {name!r}")


def label_of(name: str) -> str:
    """The endpoint label of an operation name, or the name itself when it is unknown."""
    try:
        return spec(operation_named(name)).label
    except ValueError:
        return name
