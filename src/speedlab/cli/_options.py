"""How every ``speedlab`` command reads a number, and words a bad one.

Each numeric option declares one of these parsers with typer's public ``parser=`` hook, so a
number means the same thing, and is refused in the same words, in every command. The rules,
decided once:

- An integer is digits with an optional sign (``42``, ``-3``, ``+7``). ``5.0`` and ``1e3`` are
  refused alike, never truncated or rounded, with the digits to type instead
  (``--count: 1e3 is not an integer (write it in digits: 1000)``). Separators (``1_000``,
  ``1,000``) and non-ASCII digits, which ``int`` would take, are refused too: only ASCII
  digits, which every program and shell script reads the same way.
- A number (seconds, a probability) is a decimal with an optional exponent (``0.5``, ``2``,
  ``1e-3``). ``nan`` and ``inf`` are refused everywhere: no option means anything with them.
- Each parser checks its option's range (``integer(0, 100)``), so a command refuses an absurd
  value before it starts, and the libraries' own checks stay a second line for scripts.
- The message is ``OPTION: TEXT is not an integer`` or ``OPTION: TEXT is out of range (...)``:
  the option as the user typed it, then the text (escaped when it is not plain).

``0`` is an ordinary count: ``--count 0`` runs no step or prints no prime, like ``range(0)``.

A negative number where an argument is expected looks like an option to any parser of this
family (``speedlab primes --check -7``); :func:`usage_message` turns that error into a hint.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

import typer
from typer._click.exceptions import MissingParameter, NoSuchOption  # no public path in typer
from typer.core import TyperArgument

__all__ = [
    "MAX_DIGITS",
    "Integer",
    "Number",
    "integer",
    "number",
    "probability",
    "seconds",
    "shown",
    "usage_message",
]

#: Digits an integer may have: far more than any option needs, and far from the
#: 4,300-digit limit of Python's int().
MAX_DIGITS = 100
# Characters of a bad value repeated in a message; a longer one is cut.
_SHOWN_CHARACTERS = 40
# Digits of the "write it in digits" hint; past them the hint would be noise.
_HINT_DIGITS = 30

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INFINITY = frozenset({"inf", "infinity"})
_PYDANTIC_PREFIX = "Value error, "
_NEGATIVE_NUMBER = re.compile(r"-[0-9.]")


def shown(text: str) -> str:
    """Return ``text`` as a message should repeat it: as typed if plain, else quoted and escaped.

    Example:
        >>> shown("1e3"), shown(""), shown("a\\x1b[2J")
        ('1e3', "''", "'a\\\\x1b[2J'")
    """
    cut = text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS] + "..."
    if cut and cut.isprintable() and not any(ch.isspace() for ch in cut):
        return cut
    return repr(cut)


def _bound(value: float) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,g}"


def _range_text(minimum: float | None, maximum: float | None, above: float | None) -> str:
    if above is not None:
        lower = f"more than {_bound(above)}"
        return lower if maximum is None else f"{lower}, at most {_bound(maximum)}"
    if minimum is not None and maximum is not None:
        return f"{_bound(minimum)} to {_bound(maximum)}"
    if minimum is not None:
        return f"{_bound(minimum)} or more"
    return f"{_bound(maximum)} or less" if maximum is not None else "any"


@dataclass(frozen=True)
class Integer:
    """Read an integer option within ``[minimum, maximum]`` (a typer ``parser=``).

    Attributes:
        minimum: the least value accepted (``None``: no bound).
        maximum: the greatest value accepted (``None``: no bound).
    """

    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[int, ...] | None = None

    def __call__(self, value: object) -> int:
        """Return the integer that ``value`` (the text typed, or a default) spells.

        Raises:
            typer.BadParameter: not an integer, or out of range; click adds the option.
        """
        if isinstance(value, int) and not isinstance(value, bool):
            number, text = value, str(value)
        else:
            text = str(value).strip()
            if not _INTEGER.fullmatch(text):
                raise typer.BadParameter(f"{shown(text)} is not an integer{_digits_hint(text)}")
            if len(text.lstrip("+-")) > MAX_DIGITS:
                raise self._out_of_range(text)
            number = int(text)
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            raise self._out_of_range(text)
        if self.choices is not None and number not in self.choices:
            allowed = " or ".join(map(str, self.choices))
            raise typer.BadParameter(f"{shown(text)} is not {allowed}")
        return number

    def _out_of_range(self, text: str) -> typer.BadParameter:
        if self.minimum is None and self.maximum is None:
            return typer.BadParameter(f"{shown(text)} has more than {MAX_DIGITS} digits")
        allowed = _range_text(self.minimum, self.maximum, None)
        return typer.BadParameter(f"{shown(text)} is out of range ({allowed})")


def _digits_hint(text: str) -> str:
    """Say how to write a whole number typed as a decimal (``5.0``, ``1e3``)."""
    if not _DECIMAL.fullmatch(text):
        return ""
    value = Decimal(text)
    if value.adjusted() >= _HINT_DIGITS or value != value.to_integral_value():
        return ""
    return f" (write it in digits: {int(value)})"


@dataclass(frozen=True)
class Number:
    """Read a finite decimal option within its range (a typer ``parser=``).

    Attributes:
        minimum: the least value accepted (``None``: no bound).
        maximum: the greatest value accepted (``None``: no bound).
        above: an exclusive lower bound instead of ``minimum`` (``--timeout`` must be > 0).
    """

    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None

    def __call__(self, value: object) -> float:
        """Return the number that ``value`` (the text typed, or a default) spells.

        Raises:
            typer.BadParameter: not a finite decimal, or out of range.
        """
        if isinstance(value, int | float) and not isinstance(value, bool):
            number, text = float(value), f"{value:g}"
        else:
            text = str(value).strip()
            if text.lower().lstrip("+-") in _INFINITY:
                raise typer.BadParameter(f"{shown(text)} is not a finite number")
            if not _DECIMAL.fullmatch(text):
                raise typer.BadParameter(f"{shown(text)} is not a number")
            number = float(text)
        low_ok = (self.minimum is None or number >= self.minimum) and (
            self.above is None or number > self.above
        )
        high_ok = self.maximum is None or number <= self.maximum
        if not (math.isfinite(number) and low_ok and high_ok):
            if math.isfinite(number) or self.maximum is not None or math.isnan(number):
                allowed = _range_text(self.minimum, self.maximum, self.above)
                problem = (
                    "is not a number" if math.isnan(number) else f"is out of range ({allowed})"
                )
            else:
                problem = "is not a finite number"
            raise typer.BadParameter(f"{shown(text)} {problem}")
        return number


def integer(
    minimum: int | None = None,
    maximum: int | None = None,
    *,
    choices: tuple[int, ...] | None = None,
) -> Integer:
    """Return the parser of an integer option within ``[minimum, maximum]``, or one of ``choices``.

    Example::

        count: Annotated[int, typer.Option("--count", parser=integer(0, 1000))] = 20
    """
    return Integer(minimum, maximum, choices)


def number(
    minimum: float | None = None, maximum: float | None = None, *, above: float | None = None
) -> Number:
    """Return the parser of a finite decimal option within its range."""
    return Number(minimum, maximum, above)


def seconds(maximum: float | None = None, *, above: float | None = None) -> Number:
    """Return the parser of a duration: a finite number of seconds, 0 or more by default.

    Args:
        maximum: the longest duration accepted.
        above: an exclusive lower bound instead of 0 (``above=0``: a wait of 0 means nothing).
    """
    return Number(None if above is not None else 0.0, maximum, above)


def probability() -> Number:
    """Return the parser of a probability: a number from 0 to 1."""
    return Number(0.0, 1.0)


def _parameter_name(param: object) -> str | None:
    """Name a parameter as the usage line shows it: ``--count``, or ``NUMBER``."""
    if isinstance(param, TyperArgument):
        return param.metavar or (param.name or "").upper() or None
    opts = [str(opt) for opt in getattr(param, "opts", ())]
    if not opts:
        return None
    return max(opts, key=lambda opt: (opt.startswith("--"), len(opt)))


def usage_message(error: typer.TyperException) -> str:
    """Return the one-line message for a command-line error (without ``speedlab: error:``).

    A bad value reads ``OPTION: problem`` (click's ``Invalid value for '--count' / '-n':`` says
    less in more words); an unknown option that is a negative number gets a hint, since click
    reads ``-7`` after ``--check`` as an option. Anything else keeps click's own words.
    """
    if isinstance(error, typer.BadParameter) and not isinstance(error, MissingParameter):
        name = _parameter_name(error.param) if error.param_hint is None else None
        if name is not None:
            # typer words its own choice errors as pydantic's "Value error, ..."
            return f"{name}: {error.message.removeprefix(_PYDANTIC_PREFIX)}"
    if isinstance(error, NoSuchOption) and _NEGATIVE_NUMBER.match(error.option_name):
        # click names only the first "short option" of -7.5, so the hint repeats no number.
        return (
            f"no such option: {shown(error.option_name)} (to give a negative number as an "
            "argument, put -- before it, after the options)"
        )
    return error.format_message()
