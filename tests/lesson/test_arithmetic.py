"""The provider's calculator: what the lecture's eval accepted, safely, and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedlab._exceptions import UsageError
from speedlab.lesson._arithmetic import (
    MAX_ANSWER_CHARS,
    MAX_MAGNITUDE,
    AnswerError,
    evaluate_answer,
)
from speedlab.lesson._narrator import translations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        (" -3 ", -3),
        ("2.5", 2.5),
        ("2**3", 8),
        ("1+1", 2),
        ("0x10", 16),
        ("0o17", 15),
        ("0b101", 5),
        ("1_000", 1000),
        ("1e3", 1000.0),
        ("-(1 + 2) * 3", -9),
        ("7 // 2", 3),
        ("7 % 3", 1),
        ("7 / 2", 3.5),
        ("2 ** -1", 0.5),
        ("--5", 5),
        ("+4", 4),
        ("10**15", 10**15),
        ("(((((1)))))", 1),
    ],
)
def test_what_eval_gave_the_lecture(text: str, expected: float) -> None:
    value = evaluate_answer(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "'abc' is a name, not a number"),
        ("x + 1", "'x' is a name, not a number"),
        ("", "the answer is empty"),
        ("   ", "the answer is empty"),
        ("1e200", "'1e200' is too large: numbers must stay within ±10**15"),
        ("1e400", "'1e400' is too large"),
        ("5" * 5000, "a number with 5000 digits is too long: at most 30 digits"),
        ("9**9**9", "the exponent in '9**9**9' is 387420489; at most 100"),
        ("2**101", "the exponent in '2**101' is 101; at most 100"),
        ("10**15 * 10", "'10**15 * 10' is too large"),
        ("1/0", "'1/0' divides by zero"),
        ("5 // 0", "'5 // 0' divides by zero"),
        ("5 % 0.0", "'5 % 0.0' divides by zero"),
        ("0 ** -1", "'0 ** -1' divides by zero"),
        ("(-8) ** 0.5", "'(-8) ** 0.5' is not a real number"),
        ("True", "'True' is not a number"),
        ("'7'", "\"'7'\" is not a number"),
        ("1j", "'1j' is not a number"),
        ("__import__('os').system('true')", "is not allowed: use numbers, + - * / // % **"),
        ("[1, 2]", "'[1, 2]' is not allowed"),
        ("~1", "'~1' is not allowed"),
        ("1 if 1 else 2", "is not allowed"),
        ("1(2)", "'1(2)' is not allowed"),
        ("2 +", "'2 +' is not a number or an arithmetic expression"),
        ("1\x00", "is not a number or an arithmetic expression"),
        ("\ud800", "is not a number or an arithmetic expression"),
        ("1" + "+1" * 60, "the answer is 121 characters long: at most 100"),
    ],
)
def test_anything_else_is_refused_with_one_line_saying_why(text: str, message: str) -> None:
    with pytest.raises(AnswerError) as refused:
        evaluate_answer(text)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert isinstance(refused.value, UsageError)


def test_messages_quote_control_characters_escaped_and_long_text_shortened() -> None:
    with pytest.raises(AnswerError) as refused:
        evaluate_answer("\x1b[2J" + "a" * 80)
    text = str(refused.value)
    assert "\x1b" not in text
    assert "\\x1b" in text
    assert len(text) < 120


def test_a_refusal_reads_in_russian_too() -> None:
    with pytest.raises(AnswerError) as refused:
        evaluate_answer("1/0")
    assert refused.value.message() == "'1/0' divides by zero"
    assert refused.value.message(translations("ru").gettext) == "в '1/0' деление на ноль"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_no_text_at_all_escapes_as_anything_but_a_number_or_a_refusal(text: str) -> None:
    try:
        value: float | None = evaluate_answer(text)
    except AnswerError as refused:
        value, message = None, str(refused)
    else:
        message = ""
    if value is None:  # refused: one short line saying why
        assert message
        assert "\n" not in message
        assert len(message) < 200
    else:
        assert isinstance(value, int | float)
        assert abs(value) <= MAX_MAGNITUDE


ARITHMETIC = st.recursive(
    st.one_of(
        st.integers(-(10**20), 10**20).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.sampled_from(["0x10", "1_0", "9**9**9", "1e200", "0"]),
    ),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]), inner).map(
            lambda parts: f"({parts[0]}) {parts[1]} ({parts[2]})"
        ),
        inner.map(lambda operand: f"-({operand})"),
    ),
    max_leaves=6,
)


# No deadline (the machine is shared and noisy): a real blow-up, such as computing 9**9**9,
# takes hours and is caught by the per-test timeout instead.
@settings(max_examples=400, deadline=None)
@given(ARITHMETIC)
def test_arithmetic_of_any_size_is_answered_at_once(text: str) -> None:
    try:
        value = evaluate_answer(text)
    except AnswerError:
        value = None
    if value is not None:
        assert abs(value) <= MAX_MAGNITUDE
        assert len(text.strip()) <= MAX_ANSWER_CHARS
