"""The CPU-bound job: one Compute effect per number, the same answers under every model."""

from __future__ import annotations

import pickle

import pytest

from speedlab._exceptions import UsageError
from speedlab.jobs.effects import CallResult, Compute, UnitOutcome
from speedlab.jobs.primes import PrimeJob
from speedlab.lesson import is_prime
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
