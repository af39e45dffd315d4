"""Run namespaces: rename a scenario's users so that a run's data is its own on a shared target.

A staging server already holds data: earlier runs of the same scenario, load runs, real
traffic. Replaying the same names again gives 400s to registers, duplicated timelines and
follow lists that verify cannot tell from the target's faults. A namespace appends one
short tag to every username (``"Roger Histand ~k3x9q2"``: still the name, still valid in a
URL path once percent-encoded) and plus-addresses every email (``roger@x.dk`` becomes
``roger+k3x9q2@x.dk``), so a run's users, tweets and follows are disjoint from every other
run's, and verify judges exactly them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from harness.scenario.model import Action, Command

#: ``--namespace`` values that are not a tag.
AUTO, NONE = "auto", "none"
#: A tag: short, URL-safe and free of the format's separators.
TAG = re.compile(r"[A-Za-z0-9._-]{1,16}")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
AUTO_TAG_LENGTH = 6


def new_tag() -> str:
    """A fresh random tag (36^6 ≈ 2·10⁹ values: two runs never share one in practice)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(AUTO_TAG_LENGTH))


def check_tag(text: str) -> str:
    """``text`` if it is a valid tag; ValueError naming the rule otherwise."""
    if not TAG.fullmatch(text):
        raise ValueError(
            f"namespace {text!r}: use 1-16 letters, digits, '.', '_' or '-' (or auto, none)"
        )
    return text


def resolve(option: str | None, recorded: str | None = None) -> str | None:
    """The tag of a run from ``--namespace`` (None or "" = none) and a resumed run's tag.

    ``auto`` reuses the recorded tag (a resumed run continues in its own namespace) or draws
    a fresh one; ``none`` keeps the names as written; anything else is the tag itself.
    """
    if not option or option == NONE:
        return None
    if option == AUTO:
        return recorded or new_tag()
    return check_tag(option)


def name_in(name: str, tag: str | None) -> str:
    """``name`` in namespace ``tag`` (unchanged without one)."""
    return name if tag is None else f"{name} ~{tag}"


def email_in(email: str, tag: str | None) -> str:
    """``email`` plus-addressed with ``tag``, so apps that want unique emails get them."""
    if tag is None:
        return email
    local, at, domain = email.rpartition("@")
    if not at:
        return f"{email}+{tag}"
    return f"{local}+{tag}@{domain}"


def namespaced(actions: Iterable[Action], tag: str | None) -> list[Action]:
    """The actions with every username (actor and target) and email in namespace ``tag``."""
    if tag is None:
        return list(actions)
    out = []
    for a in actions:
        email = a.email
        if a.command is Command.REGISTER and email is not None:
            email = email_in(email, tag)
        target = None if a.target is None else name_in(a.target, tag)
        out.append(
            Action(
                id=a.id,
                delay_ms=a.delay_ms,
                ts_ms=a.ts_ms,
                command=a.command,
                user=name_in(a.user, tag),
                email=email,
                pwd=a.pwd,
                content=a.content,
                target=target,
                line=a.line,
            )
        )
    return out
