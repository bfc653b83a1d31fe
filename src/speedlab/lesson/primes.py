"""The lecture's infinite prime generator, and where its fast replacement lives.

The lecture shows that a generator can be infinite with ``create_prime_stream``, which tests
every number by trial division.  It is kept here, as written, as :func:`naive_prime_stream`: the
reference sequence that the fast stream is tested and benchmarked against.

The fast stream is product code, not lecture material, so it lives in :mod:`speedlab.primes`
(a numpy segmented sieve, hundreds of times faster, in bounded memory).  Its names are
re-exported here unchanged, so ``from speedlab.lesson.primes import prime_stream`` keeps
working and gives the very same objects; so is :func:`is_prime`, the lecture's trial division,
which lives there because ``speedlab primes --check`` uses it.

    >>> from itertools import islice
    >>> list(islice(naive_prime_stream(), 5)) == list(islice(prime_stream(), 5))
    True
"""

from __future__ import annotations

import math
from collections.abc import Generator

from speedlab.primes import (
    SEGMENT_BYTES,
    SEGMENT_SPAN,
    Primality,
    PrimeSieve,
    PrimeSieveStatistics,
    first_primes,
    is_prime,
    primality,
    prime_stream,
    primes_below,
)

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
