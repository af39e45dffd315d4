"""Field text for generated scenarios, with the hazards of the course's recording.

Names are "First Last" (spaces, some non-ASCII), tweets carry curly quotes, dashes, HTML
metacharacters and now and then a leading U+FEFF (a few tweets are empty or look like a
number: ``"007"``, ``"1e3"``, ``"true"``), passwords carry quotes, backslashes (also
at the end), ``#``, ``%`` and CSV/formula-injection leaders. No field ever contains a tab,
CR or LF: the format has no quoting.
"""

from __future__ import annotations

import random
import unicodedata


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Roger Jacqualine Wendell Leonora Tyron Quinn Anja Björn Zoë Renée José Chloé Søren "
    "Mikael Astrid Hélène Dmitri Ines Łukasz François Noémie Jürgen Ada Grace Alan Linus "
    "Margaret Ken Barbara Edsger Frances Niklaus Radia Tim Sophie Olaf Ingrid Mateo Amélie "
    "Kai Lena Omar Priya Yusuf Mei Tomás Aurélie Håkon Elif Nadia Pedro Greta Ivo Saoirse"
)
LAST = _words(
    "Histand Gallery Seyler Olson Hallquist Jensen Müller Åberg Ødegaard Nuñez García "
    "Brontë Dvořák Łęcki Kovač Petersen Lovelace Hopper Turing Torvalds Hamilton Thompson "
    "Liskov Dijkstra Allen Wirth Perlman Berners Nørgaard Schäfer O'Brien Ruiz Ibáñez "
    "Yılmaz Novák Lindqvist Fischer Moreau Costa Rossi Kowalski Sørensen Andersson Mäkinen "
    "Dubois Silva Weiß Horváth Eriksen Lefèvre Jovanović Fontaine Nakamura Okafor Quispe"
)

WORDS = _words(
    "the of and to in is it that was for on are with as his they at be this from have or "
    "by one had not but what all were when we there can an your which their said if do will "
    "each about how up out them then she many some so these would other into has more her two "
    "like him see time could no make than first been its who now people my made over did down "
    "only way find use may water long little very after words called just where most know "
    "café naïve façade résumé über smörgåsbord piñata jalapeño déjà-vu fiancée coöperate"
)
DECOR = (
    "“quoted”",
    "‘single’",
    "it’s",
    "don't",
    "“so”—",
    "–",
    "—",
    "…",
    "R&D",
    "<3",
    "a > b",
    "x < y",
    "&amp;",
    "<b>bold</b>",
    '"plain"',
    "50%",
    "#tag",
    "@mention",
    "C:\\path\\",
    "1,5;2",
    "😀",
    "日本語",
    "Ωmega",
)
LEADERS = "#=+-@"
PWD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789" + "\"'\\#%,;&<>!$*()"
BOM = "\ufeff"
TWEET_MIN, TWEET_MAX = 13, 140
#: Whole tweets a typed column or a loose JSON parser would turn into a number, a boolean
#: or null ("007" -> 7, "1e3" -> 1000, "true" -> 1): they must come back as these strings.
NUMERIC_LOOKING = ("007", "0123", "1e3", "1.50", "-0", "true", "false", "null")


def unique_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct "First Last" names (a second last name when the pool runs out)."""
    seen: set[str] = set()
    names: list[str] = []
    pairs = len(FIRST) * len(LAST)
    while len(names) < count:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if len(seen) >= pairs // 2:  # avoid slow rejection sampling near exhaustion
            name = f"{name} {rng.choice(LAST)}-{rng.choice(LAST)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded if ch.isalnum() or ch in ".-")


def email_for(rng: random.Random, name: str) -> str:
    """A valid-looking email derived from ``name``; some start with a formula leader."""
    local = ".".join(_ascii(part) for part in name.split(" ") if _ascii(part)) or "user"
    roll = rng.random()
    if roll < 0.1:
        local = f"{local}+{rng.randint(1, 99)}"
    elif roll < 0.15:
        local = rng.choice(LEADERS[:4]) + local
    domain = rng.choice(("example.com", "mail.example.org", "itu.example.dk", "xn--mll-hoa.de"))
    return f"{local.lower()}@{domain}"


def password(rng: random.Random) -> str:
    """6–24 characters of quotes, backslashes and punctuation; sometimes a hazardous lead/end."""
    chars = [rng.choice(PWD_ALPHABET) for _ in range(rng.randint(6, 24))]
    if rng.random() < 0.25:
        chars[0] = rng.choice(LEADERS)
    if rng.random() < 0.15:
        chars[-1] = "\\"
    return "".join(chars)


def numeric_looking(rng: random.Random) -> str:
    """A whole tweet that looks like a number, a boolean or null."""
    return rng.choice(NUMERIC_LOOKING)


def tweet(rng: random.Random, *, bom: bool = False) -> str:
    """A 13–140 character tweet with curly quotes, dashes and HTML metacharacters."""
    length = rng.randint(TWEET_MIN, TWEET_MAX)
    lead = rng.choice(LEADERS) if rng.random() < 0.04 else ""
    parts: list[str] = []
    size = len(lead)
    while size < length:
        word = rng.choice(DECOR) if rng.random() < 0.18 else rng.choice(WORDS)
        if not parts and rng.random() < 0.5:
            word = word.capitalize()
        parts.append(word)
        size += len(word) + 1
    text = (lead + " ".join(parts))[:length].rstrip(" ")
    if bom:
        text = BOM + text[: TWEET_MAX - 1]
    while len(text) < TWEET_MIN:
        text = f"{text} {rng.choice(WORDS)}"[:TWEET_MAX]
    return text
