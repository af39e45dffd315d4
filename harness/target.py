"""The target: the base URL of an implementation under test, parsed and normalised once.

Every layer that talks to a target takes its URLs from a :class:`Target` (no ad-hoc
``rstrip("/")``), so ``http://host:5001/api/`` and ``http://host:5001/api`` are the same
target everywhere, and an API served under a path prefix works in every command.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Target:
    """Scheme, host, port and path prefix of a target (prefix without trailing slash)."""

    scheme: str
    host: str  # a name or an address; IPv6 without brackets
    port: int
    prefix: str  # "" or "/api"

    @classmethod
    def parse(cls, url: str) -> Target:
        """Parse a base URL; ValueError when it is not an http(s) URL with a host and port."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ValueError(f"invalid port in {url!r}") from None
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    @property
    def https(self) -> bool:
        """Whether the target speaks TLS."""
        return self.scheme == "https"

    @property
    def netloc(self) -> str:
        """``host:port`` as a Host header writes it (the port left out when it is the default)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.https else 80
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``, without the prefix."""
        return f"{self.scheme}://{self.netloc}"

    @property
    def base_url(self) -> str:
        """The normalised base URL: origin and prefix, no trailing slash."""
        return self.origin + self.prefix

    def url(self, path: str) -> str:
        """The full URL of an API path (``/latest``, ``/msgs/Ann?no=5``)."""
        return self.base_url + path

    def __str__(self) -> str:
        return self.base_url


def target_url(base_url: str, path: str) -> str:
    """``path`` under ``base_url``, however the base URL was written."""
    return Target.parse(base_url).url(path)
