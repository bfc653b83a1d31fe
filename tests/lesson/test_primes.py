"""The prime streams: the fast sieve must give exactly the lecture's sequence, from any start."""

from __future__ import annotations

import inspect
import math
from itertools import compress, count, islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedlab._exceptions import UsageError
from speedlab.lesson.primes import (
    SEGMENT_BYTES,
    SEGMENT_SPAN,
    Primality,
    PrimeSieve,
    first_primes,
    is_prime,
    naive_prime_stream,
    primality,
    prime_stream,
    primes_below,
)


def plain_sieve(limit: int) -> list[int]:
    """Primes below ``limit`` by the textbook sieve, written independently of the module."""
    flags = bytearray([1]) * limit
    flags[:2] = bytes(min(2, limit))
    for p in range(2, math.isqrt(limit - 1) + 1):
        if flags[p]:
            flags[p * p :: p] = bytes(len(range(p * p, limit, p)))
    return list(compress(range(limit), flags))


def primes_from(start: int, how_many: int) -> list[int]:
    """The first ``how_many`` primes >= start, by filtering with trial division."""
    return list(islice(filter(is_prime, count(start)), how_many))


SMALL_PRIMES = plain_sieve(10**5)


# --- is_prime ---------------------------------------------------------------------------------


def test_is_prime_agrees_with_a_sieve_below_100000() -> None:
    expected = set(SMALL_PRIMES)
    wrong = [n for n in range(10**5) if is_prime(n) != (n in expected)]
    assert wrong == []


@pytest.mark.parametrize("n", [-7, -2, -1, 0, 1])
def test_is_prime_is_false_below_2(n: int) -> None:
    assert is_prime(n) is False


@pytest.mark.parametrize("n", [2, 3, 2**31 - 1, 10**9 + 7, 999_999_937, 1_000_000_000_039])
def test_is_prime_on_known_primes(n: int) -> None:
    assert is_prime(n) is True


@pytest.mark.parametrize(
    "n",
    [
        4,
        2**32,
        # Carmichael numbers fool Fermat tests, not trial division.
        561,
        1105,
        1729,
        2465,
        2821,
        6601,
        8911,
        41041,
        825_265,
        321_197_185,
        # Squares of primes: the only divisor is exactly isqrt(n).
        49,
        121,
        97 * 97,
        1_000_003**2,
        # Two large prime factors.
        999_983 * 1_000_003,
    ],
)
def test_is_prime_on_known_composites(n: int) -> None:
    assert is_prime(n) is False


@pytest.mark.parametrize("bad", [2.0, "7", None, True])
def test_is_prime_refuses_non_integers(bad: object) -> None:
    with pytest.raises(TypeError):
        is_prime(bad)  # type: ignore[arg-type]


# --- the naive stream -------------------------------------------------------------------------


def test_naive_prime_stream_is_the_lectures_infinite_generator() -> None:
    stream = naive_prime_stream()
    assert inspect.isgenerator(stream)
    assert list(islice(stream, 1000)) == SMALL_PRIMES[:1000]


# --- the fast stream --------------------------------------------------------------------------


def test_prime_stream_equals_the_naive_stream_on_20000_primes() -> None:
    naive = list(islice(naive_prime_stream(), 20_000))
    assert naive[-1] > SEGMENT_SPAN  # the comparison crosses a segment boundary
    assert list(islice(prime_stream(), 20_000)) == naive


def test_prime_stream_is_a_lazy_iterator_of_plain_ints() -> None:
    stream = prime_stream()
    # An iterator (a chain of C iterators, so no Python frame is resumed per prime).
    assert iter(stream) is stream
    assert all(type(p) is int for p in islice(stream, 100))


def test_prime_stream_equals_a_plain_sieve_across_many_segments() -> None:
    limit = 14 * SEGMENT_SPAN + 12_345
    expected = plain_sieve(limit)
    got = list(islice(prime_stream(), len(expected)))
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**7 - 1))
def test_prime_stream_from_any_start_below_10_million(start: int) -> None:
    assert list(islice(prime_stream(start), 50)) == primes_from(start, 50)


def _boundary_starts() -> list[int]:
    starts = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 209, 210, 211}
    for k in range(1, 4):  # the edges of the first segments
        starts.update(k * SEGMENT_SPAN + d for d in range(-3, 4))
    for p in (11, 13, 17, 461, 463, 467, 2003):  # squares of sieving primes, around them
        starts.update(p * p + d for d in (-2, -1, 0, 1, 2))
    return sorted(starts)


@pytest.mark.parametrize("start", _boundary_starts())
def test_prime_stream_at_segment_edges_and_prime_squares(start: int) -> None:
    assert list(islice(prime_stream(start), 60)) == primes_from(start, 60)


def test_prime_stream_runs_across_a_segment_edge_from_just_below_it() -> None:
    start = 3 * SEGMENT_SPAN - 500
    got = list(islice(prime_stream(start), 200))
    assert got[0] < 3 * SEGMENT_SPAN < got[-1]
    assert got == primes_from(start, 200)


def test_prime_stream_from_a_large_start() -> None:
    start = 10**12
    got = list(islice(prime_stream(start), 3))
    assert all(is_prime(p) for p in got)
    assert not any(is_prime(n) for n in range(start, got[0]))
    assert not any(is_prime(n) for n in range(got[0] + 1, got[1]))


@pytest.mark.parametrize("bad", ["5", 5.0, None, True, False])
def test_prime_stream_refuses_a_non_int_start_at_call_time(bad: object) -> None:
    with pytest.raises(TypeError, match="start must be an int"):
        prime_stream(bad)  # type: ignore[arg-type]


def test_prime_stream_refuses_a_negative_start_at_call_time() -> None:
    with pytest.raises(UsageError, match="start must be >= 0, got -1"):
        prime_stream(-1)


# --- memory stays bounded ---------------------------------------------------------------------


def _expected_base_primes(sieved_to: int) -> list[int]:
    """Sieving primes a segment ending at ``sieved_to`` needs: p > 7 with p * p < sieved_to."""
    return [p for p in plain_sieve(math.isqrt(sieved_to - 1) + 1) if p > 7]


def test_sieve_state_before_and_after_the_first_segment() -> None:
    sieve = PrimeSieve()
    before = sieve.statistics()
    assert (before.segments, before.sieved_to, before.base_primes) == (0, 0, 0)
    assert before.segment_bytes == SEGMENT_BYTES
    assert list(islice(sieve, 5)) == [2, 3, 5, 7, 11]
    after = sieve.statistics()
    assert (after.segments, after.sieved_to) == (1, SEGMENT_SPAN)
    expected = _expected_base_primes(SEGMENT_SPAN)
    assert (after.base_primes, after.largest_base_prime) == (len(expected), expected[-1])


def test_sieve_holds_only_the_primes_up_to_sqrt_n_after_many_primes() -> None:
    sieve = PrimeSieve()
    stream = iter(sieve)
    sizes = []
    for _ in range(3):
        last = list(islice(stream, 120_000))[-1]
        stats = sieve.statistics()
        # The stream is lazy: it has sieved only the segment holding the last prime yielded.
        assert stats.sieved_to - SEGMENT_SPAN <= last < stats.sieved_to
        assert stats.segments == stats.sieved_to // SEGMENT_SPAN
        expected = _expected_base_primes(stats.sieved_to)
        assert stats.base_primes == len(expected)
        assert stats.largest_base_prime == expected[-1]
        assert stats.base_primes <= 2 * math.isqrt(stats.sieved_to)  # O(sqrt(n)), loosely
        assert stats.segment_bytes == SEGMENT_BYTES
        sizes.append((last, stats.base_primes))
    # 360,000 primes reach n ~ 5.2e6; sqrt(n) ~ 2,280: a few hundred sieving primes, not 10**5.
    assert sizes[-1][1] < 400


def test_sieve_from_a_large_start_holds_the_primes_up_to_sqrt_of_start() -> None:
    start = 10**11
    sieve = PrimeSieve(start)
    first = next(iter(sieve))
    assert first >= start
    stats = sieve.statistics()
    assert stats.sieved_to == start - start % 210 + SEGMENT_SPAN
    assert stats.base_primes == len(_expected_base_primes(stats.sieved_to))


def test_iterating_a_sieve_twice_continues_the_same_stream() -> None:
    sieve = PrimeSieve(100)
    assert iter(sieve) is iter(sieve)
    assert next(iter(sieve)) == 101
    assert next(iter(sieve)) == 103


# --- helpers used by the command --------------------------------------------------------------


def test_first_primes_from_a_start() -> None:
    assert list(first_primes(10)) == SMALL_PRIMES[:10]
    assert list(first_primes(4, start=1000)) == primes_from(1000, 4)
    assert list(first_primes(0)) == []


def test_primes_below_a_stop() -> None:
    assert list(primes_below(10**5)) == SMALL_PRIMES
    assert list(primes_below(30, start=10)) == [11, 13, 17, 19, 23, 29]
    assert list(primes_below(29, start=10)) == [11, 13, 17, 19, 23]
    assert list(primes_below(2)) == []
    assert list(primes_below(10, start=10)) == []


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: first_primes(-1), UsageError),
        (lambda: first_primes(3, start=-1), UsageError),
        (lambda: first_primes(1.5), TypeError),  # type: ignore[arg-type]
        (lambda: primes_below(-5), UsageError),
        (lambda: primes_below(50, start=-5), UsageError),
        (lambda: primes_below("9"), TypeError),  # type: ignore[arg-type]
        (lambda: primality(-3), UsageError),
        (lambda: primality(True), TypeError),
    ],
)
def test_helpers_validate_their_arguments(call: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, Primality.NEITHER),
        (1, Primality.NEITHER),
        (2, Primality.PRIME),
        (4, Primality.COMPOSITE),
        (561, Primality.COMPOSITE),
        (7919, Primality.PRIME),
    ],
)
def test_primality(n: int, expected: Primality) -> None:
    assert primality(n) is expected


def test_primality_words() -> None:
    assert [kind.value for kind in Primality] == [
        "prime",
        "composite",
        "neither prime nor composite",
    ]
