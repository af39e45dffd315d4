"""Classification of altered content and the newest-first order check (pure)."""

from __future__ import annotations

import html
import unicodedata

import pytest

from harness.verify.alteration import Alteration, classify, pair_alterations
from harness.verify.evidence import Message
from harness.verify.messages import order_problem

TEXT = '\ufeff“Café” – R&D <b>it’s</b> "ok"'


@pytest.mark.parametrize(
    ("stored", "kind"),
    [
        (html.escape(TEXT), Alteration.HTML_ESCAPED),
        (html.escape(TEXT, quote=False), Alteration.HTML_ESCAPED),
        (TEXT.replace("&", "&amp;"), Alteration.HTML_ESCAPED),
        (TEXT[1:], Alteration.STRIPPED_BOM),
        (TEXT.encode().decode("latin-1"), Alteration.RE_ENCODED),
        (TEXT.encode().decode("cp1252", errors="replace"), Alteration.RE_ENCODED),
        (TEXT[1:].encode().decode("latin-1"), Alteration.RE_ENCODED),
        (TEXT.encode("ascii", errors="replace").decode(), Alteration.RE_ENCODED),
        (unicodedata.normalize("NFD", TEXT), Alteration.RE_ENCODED),
        (TEXT.replace("é", "\ufffd"), Alteration.RE_ENCODED),
        (TEXT[:-4], Alteration.OTHER),
        (TEXT.upper(), Alteration.OTHER),
        ("something else entirely, nothing alike at all", None),
        (TEXT, None),
    ],
)
def test_classify(stored: str, kind: Alteration | None) -> None:
    assert classify(TEXT, stored) is kind


def test_pairing_prefers_known_alterations_over_other() -> None:
    written = ["\ufeffhello world, how are you", "hello world, how are you?"]
    stored = ["hello world, how are you?!", "hello world, how are you"]
    pairs = pair_alterations(written, stored)
    assert (written[0], stored[1], Alteration.STRIPPED_BOM) in pairs
    assert (written[1], stored[0], Alteration.OTHER) in pairs


def test_pairing_is_bounded() -> None:
    written = [f"lost text {i}" for i in range(300)]
    stored = [f"garbage {i}" for i in range(300)]
    assert pair_alterations(written, stored, budget=100) == []


def _msgs(*pairs: tuple[str, int | None]) -> list[Message]:
    return [Message(c, d, "u") for c, d in pairs]


def test_order_newest_first_passes() -> None:
    assert order_problem(["c", "b", "a"], _msgs(("c", 3), ("b", 2), ("a", 1))) is None


def test_order_oldest_first_fails() -> None:
    problem = order_problem(["c", "b", "a"], _msgs(("a", 1), ("b", 2), ("c", 3)))
    assert problem == "position 0 holds 'a' but the newest-first order needs 'c' there"


def test_ties_within_a_second_may_be_in_any_order() -> None:
    assert order_problem(["c", "b", "a"], _msgs(("b", 2), ("c", 2), ("a", 1))) is None
    assert order_problem(["c", "b", "a"], _msgs(("a", 2), ("b", 2), ("c", 2))) is None
    # Without integer dates there is no tie to excuse a swap.
    assert order_problem(["c", "b"], _msgs(("b", None), ("c", None))) is not None


def test_order_ignores_lost_and_duplicated_texts() -> None:
    observed = _msgs(("d", 9), ("c", 3), ("a", 1), ("a", 1))
    assert order_problem(["c", "b", "a"], observed) is None
