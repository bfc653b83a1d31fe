"""Reference primes for the tests, computed independently of speedlab.primes (plain Python)."""

from __future__ import annotations

import math
from itertools import compress, count, islice

from speedlab.primes import is_prime

__all__ = ["plain_sieve", "primes_from", "primes_in_range"]


def plain_sieve(limit: int) -> list[int]:
    """Primes below ``limit`` by the textbook sieve."""
    flags = bytearray([1]) * limit
    flags[:2] = bytes(min(2, limit))
    for p in range(2, math.isqrt(limit - 1) + 1):
        if flags[p]:
            flags[p * p :: p] = bytes(len(range(p * p, limit, p)))
    return list(compress(range(limit), flags))


def primes_in_range(lo: int, hi: int) -> list[int]:
    """Primes in ``[lo, hi)`` by the textbook sieve of that range alone (for far ranges)."""
    flags = bytearray([1]) * (hi - lo)
    for p in plain_sieve(math.isqrt(hi - 1) + 1):
        first = max(p * p, -(-lo // p) * p)
        flags[first - lo :: p] = bytes(len(range(first - lo, hi - lo, p)))
    return [n for n in compress(range(lo, hi), flags) if n >= 2]


def primes_from(start: int, how_many: int) -> list[int]:
    """The first ``how_many`` primes >= start, by filtering with trial division."""
    return list(islice(filter(is_prime, count(start)), how_many))
