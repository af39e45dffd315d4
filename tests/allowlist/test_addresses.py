"""Address, network and X-Forwarded-For parsing of the reference app's allowlist."""

from __future__ import annotations

import ipaddress

import pytest

from reference_app.allowlist import (
    AllowlistPolicy,
    AllowlistSettingError,
    NetworkSet,
    client_address,
    parse_address,
    parse_networks,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.5", "127.0.0.5"),
        (" 127.0.0.5 ", "127.0.0.5"),
        ("::1", "::1"),
        ("[::1]", "::1"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("::ffff:127.0.0.5", "127.0.0.5"),
        ("::ffff:7f00:5", "127.0.0.5"),
        ("[::ffff:127.0.0.5]", "127.0.0.5"),
        ("127.0.0.5:4711", None),
        ("unknown", None),
        ("", None),
        ("127.0.0.256", None),
    ],
)
def test_parse_address_normalises_spellings(text: str, expected: str | None) -> None:
    result = parse_address(text)
    assert (str(result) if result is not None else None) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("*", None),
        (" * ", None),
        (None, None),
        ("127.0.0.5", ["127.0.0.5/32"]),
        ("127.0.0.5, 10.0.0.0/8", ["127.0.0.5/32", "10.0.0.0/8"]),
        ("::1,2001:db8::/32", ["::1/128", "2001:db8::/32"]),
        ("::ffff:127.0.0.5", ["127.0.0.5/32"]),
        ("::ffff:127.0.0.0/104", ["127.0.0.0/8"]),
        ("127.0.0.5,,", ["127.0.0.5/32"]),
        ("", []),
    ],
)
def test_parse_networks_accepts_addresses_and_cidrs(
    value: str | None, expected: list[str] | None
) -> None:
    result = parse_networks(value, "ACCEPTED_IPS")
    assert (None if result is None else [str(n) for n in result]) == expected


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("127.0.0.5,nonsense", "'nonsense' is not an IP address or network"),
        ("10.0.0.1/8", "'10.0.0.1/8'"),  # host bits set: a typo more often than not
        ("127.0.0.0/33", "'127.0.0.0/33'"),
        ("*,127.0.0.1", "'*' cannot be combined"),
        ("localhost", "'localhost'"),
    ],
)
def test_parse_networks_rejects_bad_entries(value: str, needle: str) -> None:
    with pytest.raises(AllowlistSettingError) as err:
        parse_networks(value, "ACCEPTED_IPS")
    message = str(err.value)
    assert message.startswith("ACCEPTED_IPS: ")
    assert needle in message
    assert "\n" not in message


def test_trusted_proxies_refuses_star() -> None:
    with pytest.raises(AllowlistSettingError, match="TRUSTED_PROXIES"):
        AllowlistPolicy.from_settings("127.0.0.5", "*")


@pytest.mark.parametrize("accepted", ["*", "", None, "  "])
def test_unset_or_star_accepts_everyone(accepted: str | None) -> None:
    policy = AllowlistPolicy.from_settings(accepted, "")
    assert policy.accepted is None
    assert policy.allows(ipaddress.ip_address("203.0.113.9"))
    assert policy.allows(None)


TRUSTED = NetworkSet(parse_networks("127.0.0.2, ::1", "TRUSTED_PROXIES") or ())


@pytest.mark.parametrize(
    ("peer", "xff", "expected"),
    [
        # No trusted peer: any header is ignored (a client gains nothing by sending one).
        ("127.0.0.9", ["127.0.0.5"], "127.0.0.9"),
        ("::ffff:127.0.0.9", ["127.0.0.5"], "127.0.0.9"),
        # Trusted proxy without a header: the proxy itself is the client.
        ("127.0.0.2", [], "127.0.0.2"),
        # Trusted proxy: the right-most untrusted hop is the client.
        ("127.0.0.2", ["127.0.0.5"], "127.0.0.5"),
        ("127.0.0.2", ["127.0.0.5, 127.0.0.9"], "127.0.0.9"),
        ("127.0.0.2", ["127.0.0.9, 127.0.0.5"], "127.0.0.5"),
        ("127.0.0.2", ["127.0.0.5 ,  127.0.0.2 "], "127.0.0.5"),
        ("127.0.0.2", ["127.0.0.9", "127.0.0.5"], "127.0.0.5"),
        ("127.0.0.2", ["10.0.0.1, ::1, 127.0.0.2"], "10.0.0.1"),
        ("::ffff:127.0.0.2", ["::ffff:127.0.0.5"], "127.0.0.5"),
        ("::1", ["2001:db8::7"], "2001:db8::7"),
        # Every hop trusted: the left-most is the client.
        ("127.0.0.2", ["::1, 127.0.0.2"], "::1"),
        # An unparseable right-most hop is nobody (never matches an allowlist).
        ("127.0.0.2", ["127.0.0.5, unknown"], None),
        ("127.0.0.2", ["127.0.0.5:4711"], None),
        ("garbage", [], None),
        (None, [], None),
    ],
)
def test_client_address_walks_forwarded_for_right_to_left(
    peer: str | None, xff: list[str], expected: str | None
) -> None:
    result = client_address(peer, xff, TRUSTED)
    assert (str(result) if result is not None else None) == expected


@pytest.mark.parametrize(
    ("client", "allowed"),
    [
        ("127.0.0.5", True),
        ("127.0.0.6", False),
        ("10.1.2.3", True),
        ("::1", True),
        ("::2", False),
        ("2001:db8::1", False),
        ("0.0.0.1", False),  # the same integer as ::1, another family
    ],
)
def test_policy_matches_families_separately(client: str, allowed: bool) -> None:
    policy = AllowlistPolicy.from_settings("127.0.0.5,10.0.0.0/8,::1", "")
    assert policy.allows(ipaddress.ip_address(client)) is allowed
