"""The probe plan: which source sends which headers, expecting what."""

from __future__ import annotations

import pytest

from harness.errors import UsageError

# Documented exception: SPOOF_TRICKS is the catalogue of header tricks (the README names
# them in prose only); the tests check that every one is planned and sent, not its content.
from harness.probes.tricks import SPOOF_TRICKS, Expect, plan_probes

PATHS = ("/msgs?no=1", "/latest")


def test_plain_probes_come_first_with_their_expectations() -> None:
    probes = plan_probes(["127.0.0.5"], ["127.0.0.9"], PATHS)
    plain = [(p.source, p.path, p.expect) for p in probes if p.trick == "direct"]
    assert plain == [
        ("127.0.0.5", "/msgs?no=1", Expect.ALLOWED),
        ("127.0.0.9", "/msgs?no=1", Expect.DENIED),
        ("127.0.0.5", "/latest", Expect.ALLOWED),
        ("127.0.0.9", "/latest", Expect.DENIED),
    ]
    assert all(p.headers == () for p in probes if p.trick == "direct")


def test_every_trick_from_every_denied_source_for_every_claim() -> None:
    probes = plan_probes(["127.0.0.5", "::1"], ["127.0.0.9", "127.0.0.10"], ["/msgs"])
    spoofs = [p for p in probes if p.trick in SPOOF_TRICKS]
    assert len(spoofs) == 2 * 2 * len(SPOOF_TRICKS)
    assert all(p.expect is Expect.DENIED for p in spoofs)
    assert {p.claimed for p in spoofs} == {"127.0.0.5", "::1"}
    assert {p.source for p in spoofs} == {"127.0.0.9", "127.0.0.10"}


@pytest.mark.parametrize(
    ("trick", "claim", "headers"),
    [
        ("xff", "127.0.0.5", (("X-Forwarded-For", "127.0.0.5"),)),
        ("xff-first", "127.0.0.5", (("X-Forwarded-For", "127.0.0.5, 127.0.0.9"),)),
        ("xff-last", "127.0.0.5", (("X-Forwarded-For", "127.0.0.9, 127.0.0.5"),)),
        ("xff-spaces", "127.0.0.5", (("X-Forwarded-For", "  127.0.0.5 ,   127.0.0.5  "),)),
        (
            "xff-two-headers",
            "127.0.0.5",
            (("X-Forwarded-For", "127.0.0.9"), ("X-Forwarded-For", "127.0.0.5")),
        ),
        ("xff-mapped", "127.0.0.5", (("X-Forwarded-For", "::ffff:127.0.0.5"),)),
        ("xff-mapped", "::1", (("X-Forwarded-For", "0000:0000:0000:0000:0000:0000:0000:0001"),)),
        ("xff-with-port", "::1", (("X-Forwarded-For", "[::1]:4711"),)),
        ("x-real-ip", "127.0.0.5", (("X-Real-IP", "127.0.0.5"),)),
        ("forwarded", "127.0.0.5", (("Forwarded", "for=127.0.0.5"),)),
        ("forwarded", "::1", (("Forwarded", 'for="[::1]"'),)),
    ],
)
def test_trick_headers(trick: str, claim: str, headers: tuple[tuple[str, str], ...]) -> None:
    probes = plan_probes([claim], ["127.0.0.9"], ["/msgs"])
    (probe,) = [p for p in probes if p.trick == trick]
    assert probe.headers == headers


def test_allowed_source_claims_a_denied_address_and_must_stay_allowed() -> None:
    probes = plan_probes(["127.0.0.5"], ["127.0.0.9"], ["/msgs"])
    (foreign,) = [p for p in probes if p.trick == "xff-foreign"]
    assert foreign.source == "127.0.0.5"
    assert foreign.headers == (("X-Forwarded-For", "127.0.0.9"),)
    assert foreign.expect is Expect.ALLOWED


def test_spoof_as_adds_claims_and_one_sided_runs_work() -> None:
    probes = plan_probes([], ["::1"], ["/msgs"], spoof_as=["127.0.0.5"])
    assert {p.claimed for p in probes if p.trick in SPOOF_TRICKS} == {"127.0.0.5"}
    only_allowed = plan_probes(["::1"], [], ["/msgs"])
    (foreign,) = [p for p in only_allowed if p.trick == "xff-foreign"]
    assert foreign.claimed == "2001:db8::1"


def test_no_spoofing_keeps_only_plain_probes() -> None:
    probes = plan_probes(["127.0.0.5"], ["127.0.0.9"], PATHS, spoofing=False)
    assert {p.trick for p in probes} == {"direct"}


@pytest.mark.parametrize(
    ("allowed", "denied", "spoof_as", "message"),
    [
        ([], [], [], "need an --allowed-source or a --denied-source"),
        (["127.0.0.5"], ["localhost"], [], "source 'localhost' is not an IP address"),
        (["127.0.0.5"], ["127.0.0.5"], [], "both an allowed and a denied source"),
        (["127.0.0.5"], [], ["simulator"], "--spoof-as 'simulator' is not an IP address"),
    ],
)
def test_bad_sources_are_usage_errors(
    allowed: list[str], denied: list[str], spoof_as: list[str], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        plan_probes(allowed, denied, ["/msgs"], spoof_as=spoof_as)


def test_paths_must_be_absolute() -> None:
    with pytest.raises(UsageError, match="must start with '/'"):
        plan_probes(["127.0.0.5"], [], ["msgs"])
