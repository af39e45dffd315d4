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


class NotRun(Exception):
    """A check does not apply to this run (e.g. a fresh target was not declared); the reason."""


class Inconclusive(Exception):
    """A check started but could not judge its rule; ``reason`` says why.

    ``reply`` is the answer that stopped it; ``explained_by`` names checks whose finding
    would explain it (the runner points to the one that reported something).
    """

    def __init__(
        self, reason: str, reply: Reply | None = None, explained_by: tuple[str, ...] = ()
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reply = reply
        self.explained_by = explained_by


class Precondition(Inconclusive):
    """A setup step a check needs (a user, a message, a recorded value) failed."""

    def __init__(
        self, what: str, reply: Reply | None = None, explained_by: tuple[str, ...] = ()
    ) -> None:
        shown = ""
        if reply is not None:
            shown = f": {reply.where or reply.exchange.method} answered {describe(reply)}"
        super().__init__(f"precondition failed: {what}{shown}", reply, explained_by)


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
    fresh_target: bool = False  # the user says nothing was sent to the target before this run
    first_latest: Reply | None = None  # GET /latest as answered before anything else was sent
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

    def email(self, label: str = "") -> str:
        """An email address unique to this run (many real apps make emails unique)."""
        return f"{self.prefix}.{label}{next(self._counter)}@example.org"

    def user_body(self, label: str = "", **over: Any) -> dict[str, Any]:
        """A register body for a fresh user: unique username and email; ``over`` replaces keys."""
        body: dict[str, Any] = {"username": self.name(label), "email": self.email(), "pwd": "pw"}
        body.update(over)
        return body

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
        body = self.user_body(label)
        reply = self.call("POST", "/register", json_body=body)
        if reply.status != 204:
            raise Precondition("register a fresh user", reply, ("register.created-204",))
        return str(body["username"])

    def require(self, reply: Reply, status: int, what: str, *explained_by: str) -> Reply:
        """``reply`` when it has ``status``; else a Precondition naming ``what`` failed."""
        if reply.status != status:
            raise Precondition(what, reply, explained_by)
        return reply

    def tweet(self, user: str, content: str) -> None:
        """Post one message; Precondition when that fails."""
        reply = self.call("POST", "/msgs/<user>", user=user, json_body={"content": content})
        if reply.status != 204:
            raise Precondition("post a message", reply, ("msgs.tweet-204",))

    def follow(self, user: str, target: str, key: str = "follow") -> Reply:
        """Send one follow (or unfollow) request."""
        return self.call("POST", "/fllws/<user>", user=user, json_body={key: target})

    def followed(self, user: str, target: str) -> None:
        """Follow ``target``; Precondition when that fails."""
        self.require(self.follow(user, target), 204, "follow a user", "fllws.follow-204")

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
