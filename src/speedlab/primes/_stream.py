"""The public prime functions: streams from the sieve, and one number's primality.

:func:`prime_stream` is the product's answer to the lecture's "write an infinite prime
generator": the same sequence as the lecture's trial-division generator
(:func:`speedlab.lesson.naive_prime_stream`, kept there as the reference), hundreds of times
faster and in bounded memory.  :func:`first_primes` and :func:`primes_below` are the two ways
``speedlab primes`` slices it.  :func:`is_prime` is the lecture's trial division, exact and slow
on purpose for large primes (the CPU-bound unit of the lecture's jobs); :func:`primality` puts
a word on its answer for the command.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator
from itertools import islice

from speedlab.primes._sieve import PrimeSieve, _check_natural

__all__ = [
    "Primality",
    "first_primes",
    "is_prime",
    "primality",
    "prime_stream",
    "primes_below",
]


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


def prime_stream(start: int = 2) -> Iterator[int]:
    """Yield every prime ``>= start`` in increasing order, fast, in bounded memory.

    The same sequence as the lecture's ``naive_prime_stream`` (from ``start``), produced by a
    segmented sieve (:class:`PrimeSieve`): memory stays at the sieving primes up to ``sqrt`` of
    the current number plus one segment, however long it runs.  The iterator is
    ``itertools.chain`` over tuples of ints, so no Python frame is resumed per prime.

    Args:
        start: The smallest number to consider (``0 <= start <= 2**62``; default 2).

    Returns:
        An iterator of Python ints that runs until :data:`PRIME_STREAM_LIMIT` (``2**62``),
        where it raises OverflowError: in practice, forever.

    Raises:
        TypeError: ``start`` is not an int (bool is refused too).
        UsageError: ``start`` is negative or above ``2**62``.

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
        start: The smallest number to consider (``0 <= start <= 2**62``).

    Returns:
        An iterator of ``count`` ints.

    Raises:
        TypeError: ``count`` or ``start`` is not an int.
        UsageError: ``count`` or ``start`` is negative, or ``start`` is above ``2**62``.

    Example:
        >>> list(first_primes(3, start=10))
        [11, 13, 17]
    """
    count = _check_natural(count, "count")
    return islice(prime_stream(start), count)


def primes_below(stop: int, *, start: int = 2) -> Iterator[int]:
    """Yield the primes ``p`` with ``start <= p < stop`` in order, lazily.

    The sieve itself stops at ``stop`` (no per-prime comparison is added).

    Args:
        stop: The end, exclusive (``0 <= stop <= 2**62``).
        start: The smallest number to consider (``0 <= start <= 2**62``).

    Returns:
        An iterator of ints; empty when ``start >= stop``.

    Raises:
        TypeError: ``stop`` or ``start`` is not an int.
        UsageError: ``stop`` or ``start`` is negative or above ``2**62``.

    Example:
        >>> list(primes_below(20))
        [2, 3, 5, 7, 11, 13, 17, 19]
    """
    return iter(PrimeSieve(start, stop=stop))


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
