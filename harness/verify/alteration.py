"""Classify how a stored text differs from what was written (pure).

The common ways implementations damage simulator text: HTML-escaping it (a template filter
or ``html.escape`` on input), stripping a leading U+FEFF (a BOM-aware decoder or ``strip``),
and re-encoding it (UTF-8 read as Latin-1/cp1252, a non-UTF-8 database column, Unicode
normalisation). Anything else similar enough to be the same text is "other".
"""

from __future__ import annotations

import difflib
import html
import unicodedata
from enum import StrEnum

BOM = "\ufeff"
SIMILAR = 0.6  # SequenceMatcher ratio above which two texts count as one altered text


class Alteration(StrEnum):
    """A kind of content damage."""

    HTML_ESCAPED = "html-escaped"
    STRIPPED_BOM = "stripped-bom"
    RE_ENCODED = "re-encoded"
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


def known_alteration(written: str, stored: str) -> Alteration | None:
    """The known kind of damage that turns ``written`` into ``stored``, if any (cheap)."""
    if written == stored:
        return None
    if html.unescape(stored) == written:
        return Alteration.HTML_ESCAPED
    if written.startswith(BOM) and stored == written.lstrip(BOM):
        return Alteration.STRIPPED_BOM
    if stored in _mojibake(written) or stored in _mojibake(written.lstrip(BOM)):
        return Alteration.RE_ENCODED
    if "\ufffd" in stored and "\ufffd" not in written and len(stored) <= 3 * len(written):
        return Alteration.RE_ENCODED
    return None


def similar(written: str, stored: str) -> bool:
    """Whether two texts are close enough to be one text altered in some other way."""
    matcher = difflib.SequenceMatcher(None, written, stored, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    )


def classify(written: str, stored: str) -> Alteration | None:
    """How ``stored`` is an altered ``written``; None when they look unrelated (or equal)."""
    kind = known_alteration(written, stored)
    if kind is None and written != stored and similar(written, stored):
        return Alteration.OTHER
    return kind


def pair_alterations(
    missing: list[str], extra: list[str], *, budget: int = 300
) -> list[tuple[str, str, Alteration]]:
    """Greedily pair missing (written) texts with extra (stored) ones that are alterations.

    Known alterations are matched first (cheap checks against every candidate), then
    "other" by similarity; ``budget`` bounds those similarity comparisons, which cost
    O(length²) each, so a target that lost everything and stored garbage stays fast.
    """
    pairs: list[tuple[str, str, Alteration]] = []
    free = list(extra)
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
