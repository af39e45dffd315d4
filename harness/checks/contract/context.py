"""What a check works with: the client, unique names, judged requests and finding builders."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

from harness.checks.contract.bodies import BodyVerdict, judge_body
from harness.checks.contract.client import NO_JSON, Client, Reply
from harness.findings import Exchange, Finding, Profile, Severity
from harness.planning.requests import user_path

STAGE = "contract"


class Precondition(Exception):
    """A check could not set up what it needs (e.g. a user); it did not run."""


@dataclass
class PendingBody:
    """A body verdict from the automatic judgement, kept until its check ends."""

    verdict: BodyVerdict
    exchange: Exchange
    where: str


@dataclass
class CheckContext:
    """Shared by all checks of a run; ``begin`` switches it to the next check."""

    client: Client
    prefix: str
    target: str
    check: str = ""
    state: dict[str, Any] = field(default_factory=dict)  # shared between checks of a run
    pending: list[PendingBody] = field(default_factory=list)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def begin(self, check: str) -> None:
        """Start a new check: findings built from now on carry its name."""
        self.check = check
        self.pending = []

    def name(self, label: str = "") -> str:
        """A username unique to this run, with a space and non-ASCII letters like the course's."""
        return f"{self.prefix} Ünï{label}{next(self._counter)}"

    def unique(self) -> int:
        """A number unique within this run."""
        return next(self._counter)

    def call(
        self,
        method: str,
        route: str,
        *,
        user: str | None = None,
        no: str | None = "100",
        **kwargs: Any,
    ) -> Reply:
        """Send ``method route`` (``<user>`` filled in, percent-encoded) and judge its body.

        Reads of lists carry ``no`` (default 100) so that only ``msgs.no-optional`` depends
        on ``no`` being optional; pass ``no=None`` to leave it out.
        """
        path = route.replace("<user>", user_path(user)) if user is not None else route
        if method in ("GET", "HEAD") and route != "/latest" and no is not None:
            kwargs["query"] = {"no": no, **(kwargs.get("query") or {})}
        reply = replace(self.client.send(method, path, **kwargs), where=f"{method} {route}")
        verdict = judge_body(reply, f"{method if method != 'HEAD' else 'GET'} {route}")
        if verdict is not None:
            self.pending.append(PendingBody(verdict, reply.exchange, reply.where))
        return reply

    def register(self, label: str = "") -> str:
        """Register a fresh user and return its name; Precondition when that fails."""
        user = self.name(label)
        reply = self.call(
            "POST", "/register", json_body={"username": user, "email": "a@b.c", "pwd": "pw"}
        )
        if reply.status != 204:
            raise Precondition(f"could not register a user: {describe(reply)}")
        return user

    def tweet(self, user: str, content: str) -> None:
        """Post one message; Precondition when that fails."""
        reply = self.call("POST", "/msgs/<user>", user=user, json_body={"content": content})
        if reply.status != 204:
            raise Precondition(f"could not post a message: {describe(reply)}")

    def follow(self, user: str, target: str, key: str = "follow") -> Reply:
        """Send one follow (or unfollow) request."""
        return self.call("POST", "/fllws/<user>", user=user, json_body={key: target})

    def finding(
        self,
        severity: Severity,
        message: str,
        *replies: Reply,
        where: str | None = None,
        simulator: bool = False,
        check: str | None = None,
    ) -> Finding:
        """A finding of the current check with the replies as evidence.

        ``simulator`` says the course simulator would log it (profile ``simulator``).
        """
        if severity is Severity.QUIRK:
            profile = Profile.QUIRK
        elif simulator:
            profile = Profile.SIMULATOR
        else:
            profile = Profile.STRICT
        if where is None and replies:
            where = replies[0].where or None
        return Finding(
            check=check or self.check,
            severity=severity,
            profile=profile,
            message=message,
            stage=STAGE,
            target=self.target,
            where=where,
            evidence=tuple(r.exchange for r in replies),
        )


def describe(reply: Reply) -> str:
    """A short description of an answer for messages: status and a body excerpt."""
    ex = reply.exchange
    if ex.status is None:
        return ex.error or "no answer"
    body = (ex.response_body or "").strip().replace("\n", " ")
    if len(body) > 80:
        body = body[:77] + "..."
    return f"{ex.status} {body}".strip()


def json_of(reply: Reply) -> Any:
    """The parsed JSON body, or None when there is none."""
    return None if reply.data is NO_JSON else reply.data
