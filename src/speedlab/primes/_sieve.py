"""The segmented sieve behind ``prime_stream``: numpy sieves each segment, Python ints come out.

Why this shape: a pure-Python sieve spends its time in the interpreter, one step per prime or
per multiple, and a C++ library (primesieve) hands out one prime per call.  Here every loop over
numbers runs inside numpy, and the only per-prime work left in Python is what any stream of
Python ints must pay: making the int object (``ndarray.tolist``) and handing it over.

How one segment is sieved (:data:`SEGMENT_SLOTS` odd numbers, one bool flag each):

* The multiples of 3, 5, 7, 11, 13 and 17 are cleared by copying a slice of a precomputed
  pattern (period 255,255 odd numbers), taken at the segment's offset in that period.
* Each sieving prime ``p`` below ``SEGMENT_SLOTS / 8`` clears its odd multiples with one strided
  assignment ``flags[j::p] = False``; the larger ones hit the segment at most 8 times, so they
  are cleared all together with index arrays, a round per hit.  Every prime's next multiple
  (its slot ``j``) is carried from segment to segment in an int64 array, updated by numpy.
* ``flatnonzero`` turns the flags into the segment's primes (int64), handed out as Python ints
  through ``tolist()`` in chunks of :data:`_CHUNK`.

Sieving primes are added when a segment reaches ``p * p``: the sieve holds the primes up to
``sqrt(n)`` (16 bytes each: the prime and its next slot) plus one segment's buffers, so its
memory is ``O(sqrt(n))`` however long it runs; :meth:`PrimeSieve.statistics` reports both.

The bound: every number is an int64, and every intermediate value (``p * p``, a multiple plus
``2p``) stays below ``2**63`` as long as the numbers stay below :data:`PRIME_STREAM_LIMIT`
(``2**62``).  A start at or above it is refused; an unbounded stream that reaches it raises
``OverflowError`` rather than give a wrong answer.  Long before that, the cost of a far start
is the sieving primes up to ``sqrt(start)``: about 1.3 MB at ``10**12``, 92 MB at ``10**16``.

numpy is imported when the first segment is sieved, not when this module is imported, so that
``import speedlab`` and ``speedlab --help`` stay fast.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from speedlab._exceptions import UsageError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    _Ints = npt.NDArray[np.int64]
    _Flags = npt.NDArray[np.bool_]

__all__ = [
    "PRIME_STREAM_LIMIT",
    "SEGMENT_BYTES",
    "SEGMENT_SLOTS",
    "SEGMENT_SPAN",
    "PrimeSieve",
    "PrimeSieveStatistics",
]

#: Odd numbers per segment, one flag byte each: 256 KiB, which fits a core's L2 cache, and
#: large enough that the per-segment Python work (one strided assignment per small sieving
#: prime) stays a few percent of the total (2**17 to 2**19 measured within 10% here).
SEGMENT_SLOTS = 2**18
#: Consecutive integers one segment covers (odd and even).
SEGMENT_SPAN = 2 * SEGMENT_SLOTS
#: Bytes of sieve flags in one segment.
SEGMENT_BYTES = SEGMENT_SLOTS
#: Every number the sieve handles is below this: int64 arithmetic stays exact under it.
PRIME_STREAM_LIMIT = 2**62

_PRESIEVE = (3, 5, 7, 11, 13, 17)  # cleared by copying a pattern, never sieved one by one
_PERIOD = math.prod(_PRESIEVE)  # odd numbers after which the pattern repeats (255,255)
_SPARSE = 8  # primes >= SEGMENT_SLOTS / _SPARSE hit a segment at most _SPARSE times
_CHUNK = 8192  # primes per list handed to the consumer (bounds the Python objects alive)
_RANGE_SLOTS = 2**20  # odd numbers per block when sieving primes in a range (far starts)


def _check_natural(value: object, name: str) -> int:
    """Return ``value`` if it is an int >= 0; TypeError for other types, UsageError if < 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise UsageError(f"{name} must be >= 0, got {value}")
    return value


def _check_below_limit(value: int, name: str) -> int:
    """Return ``value`` if the sieve's int64 arithmetic can handle it, else raise UsageError."""
    if value > PRIME_STREAM_LIMIT:
        raise UsageError(
            f"{name} must be <= 2**62 = {PRIME_STREAM_LIMIT:,} (the sieve computes in int64),"
            f" got {value:,}"
        )
    return value


def _odd_primes_upto(limit: int) -> _Ints:
    """Return the odd primes ``<= limit`` by a plain sieve (used for limits up to ~55,000)."""
    import numpy as np

    flags = np.ones((limit + 1) // 2, dtype=np.bool_)  # slot i stands for 2i + 1
    flags[:1] = False  # 1 is not prime
    for i in range(1, (math.isqrt(limit) - 1) // 2 + 1):
        if flags[i]:
            p = 2 * i + 1
            flags[p * p // 2 :: p] = False
    found: _Ints = np.flatnonzero(flags).astype(np.int64) * 2 + 1
    return found


def _odd_primes_between(lo: int, hi: int) -> _Ints:
    """Return the odd primes in ``[lo, hi)`` for ``lo > 1``, sieving the range block by block.

    Blocks of :data:`_RANGE_SLOTS` keep the temporary flags small even when a far start needs
    millions of sieving primes at once.
    """
    import numpy as np

    lo |= 1  # the first odd number >= lo
    if hi <= lo:
        return np.empty(0, dtype=np.int64)
    roots = _odd_primes_upto(math.isqrt(hi - 1)).tolist()
    parts = []
    for a in range(lo, hi, 2 * _RANGE_SLOTS):
        b = min(a + 2 * _RANGE_SLOTS, hi)
        flags = np.ones((b - a + 1) // 2, dtype=np.bool_)  # slot i stands for a + 2i
        for p in roots:
            if p * p >= b:
                break
            first = max(p * p, -(-a // p) * p)
            if first % 2 == 0:
                first += p
            flags[(first - a) // 2 :: p] = False
        parts.append(np.flatnonzero(flags).astype(np.int64) * 2 + a)
    return np.concatenate(parts)


def _presieve_pattern() -> _Flags:
    """Flags of ``SEGMENT_SLOTS + _PERIOD`` odd numbers from 1 with the multiples of 3..17 cleared.

    Any segment's first flags are the slice of this pattern at its offset in the period.
    """
    import numpy as np

    flags = np.ones(SEGMENT_SLOTS + _PERIOD, dtype=np.bool_)
    for q in _PRESIEVE:
        flags[(q - 1) // 2 :: q] = False  # 2i + 1 is a multiple of q when i = (q - 1) / 2 mod q
    return flags


@dataclass(frozen=True)
class PrimeSieveStatistics:
    """What a :class:`PrimeSieve` holds and has done, to check that its memory stays bounded.

    Attributes:
        start: The first number the stream may yield.
        stop: The end (exclusive) of a bounded stream; None for an unbounded one.
        segments: Segments sieved so far.
        sieved_to: End (exclusive) of the last segment sieved; 0 before the first.
        base_primes: Sieving primes held (primes above 17 whose square is below ``sieved_to``).
        largest_base_prime: The largest of them, 0 when there are none.
        segment_bytes: Bytes of sieve flags per segment (fixed, :data:`SEGMENT_BYTES`).
        held_bytes: Bytes of every numpy buffer the sieve holds now: the pattern, the flags, the
            last segment's primes, and 16 bytes per sieving prime (the prime and its next slot).
    """

    start: int
    stop: int | None
    segments: int
    sieved_to: int
    base_primes: int
    largest_base_prime: int
    segment_bytes: int
    held_bytes: int


class PrimeSieve:
    """A segmented sieve of Eratosthenes that streams the primes ``>= start`` (forever).

    Iterating it gives one iterator (the same one each time: a sieve is one stream); its
    :meth:`statistics` show the state that bounds its memory.  Most code wants
    :func:`~speedlab.primes.prime_stream`, which returns that iterator directly.

    Example:
        >>> sieve = PrimeSieve(100)
        >>> from itertools import islice
        >>> list(islice(sieve, 3)), sieve.statistics().segments
        ([101, 103, 107], 1)
    """

    def __init__(self, start: int = 2, *, stop: int | None = None) -> None:
        """Prepare a stream of the primes ``p`` with ``start <= p`` (and ``p < stop`` if given).

        Args:
            start: The smallest number the stream may yield (``0 <= start <= 2**62``).
            stop: If given, the stream ends before this number (``0 <= stop <= 2**62``);
                if not, it runs until :data:`PRIME_STREAM_LIMIT` and then raises OverflowError.

        Raises:
            TypeError: ``start`` or ``stop`` is not an int (bool is refused too).
            UsageError: ``start`` or ``stop`` is negative or above :data:`PRIME_STREAM_LIMIT`.
        """
        self._start = _check_below_limit(_check_natural(start, "start"), "start")
        if stop is not None:
            stop = _check_below_limit(_check_natural(stop, "stop"), "stop")
        self._stop = stop
        self._limit = _PRESIEVE[-1]  # every prime above 17 and <= _limit is in _base
        self._base: _Ints | None = None  # sieving primes, increasing
        self._offsets: _Ints | None = None  # slot of each one's next odd multiple
        self._dense = 0  # how many of _base are below SEGMENT_SLOTS / _SPARSE
        self._segments = 0
        self._sieved_to = 0
        self._held_bytes = 0
        self._stream = chain.from_iterable(self._chunks())

    def __iter__(self) -> Iterator[int]:
        """Return the stream (the same iterator on every call).

        It is ``itertools.chain`` over lists of ints, fed by a generator resumed once per chunk
        of primes: a consumer's ``next`` runs C code only, no Python frame per prime.
        """
        return self._stream

    def statistics(self) -> PrimeSieveStatistics:
        """Return what the sieve holds now (sizes only; cheap)."""
        base = self._base
        return PrimeSieveStatistics(
            start=self._start,
            stop=self._stop,
            segments=self._segments,
            sieved_to=self._sieved_to,
            base_primes=0 if base is None else int(base.size),
            largest_base_prime=0 if base is None or not base.size else int(base[-1]),
            segment_bytes=SEGMENT_BYTES,
            held_bytes=self._held_bytes,
        )

    def _chunks(self) -> Generator[list[int], None, None]:
        """Sieve segment after segment; yield each one's primes as lists of Python ints."""
        import numpy as np

        start = self._start
        stop = PRIME_STREAM_LIMIT if self._stop is None else self._stop
        if start <= 2 < stop:
            yield [2]
        pattern = _presieve_pattern()
        flags = np.empty(SEGMENT_SLOTS, dtype=np.bool_)
        low = start - start % 2  # even, so slot i stands for the odd number low + 2i + 1
        while low < stop:
            high = min(low + SEGMENT_SPAN, stop)
            self._add_base_primes(math.isqrt(high - 1), low)
            at = (low // 2) % _PERIOD
            np.copyto(flags, pattern[at : at + SEGMENT_SLOTS])
            if low < _PRESIEVE[-1]:  # the first segment: the pattern cleared 3..17 themselves
                for q in _PRESIEVE:
                    if q > low:
                        flags[(q - low - 1) // 2] = True
                if low == 0:
                    flags[0] = False  # 1 is not prime
            self._strike(flags)
            if high - low < SEGMENT_SPAN:  # the last segment of a bounded stream
                flags[(high - low) // 2 :] = False
            found = np.flatnonzero(flags).astype(np.int64, copy=False)
            found *= 2
            found += low + 1
            self._segments += 1
            self._sieved_to = high
            self._held_bytes = pattern.nbytes + flags.nbytes + found.nbytes + self._base_bytes()
            for first in range(0, found.size, _CHUNK):
                yield found[first : first + _CHUNK].tolist()
            low = high
        if self._stop is None:
            raise OverflowError(
                f"prime_stream() reached its limit 2**62 = {PRIME_STREAM_LIMIT:,}: beyond it the"
                " sieve's int64 arithmetic would not be exact"
            )

    def _strike(self, flags: _Flags) -> None:
        """Clear the multiples of every sieving prime in this segment; advance their offsets."""
        import numpy as np

        if self._base is None or self._offsets is None:
            return
        dense = self._dense
        primes, offsets = self._base[:dense], self._offsets[:dense]  # views
        for p, j in zip(primes.tolist(), offsets.tolist(), strict=True):
            flags[j::p] = False
        # The next odd multiple's slot in the next segment is (j - SLOTS) mod p, as j < SLOTS:
        # a prime joins only when its square (or, far away, its first multiple) is in the
        # segment being sieved.
        np.remainder(offsets - SEGMENT_SLOTS, primes, out=offsets)
        if dense < self._base.size:
            primes, offsets = self._base[dense:], self._offsets[dense:]
            hit = np.flatnonzero(offsets < SEGMENT_SLOTS)
            while hit.size:  # at most _SPARSE rounds
                flags[offsets[hit]] = False
                offsets[hit] += primes[hit]
                hit = hit[offsets[hit] < SEGMENT_SLOTS]
            offsets -= SEGMENT_SLOTS

    def _add_base_primes(self, limit: int, low: int) -> None:
        """Add the sieving primes up to ``limit``, with the slot of their first odd multiple.

        The first multiple that needs clearing is ``p * p`` (smaller ones have a smaller
        factor) or the first multiple from ``low``, whichever is larger; odd, since even
        numbers have no slot.
        """
        import numpy as np

        if limit <= self._limit:
            return
        new = _odd_primes_between(self._limit + 1, limit + 1)
        self._limit = limit
        if not new.size:
            return
        first = np.maximum(new * new, -(-low // new) * new)
        first += new * (first % 2 == 0)
        slots = (first - low - 1) // 2
        if self._base is None or self._offsets is None:
            self._base, self._offsets = new, slots
        else:
            self._base = np.concatenate((self._base, new))
            self._offsets = np.concatenate((self._offsets, slots))
        self._dense = int(np.searchsorted(self._base, SEGMENT_SLOTS // _SPARSE))

    def _base_bytes(self) -> int:
        if self._base is None or self._offsets is None:
            return 0
        return int(self._base.nbytes + self._offsets.nbytes)
