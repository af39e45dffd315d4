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


def classify(written: str, stored: str) -> Alteration | None:
    """How ``stored`` is an altered ``written``; None when they look unrelated (or equal)."""
    if written == stored:
        return None
    if html.unescape(stored) == written:
        return Alteration.HTML_ESCAPED
    if written.startswith(BOM) and stored == written.lstrip(BOM):
        return Alteration.STRIPPED_BOM
    if stored in _mojibake(written) or stored in _mojibake(written.lstrip(BOM)):
        return Alteration.RE_ENCODED
    if "\ufffd" in stored and "\ufffd" not in written:
        return Alteration.RE_ENCODED
    matcher = difflib.SequenceMatcher(None, written, stored, autojunk=False)
    if matcher.real_quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR:
        return Alteration.OTHER
    return None


def pair_alterations(
    missing: list[str], extra: list[str], *, budget: int = 40_000
) -> list[tuple[str, str, Alteration]]:
    """Greedily pair missing (written) texts with extra (stored) ones that are alterations.

    Known alterations are matched first, then "other"; ``budget`` bounds the comparisons
    so that a target that lost everything and stored garbage does not take quadratic time.
    """
    pairs: list[tuple[str, str, Alteration]] = []
    free = list(extra)
    todo = list(missing)
    for allow_other in (False, True):
        left: list[str] = []
        for written in todo:
            match = None
            for i, stored in enumerate(free):
                budget -= 1
                if budget < 0:
                    break
                kind = classify(written, stored)
                if kind is not None and (allow_other or kind is not Alteration.OTHER):
                    match = (i, kind)
                    break
            if match is None:
                left.append(written)
            else:
                pairs.append((written, free.pop(match[0]), match[1]))
        todo = left
    return pairs
