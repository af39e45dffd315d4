"""IP allowlist and reverse-proxy trust for the simulator API.

``ACCEPTED_IPS`` lists the client addresses and networks the API answers (``*`` or unset:
everyone). ``TRUSTED_PROXIES`` lists the peers whose ``X-Forwarded-For`` is honoured; the
client is then the right-most forwarded address that is not itself a trusted proxy. Both
come from ``app.config`` (the factory fills them from the environment); an invalid value
stops the app at start with :class:`AllowlistSettingError`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import Flask, Response, request

from reference_app.errors import error_response

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_MAPPED_PREFIX = ipaddress.IPv6Network("::ffff:0:0/96")


class AllowlistSettingError(ValueError):
    """An ``ACCEPTED_IPS`` or ``TRUSTED_PROXIES`` value that is not a list of addresses."""


def parse_address(text: str) -> IPAddress | None:
    """An address with IPv4-mapped IPv6 unwrapped (``::ffff:1.2.3.4`` → ``1.2.3.4``).

    Accepts a bracketed IPv6 literal (``[::1]``); anything else unparseable gives None.
    """
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    address: IPAddress
    try:
        # inet_pton is strict and several times faster than ipaddress's string parser.
        if ":" in text:
            address = ipaddress.IPv6Address(socket.inet_pton(socket.AF_INET6, text))
        else:
            address = ipaddress.IPv4Address(socket.inet_pton(socket.AF_INET, text))
    except (OSError, ValueError):
        try:
            address = ipaddress.ip_address(text)  # e.g. a scoped IPv6 address (fe80::1%eth0)
        except ValueError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _normalise_network(network: IPNetwork) -> IPNetwork:
    """An IPv4-mapped IPv6 network as the IPv4 network it stands for."""
    if (
        isinstance(network, ipaddress.IPv6Network)
        and network.prefixlen >= 96
        and network.subnet_of(_MAPPED_PREFIX)
    ):
        base = network.network_address.ipv4_mapped
        assert base is not None  # guaranteed by subnet_of(::ffff:0:0/96)
        return ipaddress.IPv4Network(f"{base}/{network.prefixlen - 96}")
    return network


def parse_networks(value: str | None, setting: str) -> tuple[IPNetwork, ...] | None:
    """Comma-separated addresses/CIDRs as networks; None means "every address" (``*``).

    Raises :class:`AllowlistSettingError` naming ``setting`` and the bad entry.
    """
    if value is None:
        return None
    entries = [e.strip() for e in value.split(",")]
    entries = [e for e in entries if e]
    if "*" in entries:
        if len(entries) > 1:
            raise AllowlistSettingError(f"{setting}: '*' cannot be combined with other entries")
        return None
    networks: list[IPNetwork] = []
    for entry in entries:
        try:
            networks.append(_normalise_network(ipaddress.ip_network(entry, strict=True)))
        except ValueError as exc:
            # ipaddress says why for near misses (host bits set, prefix too long).
            why = "" if "does not appear" in str(exc) else f" ({exc})"
            raise AllowlistSettingError(
                f"{setting}: {entry!r} is not an IP address or network{why}"
            ) from None
    return tuple(networks)


class NetworkSet:
    """Networks as integer ranges: membership costs a comparison per network, not an object."""

    def __init__(self, networks: Iterable[IPNetwork]) -> None:
        self.networks = tuple(networks)
        self._ranges = tuple(
            (n.version, int(n.network_address), int(n.broadcast_address)) for n in self.networks
        )

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
            return False
        version, value = address.version, int(address)
        # Families never match each other (mapped addresses were unwrapped when parsed).
        return any(v == version and lo <= value <= hi for v, lo, hi in self._ranges)

    def __len__(self) -> int:
        return len(self.networks)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: NetworkSet
) -> IPAddress | None:
    """The client of a request: the peer, or its forwarded client when the peer is trusted.

    ``forwarded_for`` holds the ``X-Forwarded-For`` header values in order. Walking right to
    left, trusted proxies are skipped; the first other entry is the client (None if that
    entry is not an address, so it can never match an allowlist). When every entry is a
    trusted proxy, the left-most one is the client.
    """
    address = parse_address(peer or "")
    if address is None or address not in trusted:
        return address
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        hop_address = parse_address(hop)
        if hop_address is None or hop_address not in trusted:
            return hop_address
        address = hop_address
    return address


@dataclass(frozen=True)
class AllowlistPolicy:
    """The parsed settings: accepted networks (None = all) and trusted proxies."""

    accepted: NetworkSet | None
    trusted: NetworkSet

    @classmethod
    def from_settings(
        cls, accepted_ips: str | None, trusted_proxies: str | None
    ) -> AllowlistPolicy:
        """Parse the two settings; an empty ``ACCEPTED_IPS`` means "everyone", like unset."""
        accepted_text = accepted_ips if accepted_ips and accepted_ips.strip() else None
        trusted = parse_networks(trusted_proxies or "", "TRUSTED_PROXIES")
        if trusted is None:
            raise AllowlistSettingError("TRUSTED_PROXIES: '*' is not allowed; list networks")
        accepted = parse_networks(accepted_text, "ACCEPTED_IPS")
        return cls(None if accepted is None else NetworkSet(accepted), NetworkSet(trusted))

    def allows(self, client: IPAddress | None) -> bool:
        """Whether ``client`` may use the API."""
        if self.accepted is None:
            return True
        return client is not None and client in self.accepted


def denial_message(client: IPAddress | None) -> str:
    """The ``error_msg`` of a denial (distinct from the auth message by design)."""
    who = str(client) if client is not None else "(unrecognised)"
    return f"Your address {who} is not allowed to use this resource!"


def init_app(app: Flask) -> None:
    """Check the settings now (fail at start) and guard every request of ``app``.

    Endpoints named in ``ALLOWLIST_EXEMPT`` (default: ``metrics``, which monitoring scrapes
    from its own host) stay open; everything else, unknown paths included, is guarded.
    """
    policy = AllowlistPolicy.from_settings(
        app.config.get("ACCEPTED_IPS"), app.config.get("TRUSTED_PROXIES")
    )
    app.extensions["allowlist"] = policy
    if policy.accepted is None:
        return
    exempt = frozenset(app.config.get("ALLOWLIST_EXEMPT", ("metrics",)))

    @app.before_request
    def _enforce_allowlist() -> Response | None:
        if request.endpoint in exempt:
            return None
        forwarded = request.headers.getlist("X-Forwarded-For")
        client = client_address(request.remote_addr, forwarded, policy.trusted)
        if policy.allows(client):
            return None
        return error_response(403, denial_message(client))
