"""Findings of verify with their evidence, and the shapes of the bodies it reads (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.checks.policy import Behaviour, severity, shape_check
from harness.findings import Exchange, Finding, Profile
from harness.verify.alteration import Stored

STAGE = "verify"
EXAMPLES = 3  # a finding lists this many examples and counts the rest


@dataclass(frozen=True)
class Context:
    """Where a comparison happens: the target, the endpoint and the reads that show it."""

    target: str | None
    where: str
    evidence: tuple[Exchange, ...]

    def finding(
        self, check: str, message: str, seen: Behaviour = Behaviour.DATA_CHANGED
    ) -> Finding:
        """A verify finding with this context's reads, graded by the severity policy.

        Data read back differently (the default) is an error; a body of the wrong shape is
        named by the contract's body check for it (:func:`shape`), with the same severity.
        """
        return Finding(
            check=check,
            severity=severity(seen),
            profile=Profile.STRICT,
            message=message,
            stage=STAGE,
            target=self.target,
            where=self.where,
            evidence=self.evidence,
        )

    def shape(self, message: str, *, null_list: bool = False) -> Finding:
        """A read whose body is off its schema: the contract's check and severity for it."""
        check = shape_check(self.where, null_list=null_list)
        return self.finding(check, message, Behaviour.BODY_SHAPE)


def preview(text: Stored, limit: int = 60) -> str:
    """A short, unambiguous rendering of a value (repr shows BOMs, escapes and the type)."""
    if not isinstance(text, str):
        shown, long = repr(text), False
    else:  # never the repr of a whole (possibly huge) text
        shown, long = repr(text[:limit]), len(text) > limit
    if len(shown) <= limit and not long:
        return shown
    return shown[: limit - 2] + "…" + shown[0]


def first_difference(a: str, b: str) -> int:
    """The index of the first character where ``a`` and ``b`` differ."""
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


def preview_pair(written: str, stored: Stored, limit: int = 60) -> str:
    """Both texts around their first difference, so the two never read the same."""
    at = first_difference(written, stored) if isinstance(stored, str) else 0
    if at < limit // 3 or not isinstance(stored, str):
        return f"{preview(written, limit)} stored as {preview(stored, limit)}"
    start = at - limit // 3
    shown = (f"…{preview(text[start:], limit)}" for text in (written, stored))
    return " stored as ".join(shown) + f" (they differ from character {at})"


def examples(items: Iterable[str], total: int) -> str:
    """Up to EXAMPLES rendered items, and how many more there are."""
    listed = list(items)[:EXAMPLES]
    more = f" and {total - len(listed)} more" if total > len(listed) else ""
    return ", ".join(listed) + more


@dataclass(frozen=True, slots=True)
class Message:
    """One message as read back; ``content`` is the JSON value as it came (a string if right)."""

    content: Stored
    pub_date: int | None  # None when the field is not an integer
    user: Stored  # the author as it came: a string if right, a number if coerced


def parse_messages(body: Any) -> tuple[list[Message] | None, str | None]:
    """Messages of a ``/msgs`` answer, and what is malformed (None when well-formed).

    A scalar ``content`` that is not a string (a number, a boolean, null) is kept as it
    came: the comparison calls it what it is (a coerced text, or an extra). Items that are
    not objects or whose content is an array or object cannot be compared and are dropped; a
    non-integer ``pub_date`` or a ``user`` that is no JSON scalar is reported but the item
    is kept (a number or boolean ``user`` is kept as it came, for the comparison to judge).
    """
    if not isinstance(body, list):
        return None, f"expected a JSON array of messages, got {type(body).__name__}"
    out: list[Message] = []
    problems: list[str] = []
    for index, item in enumerate(body):
        if not isinstance(item, dict) or not _scalar(item.get("content", [])):
            problems.append(f"item {index} is not a message with string content")
            continue
        pub = item.get("pub_date")
        if not isinstance(pub, int) or isinstance(pub, bool):
            problems.append(f"item {index} has pub_date {pub!r}, not an integer")
            pub = None
        user = item.get("user")
        if user is None or not _scalar(user):
            problems.append(f"item {index} has user {user!r}, not a string")
            user = None
        out.append(Message(item["content"], pub, user))
    problem = None
    if problems:
        problem = "; ".join(problems[:EXAMPLES])
        if len(problems) > EXAMPLES:
            problem += f" (and {len(problems) - EXAMPLES} more)"
    return out, problem


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def parse_follows(body: Any) -> tuple[list[Stored] | None, str | None]:
    """Usernames of a ``/fllws`` answer, and what is malformed (None when well-formed).

    Scalar entries that are not strings are kept as they came (a coerced username is judged
    by the comparison); arrays and objects are dropped and reported.
    """
    if not isinstance(body, dict) or not isinstance(body.get("follows"), list):
        return None, 'expected a JSON object {"follows": [...]}'
    names = body["follows"]
    if not all(_scalar(n) for n in names):
        return [n for n in names if _scalar(n)], "follows contains entries that are not names"
    return list(names), None


def parse_latest(body: Any) -> tuple[int | None, str | None]:
    """The value of a ``/latest`` answer, and what is malformed (None when well-formed)."""
    if isinstance(body, dict):
        value = body.get("latest")
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
    return None, 'expected a JSON object {"latest": <integer>}'
