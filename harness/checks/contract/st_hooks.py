"""Schemathesis hooks of the property phase, loaded in its own process (``SCHEMATHESIS_HOOKS``).

Schemathesis keeps every failure until the run ends, and a failure keeps what it quotes: a
response schema violation holds the whole decoded body it judged (``instance``) and the
validator's message quoting it: one more body per failure (measured on a target answering
5 MB bodies: 159 -> 137 MB peak for one short run, more in longer ones). Once the checks
have judged a response, :func:`filter_failure` renders the failure's
message (shortened from the whole body, as Schemathesis prints it) and drops those copies:
every failure is kept, with the same check, title and message, so no verdict changes. A
body schema failure that a suite check's defect explains (numeric contents, a follow listed
twice) gets a title naming those checks; the harness merges it into their finding.

Imported only by the Schemathesis process: nothing in the harness imports it.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from harness.checks.contract.bodies import EXPLAINED_TITLE, causes_of

#: Characters of any text a failure keeps (its message is rendered from the whole body first).
KEPT_CHARS = 16384


def _slots(cls: type) -> list[str]:
    return [name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ())]


def shrink(failure: Any) -> None:
    """Render ``failure``'s message, then cut the long texts and body copies it holds.

    ``instance`` (the decoded body a schema violation judged, or the part of it at fault)
    goes when it is a list or an object; texts (the validator's message quoting the body,
    an undecodable document) keep their first ``KEPT_CHARS`` characters.
    """
    _ = failure.message  # rendered (and cached) from the whole body, before it goes
    for name in _slots(type(failure)):
        value = getattr(failure, name, None)
        if name == "instance" and isinstance(value, list | dict):
            setattr(failure, name, None)
        elif isinstance(value, str | bytes) and len(value) > KEPT_CHARS:
            setattr(failure, name, value[:KEPT_CHARS])


def mark_explained(failure: Any, response: Any) -> None:
    """Title a body schema failure a suite check's defect explains (EXPLAINED_TITLE + checks).

    Judged here, on the whole body: the harness reads the events, where the body is cut. Our
    OpenAPI document declares no response headers, so every ST108 failure judges a body.
    """
    if getattr(failure, "code", "") != "ST108":
        return
    try:
        data = response.json()
    except ValueError:
        return
    causes = causes_of(data)
    if causes:
        failure.title = EXPLAINED_TITLE + ", ".join(causes)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure (this hook filters nothing), without copies of a large body."""
    mark_explained(failure, response)
    shrink(failure)
    return True
