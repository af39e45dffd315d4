"""The scenario model: one action per line of the course's tab-separated format."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Command(StrEnum):
    """The four commands of a scenario file."""

    REGISTER = "register"
    TWEET = "tweet"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"


@dataclass(frozen=True, slots=True)
class Action:
    """One scenario action.

    ``user`` is the acting user (the registering user for ``register``); ``target`` is the
    other user of a follow/unfollow. ``line`` is the 1-based line number in the file (0 for
    actions that were generated and never written).
    """

    id: int
    delay_ms: int
    ts_ms: int
    command: Command
    user: str
    email: str | None = None
    pwd: str | None = None
    content: str | None = None
    target: str | None = None
    line: int = 0

    def fields(self) -> list[str]:
        """The columns of this action's line, in file order."""
        head = [str(self.id), str(self.delay_ms), str(self.ts_ms), str(self.command), self.user]
        if self.command is Command.REGISTER:
            return [*head, self.email or "", self.pwd or ""]
        if self.command is Command.TWEET:
            return [*head, self.content or ""]
        return [*head, self.target or ""]

    def to_line(self) -> str:
        """The action as one line of the course format (without the newline)."""
        return "\t".join(self.fields())
