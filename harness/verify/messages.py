"""Compare timelines read back with the expected messages (pure).

Per user: lost acknowledged tweets, duplicates, unexpected extras, altered content (with
its kind) and order (newest first; messages with the same ``pub_date`` second may come in
any order). The public timeline is compared with the user timelines it must agree with.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from harness.findings import Finding
from harness.planning.expected import ExpectedState, UserExpectation
from harness.verify.alteration import Stored, coerced, pair_alterations
from harness.verify.evidence import Context, Message, examples, preview, preview_pair


def order_problem(expected: Sequence[str], observed: Sequence[Message]) -> str | None:
    """Where ``observed`` breaks the newest-first order of ``expected``, or None.

    Only texts present equally often on both sides are compared (losses and duplicates are
    reported on their own). Runs with one ``pub_date`` may be permuted freely.
    """
    want, got = Counter(expected), Counter(m.content for m in observed)
    same = {c for c, n in want.items() if got.get(c) == n}
    exp = [c for c in expected if c in same]
    obs = [m for m in observed if m.content in same]
    i = 0
    while i < len(obs):
        j = i + 1
        date = obs[i].pub_date
        while j < len(obs) and date is not None and obs[j].pub_date == date:
            j += 1
        if Counter(m.content for m in obs[i:j]) != Counter(exp[i:j]):
            return (
                f"position {i} holds {preview(obs[i].content)} but the newest-first order "
                f"needs {preview(exp[i])} there"
            )
        i = j
    return None


def compare_user_messages(
    ctx: Context, user: UserExpectation, observed: Sequence[Message]
) -> list[Finding]:
    """Findings for one user's ``GET /msgs/<user>`` against the expectation."""
    name = user.name
    findings: list[Finding] = []
    authors = [m.user for m in observed if m.user is not None and m.user != name]
    coerced_authors = [a for a in authors if coerced(name, a)]
    strangers = [a for a in authors if not coerced(name, a)]
    if coerced_authors:
        findings.append(
            ctx.finding(
                "verify.altered-content.coerced",
                f"{len(coerced_authors)} message(s) of {name!r} name their author as "
                f"{preview(coerced_authors[0])} (coerced)",
            )
        )
    if strangers:
        findings.append(
            ctx.finding(
                "verify.wrong-author",
                f"{len(strangers)} message(s) in the timeline of {name!r} name another user: "
                + examples((preview(s) for s in strangers), len(strangers)),
            )
        )
    # Typed as what comes back: a written string never equals a number read back.
    required: Counter[Stored] = Counter(m.content for m in user.messages)
    maybe: Counter[Stored] = Counter(m.content for m in user.maybe_messages)
    seen: Counter[Stored] = Counter(m.content for m in observed)
    missing = required - seen
    surplus = (seen - required) - maybe
    duplicated = Counter({c: n for c, n in surplus.items() if c in required or c in maybe})
    strange = surplus - duplicated
    # An altered text shows up as one lost and one strange text; pair them up first.
    written = [c for c in (*missing.elements(), *(maybe - seen).elements()) if isinstance(c, str)]
    pairs = pair_alterations(written, list(strange.elements()))
    by_kind: dict[str, list[tuple[str, Stored]]] = defaultdict(list)
    for before, after, alteration in pairs:
        by_kind[str(alteration)].append((before, after))
        missing[before] -= 1
        strange[after] -= 1
    missing, strange = +missing, +strange
    ids: dict[Stored, int] = {m.content: m.action_id for m in user.messages}
    for kind, items in sorted(by_kind.items()):
        shown = (preview_pair(a, b) for a, b in items)
        findings.append(
            ctx.finding(
                f"verify.altered-content.{kind}",
                f"{len(items)} message(s) of {name!r} altered ({kind}): "
                + examples(shown, len(items)),
            )
        )
    if missing:
        total = sum(missing.values())
        shown = (f"#{ids[c]} {preview(c)}" for c in missing)
        findings.append(
            ctx.finding(
                "verify.lost-write",
                f"{total} acknowledged tweet(s) of {name!r} missing: {examples(shown, total)}",
            )
        )
    if duplicated:
        total = sum(duplicated.values())
        shown = (f"{preview(c)} +{n}" for c, n in duplicated.items())
        findings.append(
            ctx.finding(
                "verify.duplicate",
                f"{total} duplicate message(s) of {name!r}: {examples(shown, total)}",
            )
        )
    if strange:
        total = sum(strange.values())
        findings.append(
            ctx.finding(
                "verify.unexpected-extra",
                f"{total} message(s) of {name!r} that the scenario never wrote: "
                + examples((preview(c) for c in strange), total),
            )
        )
    problem = order_problem([m.content for m in user.messages], observed)
    if problem is not None:
        findings.append(
            ctx.finding("verify.wrong-order", f"timeline of {name!r} not newest first: {problem}")
        )
    return findings


def compare_public(
    ctx: Context,
    state: ExpectedState,
    observed: Sequence[Message],
    timelines: dict[str, Sequence[Message]],
    *,
    since: int | None = None,
) -> list[Finding]:
    """Findings for ``GET /msgs``: it must hold what the user timelines hold, in order.

    Only the run's own users are judged: messages of anyone else (earlier runs, a load run,
    real traffic on a staging server) are ignored. ``since``: the read did not reach back
    to every own message (the target holds more than was read), so only own messages with
    a ``pub_date`` after it must appear.
    """
    findings: list[Finding] = []
    by_user: dict[str, list[Message]] = defaultdict(list)
    for m in observed:
        if m.user in state.users:
            by_user[m.user].append(m)
    for name, own in sorted(timelines.items()):
        public = by_user.get(name, [])
        shown_own = [m for m in own if since is None or (m.pub_date or 0) > since]
        lacking = Counter(m.content for m in shown_own) - Counter(m.content for m in public)
        excess = Counter(m.content for m in public) - Counter(m.content for m in own)
        if lacking or excess:
            diffs = [f"missing {preview(c)}" for c in lacking]
            diffs += [f"extra {preview(c)}" for c in excess]
            total = sum(lacking.values()) + sum(excess.values())
            findings.append(
                ctx.finding(
                    "verify.public-timeline",
                    f"public timeline disagrees with the timeline of {name!r}: "
                    + examples(diffs, total),
                )
            )
        expected = [m.content for m in state.users[name].messages]
        if since is not None:  # the certain messages the read can show, as the user's own did
            shown = Counter(m.content for m in public)
            expected = [c for c in expected if shown[c]]
        problem = order_problem(expected, public)
        if problem is not None:
            findings.append(
                ctx.finding(
                    "verify.wrong-order",
                    f"public timeline not newest first for {name!r}: {problem}",
                )
            )
    return findings
