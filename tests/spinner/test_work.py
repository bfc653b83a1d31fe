"""Work: the lecture's sleep and is_prime, their checks and labels."""

from __future__ import annotations

import math

import pytest

from speedlab._exceptions import UsageError
from speedlab.lesson import is_prime
from speedlab.spinner import DEFAULT_PRIME, LECTURE_RESULT, MAX_NUMBER, MAX_SECONDS, Work


def test_the_default_number_is_a_prime_big_enough_to_be_slow() -> None:
    assert is_prime(DEFAULT_PRIME)
    assert DEFAULT_PRIME > 10**15  # ~2.2e7 odd trial divisors: about a second in CPython


def test_sleep_returns_the_lectures_1337_and_prime_the_answer() -> None:
    assert Work.sleep(0).run() == LECTURE_RESULT
    assert Work.prime(97).run() is True
    assert Work.prime(91).run() is False


def test_labels() -> None:
    assert Work.sleep(2.5).label == "sleep(2.5 s)"
    assert Work.prime(97).label == "is_prime(97)"


def test_of_builds_by_name_and_uses_only_its_own_option() -> None:
    assert Work.of("sleep", seconds=1, number=-5) == Work.sleep(1)
    assert Work.of("prime", seconds=-5, number=7) == Work.prime(7)
    with pytest.raises(UsageError, match="unknown work 'nap'"):
        Work.of("nap")


@pytest.mark.parametrize("seconds", [-0.1, math.inf, math.nan, MAX_SECONDS + 1])
def test_bad_seconds(seconds: float) -> None:
    with pytest.raises(UsageError, match="--seconds"):
        Work.sleep(seconds)


@pytest.mark.parametrize("number", [-1, MAX_NUMBER + 1, 2.5, True, "7"])
def test_bad_numbers(number: object) -> None:
    with pytest.raises(UsageError, match="--number"):
        Work.prime(number)  # type: ignore[arg-type]
