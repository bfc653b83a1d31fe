"""The CPU-bound job: one Compute effect per number, the same answers under every model."""

from __future__ import annotations

import math
import pickle

import pytest

from speedlab._exceptions import UsageError
from speedlab.cli.primes import MAX_CHECK
from speedlab.jobs.effects import CallResult, Compute, UnitOutcome
from speedlab.jobs.primes import DEFAULT_NUMBERS, PrimeJob
from speedlab.lesson import is_prime
from speedlab.lesson.primes import first_primes
from speedlab.models import MODELS, run_model
from speedlab.models._sharing import NoSharedMemory

NUMBERS = (97, 91, 2, 1, 7919, 7917, 2**31 - 1)


def test_a_unit_asks_to_compute_is_prime_and_reports_the_answer() -> None:
    job = PrimeJob(numbers=(91,))
    gen = job.unit("91", job.new_shared_state(NoSharedMemory("dask", "far")))
    effect = next(gen)
    assert effect == Compute(is_prime, 91)
    with pytest.raises(StopIteration) as stop:
        gen.send(effect.run())
    assert stop.value.value == UnitOutcome(
        "91", "done", "not prime", attempts=1, data={"number": 91, "prime": False}
    )


def test_an_error_in_the_computation_fails_the_unit() -> None:
    gen = PrimeJob(numbers=(5,)).unit("5", None)
    next(gen)
    with pytest.raises(StopIteration) as stop:
        gen.send(CallResult(None, MemoryError("no room")))
    outcome = stop.value.value
    assert (outcome.status, outcome.detail) == ("failed", "is_prime failed: no room")


def test_numbers_are_whole_and_deduplicated() -> None:
    assert PrimeJob(numbers=[5, 3, 5]).units() == ["5", "3"]
    with pytest.raises(UsageError, match="whole numbers"):
        PrimeJob(numbers=[1.5])  # type: ignore[list-item]
    with pytest.raises(UsageError, match="whole numbers"):
        PrimeJob(numbers=[True])
    assert pickle.loads(pickle.dumps(PrimeJob(numbers=(3,)))) == PrimeJob(numbers=(3,))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("model", list(MODELS))
def test_every_model_gives_the_same_answers(model: str) -> None:
    concurrency = 1 if model == "sequential" else 2
    result = run_model(model, PrimeJob(numbers=NUMBERS), concurrency=concurrency)
    assert [r.key for r in result.records] == [str(n) for n in NUMBERS]
    assert [r.data["prime"] for r in result.records] == [is_prime(n) for n in NUMBERS]
    assert {r.status for r in result.records} == {"done"}


def _strong_probable_prime(n: int) -> bool:
    """Miller-Rabin with the first twelve primes as bases: exact for n < 3.3e24."""
    bases = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    if n < 2 or any(n % p == 0 for p in bases):
        return n in bases
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in bases:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def test_the_default_numbers_are_slow_primes_and_slow_composites() -> None:
    # Slow on purpose, and evenly: trial division of each must reach about sqrt(10**15).
    assert PrimeJob().numbers == DEFAULT_NUMBERS
    assert len(set(DEFAULT_NUMBERS)) == len(DEFAULT_NUMBERS) == 8
    assert all(10**14 < n <= MAX_CHECK for n in DEFAULT_NUMBERS)  # --check accepts them
    primes = [n for n in DEFAULT_NUMBERS if _strong_probable_prime(n)]
    composites = [n for n in DEFAULT_NUMBERS if n not in primes]
    assert (len(primes), len(composites)) == (5, 3)
    # Each composite is two primes around sqrt(10**15): no small factor cuts it short.
    root = math.isqrt(10**15)
    near = list(first_primes(40, start=root - 400))
    products = {p * q for p in near for q in near if p < q}
    assert all(n in products for n in composites)
