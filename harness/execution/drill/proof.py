"""After the cool-down: read every user of the drill back and name each lost write.

The comparisons are verify's (lost, duplicated, altered, follows); on top of them each
lost write is named by its action id and the time it was acknowledged. Only the drill's
own (namespaced) users are read, never the public timeline: the target may hold other data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from harness.checks.drill import LostWrite
from harness.findings import Finding
from harness.planning.expected import UserExpectation, expected_state
from harness.planning.requests import user_path
from harness.results import Outcome
from harness.scenario.model import Action, Command
from harness.verify.alteration import Stored, pair_alterations
from harness.verify.client import Reader
from harness.verify.evidence import Context, parse_follows, parse_messages
from harness.verify.follows import compare_follows
from harness.verify.messages import compare_user_messages


@dataclass
class UserReadBack:
    """What one user looks like on the target (None: not readable)."""

    exists: bool = True
    messages: list[Stored] | None = None  # as read back: a coerced value is no string
    follows: list[Stored] | None = None
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Proof:
    """Every lost write by id, and verify's findings about the drill's users."""

    lost: list[LostWrite]
    findings: list[Finding]
    users: int
    unreadable: str | None = None  # why nothing could be read back (the target is down)


def _as_list(body: Any) -> list[Any] | None:
    return body if isinstance(body, list) else None


def _follow_list(body: Any) -> list[Any] | None:
    names = body.get("follows") if isinstance(body, dict) else None
    return names if isinstance(names, list) else None


def _read_user(reader: Reader, target: str, user: UserExpectation) -> UserReadBack:
    out = UserReadBack()
    path = f"/msgs/{user_path(user.name)}"
    reads = reader.get_list(path, len(user.messages) + len(user.maybe_messages), _as_list)
    last = reads[-1]
    ctx = Context(target, "GET /msgs/<user>", (last.exchange,))
    if last.status == 404:
        out.exists = False
        if user.certain:
            out.findings.append(
                ctx.finding("verify.missing-user", f"user {user.name!r} does not exist (404)")
            )
        return out
    if last.status != 200:
        problem = last.problem or f"answered {last.status}"
        out.findings.append(ctx.finding("verify.read-failed", f"GET {path}: {problem}"))
        return out
    messages, _ = parse_messages(last.body)
    if messages is not None:
        out.messages = [m.content for m in messages]
        out.findings.extend(compare_user_messages(ctx, user, messages))
    fpath = f"/fllws/{user_path(user.name)}"
    freads = reader.get_list(fpath, len(user.follows) + len(user.maybe_follows), _follow_list)
    fctx = Context(target, "GET /fllws/<user>", (freads[-1].exchange,))
    if freads[-1].status == 200:
        names, _ = parse_follows(freads[-1].body)
        if names is not None:
            out.follows = names
            out.findings.extend(compare_follows(fctx, user, names))
    else:
        out.findings.append(fctx.finding("verify.read-failed", f"GET {fpath} failed"))
    return out


def prove(
    target: str, actions: Sequence[Action], outcomes: Sequence[Outcome], *, timeout: float = 10.0
) -> Proof:
    """Read the drill's users back; every acknowledged write that is gone, and the findings.

    A target that does not answer any more is a result too (``unreadable``): the drill
    fails on it, it is not an error of the tool.
    """
    by_id = {o.action_id: o for o in outcomes if o.action_id >= 0}
    sent = [a for a in actions if a.id in by_id]
    acked = {i for i, o in by_id.items() if o.verdict == "ok"}
    state = expected_state(sent, acked)
    reader = Reader(target, timeout)
    try:
        probe = reader.get("/latest")
        if probe.status is None:
            return Proof(lost=[], findings=[], users=0, unreadable=probe.problem or "no answer")
        names = sorted(state.users)
        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="drill-proof") as pool:
            reads = dict(
                zip(
                    names,
                    pool.map(lambda n: _read_user(reader, target, state.users[n]), names),
                    strict=True,
                )
            )
    finally:
        reader.close()
    findings = [f for name in names for f in reads[name].findings]
    lost = lost_writes(sent, by_id, reads)
    return Proof(lost=lost, findings=findings, users=len(names))


def lost_writes(
    sent: Sequence[Action], by_id: dict[int, Outcome], reads: dict[str, UserReadBack]
) -> list[LostWrite]:
    """Each acknowledged write the read-back state contradicts, with its id and ack time."""
    lost: list[LostWrite] = []

    def gone(action: Action, detail: str) -> None:
        outcome = by_id[action.id]
        lost.append(
            LostWrite(action.id, str(action.command), action.user, outcome.finished, detail)
        )

    ok = [a for a in sent if by_id[a.id].verdict == "ok"]
    missing_users = {name for name, r in reads.items() if not r.exists}
    registered: set[str] = set()
    for action in ok:
        if action.user in missing_users and action.command is Command.REGISTER:
            if action.user not in registered:
                registered.add(action.user)
                gone(action, f"user {action.user!r} does not exist")
        elif action.user in missing_users and action.command is Command.TWEET:
            gone(action, f"tweet of {action.user!r} gone with its user")
        elif action.user in missing_users and action.command is Command.FOLLOW:
            gone(action, f"{action.user!r} (gone) no longer follows {action.target!r}")
    for name, read in reads.items():
        if read.messages is not None:
            _lost_tweets(name, read.messages, sent, by_id, gone)
    _lost_follows(sent, by_id, reads, gone)
    return sorted(lost, key=lambda w: w.action_id)


def _lost_tweets(
    name: str,
    seen_texts: list[Stored],
    sent: Sequence[Action],
    by_id: dict[int, Outcome],
    gone: Any,
) -> None:
    mine = [a for a in sent if a.command is Command.TWEET and a.user == name]
    required: Counter[Stored] = Counter(
        a.content or "" for a in mine if by_id[a.id].verdict == "ok"
    )
    maybe: Counter[Stored] = Counter(a.content or "" for a in mine if by_id[a.id].verdict != "ok")
    seen: Counter[Stored] = Counter(seen_texts)
    missing = required - seen
    strange = (seen - required) - maybe
    # An altered text is reported as altered (by verify), not as lost.
    for before, _after, _kind in pair_alterations(
        [c for c in missing.elements() if isinstance(c, str)], list(strange.elements())
    ):
        missing[before] -= 1
    for text, count in (+missing).items():
        holders = [a for a in mine if a.content == text and by_id[a.id].verdict == "ok"]
        for action in holders[-count:]:
            gone(action, f"tweet of {name!r} missing")


def _lost_follows(
    sent: Sequence[Action], by_id: dict[int, Outcome], reads: dict[str, UserReadBack], gone: Any
) -> None:
    last: dict[tuple[str, str], Action] = {}
    for action in sent:  # id order: the last write on a pair decides its state
        if action.command in (Command.FOLLOW, Command.UNFOLLOW) and action.target:
            last[(action.user, action.target)] = action
    for (who, whom), action in last.items():
        read = reads.get(who)
        if by_id[action.id].verdict != "ok" or read is None or read.follows is None:
            continue  # not acknowledged: either state is possible
        follows = whom in read.follows
        if action.command is Command.FOLLOW and not follows:
            gone(action, f"{who!r} no longer follows {whom!r}")
        elif action.command is Command.UNFOLLOW and follows:
            gone(action, f"{who!r} follows {whom!r} again (the unfollow is gone)")
