"""In-process: parsing of the ``latest`` and ``no`` query values (fast layer)."""

from __future__ import annotations

import pytest

from reference_app.params import latest_param, limit_param, storable

#: The spec (section 3, ``no``): "Optional, default 100. A non-integer value falls back to
#: 100"; README (serve): "a negative `no` falls back to 100".
DEFAULT_NO = 100


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("-1", None),
        ("+-1", None),
        ("12", 12),
        ("+12", 12),
        ("-12", -12),
        ("-0", 0),
        ("1_0", None),
        (" 1", None),
        ("١٢", None),  # Arabic-Indic digits are not decimal ASCII digits
        ("9" * 5000, None),  # beyond Python's int conversion limit: ignored, not a crash
    ],
)
def test_latest_param(raw: str | None, expected: int | None) -> None:
    assert latest_param(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, DEFAULT_NO),
        ("", DEFAULT_NO),
        ("x", DEFAULT_NO),
        ("0", 0),
        ("7", 7),
        ("-3", DEFAULT_NO),
    ],
)
def test_limit_param(raw: str | None, expected: int) -> None:
    assert limit_param(raw) == expected


@pytest.mark.parametrize("raw", ["9" * 30, "9" * 5000])
def test_a_huge_limit_means_everything_and_fits_a_sql_bigint(raw: str) -> None:
    """Beyond 64 bits the course reference answers 500 (spec section 4); the normative app
    lists everything, with a LIMIT that PostgreSQL's and SQLite's signed 64-bit integers hold."""
    limit = limit_param(raw)
    assert 2**32 < limit < 2**63
    assert limit_param(str(limit)) == limit  # the clamp is the same value when sent back


@pytest.mark.parametrize(
    ("text", "ok"), [("plain", True), ("\ufeff“x”", True), ("a\x00b", False), ("\ud800", False)]
)
def test_storable(text: str, ok: bool) -> None:
    assert storable(text) is ok
