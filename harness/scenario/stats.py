"""Statistics of a scenario: command mix, users, delays and the hazards it contains (pure)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.scenario.model import Action, Command

LEADERS = tuple("#=+-@")
CURLY = frozenset("“”‘’")
DASHES = frozenset("–—")
HTML = frozenset("<>&")
#: The course simulator sleeps delay_ms / 1e8 seconds after each action.
SIMULATOR_COMPRESSION = 100_000_000


@dataclass
class ScenarioStats:
    """Everything ``scenario stats`` reports; ``to_dict`` is its ``--json`` form."""

    actions: int = 0
    mix: dict[str, int] = field(default_factory=dict)
    users_registered: int = 0
    users_referenced: int = 0
    delays_s: dict[str, float] = field(default_factory=dict)
    tweet_length: dict[str, int] = field(default_factory=dict)
    hazards: dict[str, int] = field(default_factory=dict)
    bad_lines: int = 0

    def share(self, command: str) -> float:
        """Fraction of all actions that are ``command``."""
        return self.mix.get(command, 0) / self.actions if self.actions else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "actions": self.actions,
            "mix": self.mix,
            "mix_share": {c: round(self.share(c), 4) for c in self.mix},
            "users_registered": self.users_registered,
            "users_referenced": self.users_referenced,
            "delays_s": self.delays_s,
            "tweet_length": self.tweet_length,
            "hazards": self.hazards,
            "bad_lines": self.bad_lines,
        }


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def _delay_stats(actions: Sequence[Action]) -> dict[str, float]:
    delays = [a.delay_ms / 1000 for a in actions[1:]]
    if not delays:
        return {}
    ordered = sorted(delays)
    quarter = max(1, len(delays) // 4)
    total = sum(delays)
    return {
        "p50": round(_percentile(ordered, 0.5), 3),
        "p90": round(_percentile(ordered, 0.9), 3),
        "p99": round(_percentile(ordered, 0.99), 3),
        "max": round(ordered[-1], 3),
        "total": round(total, 3),
        "total_weeks": round(total / (7 * 24 * 3600), 3),
        "simulator_sleep": round(total * 1000 / SIMULATOR_COMPRESSION, 3),
        "p50_first_quarter": round(statistics.median(delays[:quarter]), 3),
        "p50_last_quarter": round(statistics.median(delays[-quarter:]), 3),
    }


def _numeric_looking(content: str) -> bool:
    """Whether a typed column or a loose parser could read the whole text as a scalar."""
    if content.strip().lower() in ("true", "false", "null"):
        return True
    try:
        float(content)
    except ValueError:
        return False
    return True


def _text_hazards(actions: Sequence[Action], hazards: Counter[str]) -> None:
    for a in actions:
        texts = [t for t in (a.user, a.email, a.pwd, a.content, a.target) if t]
        for t in texts:
            hazards["fields_leading_formula_char"] += t.startswith(LEADERS)
            hazards["fields_with_backslash"] += "\\" in t
            hazards["fields_with_quote"] += '"' in t or "'" in t
            hazards["fields_with_html_chars"] += not HTML.isdisjoint(t)
            hazards["fields_with_hash_or_percent"] += "#" in t or "%" in t
        if a.pwd and a.pwd.endswith("\\"):
            hazards["passwords_trailing_backslash"] += 1
        if a.content is not None:
            hazards["tweets_leading_bom"] += a.content.startswith("\ufeff")
            hazards["tweets_curly_quotes"] += not CURLY.isdisjoint(a.content)
            hazards["tweets_dashes"] += not DASHES.isdisjoint(a.content)
            hazards["tweets_non_ascii"] += not a.content.isascii()
            hazards["tweets_empty"] += not a.content
            hazards["tweets_numeric_looking"] += _numeric_looking(a.content)
        if a.command is Command.REGISTER:
            hazards["usernames_with_space"] += " " in a.user
            hazards["usernames_non_ascii"] += not a.user.isascii()


def _flow_hazards(actions: Sequence[Action], hazards: Counter[str]) -> set[str]:
    """Order-dependent hazards; returns every user referenced."""
    registered: set[str] = set()
    referenced: set[str] = set()
    follows: set[tuple[str, str]] = set()
    for i, a in enumerate(actions):
        if i and a.ts_ms != actions[i - 1].ts_ms + a.delay_ms:
            hazards["ts_not_cumulative_delay"] += 1
        names = [a.user] if a.command is not Command.REGISTER else []
        if a.target is not None:
            names.append(a.target)
        referenced.update(names)
        hazards["references_before_register"] += sum(n not in registered for n in names)
        if a.command is Command.REGISTER:
            hazards["duplicate_registers"] += a.user in registered
            registered.add(a.user)
        elif a.target is not None:
            pair = (a.user, a.target)
            hazards["self_follows"] += a.command is Command.FOLLOW and a.user == a.target
            if a.command is Command.FOLLOW:
                hazards["follows_of_followed_pair"] += pair in follows
                follows.add(pair)
            else:
                hazards["unfollows_not_followed"] += pair not in follows
                follows.discard(pair)
    if actions and actions[0].delay_ms != 0:
        hazards["first_delay_not_zero"] += 1
    return referenced | registered


def scenario_stats(actions: Sequence[Action], bad_lines: int = 0) -> ScenarioStats:
    """Compute the statistics of ``actions`` (in file order)."""
    hazards: Counter[str] = Counter()
    _text_hazards(actions, hazards)
    users = _flow_hazards(actions, hazards)
    mix = Counter(str(a.command) for a in actions)
    lengths = [len(a.content) for a in actions if a.content is not None]
    stats = ScenarioStats(
        actions=len(actions),
        mix={str(c): mix.get(str(c), 0) for c in Command},
        users_registered=len({a.user for a in actions if a.command is Command.REGISTER}),
        users_referenced=len(users),
        delays_s=_delay_stats(actions),
        hazards=dict(sorted(hazards.items())),
        bad_lines=bad_lines,
    )
    if lengths:
        stats.tweet_length = {"min": min(lengths), "max": max(lengths)}
    return stats
