"""The segmented sieve: what it holds (O(sqrt n) memory), where it stops, what it imports."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from itertools import islice

import pytest

from speedlab.primes import (
    SEGMENT_BYTES,
    SEGMENT_SLOTS,
    SEGMENT_SPAN,
    PrimeSieve,
    _sieve,
    prime_stream,
)
from tests.primes._reference import plain_sieve, primes_in_range

# Bytes a sieve holds besides its sieving primes: the flags, the pre-sieve pattern (one segment
# plus its 170,170-slot period) and one segment's primes as int64 (at most one per slot).
SEGMENT_BUFFERS = SEGMENT_BYTES + (SEGMENT_BYTES + 170_170) + 8 * SEGMENT_SLOTS
# Bytes per sieving prime: the prime, and the slot of its next multiple in each class.
PER_BASE_PRIME = 24


def _expected_base_primes(sieved_to: int) -> list[int]:
    """Sieving primes a segment ending at ``sieved_to`` needs: p > 17 with p * p < sieved_to."""
    return [p for p in plain_sieve(math.isqrt(sieved_to - 1) + 1) if p > 17]


def test_sieve_state_before_and_after_the_first_segment() -> None:
    sieve = PrimeSieve()
    before = sieve.statistics()
    assert (before.segments, before.sieved_to, before.base_primes, before.held_bytes) == (
        0,
        0,
        0,
        0,
    )
    assert before.segment_bytes == SEGMENT_BYTES
    assert list(islice(sieve, 5)) == [2, 3, 5, 7, 11]
    after = sieve.statistics()
    # Segments start at the start rounded down to a multiple of 6: 0 here.
    assert (after.segments, after.sieved_to) == (1, SEGMENT_SPAN)
    expected = _expected_base_primes(SEGMENT_SPAN)
    assert (after.base_primes, after.largest_base_prime) == (len(expected), expected[-1])
    assert 0 < after.held_bytes <= SEGMENT_BUFFERS + PER_BASE_PRIME * after.base_primes


def test_statistics_are_a_frozen_snapshot() -> None:
    sieve = PrimeSieve(7)
    stats = sieve.statistics()
    with pytest.raises(dataclasses.FrozenInstanceError):
        stats.segments = 5  # type: ignore[misc]
    next(iter(sieve))
    assert stats.segments == 0
    assert sieve.statistics().segments == 1


def test_sieve_holds_only_the_primes_up_to_sqrt_n_and_one_segment() -> None:
    sieve = PrimeSieve()
    stream = iter(sieve)
    held = []
    for _ in range(4):
        last = list(islice(stream, 250_000))[-1]
        stats = sieve.statistics()
        # The stream is lazy: it has sieved only the segment holding the last prime yielded.
        assert stats.sieved_to - SEGMENT_SPAN <= last < stats.sieved_to
        assert stats.segments == stats.sieved_to // SEGMENT_SPAN
        expected = _expected_base_primes(stats.sieved_to)
        assert stats.base_primes == len(expected)
        assert stats.largest_base_prime == expected[-1]
        assert stats.held_bytes <= SEGMENT_BUFFERS + PER_BASE_PRIME * stats.base_primes
        held.append(stats.held_bytes)
    # 10**6 primes reach n ~ 1.6e7, sqrt(n) ~ 4,000: a few hundred sieving primes, so what
    # the sieve holds hardly moves while the primes handed out grow fourfold.
    assert sieve.statistics().base_primes < 560
    assert max(held) - min(held) < SEGMENT_BYTES


def test_sieve_from_a_large_start_holds_the_primes_up_to_sqrt_of_start() -> None:
    start = 10**11 + 1
    sieve = PrimeSieve(start)
    first = next(iter(sieve))
    assert first >= start
    stats = sieve.statistics()
    assert stats.sieved_to == start - start % 6 + SEGMENT_SPAN
    assert stats.base_primes == len(_expected_base_primes(stats.sieved_to))
    assert stats.held_bytes <= SEGMENT_BUFFERS + PER_BASE_PRIME * stats.base_primes


def test_iterating_a_sieve_twice_continues_the_same_stream() -> None:
    sieve = PrimeSieve(100)
    assert iter(sieve) is iter(sieve)
    assert next(iter(sieve)) == 101
    assert next(iter(sieve)) == 103


def test_a_bounded_sieve_stops_at_stop_and_sieves_no_further() -> None:
    start, stop = 10**7 + 1, 10**7 + SEGMENT_SPAN + 1001  # one full segment, then a bit more
    sieve = PrimeSieve(start, stop=stop)
    assert list(sieve) == primes_in_range(start, stop)
    stats = sieve.statistics()
    assert (stats.stop, stats.segments, stats.sieved_to) == (stop, 2, stop)
    assert list(sieve) == []  # finished for good


def test_an_unbounded_stream_raises_overflow_error_at_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The real limit (2**62) needs the 10**8 primes below 2**31 to reach; a lower one takes the
    # same code path.
    limit = 3 * SEGMENT_SPAN + 1000
    monkeypatch.setattr(_sieve, "PRIME_STREAM_LIMIT", limit)
    stream = prime_stream(2 * SEGMENT_SPAN)
    got = []
    with pytest.raises(OverflowError, match="reached its limit"):
        got.extend(stream)
    assert got == primes_in_range(2 * SEGMENT_SPAN, limit)


def test_numpy_is_imported_by_the_first_segment_not_by_the_import() -> None:
    code = (
        "import sys, speedlab.primes\n"
        "before = 'numpy' in sys.modules\n"
        "stream = speedlab.primes.prime_stream()\n"
        "middle = 'numpy' in sys.modules\n"
        "next(stream)\n"
        "print(before, middle, 'numpy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.split() == ["False", "False", "True"]
