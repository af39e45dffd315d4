"""How one raw setting (a flag, an environment variable, a TOML value) becomes a typed value.

Fields of the config declare their rules with ``Annotated`` markers (``Duration``, ``OneOf``,
``AtLeast`` ...); :func:`coerce` applies type and rules in one place and names the source of
a bad value (``ci.toml: [replay] speed: expected 'max' or a number, got 'fast'``).
"""

from __future__ import annotations

import math
import re
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any

from harness.errors import UsageError
from harness.target import Target


@dataclass(frozen=True)
class OneOf:
    """The value must be one of these strings."""

    options: tuple[str, ...]


@dataclass(frozen=True)
class AtLeast:
    """A number no smaller than ``bound``."""

    bound: float


@dataclass(frozen=True)
class AtMost:
    """A number no larger than ``bound``."""

    bound: float


@dataclass(frozen=True)
class Positive:
    """A number strictly greater than zero."""


@dataclass(frozen=True)
class _DurationRule:
    """Seconds, written as a number or in Locust's syntax (``30s``, ``1m30s``, ``2h``)."""


@dataclass(frozen=True)
class _SpeedRule:
    """``max`` or a positive factor on the recorded delays."""


@dataclass(frozen=True)
class _UrlRule:
    """An ``http://`` or ``https://`` URL with a host."""


#: A duration in seconds; accepts ``30``, ``0.3``, ``30s``, ``1m30s``, ``2h``, ``300ms``.
Duration = Annotated[float, _DurationRule(), Positive()]
#: The replay speed: ``max`` or a factor on the recorded delays (1 = real time).
Speed = Annotated[str, _SpeedRule()]
#: The base URL of an API under test.
Url = Annotated[str, _UrlRule()]
#: A TCP port.
Port = Annotated[int, AtLeast(1), AtMost(65535)]

_NUMBER = r"\d+(?:\.\d+)?"
_TIMESPAN = re.compile(
    rf"(?:(?P<h>{_NUMBER})h)?(?:(?P<m>{_NUMBER})m(?!s))?(?:(?P<s>{_NUMBER})s)?(?:(?P<ms>{_NUMBER})ms)?"
)
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(value: object) -> float:
    """Seconds from a number or Locust's time span syntax; ValueError when it is neither."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = str(value).strip().lower()
        try:
            seconds = float(text)
        except ValueError:
            match = _TIMESPAN.fullmatch(text)
            if not text or match is None:
                raise ValueError(value) from None
            seconds = sum(
                float(amount) * _UNIT_SECONDS[unit]
                for unit, amount in match.groupdict().items()
                if amount is not None
            )
    if not math.isfinite(seconds):
        raise ValueError(value)
    return seconds


def format_duration(seconds: float) -> str:
    """A duration for help texts: ``30s``, ``0.3s``, ``1m30s``."""
    if seconds >= 60 and seconds == int(seconds):
        minutes, rest = divmod(int(seconds), 60)
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    return f"{seconds:g}s"


def describe(tp: Any) -> str:
    """What a value of this field type looks like, for error messages and metavars."""
    base, rules = rules_of(tp)  # an optional field describes its value
    for rule in rules:
        if isinstance(rule, _DurationRule):
            return "a duration like 30, 30s, 1m30s or 2h"
        if isinstance(rule, _SpeedRule):
            return "'max' or a number"
        if isinstance(rule, _UrlRule):
            return "an http(s) URL"
        if isinstance(rule, OneOf):
            if len(rule.options) == 2:
                return " or ".join(repr(o) for o in rule.options)
            return "one of " + ", ".join(rule.options)
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(
        base, str(base)
    )


def rules_of(tp: Any) -> tuple[Any, tuple[object, ...]]:
    """The plain type (Optional and tuple unwrapped) and the rules that apply to one value."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        return rules_of(next(a for a in typing.get_args(tp) if a is not type(None)))
    if origin is tuple:
        return rules_of(typing.get_args(tp)[0])
    return _split(tp)


def is_duration(tp: Any) -> bool:
    """Whether the field is a duration."""
    return any(isinstance(r, _DurationRule) for r in rules_of(tp)[1])


def _split(tp: Any) -> tuple[Any, tuple[object, ...]]:
    if typing.get_origin(tp) is Annotated:
        base, *rules = typing.get_args(tp)
        inner, more = _split(base)
        return inner, (*more, *rules)
    return tp, ()


def coerce(value: Any, tp: Any, where: str) -> Any:
    """``value`` as field type ``tp``; a UsageError naming ``where`` when it does not fit."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
            return None
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        return coerce(value, inner, where)
    if origin is tuple:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple):
            raise UsageError(f"{where}: expected a list, got {value!r}")
        return tuple(coerce(v, typing.get_args(tp)[0], where) for v in value)
    base, rules = _split(tp)
    try:
        result = _convert(value, base, rules)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: expected {describe(tp)}, got {value!r}") from None
    for rule in rules:
        _check(rule, result, where)
    return result


def _convert(value: Any, base: Any, rules: tuple[object, ...]) -> Any:
    if any(isinstance(r, _DurationRule) for r in rules):
        return parse_duration(value)
    if any(isinstance(r, _SpeedRule) for r in rules):
        text = str(value).strip().lower()
        if text != "max":
            float(text)  # ValueError: neither 'max' nor a number
        return text
    if base is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError(value)
    if base is int:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(value)
        return int(value)
    if base is float:
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(value)
        return number
    if base is str:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise TypeError(value)
        return str(value)
    raise TypeError(f"unsupported setting type {base!r}")


def _check(rule: object, value: Any, where: str) -> None:
    if isinstance(rule, OneOf) and value not in rule.options:
        raise UsageError(f"{where}: expected {describe(Annotated[str, rule])}, got {value!r}")
    if isinstance(rule, AtLeast) and value < rule.bound:
        raise UsageError(f"{where}: must be at least {rule.bound:g}, got {value!r}")
    if isinstance(rule, AtMost) and value > rule.bound:
        raise UsageError(f"{where}: must be at most {rule.bound:g}, got {value!r}")
    if isinstance(rule, Positive) and not value > 0:
        raise UsageError(f"{where}: must be greater than 0, got {value!r}")
    if isinstance(rule, _SpeedRule) and value != "max" and not float(value) > 0:
        raise UsageError(f"{where}: the factor must be greater than 0, got {value!r}")
    if isinstance(rule, _SpeedRule) and value != "max" and not float(value) > 0:
        raise UsageError(f"{where}: the factor must be greater than 0, got {value!r}")
    if isinstance(rule, _UrlRule):
        try:
            Target.parse(value)
        except ValueError:
            raise UsageError(f"{where}: expected an http(s) URL, got {value!r}") from None
