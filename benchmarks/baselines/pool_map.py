"""CPU-bound work spread over cores the way the lecture says people do it: ``Pool.map``.

Written as a careful user would: one process per core, ``chunksize=1`` (each number is about a
second of work, so bigger chunks could leave a core idle at the end), the pool closed by its
``with`` block. No stop, no records, no events: the cost our processes model is compared to.
"""

from __future__ import annotations

import multiprocessing

from speedlab.lesson.primes import is_prime

__all__ = ["check_all"]


def check_all(numbers: list[int], workers: int) -> list[bool]:
    """Return ``is_prime(n)`` for each number, computed by a pool of ``workers`` processes."""
    with multiprocessing.Pool(workers) as pool:
        return pool.map(is_prime, numbers, chunksize=1)
