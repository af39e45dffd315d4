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
from harness.verify.alteration import pair_alterations
from harness.verify.evidence import Context, Message, examples, preview


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
    strangers = [m.user for m in observed if m.user is not None and m.user != name]
    if strangers:
        findings.append(
            ctx.finding(
                "verify.wrong-author",
                f"{len(strangers)} message(s) in the timeline of {name!r} name another user: "
                + examples((preview(s) for s in strangers), len(strangers)),
            )
        )
    required = Counter(m.content for m in user.messages)
    maybe = Counter(m.content for m in user.maybe_messages)
    seen = Counter(m.content for m in observed)
    missing = required - seen
    surplus = (seen - required) - maybe
    duplicated = Counter({c: n for c, n in surplus.items() if c in required or c in maybe})
    strange = surplus - duplicated
    # An altered text shows up as one lost and one strange text; pair them up first.
    written = list(missing.elements()) + list((maybe - seen).elements())
    pairs = pair_alterations(written, list(strange.elements()))
    by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for before, after, alteration in pairs:
        by_kind[str(alteration)].append((before, after))
        missing[before] -= 1
        strange[after] -= 1
    missing, strange = +missing, +strange
    ids = {m.content: m.action_id for m in user.messages}
    for kind, items in sorted(by_kind.items()):
        shown = (f"{preview(a)} stored as {preview(b)}" for a, b in items)
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
) -> list[Finding]:
    """Findings for ``GET /msgs``: it must hold what the user timelines hold, in order."""
    findings: list[Finding] = []
    by_user: dict[str, list[Message]] = defaultdict(list)
    for m in observed:
        by_user[m.user or ""].append(m)
    strangers = {u: len(ms) for u, ms in by_user.items() if u not in state.users}
    if strangers:
        total = sum(strangers.values())
        shown = (f"{preview(u)} ({n})" for u, n in strangers.items())
        findings.append(
            ctx.finding(
                "verify.unexpected-extra",
                f"{total} message(s) in the public timeline by users not in the scenario: "
                + examples(shown, len(strangers)),
            )
        )
    for name, own in sorted(timelines.items()):
        public = by_user.get(name, [])
        lacking = Counter(m.content for m in own) - Counter(m.content for m in public)
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
        problem = order_problem([m.content for m in state.users[name].messages], public)
        if problem is not None:
            findings.append(
                ctx.finding(
                    "verify.wrong-order",
                    f"public timeline not newest first for {name!r}: {problem}",
                )
            )
    return findings
