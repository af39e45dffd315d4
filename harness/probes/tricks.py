"""The allowlist probe plan (pure): which source sends which headers, expecting what.

Every local source sends a plain ``direct`` probe per path. Denied sources also try to pass
for an allowed address with client-address headers (the spoofing tricks); allowed sources
send a ``xff-foreign`` probe that claims a denied address, which a correct proxy setup
ignores because the proxy appends the real peer on the right.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from harness.errors import UsageError

Headers = tuple[tuple[str, str], ...]

DIRECT = "direct"
FOREIGN = "xff-foreign"


class Expect(StrEnum):
    """What the target should do with a probe."""

    ALLOWED = "allowed"
    DENIED = "denied"


@dataclass(frozen=True)
class Probe:
    """One request to send: from ``source``, to ``path``, with extra ``headers``."""

    source: str
    trick: str
    path: str
    headers: Headers
    expect: Expect
    claimed: str | None = None  # the address a header claims, for the spoofing tricks


def _mapped(address: str) -> str:
    """Another spelling of ``address``: IPv4-mapped IPv6, or the exploded IPv6 form."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv4Address):
        return f"::ffff:{ip}"
    return ip.exploded


def _for_value(address: str) -> str:
    """The ``for=`` node of RFC 7239 ``Forwarded`` (IPv6 quoted and bracketed)."""
    return f'"[{address}]"' if ":" in address else address


def _with_port(address: str) -> str:
    """``address`` with a port, as some proxies write it."""
    return f"[{address}]:4711" if ":" in address else f"{address}:4711"


CLIENT_IP_HEADERS = ("X-Real-IP", "True-Client-IP", "X-Client-IP", "CF-Connecting-IP", "Client-IP")

TrickFn = Callable[[str, str], Headers]

#: Spoofing tricks: (claimed allowed address, real denied source) -> headers.
SPOOF_TRICKS: dict[str, TrickFn] = {
    "xff": lambda a, d: (("X-Forwarded-For", a),),
    "xff-first": lambda a, d: (("X-Forwarded-For", f"{a}, {d}"),),
    "xff-last": lambda a, d: (("X-Forwarded-For", f"{d}, {a}"),),
    "xff-spaces": lambda a, d: (("X-Forwarded-For", f"  {a} ,   {a}  "),),
    "xff-two-headers": lambda a, d: (("X-Forwarded-For", d), ("X-Forwarded-For", a)),
    "xff-mapped": lambda a, d: (("X-Forwarded-For", _mapped(a)),),
    "xff-with-port": lambda a, d: (("X-Forwarded-For", _with_port(a)),),
    "x-real-ip": lambda a, d: (("X-Real-IP", a),),
    "forwarded": lambda a, d: (("Forwarded", f"for={_for_value(a)}"),),
    "client-ip-headers": lambda a, d: tuple((h, a) for h in CLIENT_IP_HEADERS),
    "all-headers": lambda a, d: (
        ("X-Forwarded-For", a),
        ("Forwarded", f"for={_for_value(a)};proto=http"),
        *((h, a) for h in CLIENT_IP_HEADERS),
    ),
}


FOREIGN_CLAIMS = {4: "192.0.2.1", 6: "2001:db8::1"}  # documentation addresses (RFC 5737/3849)


def _ip(address: str, what: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        raise UsageError(f"{what} {address!r} is not an IP address") from None


def check_sources(allowed: Sequence[str], denied: Sequence[str], spoof_as: Sequence[str]) -> None:
    """Raise a one-line UsageError unless the addresses are valid and the lists disjoint."""
    if not allowed and not denied:
        raise UsageError("allowlist probes need an --allowed-source or a --denied-source")
    for address in (*allowed, *denied):
        _ip(address, "source")
    for address in spoof_as:
        _ip(address, "--spoof-as")
    both = sorted(set(allowed) & set(denied))
    if both:
        raise UsageError(f"source {both[0]} is both an allowed and a denied source")


def plan_probes(
    allowed: Sequence[str],
    denied: Sequence[str],
    paths: Sequence[str],
    *,
    spoof_as: Sequence[str] = (),
    spoofing: bool = True,
) -> list[Probe]:
    """Every probe of one run, in the order they are sent.

    Denied sources claim each allowed source and each ``spoof_as`` address with every
    trick; allowed sources claim a denied source (or a documentation address) in
    ``X-Forwarded-For``, which must not lock them out.
    """
    check_sources(allowed, denied, spoof_as)
    if not paths or not all(p.startswith("/") for p in paths):
        raise UsageError("probe paths must start with '/'")
    probes: list[Probe] = []
    for path in paths:
        for source in allowed:
            probes.append(Probe(source, DIRECT, path, (), Expect.ALLOWED))
        for source in denied:
            probes.append(Probe(source, DIRECT, path, (), Expect.DENIED))
    if not spoofing:
        return probes
    claims = list(dict.fromkeys((*allowed, *spoof_as)))
    for path in paths:
        for source in allowed:
            claim = denied[0] if denied else FOREIGN_CLAIMS[_ip(source, "source").version]
            headers: Headers = (("X-Forwarded-For", claim),)
            probes.append(Probe(source, FOREIGN, path, headers, Expect.ALLOWED, claim))
        for source in denied:
            for claim in claims:
                for name, trick in SPOOF_TRICKS.items():
                    probes.append(
                        Probe(source, name, path, trick(claim, source), Expect.DENIED, claim)
                    )
    return probes
