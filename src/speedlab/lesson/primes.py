"""Infinite prime streams: the lecture's trial-division generator and a fast segmented sieve.

The lecture shows that a generator can be infinite with ``create_prime_stream``, which tests every
number by trial division.  It is kept here as :func:`naive_prime_stream`, the reference that the
fast stream is tested against.  :func:`prime_stream` yields the same sequence much faster and
still lazily: it sieves one fixed-size segment of numbers at a time, so it can start at any
``n >= 0`` and run forever while holding only the sieving primes up to ``sqrt(n)`` plus one
segment.

How the fast stream works (pure Python; every inner loop runs in C):

* A segment covers :data:`SEGMENT_SPAN` consecutive integers starting at a multiple of 210.  Only
  odd numbers get a flag byte (:data:`SEGMENT_BYTES` bytes).  The multiples of 3, 5 and 7 are
  cleared by copying a precomputed pattern (its period, 105 odd numbers, divides the segment);
  every other sieving prime ``p`` clears its odd multiples with one extended-slice assignment
  ``flags[j::p] = zeros[:count]``, starting from a per-prime offset that is carried over from
  segment to segment (so nothing is recomputed with divisions).
* The flags of the 48 residues modulo 210 that are coprime to 210 are then gathered (48 strided
  copies) into a wheel-ordered buffer; ``itertools.compress`` over a small shared table of wheel
  offsets (64 turns, 3,072 ints) picks the primes chunk by chunk, and
  ``map(operator.add, repeat(base), ...)`` turns them into Python ints.  Going through the wheel
  means the C loop looks at 48 of every 210 numbers instead of 105.
* Sieving primes are added only when a segment reaches ``p * p``; they are found by a small
  plain sieve over the new range ``(old limit, isqrt(segment end)]``.

Why 2**10 wheel turns per segment (215,040 numbers, 107,520 flag bytes): the per-segment Python
work is one slice assignment per sieving prime, so segments must be large enough to amortise it;
beyond about 2**10 turns nothing got faster on a 2-core test machine, while the flag buffers
(about 3 x 107,520 bytes with the pattern and a zero buffer) grow with the segment.

The stream handed out is ``itertools.chain`` over those ``map`` objects, fed by a generator that
runs once per chunk: the consumer's ``next`` goes straight into C iterators, and no Python frame
is resumed per prime (a plain ``yield`` per prime cost about as much as all the rest together).

Speed, measured by ``benchmarks/primes.py``: about 15x faster than the classic dict-based
incremental sieve and about 400x faster than the lecture's stream, but about 2.5x slower than
calling the C++ ``primesieve`` iterator from a Python loop (125 ns against 49 ns a prime): what
remains is the sieving itself and making one new int object per prime.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import chain, compress, islice, repeat, takewhile
from operator import add

from speedlab._exceptions import UsageError

__all__ = [
    "SEGMENT_BYTES",
    "SEGMENT_SPAN",
    "Primality",
    "PrimeSieve",
    "PrimeSieveStatistics",
    "first_primes",
    "is_prime",
    "naive_prime_stream",
    "primality",
    "prime_stream",
    "primes_below",
]

_WHEEL = 210  # 2 * 3 * 5 * 7: the wheel whose multiples never need sieving
_HALF = _WHEEL // 2  # odd numbers per wheel turn
_RESIDUES = tuple(r for r in range(1, _WHEEL, 2) if math.gcd(r, _WHEEL) == 1)  # 48 of them
_TURNS = 2**10  # wheel turns per segment (see the module docstring for why)
_CHUNK_TURNS = 64  # wheel turns whose primes are picked by one compress() call
_WHEEL_PRIMES = (2, 3, 5, 7)

#: How many consecutive integers one segment of :func:`prime_stream` covers.
SEGMENT_SPAN = _WHEEL * _TURNS
#: Bytes of sieve flags in one segment (one per odd number).
SEGMENT_BYTES = _HALF * _TURNS


def is_prime(n: int) -> bool:
    """Tell whether ``n`` is prime, by trial division (the lecture's version).

    Trial division by odd numbers up to ``isqrt(n)``: simple and exact, and slow on purpose
    for large primes, which is what the lecture's spinner and CPU-bound jobs need.

    Args:
        n: The number to test; anything below 2 is not prime.

    Returns:
        True if ``n`` is prime.

    Raises:
        TypeError: ``n`` is not an int (bool is refused too).

    Example:
        >>> [n for n in range(20) if is_prime(n)]
        [2, 3, 5, 7, 11, 13, 17, 19]
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"is_prime() needs an int, not {type(n).__name__}")
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    root = math.isqrt(n)
    # The lecture's explicit loop, kept: it is also faster than all() over a generator.
    for i in range(3, root + 1, 2):  # noqa: SIM110
        if n % i == 0:
            return False
    return True


def naive_prime_stream() -> Generator[int, None, None]:
    """Yield 2, 3, 5, 7, ... forever by trial division: the lecture's ``create_prime_stream``.

    Kept as written in the lecture (``floor(sqrt(n))`` and all), as the reference sequence that
    :func:`prime_stream` is tested and benchmarked against.

    Example:
        >>> from itertools import islice
        >>> list(islice(naive_prime_stream(), 5))
        [2, 3, 5, 7, 11]
    """
    n = 1
    while True:
        n += 1
        for i in range(2, math.floor(math.sqrt(n)) + 1):
            if n % i == 0:
                break
        else:
            yield n


@dataclass(frozen=True)
class PrimeSieveStatistics:
    """What a :class:`PrimeSieve` holds and has done, to check that its memory stays bounded.

    Attributes:
        start: The first number the stream may yield.
        segments: Segments sieved so far.
        sieved_to: End (exclusive) of the last segment sieved; 0 before the first.
        base_primes: Sieving primes held (odd primes above 7 whose square is below ``sieved_to``).
        largest_base_prime: The largest of them, 0 when there are none.
        segment_bytes: Bytes of sieve flags per segment (fixed, :data:`SEGMENT_BYTES`).
    """

    start: int
    segments: int
    sieved_to: int
    base_primes: int
    largest_base_prime: int
    segment_bytes: int


def _check_natural(value: object, name: str) -> int:
    """Return ``value`` if it is an int >= 0; TypeError for other types, UsageError if < 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise UsageError(f"{name} must be >= 0, got {value}")
    return value


def _plain_sieve(limit: int) -> bytearray:
    """Return flags for 0..limit (1 = prime), by the textbook sieve; for small limits only."""
    flags = bytearray([1]) * (limit + 1)
    flags[: min(2, limit + 1)] = bytes(min(2, limit + 1))
    for p in range(2, math.isqrt(limit) + 1):
        if flags[p]:
            flags[p * p :: p] = bytes(len(range(p * p, limit + 1, p)))
    return flags


def _odd_primes_between(lo: int, hi: int) -> list[int]:
    """Return the primes in ``[lo, hi)`` that are above 7, by a plain sieve of that range.

    Used to add sieving primes; the range is at most about ``sqrt`` of the numbers being
    streamed, and the primes needed to sieve it (up to its own square root) are recomputed,
    which costs ``O(n ** 0.25)``.
    """
    lo = max(lo, 11)
    if hi <= lo:
        return []
    flags = bytearray([1]) * (hi - lo)
    small = _plain_sieve(math.isqrt(hi - 1))
    for p in range(2, len(small)):
        if small[p]:
            first = max(p * p, -(-lo // p) * p)
            if first < hi:
                flags[first - lo :: p] = bytes(len(range(first - lo, hi - lo, p)))
    return list(compress(range(lo, hi), flags))


@cache
def _pattern() -> bytes:
    """Flags of one segment with the odd multiples of 3, 5 and 7 cleared (1 is left set)."""
    flags = bytearray([1]) * SEGMENT_BYTES
    for p in (3, 5, 7):
        first = (p - 1) // 2  # odd slot j stands for 2j + 1; the pattern repeats every 105 slots
        flags[first::p] = bytes(len(range(first, SEGMENT_BYTES, p)))
    return bytes(flags)


@cache
def _wheel_offsets() -> list[int]:
    """Offsets of the wheel candidates in ``_CHUNK_TURNS`` turns, in wheel order (shared)."""
    return [_WHEEL * turn + r for turn in range(_CHUNK_TURNS) for r in _RESIDUES]


class PrimeSieve:
    """A segmented sieve of Eratosthenes that streams the primes ``>= start`` forever.

    Iterating it gives one iterator (the same one each time: a sieve is one stream); its
    :meth:`statistics` show the state that bounds its memory.  Most code wants
    :func:`prime_stream`, which returns that iterator directly.

    Example:
        >>> sieve = PrimeSieve(100)
        >>> from itertools import islice
        >>> list(islice(sieve, 3)), sieve.statistics().segments
        ([101, 103, 107], 1)
    """

    def __init__(self, start: int = 2) -> None:
        """Prepare a stream of the primes ``>= start``.

        Args:
            start: The smallest number the stream may yield (``>= 0``).

        Raises:
            TypeError: ``start`` is not an int (bool is refused too).
            UsageError: ``start`` is negative.
        """
        self._start = _check_natural(start, "start")
        self._base: list[int] = []  # sieving primes: odd primes > 7 with p * p < sieved_to
        self._limit = 10  # every prime above 7 and <= _limit is in _base
        self._segments = 0
        self._sieved_to = 0
        self._stream = self._generate()

    def __iter__(self) -> Iterator[int]:
        """Return the stream (the same iterator on every call)."""
        return self._stream

    def statistics(self) -> PrimeSieveStatistics:
        """Return what the sieve holds now (sizes only; cheap)."""
        return PrimeSieveStatistics(
            start=self._start,
            segments=self._segments,
            sieved_to=self._sieved_to,
            base_primes=len(self._base),
            largest_base_prime=self._base[-1] if self._base else 0,
            segment_bytes=SEGMENT_BYTES,
        )

    def _generate(self) -> Iterator[int]:
        # chain() pulls primes straight from C iterators (map over compress): no Python frame
        # is resumed per prime, only one per chunk of the wheel.
        return chain.from_iterable(self._chunks())

    def _chunks(self) -> Generator[Iterator[int], None, None]:
        start = self._start
        yield iter([p for p in _WHEEL_PRIMES if p >= start])
        base = self._base
        offsets: list[int] = []  # offsets[k]: odd slot of base[k]'s next multiple in the segment
        pattern = _pattern()
        wheel_offsets = _wheel_offsets()
        zeros = bytes(SEGMENT_BYTES)
        flags = bytearray(SEGMENT_BYTES)
        wheel = bytearray(len(_RESIDUES) * _TURNS)
        gathers = [(i, (r - 1) // 2) for i, r in enumerate(_RESIDUES)]
        stride = len(_RESIDUES)
        low = start - start % _WHEEL
        while True:
            high = low + SEGMENT_SPAN
            self._add_base_primes(math.isqrt(high - 1), low, offsets)
            flags[:] = pattern
            for k, p in enumerate(base):
                j = offsets[k]
                if j < SEGMENT_BYTES:
                    count = (SEGMENT_BYTES - 1 - j) // p + 1
                    flags[j::p] = zeros[:count]
                    j += count * p
                offsets[k] = j - SEGMENT_BYTES
            for i, first in gathers:
                wheel[i::stride] = flags[first::_HALF]
            if low == 0:
                wheel[0] = 0  # 1 is not prime; the wheel primes were yielded above
            if low < start:  # the first segment: drop the candidates below start
                below = start - low
                cut = stride * (below // _WHEEL) + sum(r < below % _WHEEL for r in _RESIDUES)
                wheel[:cut] = zeros[:cut]
            self._segments += 1
            self._sieved_to = high
            for turn in range(0, _TURNS, _CHUNK_TURNS):  # a small shared table, reused
                at = turn * stride
                yield map(
                    add,
                    repeat(low + _WHEEL * turn),
                    compress(wheel_offsets, wheel[at : at + len(wheel_offsets)]),
                )
            low = high

    def _add_base_primes(self, limit: int, low: int, offsets: list[int]) -> None:
        """Add the sieving primes up to ``limit``, with their first odd multiple from ``low``."""
        if limit <= self._limit:
            return
        for p in _odd_primes_between(self._limit + 1, limit + 1):
            first = max(p * p, -(-low // p) * p)
            if first % 2 == 0:
                first += p
            self._base.append(p)
            offsets.append((first - low - 1) // 2)
        self._limit = limit


def prime_stream(start: int = 2) -> Iterator[int]:
    """Yield every prime ``>= start`` in increasing order, forever, fast.

    The same sequence as :func:`naive_prime_stream` (from ``start``), produced by a segmented
    sieve: memory stays at the sieving primes up to ``sqrt`` of the current number plus one
    fixed segment of :data:`SEGMENT_BYTES` bytes, however long it runs.

    Args:
        start: The smallest number to consider (``>= 0``; default 2, the first prime).

    Returns:
        An infinite iterator of Python ints (C iterators chained by a generator).

    Raises:
        TypeError: ``start`` is not an int (bool is refused too).
        UsageError: ``start`` is negative.

    Example:
        >>> from itertools import islice
        >>> list(islice(prime_stream(), 10))
        [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
        >>> next(prime_stream(10**12))
        1000000000039
    """
    return iter(PrimeSieve(start))


def first_primes(count: int, *, start: int = 2) -> Iterator[int]:
    """Yield the first ``count`` primes ``>= start``, lazily (nothing is built up front).

    Args:
        count: How many primes (``>= 0``).
        start: The smallest number to consider (``>= 0``).

    Returns:
        An iterator of ``count`` ints.

    Raises:
        TypeError: ``count`` or ``start`` is not an int.
        UsageError: ``count`` or ``start`` is negative.

    Example:
        >>> list(first_primes(3, start=10))
        [11, 13, 17]
    """
    count = _check_natural(count, "count")
    return islice(prime_stream(start), count)


def primes_below(stop: int, *, start: int = 2) -> Iterator[int]:
    """Yield the primes ``p`` with ``start <= p < stop`` in order, lazily.

    Args:
        stop: The end, exclusive (``>= 0``).
        start: The smallest number to consider (``>= 0``).

    Returns:
        An iterator of ints; empty when ``start >= stop``.

    Raises:
        TypeError: ``stop`` or ``start`` is not an int.
        UsageError: ``stop`` or ``start`` is negative.

    Example:
        >>> list(primes_below(20))
        [2, 3, 5, 7, 11, 13, 17, 19]
    """
    stop = _check_natural(stop, "stop")
    _check_natural(start, "start")
    if start >= stop:
        return iter(())
    return takewhile(stop.__gt__, prime_stream(start))


class Primality(enum.Enum):
    """What a natural number is: prime, composite, or (0 and 1) neither."""

    PRIME = "prime"
    COMPOSITE = "composite"
    NEITHER = "neither prime nor composite"


def primality(n: int) -> Primality:
    """Classify ``n >= 0`` as prime, composite, or neither (0 and 1), using :func:`is_prime`.

    Args:
        n: The number (``>= 0``).

    Returns:
        The :class:`Primality` of ``n``.

    Raises:
        TypeError: ``n`` is not an int.
        UsageError: ``n`` is negative (primality is defined here for natural numbers only).

    Example:
        >>> [primality(n).value for n in (1, 7, 8)]
        ['neither prime nor composite', 'prime', 'composite']
    """
    n = _check_natural(n, "n")
    if n < 2:
        return Primality.NEITHER
    return Primality.PRIME if is_prime(n) else Primality.COMPOSITE
