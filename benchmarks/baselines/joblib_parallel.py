"""CPU-bound work the other way the lecture names: ``joblib.Parallel`` with the loky backend.

Written as its documentation shows: ``Parallel(n_jobs)(delayed(f)(x) for x in xs)``. loky keeps
its worker processes for the next call (they end when idle for a while, or with this process),
so repeated runs after the first skip their start-up, as they would in a user's program.
"""

from __future__ import annotations

from joblib import Parallel, delayed

from speedlab.lesson.primes import is_prime

__all__ = ["check_all"]


def check_all(numbers: list[int], workers: int) -> list[bool]:
    """Return ``is_prime(n)`` for each number, computed by ``workers`` loky processes."""
    results = Parallel(n_jobs=workers, backend="loky")(delayed(is_prime)(n) for n in numbers)
    return [bool(r) for r in results]
