"""A small, safe calculator for the provider's answers: what the lecture's ``eval`` was for.

The lecture reads each answer with ``eval(input(req))``, so a student may type ``7``, ``2.5``,
``2**3``, ``1+1`` or ``0x10``. ``eval`` would also run ``__import__('os').system(...)``, and even
plain arithmetic can hang or crash the program: ``9**9**9`` computes for hours, a 5,000-digit
number exceeds ``int``'s conversion limit, and ``1e200`` makes the computer's ``x ** 2`` overflow.

So the answer is parsed with :mod:`ast` and only numeric literals, unary ``+``/``-``, the binary
operators ``+ - * / // % **`` and parentheses are evaluated, here, by walking the tree. Sizes
are bounded before any work is done: the text's length, the digits of each literal, the
exponent of ``**``, and the magnitude of every literal and every intermediate result, which keeps
``x ** 2 + y`` and the provider's sum exact and finite. Anything else is an :class:`AnswerError`
whose message says what was wrong, in English or translated.

    >>> evaluate_answer("2**3"), evaluate_answer("1+1"), evaluate_answer("0x10")
    (8, 2, 16)
    >>> evaluate_answer("9**9**9")
    Traceback (most recent call last):
    ...
    speedlab.lesson._arithmetic.AnswerError: the exponent in '9**9**9' is 387420489; at most 100
"""

from __future__ import annotations

import ast
import math
import operator
import re
import warnings
from collections.abc import Callable, Mapping
from typing import TypeAlias

from speedlab._exceptions import UsageError
from speedlab.lesson._narrator import N_

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_EXPONENT",
    "MAX_LITERAL_DIGITS",
    "MAX_MAGNITUDE",
    "MAX_MAGNITUDE_DIGITS",
    "AnswerError",
    "Number",
    "evaluate_answer",
]

#: What an answer evaluates to: the lecture's ``eval`` gave ints or floats.
Number: TypeAlias = int | float

# Longest answer parsed at all: a sum of a few numbers fits many times over.
MAX_ANSWER_CHARS = 100

# Most digits in one literal (underscores and a 0x/0o/0b prefix not counted).
MAX_LITERAL_DIGITS = 30

# Largest exponent of **: with every base bounded by MAX_MAGNITUDE, a power stays cheap.
MAX_EXPONENT = 100

# Every number, typed or computed, stays within +/- 10**this: the computer squares its x and
# the provider adds two results, so about 10**30 is the largest value the lesson ever computes.
MAX_MAGNITUDE_DIGITS = 15
MAX_MAGNITUDE = 10**MAX_MAGNITUDE_DIGITS

# Runs of digits longer than a literal may be, found before parsing (so a 5,000-digit number
# is named as such instead of tripping int's 4,300-digit conversion limit inside the parser).
_LONG_DIGIT_RUN = re.compile(rf"[0-9_]{{{MAX_LITERAL_DIGITS + 1},}}")

# How much of the student's text a message quotes.
_QUOTE_CHARS = 40

_BINARY: Mapping[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}

_UNARY: Mapping[type[ast.unaryop], Callable[[Number], Number]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}


class AnswerError(UsageError):
    """An answer that is not a number the lesson can use; the message says why.

    The message is kept as an English template and its values, so that it can be shown in
    the student's language: ``str(error)`` is English, ``error.message(translate)`` any other.

    Attributes:
        template: The English message with ``{name}`` placeholders (marked for translation).
        values: The placeholders' values.
    """

    def __init__(self, template: str, **values: object) -> None:
        self.template = template
        self.values = dict(values)
        super().__init__(template.format(**values))

    def message(self, translate: Callable[[str], str] = N_) -> str:
        """The message in another language: ``translate`` is a gettext function."""
        return translate(self.template).format(**self.values)


def _quote(text: str) -> str:
    """The student's text, escaped (no control characters reach the terminal) and shortened."""
    quoted = repr(text)
    cut = text[:_QUOTE_CHARS]
    while len(quoted) > _QUOTE_CHARS + 2:  # escapes count: "\U0002ebe1" is ten characters
        cut = cut[:-1]
        quoted = repr(cut + "…")
    return quoted


def evaluate_answer(text: str) -> Number:
    """Evaluate one answer: a number or an arithmetic expression of numbers, within bounds.

    Args:
        text: What the student typed; surrounding white space is ignored.

    Returns:
        An ``int`` when every step is an integer operation (``2**3``), else a ``float``.

    Raises:
        AnswerError: The text is empty, too long, not arithmetic, too large, divides by zero or
            is not a real number; the message says which.

    Example:
        >>> evaluate_answer(" 7 "), evaluate_answer("2.5"), evaluate_answer("-(1+2)*3")
        (7, 2.5, -9)
    """
    cleaned = text.strip()
    if not cleaned:
        raise AnswerError(N_("the answer is empty"))
    long_run = _LONG_DIGIT_RUN.search(cleaned)
    if long_run is not None:
        digits = len(long_run.group().replace("_", ""))
        raise AnswerError(
            N_("a number with {digits} digits is too long: at most {limit} digits"),
            digits=digits,
            limit=MAX_LITERAL_DIGITS,
        )
    if len(cleaned) > MAX_ANSWER_CHARS:
        raise AnswerError(
            N_("the answer is {length} characters long: at most {limit}"),
            length=len(cleaned),
            limit=MAX_ANSWER_CHARS,
        )
    tree = _parse(cleaned)
    try:
        return _Evaluator(cleaned).value(tree.body)
    except RecursionError:  # deeply nested, though 100 characters hardly allow it
        raise AnswerError(N_("{text} is nested too deeply"), text=_quote(cleaned)) from None


def _parse(text: str) -> ast.Expression:
    """Parse ``text`` as one Python expression, or say that it is not arithmetic."""
    try:
        with warnings.catch_warnings():
            # "1(2)" or "1 is 1" make the compiler warn; the tree is refused below anyway.
            warnings.simplefilter("ignore")
            return ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # ValueError: null bytes, or lone surrogates that cannot be encoded for the parser.
        raise AnswerError(
            N_("{text} is not a number or an arithmetic expression"), text=_quote(text)
        ) from None


class _Evaluator:
    """Walk an expression tree, allowing only numbers and the arithmetic operators."""

    def __init__(self, source: str) -> None:
        self.source = source

    def _text(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.source, node)
        return _quote(self.source if segment is None else segment)

    def _too_large(self, node: ast.AST) -> AnswerError:
        return AnswerError(
            N_("{text} is too large: numbers must stay within ±10**{digits}"),
            text=self._text(node),
            digits=MAX_MAGNITUDE_DIGITS,
        )

    def _bounded(self, value: Number, node: ast.AST) -> Number:
        if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_MAGNITUDE:
            raise self._too_large(node)
        return value

    def value(self, node: ast.expr) -> Number:
        if isinstance(node, ast.Name):
            raise AnswerError(N_("{text} is a name, not a number"), text=self._text(node))
        if isinstance(node, ast.Constant):
            return self._literal(node)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return self._bounded(_UNARY[type(node.op)](self.value(node.operand)), node)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return self._binary(node)
        raise AnswerError(
            N_("{text} is not allowed: use numbers, + - * / // % ** and parentheses"),
            text=self._text(node),
        )

    def _literal(self, node: ast.Constant) -> Number:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswerError(N_("{text} is not a number"), text=self._text(node))
        segment = ast.get_source_segment(self.source, node) or ""
        digits = sum(ch.isdigit() for ch in re.sub(r"^0[xXoObB]", "", segment))
        if digits > MAX_LITERAL_DIGITS:
            raise AnswerError(
                N_("a number with {digits} digits is too long: at most {limit} digits"),
                digits=digits,
                limit=MAX_LITERAL_DIGITS,
            )
        return self._bounded(value, node)

    def _binary(self, node: ast.BinOp) -> Number:
        left = self.value(node.left)
        right = self.value(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise AnswerError(
                N_("the exponent in {text} is {exponent}; at most {limit}"),
                text=self._text(node),
                exponent=right,
                limit=MAX_EXPONENT,
            )
        try:
            result = _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise AnswerError(N_("{text} divides by zero"), text=self._text(node)) from None
        except OverflowError:
            raise self._too_large(node) from None
        if isinstance(result, complex):  # (-8) ** 0.5
            raise AnswerError(N_("{text} is not a real number"), text=self._text(node))
        return self._bounded(result, node)
