"""The segmented sieve behind ``prime_stream``: numpy sieves each segment, Python ints come out.

Why this shape: a pure-Python sieve spends its time in the interpreter, one step per prime or
per multiple, and a C++ library (primesieve) hands out one prime per call.  Here every loop over
numbers runs inside numpy, and the only per-prime work left in Python is what any stream of
Python ints must pay: making each int object and handing it over.

How one segment is sieved: it has :data:`SEGMENT_SLOTS` flags, one per number ``6k + 1`` or
``6k + 5`` (the only candidates above 3), interleaved so that slot ``i`` stands for
``low + 3i + 1 + (i & 1)`` and the flags are in increasing order of the numbers.

* The multiples of 5, 7, 11, 13 and 17 are cleared by copying a slice of a precomputed pattern
  (period 170,170 slots), taken at the segment's offset in that period.
* A sieving prime ``p`` has one multiple every ``6p`` numbers in each of the two classes, that
  is one every ``2p`` slots: each prime below ``SEGMENT_SLOTS / 16`` clears them with two
  strided assignments ``flags[j::2p] = False``; the larger ones hit the segment at most 8 times
  per class, so they are cleared all together with index arrays, a round per hit.  Each
  prime's next slot in each class is carried from segment to segment in an int64 array.
* ``flatnonzero`` turns the flags into the segment's primes (int64), and ``struct.unpack_from``
  turns them into tuples of Python ints, :data:`_CHUNK` at a time, read in place (measured
  faster than ``ndarray.tolist``).  The stream is ``itertools.chain`` over those tuples.

Sieving primes are added when a segment reaches ``p * p``: the sieve holds the primes up to
``sqrt(n)`` (24 bytes each: the prime and its next slot in each class) plus one segment's
buffers, so its memory is ``O(sqrt(n))`` however long it runs; :meth:`PrimeSieve.statistics`
reports both.  Why 2**19 slots (1.57 million numbers): the Python work per segment is two
slice assignments per small sieving prime, which larger segments amortise, while the flags
(512 KiB) still fit a core's L2 cache; 2**18 was 2% slower on the first 10**6 primes and 15%
slower on the first 10**7, 2**20 no faster.  The mod-6 slots beat one flag per odd number
(the first version) by about 6%.

The bound: every number is an int64, and every intermediate value (``p * p``, a multiple plus
``6p``) stays below ``2**63`` as long as the numbers stay below :data:`PRIME_STREAM_LIMIT`
(``2**62``).  A start above it is refused; an unbounded stream that reaches it raises
``OverflowError`` rather than give a wrong answer.  Long before that, the cost of a far start
is the sieving primes up to ``sqrt(start)``: the first prime comes after 15 ms holding 3.4 MiB
at ``10**12``, 60 ms and 17 MiB at ``10**14``, about 1 s and 133 MiB at ``10**16``, and near
``2**62`` some 10**8 sieving primes (2.5 GB): allowed, since it is exact, but not quick.

numpy is imported when the first segment is sieved, not when this module is imported, so that
``import speedlab`` and ``speedlab --help`` stay fast.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
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

#: Candidate slots (numbers 6k + 1 and 6k + 5) per segment, one flag byte each.
SEGMENT_SLOTS = 2**19
#: Consecutive integers one segment covers (a third of them are candidates, 6k + 1 and 6k + 5).
SEGMENT_SPAN = 3 * SEGMENT_SLOTS
#: Bytes of sieve flags in one segment.
SEGMENT_BYTES = SEGMENT_SLOTS
#: Every number the sieve handles is below this: int64 arithmetic stays exact under it.
PRIME_STREAM_LIMIT = 2**62

_PRESIEVE = (5, 7, 11, 13, 17)  # cleared by copying a pattern, never sieved one by one
_PERIOD = 2 * math.prod(_PRESIEVE)  # slots after which the pattern repeats (170,170)
_SPARSE = 8  # primes >= SEGMENT_SLOTS / (2 * _SPARSE) hit each class at most _SPARSE times
_CHUNK = 8192  # primes per tuple handed to the consumer (bounds the Python objects alive)
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


def _slots_below(span: int) -> int:
    """Count the slots of numbers ``< low + span`` in a segment from ``low`` (a multiple of 6)."""
    return 2 * (span // 6) + (span % 6 >= 2)


@cache
def _presieve_pattern() -> _Flags:
    """Flags of ``SEGMENT_SLOTS + _PERIOD`` slots from 0 with the multiples of 5..17 cleared.

    Any segment's first flags are the slice of this pattern at its offset in the period.  It is
    built once per process (2 ms, 0.7 MB) and shared, read-only, by every sieve: a stream asked
    for a few primes should not pay for it again.
    """
    import numpy as np

    flags = np.ones(SEGMENT_SLOTS + _PERIOD, dtype=np.bool_)
    for q in _PRESIEVE:
        for i in range(2 * q):  # one multiple of q in each class, then every 2q slots
            if (3 * i + 1 + (i & 1)) % q == 0:
                flags[i :: 2 * q] = False
    flags.setflags(write=False)
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
        held_bytes: Bytes of every numpy buffer the sieve uses now: the pattern (shared by all
            sieves), the flags, the last segment's primes, and 24 bytes per sieving prime (the
            prime and its next slot in each class).
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
        self._offsets: _Ints | None = None  # (2, n): slot of each one's next multiple, per class
        self._dense = 0  # how many of _base are below SEGMENT_SLOTS / (2 * _SPARSE)
        self._segments = 0
        self._sieved_to = 0
        self._held_bytes = 0
        self._stream = chain.from_iterable(self._chunks())

    def __iter__(self) -> Iterator[int]:
        """Return the stream (the same iterator on every call).

        It is ``itertools.chain`` over tuples of ints, fed by a generator resumed once per chunk
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

    def _chunks(self) -> Generator[Sequence[int], None, None]:
        """Sieve segment after segment; yield each one's primes as tuples of Python ints."""
        import numpy as np

        start = self._start
        stop = PRIME_STREAM_LIMIT if self._stop is None else self._stop
        small = tuple(p for p in (2, 3) if start <= p < stop)
        if small:
            yield small
        unpack_chunk = struct.Struct(f"{_CHUNK}q").unpack_from
        pattern = _presieve_pattern()
        flags = np.empty(SEGMENT_SLOTS, dtype=np.bool_)
        low = start - start % 6  # slot i stands for low + 3i + 1 + (i & 1): 6k + 1, 6k + 5
        while low < stop:
            high = min(low + SEGMENT_SPAN, stop)
            self._add_base_primes(math.isqrt(high - 1), low)
            at = 2 * ((low // 6) % (_PERIOD // 2))
            np.copyto(flags, pattern[at : at + SEGMENT_SLOTS])
            if low < _PRESIEVE[-1]:  # the first segment: the pattern cleared 5..17 themselves
                flags[[(q - low) // 3 for q in _PRESIEVE if q > low]] = True
                if low == 0:
                    flags[0] = False  # 1 is not prime
            if start > low + 1:  # the first segment: 6k + 1 is below start
                flags[0] = False
            self._strike(flags)
            if high - low < SEGMENT_SPAN:  # the last segment of a bounded stream
                flags[_slots_below(high - low) :] = False
            found = np.flatnonzero(flags).astype(np.int64, copy=False)
            odd = found & 1
            found *= 3
            found += odd
            found += low + 1
            self._segments += 1
            self._sieved_to = high
            self._held_bytes = pattern.nbytes + flags.nbytes + found.nbytes + self._base_bytes()
            view = found.data  # struct reads the int64s in place
            full, rest = divmod(found.size, _CHUNK)
            for chunk in range(full):
                yield unpack_chunk(view, chunk * _CHUNK * 8)
            if rest:
                yield struct.unpack_from(f"{rest}q", view, full * _CHUNK * 8)
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
        steps = 2 * self._base[:dense]  # a prime's multiples in one class are 6p apart: 2p slots
        offsets = self._offsets[:, :dense]  # a view
        for step, a, b in zip(steps.tolist(), *offsets.tolist(), strict=True):
            flags[a::step] = False
            flags[b::step] = False
        # The next multiple's slot in the next segment is (j - SLOTS) mod 2p: j - SLOTS < 2p
        # (a prime joins only when its square, or its first multiple far away, is in reach).
        np.remainder(offsets - SEGMENT_SLOTS, steps, out=offsets)
        if dense < self._base.size:
            steps = 2 * self._base[dense:]
            for offsets in self._offsets[:, dense:]:  # the two classes, as views
                hit = np.flatnonzero(offsets < SEGMENT_SLOTS)
                while hit.size:  # at most _SPARSE rounds
                    flags[offsets[hit]] = False
                    offsets[hit] += steps[hit]
                    hit = hit[offsets[hit] < SEGMENT_SLOTS]
                offsets -= SEGMENT_SLOTS

    def _add_base_primes(self, limit: int, low: int) -> None:
        """Add the sieving primes up to ``limit``, with the slots of their first multiples.

        For each class (6k + 1, 6k + 5) the first multiple ``m * p`` that needs clearing has
        ``m >= p`` (smaller ones have a smaller factor), ``m * p >= low``, and ``m * p`` in the
        class: ``m = r * p (mod 6)`` for the class's residue r, since ``p * p = 1 (mod 6)``.
        """
        import numpy as np

        if limit <= self._limit:
            return
        new = _odd_primes_between(self._limit + 1, limit + 1)
        self._limit = limit
        if not new.size:
            return
        least = np.maximum(new, -(-low // new))
        slots = np.empty((2, new.size), dtype=np.int64)
        for row, residue in enumerate((1, 5)):
            m = least + (residue * new - least) % 6
            slots[row] = (m * new - low) // 6 * 2 + row
        if self._base is None or self._offsets is None:
            self._base, self._offsets = new, slots
        else:
            self._base = np.concatenate((self._base, new))
            self._offsets = np.concatenate((self._offsets, slots), axis=1)
        self._dense = int(np.searchsorted(self._base, SEGMENT_SLOTS // (2 * _SPARSE)))

    def _base_bytes(self) -> int:
        if self._base is None or self._offsets is None:
            return 0
        return int(self._base.nbytes + self._offsets.nbytes)
