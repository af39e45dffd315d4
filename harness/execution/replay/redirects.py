"""Where the simulator's ``requests`` client goes after a redirect (pure: no IO).

``requests`` follows 301, 302, 303, 307 and 308 answers that carry a ``Location``
(``Session.resolve_redirects``): 307/308 re-send the request with its body, 301 (for a
POST), 302 and 303 turn it into a bodyless GET without ``Content-Length`` and
``Content-Type``; ``Authorization`` is dropped when the host, scheme or port changes
(http to https on the standard ports excepted); a relative location is joined to the
current URL; more than 30 redirects is ``TooManyRedirects``. The last answer is judged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: requests' ``Session.max_redirects``.
MAX_REDIRECTS = 30
TOO_MANY_REDIRECTS = "TooManyRedirects"

_BODY_HEADERS = frozenset({"content-length", "content-type", "transfer-encoding"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: http -> https on the standard ports keeps the credentials (requests' special case).
_UPGRADE_PORTS = frozenset({(80, 443), (80, None), (None, 443), (None, None)})


@dataclass(frozen=True)
class Hop:
    """One request of a redirect chain: method, absolute URL, headers (no Host), body."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None


def location_target(location: str | list[str]) -> str:
    """The URL a ``Location`` header names, read the way ``requests`` reads it."""
    if isinstance(location, list):  # repeated header lines: urllib3 joins them
        location = ", ".join(location)
    # http.client decodes headers as latin-1; requests re-reads them as UTF-8.
    return location.encode("latin-1").decode("utf-8")


def should_strip_auth(old_url: str, new_url: str) -> bool:
    """Whether ``requests`` drops ``Authorization`` on the way from one URL to the other."""
    old, new = urlsplit(old_url), urlsplit(new_url)
    if old.hostname != new.hostname:
        return True
    if (old.scheme, new.scheme) == ("http", "https") and (old.port, new.port) in _UPGRADE_PORTS:
        return False
    changed_port = old.port != new.port
    changed_scheme = old.scheme != new.scheme
    default = (_DEFAULT_PORTS.get(old.scheme), None)
    if not changed_scheme and old.port in default and new.port in default:
        return False
    return changed_port or changed_scheme


def _next_url(current: str, location: str) -> str:
    from requests.utils import requote_uri  # the same quoting; only redirects need it

    if location.startswith("//"):
        location = f"{urlsplit(current).scheme}:{location}"
    parts = urlsplit(location)
    previous_fragment = urlsplit(current).fragment
    if not parts.fragment and previous_fragment:
        parts = parts._replace(fragment=previous_fragment)
    url = parts.geturl()
    if not parts.netloc:
        return urljoin(current, requote_uri(url))
    return str(requote_uri(url))


def next_hop(hop: Hop, status: int, location: str) -> Hop:
    """The request ``requests`` sends after ``hop`` was answered ``status`` to ``location``."""
    url = _next_url(hop.url, location)
    method = hop.method
    if (status in (302, 303) and method != "HEAD") or (status == 301 and method == "POST"):
        method = "GET"
    headers = hop.headers
    body = hop.body
    if status not in (307, 308):
        headers = tuple(h for h in headers if h[0].lower() not in _BODY_HEADERS)
        body = None
    if should_strip_auth(hop.url, url):
        headers = tuple(h for h in headers if h[0].lower() != "authorization")
    return replace(hop, method=method, url=url, headers=headers, body=body)
