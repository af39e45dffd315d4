"""A small HTTP client for the simulator API, for the app's tests (real requests)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import requests

AUTH = {"Authorization": "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"}
TIMEOUT = 10


def unique_name(prefix: str = "User") -> str:
    """A username no other test uses, with a space and a non-ASCII letter like the course's."""
    return f"{prefix} Ø{uuid.uuid4().hex[:10]}"


def path_name(username: str) -> str:
    """``username`` percent-encoded as one path segment (``/`` included)."""
    return quote(username, safe="")


class Api:
    """Requests against one base URL; every method returns the raw response."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url

    def request(
        self, method: str, path: str, *, auth: bool = True, **kwargs: Any
    ) -> requests.Response:
        """Any request; with the simulator credentials unless ``auth`` is False."""
        headers = {**(AUTH if auth else {}), **kwargs.pop("headers", {})}
        return requests.request(
            method, f"{self.url}{path}", headers=headers, timeout=TIMEOUT, **kwargs
        )

    def register(self, username: str, *, latest: int | None = None) -> requests.Response:
        """POST /register with a valid email and password."""
        query = f"?latest={latest}" if latest is not None else ""
        body = {"username": username, "email": "someone@example.org", "pwd": "secret"}
        return self.request("POST", f"/register{query}", auth=False, json=body)

    def new_user(self) -> str:
        """Register a fresh user and return its name."""
        name = unique_name()
        response = self.register(name)
        assert response.status_code == 204, response.text
        return name

    def tweet(self, username: str, content: Any) -> requests.Response:
        """POST /msgs/<user>."""
        return self.request("POST", f"/msgs/{path_name(username)}", json={"content": content})

    def follow(self, who: str, whom: str, key: str = "follow") -> requests.Response:
        """POST /fllws/<who> with ``{key: whom}``."""
        return self.request("POST", f"/fllws/{path_name(who)}", json={key: whom})

    def messages(self, username: str | None = None, query: str = "") -> requests.Response:
        """GET /msgs or /msgs/<user>."""
        path = "/msgs" if username is None else f"/msgs/{path_name(username)}"
        return self.request("GET", f"{path}{query}")

    def follows(self, username: str, query: str = "") -> requests.Response:
        """GET /fllws/<user>."""
        return self.request("GET", f"/fllws/{path_name(username)}{query}")

    def latest(self) -> int:
        """The value GET /latest reports."""
        response = self.request("GET", "/latest", auth=False)
        assert response.status_code == 200, response.text
        value: int = response.json()["latest"]
        return value
