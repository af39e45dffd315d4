"""Classify how a stored text differs from what was written (pure).

The common ways implementations damage simulator text: HTML-escaping it (a template filter
or ``html.escape`` on input), stripping a leading U+FEFF (a BOM-aware decoder or ``strip``),
and re-encoding it (UTF-8 read as Latin-1/cp1252, a non-UTF-8 database column, Unicode
normalisation), and coercing it (a numeric or boolean column type, or a JSON encoder,
turns ``"007"`` into ``7`` and ``"1e3"`` into ``"1000"``). Anything else similar enough to
be the same text is "other". A stored value is whatever JSON scalar came back: a string
written must come back as that string, so a number or boolean is at best a coercion.
"""

from __future__ import annotations

import difflib
import html
import unicodedata
from collections.abc import Sequence
from enum import StrEnum

#: A JSON scalar as read back (``content``, a follow-list entry): written values are strings.
Stored = str | int | float | bool | None

BOM = "\ufeff"
SIMILAR = 0.6  # SequenceMatcher ratio above which two texts count as one altered text


class Alteration(StrEnum):
    """A kind of content damage."""

    HTML_ESCAPED = "html-escaped"
    STRIPPED_BOM = "stripped-bom"
    RE_ENCODED = "re-encoded"
    COERCED = "coerced"
    OTHER = "other"


def _mojibake(text: str) -> set[str]:
    """Texts that ``text`` becomes when its UTF-8 bytes are misread or it is transcoded."""
    raw = text.encode("utf-8")
    out = {
        raw.decode("latin-1"),
        raw.decode("cp1252", errors="replace"),
        text.encode("ascii", errors="replace").decode("ascii"),
        text.encode("latin-1", errors="replace").decode("latin-1"),
        unicodedata.normalize("NFC", text),
        unicodedata.normalize("NFD", text),
    }
    out.discard(text)
    return out


_BOOLEANS = {"true": True, "false": False}


def _scalar(text: str) -> float | bool | None:
    """The number or boolean a typed column or a loose parser reads ``text`` as, if any."""
    folded = text.strip().lower()
    if folded in _BOOLEANS:
        return _BOOLEANS[folded]
    try:
        value = float(folded)
    except ValueError:
        return None
    return value if value == value else None  # NaN equals nothing, not even itself


def coerced(written: str, stored: Stored) -> bool:
    """Whether ``stored`` is ``written`` read as a number or boolean (and written back)."""
    if isinstance(stored, str) and stored == written:
        return False
    if stored is None:  # a loose JSON parse of the text "null"
        return written.strip().lower() == "null"
    want = _scalar(written)
    if want is None:
        return False
    got = _scalar(stored) if isinstance(stored, str) else stored
    if got is None:
        return False
    # True == 1 in Python: a boolean column storing 1 for "true" is that same coercion.
    return bool(got == want)


def known_alteration(written: str, stored: Stored) -> Alteration | None:
    """The known kind of damage that turns ``written`` into ``stored``, if any (cheap)."""
    if not isinstance(stored, str):
        return Alteration.COERCED if coerced(written, stored) else None
    if written == stored:
        return None
    if coerced(written, stored):
        return Alteration.COERCED
    if html.unescape(stored) == written:
        return Alteration.HTML_ESCAPED
    if written.startswith(BOM) and stored == written.lstrip(BOM):
        return Alteration.STRIPPED_BOM
    if stored in _mojibake(written) or stored in _mojibake(written.lstrip(BOM)):
        return Alteration.RE_ENCODED
    if "\ufffd" in stored and "\ufffd" not in written and len(stored) <= 3 * len(written):
        return Alteration.RE_ENCODED
    return None


def similar(written: str, stored: Stored) -> bool:
    """Whether two texts are close enough to be one text altered in some other way."""
    if not isinstance(stored, str):
        return False
    # real_quick_ratio from the lengths alone, before SequenceMatcher indexes ``stored``:
    # that index of a 5 MB text costs hundreds of MB, and the lengths already say no.
    total = len(written) + len(stored)
    if total and 2 * min(len(written), len(stored)) / total < SIMILAR:
        return False
    matcher = difflib.SequenceMatcher(None, written, stored, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    )


def classify(written: str, stored: Stored) -> Alteration | None:
    """How ``stored`` is an altered ``written``; None when they look unrelated (or equal)."""
    kind = known_alteration(written, stored)
    if kind is None and written != stored and similar(written, stored):
        return Alteration.OTHER
    return kind


def pair_alterations(
    missing: Sequence[str], extra: Sequence[Stored], *, budget: int = 300
) -> list[tuple[str, Stored, Alteration]]:
    """Greedily pair missing (written) texts with extra (stored) ones that are alterations.

    Known alterations are matched first (cheap checks against every candidate), then
    "other" by similarity; ``budget`` bounds those similarity comparisons, which cost
    O(length²) each, so a target that lost everything and stored garbage stays fast.
    """
    pairs: list[tuple[str, Stored, Alteration]] = []
    free: list[Stored] = list(extra)
    left: list[str] = []
    for written in missing:
        for i, stored in enumerate(free):
            kind = known_alteration(written, stored)
            if kind is not None:
                pairs.append((written, free.pop(i), kind))
                break
        else:
            left.append(written)
    for written in left:
        for i, stored in enumerate(free):
            budget -= 1
            if budget < 0:
                return pairs
            if similar(written, stored):
                pairs.append((written, free.pop(i), Alteration.OTHER))
                break
    return pairs
