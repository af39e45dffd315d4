"""The severity policy: how bad a behaviour is, the same in every stage that sees it.

Stages name what they saw (a :class:`Behaviour`) and ask :func:`severity`; none decides a
severity of its own. A body of the wrong shape is named by the same check wherever it is
read (:func:`shape_check`: the contract's body checks, verify's read-back), so a behaviour
seen by several stages is one problem with one severity (README, "Findings").
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from harness.findings import Severity


class Behaviour(StrEnum):
    """What a stage observed, as far as its severity goes."""

    SERVER_ERROR = "server-error"  # a 5xx, or no answer at all
    SIMULATOR_LOGGED = "simulator-logged"  # a status the course simulator logs as an error
    DATA_CHANGED = "data-changed"  # data lost, added or altered (read back differently)
    NORMATIVE = "normative"  # a status, order or default of spec section 3, unnoticed
    BODY_SHAPE = "body-shape"  # a body off its schema, null for [], a wrong Content-Type
    QUIRK = "quirk"  # what the course reference does (spec section 4)


#: The policy. Errors: what the course simulator would log and what loses or alters data;
#: warnings: what only the normative API says; quirks: the course reference's own ways.
POLICY: Mapping[Behaviour, Severity] = MappingProxyType(
    {
        Behaviour.SERVER_ERROR: Severity.ERROR,
        Behaviour.SIMULATOR_LOGGED: Severity.ERROR,
        Behaviour.DATA_CHANGED: Severity.ERROR,
        Behaviour.NORMATIVE: Severity.WARNING,
        Behaviour.BODY_SHAPE: Severity.WARNING,
        Behaviour.QUIRK: Severity.QUIRK,
    }
)

#: The JSON Schema of a successful answer, by endpoint (method and route template).
SUCCESS_SCHEMAS: Mapping[str, str] = MappingProxyType(
    {
        "GET /latest": "latest",
        "GET /msgs": "messages",
        "GET /msgs/<user>": "messages",
        "GET /fllws/<user>": "follows",
    }
)

#: The check that names ``null`` where a list should be empty, by endpoint.
EMPTY_LIST_CHECKS: Mapping[str, str] = MappingProxyType(
    {
        "GET /msgs": "msgs.empty-list",
        "GET /msgs/<user>": "msgs.empty-list",
        "GET /fllws/<user>": "fllws.empty-list",
    }
)


#: What a stage could not judge is never ok: verify starts a summary line about a read it
#: could not compare with this, and the gate counts those lines.
NOT_COMPARED = "not compared (inconclusive)"


def severity(behaviour: Behaviour) -> Severity:
    """How bad ``behaviour`` is, wherever it is seen."""
    return POLICY[behaviour]


def shape_check(where: str, *, null_list: bool = False) -> str:
    """The check that names a wrong body shape of a successful read of ``where``.

    ``null_list``: the body is ``null`` where the list is empty (its own check); any
    other violation is the endpoint's schema check (``schema.messages``, ...).
    """
    if null_list and where in EMPTY_LIST_CHECKS:
        return EMPTY_LIST_CHECKS[where]
    return f"schema.{SUCCESS_SCHEMAS[where]}"
