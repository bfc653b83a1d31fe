"""The public prime functions: the stream is exactly the primes, from any start, near or far."""

from __future__ import annotations

from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedlab._exceptions import UsageError
from speedlab.primes import (
    PRIME_STREAM_LIMIT,
    SEGMENT_SLOTS,
    SEGMENT_SPAN,
    Primality,
    first_primes,
    is_prime,
    primality,
    prime_stream,
    primes_below,
)
from tests.primes._reference import plain_sieve, primes_from, primes_in_range

SMALL_PRIMES = plain_sieve(10**5)

# From here on, some sieving primes are "sparse" (>= SEGMENT_SLOTS / 16: cleared by index
# arrays, not by strided slices): their squares are above this.
SPARSE_FROM = (SEGMENT_SLOTS // 16) ** 2


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


# --- prime_stream -----------------------------------------------------------------------------


def test_prime_stream_is_a_lazy_iterator_of_plain_ints() -> None:
    stream = prime_stream()
    # An iterator (a chain of C iterators, so no Python frame is resumed per prime).
    assert iter(stream) is stream
    assert not hasattr(stream, "gi_frame")
    assert all(type(p) is int for p in islice(stream, 100))


def test_prime_stream_equals_a_plain_sieve_across_many_segments() -> None:
    limit = 4 * SEGMENT_SPAN + 12_345
    expected = plain_sieve(limit)
    assert list(islice(prime_stream(), len(expected))) == expected


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**7 - 1))
def test_prime_stream_from_any_start_below_10_million(start: int) -> None:
    assert list(islice(prime_stream(start), 50)) == primes_from(start, 50)


@settings(max_examples=12, deadline=None)
@given(st.integers(min_value=SPARSE_FROM, max_value=10**13))
def test_prime_stream_from_a_far_start(start: int) -> None:
    # Far starts exercise the sparse sieving primes; compared with a sieve of the range alone.
    expected = primes_in_range(start, start + 20_000)
    got = list(islice(prime_stream(start), len(expected) + 1))
    assert got[:-1] == expected
    assert got[-1] >= start + 20_000


def test_prime_stream_across_two_segment_edges_far_away() -> None:
    # Offsets of 78,000 sieving primes (sparse ones included) carried over two segment edges.
    start = 10**12
    expected = primes_in_range(start, start + 2 * SEGMENT_SPAN + 1000)
    assert list(islice(prime_stream(start), len(expected))) == expected


def _boundary_starts() -> list[int]:
    starts = set(range(50))  # 2, 3 and the pre-sieved primes 5..17 in the first segment
    for k in range(1, 4):  # the edges of the first segments
        starts.update(k * SEGMENT_SPAN + d for d in range(-3, 4))
    for p in (19, 23, 29, 461, 463, 467, 2003):  # squares of sieving primes, around them
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


@pytest.mark.parametrize("bad", ["5", 5.0, None, True, False])
def test_prime_stream_refuses_a_non_int_start_at_call_time(bad: object) -> None:
    with pytest.raises(TypeError, match="start must be an int"):
        prime_stream(bad)  # type: ignore[arg-type]


def test_prime_stream_refuses_a_negative_start_at_call_time() -> None:
    with pytest.raises(UsageError, match="start must be >= 0, got -1"):
        prime_stream(-1)


def test_prime_stream_refuses_a_start_beyond_int64_safety_at_call_time() -> None:
    with pytest.raises(UsageError, match=r"start must be <= 2\*\*62"):
        prime_stream(PRIME_STREAM_LIMIT + 1)


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
    assert list(primes_below(3)) == [2]
    assert list(primes_below(18, start=3)) == [3, 5, 7, 11, 13, 17]
    assert list(primes_below(10, start=10)) == []
    assert list(primes_below(5, start=10)) == []


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 3 * SEGMENT_SPAN), st.integers(0, SEGMENT_SPAN + 1000))
def test_primes_below_ends_exactly_at_stop(start: int, width: int) -> None:
    expected = primes_in_range(start, start + width) if width else []
    assert list(primes_below(start + width, start=start)) == expected


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: first_primes(-1), UsageError),
        (lambda: first_primes(3, start=-1), UsageError),
        (lambda: first_primes(1.5), TypeError),  # type: ignore[arg-type]
        (lambda: primes_below(-5), UsageError),
        (lambda: primes_below(50, start=-5), UsageError),
        (lambda: primes_below("9"), TypeError),  # type: ignore[arg-type]
        (lambda: primes_below(PRIME_STREAM_LIMIT + 1), UsageError),
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
