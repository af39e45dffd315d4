"""The deviant app's state: in memory behind one lock, optionally journaled to survive restarts.

A supervised app that crashes and comes back must keep its data, as a real app with a
database does; the journal (one JSON line per write, replayed at start) gives the deviant
app that without a database.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any


class Store:
    """Users, messages, follow edges and `latest`; every write goes through :meth:`apply`."""

    def __init__(self, journal: Path | None = None) -> None:
        self.lock = threading.Lock()
        self.latest: int | None = None
        self.users: list[Any] = []
        self.emails: list[Any] = []
        self.messages: list[tuple[Any, Any, int]] = []  # (author, content, pub_date)
        self.follows: list[tuple[Any, Any]] = []
        self.locked = False  # the course reference's SQLite lock (until a restart)
        self._journal = journal
        if journal is not None and journal.is_file():
            for line in journal.read_text(encoding="utf-8").splitlines():
                self._do(json.loads(line))

    def apply(self, *op: Any) -> None:
        """Apply one write (``("user", name, email)``, ``("msg", ...)``, ...) and journal it."""
        with self.lock:
            self._do(list(op))
            if self._journal is not None:
                with self._journal.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(list(op)) + "\n")

    def _do(self, op: list[Any]) -> None:
        kind, *args = op
        if kind == "latest":
            self.latest = args[0]
        elif kind == "user":
            self.users.append(args[0])
            self.emails.append(args[1])
        elif kind == "msg":
            self.messages.append((args[0], args[1], args[2]))
        elif kind == "follow":
            self.follows.append((args[0], args[1]))
        elif kind == "unfollow":
            self.follows = [e for e in self.follows if e != (args[0], args[1])]
