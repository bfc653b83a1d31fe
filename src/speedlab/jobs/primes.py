"""The lecture's CPU-bound work as a job: one ``is_prime(n)`` per number.

Each unit yields one ``Compute`` effect, so where the trial division runs is the model's
choice alone: inline under sequential and threads (the GIL lets one thread compute at a
time, so threads gain nothing), on the loop under asyncio (every other task waits), in a
worker process under processes (one core each). The job shares nothing, so every model can
run it.

Without numbers the job tests :data:`DEFAULT_NUMBERS`: large primes and composites that each
take about a second of trial division (CPython 3.11 on a 2020s core): enough work per unit
that the models' overheads (a process pool's start, a dask task's round trip) stay small.

    >>> from speedlab.jobs.primes import PrimeJob
    >>> from speedlab.models import run_model
    >>> result = run_model("sequential", PrimeJob(numbers=(97, 91)))
    >>> [r.data["prime"] for r in result.records]
    [True, False]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from speedlab._exceptions import UsageError
from speedlab.jobs.base import SharedMemory
from speedlab.jobs.effects import CallResult, Compute, UnitGenerator, UnitOutcome
from speedlab.primes import is_prime

__all__ = ["DEFAULT_NUMBERS", "PrimeJob"]

#: The CPU-bound job's default numbers: the five largest primes below 10**15 and three
#: products of two primes just around sqrt(10**15). Trial division of each tries about
#: 1.6e7 odd divisors (a composite's smaller factor is as far as a prime's square root), so
#: every unit costs about the same second; the mix makes the answers differ. They stay
#: within ``speedlab primes --check``'s limit of 10**15.
DEFAULT_NUMBERS: tuple[int, ...] = (
    999_999_999_999_989,
    31_622_743 * 31_622_777,
    999_999_999_999_947,
    31_622_741 * 31_622_779,
    999_999_999_999_883,
    31_622_729 * 31_622_803,
    999_999_999_999_877,
    999_999_999_999_827,
)


@dataclass(frozen=True)
class PrimeJob:
    """Test each number for primality by trial division, one unit per number.

    Args:
        numbers: The numbers (duplicates are tested once; order kept); default
            :data:`DEFAULT_NUMBERS`, about a second each.
        name: The job's name in reports.

    Raises:
        UsageError: ``numbers`` holds something that is not an int.
    """

    numbers: Sequence[int] = DEFAULT_NUMBERS
    name: str = "primes"

    def __post_init__(self) -> None:
        for n in self.numbers:
            if isinstance(n, bool) or not isinstance(n, int):
                raise UsageError(f"a prime job needs whole numbers, not {n!r}")
        object.__setattr__(self, "numbers", tuple(dict.fromkeys(self.numbers)))

    def units(self) -> Sequence[str]:
        """One key per number: its decimal form."""
        return [str(n) for n in self.numbers]

    def skipped(self) -> Sequence[UnitOutcome]:
        """Nothing is ever skipped."""
        return []

    def new_shared_state(self, memory: SharedMemory) -> object:
        """Nothing is shared: each number is tested on its own."""
        del memory
        return None

    def unit(self, key: str, shared: object) -> UnitGenerator:
        """Ask the model to compute ``is_prime(int(key))``; report the answer."""
        del shared
        number = int(key)
        reply = yield Compute(is_prime, number)
        if not isinstance(reply, CallResult):
            raise TypeError(f"a Compute must be answered with a CallResult, got {reply!r}")
        if reply.error is not None:
            return UnitOutcome(key, "failed", f"is_prime failed: {reply.error}")
        prime = bool(reply.value)
        return UnitOutcome(
            key,
            "done",
            "prime" if prime else "not prime",
            attempts=1,
            data={"number": number, "prime": prime},
        )
