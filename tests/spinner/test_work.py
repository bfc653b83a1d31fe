"""Work: the lecture's sleep and is_prime, their checks and labels."""

from __future__ import annotations

import math

import pytest

from speedlab._exceptions import UsageError
from speedlab.spinner import DEFAULT_PRIME, LECTURE_RESULT, MAX_NUMBER, MAX_SECONDS, Work


def miller_rabin(n: int) -> bool:
    """Deterministic for n < 3.3e24 with these bases: checks a big prime in microseconds."""
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41):
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def test_the_default_number_is_a_prime_big_enough_to_be_slow() -> None:
    assert miller_rabin(DEFAULT_PRIME)  # is_prime itself would take a second
    assert not miller_rabin(DEFAULT_PRIME + 2)
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
