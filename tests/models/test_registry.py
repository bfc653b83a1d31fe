"""Choosing a model by name, and the errors a user can make."""

from __future__ import annotations

import pytest

from speedlab._exceptions import UsageError
from speedlab.jobs.sleep import SleepJob
from speedlab.models import MODEL_NAMES, MODELS, aio, processes, run_model, sequential, threads


def test_the_four_built_models_are_registered_under_their_names() -> None:
    assert dict(MODELS) == {
        "sequential": sequential.run,
        "threads": threads.run,
        "processes": processes.run,
        "asyncio": aio.run,
    }
    assert MODEL_NAMES == ("sequential", "threads", "processes", "asyncio", "handmade")


def test_the_handmade_model_is_a_clear_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^the handmade model is not built yet$"):
        run_model("handmade", SleepJob(count=1, seconds=0))


def test_an_unknown_model_lists_the_choices() -> None:
    with pytest.raises(UsageError, match="unknown model 'fibers'; choose from sequential, "):
        run_model("fibers", SleepJob(count=1, seconds=0))


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("bad", [0, -3, True, 2.5])
def test_a_concurrency_below_one_or_not_an_int_is_refused(model: str, bad: object) -> None:
    with pytest.raises(UsageError, match="concurrency"):
        run_model(model, SleepJob(count=1, seconds=0), concurrency=bad)  # type: ignore[arg-type]


def test_sequential_refuses_a_concurrency_above_one() -> None:
    with pytest.raises(UsageError, match="one unit at a time; concurrency must be 1, not 4"):
        run_model("sequential", SleepJob(count=1, seconds=0), concurrency=4)
    assert run_model("sequential", SleepJob(count=1, seconds=0), concurrency=1).done == 1


@pytest.mark.parametrize(("model", "default"), [("threads", 16), ("asyncio", 100)])
def test_default_concurrency_is_the_named_constant(model: str, default: int) -> None:
    assert run_model(model, SleepJob(count=1, seconds=0)).concurrency == default
