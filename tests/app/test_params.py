"""In-process: parsing of the ``latest`` and ``no`` query values (fast layer)."""

from __future__ import annotations

import pytest

from reference_app.params import DEFAULT_LIMIT, MAX_LIMIT, latest_param, limit_param, storable


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
        (None, DEFAULT_LIMIT),
        ("", DEFAULT_LIMIT),
        ("x", DEFAULT_LIMIT),
        ("0", 0),
        ("7", 7),
        ("-3", DEFAULT_LIMIT),
        ("9" * 30, MAX_LIMIT),
        ("9" * 5000, MAX_LIMIT),
    ],
)
def test_limit_param(raw: str | None, expected: int) -> None:
    assert limit_param(raw) == expected


@pytest.mark.parametrize(
    ("text", "ok"), [("plain", True), ("\ufeff“x”", True), ("a\x00b", False), ("\ud800", False)]
)
def test_storable(text: str, ok: bool) -> None:
    assert storable(text) is ok
