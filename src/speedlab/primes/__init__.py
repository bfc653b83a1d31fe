"""Primes as a product: a fast, memory-bounded prime stream and one number's primality.

The lecture's own programs (the trial-division ``create_prime_stream``) stay in
:mod:`speedlab.lesson.primes`, which re-exports these names; this package is the fast version
that ``speedlab primes`` and the benchmarks use.  It imports numpy only when a stream sieves its
first segment.

    >>> from itertools import islice
    >>> from speedlab.primes import prime_stream
    >>> list(islice(prime_stream(100), 3))
    [101, 103, 107]
"""

from __future__ import annotations

from speedlab.primes._sieve import (
    PRIME_STREAM_LIMIT,
    SEGMENT_BYTES,
    SEGMENT_SLOTS,
    SEGMENT_SPAN,
    PrimeSieve,
    PrimeSieveStatistics,
)
from speedlab.primes._stream import (
    Primality,
    first_primes,
    is_prime,
    primality,
    prime_stream,
    primes_below,
)

__all__ = [
    "PRIME_STREAM_LIMIT",
    "SEGMENT_BYTES",
    "SEGMENT_SLOTS",
    "SEGMENT_SPAN",
    "Primality",
    "PrimeSieve",
    "PrimeSieveStatistics",
    "first_primes",
    "is_prime",
    "primality",
    "prime_stream",
    "primes_below",
]
