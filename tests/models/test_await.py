"""The ``Await`` effect: a coroutine function awaited by every model, its errors kept."""

from __future__ import annotations

import itertools
import pickle

import pytest

from speedlab.jobs.effects import Await, CallResult
from speedlab.models import MODELS, run_model
from tests.models._await_jobs import AwaitJob, double_later

ALL = list(MODELS)


def test_an_await_runs_its_coroutine_on_a_new_loop_when_run_blocking() -> None:
    assert Await(double_later, 21, 0).run() == CallResult(42, None)


def test_an_await_is_picklable_and_compares_by_function_and_arguments() -> None:
    effect = Await(double_later, 1, 0.5)
    assert pickle.loads(pickle.dumps(effect)) == effect
    assert "double_later" in repr(effect)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_every_model_awaits_the_coroutine_and_returns_its_value(model: str) -> None:
    job = AwaitJob(values=(1, 2, 3))
    result = run_model(model, job, concurrency=None if model == "sequential" else 3)
    assert [r.status for r in result.records] == ["done"] * 3
    assert [r.data["value"] for r in result.records] == [2, 4, 6]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", ALL)
def test_every_model_reports_what_the_coroutine_raised(model: str) -> None:
    result = run_model(model, AwaitJob(values=(7,), fn="refuse"))
    assert result.records[0].status == "failed"
    assert result.records[0].detail == "ValueError: no 7"


@pytest.mark.parametrize("model", ALL)
def test_a_plain_function_in_an_await_fails_the_unit_not_the_run(model: str) -> None:
    result = run_model(model, AwaitJob(values=(5,), fn="plain"))
    assert result.records[0].status == "failed"
    assert result.records[0].detail.startswith("TypeError")


# A coroutine that waits on the model's own loop: asyncio's, or speedlab.loop's for handmade.
LOOP_COROUTINE = {"handmade": "double_on_speedlab_loop"}


@pytest.mark.slow
@pytest.mark.timeout(30)
@pytest.mark.parametrize("model", [m for m, s in MODELS.items() if s.family == "async"])
def test_async_models_overlap_the_awaits_on_their_loop(model: str) -> None:
    fn = LOOP_COROUTINE.get(model, "double_later")
    result = run_model(model, AwaitJob(values=(1, 2, 3, 4), seconds=0.2, fn=fn), concurrency=4)
    assert [r.data["value"] for r in result.records] == [2, 4, 6, 8]
    records = result.records
    # Every unit started before any ended: the four waits were in flight together.
    assert max(r.start for r in records) < min(r.end for r in records)
    assert len(result.workers) == 4


@pytest.mark.slow
@pytest.mark.timeout(30)
def test_sequential_runs_the_awaits_one_after_another() -> None:
    records = run_model("sequential", AwaitJob(values=(1, 2, 3), seconds=0.05)).records
    assert all(a.end <= b.start for a, b in itertools.pairwise(records))


@pytest.mark.timeout(30)
def test_handmade_refuses_a_coroutine_that_needs_asyncio_s_loop_clearly() -> None:
    # asyncio.sleep(0.01) asks for asyncio's running loop: there is none on speedlab.loop.
    result = run_model("handmade", AwaitJob(values=(1, 2), seconds=0.01), concurrency=2)
    assert [r.status for r in result.records] == ["failed", "failed"]
    detail = result.records[0].detail
    assert detail.startswith("LoopError: double_later needs asyncio's event loop")
    assert "runs only portable coroutines" in detail
    assert detail.endswith("(RuntimeError: no running event loop)")


@pytest.mark.timeout(30)
def test_handmade_refuses_an_asyncio_future_yielded_to_its_kernel() -> None:
    result = run_model("handmade", AwaitJob(values=(3,), fn="await_a_future"))
    detail = result.records[0].detail
    assert detail.startswith("LoopError: await_a_future needs asyncio's event loop")
    assert "not a request this kernel understands" in detail
